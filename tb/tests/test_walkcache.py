"""Issue 12 item 5: stage-1 walk caches (rtl/tcu/smmu_wcache.v; docs/architecture.md "Walk caches").

The walk caches hold the level-0/1/2 table descriptors a walk read, tagged {SID, SSV, SSID, ASID,
VA prefix}; a later miss starts below the deepest cached level. What the tests count is the
descriptor reads of one miss on m_axi_tw (walker ARIDs >= 2, TwTap); every transaction is also
checked end to end by the scoreboard against the reference model (tb/model, unchanged), and
page-table changes go through its translation-table windows (a table-descriptor change is closed
only by an ASID/ALL TLBI or VA TLBIs with Leaf=0, scoreboard.TlbScope).

Only what the architecture or the documented rule fixes is asserted: a table descriptor cached
means one read fewer per cached level; TLBI_NH_VA/VAA Leaf=0 removes every level covering the VA
(any ASID), Leaf=1 none; TLBI_NH_ASID the entries of the ASID; TLBI_NH_ALL/NSNH_ALL and CFGI of
the StreamID all of them. With WCACHE_ENTRIES=0 (job walkcache_off) every miss reads from the
start level and the same tests check that.

WalkCacheReads      after a walk of page P: a miss in the same 2 MiB reads 1 descriptor, same
                    1 GiB 2, same 512 GiB 3, another 512 GiB 4; start levels 0, 1 and 2 (T0SZ 16,
                    25, 36); another StreamID/ASID on the same tables reads from its start level;
                    an L2 block under cached L0/L1 tables
WalkCacheTableChange software repoints a level-2 table descriptor to a new level-3 table:
                    TLBI_NH_VA Leaf=0 + CMD_SYNC: the new table is walked (4 reads) and the new
                    translation used; TLBI_NH_VA Leaf=1 + CMD_SYNC: the cached level-2 entry stays
                    (1 read, of the old level-3 table); TLBI_NH_ASID + SYNC then removes it
WalkResultHold      a walk's result waits in its slot until every transaction that waited for it has
                    copied it (smmu_xlt_q p_wb, one a cycle): 20 reads of one page merge into one slow
                    walk (slot 0) while the other walker is busy with a slower one; a miss in the same
                    2 MiB waits for a walker; when the first walk ends, slot 0 must not take the new
                    walk before the 20 copies are done (TCU: the TBUs' w_hold). The RTL's check fires
                    ($fatal) if a walk ends in a slot an entry still reads; the test asserts the slot
                    was seen held with the miss waiting, and the scoreboard checks every PA
WalkCacheInvalidate every TLBI / CFGI form the command queue forwards, each on a region whose
                    walk cache entries were just seen to hit: the next miss reads from the start
                    level (removed) or 1 descriptor (kept)
WalkCacheReplacement WCACHE_ENTRIES + 2 level-2 fills in order: the last WCACHE_ENTRIES are held
                    (1 read for a new page), the first two replaced (2 reads)

Rerun one test: python sim/run.py --sim icarus --suite quick --job walkcache --tests test_walkcache.<Test>
"""

from __future__ import annotations

from typing import Optional

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, FallingEdge

from tb import hier
from tb.agents.throttle import Throttle
from tb.driver.testkit import TwTap
from tb.env.scoreboard import TlbScope
from tb.model import commands as C
from tb.model.pagetable import (SIZE_1G, SIZE_2M, SIZE_4K, leaf_descriptor, start_level, table_descriptor)
from tb.sequences.scenarios import init_memory
from tb.tests.test_translate import Ctx, XltTest

WALK_ARID_MIN = 2                   # m_axi_tw ARIDs of the walkers (0: configuration, 1: commands)


