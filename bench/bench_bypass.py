"""Benchmark: bypass latency and throughput of smmu_top, in clock cycles.

Measured with cycle-exact drivers (one coroutine, one sample per clock edge)
and an always-ready memory, so the figures are the DUT's own:
  * added latency: s_axi AR (AW) handshake -> m_axi AR (AW) handshake, cycles;
  * sustained beats per cycle on s_axi R (reads) and m_axi W (writes) for a
    long stream of 16-beat bursts on rotating IDs.
Results go to bench/results/bypass-<sim>.json and to the log.
"""

import json
import os
from collections import deque
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge

NBURSTS = int(os.environ.get("BENCH_BURSTS", "256"))
BURST_LEN = 15  # 16 beats


def _zero_inputs(dut):
    for name in ("awvalid", "wvalid", "arvalid", "awmmusid", "awmmussid", "awmmussidv",
                 "armmusid", "armmussid", "armmussidv", "awaddr", "araddr", "awid", "arid",
                 "awlen", "arlen", "awlock", "arlock", "awcache", "arcache", "awprot", "arprot",
                 "awqos", "arqos", "wdata", "wstrb", "wlast"):
        getattr(dut, "s_axi_" + name).value = 0
    for name in ("awsize", "arsize"):
        getattr(dut, "s_axi_" + name).value = 3
    for name in ("awburst", "arburst"):
        getattr(dut, "s_axi_" + name).value = 1
    dut.s_axi_bready.value = 1
    dut.s_axi_rready.value = 1
    dut.m_axi_awready.value = 1
    dut.m_axi_wready.value = 1
    dut.m_axi_arready.value = 1
    for name in ("bvalid", "rvalid", "bid", "rid", "bresp", "rresp", "rdata", "rlast"):
        getattr(dut, "m_axi_" + name).value = 0
    for name in ("awready", "wready", "arready", "bvalid", "rvalid", "bid", "rid", "bresp",
                 "rresp", "rdata", "rlast"):
        getattr(dut, "m_axi_tw_" + name).value = 0
    for name in ("awvalid", "wvalid", "arvalid", "bready", "rready", "awaddr", "araddr",
                 "wdata", "wstrb", "awprot", "arprot"):
        getattr(dut, "s_axil_" + name).value = 0


async def _reset(dut):
    cocotb.start_soon(Clock(dut.aclk, 10, unit="ns").start())
    _zero_inputs(dut)
    dut.aresetn.value = 0
    await ClockCycles(dut.aclk, 4)
    dut.aresetn.value = 1
    await ClockCycles(dut.aclk, 2)


async def _run_reads(dut, nid):
    """Issue NBURSTS reads back to back; memory answers one beat per cycle."""
    cyc = 0
    sent = 0
    s_hs, m_hs = deque(), deque()
    latencies = []
    rq = deque()             # (id, beats left) of accepted m_axi ARs
    r_beats, first_r, last_r = 0, None, None
    total_beats = NBURSTS * (BURST_LEN + 1)
    dut.s_axi_arlen.value = BURST_LEN
    dut.s_axi_arvalid.value = 1
    dut.s_axi_araddr.value = 0x1000
    dut.s_axi_arid.value = 0
    while r_beats < total_beats:
        await RisingEdge(dut.aclk)
        cyc += 1
        if dut.s_axi_arvalid.value and dut.s_axi_arready.value:
            s_hs.append(cyc)
            sent += 1
        if dut.m_axi_arvalid.value and dut.m_axi_arready.value:
            m_hs.append(cyc)
            latencies.append(m_hs[-1] - s_hs.popleft())
            rq.append([int(dut.m_axi_arid.value), BURST_LEN + 1])
        if dut.m_axi_rvalid.value and dut.m_axi_rready.value:
            rq[0][1] -= 1
            if rq[0][1] == 0:
                rq.popleft()
        if dut.s_axi_rvalid.value and dut.s_axi_rready.value:
            r_beats += 1
            first_r = cyc if first_r is None else first_r
            last_r = cyc
        # drive the next cycle
        dut.s_axi_arvalid.value = int(sent < NBURSTS)
        dut.s_axi_arid.value = sent % nid
        dut.s_axi_araddr.value = 0x1000 + 0x80 * sent
        if rq:
            rid, left = rq[0]
            dut.m_axi_rvalid.value = 1
            dut.m_axi_rid.value = rid
            dut.m_axi_rdata.value = (rid << 32) | left
            dut.m_axi_rlast.value = int(left == 1)
        else:
            dut.m_axi_rvalid.value = 0
    dut.s_axi_arvalid.value = 0
    dut.m_axi_rvalid.value = 0
    return latencies, r_beats / (last_r - first_r + 1)


