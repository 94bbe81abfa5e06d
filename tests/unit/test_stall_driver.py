"""Driver model, stall model (issue 5), without a simulator: the event thread splits stall records
from the others, page requests reach the master's handler, Linux's page response (first StreamID,
RETRY/ABORT, no SYNC), the IOPF worker, the GPU job pattern, the SVA exit/unbind CDs, entry_store.
FakeSmmu (tests/unit/test_driver.py) consumes the command queue as soon as PROD is written."""

from __future__ import annotations

import asyncio

from tb.driver.smmu_driver import (GpuJobFaults, IopfQueue, PageRequest, cd_used, make_s1_cd, make_sva_cd,
                                   plan_entry_update, qwords)
from tb.model import commands as C
from tb.model.events import C_BAD_STE, F_PERMISSION, F_TRANSLATION, EventRecord
from tb.model.structs import Cd
from tb.regmap import SmmuParams

from test_driver import make, run  # noqa: E402  (tests/unit is on sys.path under pytest)


def stall_rec(sid, stag, addr=0x5000, rnw=1, ssid=None, eid=F_TRANSLATION, pnu=1):
    return EventRecord(EventID=eid, StreamID=sid, STAG=stag, Stall=1, RnW=rnw, PnU=pnu, CLASS=2, InputAddr=addr,
                       SSV=int(ssid is not None), SubstreamID=ssid or 0)


def post(drv, regs, mem, recs):
    """The SMMU writes ``recs`` at PROD (the fake does not wrap more than one lap per call)."""
    shift = drv.f.evtq_shift
    prod = regs.m.read_name("EVENTQ_PROD") & ((2 << shift) - 1)
    for r in recs:
        mem.write(drv.cfg.evtq_base + 32 * (prod & ((1 << shift) - 1)), r.pack())
        prod = (prod + 1) & ((2 << shift) - 1)
    regs.m.smmu_set_eventq_prod(prod)


def resumes(regs, since=0):
    out = []
    for raw in regs.consumed[since:]:
        c = C.decode(raw)
        if c.op in (C.RESUME, C.STALL_TERM, C.SYNC):
            out.append(c)
    return out


def test_page_request_from_record():
    r = PageRequest.from_record(stall_rec(3, 0x42, addr=0x1234_5000, rnw=0, ssid=7, pnu=0))
    assert (r.sid, r.grpid, r.addr, r.pasid, r.read, r.write, r.priv) == (3, 0x42, 0x1234_5000, 7, False, True, False)
    assert PageRequest.from_record(stall_rec(3, 1)).pasid is None


def test_event_thread_splits_stall_records():
    drv, regs, mem = make()
    other = []
    drv.event_hooks.append(other.append)
    got = []

    async def handler(req):
        got.append(req)

    m = drv.add_master([5], name="dev5")
    drv.set_fault_handler(m, handler)
    drv.add_master([6], name="nohandler")
    n0 = len(regs.consumed)
    post(drv, regs, mem, [stall_rec(5, 0x10), EventRecord(EventID=C_BAD_STE, StreamID=9), stall_rec(6, 0x11),
                          stall_rec(7, 0x12)])
    run(drv.service_evtq())
    assert [r.grpid for r in got] == [0x10] and got[0].master is m
    assert [r.StreamID for r in other] == [9]
    # a master without a handler: ABORT at once (iopf_error_response), no SYNC
    cmds = resumes(regs, n0)
    assert [(c.op, c["StreamID"], c["STAG"], c["Ab"], c["Ac"]) for c in cmds] == [(C.RESUME, 6, 0x11, 1, 0)]
    # an unknown StreamID: left stalled for the test
    assert [r.grpid for r in drv.pending_stalls] == [0x12]
    assert len(drv.stall_log) == 3 and len(drv.events) == 4


def test_page_response_uses_the_first_streamid_and_no_sync():
    drv, regs, mem = make()
    m = drv.add_master([0x20, 0x21])
    n0 = len(regs.consumed)
    req = PageRequest.from_record(stall_rec(0x21, 0x99), m)
    run(drv.page_response(req, True))
    run(drv.page_response(PageRequest.from_record(stall_rec(0x20, 0x98), m), False))
    cmds = resumes(regs, n0)
    assert [(c["StreamID"], c["STAG"], c["Ac"], c["Ab"]) for c in cmds] == [(0x20, 0x99, 1, 0), (0x20, 0x98, 0, 1)]
    assert all(c.op == C.RESUME for c in cmds)
    assert drv.resumes == {"retry": 1, "abort": 1, "term": 0}
    n1 = len(regs.consumed)
    run(drv.stall_term(0x21))
    run(drv.resume(0x21, 5, "term"))
    cmds = resumes(regs, n1)
    assert [c.op for c in cmds] == [C.STALL_TERM, C.RESUME] and cmds[1]["Ac"] == cmds[1]["Ab"] == 0


