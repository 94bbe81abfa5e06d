"""Tests written for the survivors of mutation testing (sim/mutate.py, make mutate).

Each test checks a behaviour that a sampled RTL mutant changed while the rest of the quick
suite still passed; the mutant it was written for is named in its docstring (ids as printed by
sim/mutate.py: ``python sim/mutate.py --only <id> --show`` prints the mutation). Every test
passes on the unmodified RTL on Icarus and Verilator and fails on its mutant; all the usual
checkers (scoreboard, event checker, protocol checkers) run as everywhere.

SensRoundRobin      the three round-robin arbiters (configuration requests read/write, m_axi_tw
                    read requesters, event-record sources) grant "the first requester after the
                    one granted last" under contention (translated traffic in both directions with
                    configuration and TLB invalidations between batches); a grant that skips a
                    waiting requester fails, and each arbiter must have seen contested grants.
SensTlbBlock1G      a 1 GiB block entry is removed by TLBI_NH_VA of any page of the block (the block is
                    remapped first; a stale translation after the SYNC is a scoreboard error).
SensCfgCounters     the configuration cache's hit/miss counters are defined from reset and count
                    every request taken (hits + misses = requests, misses = STE fetches).
SensCfgOldestFirst  with the configuration engine busy, two waiting reads of one AXI ID get their
                    configuration in age order (the oldest of the ID first: STE fetch order).
SensLinkResetMidConfig  aresetn while a read's configuration request is taken and unanswered (slow
                    STE fetch): the TBU-TCU link checker (smmu_link_check, part of dbg_invariant_err)
                    records no outstanding request after reset, and translated writes then reads
                    after a new bring-up raise no LINK invariant.

Rerun: python sim/run.py --sim icarus --suite quick --tests test_sensitivity.<Test> --seed <n>
"""

from __future__ import annotations

from typing import Dict, List

import cocotb
import pyuvm
from cocotb.triggers import RisingEdge

from tb.agents.throttle import Throttle
from tb.driver.testkit import TwTap, wait_until
from tb.model import commands as C
from tb.model.pagetable import SIZE_1G
from tb.model.structs import CFG_BYPASS, Ste
from tb.sequences.scenarios import init_memory
from tb.tests.test_translate import XltTest
from tb.hier import block


class RoundRobinMonitor:
    """Checks one smmu_rr_pick instance on every clock edge: when ``take && pick_valid`` the pick
    must be the first requester after the one granted last (reset: N-1), counting from it
    cyclically. Counts grants and contested grants (two or more requesters)."""

    def __init__(self, name: str, inst, n: int) -> None:
        self.name, self.inst, self.n = name, inst, n
        self.last = n - 1
        self.grants = 0
        self.contested = 0
        self.errors: List[str] = []

    def sample(self, cycle: int) -> None:
        i = self.inst
        take, valid = i.take.value, i.pick_valid.value
        if not (take.is_resolvable and valid.is_resolvable and int(take) and int(valid)):
            return
        req, pick = int(i.req.value), int(i.pick.value)
        want = next((k % self.n for k in range(self.last + 1, self.last + 1 + self.n) if req >> (k % self.n) & 1),
                    None)
        self.grants += 1
        if bin(req).count("1") > 1:
            self.contested += 1
        if pick != want and len(self.errors) < 5:
            self.errors.append(f"{self.name}: cycle {cycle}: requests {req:0{self.n}b}, last grant {self.last}, "
                               f"granted {pick}, round-robin order wants {want}")
        self.last = pick


