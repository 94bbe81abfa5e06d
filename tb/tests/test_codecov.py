"""RTL code coverage closers: directed cases for holes that `make coverage` (sim/codecov.py)
found in the quick suite, each checked end to end like every other test (scoreboard against
tb.model.outcome.predict, event records field by field by the EventChecker).

CodecovHighAddr  TranslateRandom (random contexts, faults, walk bus errors, PTE changes and
                 TLBIs under traffic) with every structure the SMMU reads or writes on
                 m_axi_tw at high physical addresses whose bits alternate (PLACEMENT_A: stream
                 table at 0xAAAA_A000_0000, command queue at 0x5555_5000_0000, event queue at
                 0xAAAA_9000_0000, CD tables from 0x5555_6000_0000, page tables from
                 0xAAAA_8000_0000; masked to OAS_BITS).  The rest of the quick suite keeps them
                 all below 2**31, so address bits 31..47 of the configuration, command, event
                 and walk paths never toggled.  The context whose CD has IPS=36 keeps low
                 tables (a TTB0 above its IPS is an address-size fault by design).
CodecovHighAddrSwap  the same with PLACEMENT_B, the complement of PLACEMENT_A in bits 28..47:
                 with the reset between the tests, each of those bits of each structure's
                 address goes 0->1 and 1->0 in one job.
CodecovIps       CD.IPS = 42 and 44 bits (the quick suite uses 36 and OAS): pages mapped just
                 below 2**IPS translate, pages at 2**IPS give F_ADDR_SIZE at level 3; reads and
                 writes.
CodecovCmdq4k    30 batches of 10 commands (9 TLBI_NH_ALL + CMD_SYNC) published with one PROD
                 write each: batch 26 starts 6 entries before the first 4 KiB boundary of the
                 queue, so the command fetcher must split its 8-command burst there (AXI bursts
                 never cross 4 KiB).  Fails on a CERROR, a SYNC that never completes, or CONS
                 not reaching PROD.
CodecovIdCounters  bypass reads with the downstream memory answering only after 6,000 cycles:
                 129 reads on each of AXI IDs 1..15 and 260 on ID 0 are outstanding at once,
                 so every per-ID outstanding counter (smmu_id_cnt, 8 bits) passes 128 and the
                 one of ID 0 saturates (q_full: further reads of ID 0 wait until one completes).
                 The scoreboard checks every read's data and response; the test checks that
                 exactly the 5 reads of ID 0 beyond 255 waited (m_axi ARs before the first R).
CodecovTlbFields every TLB entry holds a SubstreamID / ASID / attribute transform (e_ssid, e_asid,
                 e_ax) of all ones, then one of all zeros: a context with SSID 0xFF / ASID 0xFFFF,
                 ISH Normal iWB-oWB RA/WA pages and every STE attribute override set, one page per
                 entry; then one bypass StreamID (every override 0) per entry; each followed by a
                 pass that must hit every entry.  Before them five contexts whose SSIDs and ASIDs
                 differ in high bits map the same VAs to different PAs with every AttrIndx / SH
                 and several CD walk attributes (a false hit is a scoreboard error).
CodecovTtbBits   CD.TTB0 with bits 4..47 alternating (0xAAAA_AAAA_AAA0, 0x5555_5555_5550), all ones
                 (0xFFFF_FFFF_FFF0) and then low (a 4 KiB-aligned pool below 2**31), one context
                 after the other (T0SZ=33: a 16-byte level-1 start table, so TTB0 needs only
                 16-byte alignment; the lower-level tables come from an ordinary pool): with the
                 1-entry configuration cache of CAP_SMALL each TTB0 bit of the cached CD goes
                 0->1->0.  The all-ones context has CD.UWXN=1 (IGNORED for VMSAv8-64): EL0
                 instruction reads of EL0-writable pages and EL1 ones of EL1-only pages translate.
                 A dropped TTB0 bit walks zeroed memory: F_TRANSLATION, a scoreboard error.
CodecovIdCountersAll  every AXI ID of the build with bypass reads outstanding at once, 129 on each
                 ID from 16 up (ID_W=6: job codecov_p2), and a TLBI_NH_ALL + CMD_SYNC issued with
                 all of them outstanding: the SYNC must not complete before they all have.
CodecovStallTags rounds of STALL_MAX stalls ended by CMD_STALL_TERM, from StreamIDs with all, none
                 and alternating bits set (SID_W=16: job codecov_wide): stall-tag StreamID and
                 generation bits; a RESUME with the previous round's STAG of a reused index must
                 be a no-op.
CodecovWalkCacheTags  four contexts in turn whose StreamID / SubstreamID / ASID, VA prefix and page-table
                 addresses have bits alternating (0xAA.., 0x55..), all ones, all zeros: each fills every
                 entry of each walk-cache level (smmu_wcache tags and table addresses), and a miss in
                 each filled 2 MiB must then read only its level-3 descriptor.

Rerun: python sim/run.py --sim icarus --suite quick --job codecov[,codecov_p2,codecov_wide,codecov_cap_small] --seed <n>
"""

