"""Command and event queues through the Linux driver model (tb.driver.smmu_driver).

Client transactions whose STE is invalid (C_BAD_STE) or whose StreamID is beyond
STRTAB_BASE_CFG.LOG2SIZE (C_BAD_STREAMID) generate the event records; every record
is compared field by field (tb.model.events.diff_events) with the record
tb.model.config.lookup_config predicts. m_axi_tw handshakes are time-stamped by a
tap (tb.driver.testkit.TwTap) so fetch order and "nothing fetched" can be checked.

CmdqWrap              4-entry queue, >= 3 laps of CFGI/PREFETCH/TLBI/SYNC batches; exact fetch
                      address sequence, CONS wrap bit, every SYNC, CFGI effective each lap
CmdqIllegalMidBatch   unknown opcode, SSec=1 (every opcode with SSec), SYNC CS=3, TLBI_EL2_*, TLBI_S12_VMALL, TLBI_S2_IPA, PRI_RESP, ATC_INV mid-batch: CONS
                      stops on it with ERR=1, GERROR.CMDQ_ERR, gerror_irq (gated by IRQEN),
                      earlier CFGI effective, nothing later fetched; skip -> batch completes
                      (last variant recovered by the interrupt-driven gerror handler)
CmdqFetchAbort        bus error on a command slot: CONS.ERR=2, retried after the ack
CmdqSyncIrq           cmdq_sync_irq pulses once per CS=IRQ SYNC, never for SEV/NONE
CmdqSyncWaitsForFetch CFGI during an in-flight (slow) configuration fetch: SYNC completes only
                      after the fetch returned; the next transaction re-fetches
Burst fetch (commands read several per AXI burst into a buffer; the TLBI_NH_VA pulses at the
command queue's output are logged in order, so a skipped, repeated or early command fails):
CmdqBatchAcrossWrap   32-entry queue, 5 batches of 30 TLBI_NH_VA + SYNC straddling the wrap: each
                      slot read once, in order, no burst past the wrap/4 KiB; every TLBI once
CmdqIllegalInBurst    illegal command in the middle of a prefetched burst: CONS stops exactly on
                      it, nothing after it executes until GERRORN; then the rest, each once
CmdqBurstFetchAbort   bus error on one command (first or second beat) inside a burst: the ones
                      before it execute, CONS.ERR=ABT on it; after the ack it is read again
CmdqProdDuringBurst   PROD advanced while a burst is in flight (slow command reads): the burst
                      stopped at the old PROD, the new commands are read next, none twice
CmdqDisableMidBatch   CMDQEN cleared mid-batch: consumption stops at a command boundary, the
                      prefetch is discarded; re-enabled, reading restarts at CONS, each once
EvtqOverflow          2-entry queue: PROD stops, OVFLG toggles once, records exact; service;
                      again; second overflow toggles back
EvtqDisabledDrops     EVENTQEN=0: faults abort, nothing written, no OVFLG
EvtqWriteAbort        bus error on the queue: EVENTQ_ABT_ERR, PROD unchanged, silent drops,
                      recovery after GERRORN + range removal
EvtqIrq               evtq_irq = IRQEN && PROD != CONS; interrupt-driven service drains it
"""

from __future__ import annotations

from typing import List

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge

from tb.agents.axi_mem_responder import ErrorRange
from tb.driver.irq import IrqHandlers
from tb.driver.smmu_driver import (CMDQ_ENT, EVTQ_ENT, SmmuDriver, make_bypass_ste, make_cdtable_ste,
                                   make_s1_cd, q_idx, q_used)
from tb.driver.testkit import (PulseCounter, TwTap, aborted, check_records, driver_config, expected_event,
                               make_txn, one_txn, random_tw_backpressure)
from tb.env.base_test import SmmuBaseTest
from tb.env.env import PERIOD_NS
from tb.model import commands as C
from tb.model.events import C_BAD_STE, C_BAD_STREAMID, EventRecord
from tb.model.pagetable import TablePool
from tb.model.structs import Ste
from tb.regmap import fget
from tb.hier import block

SLVERR = 2
BAD_STE = Ste(V=0, Config=0b100)


