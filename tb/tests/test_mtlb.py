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
MtlbInvalidation  every invalidation form after a page-table (or configuration) change whose old
                  translation the main TLB holds (checked first: a re-access after a micro-TLB
                  sweep reads no table), the micro-TLB swept again, then the change + the
                  invalidation + CMD_SYNC: TLBI_NH_ALL, NSNH_ALL, NH_ASID, NH_VA (of the ASID),
                  NH_VA of another ASID on global pages, NH_VAA (pages and a 2 MiB block), and
                  CFGI_STE / CFGI_ALL after repointing the STE at a CD with other tables: the new
                  translation is seen (scoreboard) and the pages were walked again.

Rerun one test: python sim/run.py --sim icarus --suite quick --tests test_mtlb.<Test> --seed <n>
"""

from __future__ import annotations

import os
from collections import Counter
from typing import List, Sequence, Tuple

import pyuvm

from tb.driver.smmu_driver import make_cdtable_ste, make_s1_cd
from tb.driver.testkit import TwTap, _read_counter
from tb.model import commands as C
from tb.model.pagetable import SIZE_1G, SIZE_2M, SIZE_4K
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