class WalkCacheTest(XltTest):
    async def setup_wc(self):
        drv = await self.bring_up()
        init_memory(self.env)
        self.tap = TwTap(self.env.tw_smp)
        self.wc = self.env.params.WCACHE_ENTRIES > 0
        return drv

    def walk_ars(self, since: int) -> list:
        return [a for a in self.tap.ar[since:] if a[1] >= WALK_ARID_MIN]

    async def miss(self, ctx: Ctx, va: int, want: Optional[int] = None, what: str = "", leaf_level: int = 3) -> list:
        """One read of ``va`` (a TLB miss): the walker's descriptor reads (cycle, id, addr, len);
        ``want``: their number with a walk cache (without one: every level from the start level down
        to ``leaf_level``)."""
        n0 = len(self.tap.ar)
        await self.run_items([self.vtxn(ctx, va, False, prot=1, len_=0, tid=0)], shuffle=False)
        reads = self.walk_ars(n0)
        full = leaf_level + 1 - start_level(ctx.tables.t0sz)
        if want is not None:
            exp = want if self.wc else full
            assert len(reads) == exp, \
                f"{what or hex(va)}: {len(reads)} descriptor reads, expected {exp} " \
                f"({'walk cache' if self.wc else 'no walk cache'}; {full}-level walk): " \
                f"{[hex(a[2]) for a in reads]}"
        self.log.info("%s %#x: %d descriptor read(s)", what or "miss", va, len(reads))
        return reads


# ====================================================================== reads per miss
@pyuvm.test()
class WalkCacheReads(WalkCacheTest):
    async def body(self) -> None:
        await self.setup_wc()
        # T0SZ 16: start level 0
        a = await self.context(0x30, 1)
        t = a.tables
        base = 0x40_0000_0000
        pages = {"P": base + 0x1000, "Q": base + 0x7000, "R": base + 3 * SIZE_2M + 0x2000,
                 "S": base + 5 * SIZE_1G + 0x4000, "U": base + (1 << 39) + 0x3000,
                 "P2": base + 0x9000, "R2": base + 3 * SIZE_2M + 0x8000}
        for va in pages.values():
            t.map(va, self.data_pa())
        blk = base + 6 * SIZE_2M
        t.map(blk, self.data_pa(SIZE_2M), SIZE_2M)
        await self.miss(a, pages["P"], 4, "P (nothing cached)")
        await self.miss(a, pages["Q"], 1, "Q (same 2 MiB as P)")
        await self.miss(a, pages["R"], 2, "R (same 1 GiB, other 2 MiB)")
        await self.miss(a, pages["S"], 3, "S (same 512 GiB, other 1 GiB)")
        await self.miss(a, pages["U"], 4, "U (other 512 GiB)")
        await self.miss(a, pages["P2"], 1, "P2 (P's 2 MiB again)")
        await self.miss(a, pages["R2"], 1, "R2 (R's 2 MiB)")
        await self.miss(a, blk + 0x5000, 1, "L2 block under cached L0/L1 tables", leaf_level=2)
        # another StreamID and ASID on the same tables: its own entries
        a2 = await self.context(0x31, 2, tables=t)
        await self.miss(a2, base + 0xA000, 4, "other SID/ASID, P's 2 MiB")
        await self.miss(a2, base + 0xB000, 1, "other SID/ASID, again")
        # start level 1 (T0SZ 25) and 2 (T0SZ 36)
        for sid, asid, t0sz, full in ((0x32, 3, 25, 3), (0x33, 4, 36, 2)):
            c = await self.context(sid, asid, t0sz=t0sz)
            vb = 0x20_0000 if t0sz == 36 else 0x40_0000_0000
            vas = [vb + 0x1000, vb + 0x3000, vb + SIZE_2M + 0x1000]
            for va in vas:
                c.tables.map(va, self.data_pa())
            await self.miss(c, vas[0], full, f"T0SZ {t0sz}: first")
            await self.miss(c, vas[1], 1, f"T0SZ {t0sz}: same 2 MiB")
            await self.miss(c, vas[2], 2, f"T0SZ {t0sz}: other 2 MiB")
        await self.finish()


