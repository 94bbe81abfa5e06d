"""`make sim`: the SMMU's life as a Linux system sees it, with a summary at the end.

1. Firmware: the SMMU is disabled (GBPA bypass) and a DMA engine is already running;
   its traffic passes untranslated.
2. Linux probes the ID registers (features printed, nothing hard-coded) and brings the
   SMMU up in arm_smmu_device_reset order, polling every ACK; unused StreamIDs abort.
3. Linux installs STEs: a bypass (identity) stream for the DMA engine, a stage-1 stream
   with a CD table for a GPU (translation arrives with issue 4: until then its traffic
   aborts without an event), a stream whose STE is invalid (C_BAD_STE), and a StreamID
   nobody configured (Linux's default abort STE: silent abort).
4. Mixed traffic from all of them runs with back-pressure; the interrupt-driven event
   thread (evtq_irq) reads the records; the scoreboard checks every transaction and the
   event checker every record, field by field.
Summary: transactions by outcome, configuration-cache hits/misses, events by type,
commands and syncs issued.
"""

from __future__ import annotations

import pyuvm

from tb.agents.axi_txn import AxiTxn, TxnConstraints
from tb.driver.irq import IrqHandlers
from tb.env.config import env_int
from tb.model.structs import Ste, cd_linux, ste_bypass, ste_s1
from tb.sequences.scenarios import MEM_BASE, MEM_SIZE, init_memory
from tb.sequences.traffic import RandomTrafficSeq
from tb.tests.test_config import ConfigTest

SID_DMA, SID_GPU, SID_BROKEN, SID_UNUSED = 1, 2, 3, 4


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
        cd_table = self.alloc_cds(1 << min(params.SSID_W, 2))
        env.mem.write(cd_table, self.cd_ok(asid=1).pack())
        await drv.write_ste(SID_DMA, ste_bypass())
        await drv.write_ste(SID_GPU, ste_s1(cd_table, 0))
        if params.SID_W > 2:
            await drv.write_ste(SID_BROKEN, Ste(V=0, Config=0b100))
        sids = [SID_DMA] * 6 + [SID_GPU] * 2 + [SID_BROKEN, SID_UNUSED]
        sids = [s for s in sids if s < (1 << params.SID_W)]
        self.log.info("phase 3: STEs installed: DMA sid %d bypass, GPU sid %d stage 1, sid %d invalid, "
                      "sid %d unused (abort)", SID_DMA, SID_GPU, SID_BROKEN, SID_UNUSED)

        # 4. mixed traffic, events by interrupt
        await self._traffic("linux", n, sids)
        await self.finish()
        irq.stop()

        sb, evc = env.sb.stats, env.evc
        c = env.config_counts()
        self.log.info(
            "SUMMARY\n"
            "  transactions: %d (reads bypass %d abort %d, writes bypass %d abort %d)\n"
            "  configuration cache: lookups %d, hits %d, misses (STE fetches) %d, CD fetches %d\n"
            "  events: %s\n"
            "  driver: commands %d, CMD_SYNCs %d, records serviced %d, overflows %d, evtq irq runs %d\n"
            "  %s",
            sum(sb.get(k, 0) for k in ("read_bypass", "read_abort", "write_bypass", "write_abort")),
            sb.get("read_bypass", 0), sb.get("read_abort", 0), sb.get("write_bypass", 0),
            sb.get("write_abort", 0), c["lookups"], c["hits"], c["ste_fetches"], c["cd_fetches"],
            evc.summary(), drv.commands_issued, drv.syncs, len(drv.events), drv.overflows,
            irq.evtq_runs, env.summary().replace("\n", "\n  "))
        assert c["hits"] > 0 and c["ste_fetches"] > 0, c
        if params.SID_W > 2:
            self.need_types("C_BAD_STE")

    async def _traffic(self, salt: str, n: int, sids) -> None:
        env = self.env
        cons = TxnConstraints(addr_ranges=((MEM_BASE, MEM_BASE + MEM_SIZE),), sids=sids)

        def no_ssid(t: AxiTxn) -> None:
            t.ssidv, t.ssid = 0, 0

        env.client.max_outstanding = 32
        seq = RandomTrafficSeq(salt, n, self.seeds.py(salt), cons, env.data_bytes, env.params.ID_W,
                               env.params.SID_W, env.params.SSID_W, mutate=no_ssid)
        await seq.start(env.agent.seqr)
        await env.quiesce()
