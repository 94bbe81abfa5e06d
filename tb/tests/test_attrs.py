"""Output attributes (IHI 0070 chapter 13): AxCACHE / AxPROT / AxDOMAIN of every m_axi transaction.

Every client transaction is checked by the scoreboard against tb.model.attrs (through
tb.model.outcome.predict): a wrong AxCACHE, AxPROT or (when the DUT has the optional ports)
AxDOMAIN on any m_axi transaction is a scoreboard error, so each test fails if the RTL
applies a rule differently. Client AxCACHE and AxPROT are random, AxPROT[1] included: every
transaction must leave Non-secure. The tests also assert that the classes they name were
really produced (observed m_axi attribute sets), and that m_axi_tw accesses carry the
attributes of 13.8 (the scoreboard checks STE/queue accesses; the CD fetches and walks here).

AttrGlobalBypass   SMMUEN=0: GBPA MTCFG/MemAttr (every Device kind, NC, WT, WB, reserved
                   encodings), ALLOCCFG (incoming and each R/W), SHCFG (each), PRIVCFG, INSTCFG
AttrSteBypass      SMMUEN=1, STE Config=100 with each override (and S1DSS=bypass)
AttrStage1         stage-1 pages mapped with every AttrIndx of two CDs whose MAIRs hold every
                   class (Device-nGnRnE/nGnRE/nGRE/GRE, Normal NC, WT, WB with each hint pair,
                   inner/outer differences) and each SH; STE PRIVCFG/INSTCFG/ALLOCCFG/MTCFG on a
                   translated stream; walk and CD-fetch attributes on m_axi_tw
AttrSmmuenDropGbpa SMMUEN 1 -> 0 while 32 transactions wait for a slow configuration fetch: the
                   queued ones take GBPA's attributes (one entry a cycle in the queues), not
                   the pages'
"""

from __future__ import annotations

from collections import Counter

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge

from tb.driver.testkit import wait_until
from tb.hier import blocks
from tb.model import attrs as A
from tb.model.pagetable import AP_RW, SH_ISH, SH_NSH, SH_OSH, SIZE_4K
from tb.model.structs import CFG_BYPASS, Ste
from tb.sequences.scenarios import MEM_BASE, init_memory
from tb.tests.test_translate import XltTest

GBPA_CASES = [
    0x0000_1000,                                   # reset: everything incoming
    0x0000_0010,                                   # MTCFG Device-nGnRnE, SH NSH
    0x0001_1011,                                   # Device-nGnRE, unprivileged
    0x0003_1012,                                   # Device-nGRE, privileged
    0x000C_1013,                                   # Device-GRE, instruction
    0x0008_1015,                                   # Normal iNC-oNC, data
    0x0000_301A,                                   # iWT-oWT, ISH
    0x0000_201F,                                   # iWB-oWB, OSH
    0x0000_3C1F,                                   # iWB-oWB, ALLOCCFG RA WA, ISH
    0x0000_281F,                                   # WB, ALLOCCFG no allocate, OSH
    0x0000_0C1F,                                   # WB, RA only, NSH
    0x0000_0A1F,                                   # WB, WA only, NSH
    0x0000_0F00,                                   # incoming type, ALLOCCFG RWT, SH NSH
    0x0000_2000,                                   # incoming type, OSH
    0x0000_1014,                                   # MemAttr 0100 reserved -> Device-nGnRnE
    0x0000_111C,                                   # iWB-oNC (not iWB-oWB -> NC System)
    0x0000_1017,                                   # iNC-oWB
    0x000F_3C1F,                                   # everything overridden
]

STE_CASES = [
    dict(),                                        # Linux bypass STE: SHCFG=1 only
    dict(MTCFG=1, MemAttr=0b0000),
    dict(MTCFG=1, MemAttr=0b0001, PRIVCFG=3),
    dict(MTCFG=1, MemAttr=0b0101, INSTCFG=3),
    dict(MTCFG=1, MemAttr=0b1111, SHCFG=3, ALLOCCFG=0b1100),
    dict(MTCFG=1, MemAttr=0b1111, SHCFG=2, ALLOCCFG=0b1000),
    dict(MTCFG=1, MemAttr=0b1010, SHCFG=0),
    dict(ALLOCCFG=0b1010, SHCFG=3, PRIVCFG=2, INSTCFG=2),
    dict(NSCFG=2, PRIVCFG=1, INSTCFG=1),           # NSCFG IGNORED, reserved PRIV/INSTCFG = incoming
]

