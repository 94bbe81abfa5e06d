"""`make sim`: the SMMU's life as a Linux system sees it, with a summary at the end.

1. Firmware: the SMMU is disabled (GBPA bypass) and a DMA engine is already running;
   its traffic passes untranslated.
2. Linux probes the ID registers (features printed, nothing hard-coded) and brings the
   SMMU up in arm_smmu_device_reset order, polling every ACK; unused StreamIDs abort.
3. Linux installs STEs: a bypass (identity) stream for the DMA engine, a stage-1 domain
   for a GPU (arm_smmu_attach_dev: CD with ASID 1 and the domain's io-pgtable, then the
   CD-table STE), a stream whose STE is invalid (C_BAD_STE), and a StreamID nobody
   configured (Linux's default abort STE: silent abort). The GPU's page tables
   (tb/model/pagetable.py) scatter a 1 MiB VA window over the client memory page by
   page (a working set of 256 pages, eight times TLB_ENTRIES), map a 2 MiB block
   after it, and leave one page read-only and one unmapped, so some GPU accesses
   fault (F_PERMISSION / F_TRANSLATION records).
4. Mixed traffic from all of them runs with back-pressure; the interrupt-driven event
   thread (evtq_irq) reads the records; the scoreboard checks every transaction and the
   event checker every record, field by field.
   Mid-run the GPU driver remaps a page and unmaps another (io-pgtable unmap: TLBI_NH_VA
   per page + CMD_SYNC), as Linux does while DMA is running.
Summary: transactions by outcome, configuration-cache hits/misses, TLB lookups / hits /
misses / walks (the RTL's counters), events by type, commands and syncs issued.
"""

from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from tb.agents.axi_txn import AxiTxn, TxnConstraints
from tb.driver.irq import IrqHandlers
from tb.driver.smmu_driver import make_s1_cd
from tb.driver.testkit import counters_delta, format_counters, tlb_counters
from tb.env.config import env_int
from tb.env.scoreboard import TlbScope
from tb.model.pagetable import AP_RO, SIZE_2M, SIZE_4K, TablePool, linux_leaf
from tb.model.structs import Ste, ste_bypass
from tb.sequences.scenarios import MEM_BASE, MEM_SIZE, init_memory
from tb.sequences.traffic import RandomTrafficSeq
from tb.tests.test_config import ConfigTest

SID_DMA, SID_GPU, SID_BROKEN, SID_UNUSED = 1, 2, 3, 4
GPU_ASID = 1
GPU_VA = 0x80_0000_0000        # 1 MiB of 4K pages scattered over MEM_BASE..+1 MiB
GPU_BLOCK_VA = GPU_VA + SIZE_2M  # a 2 MiB block onto the MEM_BASE 2 MiB region
GPU_PT_POOL = 0x4800_0000


