"""Issue 12 item 4: the two-level TLB -- the main TLB (rtl/tbu/smmu_mtlb.v, in the TBU) behind the
micro-TLB.

Every client transaction is checked by the scoreboard against tb.model.outcome.predict (the
reference model knows nothing of TLBs: a main-TLB hit must give exactly the translation a walk
gives, and after TLBI/CFGI + CMD_SYNC only the new one). Walk descriptor reads are counted on
m_axi_tw (ARIDs >= 2, TwTap); the translation queues' counters are read through the hierarchy
(rd_q_inst / wr_q_inst cnt_mt_lookups: micro-TLB misses entering the table, each probed in the
main TLB; cnt_mt_hits: those the main TLB decided, 0 without a main TLB) with walk starts
(walk_inst.cnt_walks: a main-TLB hit never reaches the TCU).

MtlbCapacity      two contexts (SID 0x40, and SID 0x41 with SubstreamID 3) map the same VAs to
                  different PAs, MTLB_PAGES (256) pages in all, more than TLB_ENTRIES: each page is
                  accessed once (fills), then twice more in the same order (the micro-TLB cannot
                  hold them): with a main TLB that holds them, no walk at all and every micro-TLB
                  miss is a main-TLB hit; without one (or a small one), walk reads.
                  A false hit across the two streams is a scoreboard error.
MtlbBlocks        2 MiB and 1 GiB blocks: accessed, the micro-TLB swept with 4K pages, accessed at
                  other offsets: main-TLB hits, no walk reads (blocks are entries of their own).
MtlbBlockReplacement  2 * MTLB_BLOCKS + 2 new 2 MiB blocks filled in two batches (the second all
                  replacements): after a micro-TLB sweep the last MTLB_BLOCKS are all main-TLB hits
                  (round robin gives consecutive fills different entries), the earlier ones all walks.
MtlbInvalidation  every invalidation form after a page-table (or configuration) change whose old
                  translation the main TLB holds (checked first: a re-access after a micro-TLB
                  sweep reads no table), the micro-TLB swept again, then the change + the
                  invalidation + CMD_SYNC: TLBI_NH_ALL, NSNH_ALL, NH_ASID, NH_VA (of the ASID),
                  NH_VA of another ASID on global pages, NH_VAA (pages and a 2 MiB block), and
                  CFGI_STE / CFGI_ALL after repointing the STE at a CD with other tables: the new
                  translation is seen (scoreboard) and the pages were walked again.
MtlbPermissions   a main-TLB hit is used only if its permissions allow the access: AP read-only /
                  EL1-only, PXN / UXN fetches, CD.PAN, STE INSTCFG=instruction and PRIVCFG=unprivileged
                  (the overrides in the entry's attribute transform); each page warmed by an allowed
                  access, then refused ones after a micro-TLB hit and again after a sweep: F_PERMISSION
                  from the walk (scoreboard: response and record), never decided by the main TLB.
MtlbBlockPermissions the same for 2 MiB block entries (stop 34: the main TLB checks each block entry's
                  permission bits, PAN and PRIVCFG / INSTCFG, kept in flip-flops, while it compares):
                  read-only, CD.PAN, STE PRIVCFG=unprivileged and INSTCFG=instruction; the micro-TLB
                  swept with 4 KiB pages (the block array keeps its entries).
MtlbKeptAnswer    a read that hit the main TLB waits in the address stage (every read slot holds a miss
                  behind slow walks the TLBI does not cover) while its page is remapped + TLBI_NH_VA +
                  CMD_SYNC: its kept answer (smmu_xlt_q mh_*) must be dropped (after the SYNC only the new
                  PA may reach m_axi; the page is walked again).
MtlbNextProbe     a read that hit the main TLB waits in the address stage (read slots blocked by slow walks)
                  while the read behind it, another main-TLB-only page, is probed every cycle: the waiting
                  read keeps its own answer (mutant xlt_q-436: it took the probed one, the other PA).
MtlbRefillRace    a main-TLB hit used in the cycle before the TLBI_NH_VA of its remapped page: the copy
                  waiting in the micro-TLB refill buffer (smmu_tbu_tlb lf_*) must not be installed after the
                  TLBI (each round steers the read's lookup to one cycle before the TLBI from the distance
                  measured in the previous one; the page read again after the SYNC).
MtlbSubstreams    one StreamID, three CDs (no SSID, SSID 1, SSID 2) mapping the same VAs to different PAs:
                  the tag holds SSV and SSID; SSV=1/SSID 0 and an invalid SSID never hit a valid entry.
MtlbHeldHit       (first) the hits of a warm pass with nothing of their ID pending go to the output buffer
                  directly (smmu_xlt_q st_out; mutant xlt_q-100 of stop 26 sent every one through the table);
                  a micro-TLB hit keeps its decision while the translation queue's stage holds it (a
                  full table behind a throttled m_axi): with every page in the micro-TLB and no
                  invalidation, the phase probes no main TLB and starts no walk.
MtlbWarmReset     nothing cached before aresetn is used after it: phase 1 (Linux bring-up) fills every
                  cache, aresetn, phase 2 (no CFGI_ALL / TLBI, STE and CD written straight into memory)
                  maps the same VAs (StreamID 0, a block at VA 0: the tags' reset values) elsewhere.

The micro-TLB is evicted either with 4 KiB pages of other sets (``sweep_vas``) or with 2 MiB blocks
(``sweeper``: the main TLB's page entries stay, so the small main TLB keeps a test's pages too).

Rerun one test: python sim/run.py --sim icarus --suite quick --tests test_mtlb.<Test> --seed <n>
"""

from __future__ import annotations

import os
from collections import Counter
from typing import List, Sequence, Tuple

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge

from tb import hier
from tb.agents.throttle import Throttle
from tb.driver.smmu_driver import make_cdtable_ste, make_s1_cd
from tb.driver.testkit import HighCycles, TwTap, _read_counter, tlb_counters
from tb.model import commands as C
from tb.model import events as E
from tb.model.pagetable import AP_PRIV_RO, AP_PRIV_RW, AP_RO, AP_RW, SIZE_1G, SIZE_2M, SIZE_4K
from tb.sequences.scenarios import init_memory
from tb.tests.test_translate import Ctx, XltTest