# two MAIRs: every class and hint combination, inner/outer differences
MAIR_A = [0x00, 0x04, 0x08, 0x0C, 0x44, 0xFF, 0xAA, 0xF4]
MAIR_B = [0xCC, 0xDD, 0xEE, 0x7F, 0x4F, 0xBB, 0x33, 0xFC]
SHS = (SH_NSH, SH_OSH, SH_ISH, 0b01)


def _mair(b):
    return sum(v << (8 * i) for i, v in enumerate(b))


class AttrTest(XltTest):
    def attr_txns(self, sid, addr, n, **kw):
        out = []
        for i in range(n):
            t = self.txn(sid, addr + 64 * (i % 32), bool(i & 1), len_=self.rng.choice((0, 1, 3)), **kw)
            t.cache, t.prot = self.rng.randrange(16), self.rng.randrange(8)
            out.append(t)
        return out

    def seen_attrs(self):
        return self.env.sb.attr_seen

    def check_ns(self):
        seen = self.seen_attrs()
        assert seen, "no m_axi transaction was attribute-checked"
        assert all(p & 2 for (_, p, _) in seen), f"a transaction left Secure: {seen}"


@pyuvm.test()
class AttrGlobalBypass(AttrTest):
    async def body(self) -> None:
        env = self.env
        self.rng = self.seeds.py("attrs")
        init_memory(env)
        n = 0
        for g in GBPA_CASES:
            await self.regs.write("GBPA", g | (1 << 31))
            while (await self.regs.read("GBPA")) >> 31:
                pass
            items = self.attr_txns(0x11, MEM_BASE + 0x1000, 24)
            n += len(items)
            await self.send(items, 8)
        seen = self.seen_attrs()
        self.log.info("global bypass: %d transactions, attribute sets %s", n, dict(seen))
        self.check_ns()
        assert env.sb.attr_checks >= n, (env.sb.attr_checks, n)
        caches = {c for (c, _, _) in seen}
        assert {0b0000, 0b0001, 0b0011, 0b1111, 0b0111, 0b1011} <= caches, caches
        doms = {d for (_, _, d) in seen if d >= 0}
        assert not doms or doms == {0, 1, 2, 3}, doms          # every domain, when the DUT has the ports


