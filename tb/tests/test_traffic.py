"""Client traffic through smmu_top: bypass, abort, mixed phases, reset, per-ID order.

Every test is checked end to end by the scoreboard (prediction from the
register model) and by protocol checkers on all four interfaces.
"""

from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from tb.agents.axi_txn import TxnConstraints
from tb.env.base_test import SmmuBaseTest
from tb.sequences.scenarios import MEM_BASE, MEM_SIZE, default_constraints, init_memory, run_traffic


@pyuvm.test()
class RandomBypass(SmmuBaseTest):
    """>= 700 random bursts (TXNS), every burst type/size/ID, random back-pressure everywhere."""

    async def body(self) -> None:
        env = self.env
        init_memory(env)
        env.random_backpressure(self.seeds.py("bp"))
        n = self.knob("TXNS", 700)
        # four phases with fresh back-pressure profiles so one seed sees several regimes
        for i in range(4):
            env.random_backpressure(self.seeds.py(f"bp{i}"))
            env.mem_m.latency = [(0, 0), (0, 4), (2, 20), (0, 60)][i]
            await run_traffic(env, n // 4, salt=f"rb{i}")
        await env.quiesce()
        kinds = env.sb.stats
        assert kinds["read_bypass"] + kinds["write_bypass"] >= n - 3, env.sb.summary()


@pyuvm.test()
class AbortGbpa(SmmuBaseTest):
    """GBPA.ABORT=1 (through the UPDATE handshake): every transaction aborts, m_axi stays idle."""

    async def body(self) -> None:
        env = self.env
        env.random_backpressure(self.seeds.py("bp"))
        await self.regs.set_gbpa_abort(1)
        await run_traffic(env, 150, salt="abort")
        assert env.sb.stats["read_abort"] + env.sb.stats["write_abort"] == 150, env.sb.summary()
        assert env.m_mon.stats["aw"] + env.m_mon.stats["ar"] == 0


@pyuvm.test()
class AbortSmmuen(SmmuBaseTest):
    """CR0.SMMUEN=1 (CR0ACK handshake): client traffic aborts until translation exists."""

    async def body(self) -> None:
        env = self.env
        env.random_backpressure(self.seeds.py("bp"))
        await self.regs.set_cr0(1)
        await run_traffic(env, 120, salt="smmuen")
        assert env.sb.stats["read_abort"] + env.sb.stats["write_abort"] == 120, env.sb.summary()
        await self.regs.set_cr0(0)
        init_memory(env)
        await run_traffic(env, 60, salt="after")
        assert env.sb.stats["read_bypass"] + env.sb.stats["write_bypass"] == 60, env.sb.summary()


@pyuvm.test()
class AbortOutsideOas(SmmuBaseTest):
    """Bypass with addresses at/above 2^OAS (and tagged top bytes) aborts; just below bypasses."""

    async def body(self) -> None:
        env = self.env
        oas = 1 << env.params.OAS_BITS
        env.random_backpressure(self.seeds.py("bp"))
        cons = TxnConstraints(addr_ranges=((oas - 0x4000, oas), (oas, oas + 0x4000),
                                           (0xFF00_0000_0000_0000, 0xFF00_0000_0001_0000),
                                           (1 << 63, (1 << 63) + 0x1000)))
        await run_traffic(env, 200, cons, salt="oas")
        s = env.sb.stats
        assert s["read_abort"] + s["write_abort"] > 50 and s["read_bypass"] + s["write_bypass"] > 20, env.sb.summary()


@pyuvm.test()
class MixedAbortPhases(SmmuBaseTest):
    """GBPA.ABORT toggled between quiescent phases: the decision follows the register."""

    async def body(self) -> None:
        env = self.env
        init_memory(env)
        rng = self.seeds.py("phases")
        for i in range(6):
            env.random_backpressure(rng)
            await self.regs.set_gbpa_abort(i % 2)
            await run_traffic(env, 60, salt=f"ph{i}")
            await env.quiesce()
        s = env.sb.stats
        assert s["read_abort"] + s["write_abort"] == 180, env.sb.summary()
        assert s["read_bypass"] + s["write_bypass"] == 180, env.sb.summary()


@pyuvm.test()
class ResetMidTraffic(SmmuBaseTest):
    """aresetn with many transactions in flight; afterwards registers are at reset and traffic is clean."""

    async def body(self) -> None:
        env = self.env
        init_memory(env)
        env.random_backpressure(self.seeds.py("bp"))
        env.mem_m.latency = (5, 40)
        await self.regs.write("IRQ_CTRL", 0x5)
        task = cocotb.start_soon(run_traffic(env, 400, salt="pre", max_outstanding=32))
        await ClockCycles(env.dut.aclk, 600)
        inflight = len(env.client.inflight)
        self.log.info("asserting reset with %d client transactions in flight", inflight)
        task.cancel()
        await env.reset(5)
        assert inflight > 4, "reset did not hit traffic in flight"
        assert await self.regs.read("IRQ_CTRL") == 0
        assert await self.regs.read("GBPA") == 0x1000
        env.mem_m.latency = (0, 8)
        await run_traffic(env, 200, salt="post")
        s = env.sb.stats
        assert s["read_bypass"] + s["write_bypass"] >= 200, env.sb.summary()


@pyuvm.test()
class PerIdOrderSlowId(SmmuBaseTest):
    """One ID sees long downstream latency: same-ID responses stay in order, other IDs are not corrupted."""

    async def body(self) -> None:
        env = self.env
        init_memory(env)
        env.mem_m.latency = (0, 3)
        env.mem_m.id_latency = {3: 150}
        env.mem_m.reorder_ids = True
        cons = default_constraints(ids=[1, 2, 3])
        await run_traffic(env, 250, cons, salt="slow")
        s = env.sb.stats
        assert s["read_bypass"] + s["write_bypass"] == 250, env.sb.summary()


@pyuvm.test()
class MixedAbortBypassSameId(SmmuBaseTest):
    """Aborts (address >= 2^OAS) interleaved with slow bypassed bursts on the same two IDs:
    the locally generated SLVERR must wait for older same-ID downstream responses."""

    async def body(self) -> None:
        env = self.env
        oas = 1 << env.params.OAS_BITS
        init_memory(env)
        env.random_backpressure(self.seeds.py("bp"))
        env.mem_m.latency = (10, 80)
        cons = default_constraints(ids=[0, 1])
        cons.addr_ranges = ((MEM_BASE, MEM_BASE + MEM_SIZE), (oas, oas + 0x10000))
        await run_traffic(env, 300, cons, salt="mixed", max_outstanding=24)
        s = env.sb.stats
        assert s["read_abort"] + s["write_abort"] > 60 and s["read_bypass"] + s["write_bypass"] > 60, env.sb.summary()


@pyuvm.test()
class BypassSlaveErrors(SmmuBaseTest):
    """Downstream SLVERR/DECERR (injected by address range) reach the client unchanged."""

    async def body(self) -> None:
        from tb.agents.axi_mem_responder import ErrorRange
        from tb.agents.axi_signals import DECERR, SLVERR
        env = self.env
        init_memory(env)
        env.random_backpressure(self.seeds.py("bp"))
        q = MEM_SIZE // 4
        env.mem_m.errors = [ErrorRange(MEM_BASE, MEM_BASE + q, SLVERR, "r"),
                            ErrorRange(MEM_BASE + q, MEM_BASE + 2 * q, DECERR, "rw"),
                            ErrorRange(MEM_BASE + 2 * q, MEM_BASE + 3 * q, SLVERR, "rw")]
        await run_traffic(env, 250, salt="slverr")
        st = env.mem_m.stats
        assert st["err_reads"] > 10 and st["err_writes"] > 10, st


@pyuvm.test()
class StreamingThroughput(SmmuBaseTest):
    """No back-pressure, zero-latency memory: back-to-back bursts on every ID, checked by the
    scoreboard like any traffic. The beats/cycle figure is logged for information only: speed
    targets live in bench/ (cycle counts), never as thresholds in tests."""

    async def body(self) -> None:
        env = self.env
        init_memory(env)
        env.set_backpressure()
        env.mem_m.latency = (0, 0)
        for is_write in (False, True):
            cons = default_constraints(burst_weights=(0, 1, 0), len_buckets=((1, 16, 16),), sizes=[3],
                                       write_ratio=1.0 if is_write else 0.0, w_timing_weights=(1, 0, 0))
            ch = "w" if is_write else "r"
            b0, c0 = env.s_mon.stats[ch], env.cycles()
            await run_traffic(env, 150, cons, salt=f"tp{ch}", max_outstanding=64)
            beats, cycles = env.s_mon.stats[ch] - b0, env.cycles() - c0
            rate = beats / cycles
            self.log.info("%s throughput: %d beats in %d cycles = %.3f beats/cycle", ch.upper(), beats, cycles, rate)