@pyuvm.test()
class MainBringUp(ConfigTest):
    async def body(self) -> None:
        env = self.env
        init_memory(env)
        env.random_backpressure(self.seeds.py("bp"))
        env.mem_m.latency = (0, 8)
        env.mem_tw.latency = (0, 4)
        n = env_int("TXNS", 400)
        params = env.params

        # 1. firmware left the SMMU disabled: the DMA engine's traffic bypasses
        self.log.info("phase 1: firmware, SMMU disabled (GBPA=%#x)", await self.regs.read("GBPA"))
        await self._traffic("fw", n // 4, [SID_DMA])

        # 2. Linux bring-up
        drv = await self.bring_up()
        f = drv.f
        self.log.info("phase 2: probe: S1P=%d S2P=%d AArch64=%d ASID bits=%d STALL_MODEL=%d TERM_MODEL=%d "
                      "SID bits=%d SSID bits=%d CMDQ 2^%d EVTQ 2^%d OAS=%d GRAN4K=%d",
                      f.s1p, f.s2p, f.ttf_aarch64, f.asid_bits, f.stall_model, f.term_model, f.sid_bits,
                      f.ssid_bits, f.cmdq_shift, f.evtq_shift, f.oas, f.gran4k)
        self.log.info("phase 2: device_reset done: CR0ACK=%#x IRQ_CTRLACK=%#x",
                      await self.regs.read("CR0ACK"), await self.regs.read("IRQ_CTRLACK"))
        irq = IrqHandlers(env.dut, drv).start()

        # 3. streams
        c_tlb0 = tlb_counters(env.dut)
        pt = drv.new_pgtable(TablePool(GPU_PT_POOL, 1 << 22))
        perm = list(range(MEM_SIZE // SIZE_4K))
        self.seeds.py("gpu_map").shuffle(perm)
        rw = linux_leaf(read=True, write=True)
        for k, p in enumerate(perm):
            va = GPU_VA + k * SIZE_4K
            if k == len(perm) - 1:
                continue                                   # unmapped: F_TRANSLATION
            fields = dict(rw, ap=AP_RO) if k == len(perm) - 2 else rw    # read-only: writes F_PERMISSION
            pt.map(va, MEM_BASE + p * SIZE_4K, **fields)
        pt.map(GPU_BLOCK_VA, MEM_BASE & ~(SIZE_2M - 1), SIZE_2M, **rw)
        cd_table = self.alloc_cds(1 << min(params.SSID_W, 2))
        await drv.write_ste(SID_DMA, ste_bypass())
        await drv.attach_s1(SID_GPU, cd_table, make_s1_cd(f, GPU_ASID, pt.ttb0, stall_enabled=False))
        drv.sync_hooks.append(env.sb.on_sync)
        if params.SID_W > 2:
            await drv.write_ste(SID_BROKEN, Ste(V=0, Config=0b100))
        sids = [SID_DMA] * 4 + [SID_GPU] * 4 + [SID_BROKEN, SID_UNUSED]
        sids = [s for s in sids if s < (1 << params.SID_W)]
        self.log.info("phase 3: STEs installed: DMA sid %d bypass, GPU sid %d stage 1 (ASID %d, TTB0 %#x, "
                      "%d pages + a 2 MiB block), sid %d invalid, sid %d unused (abort)", SID_DMA, SID_GPU,
                      GPU_ASID, pt.ttb0, len(pt.mappings) - 1, SID_BROKEN, SID_UNUSED)

        # 4. mixed traffic, events by interrupt; the GPU driver remaps and unmaps a page meanwhile
        task = cocotb.start_soon(self._traffic("linux", n, sids))
        await ClockCycles(env.dut.aclk, 800)
        for k, what in ((3, "remap"), (7, "unmap")):
            va = GPU_VA + k * SIZE_4K
            old = pt.lookup(va)
            if what == "remap":
                fn = lambda va=va, old=old: pt.map(va, MEM_BASE + perm[-1] * SIZE_4K, **rw,   # noqa: E731
                                                   replace_existing=True)
            else:
                fn = lambda va=va: pt.unmap(va)                                            # noqa: E731
            env.sb.pt_update([(a, n_) for _, a, n_ in pt.tables], fn,
                             TlbScope({GPU_ASID}, va, SIZE_4K, leaf=True), f"GPU {what} {va:#x}")
            await drv.tlbi_range(GPU_ASID, va, SIZE_4K)          # io-pgtable unmap: TLBI_NH_VA + SYNC
            self.log.info("phase 4: GPU %s of %#x (was PA %#x), TLBI_NH_VA + SYNC done", what, va, old.pa)
        await task
        await self.finish()
        irq.stop()

        sb, evc = env.sb.stats, env.evc
        c = env.config_counts()
        tlb = counters_delta(c_tlb0, tlb_counters(env.dut))
        kinds = ("bypass", "translate", "abort", "raz")
        self.log.info(
            "SUMMARY\n"
            "  transactions: %d (reads %s; writes %s)\n"
            "  configuration cache: lookups %d, hits %d, misses (STE fetches) %d, CD fetches %d\n"
            "  translation: %s; walk descriptor reads %d\n"
            "  events: %s\n"
            "  driver: commands %d, CMD_SYNCs %d, records serviced %d, overflows %d, evtq irq runs %d\n"
            "  %s",
            sum(sb.get(f"{d}_{k}", 0) for d in ("read", "write") for k in kinds),
            ", ".join(f"{k} {sb.get('read_' + k, 0)}" for k in kinds),
            ", ".join(f"{k} {sb.get('write_' + k, 0)}" for k in kinds),
            c["lookups"], c["hits"], c["ste_fetches"], c["cd_fetches"],
            format_counters(tlb), evc.stats["walk_reads"],
            evc.summary(), drv.commands_issued, drv.syncs, len(drv.events), drv.overflows,
            irq.evtq_runs, env.summary().replace("\n", "\n  "))
        assert c["hits"] > 0 and c["ste_fetches"] > 0, c
        assert sb.get("read_translate", 0) and sb.get("write_translate", 0), sb
        assert evc.stats["walk_reads"] > 0, "no page-table walk seen on m_axi_tw"
        if tlb is not None:
            assert tlb["hits"] > 0 and tlb["walks"] > 0, tlb
        if params.SID_W > 2:
            self.need_types("C_BAD_STE")

    async def _traffic(self, salt: str, n: int, sids) -> None:
        env = self.env
        cons = TxnConstraints(addr_ranges=((MEM_BASE, MEM_BASE + MEM_SIZE),), sids=sids)

        rng = self.seeds.py(salt + "_gpu")

        def no_ssid(t: AxiTxn) -> None:
            t.ssidv, t.ssid = 0, 0
            if t.sid == SID_GPU:
                # the GPU works in its VA window (page-scattered or the 2 MiB block), data accesses
                off = t.addr - MEM_BASE
                t.addr = (GPU_VA if rng.random() < 0.7 else GPU_BLOCK_VA) + off
                t.prot &= ~4

        env.client.max_outstanding = 32
        seq = RandomTrafficSeq(salt, n, self.seeds.py(salt), cons, env.data_bytes, env.params.ID_W,
                               env.params.SID_W, env.params.SSID_W, mutate=no_ssid)
        await seq.start(env.agent.seqr)
        await env.quiesce()