@pyuvm.test()
class AttrSteBypass(AttrTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        items = []
        for i, kw in enumerate(STE_CASES):
            sid = 0x20 + i
            await drv.write_ste(sid, Ste(V=1, Config=CFG_BYPASS, **{"SHCFG": 1, **kw}))
            items += self.attr_txns(sid, MEM_BASE + 0x2000, 24)
        await self.run_items(items)
        await self.finish()
        self.check_ns()
        assert env.sb.attr_checks >= len(items)
        caches = {c for (c, _, _) in self.seen_attrs()}
        assert {0b0000, 0b0001, 0b0011} <= caches and caches & {0b1111, 0b0111, 0b1011}, caches


@pyuvm.test()
class AttrStage1(AttrTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        items = []
        ctxs = []
        for k, (mair, ovr) in enumerate(((MAIR_A, {}), (MAIR_B, {}),
                                         (MAIR_A, dict(PRIVCFG=3, INSTCFG=2, ALLOCCFG=0b1000)),
                                         (MAIR_B, dict(MTCFG=1, MemAttr=0b0001, PRIVCFG=2)))):
            t = self.new_tables()
            ctx = await self.context(0x40 + k, 0x10 + k, tables=t, MAIR=_mair(mair))
            if ovr:
                ste = drv.read_ste(ctx.sid)
                for f, v in ovr.items():
                    setattr(ste, f, v)
                await drv.write_ste(ctx.sid, ste)
            ctxs.append(ctx)
            for idx in range(8):
                va = 0x10_0000 + idx * 0x1000
                t.map(va, self.data_pa(), ap=AP_RW, attr_idx=idx, sh=SHS[idx % 4])
                items += self.attr_txns(ctx.sid, va, 12)
        await self.run_items(items)
        await self.finish()
        self.check_ns()
        seen = self.seen_attrs()
        self.log.info("stage 1: attribute sets %s", dict(seen))
        caches = {c for (c, _, _) in seen}
        assert {0b0000, 0b0001, 0b0011, 0b1111, 0b0111, 0b1011} <= caches, caches
        # the SMMU's own accesses: walks (ARID 2, 3) by CD.IR0/OR0/SH0, CD fetches by STE.S1C*
        cd0 = ctxs[0].cd
        walk = A.walk_access(cd0.IR0, cd0.OR0, cd0.SH0)
        ste = drv.read_ste(ctxs[0].sid)
        cdf = A.s1c_access(ste.S1CIR, ste.S1COR, ste.S1CSH)
        tw = env.sb.tw_other
        walks = [o for o in tw if not o.is_write and o.id in (2, 3)]
        cds = [o for o in tw if not o.is_write and o.id == 0]
        assert walks and cds, (len(walks), len(cds))
        for o in walks:
            assert (o.cache, o.prot) == (walk.cache, 0b011) and o.domain in (None, walk.domain), (str(o), walk)
        for o in cds:
            assert (o.cache, o.prot) == (cdf.cache, 0b011) and o.domain in (None, cdf.domain), (str(o), cdf)
        assert env.sb.tw_attr_checks > 0


@pyuvm.test()
class AttrSmmuenDropGbpa(AttrTest):
    """SMMUEN 1 -> 0 while 32 translated transactions wait in the translation queues for their
    configuration (the configuration fetch and the walks take 300 cycles): the ones not looked
    up yet take the GBPA decision, one entry a cycle (smmu_xlt_tbl gb_go writes GBPA's overrides
    into the entry's attribute transform, p_cax); the one being looked up finishes as the
    scoreboard allows. GBPA is Device-nGnRE, unprivileged; every page is Normal WB, so the
    scoreboard's per-transaction attribute check tells a GBPA decision from a translation.
    Asserted: the GBPA class was seen on m_axi and the one-a-cycle path decided >= 8 entries."""

    async def body(self) -> None:
        env = self.env
        self.rng = self.seeds.py("attrs")
        drv = await self.bring_up()
        init_memory(env)
        await self.regs.set_gbpa(0x0001_1011)                  # MTCFG Device-nGnRE, PRIVCFG unprivileged
        ctx = await self.context(0x3A, 0x21, MAIR=_mair([0xFF] * 8))   # every AttrIndx Normal iWB-oWB
        base = 0x50_0000_0000
        vas = [base + k * SIZE_4K for k in range(32)]
        for va in vas:
            ctx.tables.map(va, self.data_pa())
        env.mem_tw.id_latency = {i: 300 for i in (0, 2, 3)}     # configuration fetches, walks
        queues = blocks(env.dut, "rd_q_inst") + blocks(env.dut, "wr_q_inst")
        n_gb = 0

        async def count_gb():
            nonlocal n_gb
            while True:
                await RisingEdge(env.dut.aclk)
                n_gb += sum(int(q.tbl_inst.gb_go.value) for q in queues)

        counter = cocotb.start_soon(count_gb())
        items = []
        for k, va in enumerate(vas):
            it = self.vtxn(ctx, va + 64 * (k % 8), bool(k & 1), len_=0, tid=k % 16)
            it.cache, it.prot = self.rng.randrange(16), self.rng.randrange(8)
            items.append(it)
        for it in items:
            await env.client.send(it)
        await ClockCycles(env.dut.aclk, 60)                    # every one in a queue, one looked up
        await self.regs.set_cr0(0xC)                           # SMMUEN 1 -> 0
        await wait_until(env, lambda: all(it.done.is_set() for it in items), 20000, step=1,
                         what="transactions in flight at SMMUEN 1 -> 0")
        counter.cancel()
        env.mem_tw.id_latency = {}
        await self.regs.set_cr0(0xD)
        await self.settle_events()
        await self.finish()
        seen = self.seen_attrs()
        caches = {c for (c, _, _) in seen}
        self.log.info("SMMUEN 1 -> 0 over 32 waiting transactions: %d GBPA decisions one a cycle, "
                      "attribute sets %s", n_gb, dict(seen))
        self.check_ns()
        assert env.sb.attr_checks >= len(items), (env.sb.attr_checks, len(items))
        assert 0b0001 in caches, f"no GBPA (Device-nGnRE) attributes on m_axi: {caches}"
        assert n_gb >= 8, f"only {n_gb} entries took the GBPA decision in the queues"