class QueueTest(SmmuBaseTest):
    timeout_us = 2000.0

    async def start_driver(self, bp: bool = True, **cfg) -> SmmuDriver:
        """Bring the SMMU up with the Linux driver model (queue sizes forced by the test).

        ``bp``: seed-chosen back-pressure and latency on m_axi_tw, s_axi and m_axi, so
        command fetches, configuration fetches and record writes interleave differently
        per seed (the checks do not depend on timing)."""
        cfg.setdefault("linux_checks", False)
        env = self.env
        if bp:
            random_tw_backpressure(env, self.seeds.py("tw_bp"))
        drv = SmmuDriver(self.env.regs, self.env.mem, driver_config(**cfg))
        await drv.probe()
        await drv.device_reset()
        self.drv = drv
        self.tap = TwTap(self.env.tw_smp)
        self.log.info("driver: %s", drv.describe())
        return drv

    async def set_ste(self, sid: int, ste: Ste) -> None:
        """Write an STE directly (no traffic of ``sid`` in flight) and invalidate it."""
        self.env.mem.write(self.drv.ste_addr(sid), ste.pack())
        await self.drv.issue([C.cfgi_ste(sid)])

    async def fault(self, sid: int, addr: int, **kw):
        """One transaction that must abort with a configuration event; returns (txn, record)."""
        it = await one_txn(self.env, sid, addr=addr, **kw)
        want = expected_event(self.env, it)
        assert want is not None and want.EventID in (C_BAD_STE, C_BAD_STREAMID), \
            f"sid {sid:#x} was meant to fault: predicted {want}"
        assert aborted(it), f"faulting transaction not aborted: {it}"
        return it, want

    async def collect(self, n: int, what: str = "records") -> List[EventRecord]:
        """Service the event queue until ``n`` new records arrived (a transaction's abort
        response only means its record was handed to the queue, not yet written)."""
        got: List[EventRecord] = []
        for _ in range(200):
            got += await self.drv.service_evtq()
            if len(got) >= n:
                break
        await self.settle()
        got += await self.drv.service_evtq()          # nothing more may arrive
        return got

    async def settle(self) -> None:
        """Wait until no event-record write is pending or in flight on m_axi_tw."""
        dut = self.env.dut
        await ClockCycles(dut.aclk, 4)
        await self.wait_for(lambda: not int(dut.m_axi_tw_awvalid.value) and not int(dut.m_axi_tw_wvalid.value)
                            and len([b for b in self.tap.b if b[1] == 0]) == len([a for a in self.tap.aw if a[1] == 0]),
                            "event-record writes to finish")
        await ClockCycles(dut.aclk, 4)

    async def reg(self, name: str) -> int:
        return await self.env.regs.read(name)

    async def wait_for(self, cond, what: str, cycles: int = 5000) -> None:
        for _ in range(cycles):
            if cond():
                return
            await RisingEdge(self.env.dut.aclk)
        raise AssertionError(f"timeout waiting for {what}")

    async def poll_reg(self, name: str, pred, what: str, limit: int = 500) -> int:
        for _ in range(limit):
            v = await self.reg(name)
            if pred(v):
                return v
        raise AssertionError(f"timeout waiting for {what} ({name}={v:#x})")

    async def poll_gerror(self, bit: int, what: str, limit: int = 500) -> None:
        for _ in range(limit):
            if ((await self.reg("GERROR")) ^ (await self.reg("GERRORN"))) & bit:
                return
        raise AssertionError(f"timeout waiting for GERROR bit {bit:#x} ({what})")

    def evtq_writes(self) -> List:
        d = self.drv
        lo, hi = d.cfg.evtq_base, d.cfg.evtq_base + (EVTQ_ENT << d.f.evtq_shift)
        return [a for a in self.tap.aw if lo <= a[2] < hi]

    def cmd_fetches(self) -> List[int]:
        """Every command slot read by the command queue (ARID 1), in order: a burst of
        2n beats reads the n slots from its address on (it must stay inside the queue)."""
        d = self.drv
        lo, hi = d.cfg.cmdq_base, d.cfg.cmdq_base + (CMDQ_ENT << d.f.cmdq_shift)
        out = []
        for _, _, addr, alen in self.tap.reads(1, lo, hi):
            assert alen % 2 == 1 and addr % CMDQ_ENT == 0, f"command read {addr:#x} ARLEN {alen}: not whole commands"
            n = (alen + 1) // 2
            assert addr + n * CMDQ_ENT <= hi, f"command read {addr:#x} x{n} crosses the queue end {hi:#x}"
            assert addr // 4096 == (addr + n * CMDQ_ENT - 1) // 4096, f"command read {addr:#x} x{n} crosses 4 KiB"
            out += [addr + i * CMDQ_ENT for i in range(n)]
        return out

    def slot_addr(self, ptr: int) -> int:
        return self.drv.cfg.cmdq_base + q_idx(ptr, self.drv.f.cmdq_shift) * CMDQ_ENT


