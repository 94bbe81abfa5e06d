"""Liveness: no transaction is lost when SMMUEN, invalidations and walks race; no duplicate TLB fill.

Every client transaction is checked by the scoreboard as everywhere (address, data, response,
attributes; a transaction in flight when SMMUEN goes 1 -> 0 may end translated or with the GBPA
decision). On top of that each test waits for every transaction with a simulated-time limit of
its own, so a transaction that is never answered fails with its ID, address and the offset that
lost it instead of a watchdog at the end.

LivenessSmmuenSweep    reads and writes on several IDs miss the TLB (slow walker memory, walks in
                       flight); SMMUEN goes 1 -> 0 at every cycle offset 0..SWEEP_MAX after their
                       launch, then TLBI_NSNH_ALL + CMD_SYNC or CFGI_ALL + CMD_SYNC (Linux's
                       reset sequence) is issued with SMMUEN=0; every transaction must be answered
                       and the SYNC must complete. SMMUEN back to 1 between offsets.
LivenessPermRefill     a TLB hit refused by the permissions re-walks; the fill replaces the entry
                       of the same page instead of adding a second one (TLB fills and valid
                       entries counted through the hierarchy), and the page still translates.
LivenessGlobalWalkOtherAsid  a walk for a global page is in flight when the page is remapped and a
                       TLBI_NH_VA of another ASID + SYNC covers it: its result must not be installed
                       or used after the SYNC (the walk is marked and decided at its end)
LivenessScopedStorm    device A misses 24 pages while ASID 2 unmaps 128 pages of the same 1 GiB
                       region with 128 TLBI_NH_VA + SYNC: one walk per miss (none restarted) and A
                       completes transactions during the storm
LivenessCfgFaultNoBlock a stream whose STE is invalid faults (C_BAD_STE) with the event queue
                       event queue unable to write (m_axi_tw AWREADY held low): two records wait;
                       TLB misses of another stream go on meanwhile (their configuration lookups
                       and walks complete before any record is written).

Rerun: python sim/run.py --sim icarus --suite quick --tests test_liveness.<Test> --seed <n>
"""

from __future__ import annotations

from typing import List

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from tb.agents.axi_txn import AxiTxn
from tb.agents.throttle import Throttle
from tb.driver.testkit import TwTap, tlb_counters, wait_until
from tb.env.scoreboard import TlbScope
from tb.model import commands as C
from tb.model.pagetable import AP_RO, SIZE_4K, TablePool, leaf_descriptor, table_descriptor
from tb.model.structs import CFG_BYPASS, Ste
from tb.sequences.scenarios import init_memory
from tb.tests.test_translate import POOL_SIZE, XltTest
from tb.hier import block

WALK_IDS = (2, 3)          # m_axi_tw ARIDs of the page-table walkers


async def wait_done(test, items: List[AxiTxn], cycles: int, what: str) -> None:
    """Every item answered within ``cycles`` clock cycles, or a failure naming the lost ones."""
    try:
        await wait_until(test.env, lambda: all(it.done.is_set() for it in items), cycles, step=1, what=what)
    except TimeoutError:
        lost = [f"{'W' if it.is_write else 'R'} id {it.id} addr {it.addr:#x}" for it in items
                if not it.done.is_set()]
        raise AssertionError(f"{what}: {len(lost)} transaction(s) never answered after {cycles} cycles: "
                             f"{lost}") from None


