"""Issue 5: the stall model -- CD.S=1 stalls, STAGs, CMD_RESUME retry/abort/term, CMD_STALL_TERM,
SMMUEN clear, hit-under-fault, STALL_MAX, stall records and the event queue, and the Linux flows.

Every client transaction is checked by the scoreboard (tb/env/scoreboard.py): a stallable fault
under CD.S=1 is predicted as a stall; its Stall=1 record is compared field by field by the
EventChecker with the STAG taken from the record and bound to the transaction; the commands the
SMMU consumes (RESUME / STALL_TERM, seen on m_axi_tw) and CR0.SMMUEN 1 -> 0 change the expected
outcome (retry: predicted again from the memory of that moment; abort: SLVERR; term: RAZ/WI). A
response to a transaction whose stall was never answered, a missing or duplicate STAG, more than
STALL_MAX stalls outstanding, a stall left at the end, anything of a terminated transaction on
m_axi: all errors. Each test ends by comparing the RTL stall counters (dut.stall_inst) with the
scoreboard's count of stalls and answers.

StallRetryIopf          IO page faults, Linux flow: stall -> page request (grpid = STAG, addr,
                        PASID) -> a worker maps the page -> RESUME RETRY with the first StreamID,
                        no SYNC; reads and writes (1..64 beats), several faults on one page, one
                        page the handler refuses (ABORT -> SLVERR); IRQ-driven event thread
StallAbortTerm          RESUME abort (SLVERR, len+1 beats / one B after all W) and term (RAZ/WI),
                        reads and writes of 1..32 beats, nothing on m_axi
StallTagRotation        STALL_MAX + 2 stalls one after another: STAG indices in turn, no value repeated
StallResumeNoop         RESUME of an unknown STAG, of the right STAG with another StreamID, a stale
                        STAG after its stall ended (index reused): no-ops; Linux's page response
                        uses the master's first StreamID, so a stall on its second one is not
                        resumed by it
StallTermSid            CMD_STALL_TERM(sid) aborts every stall of that StreamID only
StallSmmuenClear        CR0.SMMUEN 1 -> 0 aborts every stall; stalls again after re-enabling
StallHitUnderFault      other IDs (hits and misses) complete while one ID is stalled; the younger
                        same-ID transaction waits and completes after the resume, in order; a
                        parked stalled write lets younger writes pass; reads pass an unparkable one
StallMaxFull            more stallable faults than STALL_MAX: at most STALL_MAX records outstanding,
                        the rest wait and stall as stalls end; STAGs unique; every one completes
StallEventQueue         stall records never dropped: with the event queue full (2 entries) of
                        stall records no OVFLG; mixed with overflowing non-stall records; with
                        EVENTQEN=0 the stall record waits for the queue to be enabled
StallNoStaleAfterInval  a fault whose walk is in flight when a TLBI (VA, ASID, ALL) or a CFGI_CD
                        makes the page valid is translated, no stall record after the SYNC; a
                        stall recorded before the TLBI is not touched by it; same-ID hits decided
                        before a CFGI_CD use the new tables; a fault waiting for a stall tag
                        (STALL_MAX held) is translated after TLBI + SYNC maps its page
StallGpuJob             GPU job faults: first stall -> deferred snapshot task (TERM / ABORT later),
                        every other stall of the job ABORT at once (a storm of GPU_FAULTS faults,
                        STALL_MAX far below), an IOPF client and unrelated traffic meanwhile
StallPasidExit          SVA: stall serviced on a PASID; process exit (fault-all CD: EPD0=1, S=R=0)
                        with a stall outstanding (answered ABORT) -> silent aborts, no events;
                        unbind (CD V=0 + CFGI_CD + SYNC) -> C_BAD_CD; another PASID unaffected
StallFirmwareHandover   a bypass StreamID carries DMA while the driver installs a stall-enabled
                        stage-1 STE with an identity map (hitless update): nothing lost/misrouted
StallReset              aresetn with stalls outstanding: all dropped, counters cleared, the old
                        STAG is a no-op, new stalls work
StallRandom             random faults x random answers (retry after mapping / retry as is /
                        abort / term / STALL_TERM) x random delays x concurrent PTE changes with
                        TLBIs, CFGIs and CD.S flips (CFGI_CD), IRQ-driven; TXNS transactions
StallCommandLegality    RESUME / STALL_TERM: CERROR_ILL with STALL_MODEL=1, legal no-ops otherwise;
                        SSec=1 always CERROR_ILL

Parameter robustness: every test adapts to IDR5.STALL_MAX (checked with STALL_MAX 1, 4, 16, 32);
the stall-only tests also run with STALL_MODEL=2 (StallPasidExit, StallGpuJob and StallRandom use
S=0 contexts, which are ILLEGAL there).

Rerun one test: python sim/run.py --sim icarus --suite quick --tests test_stall.<Test> --seed <n>
(once a suite lists tb.tests.test_stall; the seed and the command are printed by every test).
"""

from __future__ import annotations

from collections import Counter
from typing import Dict, List, Optional, Sequence, Set

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from tb.agents.axi_signals import OKAY, SLVERR
from tb.agents.axi_txn import AxiTxn, TxnConstraints
from tb.agents.throttle import Throttle
from tb.driver.irq import IrqHandlers
from tb.driver.smmu_driver import (GpuJobFaults, IopfQueue, PageRequest, make_bypass_ste, make_cdtable_ste,
                                   make_s1_cd)
from tb.driver.testkit import (TwTap, check_stall_counters, iopf_mapper, sb_stall_counts, stall_counters,
                               wait_until)
from tb.model import commands as C
from tb.model import events as E
from tb.model.pagetable import AP_RO, SIZE_2M, SIZE_4K, Stage1Tables, TablePool, random_layout
from tb.model.structs import Cd, Ste
from tb.sequences.scenarios import MEM_BASE, MEM_SIZE, init_memory
from tb.sequences.traffic import ListSeq
from tb.tests.test_translate import DATA_PA, FORMS, Ctx, XltTest

HOLE = 0x10_0000_0000           # unmapped VAs (faults) start here
HOT = 0x20_0000                 # a mapped page used for hits


