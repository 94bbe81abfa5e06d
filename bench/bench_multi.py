"""Benchmark: smmu_multi, N TBUs on one TCU (jobs bench_multi_x2 / bench_multi_x4), in clock cycles.

Every TBU gets its own stage-1 stream (StreamID 8+t sits behind TBU t: env.client routes by
StreamID, tb/agents/stream_router.py), its own CD (ASID 1+t) and the same page table. Traffic
goes through the verification env (scoreboard, protocol checkers and link checker on), and every
figure comes from the handshakes the per-TBU interface samplers see, so the numbers are exact
cycle counts, identical on Icarus and Verilator. Nothing here asserts a target: a figure that
misses one is reported (log + JSON), not failed.

Figures (bench/README.md):
  * all hitting: every TBU streams single-beat transactions to pages its micro-TLB holds, all
    TBUs at once; transactions per cycle in total and per TBU on m_axi (reads, writes, both);
  * all missing (walker memory latency 1 and 50): every TBU sends reads to pages no TLB holds,
    all at once; cycles from the first
    s_axi handshake to the last m_axi handshake, translations per cycle, walks (RTL counter) and
    the largest number of walks in flight (walker reads outstanding on m_axi_tw);
  * for reference the same streams on TBU 0 alone.

Results: bench/results/multi<N>-<sim>.json and the log ("BENCH multi ...").
Knob: BENCH_TXNS (per TBU and direction in the all-hitting phase, 256).
"""

from __future__ import annotations

import os
from typing import Dict, List

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from bench.common import Tap, counter_delta, read_counters, write_results
from tb.agents.axi_signals import INCR
from tb.agents.axi_txn import AxiTxn
from tb.driver.smmu_driver import SmmuDriver, make_cdtable_ste, make_s1_cd
from tb.driver.testkit import driver_config
from tb.env.base_test import SmmuBaseTest
from tb.model.pagetable import SIZE_4K, Stage1Tables, TablePool

CD_TABLE = 0x4400_0000
PT_POOL = 0x4500_0000
VA_BASE = 0x0010_0000_0000
PA_BASE = 0x0000_8000_0000
NPAGES = 512
HOT = 4                          # hot pages per TBU (the micro-TLBs are filled by every TBU's walks)
MISS = 16                        # cold pages per TBU in the all-missing phase
NID = 16
NTXN = int(os.environ.get("BENCH_TXNS", "256"))
COUNTERS = (("walk_inst", "cnt_walks"), ("walk_inst", "cnt_merges"), ("rd_q_inst", "cnt_mt_lookups"),
            ("rd_q_inst", "cnt_mt_hits"), ("wr_q_inst", "cnt_mt_lookups"), ("wr_q_inst", "cnt_mt_hits"),
            ("cfg_inst", "cnt_hit"), ("cfg_inst", "cnt_miss"))


def _rate(cycles: List[int]):
    return round(len(cycles) / (max(cycles) - min(cycles) + 1), 3) if cycles else None


class Hs:
    """Handshake cycles of one TBU: s_axi AR/AW and m_axi AR/AW."""

    def __init__(self) -> None:
        self.s = {"r": [], "w": []}
        self.m = {"r": [], "w": []}

    def s_edge(self, cycle: int, snap) -> None:
        if snap["ar"].fire:
            self.s["r"].append(cycle)
        if snap["aw"].fire:
            self.s["w"].append(cycle)

    def m_edge(self, cycle: int, snap) -> None:
        if snap["ar"].fire:
            self.m["r"].append(cycle)
        if snap["aw"].fire:
            self.m["w"].append(cycle)

    def mark(self):
        return {k: (len(self.s[k]), len(self.m[k])) for k in "rw"}