def test_iopf_queue_serves_in_order_from_a_worker():
    drv, regs, mem = make()
    m = drv.add_master([4])
    order = []

    async def handler(req):
        order.append(req.grpid)
        await asyncio.sleep(0)
        return req.addr != 0xBAD000

    async def scenario():
        q = IopfQueue(drv, handler).attach(m)
        n0 = len(regs.consumed)
        post(drv, regs, mem, [stall_rec(4, 1, 0x1000), stall_rec(4, 2, 0xBAD000), stall_rec(4, 3, 0x3000)])
        await drv.service_evtq()
        assert order == []                    # the event thread only queues
        for _ in range(50):
            await asyncio.sleep(0)
            if not q.busy():
                break
        q.stop()
        return q, resumes(regs, n0)

    q, cmds = run(scenario())
    assert order == [1, 2, 3] and [ok for _, ok in q.served] == [True, False, True]
    assert [(c["STAG"], c["Ac"], c["Ab"]) for c in cmds] == [(1, 1, 0), (2, 0, 1), (3, 1, 0)]
    assert not q.errors


def test_gpu_job_first_stall_deferred_others_aborted():
    drv, regs, mem = make()
    m = drv.add_master([8])

    async def scenario():
        gpu = GpuJobFaults(drv, snapshot=(1, 1), final="term").attach(m)
        gpu.new_job((8, 1))
        n0 = len(regs.consumed)
        post(drv, regs, mem, [stall_rec(8, 10 + k, 0x1000 * k, ssid=1) for k in range(4)])
        await drv.service_evtq()
        early = resumes(regs, n0)
        for _ in range(50):
            await asyncio.sleep(0)
            if not gpu.busy():
                break
        return gpu, early, resumes(regs, n0)

    gpu, early, cmds = run(scenario())
    assert [(c["STAG"], c["Ab"]) for c in early] == [(11, 1), (12, 1), (13, 1)]      # at once, from the handler
    assert [(c["STAG"], c["Ac"], c["Ab"]) for c in cmds[3:]] == [(10, 0, 0)]         # the snapshot: TERM, later
    st = gpu.jobs[(8, 1)]
    assert st.faults == 4 and st.aborted == 3 and st.snapshot_done and len(gpu.snapshots) == 1


def test_sva_cds():
    drv, regs, mem = make()
    f = drv.f
    dead = make_sva_cd(f, 9, None, stall_enabled=True)
    assert dead.V and dead.EPD0 and dead.EPD1 and not dead.S and not dead.R and dead.A and dead.ASID == 9
    drv2, _, _ = make(SmmuParams(STALL_MODEL=2))
    forced = make_sva_cd(drv2.f, 9, None)
    assert forced.S and forced.R and forced.EPD0                 # stall forced: S/R kept
    live = make_s1_cd(f, 9, 0x8000_0000, stall_enabled=True)
    assert live.S and live.R and live.A
    # live -> dead is one hitless store (EPD0 makes TTB0/TCR unused), dead -> V=0 likewise
    steps = plan_entry_update(qwords(live.pack()), qwords(dead.pack()), cd_used)
    assert all(img[0] & (1 << 31) for img in steps)
    steps = plan_entry_update(qwords(dead.pack()), qwords(Cd().pack()), cd_used)
    assert steps[-1] == [0] * 8


def test_sva_exit_and_unbind_write_the_cd_with_cfgi():
    drv, regs, mem = make()
    table = 0x4400_0000
    mem.write(table + 64, make_s1_cd(drv.f, 3, 0x8000_0000, stall_enabled=True).pack())
    n0 = len(regs.consumed)
    run(drv.sva_exit(0x10, 1, table, 3))
    cd = Cd.unpack(mem.read(table + 64, 64))
    assert cd.EPD0 and not cd.S and not cd.R and cd.V
    ops = [C.decode(c) for c in regs.consumed[n0:]]
    assert any(c.op == C.CFGI_CD and c["SubstreamID"] == 1 and c["StreamID"] == 0x10 for c in ops)
    run(drv.sva_unbind(0x10, 1, table))
    assert Cd.unpack(mem.read(table + 64, 64)).V == 0


def test_entry_store_hook_sees_every_store():
    drv, regs, mem = make()
    seen = []
    drv.entry_store = lambda sid, a, d: (seen.append((sid, a)), mem.write(a, d))
    from tb.driver.smmu_driver import make_bypass_ste, make_cdtable_ste
    run(drv.write_ste(0x11, make_bypass_ste()))
    run(drv.write_ste(0x11, make_cdtable_ste(drv.f, 0x4400_0000, stall_enabled=True)))
    assert seen and all(s == 0x11 for s, _ in seen)
    ste = mem.read(drv.ste_addr(0x11), 64)
    assert ste == make_cdtable_ste(drv.f, 0x4400_0000, stall_enabled=True).pack()


def test_submit_hooks_see_commands():
    drv, regs, mem = make()
    seen = []
    drv.submit_hooks.append(lambda c: seen.append(C.decode(c).op))
    run(drv.resume(1, 2))
    assert seen == [C.RESUME]
    assert F_PERMISSION  # (imported for symmetry with the scoreboard tests)
