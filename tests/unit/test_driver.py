"""Driver model (tb.driver.smmu_driver) without a simulator.

A fake SMMU (FakeSmmu) built on the settled RegisterModel consumes the command queue
instantly when PROD is written and records, for every CFGI_STE/CFGI_CD, the entry as
the SMMU would read it at that moment. The hitless STE update decisions of
arm_smmu_write_entry are checked for bypass->S1, S1->S1 (new CD pointer), abort->bypass,
S1->abort and a breaking S1 change, against the sync counts of Linux's KUnit test
(arm-smmu-v3-test.c), and every image the SMMU can observe must be the old or the new
configuration on its used bits (never a torn mix).
"""

from __future__ import annotations

import asyncio
from typing import List

import pytest

from tb.driver.smmu_driver import (CONS_ERR_ABT, CONS_ERR_ILL, DriverConfig, DriverError, SmmuDriver,
                                   cd_used, make_abort_ste, make_bypass_ste, make_cdtable_ste, make_s1_cd,
                                   plan_entry_update, q_consumed, q_inc, qwords, ste_used)
from tb.model import commands as C
from tb.model.events import C_BAD_STE, EventRecord
from tb.model.memory import SparseMemory
from tb.model.registers import RegisterModel
from tb.model.structs import Ste
from tb.regmap import REGS, SmmuParams, fget

CFG = DriverConfig()


class FakeSmmu:
    """Async register object (read/write/write64) over a settled RegisterModel."""

    def __init__(self, mem: SparseMemory, params: SmmuParams = SmmuParams(), idr_override=None) -> None:
        self.m = RegisterModel(params)
        self.mem = mem
        self.idr_override = idr_override or {}
        self.consumed: List[bytes] = []
        self.observed: List[List[int]] = []     # entry images at each CFGI
        self.writes: List[tuple] = []
        self.watch = None                        # address of the STE/CD being observed
        self.hold = False                        # stop consuming (CONS frozen)

    async def read(self, name: str) -> int:
        if name in self.idr_override:
            return self.idr_override[name]
        return self.m.read_name(name)

    async def write(self, name: str, value: int) -> None:
        self.writes.append((name, value))
        self.m.write_name(name, value)
        if name == "CMDQ_PROD" and not self.hold:
            self.consume()

    async def write64(self, name: str, value: int) -> None:
        self.m.write64(name, value)

    def consume(self) -> None:
        shift = self.m.cmdq_log2size
        base = self.m.read64("CMDQ_BASE") & ~0x1F & ((1 << 52) - 1)
        cons, prod = self.m.read_name("CMDQ_CONS") & 0xFFFFF, self.m.read_name("CMDQ_PROD")
        while (cons ^ prod) & ((2 << shift) - 1):
            cmd = self.mem.read(base + (cons & ((1 << shift) - 1)) * 16, 16)
            self.consumed.append(cmd)
            if cmd[0] in (C.CFGI_STE, C.CFGI_CD) and self.watch is not None:
                self.observed.append(qwords(self.mem.read(self.watch, 64)))
            cons = q_inc(cons, shift)
        self.m.smmu_set_cmdq_cons(cons)


def run(coro):
    return asyncio.run(coro)


def make(params=SmmuParams(), **cfg):
    mem = SparseMemory()
    regs = FakeSmmu(mem, params)
    drv = SmmuDriver(regs, mem, DriverConfig(**cfg))
    run(drv.probe())
    run(drv.device_reset())
    return drv, regs, mem


# ------------------------------------------------------------------ probe / reset
def test_probe_everything_from_id_registers():
    for p in (SmmuParams(), SmmuParams(SID_W=1, SSID_W=1, OAS_BITS=32),
              SmmuParams(SID_W=16, SSID_W=20, OAS_BITS=40, STALL_MODEL=2)):
        drv = SmmuDriver(FakeSmmu(SparseMemory(), p), SparseMemory())
        f = run(drv.probe())
        assert (f.sid_bits, f.ssid_bits, f.oas, f.stall_model) == (p.SID_W, p.SSID_W, p.OAS_BITS, p.STALL_MODEL)
        assert f.cmdq_shift == min(18, 19) and f.evtq_shift == min(17, 19)   # Linux Q_MAX_SZ_SHIFT 22
        assert f.stalls == (p.STALL_MODEL != 1) and f.stall_force == (p.STALL_MODEL == 2)