@pyuvm.test()
class BenchMulti(SmmuBaseTest):
    timeout_us = 100_000.0

    def sid(self, t: int) -> int:
        return 8 + t

    def va(self, page: int, off: int = 0) -> int:
        return VA_BASE + page * SIZE_4K + off

    def txn(self, t: int, d: str, page: int, k: int) -> AxiTxn:
        db = self.env.data_bytes
        it = AxiTxn("bench")
        it.is_write, it.id, it.len, it.size, it.burst = d == "w", k % NID, 0, db.bit_length() - 1, INCR
        it.addr = self.va(page, (k * db * 7) & (0xFFF & ~(db - 1)))
        it.prot, it.sid, it.ssid, it.ssidv = 0, self.sid(t), 0, 0
        if it.is_write:
            it.data, it.strb = [(page << 16) | k], [(1 << db) - 1]
        return it

    async def run(self, items: List[AxiTxn]) -> None:
        for it in items:
            self.env.client.submit(it)
        for it in items:
            await it.done.wait()
        await self.env.quiesce()
        await ClockCycles(self.env.dut.aclk, 8)

    def window(self, marks, tbus, dirs) -> dict:
        out = {}
        for d in dirs:
            per, allm, alls = [], [], []
            for t in tbus:
                m = self.hs[t].m[d][marks[t][d][1]:]
                s = self.hs[t].s[d][marks[t][d][0]:]
                per.append(_rate(m))
                allm += m
                alls += s
            out["reads" if d == "r" else "writes"] = {
                "n": len(allm), "txn_per_cycle_m_axi_total": _rate(allm), "txn_per_cycle_m_axi_per_tbu": per,
                "txn_per_cycle_s_axi_total": _rate(alls)}
        return out

    async def all_hit(self, tbus: List[int], dirs: str) -> dict:
        items = [self.txn(t, d, self.hot[t][k % HOT], k) for k in range(NTXN) for t in tbus for d in dirs]
        marks = {t: self.hs[t].mark() for t in tbus}
        await self.run(items)
        return self.window(marks, tbus, dirs)

    async def all_miss(self, tbus: List[int], lat: int) -> dict:
        self.env.mem_tw.latency = (lat - 1, lat - 1)     # walker memory: first R beat lat cycles after AR
        pages = {t: list(range(self.next_page + i * MISS, self.next_page + (i + 1) * MISS))
                 for i, t in enumerate(tbus)}
        self.next_page += MISS * len(tbus)
        items = [self.txn(t, "r", pages[t][k], k) for k in range(MISS) for t in tbus]
        marks = {t: self.hs[t].mark() for t in tbus}
        c0 = read_counters(self.env.dut, COUNTERS)
        self.walks_max = 0
        await self.run(items)
        s = [c for t in tbus for c in self.hs[t].s["r"][marks[t]["r"][0]:]]
        m = [c for t in tbus for c in self.hs[t].m["r"][marks[t]["r"][1]:]]
        span = max(m) - min(s) + 1 if s and m else None
        self.env.mem_tw.latency = (0, 0)
        return {"walker_memory_latency": lat, "translations": len(m), "cycles_first_request_to_last_issue": span,
                "translations_per_cycle": round(len(m) / span, 4) if span else None,
                "walker_reads_in_flight_max": self.walks_max,
                "counters": counter_delta(c0, read_counters(self.env.dut, COUNTERS))}

    def tw_edge(self, cycle: int, snap) -> None:
        ar, r = snap["ar"], snap["r"]
        if ar.fire and ar.payload["arid"] >= 2:
            self.tw_out[ar.payload["arid"]] = self.tw_out.get(ar.payload["arid"], 0) + 1
        if r.fire and r.payload["rid"] >= 2 and r.payload["rlast"]:
            self.tw_out[r.payload["rid"]] = max(0, self.tw_out.get(r.payload["rid"], 0) - 1)
        self.walks_max = max(self.walks_max, sum(1 for v in self.tw_out.values() if v))

    async def body(self) -> None:
        env = self.env
        n = env.ntbu
        self.hs: Dict[int, Hs] = {t: Hs() for t in range(n)}
        for t in range(n):
            env.s_agents[t].sampler.add_listener(Tap(self.hs[t].s_edge))
            env.m_agents[t].sampler.add_listener(Tap(self.hs[t].m_edge))
        self.tw_out: Dict[int, int] = {}
        self.walks_max = 0
        env.tw_smp.add_listener(Tap(self.tw_edge))
        env.client.max_outstanding = 256
        res: dict = {"simulator": cocotb.SIM_NAME, "tbus": n,
                     "params": {"TLB_ENTRIES": env.params.TLB_ENTRIES, "WALKERS": env.params.WALKERS,
                                "XLT_SLOTS": env.params.XLT_SLOTS}}

        self.drv = drv = SmmuDriver(self.regs, env.mem, driver_config())
        f = await drv.probe()
        await drv.device_reset()
        tables = Stage1Tables(env.mem, TablePool(PT_POOL), t0sz=16)
        for p in range(NPAGES):
            tables.map(self.va(p), PA_BASE + p * SIZE_4K)
        for t in range(n):
            await drv.write_cd(self.sid(t), 0, CD_TABLE + 0x1000 * t, make_s1_cd(f, 1 + t, tables.ttb0))
            await drv.write_ste(self.sid(t), make_cdtable_ste(f, CD_TABLE + 0x1000 * t))
        await env.quiesce()
        self.hot = {t: list(range(t * HOT, (t + 1) * HOT)) for t in range(n)}
        self.next_page = n * HOT
        for t in range(n):             # warm every micro-TLB with its TBU's hot pages
            await self.run([self.txn(t, d, p, 0) for p in self.hot[t] for d in "rw"])

        res["all_hitting"] = {f"tbu0_alone_{k}": await self.all_hit([0], dirs)
                              for k, dirs in (("reads", "r"), ("reads_and_writes", "rw"))}
        for k, dirs in (("reads", "r"), ("writes", "w"), ("reads_and_writes", "rw")):
            res["all_hitting"][f"all_tbus_{k}"] = await self.all_hit(list(range(n)), dirs)
        res["all_missing"] = {}
        for lat in (1, 50):
            res["all_missing"][f"tbu0_alone_lat{lat}"] = await self.all_miss([0], lat)
            res["all_missing"][f"all_tbus_lat{lat}"] = await self.all_miss(list(range(n)), lat)
        res["target"] = {"all_hitting_txn_per_cycle_total": n, "note": "4 TBUs all hitting: 4 per cycle"}
        write_results(f"multi{n}", res, self.log, summary_lines)


def summary_lines(r: dict) -> List[str]:
    out = [f"multi: {r['tbus']} TBUs on {r['simulator']}"]
    for k, v in r.get("all_hitting", {}).items():
        for d in ("reads", "writes"):
            if d in v:
                out.append(f"all hitting {k} {d}: {v[d]['txn_per_cycle_m_axi_total']} txn/cycle total on m_axi "
                           f"(per TBU {v[d]['txn_per_cycle_m_axi_per_tbu']})")
    for k, v in r.get("all_missing", {}).items():
        out.append(f"all missing {k}: {v['translations']} translations in {v['cycles_first_request_to_last_issue']} "
                   f"cycles ({v['translations_per_cycle']}/cycle), walks {v['counters'].get('walk.walks')}, "
                   f"walker reads in flight max {v['walker_reads_in_flight_max']}")
    return out