class StallTest(XltTest):
    """Bring-up, stall-enabled stage-1 contexts (CD.S=1, STE.S1STALLD=0), stall helpers."""

    timeout_us = 200000.0

    async def bring_up(self, **cfg):
        drv = await super().bring_up(**cfg)
        env = self.env
        self.rtl0 = stall_counters(env.dut)
        self.sb0 = sb_stall_counts(env.sb)
        self.srng = self.seeds.py("stall")
        self.log.info("STALL_MAX=%d (IDR5), STALL_MODEL=%d", self.feat.stall_max, self.feat.stall_model)
        return drv

    async def sctx(self, sid: int, asid: int, *, tables: Optional[Stage1Tables] = None, t0sz: int = 16,
                   ssid: Optional[int] = None, cdmax: int = 0, stall: bool = True, **cd_kw) -> Ctx:
        """A Linux stage-1 domain of a device that can stall (make_s1_cd stall_enabled, CD-table STE
        with S1STALLD=0); ``stall=False``: the terminate model (S=0)."""
        return await self.context(sid, asid, tables=tables, t0sz=t0sz, ssid=ssid, cdmax=cdmax, stall=stall,
                                  device_can_stall=True, **cd_kw)

    # ------------------------------------------------------------ stalls, manual servicing
    async def stalled(self, n: int, cycles: int = 30000) -> List[PageRequest]:
        """Service the event queue until ``n`` more stall records of unregistered StreamIDs arrived
        (they stay stalled in drv.pending_stalls); returns them."""
        drv = self.drv
        start = len(drv.pending_stalls)
        waited = 0
        while len(drv.pending_stalls) - start < n:
            await drv.service_evtq()
            if len(drv.pending_stalls) - start >= n:
                break
            if waited > cycles:
                raise TimeoutError(f"only {len(drv.pending_stalls) - start} of {n} stall records after "
                                   f"{cycles} cycles")
            await ClockCycles(self.env.dut.aclk, 10)
            waited += 10
        return drv.pending_stalls[start:start + n]

    def take(self, reqs: List[PageRequest], it: AxiTxn) -> PageRequest:
        """The stall record of transaction ``it`` (by address and direction) among ``reqs``."""
        for r in reqs:
            if r.addr == it.addr and r.write == it.is_write and r.sid == it.sid and r.answered is None:
                r.answered = "taken"
                return r
        raise AssertionError(f"no stall record for {it} among {[str(r) for r in reqs]}")

    async def answer_all(self, items: Sequence[AxiTxn], action_for, sid_for=None, cycles: int = 60000) -> None:
        """Answer the stall record of every transaction of ``items`` as it arrives (``action_for(it)``;
        records of unknown StreamIDs only), until all of them completed: works for any STALL_MAX."""
        drv = self.drv
        owner: Dict[int, AxiTxn] = {}
        waited = 0
        while not all(it.done.is_set() for it in items):
            await drv.service_evtq()
            for r in drv.pending_stalls:
                if r.answered not in (None, "taken"):
                    continue
                it = owner.get(id(r))
                if it is None:
                    cands = [x for x in items if x.addr == r.addr and x.is_write == r.write and x.sid == r.sid
                             and not getattr(x, "_stall_req", None)]
                    if not cands:
                        continue
                    it = cands[0]
                    it._stall_req = r
                act = action_for(it)
                r.answered = act
                await drv.resume(sid_for(it) if sid_for else r.sid, r.grpid, act)
            if waited > cycles:
                raise TimeoutError(f"{sum(1 for it in items if not it.done.is_set())} transactions not done")
            await ClockCycles(self.env.dut.aclk, 10)
            waited += 10

    async def launch(self, items: Sequence[AxiTxn]) -> None:
        for it in items:
            await self.env.client.send(it)

    async def wait_done(self, items: Sequence[AxiTxn], cycles: int = 40000, what: str = "transactions") -> None:
        await wait_until(self.env, lambda: all(it.done.is_set() for it in items), cycles, what=what)

    def assert_pending(self, items: Sequence[AxiTxn], what: str) -> None:
        done = [str(it) for it in items if it.done.is_set()]
        assert not done, f"{what}: completed while they should wait: {done}"

    async def idle(self, n: int) -> None:
        await ClockCycles(self.env.dut.aclk, n)

    def hole(self, k: int) -> int:
        return HOLE + k * SIZE_4K

    def outstanding_rtl(self) -> int:
        return stall_counters(self.env.dut)["outstanding"]

    async def finish_stalls(self) -> None:
        """End of test: queue serviced, records == driver's, no GERROR, RTL stall counters == the
        scoreboard's, nothing outstanding."""
        await self.finish()
        await self.idle(20)
        d = check_stall_counters(self.env, self.rtl0, self.sb0)
        self.log.info("stall counters (RTL, this test): %s; %s", d, self.env.sb.stall_summary())
        assert not self.env.sb.outstanding_stalls() or self.env.sb.allow_outstanding_stalls, \
            [str(t.rec) for t in self.env.sb.outstanding_stalls()]

    def _fresh_pa(self, size: int = SIZE_4K) -> int:
        """A data PA not used by any mapping (``self.avoid``: ranges already taken)."""
        avoid = getattr(self, "avoid", [])
        while True:
            pa = self.data_pa(size)
            if not any(lo < pa + size and pa < hi for lo, hi in avoid):
                avoid.append((pa, pa + size))
                return pa

    async def switch_tables(self, ctx: Ctx, alt: Stage1Tables) -> None:
        """The domain's CD moves to ``alt`` (TTB0 rewritten in a scoreboard window), then CFGI_CD +
        SYNC: from the SYNC's completion on, only ``alt`` is legal for ``ctx``'s StreamID."""
        cd = Cd.unpack(self.env.mem.read(ctx.cd_addr, 64))
        cd.TTB0 = alt.ttb0
        self.env.sb.window_write(ctx.sid, ctx.cd_addr, cd.pack())
        await self.drv.issue([C.cfgi_cd(ctx.sid, 0)])
        self.env.sb.end_window(ctx.sid)
        ctx.tables = alt

    def outcome_counts(self) -> Dict[str, int]:
        return {k: v for k, v in self.env.sb.stats.items() if k.startswith(("read_", "write_"))}


