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
   The GPU "can stall" (CD.S=1, STE.S1STALLD=0): its faults stall; the GPU driver's fault
   handler (tb/driver/smmu_driver.py GpuJobFaults, the msm/adreno pattern) snapshots the first
   fault of a job from a deferred task and answers it TERM later, and aborts every other
   stall of that job at once.
5. Stall stories, all at once: a GPU job runs off the end of its buffer and faults
   GPU_FAULTS (1,000) times (first fault snapshotted, the rest terminated); an IO-page-fault
   client (SVA-style demand paging, IopfQueue: stall -> page request -> the handler maps the
   page -> CMD_RESUME RETRY, no CMD_SYNC) touches pages nobody mapped yet; the DMA engine's
   unrelated traffic keeps flowing through all of it (hit-under-fault).
Summary: transactions by outcome, configuration-cache hits/misses, TLB lookups / hits /
misses / walks (the RTL's counters), events by type, stalls and resumes by action (the RTL's
counters, checked against the scoreboard), commands and syncs issued, overflows.
"""

from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from tb.agents.axi_txn import AxiTxn, TxnConstraints
from tb.driver.irq import IrqHandlers
from tb.driver.smmu_driver import GpuJobFaults, IopfQueue, make_s1_cd
from tb.driver.testkit import (check_stall_counters, counters_delta, format_counters, iopf_mapper,
                               sb_stall_counts, stall_counters, tlb_counters, wait_until)
from tb.env.scoreboard import TlbScope
from tb.model.pagetable import AP_RO, SIZE_2M, SIZE_4K, TablePool, linux_leaf
from tb.model.structs import Ste, ste_bypass
from tb.sequences.scenarios import MEM_BASE, MEM_SIZE, init_memory
from tb.sequences.traffic import RandomTrafficSeq
from tb.tests.test_config import ConfigTest

SID_DMA, SID_GPU, SID_BROKEN, SID_UNUSED, SID_IOPF = 1, 2, 3, 4, 5
GPU_ASID, IOPF_ASID = 1, 2
GPU_VA = 0x80_0000_0000        # 1 MiB of 4K pages scattered over MEM_BASE..+1 MiB
GPU_BLOCK_VA = GPU_VA + SIZE_2M  # a 2 MiB block onto the MEM_BASE 2 MiB region
GPU_PT_POOL = 0x4800_0000
GPU_BAD_VA = GPU_VA + 4 * SIZE_2M  # nothing mapped: a job running off its buffer faults here
IOPF_VA = 0x90_0000_0000       # the IOPF client's window: mapped on demand onto MEM_BASE..+1 MiB
IOPF_PT_POOL = 0x4C00_0000


@pyuvm.test()
class MainBringUp(ConfigTest):
    async def body(self) -> None:
        env = self.env
        init_memory(env)
        env.random_backpressure(self.seeds.py("bp"))
        env.mem_m.latency = (0, 8)
        env.mem_tw.latency = (0, 4)
        n = self.knob("TXNS", 400)
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
        stalls = f.stall_model != 1
        await drv.attach_s1(SID_GPU, cd_table, make_s1_cd(f, GPU_ASID, pt.ttb0, stall_enabled=stalls),
                            stall_enabled=stalls)
        drv.sync_hooks.append(env.sb.on_sync)
        rtl0, sb0 = stall_counters(env.dut), sb_stall_counts(env.sb)
        # job_of: the GPU job is the test's current phase (a constructor hook, not a patched method)
        gpu = GpuJobFaults(drv, snapshot=(300, 900), final="term", rng=self.seeds.py("gpu_snap"),
                           job_of=lambda r: self.gpu_job)
        gpu.attach(drv.add_master([SID_GPU], stall_enabled=stalls, name="gpu"))
        gpu.new_job("phase4")
        if params.SID_W > 2:
            await drv.write_ste(SID_BROKEN, Ste(V=0, Config=0b100))
        sids = [SID_DMA] * 4 + [SID_GPU] * 4 + [SID_BROKEN, SID_UNUSED]
        sids = [s for s in sids if s < (1 << params.SID_W)]
        self.log.info("phase 3: STEs installed: DMA sid %d bypass, GPU sid %d stage 1 (ASID %d, TTB0 %#x, "
                      "%d pages + a 2 MiB block), sid %d invalid, sid %d unused (abort)", SID_DMA, SID_GPU,
                      GPU_ASID, pt.ttb0, len(pt.mappings) - 1, SID_BROKEN, SID_UNUSED)

        # 4. mixed traffic, events by interrupt; the GPU driver remaps and unmaps a page meanwhile
        self.gpu_job = "phase4"
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
        await wait_until(env, lambda: not gpu.busy(), 40000, what="GPU snapshot of phase 4")

        # 5. stall stories
        if stalls and params.SID_W > 2:
            await self._stall_stories(drv, gpu, pt)
        await self.finish()
        irq.stop()
        assert not irq.errors and not gpu.errors, irq.errors + gpu.errors
        stall_rtl = check_stall_counters(env, rtl0, sb0)

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
            "  stalls: %s; resumes sent by action %s, STALL_TERMs %d; GPU jobs %s\n"
            "  driver: commands %d, CMD_SYNCs %d, records serviced %d, overflows %d, evtq irq runs %d\n"
            "  %s",
            sum(sb.get(f"{d}_{k}", 0) for d in ("read", "write") for k in kinds),
            ", ".join(f"{k} {sb.get('read_' + k, 0)}" for k in kinds),
            ", ".join(f"{k} {sb.get('write_' + k, 0)}" for k in kinds),
            c["lookups"], c["hits"], c["ste_fetches"], c["cd_fetches"],
            format_counters(tlb), evc.stats["walk_reads"],
            evc.summary(),
            ("RTL recorded %(cnt_stalls)d, retried %(cnt_retry)d, aborted %(cnt_abort)d, terminated "
             "%(cnt_term)d, no match %(cnt_nomatch)d, outstanding %(outstanding)d" % stall_rtl),
            drv.resumes, drv.stall_terms,
            {str(k): (v.faults, v.aborted) for k, v in gpu.jobs.items()}, drv.commands_issued, drv.syncs, len(drv.events), drv.overflows,
            irq.evtq_runs, env.summary().replace("\n", "\n  "))
        assert c["hits"] > 0 and c["ste_fetches"] > 0, c
        assert sb.get("read_translate", 0) and sb.get("write_translate", 0), sb
        assert evc.stats["walk_reads"] > 0, "no page-table walk seen on m_axi_tw"
        assert tlb["hits"] > 0 and tlb["walks"] > 0, tlb
        if params.SID_W > 2:
            self.need_types("C_BAD_STE")
        if stalls and params.SID_W > 2:
            assert stall_rtl["cnt_stalls"] >= self.storm and stall_rtl["cnt_retry"] > 0, stall_rtl

    async def _stall_stories(self, drv, gpu: GpuJobFaults, gpu_pt) -> None:
        """Phase 5: a GPU job's fault storm, IO page faults served by paging in, DMA flowing."""
        env = self.env
        n_storm = self.knob("GPU_FAULTS", 1000)
        self.storm = n_storm
        ids = 1 << env.params.ID_W
        # the IOPF client: an SVA-like domain whose pages are mapped when first touched
        io_pt = drv.new_pgtable(TablePool(IOPF_PT_POOL, 1 << 22))
        io_cds = self.alloc_cds(1)
        await drv.attach_s1(SID_IOPF, io_cds, make_s1_cd(drv.f, IOPF_ASID, io_pt.ttb0, stall_enabled=True),
                            stall_enabled=True)
        iopf = IopfQueue(drv, iopf_mapper(env, lambda r: io_pt,
                                          lambda r: MEM_BASE + ((r.addr - IOPF_VA) & (MEM_SIZE - 1) & ~0xFFF)),
                         delay=(20, 200), rng=self.seeds.py("iopf")).attach(
                             drv.add_master([SID_IOPF], name="iopf-dev"))
        self.gpu_job = "storm"
        gpu.new_job("storm")
        rng = self.seeds.py("stories")
        storm = [self.txn(SID_GPU, GPU_BAD_VA + (k % 256) * SIZE_4K + 64 * (k // 256), k % 3 == 0, prot=1,
                          len_=k % 4, tid=k % max(1, ids // 2)) for k in range(n_storm)]
        io = [self.txn(SID_IOPF, IOPF_VA + (k % 24) * SIZE_4K + 64 * (k // 24), k % 2 == 1, prot=1,
                       len_=k % 8, tid=(ids // 2 + k % 2) % ids) for k in range(72)]
        dma = [self.txn(SID_DMA, MEM_BASE + rng.randrange(MEM_SIZE // 64) * 64, k % 2 == 0, prot=1,
                        len_=rng.choice((0, 1, 3, 7)), tid=(ids - 1 - k % 2) % ids) for k in range(400)]
        mix = storm + io + dma
        rng.shuffle(mix)
        c0 = env.cycles()
        self.log.info("phase 5: GPU job faults %d times (STALL_MAX %d), IOPF client touches %d unmapped pages, "
                      "DMA %d transactions, all at once", n_storm, drv.f.stall_max, 24, len(dma))
        await self.send(mix, max_outstanding=32)
        await env.quiesce(max_cycles=400000)
        await wait_until(env, lambda: not gpu.busy() and not iopf.busy(), 40000, what="fault handlers idle")
        st = gpu.jobs["storm"]
        n_ok = lambda items: sum(1 for it in items if all(r == 0 for r in it.resp))   # noqa: E731
        self.log.info("phase 5 done in %d cycles: GPU job %d stall records, first snapshotted (%s) and "
                      "answered %s, %d aborted at once; IOPF %d page requests served (%d pages mapped), "
                      "%d/%d IOPF transactions OKAY; DMA %d/%d OKAY", env.cycles() - c0, st.faults,
                      st.first, gpu.final, st.aborted, len(iopf.served), len(io_pt.mappings), n_ok(io),
                      len(io), n_ok(dma), len(dma))
        assert st.faults == n_storm and st.aborted == n_storm - 1 and st.snapshot_done, \
            (st.faults, st.aborted, st.snapshot_done)
        assert n_ok(io) == len(io) and n_ok(dma) == len(dma), "IOPF / DMA transactions failed"
        assert not iopf.errors, iopf.errors
        iopf.stop()

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
