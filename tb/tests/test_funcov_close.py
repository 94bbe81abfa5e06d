"""Functional-coverage closure (issue 11): directed tests for the bins the rest of the quick suite
never reached (docs/testplan.md, "Functional coverage", "Holes left"). Each test checks what it
does with the usual checkers (scoreboard, event checker, AXI protocol checkers, the RTL stall
counters) and asserts its own preconditions (the state in flight when a command was fetched, the
model's classification of every case), so a test cannot pass by silently doing something else.

FunCovPrefetchAddr     CMD_PREFETCH_ADDR executed: for mapped and unmapped pages, with Size, an
                       ILLEGAL StreamID, a V=0 STE and SSV=1 on a CD-table STE without SSIDs: no
                       record, no CERROR, CONS passes; a prefetch between a remap and its TLBI
                       does not let the old translation survive the TLBI + SYNC
FunCovCdFetchNoSsv     F_CD_FETCH for transactions without a SubstreamID (S1CDMax=0 STE, and
                       S1DSS=SSID0 with SSV=0), SLVERR and DECERR: record SSV=0, FetchAddr = CD 0;
                       recovery after the error range is removed
FunCovStallModel2Cd    (STALL_MODEL=2 build) CD.S=0 is ILLEGAL: C_BAD_CD with and without a
                       SubstreamID; the S=1 neighbours translate; CD rewritten with S=1 + CFGI_CD:
                       the stream translates
FunCovInvInflight      CFGI_STE_RANGE, CFGI_CD, CFGI_CD_ALL and TLBI_NH_ASID fetched while idle /
                       while a transaction waits for a slow STE fetch / during a slow walk / with a
                       stall outstanding; each carries a real change of another stream (STE bypass
                       <-> abort, CD V flip, page remap) that must be seen after the SYNC, the
                       in-flight transaction completes as predicted, the stall stays stalled
FunCovStallEndsFull    STALL_MAX stalls outstanding (reads and writes, half of them with a
                       same-ID transaction queued behind) ended by RESUME term, by CMD_STALL_TERM
                       and by SMMUEN 1 -> 0; and an SMMUEN clear ending fewer stalls that have
                       same-ID followers
FunCovStallNoWalk      CD.S=1 with an input-range fault (VA beyond T0SZ, VA[55]=1 with EPD1=1):
                       the transaction stalls without any walk read; a RESUME retry stalls it
                       again (no walk either); then abort / term

Rerun one test: python sim/run.py --sim icarus --suite quick --tests test_funcov_close.<Test> --seed <n>
(the seed and this command are printed by every test).
"""

from __future__ import annotations

from typing import List, Sequence

import pyuvm
from cocotb.triggers import ClockCycles

from tb.agents.axi_mem_responder import ErrorRange
from tb.agents.axi_signals import OKAY, SLVERR
from tb.agents.axi_txn import AxiTxn
from tb.driver.testkit import TwTap, wait_until
from tb.model import commands as C
from tb.model import events as E
from tb.model.config import lookup_config
from tb.model.pagetable import SIZE_2M, SIZE_4K
from tb.model.structs import CFG_BYPASS, S1DSS_SSID0, Cd, Ste, ste_abort, ste_bypass, ste_s1
from tb.sequences.scenarios import MEM_BASE, init_memory
from tb.tests.test_stall import HOLE, HOT, StallTest

DECERR = 3


def tw_outstanding(tap: TwTap, ids: Sequence[int], cycle: int) -> int:
    """m_axi_tw reads of ``ids`` accepted at or before ``cycle`` whose last R beat had not been
    seen by then (one RLAST per AR)."""
    ar = sum(1 for a in tap.ar if a[1] in ids and a[0] <= cycle)
    rl = sum(1 for r in tap.rlast if r[1] in ids and r[0] <= cycle)
    return ar - rl


def first_cmd_fetch(tap: TwTap, n_rl: int) -> int:
    """Cycle of the first command fetch (ARID 1) completed after index ``n_rl`` of tap.rlast."""
    for c, rid, _ in tap.rlast[n_rl:]:
        if rid == 1:
            return c
    raise AssertionError("no command fetch completed on m_axi_tw")