# ====================================================================== IO page faults
@pyuvm.test()
class StallRetryIopf(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        ctx = await self.sctx(0x30, 1)
        t = ctx.tables
        t.map(HOT, self.data_pa())
        refuse = {self.hole(7)}                                  # the handler cannot map this one
        master = drv.add_master([ctx.sid], name="iopf-dev")
        iopf = IopfQueue(drv, iopf_mapper(env, lambda r: t, lambda r: self.data_pa(),
                                          fail=lambda r: (r.addr & ~0xFFF) in refuse),
                         delay=(0, 60), rng=self.srng).attach(master)
        irq = IrqHandlers(env.dut, drv).start()
        items = []
        for k in range(8):
            va = self.hole(k)
            for w in (False, True):
                for ln in ((0, 3, 15) if not w else (0, 7, 31)):
                    items.append(self.vtxn(ctx, va + 64 * (ln % 8), w, prot=1, len_=ln))
        items += [self.vtxn(ctx, HOT + 64 * k, k % 2 == 0, prot=1, len_=k % 4) for k in range(8)]
        self.srng.shuffle(items)
        await self.send(items, max_outstanding=24)
        await wait_until(env, lambda: not iopf.busy(), what="IOPF worker idle")
        await self.settle_events()
        irq.stop()
        iopf.stop()
        assert not irq.errors and not iopf.errors, irq.errors + iopf.errors
        refused = [it for it in items if (it.addr & ~0xFFF) in refuse]
        others = [it for it in items if (it.addr & ~0xFFF) not in refuse]
        assert all(all(r == SLVERR for r in it.resp) for it in refused), [str(it) for it in refused]
        assert all(all(r == OKAY for r in it.resp) for it in others), [str(it) for it in others if any(it.resp)]
        s = env.sb.stats
        n_stall = len(drv.stall_log)
        self.log.info("IOPF: %d stall records, %d page requests served (%d refused), resumes %s, outcomes %s",
                      n_stall, len(iopf.served), sum(1 for _, ok in iopf.served if not ok), drv.resumes,
                      self.outcome_counts())
        assert n_stall >= 8 and all(r.pasid is None for r in drv.stall_log)
        assert drv.resumes["retry"] >= 7 and drv.resumes["abort"] >= 1 and drv.resumes["term"] == 0
        assert s["read_translate"] and s["write_translate"] and s["stalled_txns"] >= 8, s
        assert {r.rec.EventID for r in drv.stall_log} == {E.F_TRANSLATION}
        await self.finish_stalls()


# ====================================================================== abort and term
@pyuvm.test()
class StallAbortTerm(StallTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        ctx = await self.sctx(0x31, 2)
        ctx.tables.map(HOT, self.data_pa(), ap=AP_RO)            # writes -> F_PERMISSION stalls
        items = []
        k = 0
        for w in (False, True):
            for ln in (0, 1, 3, 15, 31):
                items.append(self.vtxn(ctx, self.hole(k) + 8 * ln, w, prot=1, len_=ln, tid=k % 16))
                k += 1
        items += [self.vtxn(ctx, HOT + 0x100 * j, True, prot=1, len_=ln, tid=(k + j) % 16)
                  for j, ln in enumerate((0, 7))]
        await self.launch(items)
        first = min(len(items), self.feat.stall_max)
        reqs = await self.stalled(first)
        stags = [r.grpid for r in reqs]
        assert len(set(stags)) == len(stags), f"STAGs not unique: {stags}"
        await self.idle(100)
        self.assert_pending(items, "stalled transactions")
        assert self.outstanding_rtl() == first
        action = {id(it): ("abort", "term")[i % 2] for i, it in enumerate(items)}
        await self.answer_all(items, lambda it: action[id(it)])
        assert {r.rec.EventID for r in self.drv.pending_stalls} == {E.F_TRANSLATION, E.F_PERMISSION}
        for it in items:
            want = SLVERR if action[id(it)] == "abort" else OKAY
            assert all(r == want for r in it.resp), f"{action[id(it)]}: {it}"
            if not it.is_write:
                assert len(it.data) == it.len + 1 and it.last[-1] == 1
                if action[id(it)] == "term":
                    assert all(d == 0 for d in it.data), f"RAZ read returned data: {it}"
        s = env.sb.stats
        assert s["resume_abort"] == s["resume_term"] == len(items) // 2, s
        assert env.m_mon.stats["aw"] == env.m_mon.stats["ar"] == 0, "a terminated transaction reached m_axi"
        await self.finish_stalls()


# ====================================================================== no-op resumes
@pyuvm.test()
class StallResumeNoop(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        a = await self.sctx(0x32, 3)
        b = await self.sctx(0x36, 4)
        it = self.vtxn(a, self.hole(1), False, prot=1, len_=0, tid=1)
        await self.launch([it])
        (r,) = await self.stalled(1)
        self.log.info("stalled: %s", r)
        bogus = [(a.sid, r.grpid ^ 0x8000), (a.sid, r.grpid ^ 0x0001), (b.sid, r.grpid), (a.sid + 1, r.grpid)]
        for sid, stag in bogus:
            for action in ("retry", "abort", "term"):
                await drv.resume(sid, stag, action, wait=True)
        await self.idle(300)
        self.assert_pending([it], "RESUME no-ops")
        assert env.sb.stats["resume_nomatch"] == 12 and self.outstanding_rtl() == 1
        await drv.resume(a.sid, r.grpid, "abort", wait=True)
        await self.wait_done([it])
        assert it.resp == [SLVERR]
        # a stale STAG after its stall ended: the index is reused with another generation
        it2 = self.vtxn(a, self.hole(2), True, prot=1, len_=3, tid=1)
        await self.launch([it2])
        (r2,) = await self.stalled(1)
        assert r2.grpid != r.grpid, f"STAG {r.grpid:#06x} reused unchanged after its stall ended"
        await drv.resume(a.sid, r.grpid, "retry", wait=True)
        await self.idle(200)
        self.assert_pending([it2], "stale STAG")
        a.tables.map(self.hole(2), self.data_pa())
        await drv.resume(a.sid, r2.grpid, "retry", wait=True)
        await self.wait_done([it2])
        assert it2.resp == [OKAY]
        # Linux answers with the master's FIRST StreamID: a stall on its second StreamID stays
        m = drv.add_master([b.sid, a.sid], name="two-sid-dev")    # a.sid is the second one
        drv.set_fault_handler(m, None)                             # iopf_error_response -> ABORT
        it3 = self.vtxn(a, self.hole(3), False, prot=1, len_=0, tid=2)
        await self.launch([it3])
        for _ in range(2000):
            await drv.service_evtq()                              # the handler answers from here
            if len(drv.stall_log) >= 3:
                break
            await self.idle(10)
        r3 = drv.stall_log[-1]
        assert r3.answered == "abort" and r3.master is m
        await self.idle(300)
        self.assert_pending([it3], "RESUME with the master's first StreamID (another SID)")
        self.log.info("Linux page response with streams[0]=%#x for a stall on %#x: no-op, still stalled",
                      b.sid, a.sid)
        await drv.resume(a.sid, r3.grpid, "term", wait=True)
        await self.wait_done([it3])
        assert it3.resp == [OKAY] and it3.data == [0]
        assert env.sb.stats["resume_nomatch"] == 14, env.sb.stats
        await self.finish_stalls()


# ====================================================================== STAG indices in turn
@pyuvm.test()
class StallTagRotation(StallTest):
    """STAG = {generation, index}; a new stall takes the first free index at or after the one after
    the last allocation (smmu_stallq), so the indices are used in turn and a STAG value comes back
    only after STALL_MAX * 2^(16 - log2 STALL_MAX) stalls: a late CMD_RESUME of an ended stall can
    meet a new stall's tag only that far apart. STALL_MAX + 2 stalls one after another, each aborted
    before the next: with every other index free, each index must be the one after the last
    (mod STALL_MAX) and no STAG may repeat. Mutant stallq-087 of stop 33 (the pointer never moved:
    index 0 every time, only its generation changing) fails the rotation."""

    async def body(self) -> None:
        drv = await self.bring_up()
        init_memory(self.env)
        a = await self.sctx(0x3A, 7)
        smax = self.feat.stall_max
        iw = max(1, (smax - 1).bit_length())
        stags = []
        for k in range(smax + 2):
            it = self.vtxn(a, self.hole(20 + k), k % 2 == 1, prot=1, len_=0, tid=k % 4)
            await self.launch([it])
            (r,) = await self.stalled(1)
            stags.append(r.grpid)
            await drv.resume(a.sid, r.grpid, "abort", wait=True)
            await self.wait_done([it])
            assert it.resp == [SLVERR], f"stall {k}: aborted by CMD_RESUME, response {it.resp}"
        idx = [g & ((1 << iw) - 1) for g in stags]
        self.log.info("STAGs of %d consecutive stalls (STALL_MAX %d): %s", len(stags), smax,
                      " ".join(f"{g:#06x}" for g in stags))
        want = [(idx[0] + k) % smax for k in range(len(idx))]
        assert idx == want, f"STAG indices {idx}, expected in turn {want} (every other index was free)"
        assert len(set(stags)) == len(stags), f"a STAG value repeated: {[hex(g) for g in stags]}"
        await self.finish_stalls()

# ====================================================================== STALL_TERM
@pyuvm.test()
class StallTermSid(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        a = await self.sctx(0x34, 5)
        b = await self.sctx(0x35, 6)
        smax = self.feat.stall_max
        na = min(4, max(1, smax - 1))
        nb = min(3, max(1, smax - na))
        ia = [self.vtxn(a, self.hole(k), k % 2 == 1, prot=1, len_=k, tid=k) for k in range(na)]
        ib = [self.vtxn(b, self.hole(k), k % 2 == 0, prot=1, len_=k, tid=8 + k) for k in range(nb)]
        await self.launch(ia + ib)
        reqs = await self.stalled(min(len(ia) + len(ib), smax))
        await drv.stall_term(0x3F, wait=True)                     # a StreamID without stalls
        await drv.stall_term(a.sid, wait=True)
        await self.wait_done(ia)
        assert all(all(r == SLVERR for r in it.resp) for it in ia)
        await self.idle(200)
        self.assert_pending(ib, "stalls of another StreamID after STALL_TERM")
        for it in ib:
            b.tables.map(it.addr & ~0xFFF, self.data_pa())
        await self.answer_all(ib, lambda it: "retry")
        assert all(all(r == OKAY for r in it.resp) for it in ib)
        s = env.sb.stats
        assert s["stall_term_aborts"] == len(ia) and s["resume_retry"] == len(ib), s
        await self.finish_stalls()


@pyuvm.test()
class StallTermRecordWaiting(StallTest):
    """CMD_STALL_TERM while a stall record of its StreamID still waits for the event queue:
    m_axi_tw AWREADY is held low, so the first fault's record is taken (its STAG allocated)
    and cannot be written, and the second fault's record waits (with LINK_REG=1 in the
    link's record buffer, its entry already stalled in the TBU). The STALL_TERM ends the
    stall that holds a STAG; the waiting one holds none, so it is not ended: once the event
    queue writes again it gets its STAG and record and waits for its RESUME. Checked: every
    STAG the RTL holds belongs to a transaction still pending (a TBU that aborted the
    waiting transaction too kept a STAG for nothing, and a later RESUME of it would act on
    whatever reused its slot; with STALL_MAX=1 the second record waits for the one tag)."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        a = await self.sctx(0x36, 4)
        items = [self.vtxn(a, self.hole(k), False, prot=1, len_=0, tid=k) for k in range(2)]
        env.mem_tw.set_throttles(Throttle("random", 0.0), Throttle(), Throttle(), Throttle(), Throttle())
        try:
            await self.launch(items)
            await self.idle(400)
            held = self.outstanding_rtl()
            assert held == 1, f"{held} STAGs held with the event queue blocked, expected 1 (the first record's)"
            prod = await drv.stall_term(a.sid)
            await self.idle(300)
        finally:
            env.mem_tw.set_throttles(Throttle(), Throttle(), Throttle(), Throttle(), Throttle())
        await drv.wait_cmd_consumed(prod)
        await self.wait_done(items[:1], what="the stall the STALL_TERM ended")
        assert items[0].resp == [SLVERR], items[0].resp
        await self.stalled(2)                                     # both records are written now
        await self.idle(200)
        pending = [it for it in items if not it.done.is_set()]
        assert pending == items[1:], f"pending after the STALL_TERM: {[str(it) for it in pending]}"
        held = self.outstanding_rtl()
        assert held == len(pending), f"the RTL holds {held} STAGs for {len(pending)} stalled transactions"
        a.tables.map(items[1].addr & ~0xFFF, self.data_pa())
        await self.answer_all(items[1:], lambda it: "retry")
        assert items[1].resp == [OKAY], items[1].resp
        assert self.outstanding_rtl() == 0
        await self.finish_stalls()


# ====================================================================== SMMUEN clear
@pyuvm.test()
class StallSmmuenClear(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        a = await self.sctx(0x38, 7)
        b = await self.sctx(0x39, 8)
        items = [self.vtxn(c, self.hole(k), k % 2 == 0, prot=1, len_=3 * k, tid=k) for k, c in
                 enumerate((a, b, a, b, a)[:max(1, self.feat.stall_max)])]
        await self.launch(items)
        reqs = await self.stalled(len(items))
        await self.regs.set_cr0(0xC)                              # SMMUEN 1 -> 0
        await self.wait_done(items)
        assert all(all(r == SLVERR for r in it.resp) for it in items)
        assert self.outstanding_rtl() == 0
        assert env.sb.stats["disable_aborts"] == len(items)
        # a stale RESUME after the disable is a no-op; enabled again, the same faults stall anew
        await drv.resume(a.sid, reqs[0].grpid, "retry", wait=True)
        await self.regs.set_cr0(0xD)
        again = [self.vtxn(a, self.hole(k), False, prot=1, len_=0, tid=k) for k in range(2)]
        await self.launch(again)
        await self.stalled(min(2, self.feat.stall_max))
        for it in again:
            a.tables.map(it.addr & ~0xFFF, self.data_pa())
        await self.answer_all(again, lambda it: "retry")
        assert env.sb.stats["resume_retry"] == 2
        assert all(it.resp == [OKAY] for it in again)
        await self.finish_stalls()


# ====================================================================== hit under fault
@pyuvm.test()
class StallHitUnderFault(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        ctx = await self.sctx(0x3A, 9)
        t = ctx.tables
        t.map(HOT, self.data_pa())
        for k in range(8):
            t.map(0x40_0000 + k * SIZE_2M, self.data_pa())       # misses: their own L3 tables
        await self.run_items([self.vtxn(ctx, HOT, False, prot=1, len_=0, tid=5)])    # warm
        for w in (False, True):
            d = "write" if w else "read"
            # 1. ID 0 stalls (a parkable write: 8 beats)
            st = self.vtxn(ctx, self.hole(10 + w), w, prot=1, len_=7, tid=0)
            await self.launch([st])
            (r,) = await self.stalled(1)
            # 2. other IDs: hits and misses complete while ID 0 is stalled
            others = [self.vtxn(ctx, HOT + 64 * k, w, prot=1, len_=k % 4, tid=1 + k % 6) for k in range(12)]
            others += [self.vtxn(ctx, 0x40_0000 + k * SIZE_2M + 0x40 * w, w, prot=1, len_=1, tid=7 + k % 4)
                       for k in range(4)]
            # 3. younger same-ID transactions (one would hit) wait behind the stalled one
            younger = [self.vtxn(ctx, HOT + 0x800, w, prot=1, len_=0, tid=0),
                       self.vtxn(ctx, 0x40_0000 + 5 * SIZE_2M, w, prot=1, len_=2, tid=0)]
            await self.launch(younger + others)
            await self.wait_done(others, what=f"{d}s on other IDs while ID 0 is stalled")
            await self.idle(200)
            self.assert_pending([st] + younger, f"stalled {d} and its same-ID successors")
            t.map(self.hole(10 + w), self.data_pa())
            await drv.resume(ctx.sid, r.grpid, "retry")
            await self.wait_done([st] + younger)
            order = [st.t_done] + [y.t_done for y in younger]
            assert order == sorted(order) and len(set(order)) == 3, f"same-ID {d}s out of order: {order}"
            self.log.info("%s hit-under-fault: %d other-ID transactions done while stalled; same-ID "
                          "completion cycles %s", d, len(others), order)
        # 4. an unparkable stalled write (PARK_BEATS + 1 beats: 17 by default; with PARK_BEATS = 256
        #    every AXI4 write can be parked): younger writes are held (W data in AW order), reads on
        #    other IDs still complete
        if env.params.PARK_BEATS < 256:
            st = self.vtxn(ctx, self.hole(12), True, prot=1, len_=env.params.PARK_BEATS, tid=0)
            await self.launch([st])
            (r,) = await self.stalled(1)
            wr = [self.vtxn(ctx, HOT + 64 * k, True, prot=1, len_=0, tid=1 + k) for k in range(3)]
            rd = [self.vtxn(ctx, HOT + 64 * k, False, prot=1, len_=0, tid=1 + k) for k in range(6)]
            await self.launch(wr + rd)
            await self.wait_done(rd, what="reads while an unparkable write is stalled")
            await self.idle(100)
            held = [it for it in wr if not it.done.is_set()]
            self.log.info("unparkable stalled write: %d of %d younger writes held (contract: all)",
                          len(held), len(wr))
            assert len(held) == len(wr), "younger writes passed a stalled unparkable write (W order)"
            await drv.resume(ctx.sid, r.grpid, "abort")
            await self.wait_done([st] + wr)
            assert st.resp == [SLVERR] and all(it.resp == [OKAY] for it in wr)
        await self.finish_stalls()


# ====================================================================== STALL_MAX
@pyuvm.test()
class StallMaxFull(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        smax = self.feat.stall_max
        ctx = await self.sctx(0x3B, 10)
        ctx.tables.map(HOT, self.data_pa())
        n = smax + self.knob("STALL_EXTRA", 8)
        n_ids = min(12, 1 << env.params.ID_W)
        items = [self.vtxn(ctx, self.hole(k), k % 2 == 1, prot=1, len_=k % 4, tid=(k // 2) % n_ids)
                 for k in range(n)]
        await self.launch(items)
        first = await self.stalled(smax)
        await self.idle(400)
        await drv.service_evtq()
        assert len(drv.pending_stalls) == smax, \
            f"{len(drv.pending_stalls)} stall records with STALL_MAX={smax} outstanding"
        assert self.outstanding_rtl() == smax
        # reads on the IDs without a stalled transaction still flow
        free_ids = [i for i in range(1 << env.params.ID_W) if i >= n_ids]
        if free_ids:
            hits = [self.vtxn(ctx, HOT + 64 * k, False, prot=1, len_=0, tid=free_ids[k % len(free_ids)])
                    for k in range(8)]
            await self.launch(hits)
            await self.wait_done(hits, what="reads on other IDs with STALL_MAX stalls outstanding")
        # answer one at a time (abort / retry after mapping): each end lets a waiting fault stall
        answered = 0
        seen: Set[int] = set()
        while answered < n:
            await drv.service_evtq()
            todo = [r for r in drv.pending_stalls if r.answered is None]
            if not todo:
                await self.idle(20)
                continue
            r = todo[0]
            seen.add(r.grpid)
            if answered % 3 == 0:
                ctx.tables.map(r.addr & ~0xFFF, self.data_pa())
                await drv.resume(ctx.sid, r.grpid, "retry")
                r.answered = "retry"
            else:
                await drv.resume(ctx.sid, r.grpid, "abort")
                r.answered = "abort"
            answered += 1
            assert sum(1 for x in drv.pending_stalls if x.answered is None) <= smax
        await self.wait_done(items)
        s = env.sb.stats
        self.log.info("STALL_MAX=%d: %d faults, %d stall records, max outstanding %d, %d distinct STAG values",
                      smax, n, len(drv.pending_stalls), s["stalls_outstanding_max"], len(seen))
        assert len(drv.pending_stalls) == n and s["stalls_outstanding_max"] == smax
        await self.finish_stalls()


# ====================================================================== stall records and the event queue
@pyuvm.test()
class StallEventQueue(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up(evtq_shift=1)                   # a 2-entry event queue
        init_memory(env)
        ctx = await self.sctx(0x3C, 11)
        bad_sid = 0x3D
        await self.set_ste(bad_sid, Ste(V=0))                     # C_BAD_STE: non-stall records
        # 1. only stall records, 6 of them into 2 entries: they wait, no OVFLG
        items = [self.vtxn(ctx, self.hole(k), k % 2 == 0, prot=1, len_=k, tid=k) for k in range(6)]
        await self.launch(items)
        await self.idle(800)
        prod = await self.regs.read("EVENTQ_PROD")
        assert not prod >> 31, "OVFLG set by stall records"
        self.assert_pending(items, "stall records waiting for queue space")
        await self.answer_all(items, lambda it: "abort")
        assert drv.overflows == 0, "stall records overflowed"
        # 2. stall records mixed with many non-stall ones: the non-stall ones overflow, no stall
        #    record is lost
        stalls = [self.vtxn(ctx, self.hole(20 + k), k % 2 == 1, prot=1, len_=0, tid=k) for k in range(5)]
        noise = [self.txn(bad_sid, MEM_BASE + 64 * k, k % 2 == 0, prot=1, len_=0, tid=8 + k % 8) for k in range(24)]
        mix = stalls + noise
        self.srng.shuffle(mix)
        await self.launch(mix)
        await self.wait_done(noise, what="C_BAD_STE aborts")
        await self.idle(300)
        await self.answer_all(stalls, lambda it: "term")
        await self.settle_events()
        self.log.info("mixed: %d overflows seen by the driver, %d records read, %d stall records",
                      drv.overflows, len(drv.events), len(drv.stall_log))
        assert drv.overflows >= 1, "the non-stall records were meant to overflow the 2-entry queue"
        assert len(drv.stall_log) == 11
        # 3. EVENTQEN=0: the stall record waits until the queue is enabled again
        await self.regs.set_cr0(0x9)                              # SMMUEN | CMDQEN
        it = self.vtxn(ctx, self.hole(40), False, prot=1, len_=0, tid=3)
        n_rec = env.evc.stats["written"]
        await self.launch([it])
        await self.idle(600)
        assert env.evc.stats["written"] == n_rec, "a record was written with EVENTQEN=0"
        self.assert_pending([it], "stalled read with EVENTQEN=0")
        await self.regs.set_cr0(0xD)
        (r,) = await self.stalled(1)
        await drv.resume(ctx.sid, r.grpid, "abort")
        await self.wait_done([it])
        # the overflowed non-stall records are excused by the event checker's "full" intervals
        await self.finish_stalls()


# ====================================================================== no stale stall after TLBI/CFGI + SYNC
@pyuvm.test()
class StallNoStaleAfterInval(StallTest):
    async def body(self) -> None:
        env = self.env
        sb = env.sb
        drv = await self.bring_up()
        init_memory(env)
        sb.strict_stale_stalls = True
        tap = TwTap(env.tw_smp)
        ctx = await self.sctx(0x3E, 12)
        t = ctx.tables
        t.map(0x7000_0000, self.data_pa())                        # tables for the whole 1G region exist
        alt = self.new_tables()                                   # the CFGI case: new TTB0 maps the page
        lat = 300
        n_rec0 = len(drv.stall_log)
        for k, (form, w) in enumerate([(f, w) for f in ("va", "asid", "all", "cfgi") for w in (False, True)]):
            va = 0x7000_0000 + (k + 1) * SIZE_4K
            it = self.vtxn(ctx, va, w, prot=1, len_=1, tid=k % 16)
            env.mem_tw.id_latency = {2: lat, 3: lat}
            n_ar = len(tap.ar)
            await self.launch([it])
            await wait_until(env, lambda: any(a[1] in (2, 3) for a in tap.ar[n_ar:]), what="walk started")
            if form == "cfgi":
                alt.map(va, self.data_pa())
                await self.switch_tables(ctx, alt)
                t = alt
            else:
                sc = self.scope(t, va, SIZE_4K, None, new_ng=1)
                self.change(t, va, lambda: t.map(va, self.data_pa()), sc, f"map {va:#x}")
                await drv.issue(self.tlbi_cmds(form, sc))
                assert not sb.pt_windows
            env.mem_tw.id_latency = {}
            await self.wait_done([it], what=f"{form}: faulting walk made valid by the invalidation")
            await drv.service_evtq()
            assert all(r == OKAY for r in it.resp), f"{form}: {it}"
            assert len(drv.stall_log) == n_rec0, f"{form}: stale stall record {drv.stall_log[-1]}"
            self.log.info("%s %s: walk in flight at the invalidation -> translated, no stall record",
                          form, "write" if w else "read")
        # a stall recorded BEFORE the TLBI is not touched by it: still stalled after TLBI + SYNC
        va = 0x7010_0000
        it = self.vtxn(ctx, va, False, prot=1, len_=0, tid=1)
        await self.launch([it])
        (r,) = await self.stalled(1)
        sc = self.scope(t, va, SIZE_4K, None, new_ng=1)
        self.change(t, va, lambda: t.map(va, self.data_pa()), sc, "map after stall")
        await drv.issue([C.tlbi_nh_all(), C.cfgi_all()])
        await self.idle(300)
        self.assert_pending([it], "stalled read after TLBI_NH_ALL + CFGI_ALL + SYNC")
        await drv.resume(ctx.sid, r.grpid, "retry")
        await self.wait_done([it])
        assert it.resp == [OKAY]
        # decisions made BEFORE a CFGI and not yet used: micro-TLB hits of the stalled transaction's
        # ID wait behind it in the pending table (READY). CFGI_CD of their StreamID + SYNC moves the
        # domain to new tables; the retry and every waiting hit must use them (the scoreboard refuses
        # an m_axi address of the old tables after the SYNC). Mutant xlt_q-036 of stop 22: the
        # pending entries' StreamID compare never matched a single-StreamID CFGI.
        for w in (False, True):
            d = "write" if w else "read"
            hot = [0x7020_0000 + (4 * w + k) * SIZE_4K for k in range(3)]
            for va in hot:
                t.map(va, self.data_pa())
            await self.run_items([self.vtxn(ctx, va, w, prot=1, len_=0, tid=6) for va in hot])  # warm
            st = self.vtxn(ctx, self.hole(20 + w), w, prot=1, len_=1, tid=3)
            await self.launch([st])
            (r,) = await self.stalled(1)
            young = [self.vtxn(ctx, va + 0x40, w, prot=1, len_=k, tid=3) for k, va in enumerate(hot)]
            await self.launch(young)
            await self.idle(200)
            self.assert_pending([st] + young, f"stalled {d} and its same-ID micro-TLB hits")
            alt = self.new_tables()
            for va in hot + [self.hole(20 + w)]:
                alt.map(va, self.data_pa())
            await self.switch_tables(ctx, alt)
            t = alt
            await self.idle(100)
            self.assert_pending([st] + young, f"stalled {d} and its same-ID hits after CFGI_CD + SYNC")
            await drv.resume(ctx.sid, r.grpid, "retry")
            await self.wait_done([st] + young)
            assert all(x.resp == [OKAY] * len(x.resp) for x in [st] + young), [str(x) for x in [st] + young]
            self.log.info("%s: %d same-ID hits decided before CFGI_CD + SYNC re-translated through the new "
                          "tables", d, len(young))
        # the same for TLBIs: the pending table compares partial tags (stop 29: VA[23:12] and
        # ASID[7:0], the bits it does not keep taken from the TLBI). Hits wait READY behind the
        # stalled read of their ID; their pages are remapped + TLBI_NH_ASID (or TLBI_NH_VA of each
        # page) + SYNC; the retry and every waiting hit must use the new pages (the scoreboard
        # refuses an old output address after the SYNC). Stop-29 hand mutants: the upper ASID bits
        # taken inverted from the TLBI (never covered by NH_ASID); the upper VA bits inverted.
        for i, form in enumerate(("asid", "va")):
            hot = [0x7020_0000 + (16 + 4 * i + k) * SIZE_4K for k in range(3)]
            for va in hot:
                t.map(va, self.data_pa())
            await self.run_items([self.vtxn(ctx, va, False, prot=1, len_=0, tid=6) for va in hot])  # warm
            st = self.vtxn(ctx, self.hole(30 + i), False, prot=1, len_=1, tid=3)
            await self.launch([st])
            (r,) = await self.stalled(1)
            young = [self.vtxn(ctx, va + 0x40, False, prot=1, len_=k, tid=3) for k, va in enumerate(hot)]
            await self.launch(young)
            await self.idle(200)
            self.assert_pending([st] + young, f"{form}: stalled read and its same-ID micro-TLB hits")
            cmds: list = []
            for va in hot + [self.hole(30 + i)]:                  # (the stalled read's page mapped too)
                old = t.lookup(va)
                sc = self.scope(t, va, SIZE_4K, old)
                self.change(t, va, lambda va=va, old=old: t.map(va, self.data_pa(), replace_existing=old is not None),
                            sc, f"map {va:#x}")
                cmds += [c for c in self.tlbi_cmds(form, sc) if c not in cmds]
            await drv.issue(cmds)
            assert not sb.pt_windows, f"{form}: a remap not covered by {len(cmds)} TLBI(s)"
            await self.idle(100)
            self.assert_pending([st] + young, f"{form}: stalled read and its hits after the TLBI + SYNC")
            await drv.resume(ctx.sid, r.grpid, "retry")
            await self.wait_done([st] + young)
            assert all(x.resp == [OKAY] * len(x.resp) for x in [st] + young), [str(x) for x in [st] + young]
            self.log.info("TLBI_NH_%s: %d same-ID hits decided before it + SYNC re-translated through the "
                          "remapped pages", form.upper(), len(young))
        # a fault waiting in the pending table for a stall tag (STALL_MAX records held) is covered by
        # TLBI + SYNC of its page, now mapped: it is translated again and completes without a record
        # while the held stalls stay. Mutant xlt_q-610 of stop 23: the waiting fault kept its old
        # decision, so it waited for a tag and then stalled (a stale record) once one came free.
        smax = self.feat.stall_max
        n_ids = 1 << env.params.ID_W
        base = 0x7020_0000 + 64 * SIZE_4K                         # unmapped pages of a level-3 table of t
        held = [self.vtxn(ctx, base + k * SIZE_4K, k % 2 == 1, prot=1, len_=0, tid=k % max(1, n_ids - 1))
                for k in range(smax)]
        env.client.max_outstanding = smax + 8                      # (run_items above left it at 16)
        await self.launch(held)
        reqs = await self.stalled(smax)
        va = base + smax * SIZE_4K
        late = self.vtxn(ctx, va, False, prot=1, len_=0, tid=n_ids - 1)
        n_rec = len(drv.stall_log)
        await self.launch([late])
        await self.idle(400)
        await drv.service_evtq()
        self.assert_pending(held + [late], f"{smax} stalls held and a stallable fault beyond STALL_MAX")
        assert len(drv.stall_log) == n_rec, f"a stall record beyond STALL_MAX={smax}: {drv.stall_log[-1]}"
        sc = self.scope(t, va, SIZE_4K, None, new_ng=1)
        self.change(t, va, lambda: t.map(va, self.data_pa()), sc, f"map {va:#x} while its fault waits for a tag")
        await drv.issue(self.tlbi_cmds("va", sc))
        await self.wait_done([late], what="a fault waiting for a stall tag, its page mapped + TLBI + SYNC")
        await drv.service_evtq()
        assert late.resp == [OKAY], str(late)
        assert len(drv.stall_log) == n_rec, f"stale stall record {drv.stall_log[-1]}"
        self.assert_pending(held, "the held stalls after a TLBI of another page")
        for r in reqs:
            await drv.resume(ctx.sid, r.grpid, "abort")
        await self.wait_done(held)
        self.log.info("a fault waiting for a stall tag behind %d held stalls: translated after TLBI + SYNC, "
                      "no record", smax)
        self.log.info("stale stall alternatives withdrawn by the scoreboard: %d",
                      sb.stats["stale_stalls_withdrawn"])
        await self.finish_stalls()


# ====================================================================== GPU job faults
@pyuvm.test()
class StallGpuJob(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        nfault = self.knob("GPU_FAULTS", 150)
        gpu_sid, io_sid, other_sid = 0x40, 0x41, 0x42
        jobs = [await self.sctx(gpu_sid, 20 + p, ssid=p, cdmax=2) for p in (1, 2)]
        io = await self.sctx(io_sid, 30)
        other = await self.sctx(other_sid, 31, stall=False)
        for c in jobs + [other]:
            c.tables.map(HOT, self.data_pa())
        gpu = GpuJobFaults(drv, snapshot=(300, 900), final="term", rng=self.srng)
        gpu.attach(drv.add_master([gpu_sid], name="gpu"))
        iopf = IopfQueue(drv, iopf_mapper(env, lambda r: io.tables, lambda r: self.data_pa()),
                         delay=(20, 200), rng=self.srng).attach(drv.add_master([io_sid], name="dma"))
        irq = IrqHandlers(env.dut, drv).start()
        results = {}
        for j, (job, final) in enumerate(zip(jobs, ("term", "abort"))):
            gpu.final = final
            key = (gpu_sid, job.ssid)
            gpu.new_job(key)
            faults = [self.vtxn(job, self.hole(k % 64) + 64 * (k // 64), k % 3 == 0, prot=1, len_=k % 4,
                                tid=k % 8) for k in range(nfault if j == 0 else nfault // 3)]
            good = [self.vtxn(job, HOT + 64 * (k % 32), k % 2 == 0, prot=1, len_=k % 4, tid=8 + k % 4)
                    for k in range(40)]
            io_items = [self.vtxn(io, self.hole(100 + k), k % 2 == 1, prot=1, len_=k % 8, tid=12 + k % 2)
                        for k in range(12)]
            bg = [self.vtxn(other, HOT + 64 * (k % 32), k % 2 == 1, prot=1, len_=k % 4, tid=14 + k % 2)
                  for k in range(30)]
            mix = faults + good + io_items + bg
            self.srng.shuffle(mix)
            await self.send(mix, max_outstanding=32)
            await wait_until(env, lambda: not gpu.busy() and not iopf.busy(), what="fault handlers idle")
            st = gpu.jobs[key]
            first = st.first
            results[final] = (st.faults, st.aborted)
            assert first is not None and st.snapshot_done
            assert st.aborted == st.faults - 1, (st.faults, st.aborted)
            n_ok = sum(1 for it in faults if all(r == OKAY for r in it.resp))
            assert n_ok == (1 if final == "term" else 0), f"job {j}: {n_ok} fault(s) answered OKAY"
            assert all(all(r == OKAY for r in it.resp) for it in good + io_items + bg)
            self.log.info("GPU job %d (%s): %d faults, %d stall records (STALL_MAX %d): first %s snapshot "
                          "-> %s, %d aborted at once", j, key, len(faults), st.faults, self.feat.stall_max,
                          first, final, st.aborted)
        await self.settle_events()
        irq.stop()
        iopf.stop()
        assert not irq.errors and not iopf.errors and not gpu.errors, irq.errors + iopf.errors + gpu.errors
        assert len(gpu.snapshots) == 2
        await self.finish_stalls()


# ====================================================================== PASID exit
@pyuvm.test()
class StallPasidExit(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        sid = 0x44
        p1 = await self.sctx(sid, 40, ssid=1, cdmax=2)
        p2 = await self.sctx(sid, 41, ssid=2, cdmax=2)
        page = 0x5555_0000
        p1.tables.map(page, self.data_pa())
        p2.tables.map(page, self.data_pa())
        table, _ = self.cd_tables[sid]
        master = drv.add_master([sid], name="sva-dev")
        gate = {"open": True, "ok": True}
        mapper = iopf_mapper(env, lambda r: {1: p1.tables, 2: p2.tables}[r.pasid], lambda r: self.data_pa())

        async def handler(req):
            while not gate["open"]:
                await self.idle(20)
            return gate["ok"] and await mapper(req)
        iopf = IopfQueue(drv, handler).attach(master)
        irq = IrqHandlers(env.dut, drv).start()
        # 1. the process runs: translations, and an IO page fault on PASID 1 serviced
        live = [self.vtxn(p, page + 64 * k, k % 2 == 0, prot=1, len_=k % 4, tid=k % 8) for p in (p1, p2)
                for k in range(6)]
        live.append(self.vtxn(p1, self.hole(1), False, prot=1, len_=0, tid=9))
        await self.run_items(live)
        assert all(all(r == OKAY for r in it.resp) for it in live)
        assert any(r.pasid == 1 for r in drv.stall_log), "no page request with PASID 1"
        # 2. a stall of PASID 1 is outstanding (the handler is slow) when the process exits
        gate["open"] = False
        pend = self.vtxn(p1, self.hole(2), True, prot=1, len_=3, tid=10)
        await self.launch([pend])
        await wait_until(env, lambda: iopf.busy(), what="page request of PASID 1")
        await drv.sva_exit(sid, 1, table, p1.asid)
        cd = Cd.unpack(env.mem.read(p1.cd_addr, 64))
        assert cd.V and cd.EPD0 and not cd.S and not cd.R and cd.A, cd
        gate.update(open=True, ok=False)                           # the mm is gone: cannot map -> ABORT
        await self.wait_done([pend])
        assert pend.resp == [SLVERR]
        # 3. after exit, before unbind: PASID 1 traffic aborts silently (no event), PASID 2 unaffected
        n_rec = env.evc.stats["written"]
        dead = [self.vtxn(p1, a, w, prot=1, len_=0, tid=k) for k, (a, w) in
                enumerate([(page, False), (page, True), (self.hole(3), False), (self.hole(3), True)])]
        ok2 = [self.vtxn(p2, page + 64 * k, k % 2 == 0, prot=1, len_=1, tid=8 + k) for k in range(4)]
        await self.run_items(dead + ok2)
        assert all(it.resp[0] == SLVERR for it in dead) and all(all(r == OKAY for r in it.resp) for it in ok2)
        assert env.evc.stats["written"] == n_rec, "the fault-all CD (S=R=0) produced events"
        # 4. unbind: CD V=0 + CFGI_CD + SYNC -> C_BAD_CD for the same traffic
        await drv.sva_unbind(sid, 1, table)
        n_bad = env.evc.by_type["C_BAD_CD"]
        await self.run_items([self.vtxn(p1, page, w, prot=1, len_=0, tid=k) for k, w in enumerate((False, True))])
        assert env.evc.by_type["C_BAD_CD"] == n_bad + 2, env.evc.summary()
        await self.run_items([self.vtxn(p2, page, True, prot=1, len_=0, tid=3)])
        irq.stop()
        iopf.stop()
        assert not irq.errors and not iopf.errors, irq.errors + iopf.errors
        await self.finish_stalls()


# ====================================================================== firmware hand-over
@pyuvm.test()
class StallFirmwareHandover(StallTest):
    async def body(self) -> None:
        env = self.env
        sb = env.sb
        drv = await self.bring_up()
        init_memory(env)
        sid = 0x48
        await drv.write_ste(sid, make_bypass_ste())
        ident = Stage1Tables(env.mem, TablePool(0x4A00_0000, 1 << 20))
        base = MEM_BASE & ~(SIZE_2M - 1)
        ident.map(base, base, SIZE_2M)                            # identity: DMA addresses unchanged
        cd = make_s1_cd(self.feat, 50, ident.ttb0, stall_enabled=True)
        table = self.alloc_cds(1)
        rng = self.seeds.py("handover")
        cons = TxnConstraints(addr_ranges=((MEM_BASE, MEM_BASE + MEM_SIZE),), sids=(sid,))
        n = self.knob("HANDOVER_TXNS", 300)
        items = []

        def dma_txn() -> AxiTxn:
            it = AxiTxn("dma").randomize(rng, cons, env.data_bytes, env.params.ID_W, env.params.SID_W,
                                         env.params.SSID_W)
            it.sid, it.ssidv, it.ssid, it.prot = sid, 0, 0, rng.choice((0, 1, 2, 3))
            items.append(it)
            return it

        handed_over = []

        async def dma() -> None:
            # the device keeps running: chunks of 8 until the hand-over is done, then n // 2 more, so
            # traffic is in flight before, during and after the STE update whatever the timing
            while not handed_over:
                await ListSeq("dma", [dma_txn() for _ in range(8)]).start(env.agent.seqr)
            await ListSeq("dma", [dma_txn() for _ in range(n // 2)]).start(env.agent.seqr)

        env.random_backpressure(self.seeds.py("bp"))
        task = cocotb.start_soon(dma())
        await self.idle(rng.randrange(200, 800))
        # the driver takes the stream over: CD first (unused by the bypass STE), then the hitless STE
        # update; every STE store opens the StreamID's configuration window until its CFGI+SYNC
        env.mem.write(table, bytes(64))
        drv.entry_store = lambda s, a, d: sb.window_write(s, a, d) if s == sid else env.mem.write(a, d)
        await drv.write_cd(sid, 0, table, cd)
        steps = await drv.write_ste(sid, make_cdtable_ste(self.feat, table, stall_enabled=True))
        sb.end_window(sid)
        drv.entry_store = None
        assert all(img[0] & 1 for img in steps), "the STE went through V=0 (not hitless)"
        handed_over.append(True)
        self.log.info("hand-over: STE written in %d steps (hitless), %d of %d DMA transactions done so far",
                      len(steps), sum(1 for it in items if it.done.is_set()), len(items))
        await task
        await env.quiesce()
        s = sb.stats
        lost = [it for it in items if any(r != OKAY for r in it.resp)]
        assert not lost, f"{len(lost)} DMA transactions failed during the hand-over: {lost[0]}"
        assert s["read_bypass"] + s["write_bypass"] > 0 and s["read_translate"] + s["write_translate"] > 0, s
        assert s["stalls"] == 0
        await self.finish_stalls()


# ====================================================================== reset
@pyuvm.test()
class StallReset(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        ctx = await self.sctx(0x4C, 60)
        items = [self.vtxn(ctx, self.hole(k), k % 2 == 0, prot=1, len_=k, tid=k)
                 for k in range(min(3, self.feat.stall_max))]
        await self.launch(items)
        reqs = await self.stalled(len(items))
        assert self.outstanding_rtl() == len(items)
        old = [r.grpid for r in reqs]
        await env.reset()
        assert all(it.dropped for it in items)
        c = stall_counters(env.dut)
        assert c["outstanding"] == 0 and c["cnt_stalls"] == 0, f"after reset: {c}"
        # bring the SMMU up again (the driver model restarts from probe)
        self.cd_tables, self.ctxs = {}, []
        drv = await self.bring_up()
        ctx = await self.sctx(0x4C, 60)
        for stag in old:
            await drv.resume(ctx.sid, stag, "retry", wait=True)
        assert env.sb.stats["resume_nomatch"] >= len(old)
        again = [self.vtxn(ctx, self.hole(k), False, prot=1, len_=0, tid=k) for k in range(2)]
        await self.launch(again)
        await self.stalled(min(2, self.feat.stall_max))
        for it in again:
            ctx.tables.map(it.addr & ~0xFFF, self.data_pa())
        await self.answer_all(again, lambda it: "retry")
        assert all(it.resp == [OKAY] for it in again)
        await self.finish_stalls()


# ====================================================================== random
@pyuvm.test()
class StallRandom(StallTest):
    async def body(self) -> None:
        env = self.env
        sb = env.sb
        drv = await self.bring_up()
        init_memory(env)
        g = self.g
        rng = self.seeds.py("stall_random")
        n = self.knob("TXNS", 600)
        self.log.info("StallRandom: seed %d, %d transactions", self.seeds.base, n)
        specs = [(0x50, None, 1, 16, True, {}), (0x51, 1, 2, 16, True, {}), (0x51, 2, 3, 25, True, {"AFFD": 1}),
                 (0x52, None, 4, 16, False, {"A": rng.choice((0, 1))})]
        ctxs = []
        for sid, ssid, asid, t0sz, stall, kw in specs:
            ctxs.append(await self.sctx(sid, asid, t0sz=t0sz, ssid=ssid, cdmax=2 if sid == 0x51 else 0,
                                        stall=stall, **kw))
        self.avoid = [(0, DATA_PA)]
        pages: Dict[int, List[int]] = {}
        for i, c in enumerate(ctxs):
            hi = 1 << min(env.params.OAS_BITS, 44)
            for m in random_layout(g, 25, t0sz=c.tables.t0sz, pa_range=(DATA_PA, hi), avoid_pa=self.avoid,
                                   p_af0=0.05, weights=(0.85, 0.15, 0.0)):
                c.tables.map_mapping(m)
                self.avoid.append((m.pa, m.pa + m.size))
            mapped = [m.va + k * SIZE_4K for m in c.tables.mappings.values()
                      for k in rng.sample(range(m.size // SIZE_4K), min(3, m.size // SIZE_4K))]
            ias = 64 - c.cd.T0SZ
            holes = [rng.randrange(1 << (ias - 12)) << 12 for _ in range(12)]
            pages[i] = mapped + holes

        def pick() -> AxiTxn:
            i = rng.randrange(len(ctxs))
            c = ctxs[i]
            page = rng.choice(pages[i])
            it = AxiTxn("st").randomize(rng, TxnConstraints(addr_ranges=((page, page + SIZE_4K),),
                                                            len_buckets=((60, 1, 1), (30, 2, 8), (10, 9, 32))),
                                        env.data_bytes, env.params.ID_W, env.params.SID_W, env.params.SSID_W)
            it.sid, it.ssid, it.ssidv = c.sid, c.ssid, c.ssv
            if rng.random() < 0.7:
                it.prot = rng.choice((1, 3))
            return it

        by_sid = {c.sid: c for c in ctxs}
        answers = Counter()
        retries: Counter = Counter()

        async def answer(req: PageRequest) -> None:
            await self.idle(rng.randrange(0, 400))
            c = next(x for x in ctxs if x.sid == req.sid and (x.ssid == (req.pasid or 0)))
            key = (req.sid, req.pasid, req.addr & ~0xFFF, req.write)
            r = rng.random()
            if r < 0.04:
                answers["stall_term"] += 1
                await drv.stall_term(req.sid)
                return
            if r < 0.55 and retries[key] < 3:
                retries[key] += 1
                va = req.addr & ~0xFFF & ((1 << c.tables.ias) - 1)
                if req.rec.EventID == E.F_TRANSLATION and not (req.addr >> c.tables.ias) and \
                        c.tables.lookup(va) is None and rng.random() < 0.8:
                    try:
                        sb.pt_fill(self.regions(c.tables), lambda: c.tables.map(va, self._fresh_pa()))
                        answers["map+retry"] += 1
                    except ValueError:
                        answers["retry"] += 1
                else:
                    answers["retry"] += 1
                await drv.resume(req.sid, req.grpid, "retry")
            elif r < 0.8:
                answers["abort"] += 1
                await drv.resume(req.sid, req.grpid, "abort")
            else:
                answers["term"] += 1
                await drv.resume(req.sid, req.grpid, "term")

        async def handler(req: PageRequest) -> None:          # from the IRQ thread: answer later
            cocotb.start_soon(answer(req))

        for sid in {c.sid for c in ctxs}:
            drv.set_fault_handler(drv.add_master([sid], name=f"dev{sid:#x}"), handler)
        irq = IrqHandlers(env.dut, drv).start()
        env.random_backpressure(self.seeds.py("bp"))
        env.mem_m.latency = (0, 6)
        env.mem_tw.latency = (0, rng.choice((0, 4, 20)))
        items = [pick() for _ in range(n)]
        task = cocotb.start_soon(self.send(items, max_outstanding=24))
        changes = Counter()
        while not task.done():
            await ClockCycles(env.dut.aclk, rng.randrange(150, 700))
            if task.done():
                break
            r = rng.random()
            if r < 0.15:
                await drv.issue([rng.choice((C.cfgi_all(), C.cfgi_ste(rng.choice(list(by_sid)))))])
                changes["cfgi"] += 1
                continue
            if r < 0.25:
                # the stall-capable context of SID 0x51 / SSID 1 flips CD.S (and R): transactions in
                # flight may see either CD until CFGI_CD + SYNC; a retry after it uses the new one
                c = ctxs[1]
                cd = Cd.unpack(env.mem.read(c.cd_addr, 64))
                cd.S ^= 1
                cd.R = 1 if cd.S else rng.randrange(2)
                sb.window_write(c.sid, c.cd_addr, cd.pack())
                await drv.issue([C.cfgi_cd(c.sid, c.ssid)])
                sb.end_window(c.sid)
                changes[f"cd S={cd.S}"] += 1
                continue
            c = rng.choice(ctxs)
            t = c.tables
            ms = list(t.mappings.values())
            if not ms:
                continue
            old = rng.choice(ms)
            kind = rng.choice(("remap", "perm", "unmap"))
            size, base = old.size, old.va
            new_ng = old.ng
            if kind == "remap":
                fn = lambda: t.map(base, self._fresh_pa(size), size, **old.leaf_fields(),  # noqa: E731
                                   replace_existing=True)
            elif kind == "perm":
                f = dict(old.leaf_fields(), ap=rng.randrange(4), af=int(rng.random() < 0.9))
                fn = lambda: t.map(base, old.pa, size, **f, replace_existing=True)       # noqa: E731
            else:
                fn = lambda: t.unmap(base)                                            # noqa: E731
                new_ng = None
            sc = self.scope(t, base, size, old, new_ng=new_ng)
            self.change(t, base, fn, sc, f"{kind} {base:#x}")
            form = rng.choice([f for f in FORMS if not (f == "asid" and sc.global_)])
            await drv.issue(self.tlbi_cmds(form, sc))
            changes[f"{kind}/{form}"] += 1
        await task
        await self.settle_events()
        await wait_until(env, lambda: not sb.outstanding_stalls(), what="every stall answered")
        irq.stop()
        assert not irq.errors, irq.errors
        await self.finish_stalls()
        s = sb.stats
        total = sum(v for k, v in s.items() if k.split("_")[0] in ("read", "write") and k.count("_") == 1)
        self.log.info("random: %d transactions, outcomes %s; stall answers %s; changes %s; %s", total,
                      self.outcome_counts(), dict(answers), dict(changes), sb.stall_summary())
        assert total == n, (total, n)
        assert s["stalls"] > 0 and s["stalled_txns"] > 0, s


# ====================================================================== command legality by STALL_MODEL
@pyuvm.test()
class StallCommandLegality(StallTest):
    """RESUME / STALL_TERM are CERROR_ILL with STALL_MODEL=1 (skipped by the driver's gerror handler:
    CONS stops on them, the slot becomes a CMD_SYNC), legal no-ops otherwise (no stall outstanding);
    SSec=1 is CERROR_ILL with any STALL_MODEL."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        ill = self.feat.stall_model == 1
        cases = [C.resume(0x10, 0x1234, "retry"), C.resume(0x10, 0x4321, "term"), C.stall_term(0x10),
                 C.with_bits(C.resume(0x10, 5, "abort"), 10), C.with_bits(C.stall_term(0x10), 10)]
        for k, cmd in enumerate(cases):
            n_err = len(drv.cmdq_errors)
            await drv.issue([cmd])                                 # + SYNC: the poll loop skips errors
            want_ill = ill or k >= 3
            got = drv.cmdq_errors[n_err:]
            assert got == ([1] if want_ill else []), f"{C.decode(cmd)}: CONS.ERR {got}, expected " \
                                                     f"{'CERROR_ILL' if want_ill else 'none'}"
        ge, gn = await self.regs.read("GERROR"), await self.regs.read("GERRORN")
        assert ge == gn
        c = stall_counters(env.dut)
        legal_resumes = 0 if ill else 2
        assert c["cnt_nomatch"] - self.rtl0["cnt_nomatch"] == legal_resumes, c
        self.log.info("STALL_MODEL=%d: RESUME/STALL_TERM %s; SSec=1 CERROR_ILL", self.feat.stall_model,
                      "CERROR_ILL" if ill else "legal no-ops")
        await self.finish_stalls()