def test_probe_refuses_what_linux_refuses():
    idr1 = RegisterModel().read_name("IDR1")
    small = idr1 & ~REGS["IDR1"].field("CMDQS").mask | (6 << 21)
    drv = SmmuDriver(FakeSmmu(SparseMemory(), idr_override={"IDR1": small}), SparseMemory())
    with pytest.raises(DriverError, match="command queue size"):
        run(drv.probe())
    # the same SMMU is accepted when the test asks for it explicitly
    drv = SmmuDriver(FakeSmmu(SparseMemory(), idr_override={"IDR1": small}), SparseMemory(),
                     DriverConfig(linux_checks=False))
    assert run(drv.probe()).cmdq_shift == 6
    idr0 = RegisterModel().read_name("IDR0") & ~0b110            # no S1P, TTF=0
    drv = SmmuDriver(FakeSmmu(SparseMemory(), idr_override={"IDR0": idr0}), SparseMemory())
    with pytest.raises(DriverError, match="no translation"):
        run(drv.probe())


def test_device_reset_order_and_final_state():
    drv, regs, mem = make()
    names = [n for n, _ in regs.writes]
    cr0 = [v for n, v in regs.writes if n == "CR0"]
    assert cr0 == [0, 0x8, 0xC, 0xD]
    assert names.index("CMDQ_CONS") < names.index("CR0", names.index("CMDQ_CONS"))
    ops = [c[0] for c in regs.consumed]
    assert ops == [C.CFGI_STE_RANGE, C.SYNC, C.TLBI_NSNH_ALL, C.SYNC]
    assert C.decode(regs.consumed[1])["CS"] == C.CS_SEV
    assert [v for n, v in regs.writes if n == "IRQ_CTRL"] == [0, 5]
    assert regs.m.read_name("STRTAB_BASE_CFG") == drv.f.sid_bits
    assert Ste.unpack(mem.read(drv.ste_addr(17), 64)) == make_abort_ste()


def test_firmware_handover_sets_gbpa_abort():
    mem = SparseMemory()
    regs = FakeSmmu(mem)
    regs.m.write_name("CR0", 1)
    drv = SmmuDriver(regs, mem)
    run(drv.probe())
    run(drv.device_reset())
    assert fget("GBPA", "ABORT", regs.m.read_name("GBPA")) == 1
    assert [v for n, v in regs.writes if n == "CR0"][:1] == [0]


# ------------------------------------------------------------------ entry writer (pure)


def feats():
    drv, _, _ = make()
    return drv.f


def _images(cur: Ste, tgt: Ste) -> List[List[int]]:
    return plan_entry_update(qwords(cur.pack()), qwords(tgt.pack()), ste_used)


def _safe(img: List[int], cur: List[int], tgt: List[int], used_fn) -> bool:
    """What the SMMU can see is the old or the new entry on its used bits, or an invalid one."""
    used = used_fn(img)
    if not img[0] & used[0] & 1 and used_fn is ste_used:
        return True
    for ref in (cur, tgt):
        if used_fn(ref) == used and all((a ^ b) & u == 0 for a, b, u in zip(img, ref, used)):
            return True
    return False


CD_A, CD_B = 0x4400_0000, 0x4400_1000