# ====================================================================== command queue
@pyuvm.test()
class CmdqWrap(QueueTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(cmdq_shift=2, evtq_shift=3)
        size = 1 << drv.f.cmdq_shift
        c0 = drv.commands_issued                       # the tap starts after device_reset
        sid = 3
        await drv.write_ste(sid, make_bypass_ste())
        rounds = 0
        while drv.commands_issued - c0 < 3 * size or rounds < 4:
            rounds += 1
            # cached bypass -> invalid in memory -> CFGI inside a batch that wraps the queue
            it = await one_txn(env, sid)
            assert not aborted(it), f"round {rounds}: bypass STE aborted"
            env.mem.write(drv.ste_addr(sid), BAD_STE.pack())
            await drv.issue([C.prefetch_config(sid), C.tlbi_nh_asid(rounds), C.cfgi_ste(sid),
                             C.tlbi_nh_all(), C.cfgi_cd(sid), C.tlbi_nsnh_all(),
                             C.cfgi_ste_range(sid & ~1, 0)])
            _, want = await self.fault(sid, 0x1000_0000 + 0x40 * rounds)
            check_records(await self.collect(1), [want], f"round {rounds}")
            env.mem.write(drv.ste_addr(sid), make_bypass_ste().pack())   # faults are not cached
        cons = await self.reg("CMDQ_CONS")
        prod = await self.reg("CMDQ_PROD")
        mask = (2 << drv.f.cmdq_shift) - 1
        assert cons & mask == prod & mask == drv.cmdq_prod, f"CONS {cons:#x} PROD {prod:#x} drv {drv.cmdq_prod:#x}"
        assert (await self.reg("GERROR")) == (await self.reg("GERRORN")) and not drv.cmdq_errors
        fetched = self.cmd_fetches()
        n = drv.commands_issued
        exp = [self.slot_addr(p) for p in range(c0, n)]
        assert fetched == exp, f"command fetch sequence differs: first mismatch at " \
            f"{next((i for i, (a, b) in enumerate(zip(fetched, exp)) if a != b), min(len(fetched), len(exp)))}, " \
            f"{len(fetched)} fetched, {len(exp)} expected"
        laps = (n - c0) // size
        assert laps >= 3, f"only {laps} laps"
        # the wrap bit went through both values: SYNC targets (PROD after each batch) include both
        wraps = {p >> drv.f.cmdq_shift & 1 for p in drv.sync_log}
        assert wraps == {0, 1}, f"wrap bits seen at SYNC completion: {wraps}"
        self.log.info("%d commands in %d SYNC batches, %d laps of a %d-entry queue, final CONS %#x",
                      n, drv.syncs, laps, size, cons)


def _raw_opcode(op: int) -> bytes:
    return bytes([op]) + bytes(15)


BAD_COMMANDS = [
    ("unknown opcode 0x7F", _raw_opcode(0x7F)),
    ("CFGI_STE SSec=1", C.with_bits(C.cfgi_ste(9), 10)),
    ("SYNC CS=3", C.sync(cs=3)),
    # every other opcode's illegal form (functional coverage cmd.opcode_x_outcome): SSec=1 on the
    # Non-secure queue, or a feature this SMMU lacks (HYP, S2P, PRI)
    *[(f"{C.decode(c).name} SSec=1", C.with_bits(c, 10)) for c in
      (C.prefetch_config(9), C.prefetch_addr(9, 0x1000), C.cfgi_ste_range(9, 2), C.cfgi_all(),
       C.cfgi_cd(9), C.cfgi_cd_all(9))],
    ("TLBI_EL2_ASID", C.tlbi_el2_asid(3)),
    ("TLBI_EL2_VA", C.tlbi_el2_va(3, 0x1000)),
    ("TLBI_EL2_VAA", C.tlbi_el2_vaa(0x1000)),
    ("TLBI_S12_VMALL", C.tlbi_s12_vmall()),
    ("TLBI_S2_IPA", C.tlbi_s2_ipa(0x1000)),
    ("PRI_RESP", C.pri_resp(9, 0, 0)),
    ("TLBI_EL2_ALL", C.tlbi_el2_all()),
    ("ATC_INV", C.atc_inv(9)),
]


@pyuvm.test()
class CmdqIllegalMidBatch(QueueTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(cmdq_shift=3, evtq_shift=3, poll_gerror=False)
        sid_a, sid_b = 5, 6
        addr = 0x1000_0000
        for k, (name, bad) in enumerate(BAD_COMMANDS):
            use_irq_thread = k == len(BAD_COMMANDS) - 1
            gate_irq = k == 0
            for sid in (sid_a, sid_b):
                await drv.write_ste(sid, make_bypass_ste())
                it = await one_txn(env, sid)
                assert not aborted(it)
            # both STEs become invalid in memory; the batch invalidates A before and B after `bad`
            env.mem.write(drv.ste_addr(sid_a), BAD_STE.pack())
            env.mem.write(drv.ste_addr(sid_b), BAD_STE.pack())
            if gate_irq:
                await drv._write_reg_sync("IRQ_CTRL", 1 << 2, "IRQ_CTRLACK")     # GERROR_IRQEN=0
            batch = [C.cfgi_ste(sid_a), C.prefetch_config(sid_a), bad, C.cfgi_ste(sid_b), drv.sync_cmd()]
            first = drv.cmdq_prod
            bad_ptr = (first + 2) & ((2 << drv.f.cmdq_shift) - 1)
            n_fetch0 = len(self.cmd_fetches())
            irq = None
            if use_irq_thread:
                irq = IrqHandlers(env.dut, drv).start()
                prod = await drv.submit(batch)
                await drv.wait_consumed(prod)
                irq.stop()
                assert irq.gerror_runs >= 1 and not irq.errors, f"gerror thread: {irq.gerror_runs} {irq.errors}"
            else:
                prod = await drv.submit(batch)
                # CONS.ERR keeps its last code; the stop is signalled by GERROR.CMDQ_ERR
                await self.poll_gerror(1, name)
                cons = await self.reg("CMDQ_CONS")
                await ClockCycles(env.dut.aclk, 40)      # the queue must stay stopped
                cons2 = await self.reg("CMDQ_CONS")
                assert cons2 == cons, f"{name}: CONS moved while in error ({cons:#x} -> {cons2:#x})"
                ptr_mask = (2 << drv.f.cmdq_shift) - 1
                assert fget("CMDQ_CONS", "RD", cons) & ptr_mask == bad_ptr and \
                    fget("CMDQ_CONS", "ERR", cons) == 1, \
                    f"{name}: CONS {cons:#x}, expected RD={bad_ptr:#x} ERR=1 (CERROR_ILL)"
                active = (await self.reg("GERROR")) ^ (await self.reg("GERRORN"))
                assert active == 1, f"{name}: GERROR^GERRORN={active:#x}, expected CMDQ_ERR only"
                line = int(env.dut.gerror_irq.value)
                if gate_irq:
                    assert line == 0, "gerror_irq high with GERROR_IRQEN=0"
                    await drv._write_reg_sync("IRQ_CTRL", 5, "IRQ_CTRLACK")
                    await ClockCycles(env.dut.aclk, 2)
                    line = int(env.dut.gerror_irq.value)
                assert line == 1, f"{name}: gerror_irq not raised"
                fetched = self.cmd_fetches()[n_fetch0:]
                # read in order from the batch start up to at least the illegal command, never
                # past PROD; a prefetch may have read the commands after it (not executed)
                batch_slots = [self.slot_addr(first + i) for i in range(len(batch))]
                assert 3 <= len(fetched) <= len(batch) and fetched == batch_slots[:len(fetched)], \
                    f"{name}: fetched {[hex(a) for a in fetched]} (must read the batch in order up to PROD)"
                # the CFGI before the illegal command took effect: A faults now
                _, want = await self.fault(sid_a, addr)
                addr += 0x40
                check_records(await self.collect(1), [want], f"{name}: A after the stop")
                # skip it (CMD_SYNC in its place), acknowledge, the batch completes
                handled = await drv.handle_gerror()
                assert handled == 1
                await drv.wait_consumed(prod)
                assert env.dut.gerror_irq.value == 0
            assert drv.cmdq_errors[-1] == 1, f"{name}: handler saw CONS.ERR {drv.cmdq_errors}"
            assert env.mem.read(self.slot_addr(bad_ptr), CMDQ_ENT) == drv.sync_cmd()
            assert (await self.reg("GERROR")) == (await self.reg("GERRORN"))
            fetched = self.cmd_fetches()[n_fetch0:]
            tail = [self.slot_addr(first + i) for i in (2, 3, 4)]
            assert fetched[-3:] == tail, f"{name}: after recovery fetched {[hex(a) for a in fetched]}"
            # the CFGI after the illegal command took effect only now: B faults
            if use_irq_thread:
                _, want = await self.fault(sid_a, addr)
                addr += 0x40
                check_records(await self.collect(1), [want], f"{name}: A")
            _, want = await self.fault(sid_b, addr)
            addr += 0x40
            check_records(await self.collect(1), [want], f"{name}: B after recovery")
            self.log.info("%s: stopped on it, skipped, batch completed%s", name,
                          " (interrupt-driven)" if use_irq_thread else "")
        assert len(drv.cmdq_errors) == len(BAD_COMMANDS)


@pyuvm.test()
class CmdqFetchAbort(QueueTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(cmdq_shift=3, evtq_shift=3, poll_gerror=False)
        sid = 7
        await drv.write_ste(sid, make_bypass_ste())
        assert not aborted(await one_txn(env, sid))
        env.mem.write(drv.ste_addr(sid), BAD_STE.pack())
        first = drv.cmdq_prod
        slot = self.slot_addr(first + 1)
        env.mem_tw.errors.append(ErrorRange(slot, slot + CMDQ_ENT, SLVERR, "r", beats=True))
        prod = await drv.submit([C.prefetch_config(sid), C.cfgi_ste(sid), drv.sync_cmd()])
        await self.poll_gerror(1, "CMDQ_ERR")
        cons = await self.reg("CMDQ_CONS")
        ptr_mask = (2 << drv.f.cmdq_shift) - 1
        assert fget("CMDQ_CONS", "ERR", cons) == 2 and cons & ptr_mask == (first + 1) & ptr_mask, \
            f"CONS {cons:#x}: expected ERR=2 (CERROR_ABT) on {(first + 1) & ptr_mask:#x}"
        assert (await self.reg("GERROR")) ^ (await self.reg("GERRORN")) == 1
        assert int(env.dut.gerror_irq.value) == 1
        assert self.cmd_fetches().count(slot) == 1, "the failing slot must be read once before the ack"
        env.mem_tw.errors.clear()
        assert await drv.handle_gerror() == 1
        await drv.wait_consumed(prod)
        assert drv.cmdq_errors == [2]
        assert env.mem.read(slot, CMDQ_ENT) == C.cfgi_ste(sid), "CERROR_ABT: the command must be retried as is"
        assert self.cmd_fetches().count(slot) == 2, "the aborted slot must be fetched again"
        _, want = await self.fault(sid, 0x1000_0100)
        check_records(await self.collect(1), [want], "after the retried CFGI")


@pyuvm.test()
class CmdqSyncIrq(QueueTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(cmdq_shift=4, evtq_shift=3)
        pulses = PulseCounter(env.dut.cmdq_sync_irq)
        rng = self.seeds.py("sync")
        expected = 0
        for b in range(6):
            cs_list = [rng.choice((C.CS_IRQ, C.CS_SEV, C.CS_NONE)) for _ in range(rng.randint(1, 4))]
            if b == 0:
                cs_list = [C.CS_IRQ, C.CS_SEV, C.CS_NONE]
            batch = []
            for cs in cs_list:
                batch += [C.tlbi_nh_asid(b), C.sync(cs=cs)]
            before = pulses.count
            prod = await drv.submit(batch)
            await drv.wait_consumed(prod)
            await ClockCycles(env.dut.aclk, 4)
            n_irq = cs_list.count(C.CS_IRQ)
            expected += n_irq
            assert pulses.count - before == n_irq, \
                f"batch {b} CS={cs_list}: {pulses.count - before} cmdq_sync_irq pulses, expected {n_irq}"
        # plain driver SYNCs (CS=SEV) never pulse
        before = pulses.count
        await drv.issue([C.cfgi_all(), C.tlbi_nsnh_all()])
        await self.settle()
        assert pulses.count == before == expected
        pulses.stop()
        self.log.info("%d CS=IRQ SYNCs, %d pulses", expected, pulses.count)


@pyuvm.test()
class CmdqSyncWaitsForFetch(QueueTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(bp=False, cmdq_shift=3, evtq_shift=3)   # timing is the point here
        f = drv.f
        sid, cd_tab = 4, 0x4400_0000
        pt = drv.new_pgtable(TablePool(0x4500_0000, 1 << 20))
        pt.map(0x1000_0000, 0x1000_0000)                  # t1's page translates (identity)
        await drv.write_cd(sid, 0, cd_tab, make_s1_cd(f, asid=1, ttb0=pt.ttb0))
        await drv.write_ste(sid, make_cdtable_ste(f, cd_tab))
        await drv.issue([C.cfgi_all()])                   # nothing cached
        pulses = PulseCounter(env.dut.cmdq_sync_irq)
        lat = 100
        env.mem_tw.id_latency = {0: lat}                  # configuration fetches (ARID 0) are slow
        ste_a = drv.ste_addr(sid)
        n_ar = len(self.tap.ar)
        t1 = make_txn(env, sid)
        await env.client.send(t1)
        # wait for the CD fetch (ARID 0, ARLEN 3) of t1 to be in flight
        await self.wait_for(lambda: any(a[1] == 0 and a[3] == 3 for a in self.tap.ar[n_ar:]), "CD fetch")
        cd_ar = next(a for a in self.tap.ar[n_ar:] if a[1] == 0 and a[3] == 3)
        # software now breaks the STE and invalidates it, SYNC with CS=IRQ to time its completion.
        # t1 was accepted before the SYNC completed: it may use the old configuration (translate)
        # or look the new one up again (C_BAD_STE) -- a scoreboard configuration window
        env.sb.window_write(sid, ste_a, BAD_STE.pack())
        first = drv.cmdq_prod
        prod = await drv.submit([C.cfgi_ste(sid), C.sync(cs=C.CS_IRQ)])
        await drv.wait_consumed(prod)
        env.sb.end_window(sid)
        await t1.done.wait()
        t1_recs = [expected_event(env, t1)] if aborted(t1) else []
        self.log.info("t1 used the %s configuration", "new (C_BAD_STE)" if t1_recs else "old (translated)")
        env.mem_tw.id_latency = {}
        cyc = lambda ns: ns // PERIOD_NS
        sync_slot = self.slot_addr(first + 1)
        cd_done = [r[0] for r in self.tap.rlast if r[1] == 0 and r[0] > cd_ar[0]]
        assert pulses.count == 1, f"{pulses.count} sync pulses"
        t_sync = cyc(pulses.times[0])
        assert cd_done, "CD fetch never completed"
        t_cd = cd_done[0]
        fetch_times = [a[0] for a in self.tap.ar if a[1] == 1 and a[2] == sync_slot]
        assert fetch_times and fetch_times[-1] < t_cd, \
            f"the SYNC was not fetched while the CD fetch was in flight (SYNC AR {fetch_times}, CD R {t_cd})"
        assert t_sync > t_cd, f"SYNC completed at cycle {t_sync}, before the in-flight fetch returned ({t_cd})"
        self.log.info("CD fetch AR@%d R@%d, SYNC fetched @%s, completed @%d", cd_ar[0], t_cd, fetch_times,
                      t_sync)
        # the stale result was not cached: the next transaction fetches the STE again and faults
        n_ar = len(self.tap.ar)
        _, want = await self.fault(sid, 0x1000_0200)
        refetch = [a for a in self.tap.ar[n_ar:] if a[1] == 0 and a[2] == ste_a]
        assert refetch, "no STE re-fetch after CFGI+SYNC"
        check_records(await self.collect(1 + len(t1_recs)), t1_recs + [want], "after the SYNC")
        pulses.stop()


# ====================================================================== burst fetch
TLBI_VA0 = 0x20_0000_0000


def tlbi_va(i: int) -> bytes:
    return C.tlbi_nh_va(1, TLBI_VA0 + i * 4096, leaf=1)


class TlbiLog:
    """TLBI_NH_VA commands as the command queue executes them: the VA of every tlbi_valid
    pulse (index i for TLBI_VA0 + i * 4K), in order."""

    def __init__(self, dut) -> None:
        self.q = block(dut, "cmdq_inst")
        self.clk = dut.aclk
        self.seen: List[int] = []
        self.task = cocotb.start_soon(self._run())

    async def _run(self) -> None:
        edge = RisingEdge(self.clk)
        while True:
            await edge
            if int(self.q.tlbi_valid.value):
                self.seen.append(((int(self.q.tlbi_va.value) << 12) - TLBI_VA0) // 4096)

    def stop(self) -> None:
        self.task.cancel()


class BurstTest(QueueTest):
    def burst_over(self, slots: List[int], since: int = 0) -> bool:
        """One command-queue read (after AR index ``since``) covered all of ``slots``."""
        for _, aid, addr, alen in self.tap.ar[since:]:
            if aid == 1 and all(addr <= a and a + CMDQ_ENT <= addr + (alen + 1) * 8 for a in slots):
                return True
        return False

    async def stopped_on(self, ptr: int, err: int, what: str) -> int:
        """CMDQ_ERR raised, CONS on ``ptr`` with ERR=``err``, and it stays there."""
        drv = self.drv
        await self.poll_gerror(1, what)
        cons = await self.reg("CMDQ_CONS")
        mask = (2 << drv.f.cmdq_shift) - 1
        assert cons & mask == ptr & mask and fget("CMDQ_CONS", "ERR", cons) == err, \
            f"{what}: CONS {cons:#x}, expected RD={ptr & mask:#x} ERR={err}"
        await ClockCycles(self.env.dut.aclk, 100)
        assert await self.reg("CMDQ_CONS") == cons, f"{what}: CONS moved while in error"
        return cons


@pyuvm.test()
class CmdqBatchAcrossWrap(BurstTest):
    async def body(self) -> None:
        drv = await self.start_driver(cmdq_shift=5, evtq_shift=3)
        size = 1 << drv.f.cmdq_shift
        log = TlbiLog(self.env.dut)
        first = drv.cmdq_prod
        n_f = len(self.cmd_fetches())
        n_ar = len(self.tap.ar)
        total, straddle = 0, 0
        for b in range(5):
            start = drv.cmdq_prod
            prod = await drv.submit([tlbi_va(total + i) for i in range(size - 2)] + [drv.sync_cmd()])
            total += size - 2
            straddle += q_idx(prod, drv.f.cmdq_shift) < q_idx(start, drv.f.cmdq_shift)
            await drv.wait_consumed(prod)
        log.stop()
        assert straddle >= 3, f"only {straddle} batches crossed the wrap"
        assert log.seen == list(range(total)), \
            f"TLBIs executed {len(log.seen)} for {total}; first difference at " \
            f"{next((i for i, (a, b) in enumerate(zip(log.seen, range(total))) if a != b), min(len(log.seen), total))}"
        n_cmds = total + 5
        fetched = self.cmd_fetches()[n_f:]                     # also checks wrap / 4 KiB per read
        assert fetched == [self.slot_addr(first + i) for i in range(n_cmds)], \
            f"{len(fetched)} slots read for {n_cmds} commands (each once, in order)"
        ars = [a for a in self.tap.ar[n_ar:] if a[1] == 1]
        assert len(ars) < n_cmds // 2 and max(a[3] for a in ars) > 1, \
            f"{len(ars)} reads for {n_cmds} commands: no burst fetch"
        cons = await self.reg("CMDQ_CONS")
        mask = (2 << drv.f.cmdq_shift) - 1
        assert cons & mask == drv.cmdq_prod & mask and not drv.cmdq_errors
        self.log.info("%d commands in %d reads over %d laps", n_cmds, len(ars), n_cmds // size)


@pyuvm.test()
class CmdqIllegalInBurst(BurstTest):
    async def body(self) -> None:
        drv = await self.start_driver(cmdq_shift=4, evtq_shift=3, poll_gerror=False)
        log = TlbiLog(self.env.dut)
        first, k, n = drv.cmdq_prod, 3, 9
        assert q_idx(first, 4) + 8 <= 16, "the first burst must be able to hold the illegal command"
        n_ar = len(self.tap.ar)
        n_f = len(self.cmd_fetches())
        bad = _raw_opcode(0x7F)
        batch = [tlbi_va(i) for i in range(k)] + [bad] + [tlbi_va(i) for i in range(k, n)] + [drv.sync_cmd()]
        prod = await drv.submit(batch)
        await self.stopped_on(first + k, 1, "illegal command in a burst")
        bad_slot = self.slot_addr(first + k)
        assert self.burst_over([self.slot_addr(first + k - 1), bad_slot, self.slot_addr(first + k + 1)], n_ar), \
            "the illegal command was not read in one burst with its neighbours"
        assert log.seen == list(range(k)), f"executed before the ack: {log.seen} (expected 0..{k - 1})"
        n_before = len(self.cmd_fetches())
        assert await drv.handle_gerror() == 1 and drv.cmdq_errors == [1]
        await drv.wait_consumed(prod)
        log.stop()
        assert log.seen == list(range(n)), f"executed {log.seen}, expected 0..{n - 1} once each, in order"
        fetched = self.cmd_fetches()
        assert fetched[n_before:] == [self.slot_addr(first + i) for i in range(k, len(batch))], \
            "after the ack, reading must restart at the illegal command's slot"
        assert fetched[n_f:n_before] == [self.slot_addr(first + i) for i in range(len(fetched[n_f:n_before]))]


@pyuvm.test()
class CmdqBurstFetchAbort(BurstTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(cmdq_shift=5, evtq_shift=3, poll_gerror=False)
        k, n = 4, 10
        done = 0
        for beat in (0, 1):
            log = TlbiLog(env.dut)
            first = drv.cmdq_prod
            n_ar = len(self.tap.ar)
            slot = self.slot_addr(first + k)
            env.mem_tw.errors = [ErrorRange(slot + 8 * beat, slot + 8 * beat + 8, SLVERR, "r", beats=True)]
            prod = await drv.submit([tlbi_va(done + i) for i in range(n)] + [drv.sync_cmd()])
            what = f"bus error on beat {beat} of command {k}"
            await self.stopped_on(first + k, 2, what)
            assert self.burst_over([self.slot_addr(first + k - 1), slot], n_ar), \
                f"{what}: the failing command was not read in a burst after another one"
            assert log.seen == [done + i for i in range(k)], \
                f"{what}: executed {log.seen} (the {k} commands before it, and only those)"
            reads_before = self.cmd_fetches().count(slot)
            env.mem_tw.errors = []
            assert await drv.handle_gerror() == 1
            await drv.wait_consumed(prod)
            log.stop()
            assert log.seen == [done + i for i in range(n)], f"{what}: executed {log.seen} after the retry"
            assert self.cmd_fetches().count(slot) == reads_before + 1, f"{what}: the failing slot was not read again"
            done += n
        assert drv.cmdq_errors == [2, 2]


@pyuvm.test()
class CmdqProdDuringBurst(BurstTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(bp=False, cmdq_shift=5, evtq_shift=3)
        log = TlbiLog(env.dut)
        env.mem_tw.id_latency = {1: 60}                 # command reads are slow
        first = drv.cmdq_prod
        n_f = len(self.cmd_fetches())
        n_ar = len(self.tap.ar)
        a, n = 5, 13
        await drv.submit([tlbi_va(i) for i in range(a)])
        await self.wait_for(lambda: any(x[1] == 1 for x in self.tap.ar[n_ar:]), "first command read")
        ar1 = next(x for x in self.tap.ar[n_ar:] if x[1] == 1)
        prod = await drv.submit([tlbi_va(i) for i in range(a, n)] + [drv.sync_cmd()])
        assert ar1[2] == self.slot_addr(first) and ar1[3] == 2 * a - 1, \
            f"first read {ar1[2]:#x} ARLEN {ar1[3]}: must cover exactly the {a} commands below the old PROD"
        assert not [r for r in self.tap.rlast if r[1] == 1 and r[0] >= ar1[0]], \
            "the first burst completed before PROD moved (test timing)"
        await drv.wait_consumed(prod)
        env.mem_tw.id_latency = {}
        log.stop()
        fetched = self.cmd_fetches()[n_f:]
        assert fetched == [self.slot_addr(first + i) for i in range(n + 1)], \
            f"slots read {[hex(x) for x in fetched]}: each command once, in order"
        assert log.seen == list(range(n)), f"executed {log.seen}"


@pyuvm.test()
class CmdqDisableMidBatch(BurstTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(bp=False, cmdq_shift=5, evtq_shift=3)
        shift = drv.f.cmdq_shift
        log = TlbiLog(env.dut)
        env.mem_tw.id_latency = {1: 20}
        first = drv.cmdq_prod
        n = 24
        n_f = len(self.cmd_fetches())
        prod = await drv.submit([tlbi_va(i) for i in range(n)] + [drv.sync_cmd()])
        await self.wait_for(lambda: len(log.seen) >= 3, "first commands executed")
        await drv._write_cr0(0x5)                        # CMDQEN=0, wait for CR0ACK
        n_ar_off = len(self.tap.ar)
        cons = await self.reg("CMDQ_CONS")
        done = q_used(cons, first, shift)
        assert 3 <= done < n, f"{done} commands consumed when CMDQEN was cleared"
        assert log.seen == list(range(done)), f"executed {log.seen} with CONS {done} past the batch start"
        n_stop = len(self.cmd_fetches())
        await ClockCycles(env.dut.aclk, 150)
        assert await self.reg("CMDQ_CONS") == cons and log.seen == list(range(done)), \
            "commands consumed with CMDQEN=0"
        assert not [x for x in self.tap.ar[n_ar_off:] if x[1] == 1], "command read with CMDQEN=0"
        await drv._write_cr0(0xD)
        await drv.wait_consumed(prod)
        env.mem_tw.id_latency = {}
        log.stop()
        assert log.seen == list(range(n)), f"executed {log.seen}: each once, in order"
        fetched = self.cmd_fetches()
        after = fetched[n_stop:]
        assert after == [self.slot_addr(first + i) for i in range(done, n + 1)], \
            "after re-enabling, reading must restart at CONS"
        before = fetched[n_f:n_stop]
        assert self.slot_addr(first + done) in before, \
            "the command at CONS had not been prefetched before the disable (test timing)"
        self.log.info("stopped after %d of %d; %d slots prefetched and discarded", done, n,
                      len([x for x in before if x in after]))


# ====================================================================== event queue
@pyuvm.test()
class EvtqOverflow(QueueTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(cmdq_shift=3, evtq_shift=1)
        size = 1 << drv.f.evtq_shift
        # half the StreamIDs out of range (C_BAD_STREAMID), one invalid STE (C_BAD_STE)
        await drv._write_cr0(0xC)
        await env.regs.write("STRTAB_BASE_CFG", drv.f.sid_bits - 1)
        await drv._write_cr0(0xD)
        bad_sid, oor_sid = 1, 1 << (drv.f.sid_bits - 1)
        await self.set_ste(bad_sid, BAD_STE)
        addr = iter(range(0x1000_0000, 0x1001_0000, 0x40))

        async def faults(n: int) -> List[EventRecord]:
            out = []
            for i in range(n):
                _, want = await self.fault(oor_sid if i % 2 else bad_sid, next(addr), write=bool(i % 3 == 2))
                out.append(want)
            await self.settle()
            return out

        # lap 1: fill the queue, then 3 more (dropped, one OVFLG toggle)
        want = await faults(size + 3)
        prod = await self.reg("EVENTQ_PROD")
        assert prod == (1 << 31) | size, f"EVENTQ_PROD {prod:#x}, expected OVFLG=1 and WR={size:#x}"
        assert len(self.evtq_writes()) == size, f"{len(self.evtq_writes())} record writes for a {size}-entry queue"
        recs = [EventRecord.unpack(env.mem.read(drv.cfg.evtq_base + i * 32, 32)) for i in range(size)]
        check_records(recs, want[:size], "records in the full queue")
        got = await drv.service_evtq()
        check_records(got, want[:size], "serviced after overflow 1")
        assert drv.overflows == 1
        cons = await self.reg("EVENTQ_CONS")
        assert cons == (1 << 31) | size, f"EVENTQ_CONS {cons:#x}: OVACKFLG must follow OVFLG"
        # lap 2: recorded again; overflow again -> OVFLG toggles back to 0
        want = await faults(size + 2)
        prod = await self.reg("EVENTQ_PROD")
        assert prod == 0, f"EVENTQ_PROD {prod:#x}, expected OVFLG=0 and WR=0 after the second overflow"
        got = await drv.service_evtq()
        check_records(got, want[:size], "serviced after overflow 2")
        assert drv.overflows == 2 and (await self.reg("EVENTQ_CONS")) == 0
        # no overflow pending: one more record is simply recorded
        want = await faults(1)
        check_records(await drv.service_evtq(), want, "after recovery")
        assert drv.overflows == 2 and len(self.evtq_writes()) == 2 * size + 1
        assert (await self.reg("GERROR")) == (await self.reg("GERRORN"))


@pyuvm.test()
class EvtqDisabledDrops(QueueTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(cmdq_shift=3, evtq_shift=1)
        sid = 2
        await self.set_ste(sid, BAD_STE)
        await drv._write_cr0(0x9)                               # EVENTQEN=0
        for i in range(4):                                        # twice the queue size
            it = await one_txn(env, sid, addr=0x1000_0000 + 0x40 * i)
            assert aborted(it), "fault with EVENTQEN=0 must still abort"
        await self.settle()
        assert not self.evtq_writes(), "records written with EVENTQEN=0"
        assert (await self.reg("EVENTQ_PROD")) == 0, "PROD/OVFLG changed with EVENTQEN=0"
        assert int(env.dut.evtq_irq.value) == 0
        await drv._write_cr0(0xD)
        _, want = await self.fault(sid, 0x1000_1000)
        check_records(await self.collect(1), [want], "after EVENTQEN=1")
        assert drv.overflows == 0


@pyuvm.test()
class EvtqWriteAbort(QueueTest):
    async def body(self) -> None:
        env = self.env
        drv = await self.start_driver(cmdq_shift=3, evtq_shift=2, poll_gerror=False)
        sid = 2
        await self.set_ste(sid, BAD_STE)
        lo = drv.cfg.evtq_base
        env.mem_tw.errors.append(ErrorRange(lo, lo + (EVTQ_ENT << drv.f.evtq_shift), SLVERR, "w"))
        await self.fault(sid, 0x1000_0000)
        await self.poll_reg("GERROR", lambda v: v & 4, "GERROR.EVENTQ_ABT_ERR")
        assert (await self.reg("GERROR")) ^ (await self.reg("GERRORN")) == 4
        assert (await self.reg("EVENTQ_PROD")) == 0, "PROD advanced after a write abort"
        assert int(env.dut.gerror_irq.value) == 1
        n_aw = len(self.evtq_writes())
        assert n_aw == 1
        for i in range(3):                                  # silently dropped while the error is active
            await self.fault(sid, 0x1000_0100 + 0x40 * i)
        await self.settle()
        assert len(self.evtq_writes()) == n_aw, "records written while EVENTQ_ABT_ERR is active"
        assert (await self.reg("EVENTQ_PROD")) == 0, "PROD/OVFLG changed while EVENTQ_ABT_ERR is active"
        env.mem_tw.errors.clear()
        assert await drv.handle_gerror() == 4 and drv.evtq_abt_errors == 1
        assert int(env.dut.gerror_irq.value) == 0
        _, want = await self.fault(sid, 0x1000_1000)
        check_records(await self.collect(1), [want], "after recovery")
        assert (await self.reg("EVENTQ_PROD")) == 1


@pyuvm.test()
class EvtqIrq(QueueTest):
    async def body(self) -> None:
        env = self.env
        dut = env.dut
        drv = await self.start_driver(cmdq_shift=3, evtq_shift=3, poll_gerror=False)
        sid = 2
        await self.set_ste(sid, BAD_STE)
        assert int(dut.evtq_irq.value) == 0
        _, want = await self.fault(sid, 0x1000_0000)
        await self.wait_for(lambda: len(self.evtq_writes()) == 1 and self.tap.b, "record write")
        await ClockCycles(dut.aclk, 4)
        assert int(dut.evtq_irq.value) == 1, "evtq_irq low with PROD != CONS"
        await drv._write_reg_sync("IRQ_CTRL", 1, "IRQ_CTRLACK")          # EVENTQ_IRQEN=0
        await ClockCycles(dut.aclk, 2)
        assert int(dut.evtq_irq.value) == 0, "evtq_irq high with EVENTQ_IRQEN=0"
        await drv._write_reg_sync("IRQ_CTRL", 5, "IRQ_CTRLACK")
        await ClockCycles(dut.aclk, 2)
        assert int(dut.evtq_irq.value) == 1
        irq = IrqHandlers(dut, drv).start()
        await self.wait_for(lambda: len(drv.events) == 1, "interrupt-driven service")
        await ClockCycles(dut.aclk, 10)
        assert int(dut.evtq_irq.value) == 0, "evtq_irq still high after CONS caught up"
        check_records(drv.events, [want], "first record")
        # a burst of concurrent faults, fewer than the queue holds: all serviced by the handler
        its = [make_txn(env, sid, addr=0x1000_1000 + 0x40 * i, write=bool(i & 1), id_=i % 4) for i in range(6)]
        for it in its:
            await env.client.send(it)
        for it in its:
            await it.done.wait()
        wants = [expected_event(env, it) for it in its]
        await self.wait_for(lambda: len(drv.events) == 7, "all records serviced", 20000)
        await ClockCycles(dut.aclk, 10)
        irq.stop()
        key = lambda r: r.InputAddr
        check_records(sorted(drv.events[1:], key=key), sorted(wants, key=key), "burst")
        assert int(dut.evtq_irq.value) == 0 and drv.overflows == 0 and not irq.errors
        assert (await self.reg("EVENTQ_PROD")) == (await self.reg("EVENTQ_CONS")) == 7
        self.log.info("evtq handler ran %d times for %d rising edges", irq.evtq_runs, irq.evtq_raised)
