"""Benchmark: command-queue throughput of smmu_top (commands consumed per cycle), in clock cycles.

The SMMU is brought up like Linux (tb/driver: probe, device_reset, Linux's queue size), then
batches of N invalidation commands followed by one CMD_SYNC are written into the queue and
published with a single CMDQ_PROD write, as Linux does when it unmaps a range without range
invalidation (IDR3.RIL=0): one TLBI_NH_VA per 4 KiB page, then CMD_SYNC.

Figure: commands consumed per cycle = (N + 1) / (cycles from the cycle CMDQ_PROD takes the
new value to the cycle CMDQ_CONS reaches it), for walker memory latency L = 1, 10 and 50
(first m_axi_tw R beat L cycles after the AR handshake, as in bench_translate). Two batch
kinds: N TLBI_NH_VA (ASID 1, consecutive pages) and N CFGI_STE (consecutive StreamIDs).
A per-cycle watch of `cmdq_inst` (prod, cons, tlbi_valid, cfgi_valid) and the m_axi_tw
sampler give exact cycle counts (identical on Icarus and Verilator); the bench also reports
the command-queue reads (ARID 1) seen on m_axi_tw and checks that every command of the batch
produced exactly one invalidation pulse. Nothing asserts a timing target.

Results: bench/results/cmdq-<sim>.json and the log ("BENCH cmdq ...").
Knobs (environment): BENCH_CMDQ_N (commands per batch before the SYNC, default 256).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import List

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge
from cocotb.utils import get_sim_time

from bench.common import Tap as _Tap
from bench.common import write_results as _write_results
from tb.driver.smmu_driver import SmmuDriver
from tb.driver.testkit import driver_config
from tb.env.base_test import SmmuBaseTest
from tb.env.env import PERIOD_NS
from tb.model import commands as C
from tb import hier

N_CMDS = int(os.environ.get("BENCH_CMDQ_N", "256"))
TW_LATENCIES = (1, 10, 50)
CMDQ_ARID = 1


class CmdqProbe:
    """Per-cycle watch of the command queue (a coroutine on every rising edge, cycle numbers as
    the interface samplers count them): PROD/CONS changes and invalidation pulses; plus the
    command-queue reads (ARID 1) on m_axi_tw from the sampler."""

    def __init__(self, env) -> None:
        self.dut = env.dut
        self.q = hier.block(env.dut, "cmdq_inst")
        self.prod_chg: List[tuple] = []       # (cycle, new prod)
        self.cons_chg: List[tuple] = []       # (cycle, new cons)
        self.tlbi: List[int] = []             # cycles of tlbi_valid
        self.cfgi: List[int] = []             # cycles of cfgi_valid
        self.ar: List[tuple] = []             # (cycle, addr, len) of ARID 1
        self.beats = 0
        env.tw_smp.add_listener(_Tap(self._tw_edge))
        self.task = cocotb.start_soon(self._run())

    def stop(self) -> None:
        self.task.cancel()

    async def _run(self) -> None:
        clk = RisingEdge(self.dut.aclk)
        q = self.q
        prod = cons = None
        while True:
            await clk
            cycle = int(get_sim_time("ns") // PERIOD_NS)
            p = int(q.prod.value)
            c = int(q.cons.value)
            if p != prod:
                prod = p
                self.prod_chg.append((cycle, p))
            if c != cons:
                cons = c
                self.cons_chg.append((cycle, c))
            if int(q.tlbi_valid.value):
                self.tlbi.append(cycle)
            if int(q.cfgi_valid.value):
                self.cfgi.append(cycle)

    def _tw_edge(self, cycle: int, snap) -> None:
        s = snap["ar"]
        if s.fire and s.payload["arid"] == CMDQ_ARID:
            self.ar.append((cycle, s.payload["araddr"], s.payload["arlen"]))
        s = snap["r"]
        if s.fire and s.payload["rid"] == CMDQ_ARID:
            self.beats += 1


@pyuvm.test()
class BenchCmdq(SmmuBaseTest):
    """Commands consumed per cycle for a batch of N TLBI/CFGI + CMD_SYNC."""

    timeout_us = 200_000.0

    async def batch(self, kind: str, lat: int) -> dict:
        env = self.env
        drv = self.drv
        env.mem_tw.latency = (lat - 1, lat - 1)
        if kind == "tlbi_nh_va":
            cmds = [C.tlbi_nh_va(1, 0x10_0000_0000 + i * 4096, leaf=1) for i in range(N_CMDS)]
        else:
            nsid = 1 << drv.f.sid_bits
            cmds = [C.cfgi_ste(i % nsid) for i in range(N_CMDS)]
        cmds.append(drv.sync_cmd())
        pr = self.probe
        i_p, i_c, i_t, i_f, i_a, b0 = (len(pr.prod_chg), len(pr.cons_chg), len(pr.tlbi), len(pr.cfgi),
                                       len(pr.ar), pr.beats)
        prod = await drv.submit(cmds)
        await drv.wait_consumed(prod)
        await ClockCycles(env.dut.aclk, 4)
        mask = (2 << drv.f.cmdq_shift) - 1
        t0 = next(c for c, p in pr.prod_chg[i_p:] if p & mask == prod & mask)
        t1 = next(c for c, v in pr.cons_chg[i_c:] if v & mask == prod & mask)
        cycles = t1 - t0
        pulses = len(pr.tlbi) - i_t if kind == "tlbi_nh_va" else len(pr.cfgi) - i_f
        ars = pr.ar[i_a:]
        row = {"commands": len(cmds), "cycles": cycles,
               "commands_per_cycle": round(len(cmds) / cycles, 4),
               "cycles_per_command": round(cycles / len(cmds), 2),
               "invalidation_pulses": pulses,
               "cmdq_reads": len(ars), "cmdq_read_beats": pr.beats - b0,
               "first_fetch_after_prod": (ars[0][0] - t0) if ars else None,
               "burst_lengths": sorted({a[2] + 1 for a in ars})}
        self.errors += [] if pulses == N_CMDS else [f"{kind} L={lat}: {pulses} invalidations for {N_CMDS}"]
        self.log.info("cmdq %s L=%d: %s", kind, lat, row)
        return row

    async def body(self) -> None:
        env = self.env
        self.errors: List[str] = []
        self.drv = drv = SmmuDriver(self.regs, env.mem, driver_config())
        await drv.probe()
        await drv.device_reset()
        await env.quiesce()
        self.probe = CmdqProbe(env)
        res = {"simulator": cocotb.SIM_NAME, "batch_commands": N_CMDS + 1,
               "cmdq_entries": 1 << drv.f.cmdq_shift, "batches": {}}
        for kind in ("tlbi_nh_va", "cfgi_ste"):
            out = {}
            for lat in TW_LATENCIES:
                out[str(lat)] = await self.batch(kind, lat)
            res["batches"][kind] = out
        env.mem_tw.latency = (0, 0)
        self.probe.stop()
        res["errors"] = self.errors
        self.write_results(res)
        assert not self.errors, self.errors

    def write_results(self, res: dict) -> None:
        res["knobs"] = {"BENCH_CMDQ_N": N_CMDS}
        _write_results("cmdq", res, self.log, summary_lines)


def summary_lines(r: dict) -> List[str]:
    """A digest of the JSON (`.venv/bin/python -m bench.bench_cmdq FILE...`)."""
    out = [f"cmdq on {r['simulator']}: batches of {r['batch_commands']} commands "
           f"({r['cmdq_entries']}-entry queue)"]
    for kind, rows in r.get("batches", {}).items():
        for lat, v in rows.items():
            out.append(f"{kind:10s} walker memory {lat:>2s}: {v['commands_per_cycle']} commands/cycle "
                       f"({v['cycles']} cycles, {v['cmdq_reads']} reads, bursts {v['burst_lengths']} beats)")
    return out


if __name__ == "__main__":
    import sys
    for fn in sys.argv[1:]:
        print("\n".join(summary_lines(json.loads(Path(fn).read_text()))))