from __future__ import annotations

from typing import Optional

import cocotb
import pyuvm

from cocotb.triggers import RisingEdge

from tb.driver.testkit import counters_delta, format_counters, make_txn, tlb_counters
from tb.env.base_test import SmmuBaseTest
from tb.model import commands as C
from tb.model import events as E
from tb.model.pagetable import (AP_PRIV_RW, AP_RW, SH_ISH, SH_NSH, SH_OSH, SIZE_4K, Stage1Tables, TablePool,
                                start_level, table_bytes)
from tb.model.structs import CFG_BYPASS, IPS_ENCODING, Ste
from tb.sequences.scenarios import MEM_BASE, MEM_SIZE, init_memory
from tb.sequences.traffic import ListSeq
from tb.agents.axi_signals import SLVERR
from tb.tests.test_config import ConfigTest
from tb.tests.test_stall import StallTest
from tb.tests.test_translate import POOL_SIZE, PT_POOLS, TranslateRandom, XltTest
from tb.tests.test_walkcache import WalkCacheTest

# (STRTAB, CMDQ, EVTQ, CD tables, page-table pools); the second set is the bitwise
# complement of the first in bits 28..47, so the two tests together drive every one of
# those address bits to 1 and back to 0 in each structure's address registers.
PLACEMENT_A = (0xAAAA_A000_0000, 0x5555_5000_0000, 0xAAAA_9000_0000, 0x5555_6000_0000, 0xAAAA_8000_0000)
PLACEMENT_B = (0x5555_5000_0000, 0xAAAA_A000_0000, 0x5555_6000_0000, 0xAAAA_9000_0000, 0x5555_4000_0000)


@pyuvm.test()
class CodecovHighAddr(TranslateRandom):
    placement = PLACEMENT_A

    def _hi(self, addr: int) -> int:
        return addr & ((1 << self.env.params.OAS_BITS) - 1)

    async def bring_up(self, **cfg):
        strtab, cmdq, evtq, cds, pools = (self._hi(a) for a in self.placement)
        cfg = {"strtab_base": strtab, "cmdq_base": cmdq, "evtq_base": evtq, **cfg}
        drv = await super().bring_up(**cfg)
        self.cd_next = cds
        self._pool_next = pools
        self._low_pool_next = PT_POOLS
        self.log.info("high placement: STRTAB %#x CMDQ %#x EVTQ %#x CDs %#x page tables %#x",
                      cfg["strtab_base"], cfg["cmdq_base"], cfg["evtq_base"], self.cd_next, self._pool_next)
        return drv

    async def context(self, sid: int, asid: int, *, tables: Optional[Stage1Tables] = None, t0sz: int = 16,
                      **kw):
        if tables is None and "IPS" in kw:       # tables must lie below the CD's IPS
            pool = TablePool(self._low_pool_next, POOL_SIZE)
            self._low_pool_next += POOL_SIZE
            tables = self.drv.new_pgtable(pool, t0sz)
        return await super().context(sid, asid, tables=tables, t0sz=t0sz, **kw)

    async def body(self) -> None:
        await super().body()
        hi = [c for c in self.ctxs if c.tables.ttb0 >> 40 and c.cd_addr >> 40]
        assert hi, "no context with high page tables and a high CD"


@pyuvm.test()
class CodecovHighAddrSwap(CodecovHighAddr):
    placement = PLACEMENT_B