async def _run_writes(dut, nid):
    """Issue NBURSTS writes back to back with W streaming; memory always ready."""
    cyc = 0
    sent_aw, sent_w, beat = 0, 0, 0
    s_hs = deque()
    latencies = []
    bq = deque()
    w_beats, first_w, last_w, b_seen, b_down = 0, None, None, 0, 0
    total_beats = NBURSTS * (BURST_LEN + 1)
    dut.s_axi_awlen.value = BURST_LEN
    dut.s_axi_awvalid.value = 1
    dut.s_axi_awaddr.value = 0x1000
    dut.s_axi_wvalid.value = 1
    dut.s_axi_wstrb.value = (1 << (len(dut.s_axi_wstrb))) - 1
    while b_seen < NBURSTS:
        await RisingEdge(dut.aclk)
        cyc += 1
        if dut.s_axi_awvalid.value and dut.s_axi_awready.value:
            s_hs.append(cyc)
            sent_aw += 1
        if dut.m_axi_awvalid.value and dut.m_axi_awready.value:
            latencies.append(cyc - s_hs.popleft())
            bq.append(int(dut.m_axi_awid.value))
        if dut.s_axi_wvalid.value and dut.s_axi_wready.value:
            sent_w += 1
            beat = (beat + 1) % (BURST_LEN + 1)
        if dut.m_axi_wvalid.value and dut.m_axi_wready.value:
            w_beats += 1
            first_w = cyc if first_w is None else first_w
            last_w = cyc
        if dut.m_axi_bvalid.value and dut.m_axi_bready.value:
            bq.popleft()
            b_down += 1
        if dut.s_axi_bvalid.value and dut.s_axi_bready.value:
            b_seen += 1
        dut.s_axi_awvalid.value = int(sent_aw < NBURSTS)
        dut.s_axi_awid.value = sent_aw % nid
        dut.s_axi_awaddr.value = 0x1000 + 0x80 * sent_aw
        dut.s_axi_wvalid.value = int(sent_w < total_beats)
        dut.s_axi_wdata.value = sent_w
        dut.s_axi_wlast.value = int(beat == BURST_LEN)
        # B once the burst's W data has gone by, in AW order
        ready_b = len(bq) > 0 and (w_beats // (BURST_LEN + 1)) > b_down
        dut.m_axi_bvalid.value = int(ready_b)
        dut.m_axi_bid.value = bq[0] if bq else 0
    dut.s_axi_awvalid.value = 0
    dut.s_axi_wvalid.value = 0
    dut.m_axi_bvalid.value = 0
    return latencies, w_beats / (last_w - first_w + 1)


@cocotb.test()
async def bench_bypass(dut):
    """Bypass latency (cycles added) and sustained beats/cycle, reads and writes."""
    await _reset(dut)
    nid = 1 << len(dut.s_axi_arid)
    rd_lat, rd_bpc = await _run_reads(dut, nid)
    await ClockCycles(dut.aclk, 10)
    wr_lat, wr_bpc = await _run_writes(dut, nid)
    sim = cocotb.SIM_NAME.lower().split()[0]
    res = {
        "simulator": cocotb.SIM_NAME,
        "bursts": NBURSTS, "beats_per_burst": BURST_LEN + 1,
        "ar_added_latency_cycles": {"min": min(rd_lat), "max": max(rd_lat)},
        "aw_added_latency_cycles": {"min": min(wr_lat), "max": max(wr_lat)},
        "read_beats_per_cycle": round(rd_bpc, 4),
        "write_beats_per_cycle": round(wr_bpc, 4),
        "target": {"added_latency_max": 1, "beats_per_cycle_min": 1.0},
    }
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"bypass-{sim}.json").write_text(json.dumps(res, indent=2) + "\n")
    dut._log.info("BENCH bypass: %s", json.dumps(res))