# ====================================================================== a table descriptor changes
@pyuvm.test()
class WalkCacheTableChange(WalkCacheTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.setup_wc()
        c = await self.context(0x40, 5)
        t = c.tables
        blk = 0x50_0000_0000
        P, Q, Q3, Q4 = (blk + k * SIZE_4K for k in (1, 2, 3, 4))
        for va in (P, Q, Q3, Q4):
            t.map(va, self.data_pa())
        l2 = t.descriptor_address(P, 2)
        old_l3 = t.read_descriptor(P, 2) & ~0xFFF & ((1 << 48) - 1)
        await self.miss(c, P, 4, "P")

        def new_l3(src: int, va: int) -> tuple:
            """A copy of the level-3 table at ``src`` with ``va`` remapped to a fresh page."""
            n = t.pool.alloc(SIZE_4K, SIZE_4K)
            env.mem.write(n, env.mem.read(src, SIZE_4K))
            pa = self.data_pa()
            env.mem.write_u64(n + 8 * ((va >> 12) & 511), leaf_descriptor(pa, 3))
            return n, pa

        def l3_read(reads: list, table: int) -> bool:
            return any(table <= a[2] < table + SIZE_4K for a in reads)

        # 1. repoint the L2 descriptor; TLBI_NH_VA Leaf=0 + SYNC: the new table, read from level 0
        l3b, pa_q = new_l3(old_l3, Q)
        env.sb.pt_write(l2, table_descriptor(l3b).to_bytes(8, "little"),
                        TlbScope({c.asid}, Q, SIZE_4K, leaf=False), "repoint L2 (Leaf=0 TLBI)")
        await drv.issue([C.tlbi_nh_va(c.asid, Q, leaf=0)])
        assert not env.sb.pt_windows, "TLBI_NH_VA Leaf=0 did not close the table-descriptor window"
        assert self.model_tr(c, Q).pa == pa_q
        reads = await self.miss(c, Q, 4, "Q after repoint + TLBI Leaf=0")
        assert l3_read(reads, l3b), f"the new level-3 table was not read: {[hex(a[2]) for a in reads]}"

        # 2. repoint again; TLBI_NH_VA Leaf=1 + SYNC: the cached level-2 entry may stay (it does here)
        l3c, pa_q3 = new_l3(l3b, Q3)
        env.sb.pt_write(l2, table_descriptor(l3c).to_bytes(8, "little"),
                        TlbScope({c.asid}, Q3, SIZE_4K, leaf=False), "repoint L2 (Leaf=1 TLBI)")
        await drv.issue([C.tlbi_nh_va(c.asid, Q3, leaf=1)])
        assert env.sb.pt_windows, "a Leaf=1 TLBI closed a table-descriptor window"
        reads = await self.miss(c, Q3, 1, "Q3 after repoint + TLBI Leaf=1")
        if self.wc:
            assert l3_read(reads, l3b), f"not the cached (old) level-3 table: {[hex(a[2]) for a in reads]}"

        # 3. TLBI_NH_ASID + SYNC removes it: the new table from level 0, the new translation
        await drv.issue([C.tlbi_nh_asid(c.asid)])
        assert not env.sb.pt_windows, "TLBI_NH_ASID did not close the window"
        assert self.model_tr(c, Q3).pa == pa_q3
        reads = await self.miss(c, Q4, 4, "Q4 after TLBI_NH_ASID")
        assert l3_read(reads, l3c), f"the newest level-3 table was not read: {[hex(a[2]) for a in reads]}"
        reads = await self.miss(c, Q3, 1, "Q3 after TLBI_NH_ASID (new translation)")
        assert l3_read(reads, l3c), f"the newest level-3 table was not read: {[hex(a[2]) for a in reads]}"
        await self.finish()
        s = env.sb.stats
        self.log.info("windows opened %d closed %d, window transactions %d", s["pt_windows"],
                      s["pt_windows_closed"], s["window_txns"])


# ====================================================================== invalidation forms
@pyuvm.test()
class WalkCacheInvalidate(WalkCacheTest):
    async def body(self) -> None:
        drv = await self.setup_wc()
        c = await self.context(0x50, 6)
        t = c.tables
        base = 0x60_0000_0000
        forms = [  # (name, commands for a page in the region, removes the entries)
            ("TLBI_NH_ASID other ASID", lambda va: [C.tlbi_nh_asid(99)], False),
            ("TLBI_NH_ASID", lambda va: [C.tlbi_nh_asid(c.asid)], True),
            ("TLBI_NH_VA Leaf=1", lambda va: [C.tlbi_nh_va(c.asid, va, leaf=1)], False),
            ("TLBI_NH_VAA Leaf=1", lambda va: [C.tlbi_nh_vaa(va, leaf=1)], False),
            ("TLBI_NH_VA Leaf=0", lambda va: [C.tlbi_nh_va(c.asid, va, leaf=0)], True),
            ("TLBI_NH_VA Leaf=0 other ASID", lambda va: [C.tlbi_nh_va(99, va, leaf=0)], True),
            ("TLBI_NH_VAA Leaf=0", lambda va: [C.tlbi_nh_vaa(va, leaf=0)], True),
            ("TLBI_NH_VA Leaf=0 other 512 GiB", lambda va: [C.tlbi_nh_va(c.asid, va ^ (1 << 39), leaf=0)], False),
            ("TLBI_NH_ALL", lambda va: [C.tlbi_nh_all()], True),
            ("TLBI_NSNH_ALL", lambda va: [C.tlbi_nsnh_all()], True),
            ("CFGI_STE other SID", lambda va: [C.cfgi_ste(0x51)], False),
            ("CFGI_STE", lambda va: [C.cfgi_ste(c.sid)], True),
            ("CFGI_CD", lambda va: [C.cfgi_cd(c.sid)], True),
            ("CFGI_STE_RANGE", lambda va: [C.cfgi_ste_range(c.sid & ~3, 2)], True),
            ("CFGI_ALL", lambda va: [C.cfgi_all()], True),
        ]
        for k, (name, cmds, removes) in enumerate(forms):
            region = base + k * SIZE_1G
            p0, p1, p2 = region + 0x1000, region + 0x2000, region + 0x3000
            for va in (p0, p1, p2):
                t.map(va, self.data_pa())
            await self.miss(c, p0, None, f"{name}: warm")
            await self.miss(c, p1, 1, f"{name}: cached before")
            await drv.issue(cmds(p1))
            await self.miss(c, p2, 4 if removes else 1, f"{name}: after")
        await self.finish()


# ====================================================================== a walk's result and its waiting transactions
@pyuvm.test()
class WalkResultHold(WalkCacheTest):
    """See the module docstring. Walker slot k reads with ARID 2 + k (m_axi_tw); per-ARID latency steers the
    walks: slot 0's walk of P slow (so 19 more reads of P merge into it), slot 1's walk (Q1) slower still,
    then slot 0's reads fast (Q2's walk, a walk-cache hit, would end within a few cycles)."""

    N_MERGE = 20

    async def body(self) -> None:
        env = self.env
        await self.setup_wc()
        env.set_backpressure()
        env.mem_tw.set_throttles(*(Throttle() for _ in range(5)))
        env.mem_tw.latency = (0, 0)
        for m in env.mems_m:
            m.latency = (0, 0)
        c = await self.context(0x34, 5)
        t = c.tables
        base = 0x44_0000_0000
        warm, p, q2 = base + 0x1000, base + 0x2000, base + 0x3000
        q1 = base + 7 * SIZE_1G + 0x1000                  # its own tables: slot 1
        for va in (warm, p, q2, q1):
            t.map(va, self.data_pa())
        await self.miss(c, warm, 4, "warm (fills the walk caches)")
        walk = hier.block(env.dut, "walk_inst")
        n_walker = env.params.WALKERS
        seen = {"held_waiting": 0}
        stop = False

        async def watch() -> None:
            # a slot idle but held while a lookup waits for a walker (the TCU's slot_free low)
            while not stop:
                await FallingEdge(env.dut.aclk)
                idle, held = walk.s_idle.value, walk.s_held.value
                if idle.is_resolvable and held.is_resolvable and (int(idle) & int(held)) \
                        and not int(walk.slot_free.value):
                    seen["held_waiting"] += 1

        task = cocotb.start_soon(watch())
        env.mem_tw.id_latency = {2: 400, 3: 3000}
        env.client.max_outstanding = self.N_MERGE + 4
        n_id = 1 << env.params.ID_W
        first = [self.vtxn(c, p, False, prot=1, len_=0, tid=0)]
        rest = [self.vtxn(c, p + 64 * k, False, prot=1, len_=0, tid=k % n_id) for k in range(1, self.N_MERGE)]
        slow = self.vtxn(c, q1, False, prot=1, len_=0, tid=1)
        late = self.vtxn(c, q2, False, prot=1, len_=0, tid=2)
        merges0 = int(walk.cnt_merges.value)
        for it in first:
            await env.client.send(it)
        await ClockCycles(env.dut.aclk, 30)
        for it in rest:
            await env.client.send(it)
        await ClockCycles(env.dut.aclk, 150)
        await env.client.send(slow)
        await ClockCycles(env.dut.aclk, 30)
        env.mem_tw.id_latency = {3: 3000}                 # slot 0's next reads: no latency
        await env.client.send(late)
        for it in first + rest + [late, slow]:
            await it.done.wait()
        stop = True
        await task
        merged = int(walk.cnt_merges.value) - merges0
        self.log.info("reads of P merged into its walk: %d of %d; cycles a held slot kept a lookup waiting: %d",
                      merged, self.N_MERGE - 1, seen["held_waiting"])
        assert merged >= self.N_MERGE // 2, f"only {merged} reads merged into the walk of P: nothing to copy"
        if n_walker == 2:
            assert seen["held_waiting"] > 0, "no lookup ever waited for a held slot: the case was not exercised"
        await self.finish()


# ====================================================================== replacement
@pyuvm.test()
class WalkCacheReplacement(WalkCacheTest):
    """Each level's replacement (smmu_wcache: a same-tag entry is rewritten, else the first invalid
    one, else the level's round-robin victim, the pointer advanced on every replacing fill). Level
    2: WCACHE_ENTRIES + 2 new 2 MiB regions under one level-1 table, one miss each in order (level 0
    and 1 cached after the first: 2 reads each, one level-2 fill each: the array fills, then two
    replacements). Then a new page of each of the last WCACHE_ENTRIES regions: all held (1 read);
    then the first two regions: replaced (2 reads). Round robin gives consecutive replacing fills
    different entries wherever the pointer stands, so this holds for any pointer position. Mutant
    wcache-092 of stop 33 (the pointer stuck at entry 0 once there): the last region's fill evicted
    the one before it (2 reads for a region the rule keeps)."""

    async def body(self) -> None:
        await self.setup_wc()
        ne = self.env.params.WCACHE_ENTRIES
        c = await self.context(0x34, 6)
        t = c.tables
        base = 0x60_0000_0000
        n = max(ne, 1) + 2
        regions = [base + k * SIZE_2M for k in range(n)]
        for r in regions:
            t.map(r + 0x1000, self.data_pa())
            t.map(r + 0x2000, self.data_pa())
        await self.miss(c, regions[0] + 0x1000, 4, "region 0 (nothing cached)")
        for k in range(1, n):
            await self.miss(c, regions[k] + 0x1000, 2, f"region {k} (levels 0, 1 cached, its level 2 not)")
        held = range(n - ne, n) if ne else range(0)
        for k in held:
            await self.miss(c, regions[k] + 0x2000, 1, f"region {k}: one of the last {ne} level-2 fills, held")
        for k in range(n - len(held)):
            await self.miss(c, regions[k] + 0x2000, 2, f"region {k}: replaced by a later fill")
        await self.finish()
