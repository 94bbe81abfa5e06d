"""Benchmark: progress of a device's TLB misses while another ASID is unmapped (an invalidation storm).

Linux without range invalidation (IDR3.RIL=0) unmaps 2 MiB as 512 TLBI_NH_VA (Leaf=1) commands
and one CMD_SYNC (arm_smmu_tlb_inv_range_asid through tb/driver). Device A (StreamID 0x61,
ASID 1) keeps missing: single-beat reads, 8 outstanding on 8 AXI IDs, each to a page never
touched before, generated until the measured window ends (every miss is a full 4-level walk: there is no walk cache). Its pages lie in
the same 1 GiB region as the 512 pages that ASID 2 (StreamID 0x62) unmaps, so the walks share
VA regions with the TLBIs (the realistic case: IOVA allocators hand out the same ranges).

Figure, per walker memory latency L (10 and 50; first m_axi_tw R beat L cycles after the AR
handshake, which also slows the command fetches): A's completions per cycle during the storm
(from the cycle the driver starts submitting to the SYNC's completion) relative to its
completions per cycle over a window of the same length at the same point of an identical run
without the storm. The whole verification environment runs (every translation is checked by
the scoreboard). Target >= 0.9 (reported, never asserted).

Results: bench/results/inv_storm-<sim>.json and the log ("BENCH inv_storm ...").
Knobs: BENCH_STORM_PAGES (TLBIs per storm, default 512). Device A's traffic runs from LEAD
cycles before the window until its end (never runs out inside the window).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import List

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from bench.common import write_results as _write_results
from tb.model.pagetable import SIZE_4K
from tb.sequences.scenarios import init_memory
from tb.tests.test_translate import XltTest

PAGES = int(os.environ.get("BENCH_STORM_PAGES", "512"))
LATENCIES = (10, 50)
A_BASE = 0x40_0000_0000            # device A's pages (1 GiB region shared with B's)
B_BASE = 0x40_2000_0000            # ASID 2's unmapped range
LEAD = 200                         # cycles of A's traffic before the storm starts


@pyuvm.test()
class BenchInvStorm(XltTest):
    timeout_us = 2_000_000.0

    async def device(self, items: list, stop: list) -> None:
        """Device A: misses, 8 outstanding on 8 IDs, each to a page never touched before, until stopped."""
        env = self.env
        env.client.max_outstanding = 8
        k = 0
        while not stop:
            va = A_BASE + self.next_a * SIZE_4K
            self.next_a += 1
            self.a.tables.map(va, self.data_pa())
            it = self.vtxn(self.a, va, False, prot=1, len_=0, tid=k % 8)
            k += 1
            items.append(it)
            await env.client.send(it)

    async def run(self, lat: int, storm: bool, window: int = 0) -> dict:
        env = self.env
        b = self.b
        if storm:
            for k in range(PAGES):
                b.tables.map(B_BASE + k * SIZE_4K, self.data_pa())
        env.mem_tw.latency = (lat - 1, lat - 1)
        items: list = []
        stop: list = []
        task = cocotb.start_soon(self.device(items, stop))
        await ClockCycles(env.dut.aclk, LEAD)
        t0 = env.sb.now()
        if storm:
            for k in range(PAGES):
                b.tables.unmap(B_BASE + k * SIZE_4K)
            await self.drv.tlbi_range(2, B_BASE, PAGES * SIZE_4K)
            t1 = env.sb.now()
        else:
            await ClockCycles(env.dut.aclk, window)
            t1 = env.sb.now()
        stop.append(True)
        await task
        await env.client.drain()
        env.mem_tw.latency = (0, 0)
        done = sorted(it.t_done for it in items)
        assert all(d > 0 for d in done), "device A transactions left unanswered"
        during = sum(1 for d in done if t0 <= d < t1)
        first_after = next((d - t0 for d in done if d >= t0), None)
        row = {"cycles": t1 - t0, "completed": during,
               "per_kcycle": round(1000.0 * during / max(1, t1 - t0), 2),
               "first_completion_after_start": first_after,
               "commands_per_cycle": round((PAGES + 1) / max(1, t1 - t0), 4) if storm else None}
        self.log.info("inv_storm L=%d %s: %s", lat, "storm" if storm else "no storm", row)
        return row

    async def body(self) -> None:
        env = self.env
        await self.bring_up()
        init_memory(env)
        self.a = await self.context(0x61, 1)
        self.b = await self.context(0x62, 2)
        self.next_a = 0
        res = {"simulator": cocotb.SIM_NAME, "tlbis": PAGES, "latencies": {}}
        for lat in LATENCIES:
            st = await self.run(lat, True)
            base = await self.run(lat, False, window=st["cycles"])
            ratio = round(st["completed"] / base["completed"], 3) if base["completed"] else None
            res["latencies"][str(lat)] = {"storm": st, "no_storm": base, "progress_ratio": ratio,
                                          "target": 0.9}
        await self.settle_events()
        await self.finish()
        self.write_results(res)

    def write_results(self, res: dict) -> None:
        res["knobs"] = {"BENCH_STORM_PAGES": PAGES}
        _write_results("inv_storm", res, self.log, summary_lines)


def summary_lines(r: dict) -> List[str]:
    """A digest of the JSON (`.venv/bin/python -m bench.bench_inv_storm FILE...`)."""
    out = [f"inv_storm on {r['simulator']}: {r['tlbis']} TLBI_NH_VA (ASID 2) + CMD_SYNC against "
           f"device A's misses (ASID 1)"]
    for lat, v in r.get("latencies", {}).items():
        s, b = v["storm"], v["no_storm"]
        out.append(f"walker memory {lat:>2s}: storm {s['cycles']} cycles, A completed {s['completed']} "
                   f"(first after {s['first_completion_after_start']} cycles) vs {b['completed']} without "
                   f"the storm -> progress ratio {v['progress_ratio']} (target >= {v['target']})")
    return out


if __name__ == "__main__":
    import sys
    for fn in sys.argv[1:]:
        print("\n".join(summary_lines(json.loads(Path(fn).read_text()))))