# ====================================================================== cmd: PREFETCH_ADDR
@pyuvm.test()
class FunCovPrefetchAddr(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        ctx = await self.context(0x50, 21)
        t = ctx.tables
        pages = [0x30_0000 + k * SIZE_4K for k in range(4)]
        for va in pages:
            t.map(va, self.data_pa())
        bad_ste = 0x51
        await self.set_ste(bad_ste, Ste(V=0))                      # C_BAD_STE if it were looked up
        sid_max = 1 << env.params.SID_W                           # beyond SIDSIZE: C_BAD_STREAMID if looked up
        cmds = [C.prefetch_addr(ctx.sid, va, size=k) for k, va in enumerate(pages)]
        cmds += [C.prefetch_addr(ctx.sid, HOLE),                  # unmapped: F_TRANSLATION if walked
                 C.prefetch_addr(ctx.sid, 1 << 50),               # beyond T0SZ
                 C.prefetch_addr(bad_ste, pages[0]),
                 C.prefetch_addr(sid_max, pages[0]),
                 C.prefetch_addr(ctx.sid, pages[1], ssid=3, ssv=1)]   # S1CDMax=0: C_BAD_SUBSTREAMID if looked up
        for c in cmds:
            ok, why = C.command_legal(c, self.features())
            assert ok, why
        n_rec = env.evc.stats["written"]
        cons0 = await self.regs.read("CMDQ_CONS")
        await drv.issue(cmds)
        await drv.issue(cmds[:3], sync=False)                     # also without a SYNC behind them
        await drv.issue([C.prefetch_addr(ctx.sid, pages[2])])
        cons = await self.regs.read("CMDQ_CONS")
        prod = await self.regs.read("CMDQ_PROD")
        assert cons == prod and not (cons >> 24) & 0x7F, f"CMDQ_CONS {cons:#x} (was {cons0:#x}), PROD {prod:#x}"
        await self.idle(200)
        assert env.evc.stats["written"] == n_rec, "a PREFETCH_ADDR wrote an event record"
        # traffic on the prefetched pages, the hole and the bad streams: checked by the scoreboard
        items = [self.vtxn(ctx, va + 64 * k, bool(k & 1), prot=1, len_=k) for va in pages for k in range(2)]
        items += [self.vtxn(ctx, HOLE, False, prot=1, len_=0), self.txn(bad_ste, MEM_BASE, True, prot=1, len_=0)]
        await self.run_items(items)
        # a prefetch between a remap and its TLBI is no invalidation: after the TLBI + SYNC only the
        # new translation is legal (the scoreboard closes the window at that SYNC)
        for k, va in enumerate(pages[:2]):
            await self.run_items([self.vtxn(ctx, va, False, prot=1, len_=0)])       # cached
            sc = self.scope(t, va, SIZE_4K, t.lookup(va))
            self.change(t, va, lambda: t.map(va, self.data_pa(), replace_existing=True), sc, f"remap {va:#x}")
            await drv.issue([C.prefetch_addr(ctx.sid, va, size=k)])
            assert env.sb.pt_windows, "the scoreboard closed a window on a PREFETCH_ADDR"
            await self.run_items([self.vtxn(ctx, va + 0x40, True, prot=1, len_=0)])  # old or new
            await drv.issue([C.tlbi_nh_va(ctx.asid, va, leaf=1)])
            assert not env.sb.pt_windows
            await self.run_items([self.vtxn(ctx, va, False, prot=1, len_=1),
                                  self.vtxn(ctx, va + 0x80, True, prot=1, len_=0)], shuffle=False)
        await self.finish_stalls()


# ====================================================================== config: F_CD_FETCH with SSV=0
@pyuvm.test()
class FunCovCdFetchNoSsv(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        cd_a = self.alloc_cds(1)                                  # S1CDMax=0: one CD
        env.mem.write(cd_a, self.cd_ok(1).pack())
        cd_b = self.alloc_cds(4)                                  # S1CDMax=2, S1DSS=SSID0: SSV=0 uses CD 0
        for i in range(4):
            env.mem.write(cd_b + 64 * i, self.cd_ok(2 + i).pack())
        sid_a, sid_b = 0x52, 0x53
        await self.set_ste(sid_a, ste_s1(cd_a, 0))
        await self.set_ste(sid_b, ste_s1(cd_b, 2, s1dss=S1DSS_SSID0))
        env.mem_tw.errors = [ErrorRange(cd_a, cd_a + 64, SLVERR, "r"),
                             ErrorRange(cd_b - 16, cd_b + 8, DECERR, "r")]   # unaligned, over CD 0's start
        await drv.issue([C.cfgi_all()])
        for sid in (sid_a, sid_b):
            r = lookup_config(env.mem, env.sb.model, env.params, sid=sid, ssid=0, ssv=False, addr=MEM_BASE,
                              error_ranges=env.tw_read_error_ranges())
            assert r.event is not None and r.event.EventID == E.F_CD_FETCH and not r.event.SSV, \
                f"SID {sid:#x}: model gives {r.event} ({r.reason})"
        no_ssv = [self.txn(s, self.mem_addr(), w, prot=self.safe_prot(), ssid=self.rng.randrange(4))
                  for s in (sid_a, sid_b) for w in (False, True) for _ in range(3)]
        # neighbours: SubstreamIDs 1..3 of sid_b are outside the error range and translate
        ok = [self.txn(sid_b, self.mem_addr(), w, ssv=1, ssid=i, prot=self.safe_prot())
              for i in (1, 2, 3) for w in (False, True)]
        items = no_ssv + ok
        n0 = len(drv.events)
        await self.run_items(items)
        recs = [r for r in drv.events[n0:] if r.EventID == E.F_CD_FETCH]
        assert len(recs) == len(no_ssv), f"{len(recs)} F_CD_FETCH records for {len(no_ssv)} transactions"
        assert all(not r.SSV and r.SubstreamID == 0 for r in recs), [str(r) for r in recs if r.SSV]
        assert {r.FetchAddr for r in recs} == {cd_a, cd_b}, [hex(r.FetchAddr) for r in recs]
        assert all(all(x == SLVERR for x in it.resp) for it in no_ssv), [str(it) for it in no_ssv]
        assert all(all(x == OKAY for x in it.resp) for it in ok), [str(it) for it in ok]
        # recovery: the range removed, CFGI_ALL + SYNC: the SSV=0 transactions translate
        env.mem_tw.errors = []
        await drv.issue([C.cfgi_all()])
        n1 = env.evc.stats["written"]
        again = [self.txn(s, self.mem_addr(), w, prot=self.safe_prot()) for s in (sid_a, sid_b) for w in (False, True)]
        await self.run_items(again)
        assert env.evc.stats["written"] == n1, "records after the error range was removed"
        assert all(all(x == OKAY for x in it.resp) for it in again), [str(it) for it in again]
        await self.finish_stalls()


# ====================================================================== config: C_BAD_CD for S=0, STALL_MODEL=2
@pyuvm.test()
class FunCovStallModel2Cd(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        f = self.features()
        assert f.STALL_MODEL == 2, f"this test needs a STALL_MODEL=2 build (job funcov_model2), got {f.STALL_MODEL}"
        good = self.cd_ok(1)
        good.S = 1
        bad = self.cd_ok(2)
        bad.S = 0
        # one CD per stream (no SSID), and a CD table of four with S alternating (SSV=1 / S1DSS=SSID0)
        sid_ok, sid_bad, sid_tab = 0x54, 0x55, 0x56
        t_ok, t_bad, t_tab = self.alloc_cds(1), self.alloc_cds(1), self.alloc_cds(4)
        env.mem.write(t_ok, good.pack())
        env.mem.write(t_bad, bad.pack())
        for i in range(4):
            cd = self.cd_ok(3 + i)
            cd.S = i & 1
            env.mem.write(t_tab + 64 * i, cd.pack())
        self.env.mem.write(drv.ste_addr(sid_ok), ste_s1(t_ok, 0).pack())
        self.env.mem.write(drv.ste_addr(sid_bad), ste_s1(t_bad, 0).pack())
        self.env.mem.write(drv.ste_addr(sid_tab), ste_s1(t_tab, 2, s1dss=S1DSS_SSID0).pack())
        await drv.issue([C.cfgi_all()])
        cases = [(sid_ok, 0, 0, "s1"), (sid_bad, 0, 0, "bad"), (sid_tab, 0, 0, "bad")] + \
                [(sid_tab, 1, i, "s1" if i & 1 else "bad") for i in (1, 2, 3)]
        items: List[AxiTxn] = []
        n_bad = 0
        for sid, ssv, ssid, want in cases:
            r = lookup_config(env.mem, env.sb.model, env.params, sid=sid, ssid=ssid, ssv=bool(ssv), addr=MEM_BASE)
            got = "bad" if r.event is not None and r.event.EventID == E.C_BAD_CD else r.kind
            assert got == want, f"SID {sid:#x} SSV {ssv} SSID {ssid}: model {got} ({r.reason}), want {want}"
            if want == "bad":
                assert "STALL_MODEL=10" in r.reason, r.reason
            for w in (False, True):
                items.append(self.txn(sid, self.mem_addr(), w, ssv=ssv, ssid=ssid, prot=self.safe_prot()))
                n_bad += want == "bad"
        n0 = len(drv.events)
        await self.run_items(items)
        recs = [r for r in drv.events[n0:] if r.EventID == E.C_BAD_CD]
        assert len(recs) == n_bad, f"{len(recs)} C_BAD_CD records, {n_bad} transactions to S=0 CDs"
        assert {(r.StreamID, r.SSV) for r in recs} == {(sid_bad, 0), (sid_tab, 0), (sid_tab, 1)}, \
            [str(r) for r in recs]
        # software fixes the CD (S=1) with CFGI_CD + SYNC: the stream translates
        fixed = self.cd_ok(2)
        fixed.S = 1
        await self.set_cd(sid_bad, t_bad, 0, fixed)
        n1 = env.evc.stats["written"]
        again = [self.txn(sid_bad, self.mem_addr(), w, prot=self.safe_prot()) for w in (False, True, False)]
        await self.run_items(again)
        assert env.evc.stats["written"] == n1 and all(all(x == OKAY for x in it.resp) for it in again), \
            [str(it) for it in again]
        await self.finish_stalls()


# ====================================================================== inv: form x what is in flight
FORMS = ("CFGI_STE_RANGE", "CFGI_CD", "CFGI_CD_ALL", "TLBI_NH_ASID")
STATES = ("idle", "pending", "walk", "stalled")


@pyuvm.test()
class FunCovInvInflight(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        busy = await self.sctx(0x41, 31)                          # in-flight work: walks, stalls, fetches
        busy.tables.map(HOT, self.data_pa())
        walk_pages = [0x4000_0000 + k * SIZE_2M for k in range(len(FORMS))]
        for va in walk_pages:                                     # each its own level-3 table
            busy.tables.map(va, self.data_pa())
        v_ste = 0x42                                              # in CFGI_STE_RANGE(0x40, 1) with busy
        await self.set_ste(v_ste, ste_bypass())
        vc = await self.context(0x44, 32)                         # CD changes (CFGI_CD / _ALL), remaps (ASID)
        vp, vr = 0x50_0000, 0x50_1000
        vc.tables.map(vp, self.data_pa())
        vc.tables.map(vr, self.data_pa())
        k_walk = 0
        k_hole = 0
        for form in FORMS:
            for state in STATES:
                what = f"{form} {state}"
                # 1. the victim's current state is used (cached) first
                await self.run_items(self.victim_txns(form, v_ste, vc, vp, vr))
                # 2. the in-flight state
                started: List[AxiTxn] = []
                req = None
                if state == "pending":
                    await drv.issue([C.cfgi_ste(busy.sid)])       # its STE is fetched again, slowly
                    env.mem_tw.id_latency = {0: 400}
                elif state == "walk":
                    env.mem_tw.id_latency = {2: 300, 3: 300}
                n_ar = len(tap.ar)
                if state in ("pending", "walk"):
                    va = HOT if state == "pending" else walk_pages[k_walk] + 0x40
                    k_walk += state == "walk"
                    started = [self.vtxn(busy, va, False, prot=1, len_=1, tid=3)]
                    await self.launch(started)
                    ids = (0,) if state == "pending" else (2, 3)
                    await wait_until(env, lambda: any(a[1] in ids for a in tap.ar[n_ar:]), 3000, step=1,
                                     what=f"{what}: the slow m_axi_tw read")
                elif state == "stalled":
                    started = [self.vtxn(busy, HOLE + k_hole * SIZE_4K, bool(k_hole & 1), prot=1, len_=2, tid=4)]
                    k_hole += 1
                    await self.launch(started)
                    (req,) = await self.stalled(1)
                else:
                    assert not env.s_mon.outstanding(), f"{what}: client transactions outstanding"
                # 3. the victim changes; the invalidation covering it is fetched in that state
                n_rl = len(tap.rlast)
                await self.change_victim(form, v_ste, vc, vr)
                c = first_cmd_fetch(tap, n_rl)
                if state == "pending":
                    assert tw_outstanding(tap, (0,), c) > 0 and tw_outstanding(tap, (2, 3), c) == 0, \
                        f"{what}: no configuration fetch outstanding at the command fetch (cycle {c})"
                elif state == "walk":
                    assert tw_outstanding(tap, (2, 3), c) > 0, \
                        f"{what}: no walk read outstanding at the command fetch (cycle {c})"
                env.mem_tw.id_latency = {}
                if state == "stalled":
                    await self.idle(100)
                    self.assert_pending(started, f"{what}: stalled transaction after the invalidation + SYNC")
                    assert self.outstanding_rtl() == 1
                    it = started[0]
                    if k_hole & 2:
                        busy.tables.map(it.addr & ~0xFFF, self.data_pa())
                        await drv.resume(busy.sid, req.grpid, "retry")
                    else:
                        await drv.resume(busy.sid, req.grpid, "abort")
                    req.answered = "done"
                await self.wait_done(started, what=f"{what}: the in-flight transaction")
                if state in ("pending", "walk"):
                    assert all(x == OKAY for x in started[0].resp), f"{what}: {started[0]}"
                # 4. only the new state of the victim after the SYNC
                await self.run_items(self.victim_txns(form, v_ste, vc, vp, vr))
                self.log.info("%s: command fetched at cycle; victim changed and checked", what)
        await self.finish_stalls()

    def victim_txns(self, form: str, v_ste: int, vc, vp: int, vr: int) -> List[AxiTxn]:
        if form == "CFGI_STE_RANGE":
            return [self.txn(v_ste, self.mem_addr(), w, prot=1, len_=1) for w in (False, True, False)]
        va = vr if form == "TLBI_NH_ASID" else vp
        return [self.vtxn(vc, va + 0x40 * k, bool(k & 1), prot=1, len_=k) for k in range(3)]

    async def change_victim(self, form: str, v_ste: int, vc, vr: int) -> None:
        env, sb, drv = self.env, self.env.sb, self.drv
        if form == "CFGI_STE_RANGE":
            a = drv.ste_addr(v_ste)
            cur = Ste.unpack(env.mem.read(a, 64))
            new = ste_abort() if cur.Config == CFG_BYPASS else ste_bypass()
            sb.window_write(v_ste, a, new.pack())
            await drv.issue([C.cfgi_ste_range(0x40, 1)])          # StreamIDs 0x40..0x43
            sb.end_window(v_ste)
        elif form in ("CFGI_CD", "CFGI_CD_ALL"):
            cur = Cd.unpack(env.mem.read(vc.cd_addr, 64))
            cur.V ^= 1
            sb.window_write(vc.sid, vc.cd_addr, cur.pack()[:8])
            await drv.issue([C.cfgi_cd(vc.sid, 0) if form == "CFGI_CD" else C.cfgi_cd_all(vc.sid)])
            sb.end_window(vc.sid)
        else:
            t = vc.tables
            sc = self.scope(t, vr, SIZE_4K, t.lookup(vr))
            self.change(t, vr, lambda: t.map(vr, self.data_pa(), replace_existing=True), sc, f"remap {vr:#x}")
            await drv.issue(self.tlbi_cmds("asid", sc))
            assert not sb.pt_windows, "TLBI_NH_ASID + SYNC did not close the remap's window (model)"


# ====================================================================== stall: endings with STALL_MAX outstanding
@pyuvm.test()
class FunCovStallEndsFull(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        smax = self.feat.stall_max
        ctx = await self.sctx(0x48, 40)
        ctx.tables.map(HOT, self.data_pa())
        n_ids = 1 << env.params.ID_W
        await self.run_items([self.vtxn(ctx, HOT + 64 * k, bool(k & 1), prot=1, len_=0) for k in range(4)])
        env.client.max_outstanding = 64                           # run_items left 16: stalls + followers fit
        k_hole = 0
        s0 = dict(env.sb.stats)
        for end, n in (("term", smax), ("stall_term", smax), ("disable", smax), ("disable", min(2, smax))):
            stalls, followers = [], []
            for k in range(n):
                w = bool(k & 1)
                tid = (k // 2) % n_ids
                # stalls of 2..5 beats, followers of 1: the scoreboard tells a terminated transaction
                # from a same-ID follower that reaches m_axi before the terminated one's local response
                # (legal: per-ID order is kept on s_axi) by len/size/burst/QoS only
                stalls.append(self.vtxn(ctx, self.hole(k_hole), w, prot=1, len_=1 + k % 4, tid=tid))
                k_hole += 1
                if (k // 2) % 2 == 0 or n < smax:                 # a same-ID hit queued behind it
                    followers.append(self.vtxn(ctx, HOT + 0x100 + 64 * (k % 8), w, prot=1, len_=0, tid=tid))
            await self.launch(stalls + followers)
            reqs = await self.stalled(n)
            await self.idle(200)
            self.assert_pending(stalls + followers, f"{end}: stalled transactions and their same-ID followers")
            assert self.outstanding_rtl() == n and len(env.sb.outstanding_stalls()) == n, \
                (self.outstanding_rtl(), len(env.sb.outstanding_stalls()))
            for r in reqs:
                r.answered = end
            if end == "term":
                for r in reqs:
                    await drv.resume(ctx.sid, r.grpid, "term")
            elif end == "stall_term":
                await drv.stall_term(ctx.sid)
            else:
                await self.regs.set_cr0(0xC)                      # SMMUEN 1 -> 0
            await self.wait_done(stalls + followers, what=f"{end}: stalls and followers")
            want = OKAY if end == "term" else SLVERR
            for it in stalls:
                assert all(x == want for x in it.resp), f"{end}: {it}"
                if end == "term" and not it.is_write:
                    assert all(d == 0 for d in it.data), f"RAZ read returned data: {it}"
            if end != "disable":
                assert all(all(x == OKAY for x in it.resp) for it in followers), [str(it) for it in followers]
            assert self.outstanding_rtl() == 0
            if end == "disable":
                await self.regs.set_cr0(0xD)
            await self.settle_events()
            self.log.info("%s: %d stalls (STALL_MAX %d), %d same-ID followers", end, n, smax, len(followers))
        s = env.sb.stats
        d = {k: s[k] - s0.get(k, 0) for k in ("resume_term", "stall_term_aborts", "disable_aborts")}
        assert d == {"resume_term": smax, "stall_term_aborts": smax, "disable_aborts": smax + min(2, smax)}, d
        await self.finish_stalls()


# ====================================================================== trans: a stall without a walk
@pyuvm.test()
class FunCovStallNoWalk(StallTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        ctx = await self.sctx(0x4A, 41, t0sz=25)                  # 39-bit input range
        ctx.tables.map(HOT, self.data_pa())
        vas = [1 << 39, (1 << 47) + 0x1000, (1 << 55) | 0x2000, (1 << 40) + 0x7000]
        for va in vas:
            self.expect(f"input fault {va:#x}", ctx, va, E.F_TRANSLATION, level=None)
            self.expect(f"input fault {va:#x} (write)", ctx, va, E.F_TRANSLATION, level=None, write=True)
        await self.run_items([self.vtxn(ctx, HOT, False, prot=1, len_=0)])     # warm: STE/CD cached
        items = [self.vtxn(ctx, va + 0x40 * w, bool(w), prot=1, len_=k % 3, tid=k)
                 for k, va in enumerate(vas) for w in (0, 1)]
        n_walk = len([a for a in tap.ar if a[1] in (2, 3)])
        await self.launch(items)
        reqs = await self.stalled(len(items))
        assert {r.rec.EventID for r in reqs} == {E.F_TRANSLATION}, [str(r) for r in reqs]
        for it in items:
            r = self.take(reqs, it)
            await drv.resume(ctx.sid, r.grpid, "retry")           # the same fault: stalls again
        again = await self.stalled(len(items))
        await self.idle(100)
        self.assert_pending(items, "input faults retried")
        walks = [a for a in tap.ar if a[1] in (2, 3)][n_walk:]
        assert not walks, f"walk reads for input-range faults: {[(c, hex(a)) for c, _, a, _ in walks]}"
        action = {}
        for k, it in enumerate(items):
            r = self.take(again, it)
            action[id(it)] = ("abort", "term")[k % 2]
            await drv.resume(ctx.sid, r.grpid, action[id(it)])
        await self.wait_done(items)
        for it in items:
            want = SLVERR if action[id(it)] == "abort" else OKAY
            assert all(x == want for x in it.resp), f"{action[id(it)]}: {it}"
        assert env.sb.stats["stalled_txns"] >= len(items), env.sb.stats
        await self.finish_stalls()
