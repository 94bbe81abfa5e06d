"""Issue 4: stage-1 translation -- walker faults, permissions, geometry, TLB and invalidation.

Bring-up is the Linux driver model (tb/driver/smmu_driver.py); every stage-1 domain is
an io-pgtable built with tb/model/pagetable.py (Stage1Tables) in the memory image the
SMMU walks, attached with ``attach_s1`` (CD first, then the CD-table STE). Every client
transaction is checked by the scoreboard against tb.model.outcome.predict (translation by
tb/model/translate.py: the m_axi address is the predicted PA, data and responses end to
end, RAZ/WI and aborts answered locally, nothing of a fault on m_axi), and every event
record on m_axi_tw field by field by the EventChecker. Page-table changes under traffic go
through the scoreboard's translation-table windows (old or new translation until the
covering TLBI has been followed by a completed CMD_SYNC; the driver's ``sync_hooks`` close
them), so a stale TLB entry used after the SYNC is a scoreboard error.

Each directed test also asserts, from the model, that its cases are what their names say
(fault type and level), so a case cannot silently turn into a translation. Tests use
CD.S=0 (stalls are issue 5).

TranslateFaults        F_TRANSLATION (invalid at L0..L3 with junk bits, reserved L3, L0 block,
                       VA beyond T0SZ, TBI0=0 tag, VA[55] with EPD1, EPD0), F_ADDR_SIZE (next
                       table at L0/L1/L2, output of L1/L2 blocks and L3 pages; IPS < OAS),
                       F_ACCESS (AF=0 at L1/L2/L3; AFFD=1 on the same tables translates),
                       F_WALK_EABT at L0..L3 (SLVERR and DECERR, FetchAddr), reads/writes,
                       PnU/InD varied; per (event, level) coverage asserted
TranslatePermissions   AP x UXN x PXN pages x {WXN, PAN} CDs x PnU x InD x RnW (NS toggled), and
                       APTable / UXNTable / PXNTable at L1 and L2 over AP pages and an L2 block
TranslateGeometry      T0SZ 16..39 across start levels 0/1/2, L1 and L2 blocks, pages at the
                       edges of the input range, bursts of every length inside a page, TBI0
TranslateBlockHits     after one walk of a 2 MiB and a 1 GiB block, 8 pages of each (reads and
                       writes) hit the micro-TLB: no walk, lookups == hits
TranslateAsidGlobal    ASID switch of a CD (hitless CD update), global pages shared by both
                       contexts, TLBI_NH_ASID keeps global entries legal, two StreamIDs of one
                       domain invalidated by one TLBI
TranslateTlbi          every TLBI form (NH_VA Leaf=1/0, NH_VAA, NH_ASID, NH_ALL, NSNH_ALL), each
                       after PTE changes (remap, permission, unmap, AF, a new page in a hole;
                       a TLBI covering none of them first keeps the windows open); quiescent and
                       under traffic; and a TLBI (NH_ASID, NH_ALL, Linux's walk flush) while a
                       slow walk that has already read the old level-2 descriptor is in flight:
                       its result must not be installed
TranslateTerminate     CD.A=1/0 x CD.R=1/0: abort vs RAZ/WI, recorded vs suppressed; F_WALK_EABT
                       always aborts and records
TranslateHitUnderMiss  reads on other IDs complete while a slow walk is outstanding; two
                       misses to one page share one walk; two walks in flight at once
TranslateRandom        random contexts and page tables (working set > TLB_ENTRIES), random
                       bursts/permissions/faults, bus errors injected into walks, PTE changes +
                       random TLBI forms under traffic, IRQ-driven event thread
TranslateNegStale      the scoreboard catches a stale translation when told the window closed
TranslateSameIdFaults  back-to-back faults on one AXI ID mixed with translations; a faulted
                       transaction waiting behind a slow same-ID one while a CFGI/TLBI arrives;
                       an invalidation submitted at every delay 0..63 cycles after a faulting
                       (C_BAD_CD) transaction: one response and exactly one record each

Rerun one test: python sim/run.py --sim icarus --suite quick --tests test_translate.<Test> --seed <n>
(the seed and this command are printed by every test).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge

from tb.agents.axi_mem_responder import ErrorRange
from tb.agents.axi_signals import OKAY, SLVERR
from tb.agents.axi_txn import AxiTxn, TxnConstraints
from tb.agents.throttle import Throttle
from tb.driver.irq import IrqHandlers
from tb.driver.smmu_driver import make_s1_cd
from tb.driver.testkit import (TwTap, counters_delta, format_counters, tlb_counters, wait_until,
                               walk_reads_outstanding_max)
from tb.env.scoreboard import TlbScope
from tb.model import commands as C
from tb.model import events as E
from tb.model.outcome import predict
from tb.model.pagetable import (AP_RO, AP_RW, SIZE_1G, SIZE_2M, SIZE_4K, Mapping, Stage1Tables, TablePool,
                                leaf_descriptor, random_layout, start_level, table_descriptor)
from tb.model.structs import IPS_ENCODING, Cd, ste_s1
from tb.model.translate import Translation, translate
from tb.sequences.scenarios import init_memory
from tb.sequences.traffic import ListSeq
from tb.tests.test_config import ConfigTest

PT_POOLS = 0x4800_0000          # page-table pools, POOL_SIZE each (below every data PA)
POOL_SIZE = 1 << 22
DATA_PA = 1 << 32               # data pages live at and above 4 GiB
PROTS_R = (0, 1, 4, 5)          # AxPROT: PnU (bit 0) x InD (bit 2)
PROTS_W = (0, 1)
EVENT_LEVELS = "event_levels"


@dataclass
class Ctx:
    """One stage-1 context: a StreamID (+ SubstreamID) -> CD (ASID, TTB0) -> tables."""

    sid: int
    asid: int
    tables: Stage1Tables
    cd: Cd
    ssid: int = 0
    ssv: int = 0
    cd_addr: int = 0

    def __str__(self) -> str:
        s = f"sid {self.sid:#x}" + (f"/ssid {self.ssid}" if self.ssv else "")
        return f"{s} asid {self.asid} T0SZ {self.cd.T0SZ}"


class XltTest(ConfigTest):
    """Bring-up, stage-1 contexts on Stage1Tables, model-checked directed traffic."""

    timeout_us = 100000.0

    async def bring_up(self, **cfg):
        drv = await super().bring_up(**cfg)
        drv.sync_hooks.append(self.env.sb.on_sync)
        self._pool_next = PT_POOLS
        self.cd_tables: Dict[int, Tuple[int, int]] = {}
        self.ctxs: List[Ctx] = []
        self.cov = Counter()
        self.counters0 = tlb_counters(self.env.dut)
        self.g = self.seeds.np("xlt")
        return drv

    # ------------------------------------------------------------ contexts
    def pool(self) -> TablePool:
        base = self._pool_next
        self._pool_next += POOL_SIZE
        return TablePool(base, POOL_SIZE)

    def new_tables(self, t0sz: int = 16) -> Stage1Tables:
        return self.drv.new_pgtable(self.pool(), t0sz)

    async def context(self, sid: int, asid: int, *, tables: Optional[Stage1Tables] = None, t0sz: int = 16,
                      ssid: Optional[int] = None, cdmax: int = 0, stall: bool = False,
                      device_can_stall: bool = False, **cd_kw) -> Ctx:
        """A Linux stage-1 domain: CD (make_s1_cd + ``cd_kw`` overrides) at index ``ssid`` of the
        StreamID's CD table (2**cdmax entries), then the CD-table STE (attach_s1). ``stall``: CD.S;
        ``device_can_stall``: the STE's S1STALLD=0 (Linux: the master can stall)."""
        tables = tables or self.new_tables(t0sz)
        cd = make_s1_cd(self.feat, asid, tables.ttb0, stall_enabled=stall, ias_bits=64 - tables.t0sz)
        for k, v in cd_kw.items():
            setattr(cd, k, v)
        if sid not in self.cd_tables:
            self.cd_tables[sid] = (self.alloc_cds(1 << cdmax), cdmax)
        table, cdmax = self.cd_tables[sid]
        idx = 0 if ssid is None else ssid
        await self.drv.attach_s1(sid, table, cd, ssid=idx, s1cdmax=cdmax,
                                 stall_enabled=True if device_can_stall else None)
        ctx = Ctx(sid, asid, tables, cd, idx, int(ssid is not None), table + 64 * idx)
        self.ctxs.append(ctx)
        return ctx

    def data_pa(self, size: int = SIZE_4K) -> int:
        """A fresh data PA (never shared by two mappings)."""
        if not hasattr(self, "_pa_next"):
            self._pa_next = DATA_PA
        pa = (self._pa_next + size - 1) & ~(size - 1)
        self._pa_next = pa + size
        return pa

    # ------------------------------------------------------------ model
    def model_tr(self, ctx: Ctx, va: int, write: bool = False, prot: int = 1) -> Translation:
        return translate(self.env.mem, Cd.unpack(self.env.mem.read(ctx.cd_addr, 64)), va=va, rnw=not write,
                         pnu=prot & 1, ind=(prot >> 2) & 1, oas_bits=self.env.params.OAS_BITS,
                         error_ranges=self.env.tw_read_error_ranges())

    def predict(self, ctx: Ctx, va: int, write: bool = False, prot: int = 1):
        env = self.env
        return predict(env.sb.model, env.params, addr=va, is_read=not write, sid=ctx.sid, ssid=ctx.ssid,
                       ssidv=bool(ctx.ssv), prot=prot, mem=env.mem, error_ranges=env.tw_read_error_ranges())

    def expect(self, name: str, ctx: Ctx, va: int, want: Optional[int], level: Optional[int] = -1,
               write: bool = False, prot: int = 1) -> None:
        """The model must classify (ctx, va) as ``want`` (an EventID, or None = translates) at
        ``level`` (-1: any; None: an input fault)."""
        r = self.model_tr(ctx, va, write, prot)
        got = None if r.ok else r.fault.event_id
        assert got == want, f"case {name!r}: model gives {E.EVENT_NAMES.get(got, got)} " \
                            f"({r.fault.reason if r.fault else 'translates'}), the test wants " \
                            f"{E.EVENT_NAMES.get(want, want)}"
        if want is not None and level != -1:
            assert r.fault.level == level, f"case {name!r}: fault at level {r.fault.level}, wanted {level}"
        self.cov[(E.EVENT_NAMES.get(want, "OK") if want else "OK", r.fault.level if r.fault else r.level)] += 1

    # ------------------------------------------------------------ traffic
    def vtxn(self, ctx: Ctx, va: int, write: bool, prot: Optional[int] = None, len_: Optional[int] = None,
             tid: Optional[int] = None) -> AxiTxn:
        return self.txn(ctx.sid, va, write, ssid=ctx.ssid, ssv=ctx.ssv, prot=prot, len_=len_, tid=tid)

    def case_txns(self, ctx: Ctx, va: int, reps: int = 1) -> List[AxiTxn]:
        """Reads with every PnU/InD and writes with every PnU (lengths random, inside the page)."""
        out = []
        for _ in range(reps):
            out += [self.vtxn(ctx, va, False, p) for p in PROTS_R]
            out += [self.vtxn(ctx, va, True, p) for p in PROTS_W]
        return out

    async def run_items(self, items: List[AxiTxn], shuffle: bool = True, max_outstanding: int = 16) -> None:
        if shuffle:
            self.rng.shuffle(items)
        await self.send(items, max_outstanding)
        await self.settle_events()

    def log_counters(self, what: str = "") -> dict:
        c = counters_delta(self.counters0, tlb_counters(self.env.dut))
        self.log.info("%s%s", f"{what}: " if what else "", format_counters(c))
        return c

    # ------------------------------------------------------------ page-table changes
    def regions(self, tables: Stage1Tables) -> List[Tuple[int, int]]:
        return [(a, n) for _, a, n in tables.tables]

    def scope(self, tables: Stage1Tables, va: int, size: int, old: Optional[Mapping] = None,
              new_ng: Optional[int] = 1) -> TlbScope:
        """Scope of a leaf change: every ASID whose context walks ``tables``; global / non-global
        from the nG of the old leaf and of the new one (``new_ng`` None: no valid new leaf)."""
        asids = {c.asid for c in self.ctxs if c.tables is tables}
        ngs = ([old.ng] if old is not None else []) + ([new_ng] if new_ng is not None else [])
        return TlbScope(asids, va, size, leaf=True, global_=0 in ngs, nonglobal=1 in ngs)

    def change(self, tables: Stage1Tables, va: int, fn, scope: TlbScope, note: str = ""):
        """Run ``fn`` (a Stage1Tables edit) through the scoreboard's window."""
        return self.env.sb.pt_update(self.regions(tables), fn, scope, note)

    def tlbi_cmds(self, form: str, scope: TlbScope) -> List[bytes]:
        """The commands of TLBI ``form`` that cover ``scope`` (before the SYNC)."""
        # a VA TLBI of any ASID removes a global entry; non-global entries need their own ASID
        if form == "va":
            return [C.tlbi_nh_va(a, scope.va, leaf=1) for a in sorted(scope.asids) or [0]]
        if form == "va_noleaf":
            return [C.tlbi_nh_va(a, scope.va + scope.size - 0x1000, leaf=0) for a in sorted(scope.asids) or [0]]
        if form == "vaa":
            return [C.tlbi_nh_vaa(scope.va + (scope.size // 2 & ~0xFFF), leaf=1)]
        if form == "asid":
            assert not scope.global_, "TLBI_NH_ASID does not cover global entries"
            return [C.tlbi_nh_asid(a) for a in sorted(scope.asids)]
        if form == "all":
            return [C.tlbi_nh_all()]
        if form == "nsnh":
            return [C.tlbi_nsnh_all()]
        raise ValueError(form)

    async def set_walk_errors(self, ranges: Sequence[Tuple[int, int, int]]) -> None:
        """Walk external aborts: (descriptor address, resp) -> ErrorRange covering its 64-byte block up
        to the descriptor (the responder fails a read starting in [lo, hi), the model one overlapping
        [lo, hi) -- identical for aligned 8-byte reads when lo is 64-aligned)."""
        self.env.mem_tw.errors = [ErrorRange(a & ~63, a + 8, resp, "r") for a, resp, _ in ranges]

    def need_cov(self, keys) -> None:
        missing = [k for k in keys if not self.cov[k]]
        assert not missing, f"cases never produced: {missing} (have {dict(self.cov)})"


# ====================================================================== faults per type and level
@pyuvm.test()
class TranslateFaults(XltTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        g = self.g
        junk = lambda: int(g.integers(0, 1 << 63)) << 1            # noqa: E731 -- invalid: bit 0 clear
        a = await self.context(0x20, 1)                              # T0SZ 16: walk from L0
        t = a.tables
        cases: List[Tuple[str, Ctx, int, Optional[int], Optional[int]]] = []
        L0 = lambda i: i << 39                                       # noqa: E731
        # F_TRANSLATION: invalid descriptor at each level (junk in the other bits), reserved L3, L0 block
        cases.append(("invalid L0", a, L0(255) | 0x1234_5000, E.F_TRANSLATION, 0))
        t.put_invalid(L0(254), 0, junk())
        cases.append(("invalid L0 junk", a, L0(254) | 0x7000, E.F_TRANSLATION, 0))
        for lvl in (1, 2, 3):
            va = L0(lvl) | (5 << 30) | (7 << 21) | (9 << 12)
            t.put_invalid(va, lvl, junk())
            cases.append((f"invalid L{lvl}", a, va, E.F_TRANSLATION, lvl))
        t.put_reserved_l3(L0(4) | 0x3000, self.data_pa())
        cases.append(("reserved L3 0b01", a, L0(4) | 0x3000, E.F_TRANSLATION, 3))
        t.put_l0_block(L0(6))
        cases.append(("L0 block", a, L0(6) | 0x12_3456_7000, E.F_TRANSLATION, 0))
        # successes next to them: L1 block, L2 block, page
        t.map(L0(7) | SIZE_1G, self.data_pa(SIZE_1G), SIZE_1G)
        t.map(L0(7) | 5 * SIZE_2M, self.data_pa(SIZE_2M), SIZE_2M)
        t.map(L0(7) | 0x9000, self.data_pa())
        cases += [("L1 block", a, L0(7) | SIZE_1G | 0x3ABC_D000, None, None),
                  ("L2 block", a, L0(7) | 5 * SIZE_2M | 0x1F_F000, None, None),
                  ("page", a, L0(7) | 0x9000, None, None)]
        # F_ACCESS: AF=0 leaves at L1/L2/L3; the same tables through an AFFD=1 CD translate
        t.map(L0(8) | SIZE_1G, self.data_pa(SIZE_1G), SIZE_1G, af=0)
        t.map(L0(8) | 3 * SIZE_2M, self.data_pa(SIZE_2M), SIZE_2M, af=0)
        t.map(L0(8) | 0x5000, self.data_pa(), af=0)
        affd = await self.context(0x21, 2, tables=t, AFFD=1)
        for lvl, va in ((1, L0(8) | SIZE_1G | 0x1000), (2, L0(8) | 3 * SIZE_2M | 0x2000), (3, L0(8) | 0x5000)):
            cases.append((f"AF=0 L{lvl}", a, va, E.F_ACCESS, lvl))
            cases.append((f"AF=0 L{lvl} AFFD=1", affd, va, None, None))
        # input range: VA[55]=1 with EPD1=1, tag with TBI0=0
        cases.append(("VA[55]=1 EPD1=1", a, (1 << 55) | 0x9000, E.F_TRANSLATION, None))
        cases.append(("top byte, TBI0=0", a, (0x5A << 56) | L0(7) | 0x9000, E.F_TRANSLATION, None))
        cases.append(("VA[48] set, T0SZ=16", a, (1 << 48) | L0(7) | 0x9000, E.F_TRANSLATION, None))
        # T0SZ=25 (start L1) with TBI0=1 and TBI0=0 on the same tables
        r = self.new_tables(25)
        r.map(0x40_0000, self.data_pa(SIZE_2M), SIZE_2M)
        tb1 = await self.context(0x22, 3, tables=r, TBI0=1)
        tb0 = await self.context(0x23, 4, tables=r)
        tag = 0xA5 << 56
        cases += [("TBI0=1 tag ignored", tb1, tag | 0x40_1000, None, None),
                  ("TBI0=0 tag faults", tb0, tag | 0x40_1000, E.F_TRANSLATION, None),
                  ("VA[39] set, T0SZ=25", tb0, (1 << 39) | 0x40_1000, E.F_TRANSLATION, None),
                  ("VA[55:39] set, TBI0=1", tb1, tag | (1 << 50) | 0x40_1000, E.F_TRANSLATION, None),
                  ("T0SZ=25 L2 block", tb0, 0x40_1000, None, None)]
        # EPD0=1: no walk
        epd = await self.context(0x24, 5, tables=r, EPD0=1)
        cases.append(("EPD0=1", epd, 0x40_1000, E.F_TRANSLATION, None))
        # F_ADDR_SIZE: IPS 40 (< OAS 48): next-table addresses at L0/L1/L2 and output addresses at L1/L2/L3
        ips_bits = min(40, env.params.OAS_BITS)
        big = 1 << ips_bits
        s = self.new_tables(16)
        small = await self.context(0x25, 6, tables=s, IPS=IPS_ENCODING[ips_bits])
        for lvl in (0, 1, 2):
            va = L0(10 + lvl) | (3 << 30) | (4 << 21) | 0x6000
            s.set_descriptor(va, lvl, table_descriptor(big | (lvl << 12)))
            cases.append((f"next table beyond IPS at L{lvl}", small, va, E.F_ADDR_SIZE, lvl))
        s.map(L0(14) | SIZE_1G, big, SIZE_1G)
        s.map(L0(14) | 7 * SIZE_2M, big + SIZE_2M, SIZE_2M)
        s.map(L0(14) | 0x8000, big + 0x8000)
        s.map(L0(14) | 0xA000, big - SIZE_4K)                         # last page below the limit
        cases += [("output beyond IPS L1 block", small, L0(14) | SIZE_1G | 0x100, E.F_ADDR_SIZE, 1),
                  ("output beyond IPS L2 block", small, L0(14) | 7 * SIZE_2M | 0x100, E.F_ADDR_SIZE, 2),
                  ("output beyond IPS page", small, L0(14) | 0x8000, E.F_ADDR_SIZE, 3),
                  ("output just below IPS", small, L0(14) | 0xA000, None, None)]
        # F_WALK_EABT at each level: a mapped page whose level-N descriptor read gets SLVERR/DECERR
        eabt = []
        for lvl in range(4):
            va = L0(64 + 8 * lvl) | (8 << 30) | (16 << 21) | (24 << 12)
            t.map(va, self.data_pa())
            eabt.append((t.descriptor_address(va, lvl), SLVERR if lvl % 2 else 3, va))
            cases.append((f"walk abort L{lvl}", a, va, E.F_WALK_EABT, lvl))
        await self.set_walk_errors(eabt)
        # the tables were written behind the SMMU's back, before any walk: no TLBI needed
        items = []
        for name, ctx, va, want, lvl in cases:
            self.expect(name, ctx, va, want, lvl)
            self.log.info("%-36s %s va=%#x -> %s", name, ctx, va, E.EVENT_NAMES.get(want, "translates"))
            items += self.case_txns(ctx, va, reps=2)
        await self.run_items(items)
        await self.finish()
        self.need_types("F_TRANSLATION", "F_ADDR_SIZE", "F_ACCESS", "F_WALK_EABT")
        self.need_cov([("F_TRANSLATION", l) for l in (0, 1, 2, 3, None)] + [("F_ADDR_SIZE", l) for l in range(4)]
                      + [("F_ACCESS", l) for l in (1, 2, 3)] + [("F_WALK_EABT", l) for l in range(4)]
                      + [("OK", l) for l in (1, 2, 3)])
        # FetchAddr of every walk abort is the descriptor that failed
        fa = {r.FetchAddr for r in env.evc.written if r.EventID == E.F_WALK_EABT}
        assert fa == {d for d, _, _ in eabt}, ([hex(x) for x in fa], [hex(d) for d, _, _ in eabt])
        s = env.sb.stats
        assert s["read_translate"] and s["write_translate"] and s["read_abort"] and s["write_abort"], s
        self.log_counters("faults")


# ====================================================================== permissions
@pyuvm.test()
class TranslatePermissions(XltTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        t = self.new_tables(16)
        sid = 0x30
        # CD 0 (no SSID): WXN=0 PAN=0; SSIDs 1..3: WXN/PAN combinations (S1DSS=0b10: SSID 0 is illegal)
        ctxs = [await self.context(sid, 0x10, tables=t, cdmax=2, ssid=None)]
        for i, (wxn, pan) in enumerate(((1, 0), (0, 1), (1, 1)), start=1):
            ctxs.append(await self.context(sid, 0x10 + i, tables=t, ssid=i, WXN=wxn, PAN=pan))
        # the AP x UXN x PXN matrix, one page each
        base = 0x10_0000_0000
        pages = []
        for i, (ap, uxn, pxn) in enumerate((ap, u, p) for ap in range(4) for u in (0, 1) for p in (0, 1)):
            va = base + i * SIZE_4K
            t.map(va, self.data_pa(), ap=ap, uxn=uxn, pxn=pxn)
            pages.append(va)
        items = []
        for ctx in ctxs:
            for va in pages:
                for p in PROTS_R:
                    items.append(self.vtxn(ctx, va, False, p | self.rng.choice((0, 2))))
                for p in PROTS_W:
                    items.append(self.vtxn(ctx, va, True, p | self.rng.choice((0, 2)) | self.rng.choice((0, 4))))
        # hierarchical controls at L1 and L2 over pages with every AP, plus an L2 block under an L1 table
        hier = []
        for lvl in (1, 2):
            for k, (apt, uxt, pxt) in enumerate(((apt, 0, 0) for apt in range(4))):
                hier.append((lvl, k, apt, uxt, pxt))
            hier += [(lvl, 4, 0, 1, 0), (lvl, 5, 0, 0, 1), (lvl, 6, 3, 1, 1)]
        for lvl, k, apt, uxt, pxt in hier:
            region = (0x20_0000_0000 + k * SIZE_1G) if lvl == 1 else (0x30_0000_0000 + k * SIZE_2M)
            for ap in range(4):
                t.map(region + ap * SIZE_4K, self.data_pa(), ap=ap)
            if lvl == 1:
                t.map(region + 4 * SIZE_2M, self.data_pa(SIZE_2M), SIZE_2M, ap=AP_RW)
            t.set_table_attrs(region, lvl, aptable=apt, uxntable=uxt, pxntable=pxt)
            vas = [region + ap * SIZE_4K for ap in range(4)] + ([region + 4 * SIZE_2M + 0x3000] if lvl == 1 else [])
            for va in vas:
                for ctx in (ctxs[0], ctxs[3]):
                    items += [self.vtxn(ctx, va, False, p) for p in PROTS_R]
                    items += [self.vtxn(ctx, va, True, p) for p in PROTS_W]
        # what the model says about them (both outcomes must occur for every access kind)
        kinds = Counter()
        for it in items:
            ctx = next(c for c in ctxs if c.ssv == it.ssidv and c.ssid == it.ssid)
            r = self.model_tr(ctx, it.addr, it.is_write, it.prot)
            assert r.ok or r.fault.event_id == E.F_PERMISSION, r.fault
            kinds[(it.is_write, it.prot & 1, (it.prot >> 2) & 1 and not it.is_write, r.ok)] += 1
        for w, priv, ind in ((0, 0, 0), (0, 1, 0), (0, 0, 1), (0, 1, 1), (1, 0, 0), (1, 1, 0)):
            assert kinds[(w, priv, bool(ind), True)] and kinds[(w, priv, bool(ind), False)], \
                f"access {(w, priv, ind)} never both allowed and denied: {kinds}"
        self.log.info("%d permission transactions (%d allowed, %d F_PERMISSION by the model)", len(items),
                      sum(v for k, v in kinds.items() if k[3]), sum(v for k, v in kinds.items() if not k[3]))
        await self.run_items(items, max_outstanding=24)
        await self.finish()
        self.need_types("F_PERMISSION")
        self.log_counters("permissions")


# ====================================================================== geometry: T0SZ, blocks, TBI
@pyuvm.test()
class TranslateGeometry(XltTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        g = self.g
        items = []
        levels = set()
        for i, t0sz in enumerate((16, 20, 24, 25, 29, 33, 34, 37, 39)):
            ias = 64 - t0sz
            tbi = i % 3 == 1
            ctx = await self.context(0x40 + i, 0x20 + i, t0sz=t0sz, TBI0=int(tbi))
            t = ctx.tables
            sl = start_level(t0sz)
            levels.add(sl)
            maps = random_layout(g, 10, t0sz=t0sz, pa_range=(DATA_PA, 1 << 40), random_perms=False)
            for m in maps:
                t.map(m.va, self.data_pa(m.size), m.size)
            # the first and the last page of the input range, and a block at each legal level
            edge = [0, (1 << ias) - SIZE_4K]
            for va in edge:
                if t.lookup(va) is None:
                    try:
                        t.map(va, self.data_pa())
                    except ValueError:           # a block of the random layout covers it
                        pass
            for size in (SIZE_1G, SIZE_2M):
                if start_level(t0sz) <= {SIZE_1G: 1, SIZE_2M: 2}[size] and 8 * size <= 1 << ias:
                    free = [k * size for k in range(min(64, (1 << ias) // size)) if not any(
                        m.va < (k + 1) * size and k * size < m.va + m.size for m in t.mappings.values())]
                    if free:
                        t.map(free[len(free) // 2], self.data_pa(size), size)
            self.log.info("%s: start level %d, %d mappings (%s)", ctx, sl, len(t.mappings),
                          dict(Counter(m.size for m in t.mappings.values())))
            for m in t.mappings.values():
                for _ in range(3):
                    page = m.va + int(g.integers(0, m.size // SIZE_4K)) * SIZE_4K
                    va = page + int(g.integers(0, SIZE_4K // 64)) * 64
                    if tbi and g.random() < 0.5:
                        va |= int(g.integers(1, 256)) << 56
                    w = bool(g.random() < 0.5)
                    items.append(self.vtxn(ctx, va, w, prot=1, len_=int(g.choice([0, 1, 3, 7, 15, 255]))))
                    self.expect(f"T0SZ {t0sz} map", ctx, va & ~0xFFF, None)
            # beyond the input range (and, without TBI, any tag)
            for va in ((1 << ias) | 0x1000, (1 << 47) | 0x1000 if ias < 48 else (1 << 48), 0xFF << 56):
                items.append(self.vtxn(ctx, va, False, prot=1))
                want = None if (tbi and va >> 56 and not (va & ((1 << 56) - 1)) >> ias and t.lookup(va & ((1 << 56) - 1))) \
                    else E.F_TRANSLATION
                self.expect(f"T0SZ {t0sz} range", ctx, va, want)
        assert levels == {0, 1, 2}
        await self.run_items(items, max_outstanding=24)
        await self.finish()
        self.need_cov([("OK", 1), ("OK", 2), ("OK", 3)])
        self.log_counters("geometry")


# ====================================================================== block entries in the micro-TLB
@pyuvm.test()
class TranslateBlockHits(XltTest):
    """One walk per 2 MiB / 1 GiB block: every other page of the block hits the micro-TLB entry the
    first walk filled (mutant tlb-006 of stop 23: a 2 MiB entry compared on all its 4 KiB page bits
    translated correctly but sent every other page of the block to the main TLB or a walk)."""

    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        ctx = await self.context(0x48, 0x28)
        t = ctx.tables
        blocks = [(0x0012_3440_0000, SIZE_2M), (0x0013_4000_0000, SIZE_1G)]
        for va, size in blocks:
            t.map(va, self.data_pa(size), size)
        for va, size in blocks:
            await self.run_items([self.vtxn(ctx, va + 0x80, False, prot=1, len_=0)], shuffle=False)
            c0 = tlb_counters(env.dut)
            pages = [va + k * (size // 8) + int(self.g.integers(0, size // 8 // SIZE_4K)) * SIZE_4K
                     for k in range(8)]
            items = [self.vtxn(ctx, p + 0x40 * (k % 4), k % 2 == 1, prot=1, len_=k % 4)
                     for k, p in enumerate(pages)]
            for it in items:
                self.expect("block page", ctx, it.addr & ~0xFFF, None)
            await self.run_items(items, shuffle=False, max_outstanding=1)
            c = counters_delta(c0, tlb_counters(env.dut))
            self.log.info("%d KiB block at %#x: %d pages after the filling walk: %s", size >> 10, va,
                          len(items), format_counters(c))
            assert c["walks"] == 0 and c["lookups"] == c["hits"] == len(items), \
                f"pages of a {size >> 10} KiB block the micro-TLB holds did not all hit it: {c}"
        await self.finish()


# ====================================================================== ASIDs and global pages
@pyuvm.test()
class TranslateAsidGlobal(XltTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        ta, tb = self.new_tables(), self.new_tables()
        glob = [0x7F_0000_0000 + k * SIZE_4K for k in range(4)]      # "kernel" pages, global in both
        priv = [0x1000_0000 + k * SIZE_4K for k in range(6)]          # per-process pages (nG=1)
        for va in glob:
            pa = self.data_pa()
            ta.map(va, pa, ng=0)
            tb.map(va, pa, ng=0)
        for va in priv:
            ta.map(va, self.data_pa())
            tb.map(va, self.data_pa())
        sid, sid2 = 0x50, 0x51
        a = await self.context(sid, 1, tables=ta)
        b2 = await self.context(sid2, 1, tables=ta)                  # a second device of the same domain

        def traffic(ctx: Ctx, vas=None):
            return [self.vtxn(ctx, va, w, prot=1) for va in (vas or glob + priv) for w in (False, True)]

        await self.run_items(traffic(a) + traffic(b2))
        # ASID switch (the CD is rewritten: hitless when only used bits of one qword change? here
        # ASID and TTB0 differ, so the writer may need several steps) -- Linux's domain change
        cd_b = make_s1_cd(self.feat, 2, tb.ttb0, stall_enabled=False)
        steps = await drv.write_cd(sid, 0, a.cd_addr, cd_b)
        self.log.info("ASID 1 -> 2 on sid %#x: %d CD writer step(s)", sid, len(steps))
        a.asid, a.tables, a.cd = 2, tb, cd_b
        for va in priv:
            assert self.model_tr(a, va).pa != translate(env.mem, b2.cd, va=va).pa
        await self.run_items(traffic(a) + traffic(b2))
        # back to ASID 1 on the old tables: still valid (never changed)
        cd_a = make_s1_cd(self.feat, 1, ta.ttb0, stall_enabled=False)
        await drv.write_cd(sid, 0, a.cd_addr, cd_a)
        a.asid, a.tables, a.cd = 1, ta, cd_a
        await self.run_items(traffic(a) + traffic(b2))
        # a global PTE of ta changes: TLBI_NH_ASID(1) does not cover global entries (window stays open),
        # TLBI_NH_VA of any ASID does
        va = glob[0]
        old = ta.lookup(va)
        new_pa = self.data_pa()

        def remap_global():            # kernel mappings stay identical in every address space
            ta.map(va, new_pa, ng=0, replace_existing=True)
            tb.map(va, new_pa, ng=0, replace_existing=True)

        w = self.change(ta, va, remap_global, self.scope(ta, va, SIZE_4K, old, new_ng=0), "global remap")
        await drv.tlbi_asid(1)
        assert env.sb.pt_window_open(w), "TLBI_NH_ASID must not be taken as covering a global entry"
        await self.run_items(traffic(a, [va]) + traffic(b2, [va]))
        await drv.tlbi_va(0x777, va)
        assert not env.sb.pt_window_open(w)
        await self.run_items(traffic(a, [va]) + traffic(b2, [va]))
        # a non-global PTE shared by two StreamIDs of ASID 1: one TLBI_NH_ASID covers both
        va = priv[1]
        w = self.change(ta, va, lambda: ta.map(va, self.data_pa(), replace_existing=True),
                        self.scope(ta, va, SIZE_4K, ta.lookup(va)), "nG remap")
        await drv.tlbi_asid(1)
        assert not env.sb.pt_window_open(w)
        await self.run_items(traffic(a, [va]) + traffic(b2, [va]))
        # the ASID-2 context on tb is untouched by all of this (no TLBI needed for it)
        await drv.write_cd(sid, 0, a.cd_addr, cd_b)
        a.asid, a.tables, a.cd = 2, tb, cd_b
        await self.run_items(traffic(a))
        await self.finish()
        s = env.sb.stats
        assert s["read_translate"] and s["write_translate"] and not s["read_abort"], s
        self.log_counters("asid/global")


# ====================================================================== TBI: tagged fills, untagged TLBI
@pyuvm.test()
class TranslateTbiTlbi(XltTest):
    """CD.TBI0=1: pages used through tagged pointers (VA[63:56] != 0) are cached without their
    top byte, so a TLBI_NH_VA / NH_VAA of the untagged address (as Linux sends it) + CMD_SYNC
    removes them: after the SYNC the tagged pointers see the new page. A TLB that compared the
    top byte in the invalidation keeps the old page, and the scoreboard reports the stale
    translation (mutant tlb-003 of stop 22: the micro-TLB's TBI mask removed)."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        ctx = await self.context(0x60, 0x31, t0sz=16, TBI0=1)
        t = ctx.tables
        vas = [0x0012_3450_0000 + k * SIZE_4K for k in range(4)]
        for va in vas:
            t.map(va, self.data_pa())
        tags = (0x5A, 0xC3, 0x01)

        def traffic(va: int) -> List[AxiTxn]:
            return [self.vtxn(ctx, (tag << 56) | va | 0x40, w, prot=1) for tag in tags for w in (False, True)]

        for rnd, va in enumerate(vas):
            await self.run_items(traffic(va), shuffle=False)       # fills from tagged VAs
            await self.run_items(traffic(va), shuffle=False)       # hits with other tags
            assert self.model_tr(ctx, (tags[0] << 56) | va).ok
            w = self.change(t, va, lambda va=va: t.map(va, self.data_pa(), replace_existing=True),
                            self.scope(t, va, SIZE_4K, t.lookup(va)), f"tagged remap {rnd}")
            if rnd % 2 == 0:
                await drv.tlbi_va(ctx.asid, va)
            else:
                await drv.tlbi_vaa(va)
            assert not env.sb.pt_window_open(w), "an untagged TLBI by VA covers the tagged uses"
            await self.run_items(traffic(va), shuffle=False)       # must see the new page
        await self.finish()
        s = env.sb.stats
        assert s["read_translate"] and s["write_translate"] and not s["read_abort"], s
        c = self.log_counters("tbi/tlbi")
        self.log.info("TBI: %d tagged pointers per page, %d pages remapped under untagged TLBIs",
                      len(tags), len(vas))
        assert c["hits"] > 0, f"no micro-TLB hit from a tagged pointer: {c}"


# ====================================================================== every TLBI form
FORMS = ("va", "va_noleaf", "vaa", "asid", "all", "nsnh")


@pyuvm.test()
class TranslateTlbi(XltTest):
    async def warm(self, ctxs: Sequence[Ctx], vas: Sequence[int]) -> None:
        await self.run_items([self.vtxn(c, va, w, prot=1) for c in ctxs for va in vas for w in (False, True)])

    def mutate(self, ctx: Ctx, va: int, kind: str) -> TlbScope:
        """Change the leaf covering ``va`` (remap / read-only / unmap / AF=0 / map a hole)."""
        t = ctx.tables
        old = t.lookup(va)
        size = old.size if old else SIZE_4K
        base = va & ~(size - 1)
        if kind == "remap":
            fn = lambda: t.map(base, self.data_pa(size), size, replace_existing=True)   # noqa: E731
        elif kind == "ro":
            fn = lambda: t.map(base, old.pa, size, ap=AP_RO, replace_existing=True)     # noqa: E731
        elif kind == "unmap":
            fn = lambda: t.unmap(base)                                                     # noqa: E731
        elif kind == "af0":
            fn = lambda: t.map(base, old.pa, size, af=0, replace_existing=True)           # noqa: E731
        elif kind == "map":
            fn = lambda: t.map(base, self.data_pa(size), size)                            # noqa: E731
        else:
            raise ValueError(kind)
        sc = self.scope(t, base, size, old)
        self.change(t, base, fn, sc, f"{kind} {base:#x}")
        return sc

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        t = self.new_tables()
        c1 = await self.context(0x60, 1, tables=t)
        c2 = await self.context(0x61, 2, tables=t)           # the same tables under a second ASID
        ctxs = [c1, c2]
        kinds = ("remap", "ro", "unmap", "af0")
        # per form: a 4K page, a 2M block and a hole; quiescent changes, then traffic
        base = 0x20_0000_0000
        for fi, form in enumerate(FORMS):
            region = base + fi * SIZE_1G
            pages = [region + k * SIZE_4K for k in range(4)]
            for va in pages:
                t.map(va, self.data_pa())
            blk = region + 8 * SIZE_2M
            t.map(blk, self.data_pa(SIZE_2M), SIZE_2M)
            hole = region + 0x40_0000 + 0x5000
            await self.warm(ctxs, pages + [blk + 0x3000, blk + 0x1F_F000, hole])
            scopes = []
            for k, va in enumerate(pages):
                scopes.append(self.mutate(c1, va, kinds[k % len(kinds)]))
            scopes.append(self.mutate(c1, blk + 0x3000, "remap"))
            scopes.append(self.mutate(c1, hole, "map"))
            windows = list(env.sb.pt_windows)
            # a TLBI that covers none of it first: every window stays open
            await drv.issue([C.tlbi_nh_asid(0x99), C.tlbi_nh_va(0x99, region + 0x1000_0000)])
            assert all(env.sb.pt_window_open(w) for w in windows)
            cmds = []
            for sc in scopes:
                cmds += [c for c in self.tlbi_cmds(form, sc) if c not in cmds]
            self.log.info("form %s: %d PTE changes, %s", form, len(scopes), [str(C.decode(c)) for c in cmds])
            await drv.issue(cmds)
            assert not any(env.sb.pt_window_open(w) for w in windows), f"{form}: windows left open"
            await self.warm(ctxs, pages + [blk + 0x3000, blk + 0x1F_F000, hole])
        # the same forms with traffic running during the change and the TLBI
        region = base + 16 * SIZE_1G
        vas = [region + k * SIZE_4K for k in range(24)]
        for va in vas:
            t.map(va, self.data_pa())
        rng = self.rng

        async def background(n: int):
            items = [self.vtxn(rng.choice(ctxs), rng.choice(vas), rng.random() < 0.5, prot=1) for _ in range(n)]
            await self.send(items, 16)

        for fi, form in enumerate(FORMS):
            task = cocotb.start_soon(background(120))
            await ClockCycles(env.dut.aclk, 30 + 17 * fi)
            sc = [self.mutate(c1, vas[(4 * fi + k) % len(vas)], ("remap", "ro", "af0", "remap")[k]) for k in range(4)]
            cmds = []
            for s in sc:
                cmds += [c for c in self.tlbi_cmds(form, s) if c not in cmds]
            await drv.issue(cmds)
            assert not env.sb.pt_windows, f"{form} under traffic: windows left open"
            await task
            # restore everything writable and mapped (quiescent: a TLBI + SYNC, then no window)
            for va in vas:
                m = t.lookup(va)
                if m is None or m.ap != AP_RW or not m.af:
                    self.change(t, va, lambda va=va, m=m: t.map(va, m.pa if m else self.data_pa(),
                                                                replace_existing=True),
                                self.scope(t, va, SIZE_4K, m))
            await drv.tlbi_nh_all()
            await self.settle_events()
        # TLBI while a walk is in flight: the walk has read the old level-2 table descriptor when
        # software repoints it to a new level-3 table and invalidates; the walk then finishes on the
        # old level-3 table. Its result may answer the transaction that started it (accepted before
        # the SYNC), but must not be installed: after the SYNC only the new translation is legal.
        lat = 300
        env.mem_tw.id_latency = {2: lat, 3: lat}
        for rnd, form in enumerate(("asid", "all", "walk_flush")):
            blk = region + SIZE_1G + rnd * SIZE_2M                     # a 2 MiB range of its own
            va = blk + 0x5000
            t.map(va, self.data_pa())
            l2 = t.descriptor_address(va, 2)
            new_l3 = t.pool.alloc(SIZE_4K, SIZE_4K)
            env.mem.write(new_l3, bytes(SIZE_4K))
            new_pa = self.data_pa()
            env.mem.write_u64(new_l3 + 8 * ((va >> 12) & 511), leaf_descriptor(new_pa, 3))
            n_ar, n_r = len(tap.ar), len(tap.rlast)
            first = self.vtxn(c1, va, False, prot=1, len_=0, tid=1)
            await env.client.send(first)
            # wait until the walk has read the level-2 descriptor (R returned: the old value)
            for _ in range(20 * lat):
                l2_ar = [i for i, a in enumerate(tap.ar[n_ar:]) if a[1] in (2, 3) and a[2] == l2]
                if l2_ar:
                    wid = tap.ar[n_ar + l2_ar[0]][1]
                    done = [r for r in tap.rlast[n_r:] if r[1] == wid and r[0] > tap.ar[n_ar + l2_ar[0]][0]]
                    if done:
                        break
                await RisingEdge(env.dut.aclk)
            else:
                raise AssertionError("the walk never read the level-2 descriptor")
            t_l2 = done[0][0]
            sc = TlbScope({c1.asid, c2.asid}, blk, SIZE_2M, leaf=False)
            env.sb.pt_write(l2, table_descriptor(new_l3).to_bytes(8, "little"), sc, f"repoint L2 of {va:#x}")
            n_cmd = len(tap.ar)
            if form == "asid":
                cmds = [C.tlbi_nh_asid(c1.asid), C.tlbi_nh_asid(c2.asid)]
            elif form == "all":
                cmds = [C.tlbi_nh_all()]
            else:                                                        # arm_smmu_tlb_inv_walk
                cmds = None
            if cmds is None:
                await drv.tlbi_range(c1.asid, blk, SIZE_2M, leaf=False)
                await drv.tlbi_range(c2.asid, blk, SIZE_2M, leaf=False)
            else:
                await drv.issue(cmds)
            assert not env.sb.pt_windows, f"{form}: window left open"
            await first.done.wait()
            # the TLBI reached the SMMU (command fetch, ARID 1) before the walk's last read returned
            cmd_fetch = [a[0] for a in tap.ar[n_cmd:] if a[1] == 1]
            walk_end = [r[0] for r in tap.rlast[n_r:] if r[1] == wid and r[0] > t_l2]
            assert cmd_fetch and walk_end and cmd_fetch[0] < walk_end[0], \
                f"{form}: the TLBI did not arrive during the walk (fetch {cmd_fetch[:1]}, walk end {walk_end[:1]})"
            # after the SYNC: the new translation only (a stale install would be a scoreboard error)
            await self.warm(ctxs, [va])
            self.log.info("TLBI (%s) during a walk: L2 read back @%d, command fetched @%d, walk ended @%d",
                          form, t_l2, cmd_fetch[0], walk_end[0])
        env.mem_tw.id_latency = {}
        await self.finish()
        s = env.sb.stats
        self.log.info("windows opened %d closed %d, window transactions %d (alternative used %d)",
                      s["pt_windows"], s["pt_windows_closed"], s["window_txns"], s["window_alt_used"])
        assert s["window_txns"] > 0, s
        self.log_counters("tlbi")


# ====================================================================== terminate model
@pyuvm.test()
class TranslateTerminate(XltTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        t = self.new_tables()
        good, ro = 0x1000, 0x2000
        t.map(good, self.data_pa())
        t.map(ro, self.data_pa(), ap=AP_RO)
        eab = 0x40_0000_0000 | 0x3000
        t.map(eab, self.data_pa())
        await self.set_walk_errors([(t.descriptor_address(eab, 3), SLVERR, eab)])
        items = []
        for i, (a_, r_) in enumerate(((1, 1), (1, 0), (0, 1), (0, 0))):
            ctx = await self.context(0x70 + i, 0x30 + i, tables=t, A=a_, R=r_)
            for va, want in ((good, None), (ro, E.F_PERMISSION), (0x9000, E.F_TRANSLATION), (eab, E.F_WALK_EABT)):
                self.expect(f"A={a_} R={r_} {va:#x}", ctx, va, want, write=va == ro)
                items += [self.vtxn(ctx, va, True, prot=1, len_=l) for l in (0, 3, 15)]
                items += [self.vtxn(ctx, va, False, prot=1, len_=l) for l in (0, 3, 15)]
        await self.run_items(items)
        await self.finish()
        s = env.sb.stats
        assert s["read_raz"] and s["write_raz"] and s["read_abort"] and s["write_abort"], s
        # records: R=1 contexts for the translation faults, every context for F_WALK_EABT
        by = Counter((r.StreamID, r.EventID) for r in env.evc.written)
        for i, (a_, r_) in enumerate(((1, 1), (1, 0), (0, 1), (0, 0))):
            sid = 0x70 + i
            assert bool(by[(sid, E.F_PERMISSION)]) == bool(r_) and bool(by[(sid, E.F_TRANSLATION)]) == bool(r_), by
            assert by[(sid, E.F_WALK_EABT)] == 6, by


# ====================================================================== hit under miss
@pyuvm.test()
class TranslateHitUnderMiss(XltTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        ctx = await self.context(0x78, 1)
        t = ctx.tables
        hot = 0x10_0000
        t.map(hot, self.data_pa())
        misses = [0x20_0000_0000 + k * SIZE_2M for k in range(4)]   # separate L3 tables: full walks
        for va in misses:
            t.map(va, self.data_pa())
        await self.run_items([self.vtxn(ctx, hot, False, prot=1, tid=1)])            # warm the hot page
        lat = 400
        env.mem_tw.id_latency = {2: lat, 3: lat}
        # 1. hit-under-miss: one miss on ID 0, then 12 hits on IDs 1..3
        n_ar = len(tap.ar)
        miss = self.vtxn(ctx, misses[0], False, prot=1, len_=0, tid=0)
        hits = [self.vtxn(ctx, hot + 64 * k, False, prot=1, len_=0, tid=1 + k % 3) for k in range(12)]
        await env.client.send(miss)
        for _ in range(1000):
            if any(a[1] in (2, 3) for a in tap.ar[n_ar:]):
                break
            await RisingEdge(env.dut.aclk)
        for h in hits:
            await env.client.send(h)
        for it in hits + [miss]:
            await it.done.wait()
        walk_r = [r[0] for r in tap.rlast if r[1] in (2, 3) and r[0] > tap.ar[n_ar][0]]
        first_walk_r = min(walk_r)
        early = [h for h in hits if h.t_done < first_walk_r]
        self.log.info("miss done @%d, first walk R @%d, hits done @%s", miss.t_done, first_walk_r,
                      [h.t_done for h in hits])
        assert len(early) == len(hits), \
            f"only {len(early)} of {len(hits)} hit reads on other IDs completed while the walk was outstanding"
        # 2. two misses to the same page share one walk; 3. two walks in flight at once
        n_ar = len(tap.ar)
        t0 = tap.ar[-1][0] if tap.ar else 0
        same = [self.vtxn(ctx, misses[1] + 0x40 * k, False, prot=1, len_=0, tid=4 + k) for k in range(2)]
        other = self.vtxn(ctx, misses[2], False, prot=1, len_=0, tid=7)
        for it in same + [other]:
            await env.client.send(it)
        for it in same + [other]:
            await it.done.wait()
        leaf = t.descriptor_address(misses[1], 3)
        leaf_reads = [a for a in tap.ar[n_ar:] if a[1] in (2, 3) and a[2] == leaf]
        conc = walk_reads_outstanding_max(tap, since=t0 + 1)
        self.log.info("same-page misses: %d leaf descriptor read(s); most walk reads in flight: %d; walker "
                      "reads (cycle, ARID, addr): %s; R: %s; client done: %s", len(leaf_reads), conc,
                      [(a[0], a[1], hex(a[2])) for a in tap.ar[n_ar:] if a[1] in (2, 3)],
                      [(r[0], r[1]) for r in tap.rlast if r[1] in (2, 3) and r[0] > t0],
                      [(it.id, it.t_issue, it.t_done) for it in same + [other]])
        assert len(leaf_reads) == 1, f"two misses to one page made {len(leaf_reads)} walks of its leaf"
        assert conc >= 2, "never two walks in flight"
        env.mem_tw.id_latency = {}
        await self.settle_events()
        await self.finish()
        c = self.log_counters("hit-under-miss")
        assert c["merges"] >= 1 and c["hits"] >= 12, c


class _ArPulse:
    """An m_axi AR throttle that is closed except for ``n`` single ready cycles (the memory
    responder asks it once a cycle for the next cycle's ARREADY): with ARVALID held, one pulse is
    one handshake."""

    def __init__(self) -> None:
        self.n = 0

    def make(self, rng):
        def go() -> bool:
            if self.n > 0:
                self.n -= 1
                return True
            return False
        return go


@pyuvm.test()
class TranslateHeldDecisionInval(XltTest):
    """A read decided by its walk before a TLBI but still held inside the SMMU (the translation
    queue's conversion stage behind a full output buffer, then the buffer's head, m_axi AR closed)
    keeps its old output address, and the CMD_SYNC after the TLBI does not complete until that
    read has been issued and completed: no m_axi address of the old tables after the SYNC (the
    scoreboard checks it at the handshake). Stop-25 hand mutant killed: an invalidation does not
    mark the conversion stage's entry stale while it waits -> the SYNC completes while the read is
    held. (The mark of an invalidation in the very cycle of the choice is not reached here.)"""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        tap = TwTap(env.tw_smp)
        t = self.new_tables()
        c = await self.context(0x62, 7, tables=t)
        base = 0x30_0000_0000
        hot = [base + k * SIZE_4K for k in range(2)]
        x = base + 8 * SIZE_4K
        for va in hot + [x]:
            t.map(va, self.data_pa())
        await self.run_items([self.vtxn(c, va, False, prot=1, len_=0, tid=1) for va in hot], shuffle=False)
        gate = _ArPulse()
        env.set_backpressure(mem={"ar": gate})                 # m_axi AR closed
        for ma in env.m_agents:                                # (an idle sampler: READY is redriven now)
            ma.sampler.kick()
        await ClockCycles(env.dut.aclk, 4)
        assert int(env.m_smp.bus.arready.value) == 0
        held = [self.vtxn(c, va + 0x40, False, prot=1, len_=0, tid=1 + k) for k, va in enumerate(hot)]
        late = self.vtxn(c, x, False, prot=1, len_=0, tid=3)
        for it in held:                                        # micro-TLB hits: the output buffer, full
            await env.client.send(it)
        n_r = len(tap.rlast)
        await env.client.send(late)                            # a miss: walked, then the conversion stage
        await wait_until(env, lambda: sum(1 for r in tap.rlast[n_r:] if r[1] in (2, 3)) >= 1, 4000,
                         what="the late read's walk")
        await ClockCycles(env.dut.aclk, 200)
        assert not any(it.done.is_set() for it in held + [late]), \
            f"a read completed with m_axi AR closed: {[str(it) for it in held + [late] if it.done.is_set()]}"
        old = t.lookup(x)
        sc = self.scope(t, x, SIZE_4K, old)
        self.change(t, x, lambda: t.map(x, self.data_pa(), replace_existing=True), sc, f"remap {x:#x}")
        task = cocotb.start_soon(drv.issue(self.tlbi_cmds("va", sc)))
        await ClockCycles(env.dut.aclk, 100)
        for _ in held:                                          # the two held hits go, one handshake each
            gate.n = 1
            await ClockCycles(env.dut.aclk, 30)
        await ClockCycles(env.dut.aclk, 600)
        assert all(it.done.is_set() for it in held), [str(it) for it in held]
        assert not late.done.is_set(), str(late)
        assert not task.done(), ("CMD_SYNC completed while a read decided before its TLBI was still held in "
                                 "the SMMU (it would then reach m_axi with the old output address)")
        env.set_backpressure()
        await task
        await late.done.wait()
        assert late.resp == [OKAY], str(late)
        self.log.info("a read decided before TLBI_NH_VA, held behind m_axi AR: the SYNC waited for it")
        await self.settle_events()
        await self.finish()


@pyuvm.test()
class TranslateSyncDownstream(XltTest):
    """CMD_SYNC after a TLBI completes only once every transaction that may have used the
    invalidated translation has completed downstream (IHI 0070 3.21; smmu_id_cnt old_cnt -> the
    paths' sync_block): a read and, separately, a write of a page are issued on m_axi and their
    response (R / B) is held by the memory; the page is remapped + TLBI_NH_VA + CMD_SYNC; the SYNC
    must not complete while the response is held (300 cycles), and completes once the memory
    answers. Each direction alone, so neither path's hold can stand in for the other's. Mutant
    tbu-009 of stop 33 (the TBU's sync hold `rd_path || wr_path` made `rd_path && wr_path`): with
    one direction outstanding the SYNC completed at once."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        t = self.new_tables()
        c = await self.context(0x66, 9, tables=t)
        base = 0x31_0000_0000
        never = Throttle("random", 0.0)
        for k, (write, ch) in enumerate(((False, "r"), (True, "b"))):
            what = "write" if write else "read"
            va = base + k * SIZE_4K
            t.map(va, self.data_pa())
            await self.run_items([self.vtxn(c, va, write, prot=1, len_=0, tid=k)], shuffle=False)   # warm
            key = "aw" if write else "ar"

            def issued() -> int:     # every TBU's m_axi (smmu_multi: the StreamID picks the TBU)
                return sum(ma.monitor.stats[key] for ma in env.m_agents)

            m_n = issued()
            env.set_backpressure(mem={ch: never})
            for ma in env.m_agents:
                ma.sampler.kick()
            it = self.vtxn(c, va + 0x80, write, prot=1, len_=0, tid=k)
            await env.client.send(it)
            await wait_until(env, lambda: issued() > m_n, 2000, what=f"the {what} issued on m_axi")
            await ClockCycles(env.dut.aclk, 20)
            assert not it.done.is_set(), f"the {what} completed with its {ch.upper()} held"
            sc = self.scope(t, va, SIZE_4K, t.lookup(va))
            self.change(t, va, lambda: t.map(va, self.data_pa(), replace_existing=True), sc, f"remap {va:#x}")
            task = cocotb.start_soon(drv.issue(self.tlbi_cmds("va", sc)))
            await ClockCycles(env.dut.aclk, 300)
            assert not task.done(), (f"CMD_SYNC completed while a {what} issued with the invalidated "
                                     f"translation was still outstanding on m_axi ({ch.upper()} held)")
            env.set_backpressure()
            for ma in env.m_agents:
                ma.sampler.kick()
            await it.done.wait()
            await task
            assert it.resp == [OKAY], str(it)
            self.log.info("%s outstanding downstream at TLBI_NH_VA: the SYNC waited for its %s", what, ch.upper())
        await self.settle_events()
        await self.finish()

# ====================================================================== random
@pyuvm.test()
class TranslateRandom(XltTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        g = self.g
        rng = self.seeds.py("xlt_random")
        n = self.knob("TXNS", 800)
        nmap = self.knob("XLT_MAPPINGS", 60)
        oas = env.params.OAS_BITS
        # contexts: (sid, ssid or None, asid, T0SZ, CD overrides); c1/c2 share tables (two ASIDs)
        specs = [(0x10, None, 1, 16, {}), (0x11, 1, 2, 16, {"TBI0": 1}), (0x11, 2, 3, 16, {"WXN": 1}),
                 (0x12, None, 4, rng.choice((25, 28, 33)), {"AFFD": 1, "PAN": 1}),
                 (0x13, None, 5, rng.choice((34, 36, 39)), {"A": 0, "R": rng.choice((0, 1))}),
                 (0x14, None, 6, rng.choice((16, 20)), {"IPS": IPS_ENCODING[min(36, oas)]})]
        ctxs = []
        shared = None
        for sid, ssid, asid, t0sz, kw in specs:
            tables = shared if (sid == 0x11 and shared is not None) else None
            c = await self.context(sid, asid, t0sz=t0sz, tables=tables, ssid=ssid, cdmax=2 if sid == 0x11 else 0,
                                   **kw)
            if sid == 0x11:
                shared = c.tables
            ctxs.append(c)
        avoid = [(0, DATA_PA)]
        for c in ctxs:
            if c.ssid == 2:
                continue
            hi = 1 << (37 if c.cd.IPS == IPS_ENCODING.get(36) else min(oas, 44))
            # small input ranges (T0SZ >= 33: at most 2**31 bytes) get few blocks, so pages still fit
            w = (0.7, 0.2, 0.1) if c.tables.t0sz < 33 else (0.92, 0.08, 0.0)
            for m in random_layout(g, nmap, t0sz=c.tables.t0sz, pa_range=(DATA_PA, hi), avoid_pa=avoid,
                                   p_af0=0.05, weights=w):
                c.tables.map_mapping(m)
                avoid.append((m.pa, m.pa + m.size))
        self.avoid = avoid
        # walk bus errors on a few descriptors (fixed for the whole test: set before any walk)
        errs = []
        for c in (ctxs[0], ctxs[3]):
            ms = list(c.tables.mappings.values())
            for m in rng.sample(ms, min(3, len(ms))):
                lvl = rng.randrange(c.tables.start_level, m.level + 1)
                errs.append((c.tables.descriptor_address(m.va, lvl), rng.choice((SLVERR, 3)), m.va))
        await self.set_walk_errors(errs)
        pages: Dict[int, List[int]] = {}
        for i, c in enumerate(ctxs):
            pages[i] = [m.va + k * SIZE_4K for m in c.tables.mappings.values()
                        for k in rng.sample(range(m.size // SIZE_4K), min(4, m.size // SIZE_4K))]
        hot = {i: rng.sample(p, min(6, len(p))) for i, p in pages.items()}
        ws = sum(len(p) for p in pages.values())
        self.log.info("contexts: %s; %d mapped pages reachable, TLB_ENTRIES=%d; walk error descriptors %s",
                      "; ".join(str(c) for c in ctxs), ws, env.params.TLB_ENTRIES,
                      [hex(d) for d, _, _ in errs])
        assert ws > env.params.TLB_ENTRIES

        def pick() -> AxiTxn:
            i = rng.randrange(len(ctxs))
            c = ctxs[i]
            r = rng.random()
            ias = 64 - c.cd.T0SZ
            if r < 0.45:
                page = rng.choice(hot[i])
            elif r < 0.9:
                page = rng.choice(pages[i])
            elif r < 0.97:
                page = rng.randrange(1 << (ias - 12)) << 12          # mostly holes
            else:
                page = (rng.randrange(1, 1 << (56 - ias)) << ias) | (rng.randrange(1 << (ias - 12)) << 12)
            if c.cd.TBI0 and rng.random() < 0.3:
                page |= rng.randrange(1, 256) << 56
            it = AxiTxn("xlt").randomize(rng, TxnConstraints(addr_ranges=((page, page + SIZE_4K),)),
                                        env.data_bytes, env.params.ID_W, env.params.SID_W, env.params.SSID_W)
            it.sid, it.ssid, it.ssidv = c.sid, c.ssid, c.ssv
            if rng.random() < 0.6:                 # mostly privileged data accesses: fewer permission faults
                it.prot = rng.choice((1, 3))
            return it

        irq = IrqHandlers(env.dut, drv).start()
        env.random_backpressure(self.seeds.py("bp"))
        env.mem_m.latency = (0, 6)
        env.mem_tw.latency = (0, rng.choice((0, 4, 20)))
        env.client.max_outstanding = 32
        items = [pick() for _ in range(n)]

        async def traffic():
            await ListSeq("xlt", items).start(env.agent.seqr)

        task = cocotb.start_soon(traffic())
        changes = Counter()
        forms = list(FORMS)
        while not task.done():
            await ClockCycles(env.dut.aclk, rng.randrange(100, 600))
            if task.done():
                break
            c = rng.choice([c for c in ctxs if c.ssid != 2])
            ms = list(c.tables.mappings.values())
            kind = rng.choice(("remap", "perm", "unmap", "map"))
            t = c.tables
            try:
                if kind == "map" or not ms:
                    va = rng.randrange(1 << (64 - c.cd.T0SZ - 12)) << 12
                    if t.lookup(va) is not None:
                        continue
                    old, size, base, new_ng = None, SIZE_4K, va, 1
                    fn = lambda: t.map(base, self._fresh_pa(), SIZE_4K)               # noqa: E731
                else:
                    # half the time a mapping of the hot set (traffic in flight on it: window outcomes)
                    i = ctxs.index(c)
                    hot_m = [m for m in (t.lookup(va) for va in hot[i]) if m is not None]
                    old = rng.choice(hot_m) if hot_m and rng.random() < 0.5 else rng.choice(ms)
                    size, base, new_ng = old.size, old.va, old.ng
                    if kind == "remap":
                        fn = lambda: t.map(base, self._fresh_pa(size), size, **old.leaf_fields(),  # noqa: E731
                                           replace_existing=True)
                    elif kind == "perm":
                        f = dict(old.leaf_fields(), ap=rng.randrange(4), uxn=rng.randrange(2), pxn=rng.randrange(2),
                                 af=int(rng.random() < 0.9), ng=rng.randrange(2))
                        new_ng = f["ng"]
                        fn = lambda: t.map(base, old.pa, size, **f, replace_existing=True)     # noqa: E731
                    else:
                        fn = lambda: t.unmap(base)                                    # noqa: E731
                sc = self.scope(t, base, size, old, new_ng=new_ng)
                self.change(t, base, fn, sc, f"{kind} {base:#x}")
            except ValueError as e:                   # a block in the way of a new page
                self.log.debug("skip change: %s", e)
                continue
            form = rng.choice([f for f in forms if not (f == "asid" and sc.global_)])
            cmds = self.tlbi_cmds(form, sc)
            if rng.random() < 0.3:
                cmds = [C.tlbi_nh_asid(0x3FF), C.tlbi_nh_va(0x3FF, 0x123_4000)] + cmds   # covers nothing
            self.log.info("PTE change %s: %s %#x (%s, %d KiB) of %s -> TLBI %s; now %#018x", sum(changes.values()) + 1,
                          kind, base, "was " + str(old) if old else "hole", size >> 10, c, form,
                          t.mem.read_u64(t.descriptor_address(base, {SIZE_4K: 3, SIZE_2M: 2, SIZE_1G: 1}[size])))
            await drv.issue(cmds)
            self.log.info("PTE change %d: TLBI + CMD_SYNC completed (%s)", sum(changes.values()) + 1,
                          ", ".join(str(C.decode(x)) for x in cmds))
            changes[f"{kind}/{form}"] += 1
            assert not env.sb.pt_windows, f"window left open after {form}: {env.sb.pt_windows[0].note}"
        await task
        await self.settle_events()
        irq.stop()
        assert not irq.errors, irq.errors
        await self.finish()
        s = env.sb.stats
        total = sum(v for k, v in s.items() if k.split("_")[0] in ("read", "write"))
        self.log.info("random: %d transactions, PTE changes %s, outcomes %s", total, dict(changes),
                      {k: v for k, v in s.items() if k.startswith(("read_", "write_"))})
        assert total == n, (total, n)
        assert s["read_translate"] + s["write_translate"] > n // 4, s
        c = self.log_counters("random")
        assert c["walks"] > 0 and c["hits"] > 0, c

    def _fresh_pa(self, size: int = SIZE_4K) -> int:
        """A PA below 2**36 (valid for every context) not used by any mapping."""
        while True:
            pa = self.data_pa(size)
            if not any(lo < pa + size and pa < hi for lo, hi in self.avoid):
                self.avoid.append((pa, pa + size))
                return pa


# ====================================================================== the stale check can fail
@pyuvm.test()
class TranslateNegStale(XltTest):
    async def body(self) -> None:
        env = self.env
        sb = env.sb
        drv = await self.bring_up()
        init_memory(env)
        ctx = await self.context(0x7A, 1)
        t = ctx.tables
        va = 0x4000
        t.map(va, self.data_pa())
        await self.run_items([self.vtxn(ctx, va, False, prot=1, len_=0, tid=1)])
        c0 = tlb_counters(env.dut)
        # remap without any invalidation, then (wrongly) declare the window closed
        w = self.change(t, va, lambda: t.map(va, self.data_pa(), replace_existing=True),
                        self.scope(t, va, SIZE_4K, t.lookup(va)))
        await drv.issue([])                       # a SYNC alone invalidates nothing
        assert sb.pt_window_open(w)
        sb.pt_windows.remove(w)
        n_err = len(sb.errors)
        await self.run_items([self.vtxn(ctx, va, False, prot=1, len_=0, tid=1)])
        c = counters_delta(c0, tlb_counters(env.dut))
        caught = [e for e in sb.errors[n_err:] if "!= predicted" in e]
        self.log.info("stale translation after a SYNC without TLBI: %s; %s", "caught" if caught else "not used",
                      format_counters(c))
        if c["hits"] >= 1:
            assert caught, "the RTL hit a stale TLB entry and the scoreboard did not notice"
        for e in caught:                          # only the injected fault's error; any other stays
            sb.errors.remove(e)
        sb.stats["errors"] = len(sb.errors)
        # with the proper TLBI the new translation is used
        w = self.change(t, va, lambda: t.map(va, self.data_pa(), replace_existing=True),
                        self.scope(t, va, SIZE_4K, t.lookup(va)))
        await drv.tlbi_va(ctx.asid, va)
        assert not sb.pt_window_open(w)
        await self.run_items([self.vtxn(ctx, va, False, prot=1, len_=0, tid=1)])
        await self.finish()


# ====================================================================== one record per transaction
@pyuvm.test()
class TranslateSameIdFaults(XltTest):
    """Back-to-back faulting transactions on one AXI ID (writes are translated in order): each one
    answered once and recorded once -- configuration faults (C_BAD_CD, not cached: re-fetched each
    time), translation faults behind a slow walk, and mixes with translations."""

    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        ok = await self.context(0x7C, 1)
        ok.tables.map(0x1000, self.data_pa())
        bad_sid = 0x7D
        bad_cd = self.alloc_cds(1)
        env.mem.write(bad_cd, Cd(V=0).pack())
        await self.set_ste(bad_sid, ste_s1(bad_cd, 0))
        env.mem_tw.latency = (0, int(self.g.integers(0, 40)))
        for rnd in range(4):
            items = []
            for k in range(6):
                w = (rnd % 2 == 0) if rnd < 2 else bool(k % 2)
                if k % 3 == 2:
                    items.append(self.vtxn(ok, 0x1000 + 8 * k, w, prot=1, len_=0, tid=3))
                elif k % 3 == 1:
                    items.append(self.vtxn(ok, 0x9000 + 8 * k, w, prot=1, len_=0, tid=3))      # F_TRANSLATION
                else:
                    it = self.txn(bad_sid, 0x2000 + 8 * k, w, prot=1, len_=0, tid=3)          # C_BAD_CD
                    items.append(it)
            await self.run_items(items, shuffle=False)
        # a faulted transaction waits for an older same-ID one (slow downstream response) while an
        # invalidation arrives: it is still answered once and recorded once
        env.mem_tw.latency = (0, 0)
        env.mem_m.id_latency = {3: 400}
        for rnd, (cmd, w, bad) in enumerate((cmd, w, bad) for cmd in ("cfgi_all", "tlbi_all", "cfgi_ste")
                                             for w in (True, False) for bad in ("cd", "xlt")):
            older = self.vtxn(ok, 0x1000, w, prot=1, len_=0, tid=3)
            if bad == "cd":
                younger = self.txn(bad_sid, 0x2000, w, prot=1, len_=0, tid=3)
            else:
                younger = self.vtxn(ok, 0x9000, w, prot=1, len_=0, tid=3)
            n_rec = env.evc.stats["written"]
            await env.client.send(older)
            await env.client.send(younger)
            for _ in range(300):                       # the younger one's record is written
                if env.evc.stats["written"] > n_rec:
                    break
                await RisingEdge(env.dut.aclk)
            assert not older.done.is_set(), "the older transaction was meant to be still outstanding"
            cmds = {"cfgi_all": [C.cfgi_all()], "tlbi_all": [C.tlbi_nh_all()],
                    "cfgi_ste": [C.cfgi_ste(bad_sid), C.cfgi_ste(ok.sid)]}[cmd]
            await self.drv.issue(cmds)
            await older.done.wait()
            await younger.done.wait()
            await self.settle_events()
            self.log.info("round %d (%s, %s, %s): %d record(s) for the faulted transaction", rnd, cmd,
                          "write" if w else "read", bad, env.evc.stats["written"] - n_rec)
        env.mem_m.id_latency = {}
        # an invalidation executed at every possible moment of a faulting configuration lookup (the
        # STE/CD fetches, the check, the record, the answer): a sweep of command submit delays
        drv = self.drv
        for d in range(0, 64):
            cmd = (C.tlbi_nh_all(), C.cfgi_ste(bad_sid), C.tlbi_nh_asid(ok.asid))[d % 3]
            it = self.txn(bad_sid, 0x3000 + 64 * d, bool(d & 4), prot=1, len_=0, tid=d % 16)
            n0 = env.evc.stats["written"]
            await env.client.send(it)
            await ClockCycles(env.dut.aclk, d)
            prod = await drv.submit([cmd, drv.sync_cmd()])
            await drv.wait_consumed(prod)
            await it.done.wait()
            await ClockCycles(env.dut.aclk, 20)
            n = env.evc.stats["written"] - n0
            if n != 1:
                self.log.error("delay %d (%s): the faulting transaction %s produced %d records",
                               d, C.decode(cmd), it, n)
        await self.settle_events()
        await self.finish()
        self.need_types("C_BAD_CD", "F_TRANSLATION")