MTLB_COUNTERS = {"mt_lookups": (("rd_q_inst", "cnt_mt_lookups"), ("wr_q_inst", "cnt_mt_lookups")),
                 "mt_hits": (("rd_q_inst", "cnt_mt_hits"), ("wr_q_inst", "cnt_mt_hits")),
                 "walks": (("walk_inst", "cnt_walks"),)}


def mtlb_counters(dut) -> dict:
    """Micro-TLB misses (each probed in the main TLB), main-TLB hits, walk starts."""
    return {k: sum(_read_counter(dut, inst, sig) for inst, sig in srcs) for k, srcs in MTLB_COUNTERS.items()}


class MtlbTest(XltTest):
    def mtlb_on(self) -> bool:
        return self.env.params.MTLB_SETS > 0

    def fits(self, vas: Sequence[int]) -> bool:
        """Do these 4 KiB entries fit the main TLB at once (no set over-subscribed)?"""
        p = self.env.params
        if p.MTLB_SETS == 0:
            return False
        per_set = Counter((va >> 12) % p.MTLB_SETS for va in vas)
        return max(per_set.values()) <= p.MTLB_WAYS

    def walk_reads(self, tap: TwTap) -> int:
        return sum(1 for a in tap.ar if a[1] >= 2)

    async def sweep(self, ctx: Ctx, vas: Sequence[int]) -> None:
        """Evict the micro-TLB: reads of pages nothing else uses."""
        await self.run_items([self.vtxn(ctx, va, False, prot=1, len_=0) for va in vas], shuffle=False)

    async def measured(self, tap: TwTap, items, what: str, shuffle: bool = False) -> Tuple[int, dict]:
        """Run ``items``; (walk descriptor reads, counter deltas) during them."""
        r0, c0 = self.walk_reads(tap), mtlb_counters(self.env.dut)
        await self.run_items(items, shuffle=shuffle)
        r1, c1 = self.walk_reads(tap), mtlb_counters(self.env.dut)
        d = {k: c1[k] - c0[k] for k in c0}
        self.log.info("%s: %d transactions, %d walk reads, walks started %d, main-TLB lookups %d hits %d",
                      what, len(items), r1 - r0, d["walks"], d["mt_lookups"], d["mt_hits"])
        return r1 - r0, d

    def sweep_vas(self, base: int) -> List[int]:
        n = 2 * self.env.params.TLB_ENTRIES + 8
        return [base + k * SIZE_4K for k in range(n)]

    async def sweeper(self, sid: int, asid: int, size: int = SIZE_2M,
                      base: int = 0x7E_0000_0000) -> Tuple[Ctx, List[int]]:
        """A context for ``sweep``: 2 * TLB_ENTRIES + 8 mappings of ``size``, each evicting a micro-TLB
        entry. 2 MiB blocks (the default) leave the main TLB's page entries alone (blocks have their own
        array), so a test's 4 KiB pages are micro-TLB misses that hit the main TLB even when the main
        TLB is small (mtlb_small); 4 KiB pages leave its block entries alone."""
        t = self.new_tables()
        c = await self.context(sid, asid, tables=t)
        vas = [base + k * size for k in range(2 * self.env.params.TLB_ENTRIES + 8)]
        for va in vas:
            t.map(va, self.data_pa(size), size)
        return c, vas

    def remap(self, t, va: int, note: str):
        """A 4 KiB page of ``t`` to a fresh PA, through the scoreboard's window; the TLBI_NH_VA
        commands that cover it."""
        old = t.lookup(va)
        sc = self.scope(t, va, SIZE_4K, old)
        self.change(t, va, lambda: t.map(va, self.data_pa(), replace_existing=True), sc, note)
        return self.tlbi_cmds("va", sc)

    BLOCK_LAT = 1500    # walk descriptor reads of read_blockers' walks (walker ARIDs 2, 3)

    def read_blockers(self, c: Ctx, q: int) -> list:
        """XLT_SLOTS reads of page ``q`` (its own level-3 table), IDs 0..2**ID_W-2, to fill every read
        slot behind walks whose descriptor reads take BLOCK_LAT cycles (``mem_tw.id_latency``; clear
        it to let them finish); the client may hold them all and a few more."""
        env = self.env
        slots, n_id = env.params.XLT_SLOTS, 1 << env.params.ID_W
        env.mem_tw.id_latency = {2: self.BLOCK_LAT, 3: self.BLOCK_LAT}
        env.client.max_outstanding = slots + 4
        return [self.vtxn(c, q + 64 * k, False, prot=1, len_=0, tid=k % (n_id - 1)) for k in range(slots)]

    def deterministic_timing(self) -> None:
        """No back-pressure anywhere, no memory latency (regress seeds random timing): a test that
        steers an event to one cycle needs the same delays every time."""
        env = self.env
        env.set_backpressure()
        env.mem_tw.set_throttles(*(Throttle() for _ in range(5)))
        env.mem_tw.latency = (0, 0)
        env.mem_tw.id_latency = {}
        for m in env.mems_m:
            m.latency = (0, 0)