@pyuvm.test()
class CodecovIps(XltTest):
    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        oas = env.params.OAS_BITS
        items = []
        n_ok = n_fault = 0
        for i, ips in enumerate((42, 44)):
            if ips > oas:
                self.log.info("IPS %d > OAS %d: skipped", ips, oas)
                continue
            ctx = await self.context(0x60 + i, 0x30 + i, IPS=IPS_ENCODING[ips])
            below, above = (1 << ips) - SIZE_4K, 1 << ips
            ok_va, bad_va = 0x4000_0000 + i * 0x10_0000, 0x5000_0000 + i * 0x10_0000
            ctx.tables.map(ok_va, below, SIZE_4K)
            if above < (1 << oas):
                ctx.tables.map(bad_va, above, SIZE_4K)
                self.expect(f"IPS {ips} above", ctx, bad_va, E.F_ADDR_SIZE, level=3)
                items += [self.vtxn(ctx, bad_va + 64 * k, bool(k & 1), prot=1) for k in range(4)]
                n_fault += 4
            self.expect(f"IPS {ips} below", ctx, ok_va, None)
            items += [self.vtxn(ctx, ok_va + 64 * k, bool(k & 1), prot=1) for k in range(4)]
            n_ok += 4
        await self.run_items(items)
        await self.finish()
        s = env.sb.stats
        self.log.info("IPS cases: %d translated, %d address-size faults expected; outcomes %s", n_ok, n_fault,
                      {k: v for k, v in s.items() if k.startswith(("read_", "write_"))})
        assert n_ok > 0
        assert s["read_translate"] + s["write_translate"] >= n_ok, s


@pyuvm.test()
class CodecovCmdq4k(ConfigTest):
    async def body(self) -> None:
        drv = await self.bring_up()
        shift = drv.f.cmdq_shift
        assert shift >= 9, f"the command queue ({1 << shift} entries) must span two 4 KiB pages"
        per_page = 4096 // 16
        crossed = 0
        for k in range(30):
            start = drv.cmdq_prod & ((1 << shift) - 1)
            batch = [C.tlbi_nh_all()] * 9 + [drv.sync_cmd()]
            prod = await drv.submit(batch)
            await drv.wait_consumed(prod)
            if start < per_page < start + len(batch) and per_page - start < 8:
                crossed += 1
        cons = await drv.read_cons()
        assert cons & ((1 << (shift + 1)) - 1) == drv.cmdq_prod & ((1 << (shift + 1)) - 1), \
            f"CONS {cons:#x} != PROD {drv.cmdq_prod:#x}"
        assert crossed == 1, f"{crossed} batches straddled the 4 KiB boundary with fewer than 8 entries before it"
        await self.finish()