@pyuvm.test()
class LivenessSmmuenSweep(XltTest):
    timeout_us = 400000.0

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        lat = self.knob("LIVENESS_LAT", 24)
        sweep_max = self.knob("SWEEP_MAX", 4 * (lat + 12))
        step = self.knob("SWEEP_STEP", 1)
        # one level-3 table per fresh 2 MiB region (4 per offset) plus the upper levels: the regress
        # sweep (0..320) needs more than one 4 MiB pool
        need = (4 * (sweep_max // step + 1) + 16) * SIZE_4K
        size = max(POOL_SIZE, 1 << (need - 1).bit_length())
        pool = TablePool(self._pool_next, size)
        self._pool_next += size
        ctx = await self.context(0x51, 3, tables=self.drv.new_pgtable(pool, 16))
        base = 0x30_0000_0000
        n = 0
        for off in range(0, sweep_max + 1, step):
            inv = "cfgi_all" if off % 2 else "tlbi_nsnh_all"
            # fresh pages, each in its own 2 MiB region: full walks
            vas = [base + (n + k) * (2 << 20) for k in range(4)]
            n += 4
            for va in vas:
                ctx.tables.map(va, self.data_pa())
            env.mem_tw.id_latency = {i: lat for i in WALK_IDS}
            items = [self.vtxn(ctx, vas[0], False, prot=1, len_=0, tid=0),
                     self.vtxn(ctx, vas[1], False, prot=1, len_=3, tid=1),
                     self.vtxn(ctx, vas[2], True, prot=1, len_=1, tid=2),
                     self.vtxn(ctx, vas[3], True, prot=1, len_=0, tid=3),
                     self.vtxn(ctx, vas[0] + 0x40, False, prot=1, len_=0, tid=0)]   # same ID behind a walk
            for it in items:
                await env.client.send(it)
            await ClockCycles(env.dut.aclk, off)
            await self.regs.set_cr0(0xC)                              # SMMUEN 1 -> 0
            cmd = C.tlbi_nsnh_all() if inv == "tlbi_nsnh_all" else C.cfgi_all()
            await drv.issue([cmd], sync=True)
            await wait_done(self, items, 20000, f"SMMUEN 1->0 at offset {off}, then {inv} + CMD_SYNC")
            env.mem_tw.id_latency = {}
            await self.regs.set_cr0(0xD)                              # SMMUEN back to 1
        self.log.info("swept SMMUEN 1->0 over offsets 0..%d (step %d) against walks of latency %d: "
                      "%d transactions answered", sweep_max, step, lat, 5 * (sweep_max // step + 1))
        await self.settle_events()
        await self.finish()


def tlb_valid_entries(dut, va: int) -> int:
    """TLB entries that are valid and hold the page of ``va`` (4 KiB entries)."""
    tlb = block(dut, "tlb_inst")
    n = 0
    for i in range(len(tlb.e_v)):
        if int(tlb.e_v[i].value) and int(tlb.e_va[i].value) == (va >> 12) & ((1 << 52) - 1):
            n += 1
    return n


@pyuvm.test()
class LivenessPermRefill(XltTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        ctx = await self.context(0x52, 4)
        va = 0x44_0000
        ctx.tables.map(va, self.data_pa(), ap=AP_RO)
        # a read fills the TLB; each write hits the entry, is refused, walks again and faults
        await self.run_items([self.vtxn(ctx, va, False, prot=1, len_=0, tid=1)])
        assert tlb_valid_entries(env.dut, va) == 1
        for k in range(4):
            await self.run_items([self.vtxn(ctx, va + 64 * k, True, prot=1, len_=0, tid=2),
                                  self.vtxn(ctx, va + 64 * k, False, prot=1, len_=0, tid=3)],
                                 shuffle=False)
            got = tlb_valid_entries(env.dut, va)
            assert got == 1, f"after {k + 1} refused write(s) the TLB holds {got} entries for page {va:#x}"
        await self.finish()


@pyuvm.test()
class LivenessCfgFaultNoBlock(XltTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        good = await self.context(0x53, 5)
        await self.set_ste(0x54, Ste(V=0, Config=CFG_BYPASS))          # C_BAD_STE
        for k in range(8):
            good.tables.map(0x50_0000 + k * SIZE_4K, self.data_pa())
        await self.run_items([self.vtxn(good, 0x50_0000, False, prot=1, len_=0, tid=1)])   # STE/CD cached
        # event-queue writes cannot start (m_axi_tw AWREADY low): the first C_BAD_STE record of
        # stream 0x54 is taken by the event queue, the second one waits in the configuration engine
        env.mem_tw.set_throttles(Throttle("random", 0.0), Throttle(), Throttle(), Throttle(), Throttle())
        bad = [self.txn(0x54, 0x1000 * (k + 1), False, prot=1, len_=0, tid=k) for k in range(2)]
        for it in bad:
            await env.client.send(it)
        await ClockCycles(env.dut.aclk, 200)
        others = [self.vtxn(good, 0x50_0000 + k * SIZE_4K + 0x80, False, prot=1, len_=0, tid=2 + k % 4)
                  for k in range(1, 8)]
        for it in others:
            await env.client.send(it)
        try:
            await wait_done(self, others, 3000, "lookups of stream 0x53 while stream 0x54's fault records wait")
        finally:
            n_aw = len(tap.aw)
            env.mem_tw.set_throttles(Throttle(), Throttle(), Throttle(), Throttle(), Throttle())
        assert n_aw == 0, f"{n_aw} event-queue writes started while AWREADY was low"
        await wait_done(self, bad, 5000, "the faulting transactions")
        await self.settle_events()
        await self.finish()
        self.need_types("C_BAD_STE")


@pyuvm.test()
class LivenessGlobalWalkOtherAsid(XltTest):
    """A walk of ASID 7 for a global page has read its level-2 table descriptor when software
    repoints that descriptor to a new level-3 table (a new global page) and issues TLBI_NH_VA of
    another ASID (9, Leaf=0) + CMD_SYNC: the TLBI names a global entry for that VA whatever its ASID,
    so the walk's result (known global only at its end) may answer its own transaction but must not
    be installed: after the SYNC only the new translation is legal. A non-global walk of ASID 7 in
    the same region under the same TLBI runs on."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        c = await self.context(0x55, 7)
        t = c.tables
        lat = 200
        for rep in range(2):
            # fresh pages each time: same 1 GiB region, their own 2 MiB (level-3) tables
            va_g = 0x60_5000 + rep * 0x40_0000
            va_n = va_g + 0x20_0000
            t.map(va_g, self.data_pa(), ng=0)
            t.map(va_n, self.data_pa(), ng=1)
            l2 = t.descriptor_address(va_g, 2)
            new_l3 = t.pool.alloc(SIZE_4K, SIZE_4K)
            env.mem.write(new_l3, bytes(SIZE_4K))
            env.mem.write_u64(new_l3 + 8 * ((va_g >> 12) & 511), leaf_descriptor(self.data_pa(), 3, ng=0))
            env.mem_tw.id_latency = {i: lat for i in WALK_IDS}
            n_ar, n_r = len(tap.ar), len(tap.rlast)
            first = [self.vtxn(c, va_g, False, prot=1, len_=0, tid=1),
                     self.vtxn(c, va_n, False, prot=1, len_=0, tid=2)]
            for it in first:
                await env.client.send(it)
            # wait until the global page's walk has read the level-2 descriptor (the old table)
            def l2_read() -> bool:
                l2_ar = [a for a in tap.ar[n_ar:] if a[1] in WALK_IDS and a[2] == l2]
                return bool(l2_ar) and any(r[1] == l2_ar[0][1] and r[0] > l2_ar[0][0] for r in tap.rlast[n_r:])
            await wait_until(env, l2_read, 20 * lat, step=1, what="the walk reading the level-2 descriptor")
            scope = TlbScope({c.asid}, va_g, SIZE_4K, leaf=False, global_=True, nonglobal=False)
            env.sb.pt_write(l2, table_descriptor(new_l3).to_bytes(8, "little"), scope,
                            f"repoint L2 of global {va_g:#x} (rep {rep})")
            n_cmd = len(tap.ar)
            await drv.issue([C.tlbi_nh_va(9, va_g, leaf=0)])
            assert not env.sb.pt_windows, "the TLBI of ASID 9 did not close the global page's window"
            await wait_done(self, first, 5000, "walks under a TLBI of another ASID")
            cmd_fetch = [a[0] for a in tap.ar[n_cmd:] if a[1] == 1]
            walk_end = [r[0] for r in tap.rlast[n_r:] if r[1] in WALK_IDS]
            assert cmd_fetch and walk_end and cmd_fetch[0] < max(walk_end), \
                f"the TLBI did not arrive during the walks (fetch {cmd_fetch[:1]}, walk ends {walk_end})"
            env.mem_tw.id_latency = {}
            # after the SYNC only the new translation (a stale install would be a scoreboard error)
            await self.run_items([self.vtxn(c, va_g + 64 * k, False, prot=1, len_=0, tid=3 + k) for k in range(4)])
        await self.finish()


@pyuvm.test()
class LivenessScopedStorm(XltTest):
    """Device A (ASID 1) misses 24 fresh pages, 8 outstanding, while ASID 2 unmaps 128 pages in the
    same 1 GiB region with 128 TLBI_NH_VA + CMD_SYNC (Linux without range invalidation): no TLBI
    names A's walks (other ASID, non-global results), so every miss walks exactly once (no walk
    restarted, no lookup retried) and A completes transactions while the storm runs."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        a = await self.context(0x56, 1)
        b = await self.context(0x57, 2)
        base_a, base_b, n_b = 0x40_0000_0000, 0x40_2000_0000, 128
        vas = [base_a + k * SIZE_4K for k in range(24)]
        for va in vas:
            a.tables.map(va, self.data_pa())
        for k in range(n_b):
            b.tables.map(base_b + k * SIZE_4K, self.data_pa())
        env.mem_tw.latency = (9, 9)
        c0 = tlb_counters(env.dut)
        items = [self.vtxn(a, va, False, prot=1, len_=0, tid=k % 8) for k, va in enumerate(vas)]
        task = cocotb.start_soon(self.send(items, 8))
        await ClockCycles(env.dut.aclk, 50)
        t0 = env.sb.now()
        for k in range(n_b):
            b.tables.unmap(base_b + k * SIZE_4K)
        await drv.tlbi_range(2, base_b, n_b * SIZE_4K)
        t1 = env.sb.now()
        await task
        env.mem_tw.latency = (0, 0)
        c1 = tlb_counters(env.dut)
        walks = c1["walks"] - c0["walks"]
        during = sum(1 for it in items if t0 <= it.t_done < t1)
        self.log.info("storm of %d TLBIs: %d cycles; device A: %d walks for %d misses, %d completed during "
                      "the storm", n_b, t1 - t0, walks, len(vas), during)
        assert walks == len(vas), f"{walks} walks for {len(vas)} misses: a TLBI of another ASID restarted walks"
        assert during > 0, "device A completed nothing while the storm ran"
        await self.settle_events()
        await self.finish()

