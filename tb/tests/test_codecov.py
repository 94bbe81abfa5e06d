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

Rerun: python sim/run.py --sim icarus --suite quick --tests test_codecov --seed <n>
"""

from __future__ import annotations

from typing import Optional

import cocotb
import pyuvm

from cocotb.triggers import RisingEdge

from tb.driver.testkit import make_txn
from tb.env.base_test import SmmuBaseTest
from tb.model import commands as C
from tb.model import events as E
from tb.model.pagetable import SIZE_4K, Stage1Tables, TablePool
from tb.model.structs import IPS_ENCODING
from tb.sequences.scenarios import MEM_BASE, MEM_SIZE, init_memory
from tb.sequences.traffic import ListSeq
from tb.tests.test_config import ConfigTest
from tb.tests.test_translate import POOL_SIZE, PT_POOLS, TranslateRandom, XltTest

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