# ====================================================================== (a) capacity
@pyuvm.test()
class MtlbCapacity(MtlbTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        n = int(os.environ.get("MTLB_PAGES", "256"))
        assert n > env.params.TLB_ENTRIES, "the working set must exceed the micro-TLB"
        t1, t2 = self.new_tables(), self.new_tables()
        c1 = await self.context(0x40, 1, tables=t1)
        c2 = await self.context(0x41, 2, tables=t2, ssid=3, cdmax=2)
        base = 0x10_0000_0000
        vas = [base + k * SIZE_4K for k in range(n // 2)]
        for va in vas:                          # the same VAs, different PAs in the two streams
            t1.map(va, self.data_pa())
            t2.map(va, self.data_pa())
        pairs = [(c, va) for va in vas for c in (c1, c2)]
        fit = self.fits([va for _, va in pairs])
        _, d = await self.measured(tap, [self.vtxn(c, va, False, prot=1, len_=0) for c, va in pairs],
                                   "first pass (fills)")
        for rnd in range(2):
            items = [self.vtxn(c, va, rnd == 1, prot=1, len_=0) for c, va in pairs]
            reads, d = await self.measured(tap, items, f"pass {rnd + 2}")
            assert d["mt_lookups"] > 0, "the micro-TLB held every page: the main TLB was not exercised"
            if fit:
                assert reads == 0, f"pass {rnd + 2}: {reads} walk reads although the main TLB holds every page"
                assert d["walks"] == 0, f"pass {rnd + 2}: a walk started although the main TLB holds every page {d}"
                assert d["mt_hits"] == d["mt_lookups"], f"pass {rnd + 2}: a micro-TLB miss missed the main TLB {d}"
            else:
                assert reads > 0, "no walk reads: more pages than any TLB holds were translated without a walk"
                if self.mtlb_on():
                    assert d["mt_hits"] <= d["mt_lookups"]
        await self.finish()


# ====================================================================== (b) blocks
@pyuvm.test()
class MtlbBlocks(MtlbTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        t = self.new_tables()
        c = await self.context(0x44, 7, tables=t)
        blocks = [(0x30_0000_0000 + k * 3 * SIZE_2M, SIZE_2M) for k in range(4)]
        blocks += [(0x31_0000_0000 + k * SIZE_1G * 2, SIZE_1G) for k in range(2)]
        blocks = blocks[:max(1, min(len(blocks), env.params.MTLB_BLOCKS))] if self.mtlb_on() else blocks
        for va, size in blocks:
            t.map(va, self.data_pa(size), size)
        sw = self.sweep_vas(0x32_0000_0000)
        for va in sw:
            t.map(va, self.data_pa())
        offs = [0x0, 0x1F_F000 + 0x40, 0x12_3000, 0xA_C000]
        for rnd, off in enumerate(offs):
            items = [self.vtxn(c, va + (off % size), rnd % 2 == 1, prot=1, len_=0) for va, size in blocks]
            reads, d = await self.measured(tap, items, f"blocks at offset {off:#x}")
            if rnd > 0:
                assert d["mt_lookups"] > 0, "the micro-TLB held the blocks: the sweep did not evict them"
                if self.mtlb_on():
                    assert reads == 0, f"{reads} walk reads: a block entry missed the main TLB"
                    assert d["walks"] == 0 and d["mt_hits"] == d["mt_lookups"] >= len(blocks), d
                else:
                    assert reads > 0
            await self.sweep(c, sw)
        await self.finish()


# ====================================================================== (b2) block replacement
@pyuvm.test()
class MtlbBlockReplacement(MtlbTest):
    """The block array's replacement (docs/architecture.md "Replacement": an invalid entry first,
    else the entry one round-robin pointer names, advanced on every fill that replaced an entry).
    Once the array is full, BLOCKS consecutive fills take BLOCKS different entries whatever the
    pointer's position, so the last BLOCKS blocks filled are all held. Batch A: BLOCKS + 2 new
    2 MiB blocks (fills every entry, then replaces); batch B: BLOCKS more (all replacements). After
    a micro-TLB sweep (4 KiB pages: no block fill), batch B again: every access a main-TLB hit, no
    walk. Then batch A: none held any more (the array holds exactly batch B), every one walked.
    First, from reset: BLOCKS fills in order, one more replaces the oldest (the pointer starts at
    entry 0), so the other BLOCKS - 1 blocks and the new one hit and the oldest walks."""

    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        t = self.new_tables()
        c = await self.context(0x46, 9, tables=t)
        nb = env.params.MTLB_BLOCKS if self.mtlb_on() else 8
        base = 0x33_0000_0000
        vas = [base + k * 3 * SIZE_2M for k in range(2 * nb + 2)]
        for va in vas:
            t.map(va, self.data_pa(SIZE_2M), SIZE_2M)
        batch_a, batch_b = vas[:nb + 2], vas[nb + 2:]
        sw = self.sweep_vas(0x34_0000_0000)
        for va in sw:
            t.map(va, self.data_pa())
        # From reset the pointer names entry 0: an array just filled in order (an invalid entry first,
        # the lowest first) replaces its oldest block (entry 0) first. Mutant mtlb-213 of stop 24 (the
        # pointer's reset value the last entry) replaced the newest instead.
        if self.mtlb_on():
            fresh = [0x35_0000_0000 + k * 3 * SIZE_2M for k in range(nb + 1)]
            for va in fresh:
                t.map(va, self.data_pa(SIZE_2M), SIZE_2M)
            # one at a time: two walks in flight may end (and fill) in either order
            await self.run_items([self.vtxn(c, va, False, prot=1, len_=0) for va in fresh], shuffle=False,
                                 max_outstanding=1)
            await self.sweep(c, sw)
            reads, d = await self.measured(tap, [self.vtxn(c, va + 0x2_1000, False, prot=1, len_=0)
                                                 for va in fresh[1:]], "all but the oldest block")
            assert reads == 0 and d["walks"] == 0, \
                f"{reads} walk reads, {d['walks']} walks: the first replacement after reset did not take the " \
                f"oldest block (entry 0, where the round-robin pointer starts) {d}"
            _, d = await self.measured(tap, [self.vtxn(c, fresh[0] + 0x3000, False, prot=1, len_=0)],
                                       "the oldest block")
            assert d["walks"] == 1, f"the oldest block was not replaced by the first replacement {d}"
        # one access per block (one walk, one fill each); batch A complete before batch B starts
        await self.measured(tap, [self.vtxn(c, va, False, prot=1, len_=0) for va in batch_a], "batch A (fills)")
        await self.measured(tap, [self.vtxn(c, va, True, prot=1, len_=0) for va in batch_b], "batch B (fills)")
        await self.sweep(c, sw)
        reads, d = await self.measured(tap, [self.vtxn(c, va + 0x15_3000, False, prot=1, len_=0) for va in batch_b],
                                       "batch B again: the last MTLB_BLOCKS fills")
        assert d["mt_lookups"] > 0, "the micro-TLB held the blocks: the sweep did not evict them"
        if self.mtlb_on():
            assert reads == 0 and d["walks"] == 0, \
                f"{reads} walk reads, {d['walks']} walks: one of the last {nb} blocks filled was evicted by a " \
                f"later one (round-robin replacement gives {nb} consecutive fills {nb} different entries) {d}"
            assert d["mt_hits"] == d["mt_lookups"] >= nb, d
        else:
            assert reads > 0
        await self.sweep(c, sw)
        reads, d = await self.measured(tap, [self.vtxn(c, va + 0x7_7000, False, prot=1, len_=0) for va in batch_a],
                                       "batch A again: replaced by batch B")
        assert d["mt_hits"] == 0, f"a block of batch A hit the main TLB: more than {nb} block entries? {d}"
        assert d["walks"] >= len(batch_a) and reads > 0, d
        await self.finish()


# ====================================================================== (c) invalidation
FORMS = ("nh_all", "nsnh_all", "nh_asid", "nh_va", "nh_va_global", "nh_vaa", "cfgi_ste", "cfgi_all")


@pyuvm.test()
class MtlbInvalidation(MtlbTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        t_sw = self.new_tables()
        c_sw = await self.context(0x4F, 0x4F, tables=t_sw)
        sw = self.sweep_vas(0x3F_0008_0000)                     # sets 128.. (the forms' pages: 0..63)
        for va in sw:
            t_sw.map(va, self.data_pa())
        base = 0x20_0000_0000
        for fi, form in enumerate(FORMS):
            sid, asid = 0x50 + fi, 0x10 + fi
            t = self.new_tables()
            c = await self.context(sid, asid, tables=t)
            region = base + fi * SIZE_1G
            glob = form == "nh_va_global"
            pages = [region + (8 * fi + k) * SIZE_4K for k in range(6)]
            for va in pages:
                t.map(va, self.data_pa(), ng=0 if glob else 1)
            blk = region + 8 * SIZE_2M
            t.map(blk, self.data_pa(SIZE_2M), SIZE_2M, ng=0 if glob else 1)
            vas = pages + [blk + 0x7000]
            held = self.fits(sw + pages)        # the main TLB holds the sweep and these pages at once
            await self.run_items([self.vtxn(c, va, w, prot=1, len_=0) for va in vas for w in (False, True)])
            await self.sweep(c_sw, sw)
            # the main TLB holds the old translations
            reads, d = await self.measured(tap, [self.vtxn(c, va, False, prot=1, len_=0) for va in vas],
                                           f"{form}: before the change")
            assert d["mt_lookups"] > 0, f"{form}: the sweep did not evict the micro-TLB"
            if held:
                assert reads == 0, f"{form}: the main TLB did not hold the pages ({reads} walk reads)"
            await self.sweep(c_sw, sw)
            # the change and its invalidation
            if form.startswith("cfgi"):
                t_new = self.new_tables()
                for va in pages:
                    t_new.map(va, self.data_pa())
                t_new.map(blk, self.data_pa(SIZE_2M), SIZE_2M)
                table = self.alloc_cds(1)
                env.mem.write(table, make_s1_cd(self.feat, asid + 0x40, t_new.ttb0).pack())
                env.mem.write(drv.ste_addr(sid), make_cdtable_ste(self.feat, table).pack())
                cmds = [C.cfgi_ste(sid)] if form == "cfgi_ste" else [C.cfgi_all()]
                self.log.info("%s: SID %#x repointed to a CD with other tables", form, sid)
                await drv.issue(cmds)
            else:
                for va in pages[::2] + [blk]:
                    old = t.lookup(va)
                    size = old.size
                    self.change(t, va, lambda va=va, size=size: t.map(va, self.data_pa(size), size,
                                                                      ng=0 if glob else 1,
                                                                      replace_existing=True),
                                self.scope(t, va, size, old, new_ng=0 if glob else 1), f"{form} remap {va:#x}")
                if form == "nh_all":
                    cmds = [C.tlbi_nh_all()]
                elif form == "nsnh_all":
                    cmds = [C.tlbi_nsnh_all()]
                elif form == "nh_asid":
                    cmds = [C.tlbi_nh_asid(asid)]
                elif form == "nh_va":
                    cmds = [C.tlbi_nh_va(asid, va, leaf=1) for va in pages[::2] + [blk + 0x5000]]
                elif form == "nh_va_global":       # another ASID: covers global entries only
                    cmds = [C.tlbi_nh_va(0x7FF, va, leaf=1) for va in pages[::2] + [blk + 0x5000]]
                else:
                    cmds = [C.tlbi_nh_vaa(va, leaf=1) for va in pages[::2] + [blk + 0x1F_F000]]
                await drv.issue(cmds)
                assert not env.sb.pt_windows, f"{form}: windows left open"
            # after the SYNC: only the new translations (scoreboard); they had to be walked
            reads, d = await self.measured(tap, [self.vtxn(c, va, w, prot=1, len_=0) for va in vas
                                                 for w in (False, True)], f"{form}: after the invalidation")
            assert reads > 0, f"{form}: nothing was walked after the invalidation"
            await self.sweep(c_sw, sw)
            reads, d = await self.measured(tap, [self.vtxn(c, va, False, prot=1, len_=0) for va in vas],
                                           f"{form}: again after a sweep")
            if held:
                assert reads == 0, f"{form}: the new translations were not installed in the main TLB"
        await self.finish()
        s = env.sb.stats
        self.log.info("windows opened %d closed %d", s["pt_windows"], s["pt_windows_closed"])


# ====================================================================== (d) permissions of a main-TLB hit
# (name, context key, AP, UXN, PXN, warm access, probes); an access is (write, AxPROT): PROT bit 0 =
# privileged, bit 2 = instruction. Each page's allowed probes come first (after a sweep the first one
# is a micro-TLB miss that hits the main TLB), then the refused ones (F_PERMISSION from the walk).
R, W = False, True
PERM_CASES = (
    ("read-only, writes", "plain", AP_RO, 0, 0, (R, 1), [(R, 0)], [(W, 1), (W, 0)]),
    ("EL1-only, EL0 access", "plain", AP_PRIV_RW, 0, 0, (R, 1), [(W, 1)], [(R, 0), (W, 0)]),
    ("PXN, EL1 fetch", "plain", AP_PRIV_RO, 0, 1, (R, 1), [(R, 1)], [(R, 5), (W, 1)]),
    ("UXN, EL0 fetch", "plain", AP_RO, 1, 0, (R, 0), [(R, 5)], [(R, 4)]),
    ("PAN, EL1 data", "pan", AP_RW, 0, 0, (R, 0), [(W, 0)], [(R, 1), (W, 1)]),
    # STE.INSTCFG=3: every read is an instruction fetch (a data read by the client is refused on UXN)
    ("INSTCFG=instr, EL0 read", "instcfg", AP_RO, 1, 0, (R, 1), [(R, 1)], [(R, 0)]),
    # STE.PRIVCFG=2: every access is unprivileged (an EL1 fetch by the client is refused on UXN)
    ("PRIVCFG=unpriv, EL1 fetch", "privcfg", AP_RO, 1, 0, (R, 1), [(R, 0)], [(R, 5)]),
)


# the same for 2 MiB blocks: AP (PW, UR), PAN, PRIVCFG and INSTCFG, the bits a block entry keeps for its check
BLOCK_PERM_CASES = (
    ("read-only block, writes", "plain", AP_RO, 0, 0, (R, 1), [(R, 0)], [(W, 1), (W, 0)]),
    ("PAN block, EL1 data", "pan", AP_RW, 0, 0, (R, 0), [(W, 0)], [(R, 1), (W, 1)]),
    ("PRIVCFG=unpriv block, EL1 fetch", "privcfg", AP_RO, 1, 0, (R, 1), [(R, 0)], [(R, 5)]),
    ("INSTCFG=instr block, EL0 read", "instcfg", AP_RO, 1, 0, (R, 1), [(R, 1)], [(R, 0)]),
)


class _MtlbPermTest(MtlbTest):
    """A main-TLB hit is used only if the entry's permissions allow the access (PnU/InD after the STE's
    PRIVCFG/INSTCFG, the CD's PAN); a refused one takes the walk, which records F_PERMISSION."""

    CASES = PERM_CASES
    SIZE = SIZE_4K

    async def body(self) -> None:
        env = self.env
        size = self.SIZE
        drv = await self.bring_up()
        init_memory(env)
        t = self.new_tables()
        ctxs = {"plain": await self.context(0x60, 0x30, tables=t),
                "pan": await self.context(0x61, 0x31, tables=t, PAN=1),
                "instcfg": await self.context(0x62, 0x32, tables=t),
                "privcfg": await self.context(0x63, 0x33, tables=t)}
        for key, f, v in (("instcfg", "INSTCFG", 3), ("privcfg", "PRIVCFG", 2)):
            ste = drv.read_ste(ctxs[key].sid)
            setattr(ste, f, v)
            await drv.write_ste(ctxs[key].sid, ste)
        # evicted with the other kind of mapping: the main TLB keeps the entries under test
        c_sw, sw = await self.sweeper(0x6F, 0x3F, SIZE_2M if size == SIZE_4K else SIZE_4K)
        tap = TwTap(env.tw_smp)
        base = 0x40_0000_0000
        warm, probes, n_denied = [], [], 0
        for i, (name, key, ap, uxn, pxn, wa, ok, bad) in enumerate(self.CASES):
            c, va = ctxs[key], base + i * size
            t.map(va, self.data_pa(size), size, ap=ap, uxn=uxn, pxn=pxn)
            for (w, prot), want in [(wa, True)] + [(a, True) for a in ok] + [(a, False) for a in bad]:
                o = self.predict(c, va, w, prot)
                got = o.kind == "translate" if want else (o.kind == "abort" and o.event is not None
                                                           and o.event.EventID == E.F_PERMISSION)
                assert got, f"case {name!r}: {'write' if w else 'read'} prot {prot}: the model gives " \
                            f"{o.kind} {o.event.EventID if o.event else ''}, the test wants " \
                            f"{'a translation' if want else 'F_PERMISSION'}"
            warm.append(self.vtxn(c, va, wa[0], prot=wa[1], len_=0))
            probes += [(c, va, w, p) for w, p in ok + bad]
            n_denied += len(bad)
        if size == SIZE_4K:
            held = self.fits([base + i * SIZE_4K for i in range(len(self.CASES))])
        else:
            held = self.mtlb_on() and env.params.MTLB_BLOCKS >= len(self.CASES)
        await self.run_items(warm, shuffle=False)
        # A: at once (each page a micro-TLB hit the permissions refuse, probed in the main TLB)
        _, d = await self.measured(tap, [self.vtxn(c, va, w, prot=p, len_=0) for c, va, w, p in probes],
                                   "refusals after a micro-TLB hit")
        assert d["mt_lookups"] - d["mt_hits"] >= n_denied, f"a refused access was decided by the main TLB {d}"
        # B: after a sweep (micro-TLB misses)
        await self.sweep(c_sw, sw)
        _, d = await self.measured(tap, [self.vtxn(c, va, w, prot=p, len_=0) for c, va, w, p in probes],
                                   "refusals after a sweep")
        assert d["mt_lookups"] - d["mt_hits"] >= n_denied, f"a refused access was decided by the main TLB {d}"
        assert d["walks"] > 0, "the refused accesses were not walked"
        if held:
            assert d["mt_hits"] >= len(self.CASES), f"the allowed accesses did not hit the main TLB {d}"
        elif not self.mtlb_on():
            assert d["mt_hits"] == 0, d
        await self.finish()
        self.need_types("F_PERMISSION")


@pyuvm.test()
class MtlbPermissions(_MtlbPermTest):
    pass


@pyuvm.test()
class MtlbBlockPermissions(_MtlbPermTest):
    CASES = BLOCK_PERM_CASES
    SIZE = SIZE_2M


# ====================================================================== (e) the kept answer and invalidation
@pyuvm.test()
class MtlbKeptAnswer(MtlbTest):
    """A read that hit the main TLB waits in the address stage for a free table entry (every read slot
    holds a miss behind slow walks of another 1 GiB region, which the TLBI does not cover, so CMD_SYNC
    does not wait for them); meanwhile its page is remapped + TLBI_NH_VA + CMD_SYNC. The kept answer
    (smmu_xlt_q mh_*) must be dropped: after the SYNC only the new translation may reach m_axi."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        self.deterministic_timing()
        tap = TwTap(env.tw_smp)
        t = self.new_tables()
        c = await self.context(0x68, 0x38, tables=t)
        c_sw, sw = await self.sweeper(0x69, 0x39)
        q_rd = hier.block(env.dut, "rd_q_inst")
        n_id = 1 << env.params.ID_W
        for rnd in range(2):
            p = 0x50_0000_0000 + rnd * SIZE_4K
            q = 0x58_0000_0000 + rnd * SIZE_2M              # its own level-3 table: a full walk
            t.map(p, self.data_pa())
            t.map(q, self.data_pa())
            await self.run_items([self.vtxn(c, p, False, prot=1, len_=0)])
            await self.sweep(c_sw, sw)                      # p: in the main TLB only
            blockers = self.read_blockers(c, q)
            late = self.vtxn(c, p, False, prot=1, len_=0, tid=n_id - 1)
            for it in blockers + [late]:
                await env.client.send(it)
            await ClockCycles(env.dut.aclk, 40)
            assert not late.done.is_set() and not any(b.done.is_set() for b in blockers), \
                "the blockers did not hold the read table"
            kept = int(q_rd.stage_inst.mh_v.value)
            if self.mtlb_on():
                assert kept == 1, "the waiting read holds no main-TLB answer"
            cmds = self.remap(t, p, f"remap {p:#x} while its read waits")
            n_walk = len(tap.ar)
            await drv.issue(cmds)
            assert not env.sb.pt_windows, "window left open"
            t_sync = env.sb.now()
            assert not late.done.is_set(), "the waiting read completed before the SYNC: nothing was tested"
            env.mem_tw.id_latency = {}
            await late.done.wait()
            leaf = t.descriptor_address(p, 3)
            walked = [a for a in tap.ar[n_walk:] if a[1] >= 2 and a[2] == leaf]
            self.log.info("round %d: kept answer %d, SYNC done @%d, the waiting read done @%d, its leaf walked "
                          "%d time(s) after the change", rnd, kept, t_sync, late.t_done, len(walked))
            assert walked, "the waiting read was not walked after the invalidation"
            await self.settle_events()
        await self.finish()


@pyuvm.test()
class MtlbNextProbe(MtlbTest):
    """Mutant xlt_q-436 of stop 25 (``mt_fresh`` set whenever the probe port was granted): a read that
    hit the main TLB waits in the address stage for a free table entry (every read slot blocked by slow
    walks) while the read behind it (in the queue's ``tmp`` register) is probed every cycle. The waiting
    read must keep its own answer (smmu_xlt_q mh_*), not take the probed one: A and B are both in the
    main TLB only and map to different PAs, so A decided with B's answer goes to B's PA (scoreboard).
    No invalidation: A and B finish after the blockers with their own translations, and neither is
    walked (mutant xlt_stage-103 of stop 34: the kept answer's permission check ``mh_ok`` never
    kept, so A's kept hit was refused and A walked, to the right PA)."""

    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        self.deterministic_timing()
        t = self.new_tables()
        c = await self.context(0x6A, 0x3A, tables=t)
        c_sw, sw = await self.sweeper(0x6B, 0x3B)
        q_rd = hier.block(env.dut, "rd_q_inst")
        n_id = 1 << env.params.ID_W
        tap = TwTap(env.tw_smp)
        for rnd in range(2):
            a = 0x54_0000_0000 + rnd * 2 * SIZE_4K
            b = a + SIZE_4K
            q = 0x5C_0000_0000 + rnd * SIZE_2M              # its own level-3 table: a full walk
            for va in (a, b, q):
                t.map(va, self.data_pa())
            await self.run_items([self.vtxn(c, va, False, prot=1, len_=0) for va in (a, b)], shuffle=False)
            await self.sweep(c_sw, sw)                      # a, b: in the main TLB only
            blockers = self.read_blockers(c, q)
            n_ar = len(tap.ar)
            first = self.vtxn(c, a, False, prot=1, len_=0, tid=n_id - 1)
            second = self.vtxn(c, b, False, prot=1, len_=0, tid=n_id - 1)
            for it in blockers + [first, second]:
                await env.client.send(it)
            await ClockCycles(env.dut.aclk, 40)
            assert not first.done.is_set() and not any(x.done.is_set() for x in blockers), \
                "the blockers did not hold the read table"
            kept, behind = int(q_rd.stage_inst.mh_v.value), int(q_rd.stage_inst.tmp_v.value)
            assert behind == 1, "the second read is not held behind the waiting one: nothing was tested"
            if self.mtlb_on():
                assert kept == 1, "the waiting read holds no main-TLB answer"
            env.mem_tw.id_latency = {}
            await first.done.wait()
            await second.done.wait()
            leaves = {t.descriptor_address(va, 3): name for va, name in ((a, "A (the kept answer)"), (b, "B"))}
            walked = [leaves[x[2]] for x in tap.ar[n_ar:] if x[1] >= 2 and x[2] in leaves]
            self.log.info("round %d: kept answer %d, second read held behind it; done @%d and @%d; walked: %s",
                          rnd, kept, first.t_done, second.t_done, walked or "none")
            if self.mtlb_on():
                assert not walked, f"round {rnd}: {walked} walked: a main-TLB answer was not used"
            await self.settle_events()
        await self.finish()


# ====================================================================== (f) the refill buffer and invalidation
class _RaceTap:
    """Per cycle (sampled mid-cycle): the read queue's main-TLB lookups and uses (its address stage's
    st_mt, mt_use), the TBU's invalidations (tlbi_valid) and whether the micro-TLB refill buffer was
    full then (lf_v)."""

    def __init__(self, dut) -> None:
        self.clk = dut.aclk
        self.q, self.tl = hier.block(dut, "rd_q_inst").stage_inst, hier.block(dut, "tlbs_inst")
        self.cycle = 0
        self.st_mt: List[int] = []
        self.use: List[int] = []
        self.inv: List[Tuple[int, int]] = []      # (cycle, lf_v)
        cocotb.start_soon(self.run())

    async def run(self) -> None:
        while True:
            await FallingEdge(self.clk)
            self.cycle += 1
            if int(self.q.st_mt.value):
                self.st_mt.append(self.cycle)
            if int(self.q.mt_use.value):
                self.use.append(self.cycle)
            if int(self.tl.tlbi_valid.value):
                self.inv.append((self.cycle, int(self.tl.lf_v.value)))


@pyuvm.test()
class MtlbRefillRace(MtlbTest):
    """A main-TLB hit is used in the cycle before a TLBI_NH_VA of its (remapped) page executes: its copy
    waiting in the micro-TLB refill buffer (smmu_tbu_tlb lf_*) must be dropped, not installed after
    the invalidation. Each round sends the read so that its lookup is one cycle before the TLBI (the
    send time is corrected from the previous round's measured distance), then, after the SYNC, reads
    the page again: a stale micro-TLB entry would give the old PA (scoreboard)."""

    ROUNDS = 14

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        self.deterministic_timing()
        t = self.new_tables()
        c = await self.context(0x70, 0x40, tables=t)
        c_sw, sw = await self.sweeper(0x71, 0x41)
        pages = [0x60_0000_0000 + k * SIZE_4K for k in range(self.ROUNDS)]
        for va in pages:
            t.map(va, self.data_pa())
        held = self.fits(pages)
        await self.run_items([self.vtxn(c, va, False, prot=1, len_=0) for va in pages], shuffle=False)
        await self.sweep(c_sw, sw)                          # the pages: in the main TLB only
        tap = _RaceTap(env.dut)
        lead, races, dists = 0, 0, []
        for rnd, va in enumerate(pages):
            cmds = self.remap(t, va, f"remap {va:#x}")
            rd = self.vtxn(c, va, False, prot=1, len_=0, tid=rnd % 4)
            c0 = tap.cycle
            if lead >= 0:                                   # the commands first, the read `lead` cycles later
                task = cocotb.start_soon(drv.issue(cmds))
                if lead:
                    await ClockCycles(env.dut.aclk, lead)
                await env.client.send(rd)
            else:
                await env.client.send(rd)
                await ClockCycles(env.dut.aclk, -lead)
                task = cocotb.start_soon(drv.issue(cmds))
            await task
            assert not env.sb.pt_windows, "window left open"
            await rd.done.wait()
            t_inv = [(cy, lf) for cy, lf in tap.inv if cy > c0]
            t_mt = [cy for cy in tap.st_mt if cy > c0]
            assert t_inv and t_mt, f"round {rnd}: no invalidation ({t_inv}) or no main-TLB lookup ({t_mt}) seen"
            used = [cy for cy in tap.use if cy > c0]
            dist = t_inv[0][0] - t_mt[0]
            race = bool(used) and used[0] == t_mt[0] and dist == 1 and t_inv[0][1] == 1
            races += race
            dists.append(dist)
            self.log.info("round %d: read sent %+d cycles after the commands, lookup @%d (%s), TLBI @%d (refill "
                          "buffer %s)%s", rnd, lead, t_mt[0], "hit used" if used and used[0] == t_mt[0] else "no hit",
                          t_inv[0][0], "full" if t_inv[0][1] else "empty", ": the race" if race else "")
            # after the SYNC: the page again (a refill installed after the TLBI would give the old PA)
            await self.run_items([self.vtxn(c, va, False, prot=1, len_=0, tid=rnd % 4)])
            lead += dist - 1
            if races >= 3:
                break
        self.log.info("lookup-to-TLBI distances %s, %d race(s)", dists, races)
        if self.mtlb_on() and held:
            assert races >= 1, f"never a main-TLB hit used in the cycle before the TLBI (distances {dists})"
        await self.finish()


# ====================================================================== (g) substreams of one StreamID
@pyuvm.test()
class MtlbSubstreams(MtlbTest):
    """One StreamID, three CDs (no SubstreamID, SSID 1, SSID 2) mapping the same VAs to different PAs
    (48 pages, more than the micro-TLB): the main-TLB tag must hold SSV and SSID, not only the
    StreamID. Then SSV=1 with SSID 0 (illegal with S1DSS=0b10) and SSID 3 (an invalid CD) on the same
    pages: configuration faults (F_STREAM_DISABLED, C_BAD_CD), never a main-TLB hit of a valid substream."""

    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        sid = 0x48
        ctxs = [await self.context(sid, 0x20, cdmax=2)]
        ctxs += [await self.context(sid, 0x21 + k, ssid=1 + k) for k in range(2)]
        vas = [0x12_0000_0000 + k * SIZE_4K for k in range(16)]
        for c in ctxs:
            for va in vas:
                c.tables.map(va, self.data_pa())
        pairs = [(c, va) for va in vas for c in ctxs]
        held = self.fits([va for _, va in pairs])
        await self.measured(tap, [self.vtxn(c, va, False, prot=1, len_=0) for c, va in pairs], "first pass (fills)")
        for rnd in range(2):
            reads, d = await self.measured(tap, [self.vtxn(c, va, rnd == 1, prot=1, len_=0) for c, va in pairs],
                                           f"pass {rnd + 2}")
            assert d["mt_lookups"] > 0, "the micro-TLB held every page: the main TLB was not exercised"
            if held:
                assert reads == 0 and d["mt_hits"] == d["mt_lookups"], f"pass {rnd + 2}: {reads} walk reads {d}"
        bad = [Ctx(sid, 0x20, ctxs[0].tables, ctxs[0].cd, ssid=0, ssv=1),
               Ctx(sid, 0x20, ctxs[0].tables, ctxs[0].cd, ssid=3, ssv=1)]
        kinds = set()
        for c in bad:
            o = self.predict(c, vas[0])
            assert o.kind == "abort" and o.event is not None, f"ssv {c.ssv} ssid {c.ssid}: the model gives {o.kind}"
            kinds.add(E.EVENT_NAMES[o.event.EventID])
        _, d = await self.measured(tap, [self.vtxn(c, va, w, prot=1, len_=0) for va in vas[:4] for c in bad
                                         for w in (False, True)], "invalid substreams")
        assert d["mt_hits"] == 0, f"an invalid substream hit the main TLB {d}"
        await self.finish()
        self.need_types(*sorted(kinds))


@pyuvm.test()
class MtlbHeldHit(MtlbTest):
    """Mutant xlt_q-455 of stop 22 (the stage's held transaction lost its micro-TLB decision without
    an invalidation): a micro-TLB hit is decided in the s_axi handshake and keeps that decision
    while the queue's two-entry stage holds it (the table full behind a throttled m_axi AR/AW);
    only an invalidation sends it the slow way. With every page of the phase in the micro-TLB and
    no invalidation, every lookup hits, no transaction enters the table undecided (main-TLB
    probes, cnt_mt_lookups) and no walk starts; the stage must have held transactions."""

    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        ctx = await self.context(0x52, 9)
        n = max(2, min(8, env.params.TLB_ENTRIES // 2))
        vas = [0x4000_0000 + k * SIZE_4K for k in range(n)]
        for va in vas:
            ctx.tables.map(va, self.data_pa())
        qs = [hier.block(env.dut, "rd_q_inst"), hier.block(env.dut, "wr_q_inst")]
        await self.run_items([self.vtxn(ctx, va, w, prot=1, len_=0) for va in vas for w in (False, True)],
                             shuffle=False)                                  # fills
        # the hits: the stage transaction (a micro-TLB hit, nothing of its ID pending) enters the output
        # buffer directly (smmu_xlt_q st_out), not through the table (mutant xlt_q-100 of stop 26)
        st_out = HighCycles(env.dut.aclk, [q.st_out for q in qs], FallingEdge)
        await self.run_items([self.vtxn(ctx, va, w, prot=1, len_=0) for va in vas for w in (False, True)],
                             shuffle=False)
        direct = await st_out.stop()
        self.log.info("hit pass: %d of %d transactions entered the output buffer directly", direct, 2 * n)
        assert direct > 0, "no micro-TLB hit took the direct path (stage -> output buffer): every one went " \
                           "through the pending table"
        tmp_v = HighCycles(env.dut.aclk, [q.stage_inst.tmp_v for q in qs], RisingEdge)
        env.set_backpressure(mem={"ar": Throttle("random", 0.05), "aw": Throttle("random", 0.05)})
        c0, t0 = mtlb_counters(env.dut), tlb_counters(env.dut)
        items = [self.vtxn(ctx, vas[k % n] + 0x40 * (k % 32), k % 2 == 1, prot=1, len_=0) for k in range(96)]
        await self.run_items(items, shuffle=False, max_outstanding=64)
        held = await tmp_v.stop()
        env.set_backpressure()
        c1, t1 = mtlb_counters(env.dut), tlb_counters(env.dut)
        d = {k: c1[k] - c0[k] for k in c0}
        t = {k: t1[k] - t0[k] for k in t0}
        self.log.info("held-hit phase: %d transactions, stage-held cycles %d, lookups %d hits %d, "
                      "main-TLB lookups %d, walks %d", len(items), held, t["lookups"], t["hits"],
                      d["mt_lookups"], d["walks"])
        assert held > 0, "the stage never held a transaction: the case was not exercised"
        assert t["lookups"] == t["hits"] == len(items), f"not every transaction hit the micro-TLB: {t}"
        assert d["mt_lookups"] == 0 and d["walks"] == 0, \
            f"a micro-TLB hit held in the stage went the slow way without an invalidation: {d}"
        await self.finish()


# ====================================================================== warm reset, no invalidation
@pyuvm.test()
class MtlbWarmReset(MtlbTest):
    """Nothing cached before a reset is used after it (docs/architecture.md "Reset": aresetn clears
    every valid bit; the RAM payloads keep their contents). Phase 1, the Linux bring-up: one
    context's 4 KiB pages and ``MTLB_BLOCKS`` 2 MiB blocks (every block entry filled, so none holds
    an undefined payload) read and written, so the micro-TLB, the main TLB (pages and blocks), the
    walk caches and the configuration cache hold them. aresetn. Phase 2, a firmware-style bring-up
    without CFGI_ALL / TLBI_NSNH_ALL (``device_reset(invalidate=False)``), the same StreamID and
    ASID, its STE and a new CD written straight into memory (no command at all) over new tables
    that map the same VAs to other PAs: every access must get the new PA (scoreboard) and be walked
    (no walk-cache entry of phase 1 left). StreamID 0 and a block at VA 0, because the tags reset
    to zeros: mutant mtlb-220 of stop 32 (the block array's valid bits reset to ones) makes every
    block entry match SID 0, VA [0, 2 MiB) after the reset and sends a phase-1 payload's PA."""

    async def body(self) -> None:
        env = self.env
        p = env.params
        await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        # StreamID 0 and a block at VA 0: the tags' reset values (a block entry valid after reset
        # would match exactly these: SID 0, no SSID, VA [0, 2 MiB), global)
        sid, asid = 0, 13
        nb = p.MTLB_BLOCKS if self.mtlb_on() else 4
        pages = [0x35_0000_0000 + k * 5 * SIZE_4K for k in range(max(4, min(16, p.TLB_ENTRIES)))]
        blocks = [0] + [0x36_0000_0000 + k * 3 * SIZE_2M for k in range(nb - 1)]

        def mapped(t):
            for va in pages:
                t.map(va, self.data_pa())
            for va in blocks:
                t.map(va, self.data_pa(SIZE_2M), SIZE_2M)

        def items(ctx, off: int):
            vas = [va + off for va in pages] + [va + (off * 37) % SIZE_2M for va in blocks]
            return [self.vtxn(ctx, va, w, prot=1, len_=0) for va in vas for w in (False, True)]

        t1 = self.new_tables()
        mapped(t1)
        c1 = await self.context(sid, asid, tables=t1)
        await self.measured(tap, items(c1, 0x40), "phase 1 (Linux bring-up): fills")
        cached, _ = await self.measured(tap, items(c1, 0x80), "phase 1: again, cached")
        assert cached == 0, f"{cached} walk reads on the second pass: phase 1 did not leave its " \
                            f"translations cached, the reset would test nothing"
        await env.reset(5)
        await self.drv.device_reset(invalidate=False)
        t2 = self.new_tables()
        mapped(t2)
        cd = make_s1_cd(self.feat, asid, t2.ttb0, ias_bits=64 - t2.t0sz)
        table = self.alloc_cds(1)
        env.mem.write(table, cd.pack())
        env.mem.write(self.drv.ste_addr(sid), make_cdtable_ste(self.feat, table, s1cdmax=0, s1dss=0b10).pack())
        c2 = Ctx(sid, asid, t2, cd, 0, 0, table)
        reads2, d2 = await self.measured(tap, items(c2, 0xC0), "phase 2 (after aresetn, no invalidation)")
        # 4 levels for the first page, at least one descriptor read for every other translation
        # (pages share their upper levels: the walk caches filled in phase 2 may serve those)
        assert reads2 >= 4 + len(pages) + nb - 1, \
            f"{reads2} walk reads for {len(pages)} pages and {nb} blocks after the reset: a cached translation " \
            f"or table descriptor of before the reset was used"
        assert d2["mt_hits"] <= d2["mt_lookups"] - len(pages) - nb, \
            f"main-TLB hits after the reset before any fill could have made them: {d2}"
        await self.finish()