@pytest.mark.parametrize("name,cur,tgt,syncs,crit", [
    ("bypass->S1", "bypass", "s1a", 3, 0),         # KUnit bypass_to_cdtable: 3 syncs
    ("S1->bypass", "s1a", "bypass", 3, 0),         # cdtable_to_bypass: 3
    ("abort->bypass", "abort", "bypass", 2, 0),    # abort_to_bypass: 2
    ("S1->abort", "s1a", "abort", 2, 0),           # cdtable_to_abort: 2
    ("abort->S1", "abort", "s1a", 2, 0),           # abort_to_cdtable: 2
    ("S1->S1 new CD pointer", "s1a", "s1b", 1, 0),  # hitless: qword 0 only
    ("S1->S1 new CD pointer + S1DSS", "s1a", "s1c", 3, None),   # breaking: V=0, rest, qword 0
])
def test_ste_update_plan(name, cur, tgt, syncs, crit):
    f = feats()
    stes = {"bypass": make_bypass_ste(), "abort": make_abort_ste(),
            "s1a": make_cdtable_ste(f, CD_A), "s1b": make_cdtable_ste(f, CD_B),
            "s1c": make_cdtable_ste(f, CD_B, s1cdmax=2, s1dss=0b01)}
    c, t = qwords(stes[cur].pack()), qwords(stes[tgt].pack())
    imgs = plan_entry_update(c, t, ste_used)
    assert len(imgs) == syncs, f"{name}: {len(imgs)} syncs"
    assert imgs[-1] == t
    for img in imgs:
        assert _safe(img, c, t, ste_used), f"{name}: torn image {[hex(q) for q in img]}"
    if crit is None:                               # breaking: first store is V=0
        assert imgs[0][0] == 0 and imgs[0][1:] == c[1:]
    else:                                           # hitless: V never drops
        assert all(img[0] & 1 for img in imgs)


def test_ste_update_on_memory_syncs_after_each_store():
    drv, regs, mem = make()
    f = drv.f
    sid = 5
    regs.watch = drv.ste_addr(sid)
    before = qwords(mem.read(regs.watch, 64))
    for tgt in (make_bypass_ste(), make_cdtable_ste(f, CD_A), make_cdtable_ste(f, CD_B), make_abort_ste()):
        regs.observed.clear()
        n_cmds = len(regs.consumed)
        steps = run(drv.write_ste(sid, tgt))
        # the SMMU saw exactly the planned images, one per CFGI_STE + SYNC
        assert regs.observed == steps
        cmds = [C.decode(c) for c in regs.consumed[n_cmds:]]
        cfgis = [c for c in cmds if c.op == C.CFGI_STE]
        assert len(cfgis) == len(steps) and all(c["StreamID"] == sid for c in cfgis)
        assert cmds[-1].op == C.PREFETCH_CONFIG, "PREFETCH_CONFIG after the update (no SYNC)"
        assert cmds[-2].op == C.SYNC
        for img in steps:
            assert _safe(img, before, qwords(tgt.pack()), ste_used)
        before = qwords(mem.read(regs.watch, 64))
        assert before == qwords(tgt.pack())


def test_cd_update_epd0_and_used_bits():
    f = feats()
    cd = make_s1_cd(f, asid=3, ttb0=0x5000_0000)
    q = qwords(cd.pack())
    assert cd_used(q) == [(1 << 64) - 1] * 8
    q2 = list(q)
    q2[0] |= 1 << 14                                  # EPD0: TTB0/T0SZ... unused
    u = cd_used(q2)
    assert u[1] & (((1 << 48) - 1) << 4) == 0 and u[0] & 0x3FFF == 0
    # a new ASID only: hitless on qword 0
    cd2 = make_s1_cd(f, asid=4, ttb0=0x5000_0000)
    imgs = plan_entry_update(q, qwords(cd2.pack()), cd_used)
    assert len(imgs) == 1
    # invalid -> valid: one store of the whole CD
    imgs = plan_entry_update([0] * 8, q, cd_used)
    assert len(imgs) == 2 and imgs[-1] == q and imgs[0][0] & (1 << 31) == 0


def test_linux_ste_makers_follow_stall_model():
    for sm, s1stalld, cd_s in ((0, 1, 0), (1, 0, 0), (2, 0, 1)):
        drv = SmmuDriver(FakeSmmu(SparseMemory(), SmmuParams(STALL_MODEL=sm)), SparseMemory())
        f = run(drv.probe())
        assert make_cdtable_ste(f, CD_A).S1STALLD == s1stalld
        assert make_s1_cd(f, 1, 0x5000_0000).S == cd_s