@pyuvm.test()
class SensRoundRobin(XltTest):
    """Mutant rr_pick-014 (the priority pointer moved when the pick was NOT taken)."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        dut = env.dut
        mons = [RoundRobinMonitor("cfg_rr (configuration requests rd/wr)", block(dut, "cfg_rr_inst"), 2),
                RoundRobinMonitor("tw_rd_arb (m_axi_tw readers)", block(dut, "tw_rd_arb_inst").rr_inst,
                                  len(block(dut, "tw_rd_arb_inst").rd_valid.value)),
                RoundRobinMonitor("evtq (event-record sources)", block(dut, "evtq_inst").rr_inst,
                                  len(block(dut, "evtq_inst").rec_valid.value))]
        stop = False

        async def watch() -> None:
            cyc = 0
            while not stop:
                await RisingEdge(dut.aclk)
                cyc += 1
                if dut.aresetn.value.is_resolvable and int(dut.aresetn.value):
                    for m in mons:
                        m.sample(cyc)

        task = cocotb.start_soon(watch())
        # four streams, 24 pages each; a faulting page per stream (event records from the walkers
        # while configuration faults of an unconfigured stream come from the configuration engine)
        ctxs = [await self.context(0x60 + k, 10 + k) for k in range(4)]
        pages: Dict[int, List[int]] = {}
        for c in ctxs:
            pages[c.sid] = [0x4000_0000 + (c.sid << 24) + p * 0x20_0000 for p in range(24)]
            for va in pages[c.sid]:
                c.tables.map(va, self.data_pa())
        await self.set_ste(0x5F, Ste(V=0, Config=CFG_BYPASS))                  # C_BAD_STE records
        for rnd in range(6):
            # odd rounds: event-queue writes slowed (m_axi_tw AWREADY rarely high), so records of the
            # configuration engine and of both translation queues wait for the event queue together
            aw = Throttle("random", 0.05) if rnd & 1 else Throttle()
            env.mem_tw.set_throttles(aw, Throttle(), Throttle(), Throttle(), Throttle())
            items = []
            for c in ctxs:
                for va in self.rng.sample(pages[c.sid], 6):
                    items.append(self.vtxn(c, va, False, prot=1, len_=0))
                    items.append(self.vtxn(c, va + 0x40, True, prot=1, len_=0))
                items.append(self.vtxn(c, 0x7F00_0000, False, prot=1, len_=0))      # unmapped: F_TRANSLATION
                items.append(self.vtxn(c, 0x7F00_1000, True, prot=1, len_=0))
            items += [self.txn(0x5F, 0x1000_0000 + 64 * k, bool(k & 1), prot=1, len_=0) for k in range(4)]
            await self.run_items(items, max_outstanding=16)
            # everything cached is dropped: the next round misses configuration and TLB in both directions
            await drv.issue([C.cfgi_all(), C.tlbi_nh_all()])
        env.mem_tw.set_throttles(Throttle(), Throttle(), Throttle(), Throttle(), Throttle())
        stop = True
        await task
        errs = [e for m in mons for e in m.errors]
        for m in mons:
            self.log.info("%s: %d grants, %d contested", m.name, m.grants, m.contested)
        assert not errs, "round-robin order broken:\n" + "\n".join(errs)
        idle = [m.name for m in mons if m.contested == 0]
        assert not idle, f"no contested grant seen at {idle}: the test did not exercise them"
        await self.finish()


@pyuvm.test()
class SensTlbBlock1G(XltTest):
    """Mutant tlb-017 (a 1 GiB block's TLB entry compared VA bits [29:12] as if it were a 2 MiB one):
    a 1 GiB block is filled from one page and invalidated by TLBI_NH_VA of another page of the
    block (other 2 MiB and 4 KiB index), after the block was remapped; the first page must then
    translate to the new PA (the scoreboard closes the old translation's window at the SYNC)."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        ctx = await self.context(0x70, 7)
        t = ctx.tables
        region = 0x40_0000_0000
        t.map(region, self.data_pa(SIZE_1G), SIZE_1G)
        a = region + 0x1234_5000
        for b in (region + 0x3000_2000, region + 0xA0_1000, region + 0x3FFF_F000, region):
            # fill from page a (read and write), then remap the block and invalidate by VA at b
            await self.run_items([self.vtxn(ctx, a, False, prot=1, len_=0),
                                  self.vtxn(ctx, a + 0x40, True, prot=1, len_=0)], shuffle=False)
            sc = self.scope(t, region, SIZE_1G, t.lookup(a))
            self.change(t, region, lambda: t.map(region, self.data_pa(SIZE_1G), SIZE_1G, replace_existing=True),
                        sc, f"remap the 1 GiB block, TLBI_NH_VA at {b:#x}")
            await drv.issue([C.tlbi_nh_va(ctx.asid, b, leaf=1)])
            assert not env.sb.pt_windows, f"TLBI_NH_VA at {b:#x} did not cover the 1 GiB block (model)"
            # the scoreboard accepts only the new PA now: a stale block entry is an error
            await self.run_items([self.vtxn(ctx, a, False, prot=1, len_=0),
                                  self.vtxn(ctx, a + 0x80, True, prot=1, len_=0),
                                  self.vtxn(ctx, b, False, prot=1, len_=0)], shuffle=False)
        await self.finish()


def _counter(h, what: str) -> int:
    v = h.value
    assert v.is_resolvable, f"RTL counter {what} is {v} (X/Z): not reset or not counting"
    return int(v)


@pyuvm.test()
class SensCfgCounters(XltTest):
    """Mutant cfg-311 (the configuration cache's hit counter not reset: X on Icarus): the counters
    the benches read through the hierarchy (cfg_inst.cnt_hit / cnt_miss) must be defined from reset
    and count every configuration request the engine takes: hits + misses = requests taken
    (smmu_tcu.cfg_take, counted every cycle), misses = STE fetches seen on m_axi_tw."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        dut = env.dut
        cfg = block(dut, "cfg_inst")
        h0, m0 = _counter(cfg.cnt_hit, "cfg_inst.cnt_hit"), _counter(cfg.cnt_miss, "cfg_inst.cnt_miss")
        ste0 = env.evc.stats["ste_fetches"]
        taken = 0
        stop = False

        async def count() -> None:
            nonlocal taken
            while not stop:
                await RisingEdge(dut.aclk)
                v = block(dut, "cfg_take").value
                if v.is_resolvable and int(v):
                    taken += 1

        task = cocotb.start_soon(count())
        ctxs = [await self.context(0x40 + k, 20 + k) for k in range(3)]
        vas = {c.sid: [0x10_0000 + 0x20_0000 * p for p in range(8)] for c in ctxs}
        for c in ctxs:
            for va in vas[c.sid]:
                c.tables.map(va, self.data_pa())
        for rnd in range(3):
            items = [self.vtxn(c, va + 0x40 * k, bool(k & 1), prot=1, len_=0)
                     for c in ctxs for va in vas[c.sid] for k in range(2)]
            await self.run_items(items)
            await drv.issue([C.cfgi_all(), C.tlbi_nh_all()] if rnd != 1 else [C.tlbi_nh_all()])
        stop = True
        await task
        hits = _counter(cfg.cnt_hit, "cfg_inst.cnt_hit") - h0
        misses = _counter(cfg.cnt_miss, "cfg_inst.cnt_miss") - m0
        stes = env.evc.stats["ste_fetches"] - ste0
        self.log.info("configuration requests taken %d: RTL hits %d, misses %d; STE fetches on m_axi_tw %d",
                      taken, hits, misses, stes)
        assert hits > 0 and misses > 0, "the test made no configuration cache hit or no miss"
        assert hits + misses == taken, f"cnt_hit {hits} + cnt_miss {misses} != {taken} requests taken"
        assert misses == stes, f"cnt_miss {misses} != {stes} STE fetches on m_axi_tw"
        await self.finish()


@pyuvm.test()
class SensCfgOldestFirst(XltTest):
    """Mutants xlt_q-143 (the configuration request preferred an entry that is NOT the oldest of its
    AXI ID) and xlt_q-144 (no preference: the lowest queue slot first): while the configuration engine is busy with a slow STE fetch, reads A then B of one
    ID (streams X then Y, both missing the configuration cache) wait; the engine must fetch A's
    STE (the oldest of the ID, the one the ID's responses wait for) before B's. Ten rounds with
    the IDs and streams rotated, then four with B in a lower queue slot than A; plus the scoreboard
    as everywhere."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        ctxs = [await self.context(0x30 + k, 40 + k) for k in range(3)]
        for c in ctxs:
            c.tables.map(0x20_0000, self.data_pa())
        for rnd in range(10):
            await drv.issue([C.cfgi_all(), C.tlbi_nh_all()])           # every stream misses again
            z, x, y = ctxs[rnd % 3], ctxs[(rnd + 1) % 3], ctxs[(rnd + 2) % 3]
            tid = rnd % (1 << env.params.ID_W)
            other = (tid + 1) % (1 << env.params.ID_W)
            env.mem_tw.id_latency = {0: 120}                           # configuration fetches slow
            n_ar = len(tap.ar)
            c_it = self.vtxn(z, 0x20_0000, False, prot=1, len_=0, tid=other)
            await env.client.send(c_it)
            await wait_until(env, lambda: any(a[1] == 0 for a in tap.ar[n_ar:]), 2000, step=1,
                             what="the first configuration fetch")
            a_it = self.vtxn(x, 0x20_0040, False, prot=1, len_=0, tid=tid)
            b_it = self.vtxn(y, 0x20_0080, False, prot=1, len_=0, tid=tid)
            await env.client.send(a_it)
            await env.client.send(b_it)
            for it in (c_it, a_it, b_it):
                await it.done.wait()
            env.mem_tw.id_latency = {}
            stes = [a[2] for a in tap.ar[n_ar:] if a[1] == 0 and a[3] == 1]
            sa, sb = drv.ste_addr(x.sid), drv.ste_addr(y.sid)
            assert sa in stes and sb in stes, f"round {rnd}: STE fetches {[hex(s) for s in stes]}"
            assert stes.index(sa) < stes.index(sb), \
                f"round {rnd}: stream {y.sid:#x}'s STE (younger read B on ID {tid}) was fetched before " \
                f"stream {x.sid:#x}'s (the oldest read A of that ID): {[hex(s) for s in stes]}"
        # the same with B in a LOWER queue slot than A (mutant xlt_q-144: lowest slot first): C takes
        # slot 0 and the engine; A waits in slot 1; a write W (another stream) takes the engine next
        # (round robin); C completes and frees slot 0; B arrives there while A still waits
        w_ctx = await self.context(0x3C, 50)
        w_ctx.tables.map(0x20_0000, self.data_pa())
        for rnd in range(4):
            await drv.issue([C.cfgi_all(), C.tlbi_nh_all()])
            z, x, y = ctxs[rnd % 3], ctxs[(rnd + 1) % 3], ctxs[(rnd + 2) % 3]
            env.mem_tw.id_latency = {0: 120}
            n_ar = len(tap.ar)
            c_it = self.vtxn(z, 0x20_0000, False, prot=1, len_=0, tid=1)
            await env.client.send(c_it)
            await wait_until(env, lambda: any(a[1] == 0 for a in tap.ar[n_ar:]), 2000, step=1,
                             what="the first configuration fetch")
            w_it = self.vtxn(w_ctx, 0x20_0000, True, prot=1, len_=0, tid=2)
            a_it = self.vtxn(x, 0x20_0040, False, prot=1, len_=0, tid=0)
            await env.client.send(w_it)
            await env.client.send(a_it)
            await c_it.done.wait()
            b_it = self.vtxn(y, 0x20_0080, False, prot=1, len_=0, tid=0)
            await env.client.send(b_it)
            for it in (w_it, a_it, b_it):
                await it.done.wait()
            env.mem_tw.id_latency = {}
            stes = [a[2] for a in tap.ar[n_ar:] if a[1] == 0 and a[3] == 1]
            sa, sb = drv.ste_addr(x.sid), drv.ste_addr(y.sid)
            assert sa in stes and sb in stes, f"slot round {rnd}: STE fetches {[hex(s) for s in stes]}"
            assert stes.index(sa) < stes.index(sb), \
                f"slot round {rnd}: stream {y.sid:#x}'s STE (younger read B, lower slot) was fetched before " \
                f"stream {x.sid:#x}'s (the oldest read A of ID 0): {[hex(s) for s in stes]}"
        await self.settle_events()
        await self.finish()


@pyuvm.test()
class SensLinkResetMidConfig(XltTest):
    """Mutant link_check-040 (the TBU-TCU link checker's record of configuration requests taken and
    not yet answered, ``c_out``, not reset): aresetn while the configuration engine has taken a
    read's request and waits for its slow STE fetch. After reset no request is outstanding, so the
    checker's record must be empty (0, not X); a stale bit of the read queue makes the write queue's
    next request look like a second unanswered one (rule L2: a false LINK error in
    dbg_invariant_err, which every test checks at its end). After the reset the SMMU is brought up
    again and translated writes, then reads, of two streams run through the link."""

    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        lc = block(env.dut, "link_check_inst")
        ctx = await self.context(0x34, 44)
        ctx.tables.map(0x20_0000, self.data_pa())
        env.mem_tw.id_latency = {0: 200}                               # the STE fetch is slow
        n_ar = len(tap.ar)
        it = self.vtxn(ctx, 0x20_0000, False, prot=1, len_=0, tid=0)
        await env.client.send(it)
        await wait_until(env, lambda: any(a[1] == 0 for a in tap.ar[n_ar:]), 2000, step=1,
                         what="the read's STE fetch")
        v = lc.c_out.value
        assert v.is_resolvable and int(v) != 0, \
            f"link checker c_out {v} while the read's configuration request is taken and unanswered"
        self.log.info("reset with the read's configuration request outstanding (link checker c_out %s)", v)
        await env.reset()
        env.mem_tw.id_latency = {}
        assert it.dropped, "the read in flight was not dropped by the reset"
        v = lc.c_out.value
        assert v.is_resolvable and int(v) == 0, \
            f"after reset the link checker records configuration requests outstanding: c_out {v}"
        # up again: writes (the other queue) first, then reads, two streams, every one a miss
        await self.bring_up()
        ctxs = [await self.context(0x35 + k, 45 + k) for k in range(2)]
        for c in ctxs:
            c.tables.map(0x20_0000, self.data_pa())
        for write in (True, False):
            await self.run_items([self.vtxn(c, 0x20_0000 + 0x40 * k, write, prot=1, len_=0, tid=k)
                                  for c in ctxs for k in range(2)], shuffle=False)
        v = lc.c_out.value
        assert v.is_resolvable and int(v) == 0, f"link checker c_out {v} with no request outstanding"
        await self.settle_events()
        await self.finish()