@pyuvm.test()
class CodecovIdCounters(SmmuBaseTest):
    timeout_us = 20000.0

    async def body(self) -> None:
        env = self.env
        init_memory(env)
        rng = self.seeds.py("idcnt")
        nid = 1 << env.params.ID_W
        per_id = {i: (260 if i == 0 else 129) for i in range(min(nid, 16))}
        items = []
        for i, n in per_id.items():
            for _ in range(n):
                addr = MEM_BASE + rng.randrange(MEM_SIZE // 64) * 64
                items.append(make_txn(env, 0, addr=addr, id_=i))
        rng.shuffle(items)
        items.sort(key=lambda it: it.id == 0)      # ID 0 last: its 256th read meets the full counter
        env.mem_m.latency = (6000, 6000)
        env.client.max_outstanding = len(items)
        ars_before_r = 0

        async def watch():
            nonlocal ars_before_r
            while True:
                await RisingEdge(env.dut.aclk)
                if env.dut.m_axi_rvalid.value == 1:
                    ars_before_r = env.m_mon.stats["ar"]
                    return

        w = cocotb.start_soon(watch())
        await ListSeq("idcnt", items).start(env.agent.seqr)
        await env.quiesce()
        w.cancel()
        s = env.sb.stats
        self.log.info("%d reads on %d IDs; %d AR handshakes on m_axi before the first R beat; outcomes %s",
                      len(items), len(per_id), ars_before_r, {k: v for k, v in s.items() if k.startswith("read_")})
        assert s["read_bypass"] == len(items), env.sb.summary()
        # ID 0's counter saturates at 255: its last reads wait for a completion, all others went out
        assert ars_before_r == len(items) - (per_id[0] - 255), (ars_before_r, len(items))


# ====================================================================== TLB entry fields
# MAIR bytes whose memory class (smmu_attr.vh mair_class) is Normal iWB-oWB with outer RA and WA:
# S1C = 4'b1111.  Any of them makes every S1C bit of a TLB entry 1.
MAIR_WB_RAWA = (0xFF, 0x7F, 0xF7, 0x77)
# the STE overrides with every bit set (IHI 0070 5.2: MemAttr, MTCFG, ALLOCCFG, SHCFG, PRIVCFG, INSTCFG)
OVR_ONES = dict(MemAttr=0b1111, MTCFG=1, ALLOCCFG=0b1111, SHCFG=3, PRIVCFG=3, INSTCFG=3)
OVR_ZERO = dict(MemAttr=0, MTCFG=0, ALLOCCFG=0, SHCFG=0, PRIVCFG=0, INSTCFG=0)


@pyuvm.test()
class CodecovTlbFields(XltTest):
    """Every TLB entry holds, in turn, a SubstreamID / ASID / attribute transform with every bit 1
    and one with every bit 0, with SubstreamIDs and ASIDs that differ only in high bits checked
    for false hits.

    1. mixed: five contexts on one StreamID with SubstreamIDs 0x80, 0x7F, 0xAA, 0x55, 0xFF and
       ASIDs 0x8000, 0x7FFF, 0xAAAA, 0x5555, 0xFFFF map the same VAs to different PAs with every
       AttrIndx of two MAIRs, every SH, and different CD walk attributes (IR0/OR0/SH0): the
       scoreboard checks each transaction's PA and AxCACHE/AxDOMAIN, so a lookup that ignored a
       high SSID bit would use another context's page;
    2. ones: TLBI_NH_ALL, then one page each for every entry (they fill the entries in order) of
       the context SSID 0xFF / ASID 0xFFFF whose STE overrides every attribute field with ones,
       pages of ISH and a Normal iWB-oWB RA/WA MAIR byte: e_ssid / e_asid / e_ax all ones; a
       second pass must hit every entry (the counters: as many hits as transactions);
    3. zeros: TLBI_NH_ALL, then one bypass StreamID (STE Config=bypass, every override 0) per
       entry: e_ssid = e_asid = e_ax = 0 (a bypass entry has S1=0); again a second pass hits.
    """

    async def hits_pass(self, items, what: str) -> None:
        c0 = tlb_counters(self.env.dut)
        await self.run_items(items, shuffle=False)
        d = counters_delta(c0, tlb_counters(self.env.dut))
        self.log.info("%s: %s", what, format_counters(d))
        assert d["lookups"] == len(items) and d["hits"] == len(items), \
            f"{what}: {len(items)} transactions to cached pages, {format_counters(d)}"

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        ent = env.params.TLB_ENTRIES
        ssid_w = env.params.SSID_W
        assert ssid_w >= 8 and env.params.SID_W >= 8, "this test needs SSID_W >= 8 and SID_W >= 8"
        sid = 0xA5
        # 1. mixed contexts: same VAs, different PAs; SSIDs / ASIDs differing in their high bits
        mair_a = _mair_bytes([0x00, 0x04, 0x08, 0x0C, 0x44, 0xFF, 0xAA, 0xF4])
        mair_b = _mair_bytes([0xCC, 0xDD, 0xEE, 0x7F, 0x4F, 0xBB, 0x33, 0xFC])
        walk_attrs = ((0, 0, 0), (1, 1, 3), (2, 3, 2), (3, 2, 3), (1, 1, 2))
        shs = (SH_NSH, SH_OSH, SH_ISH, 0b01)
        ctxs = []
        items = []
        for k, (ssid, asid) in enumerate(((0x80, 0x8000), (0x7F, 0x7FFF), (0xAA, 0xAAAA), (0x55, 0x5555),
                                          (0xFF, 0xFFFF))):
            ir, orr, sh0 = walk_attrs[k]
            ctx = await self.context(sid, asid, ssid=ssid, cdmax=8, MAIR=mair_a if k % 2 else mair_b,
                                     IR0=ir, OR0=orr, SH0=sh0)
            ctxs.append(ctx)
            for i in range(8):
                va = 0x4000_0000 + i * SIZE_4K
                ctx.tables.map(va, self.data_pa(), attr_idx=(i + k) % 8, sh=shs[(i + k) % 4])
                self.expect(f"ssid {ssid:#x} page {i}", ctx, va, None)
                items += [self.vtxn(ctx, va + 64 * j, bool(j & 1), prot=1) for j in range(2)]
        await self.run_items(items)
        n_mixed = len(items)
        # 2. ones: the SSID 0xFF / ASID 0xFFFF context, STE overrides all ones, one page per entry
        hi = ctxs[-1]
        ste = drv.read_ste(sid)
        for f, v in OVR_ONES.items():
            setattr(ste, f, v)
        await drv.write_ste(sid, ste)
        mair = _mair_bytes([MAIR_WB_RAWA[i % 4] for i in range(8)])
        hi.cd.MAIR = mair
        await drv.write_cd(sid, hi.ssid, self.cd_tables[sid][0], hi.cd)
        for i in range(ent):
            # EL1-only pages: PRIVCFG=3 / INSTCFG=3 make every access a privileged instruction fetch
            # (an EL0-writable page would be PXN for it)
            hi.tables.map(0x8000_0000 + i * SIZE_4K, self.data_pa(), ap=AP_PRIV_RW, attr_idx=i % 8, sh=SH_ISH)
        await drv.issue([C.tlbi_nh_all()])
        ones = [self.vtxn(hi, 0x8000_0000 + i * SIZE_4K + 64 * (i % 8), bool(i & 1), prot=1) for i in range(ent)]
        await self.run_items(ones, shuffle=False)
        await self.hits_pass([self.vtxn(hi, it.addr, not it.is_write, prot=1) for it in ones], "ones, again")
        # 3. zeros: bypass StreamIDs, every override 0, one entry each
        byp = [s for s in range(0x80, 0x81 + ent) if s != sid][:ent]
        assert byp[-1] < 1 << env.params.SID_W
        for s in byp:
            await drv.write_ste(s, Ste(V=1, Config=CFG_BYPASS, **OVR_ZERO))
        await drv.issue([C.tlbi_nh_all()])
        zeros = [self.txn(s, self.mem_addr(), bool(i & 1), prot=self.rng.randrange(8)) for i, s in enumerate(byp)]
        await self.run_items(zeros, shuffle=False)
        await self.hits_pass([self.txn(s, self.mem_addr(), bool(i & 1)) for i, s in enumerate(byp)], "zeros, again")
        await self.finish()
        s = env.sb.stats
        self.log.info("TLB fields: %d mixed, %d + %d translated, %d + %d bypassed; outcomes %s", n_mixed, ent, ent,
                      ent, ent, {k: v for k, v in s.items() if k.startswith(("read_", "write_"))})
        assert s["read_translate"] + s["write_translate"] == n_mixed + 2 * ent, s
        assert s["read_bypass"] + s["write_bypass"] == 2 * ent, s
        assert env.sb.attr_checks >= n_mixed + 4 * ent, env.sb.attr_checks


def _mair_bytes(b) -> int:
    return sum(v << (8 * i) for i, v in enumerate(b))


# ====================================================================== per-ID counters, all IDs
@pyuvm.test()
class CodecovIdCountersAll(ConfigTest):
    """Every AXI ID of the build (64 with ID_W=6) carries bypass reads (STE Config=bypass, SMMUEN=1)
    with the downstream memory answering only after every read has gone out: 129 reads on each ID
    from 16 up (CodecovIdCounters covers IDs 0..15 in the default build), 8 on each lower one, so
    every per-ID outstanding counter above ID 15 passes 128.  With all of them outstanding a
    TLBI_NH_ALL + CMD_SYNC is issued: the SYNC must not complete before the last read issued ahead
    of it has completed (IHI 0070 3.21; the RTL's per-ID "old" counters, smmu_id_cnt old_cnt, take
    the whole count and drain with the responses).  The scoreboard checks every read's data and
    response; the test checks that every read was on m_axi before the first R beat (no back-pressure,
    whatever timing a regress seed chose)."""

    timeout_us = 40000.0

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up(default_ste="bypass")
        init_memory(env)
        rng = self.seeds.py("idcnt_all")
        nid = 1 << env.params.ID_W
        per_id = {i: (129 if i >= 16 else 8) for i in range(nid)}
        items = []
        for i, n in per_id.items():
            for _ in range(n):
                items.append(make_txn(env, 0, addr=MEM_BASE + rng.randrange(MEM_SIZE // 64) * 64, id_=i,
                                      prot=rng.randrange(8)))
        rng.shuffle(items)
        total = len(items)
        # every read must be on m_axi before the first R: no back-pressure (regress seeds choose some),
        # and a latency longer than issuing them all takes
        env.set_backpressure()
        env.mem_m.latency = (total + 4000, total + 4000)
        env.client.max_outstanding = total
        state = {"ars_before_r": None, "sync_done": None}

        async def watch():
            while state["ars_before_r"] is None:
                await RisingEdge(env.dut.aclk)
                if env.dut.m_axi_rvalid.value == 1:
                    state["ars_before_r"] = env.m_mon.stats["ar"]

        async def invalidate():
            while env.m_mon.stats["ar"] < total and state["ars_before_r"] is None:
                await RisingEdge(env.dut.aclk)
            await drv.issue([C.tlbi_nh_all()])
            state["sync_done"] = sum(1 for it in items if it.done.is_set())

        w = cocotb.start_soon(watch())
        inv = cocotb.start_soon(invalidate())
        await ListSeq("idcnt_all", items).start(env.agent.seqr)
        await env.quiesce()
        await inv
        w.cancel()
        s = env.sb.stats
        self.log.info("%d reads on %d IDs; %s AR handshakes on m_axi before the first R beat; %s reads done when "
                      "the SYNC completed; outcomes %s", total, nid, state["ars_before_r"], state["sync_done"],
                      {k: v for k, v in s.items() if k.startswith("read_")})
        assert s["read_bypass"] == total, env.sb.summary()
        assert state["ars_before_r"] == total, (state["ars_before_r"], total)
        assert state["sync_done"] == total, f"CMD_SYNC after TLBI_NH_ALL completed with only " \
                                            f"{state['sync_done']} of the {total} earlier reads done"
        await self.finish()


# ====================================================================== stall tags
@pyuvm.test()
class CodecovStallTags(StallTest):
    """STALL_ROUNDS rounds (default 32) of STALL_MAX stalls at once, each round from one of four
    StreamIDs with complementary bits (all ones, 0, 0xAAAA, 0x5555 within SID_W, at most 16 bits)
    and ended by one CMD_STALL_TERM: every stall tag index is used once per round, so each index's
    StreamID bits all toggle and its generation counts the rounds (bits 0..4 both ways with 32).
    Checked: a round's STAGs are unique and none is one of the previous round; from the second round
    on a RESUME (retry) naming a STAG of the previous round, whose index a live stall now holds, is a
    no-op, and every fourth round a RESUME with a live STAG and a STALL_TERM whose StreamID is the
    round's with every bit from SID_W to 31 set match nothing (IHI 0070: a SID/STAG pair that
    matches nothing is a no-op; the scoreboard compares all 32 bits, so a retried or aborted stall
    would be an error; the RTL no-match counter is compared at the end); STALL_TERM of the round's
    StreamID aborts every stall of the round (SLVERR)."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        smax = self.feat.stall_max
        sw = env.params.SID_W
        ones = (1 << min(sw, 16)) - 1
        sids = [ones, 0, 0xAAAA & ones, 0x5555 & ones]
        ctxs = [await self.sctx(s, 0x40 + k) for k, s in enumerate(sids)]
        rounds = int(self.knob("STALL_ROUNDS", 32))
        nid = 1 << env.params.ID_W
        alias = 0xFFFF_FFFF & ~((1 << sw) - 1)
        prev = {}
        nomatch = alias_terms = 0
        for r in range(rounds):
            ctx = ctxs[r % len(ctxs)]
            items = [self.vtxn(ctx, self.hole(k) + 64 * (r % 64), bool(k & 1), prot=1, len_=0, tid=k % nid)
                     for k in range(smax)]
            await self.launch(items)
            reqs = await self.stalled(smax)
            stags = [q.grpid for q in reqs]
            assert len(set(stags)) == smax, f"round {r}: STAGs not unique: {[hex(x) for x in stags]}"
            assert {q.sid for q in reqs} == {ctx.sid}, [str(q) for q in reqs]
            again = set(stags) & set(prev.values())
            assert not again, f"round {r}: STAGs of the previous round handed out again: {sorted(again)}"
            if r:
                # the previous round's STAGs all ended; their indices are live again with new STAGs
                old = sorted(prev.values())[r % len(prev)]
                await drv.resume(ctx.sid, old, "retry", wait=True)
                nomatch += 1
                await self.idle(20)
                self.assert_pending(items, f"round {r}: stalls after a RESUME of the stale STAG {old:#x}")
            if r % 4 == 1 and alias:
                # the round's StreamID with every bit above SID_W set names no stream: a RESUME with a
                # live STAG and a STALL_TERM of it match nothing
                await drv.resume(ctx.sid | alias, stags[0], "retry", wait=True)
                await drv.stall_term(ctx.sid | alias, wait=True)
                nomatch += 1
                alias_terms += 1
                await self.idle(20)
                self.assert_pending(items, f"round {r}: stalls after RESUME / STALL_TERM of StreamID "
                                           f"{ctx.sid | alias:#x}")
            await drv.stall_term(ctx.sid, wait=True)
            for q in reqs:
                q.answered = "stall_term"
            await self.wait_done(items)
            assert all(all(x == SLVERR for x in it.resp) for it in items), [str(it) for it in items]
            prev = {k: q.grpid for k, q in enumerate(reqs)}
        s = env.sb.stats
        self.log.info("%d rounds of %d stalls (StreamIDs %s): %s", rounds, smax, [hex(x) for x in sids],
                      env.sb.stall_summary())
        assert s["stall_term_aborts"] == rounds * smax and s["stall_term_cmds"] == rounds + alias_terms, s
        assert s["resume_nomatch"] == nomatch, s
        await self.finish_stalls()


# ====================================================================== CD.TTB0 bits
class _RootAt(TablePool):
    """A TablePool whose first allocation (the start-level table) is at ``root``; every later one
    comes from ``rest``."""

    def __init__(self, root: int, rest: TablePool):
        super().__init__(rest.base, rest.size)
        self.root, self.rest, self.root_used = root, rest, False

    def alloc(self, nbytes: int, align: int) -> int:
        if not self.root_used:
            assert self.root % align == 0, f"start table at {self.root:#x} not aligned to {align}"
            self.root_used = True
            return self.root
        return self.rest.alloc(nbytes, align)


# start-table addresses, in this order: bits 4..47 of CD.TTB0 alternate, then all ones, then a
# low ordinary pool; each one's bits go 0->1 and 1->0 in the cached CD (1 configuration-cache entry)
TTB_ROOTS = (0xAAAA_AAAA_AAA0, 0x5555_5555_5550, 0xFFFF_FFFF_FFF0, None)
TTB_T0SZ = 33          # start level 1, 2 entries: a 16-byte start table (TTB0 bits 4.. all usable)


@pyuvm.test()
class CodecovTtbBits(XltTest):
    """Translations through contexts whose CD.TTB0 has every bit 4..47 set in turn, each context's
    traffic finishing before the next one's starts (the 1-entry configuration cache of CAP_SMALL
    then holds each CD in turn): TTB0 0xAAAA_AAAA_AAA0, 0x5555_5555_5550, 0xFFFF_FFFF_FFF0 (masked
    to OAS) and a low one.  T0SZ=33 gives a 16-byte level-1 start table, so TTB0 needs only 16-byte
    alignment (like CornerTtbAligned); the level-2/3 tables come from an ordinary pool.  Both start
    entries are used (VA 0 and the top page), read and write; memory at any other address is zero,
    so a TTB0 bit lost on the way to the walker reads an invalid descriptor (F_TRANSLATION, a
    scoreboard error).  The all-ones context has CD.UWXN=1, which VMSAv8-64 ignores (IHI 0070 5.4):
    EL0 instruction reads of EL0-writable pages and privileged instruction reads of EL1-only
    writable pages must still translate (a UWXN taken as WXN would make them permission faults);
    the low context after it has UWXN=0."""

    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        oas = env.params.OAS_BITS
        mask = (1 << oas) - 1
        size = table_bytes(start_level(TTB_T0SZ), TTB_T0SZ)
        assert size == 16, size
        top = 1 << (64 - TTB_T0SZ)
        n = 0
        for k, root in enumerate(TTB_ROOTS):
            uwxn = int(root == 0xFFFF_FFFF_FFF0)
            pool = self.pool() if root is None else _RootAt(root & mask, self.pool())
            t = Stage1Tables(env.mem, pool, t0sz=TTB_T0SZ)
            if root is not None:
                assert t.root == root & mask, (hex(t.root), hex(root))
            ctx = await self.context(0x70 + k, 0x70 + k, tables=t, UWXN=uwxn)
            assert ctx.cd.TTB0 == t.root and ctx.cd.UWXN == uwxn, (hex(ctx.cd.TTB0), ctx.cd.UWXN)
            items = []
            # (va, ap, prot): data reads / writes, EL0 instruction reads of an EL0-writable page,
            # EL1 instruction reads of an EL1-only writable page
            cases = [(0, AP_RW, None), (top // 2, AP_RW, 0b100), (top - SIZE_4K, AP_PRIV_RW, 0b101),
                     (top // 2 - SIZE_4K, AP_RW, 1)]
            for va, ap, prot in cases:
                t.map(va, self.data_pa(), ap=ap)
                for i in range(4):
                    write = prot is None and bool(i & 1)
                    p = prot if prot is not None else (1 | (2 * (i >> 1)))
                    self.expect(f"TTB0 {t.root:#x} va {va:#x} prot {p}", ctx, va, None, write=write, prot=p)
                    items.append(self.vtxn(ctx, va + 64 * i, write, prot=p, len_=i % 2))
            await self.run_items(items)
            n += len(items)
            self.log.info("CD.TTB0=%#x UWXN=%d (T0SZ %d, %d-byte start table): %d transactions", t.root, uwxn,
                          TTB_T0SZ, size, len(items))
        await self.finish()
        s = env.sb.stats
        self.log.info("TTB0 bits: outcomes %s", {k: v for k, v in s.items() if k.startswith(("read_", "write_"))})
        assert s["read_translate"] + s["write_translate"] == n, env.sb.summary()


# ====================================================================== walk-cache tags
# (SID, SSID or None for SSV=0, ASID, VA prefix base, page-table pool base or None for a low one), each
# masked to the build's SID_W / SSID_W / OAS_BITS: every tag / data bit of the walk-cache entries, in
# this order, alternating, complemented, all ones, zeros (the pool bases alternate in bits 12..21 too)
WC_PATTERNS = (
    (0xAAAA_AAAA, 0xAAAA_AAAA, 0xAAAA, 0xAAAA_AAA0_0000, 0xAAAA_AAAA_A000),
    (0x5555_5555, 0x5555_5555, 0x5555, 0x5555_5540_0000, 0x5555_5555_5000),
    (0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF, 0xFFFF_FFE0_0000, 0xFFFF_FFF0_0000),
    (0x0000_0000, None, 0x0000, 0x0000_0000_0000, None),
)
WC_CD_AREA = 0x10_0000_0000     # SSID_W > 8: 2**SSID_W-entry CD tables (sparse memory), below 2**40


@pyuvm.test()
class CodecovWalkCacheTags(WalkCacheTest):
    """Every walk-cache entry of every level holds, in turn, tags and table addresses with bits
    alternating, complemented, all ones and all zeros (smmu_wcache t_sid / t_ssv / t_ssid / t_asid /
    t_va / d_table; the rest of the quick suite walks with small StreamIDs, SubstreamIDs, ASIDs,
    VAs below 2**40 and tables below 2**31; StreamID bits 8..15 and SubstreamID bits 8..19 exist only
    in the SID_W=16 / SSID_W=20 build, job codecov_wide).  Per pattern: a context with that StreamID,
    SubstreamID and ASID, its page tables in a pool at that address (masked to OAS); after
    TLBI_NH_ALL + CMD_SYNC, one miss on each of four VAs, the pattern's VA with bits 39..40 XORed
    with 0..3 (different at every level, so each walk fills the next free entry of L0, L1 and L2:
    4 descriptor reads), then one miss on another page of each VA's 2 MiB, which must read only
    the level-3 descriptor (an L2 hit: all four entries compared with these tags).  Every
    transaction is checked by the scoreboard (a wrong table from a false hit is a wrong PA)."""

    async def body(self) -> None:
        env = self.env
        drv = await self.setup_wc()
        oas_mask = (1 << env.params.OAS_BITS) - 1
        sid_mask = (1 << env.params.SID_W) - 1
        ssid_mask = (1 << env.params.SSID_W) - 1
        n = min(4, env.params.WCACHE_ENTRIES) if self.wc else 4
        if env.params.SSID_W > 8:
            self.cd_next = WC_CD_AREA
        walks = hits = 0
        for sid, ssid, asid, va_base, pool_base in WC_PATTERNS:
            pool = self.pool() if pool_base is None else TablePool(pool_base & oas_mask, POOL_SIZE)
            t = drv.new_pgtable(pool, 16)
            ctx = await self.context(sid & sid_mask, asid, tables=t,
                                     ssid=None if ssid is None else ssid & ssid_mask,
                                     cdmax=0 if ssid is None else env.params.SSID_W)
            vas = [va_base ^ (j << 39) for j in range(n)]
            for va in vas:
                t.map(va, self.data_pa())
                t.map(va + SIZE_4K, self.data_pa())
            await drv.issue([C.tlbi_nh_all()])
            for va in vas:
                await self.miss(ctx, va, 4, f"{ctx} VA {va:#x} (new 512 GiB)")
                walks += 1
            for va in vas:
                await self.miss(ctx, va + SIZE_4K, 1, f"{ctx} VA {va + SIZE_4K:#x} (same 2 MiB)")
                hits += 1
        await self.finish()
        s = env.sb.stats
        assert s["read_translate"] == walks + hits, env.sb.summary()