# ------------------------------------------------------------------ queues
def test_queue_consumed_wrap_aware():
    sh = 2                                                   # 4 entries, pointers 0..7
    # queue_consumed(cons, position of the SYNC)
    assert q_consumed(cons=4, pos=3, shift=sh)               # CONS just past the SYNC (wrapped)
    assert not q_consumed(cons=3, pos=3, shift=sh)           # CONS on the SYNC
    assert not q_consumed(cons=0, pos=3, shift=sh)
    assert q_consumed(cons=1, pos=0, shift=sh)
    # full queue: a 4-entry batch at 1..4, SYNC at 4; CONS still 1 (one lap behind PROD=5)
    assert not q_consumed(cons=1, pos=4, shift=sh)
    assert q_consumed(cons=5, pos=4, shift=sh)
    assert q_inc(0b111, sh) == 0 and q_inc((1 << 31) | 3, sh) == (1 << 31) | 4


def test_wait_consumed_full_queue_batch():
    """A batch filling the whole queue: CONS == PROD - size must not count as consumed."""
    drv, regs, mem = make(cmdq_shift=2, linux_checks=False, poll_limit=5)
    regs.hold = True                                         # the fake SMMU consumes nothing
    prod = run(drv.submit([C.tlbi_nh_asid(1)] * 3 + [drv.sync_cmd()]))
    with pytest.raises(DriverError, match="CMD_SYNC timeout"):
        run(drv.wait_consumed(prod))
    regs.consume()
    run(drv.wait_consumed(prod))


def test_issue_batches_wrap_small_queue():
    drv, regs, mem = make(cmdq_shift=2, linux_checks=False)
    regs.consumed.clear()
    run(drv.issue([C.tlbi_nh_asid(i) for i in range(7)]))
    ops = [c[0] for c in regs.consumed]
    # 3 commands + SYNC per batch in a 4-entry queue
    assert ops == [C.TLBI_NH_ASID] * 3 + [C.SYNC] + [C.TLBI_NH_ASID] * 3 + [C.SYNC] + [C.TLBI_NH_ASID, C.SYNC]
    assert regs.m.read_name("CMDQ_CONS") == drv.cmdq_prod


def test_gerror_skips_illegal_and_retries_abort():
    drv, regs, mem = make(cmdq_shift=3, linux_checks=False, poll_gerror=False)
    regs.hold = True
    bad = bytes([0x7F]) + bytes(15)
    prod = run(drv.submit([C.cfgi_ste(1), bad, drv.sync_cmd()]))
    slot = drv.cfg.cmdq_base + ((prod - 2) & 7) * 16
    regs.m.smmu_set_cmdq_cons((CONS_ERR_ILL << 24) | ((prod - 2) & 15))
    regs.m.raise_gerror("CMDQ_ERR")
    assert run(drv.handle_gerror()) == 1
    assert mem.read(slot, 16) == drv.sync_cmd() and drv.cmdq_errors == [CONS_ERR_ILL]
    assert regs.m.gerror_active == 0
    # CERROR_ABT: the command stays as it is (fetched again)
    mem.write(slot, C.cfgi_ste(2))
    regs.m.smmu_set_cmdq_cons((CONS_ERR_ABT << 24) | ((prod - 2) & 15))
    regs.m.raise_gerror("CMDQ_ERR")
    assert run(drv.handle_gerror()) == 1
    assert mem.read(slot, 16) == C.cfgi_ste(2) and drv.cmdq_errors == [CONS_ERR_ILL, CONS_ERR_ABT]
    assert run(drv.handle_gerror()) == 0                     # nothing active: IRQ_NONE


def test_service_evtq_overflow_linux_style():
    drv, regs, mem = make(evtq_shift=1)
    recs = [EventRecord(EventID=C_BAD_STE, StreamID=s) for s in (1, 2, 3)]
    for i in range(2):
        mem.write(drv.cfg.evtq_base + 32 * i, recs[i].pack())
    regs.m.smmu_set_eventq_prod((1 << 31) | 2)                 # full + overflow
    regs.writes.clear()
    got = run(drv.service_evtq())
    assert got == recs[:2] and drv.overflows == 1
    assert [v for n, v in regs.writes if n == "EVENTQ_CONS"] == [1, 2, (1 << 31) | 2]
    # next lap: one record, no new overflow
    mem.write(drv.cfg.evtq_base, recs[2].pack())
    regs.m.smmu_set_eventq_prod((1 << 31) | 3)
    assert run(drv.service_evtq()) == [recs[2]] and drv.overflows == 1
    assert regs.m.read_name("EVENTQ_CONS") == (1 << 31) | 3
    # second overflow: OVFLG toggles back
    regs.m.smmu_set_eventq_prod(3)
    assert run(drv.service_evtq()) == [] and drv.overflows == 2
    assert regs.m.read_name("EVENTQ_CONS") == 3


# ------------------------------------------------------------------ stage-1 domains and TLB invalidation
def test_tlbi_helpers_issue_linux_sequences_and_call_sync_hooks():
    drv, regs, mem = make()
    seen = []
    drv.sync_hooks.append(lambda batch: seen.append([C.decode(c) for c in batch]))
    n0 = len(regs.consumed)
    run(drv.tlbi_asid(5))
    run(drv.tlbi_range(7, 0x20_0000, 3 << 12))
    run(drv.tlbi_va(7, 0x12_3456, leaf=False))
    run(drv.tlbi_vaa(0x4000_0FFF))
    run(drv.tlbi_nh_all())
    run(drv.tlbi_nsnh_all())
    cmds = [C.decode(c) for c in regs.consumed[n0:]]
    assert [c.name for c in cmds] == ["TLBI_NH_ASID", "SYNC", "TLBI_NH_VA", "TLBI_NH_VA", "TLBI_NH_VA",
                                      "SYNC", "TLBI_NH_VA", "SYNC", "TLBI_NH_VAA", "SYNC",
                                      "TLBI_NH_ALL", "SYNC", "TLBI_NSNH_ALL", "SYNC"]
    assert cmds[0]["ASID"] == 5
    assert [(c["ASID"], c["Addr"], c["Leaf"]) for c in cmds[2:5]] == [(7, 0x20_0000 + i * 0x1000, 1) for i in range(3)]
    assert (cmds[6]["Addr"], cmds[6]["Leaf"]) == (0x12_3000, 0)
    assert cmds[8]["Addr"] == 0x4000_0000
    # each completed SYNC hands its batch to the hooks, after the SYNC was consumed
    assert [[c.name for c in b] for b in seen] == [["TLBI_NH_ASID", "SYNC"],
                                                   ["TLBI_NH_VA"] * 3 + ["SYNC"],
                                                   ["TLBI_NH_VA", "SYNC"], ["TLBI_NH_VAA", "SYNC"],
                                                   ["TLBI_NH_ALL", "SYNC"], ["TLBI_NSNH_ALL", "SYNC"]]
    # a range larger than a batch is split into batches, each ending in a SYNC
    n1 = len(regs.consumed)
    run(drv.tlbi_range(1, 0, 100 << 12))
    ops = [c[0] for c in regs.consumed[n1:]]
    assert ops.count(C.TLBI_NH_VA) == 100 and ops.count(C.SYNC) == 2 and ops[-1] == C.SYNC


def test_attach_s1_writes_cd_then_ste_on_page_tables():
    from tb.model.pagetable import TablePool
    from tb.model.translate import translate
    drv, regs, mem = make()
    pt = drv.new_pgtable(TablePool(0x4600_0000, 1 << 20), t0sz=25)
    pt.map(0x1234_5000, 0x8_0000_0000)
    cd = make_s1_cd(drv.f, asid=9, ttb0=pt.ttb0, ias_bits=39)
    n0 = len(regs.consumed)
    run(drv.attach_s1(3, 0x4400_0000, cd))
    ops = [c[0] for c in regs.consumed[n0:] if c[0] != C.SYNC]
    assert ops[0] == C.CFGI_CD and C.CFGI_STE in ops and ops.index(C.CFGI_CD) < ops.index(C.CFGI_STE)
    ste = drv.read_ste(3)
    assert (ste.V, ste.Config, ste.S1ContextPtr) == (1, 0b101, 0x4400_0000)
    got = type(cd).unpack(mem.read(0x4400_0000, 64))
    assert got == cd and got.T0SZ == 25 and got.ASID == 9
    assert translate(mem, got, va=0x1234_5678).pa == 0x8_0000_0678
    # attaching a second CD (SSID 1) to the same table does not rewrite an identical STE
    n1 = len(regs.consumed)
    run(drv.attach_s1(3, 0x4400_0000, cd, ssid=0))
    assert C.CFGI_STE not in [c[0] for c in regs.consumed[n1:]]
