"""The pyuvm environment for smmu_top: every agent, monitor, checker, memory,
scoreboard and coverage collector, wired in connect_phase.

Interfaces are sampled by one AxiSampler each (s_axi, m_axi, m_axi_tw,
s_axil); BFMs, monitors and protocol checkers listen to those samplers, so
each interface costs one Python wake-up per clock edge while busy and none
while idle.
"""

from __future__ import annotations

import logging
from typing import Dict, List

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotb.utils import get_sim_time
from pyuvm import uvm_env, uvm_subscriber

from tb.agents.axi_checker import AxiProtocolChecker
from tb.agents.axi_client_driver import AxiClientDriver
from tb.agents.axi_mem_responder import AxiMemResponder
from tb.agents.axi_monitor import AxiMonitor
from tb.agents.axi_sampler import AxiSampler
from tb.agents.axi_signals import axi4_channels, axil_channels
from tb.agents.axil_master import AxiLiteMasterBfm
from tb.agents.client_agent import ClientAgent
from tb.agents.reg_agent import RegAgent
from tb.agents.throttle import Throttle
from tb.env.config import Seeds, detect_params, env_int
from tb.env.coverage import CoverageCollector
from tb.env.event_checker import EventChecker
from tb.env.scoreboard import Scoreboard
from tb.model.memory import SparseMemory

PERIOD_NS = 10


class _Sink(uvm_subscriber):
    """Analysis sink calling a plain function (the EventChecker is not a uvm_component)."""

    def __init__(self, name: str, parent, fn) -> None:
        super().__init__(name, parent)
        self.fn = fn

    def write(self, t) -> None:
        self.fn(t)


class CmdTap:
    """Commands the SMMU fetches on m_axi_tw (ARID 1, 16 bytes = two 8-byte R beats per command, up
    to 8 commands per burst): CMD_RESUME / CMD_STALL_TERM go to the scoreboard in the cycle their
    second beat arrives (the SMMU may act on a command before the burst's last beat), not when
    software writes them (the stall model changes the expected outcome at that moment). Every
    command of a burst counts, up to the first one fetched with an error (CERROR_ABT: fetched
    again) or illegal (CERROR_ILL: the queue stops there; neither it nor what follows executes).
    A listener of the m_axi_tw sampler (per beat), not of the monitor (per burst)."""

    CMDQ_ID = 1

    def __init__(self, sb, params) -> None:
        from tb.model.config import SmmuFeatures
        self.sb = sb
        self.features = SmmuFeatures.from_params(params)
        self.enabled = True
        self.seen = 0
        self.log: List[tuple] = []        # (cycle, decoded command) of every RESUME / STALL_TERM fetched
        self.reset()

    def reset(self) -> None:
        self._beats: List[tuple] = []     # (rdata, rresp) of the command being received
        self._dead = False                # the rest of this burst executes nothing

    def tb_busy(self) -> bool:
        return False

    def on_edge(self, cycle: int, snap) -> None:
        r = snap["r"]
        if not r.fire or r.payload["rid"] != self.CMDQ_ID:
            return
        p = r.payload
        if not self._dead:
            self._beats.append((p["rdata"], p["rresp"]))
            if len(self._beats) == 2:
                self._command(cycle)
                self._beats = []
        if p["rlast"]:
            self.reset()

    def _command(self, cycle: int) -> None:
        from tb.model import commands as C
        if any(resp != 0 for _, resp in self._beats):
            self._dead = True
            return
        raw = b"".join(int(d).to_bytes(8, "little") for d, _ in self._beats)
        self.seen += 1
        cmd = C.decode(raw)
        legal, _ = C.command_legal(cmd, self.features)
        if not legal:
            self._dead = True
            return
        if cmd.op not in (C.RESUME, C.STALL_TERM):
            return
        self.log.append((cycle, cmd))
        if self.enabled:
            self.sb.on_stall_cmd(cmd)


class SmmuEnv(uvm_env):
    def __init__(self, name: str, parent, seeds: Seeds) -> None:
        self.seeds = seeds
        super().__init__(name, parent)

    def build_phase(self) -> None:
        dut = self.dut = cocotb.top
        self.params = detect_params(dut)
        self.data_bytes = self.params.DATA_W // 8
        self.log = logging.getLogger("tb.env")
        self.log.setLevel(logging.INFO)
        clk = dut.aclk
        self.mem = SparseMemory()
        self.s_smp = AxiSampler(dut, "s_axi", clk, axi4_channels(sideband=True), PERIOD_NS)
        # the optional AxDOMAIN outputs are sampled when the DUT has them
        self.m_smp = AxiSampler(dut, "m_axi", clk, axi4_channels(domain=hasattr(dut, "m_axi_ardomain")),
                                PERIOD_NS)
        self.tw_smp = AxiSampler(dut, "m_axi_tw", clk,
                                 axi4_channels(qos=False, domain=hasattr(dut, "m_axi_tw_ardomain")), PERIOD_NS)
        self.l_smp = AxiSampler(dut, "s_axil", clk, axil_channels(), PERIOD_NS)
        self.samplers = (self.s_smp, self.m_smp, self.tw_smp, self.l_smp)
        # bus functional models (drive)
        self.client = AxiClientDriver(dut, "s_axi", clk, self.s_smp, self.seeds.py("client"), self.data_bytes)
        self.mem_m = AxiMemResponder(dut, "m_axi", self.m_smp, axi4_channels(), self.mem,
                                     self.seeds.py("mem_m"), self.data_bytes)
        self.mem_tw = AxiMemResponder(dut, "m_axi_tw", self.tw_smp, axi4_channels(qos=False), self.mem,
                                      self.seeds.py("mem_tw"), 8)
        self.axil = AxiLiteMasterBfm(dut, "s_axil", self.l_smp, self.seeds.py("axil"))
        # protocol checkers (plain listeners)
        self.checkers = [AxiProtocolChecker("s_axi").bind(self.s_smp),
                         AxiProtocolChecker("m_axi").bind(self.m_smp),
                         AxiProtocolChecker("m_axi_tw").bind(self.tw_smp),
                         AxiProtocolChecker("s_axil", lite=True).bind(self.l_smp)]
        # pyuvm components
        self.agent = ClientAgent("client", self)
        self.s_mon = AxiMonitor("s_axi_mon", self)
        self.m_mon = AxiMonitor("m_axi_mon", self)
        self.tw_mon = AxiMonitor("m_axi_tw_mon", self)
        self.sb = Scoreboard("scoreboard", self)
        self.sb.configure(self.params)
        # SMMUEN=1: predictions read STEs/CDs from the shared image, with the walker port's
        # read error ranges; predicted event records go to the event-queue checker
        self.sb.mem = self.mem
        self.sb.tw_error_ranges = self.tw_read_error_ranges
        self.evc = EventChecker(self.sb.model)
        self.sb.events = self.evc
        self.evc_sink = _Sink("evc_sink", self, self.evc.on_tw)
        # stall model: stall records bind STAGs in the scoreboard; consumed RESUME/STALL_TERM commands
        # change expected outcomes; the scoreboard knows the cycle (same numbering as the samplers)
        self.evc.stall_sink = self.sb.on_stall_record
        self.evc.busy = self.sb._busy
        self.sb.now = lambda: int(get_sim_time("ns") // PERIOD_NS)
        self.evc.now = self.sb.now
        self.cmd_tap = CmdTap(self.sb, self.params)
        self.tw_smp.add_listener(self.cmd_tap)
        self.twattr_sink = _Sink("twattr_sink", self, self.sb.check_tw_attrs)
        self.cov = CoverageCollector("coverage", self)
        self.regs = RegAgent("regs", self)
        if env_int("SMMU_SEED_TIMING", 0):
            self.seed_timing(self.seeds.py("seed_timing"))

    def seed_timing(self, rng) -> None:
        """make regress (its jobs set SMMU_SEED_TIMING=1): every test starts from seed-chosen
        back-pressure on s_axi, m_axi and m_axi_tw and memory latencies, so a directed test sees
        new timing with each seed; what a test sets itself (set_backpressure, .latency) wins."""
        self.random_backpressure(rng)
        self.mem_tw.set_throttles(*(Throttle.random_profile(rng) for _ in range(5)))
        self.mem_m.latency = (0, rng.choice((0, 2, 8, 24)))
        self.mem_tw.latency = (0, rng.choice((0, 3, 10)))
        self.log.info("seed-chosen timing (SMMU_SEED_TIMING=1): m_axi latency %s, m_axi_tw latency %s",
                      self.mem_m.latency, self.mem_tw.latency)

    def connect_phase(self) -> None:
        self.agent.driver.bfm = self.client
        self.s_mon.bind(self.s_smp, "s_axi", sideband=True)
        self.m_mon.bind(self.m_smp, "m_axi")
        self.tw_mon.bind(self.tw_smp, "m_axi_tw")
        self.s_mon.req_ap.connect(self.sb.req_export)
        self.s_mon.ap.connect(self.sb.client_export)
        self.s_mon.ap.connect(self.cov.analysis_export)
        self.m_mon.ap.connect(self.sb.down_export)
        self.tw_mon.ap.connect(self.evc_sink.analysis_export)
        self.tw_mon.ap.connect(self.twattr_sink.analysis_export)
        self.regs.bind(self.axil, self.sb.model)

    # ------------------------------------------------------------ control
    async def start(self, reset_cycles: int = 8) -> None:
        """Clock (GPI clock: fastest on both simulators) and a first reset."""
        self.t0 = get_sim_time("ns")
        cocotb.start_soon(Clock(self.dut.aclk, PERIOD_NS, unit="ns", impl="gpi").start(start_high=False))
        await self.reset(reset_cycles)

    async def reset(self, cycles: int = 8) -> None:
        """Assert aresetn (possibly with traffic in flight) and return every TB component to idle."""
        dut = self.dut
        for s in self.samplers:
            s.enabled = False
        dut.aresetn.value = 0
        self.client.reset()
        self.client.idle_drive()
        self.mem_m.reset()
        self.mem_tw.reset()
        self.axil.reset()
        self.cmd_tap.reset()
        for m in (self.s_mon, self.m_mon, self.tw_mon):
            m.reset()
        for c in self.checkers:
            c.reset()
        self.sb.reset()
        self.sb.model.reset()
        self.evc.reset()
        await ClockCycles(dut.aclk, cycles)
        dut.aresetn.value = 1
        await RisingEdge(dut.aclk)
        for s in self.samplers:
            s.enabled = True
            s.kick()

    def tw_read_error_ranges(self):
        """m_axi_tw read error ranges in the model's convention.

        The responder fails a burst whose START address is in [lo, hi); the model
        (lookup_config) fails a fetch of n bytes at a that OVERLAPS a half-open
        [lo', hi'). Configuration fetches start 64-byte aligned (STE: base + SID*64,
        CD: S1ContextPtr[55:6] + index*64) and read 16 or 32 bytes, so with
        lo' = lo rounded up to 64 and hi' = hi both conventions fail exactly the same
        fetches. A per-beat range (beats=True) fails exactly the overlapping fetches."""
        return [(e.lo if e.beats else (e.lo + 63) & ~63, e.hi) for e in self.mem_tw.errors
                if "r" in e.dirs and e.hi > e.lo]

    def set_backpressure(self, client: Dict[str, Throttle] = None, mem: Dict[str, Throttle] = None) -> None:
        """Throttles by channel name; missing channels stay "always"."""
        c = client or {}
        m = mem or {}
        a = Throttle()
        self.client.set_throttles(c.get("aw", a), c.get("w", a), c.get("ar", a), c.get("b", a), c.get("r", a))
        self.mem_m.set_throttles(m.get("aw", a), m.get("w", a), m.get("ar", a), m.get("r", a), m.get("b", a))

    def random_backpressure(self, rng) -> None:
        self.set_backpressure({ch: Throttle.random_profile(rng) for ch in ("aw", "w", "ar", "b", "r")},
                              {ch: Throttle.random_profile(rng) for ch in ("aw", "w", "ar", "r", "b")})

    async def quiesce(self, max_cycles: int = 20000) -> None:
        """Wait until the client has nothing in flight and the memory nothing pending."""
        await self.client.drain()
        for _ in range(max_cycles // 10):
            if not self.mem_m.tb_busy() and not self.client.inflight and not self.axil.tb_busy():
                break
            await ClockCycles(self.dut.aclk, 10)
        await ClockCycles(self.dut.aclk, 4)

    # ------------------------------------------------------------ results
    def cycles(self) -> int:
        return int((get_sim_time("ns") - getattr(self, "t0", 0)) // PERIOD_NS)

    def collect_errors(self) -> List[str]:
        errs: List[str] = []
        for c in self.checkers:
            errs += c.errors
        errs += self.sb.errors
        errs += self.evc.errors
        errs += self.regs.errors
        errs += [f"s_axi driver: {u}" for u in self.client.unexpected[:5]]
        return errs

    def final_check(self) -> None:
        self.sb.final_check(self.s_mon.outstanding())
        self.evc.final_check()
        for name, mon in (("m_axi", self.m_mon), ("m_axi_tw", self.tw_mon)):
            for o in mon.outstanding()[:5]:
                self.sb.errors.append(f"{name} transaction never completed: {o}")
        # the RTL's simulation invariants (smmu_top dbg_invariant_err, sticky; message in the log)
        v = self.dut.dbg_invariant_err.value
        if not v.is_resolvable or int(v):
            self.sb.errors.append(f"RTL invariant violated (smmu_top.dbg_invariant_err = {v}): see the "
                                  "'INVARIANT' line of the simulator log")

    def summary(self) -> str:
        st = self.s_mon.stats
        mt = self.m_mon.stats
        return (f"cycles={self.cycles()} scoreboard[{self.sb.summary()}]\n"
                f"  attributes checked: m_axi={self.sb.attr_checks} m_axi_tw={self.sb.tw_attr_checks}\n"
                f"  s_axi: aw={st['aw']} w={st['w']} b={st['b']} ar={st['ar']} r={st['r']} "
                f"stalls aw/w/ar/r/b={st['aw_stall']}/{st['w_stall']}/{st['ar_stall']}/{st['r_stall']}/"
                f"{st['b_stall']} w_before_aw={st['w_before_aw']}\n"
                f"  m_axi: aw={mt['aw']} w={mt['w']} b={mt['b']} ar={mt['ar']} r={mt['r']} "
                f"stalls aw/w/ar/r/b={mt['aw_stall']}/{mt['w_stall']}/{mt['ar_stall']}/{mt['r_stall']}/"
                f"{mt['b_stall']}\n"
                f"  m_axi_tw: aw={self.tw_mon.stats['aw']} ar={self.tw_mon.stats['ar']}  "
                f"register accesses={self.regs.accesses}\n"
                f"  config: {self.config_summary()}\n"
                f"  {self.evc.summary()}"
                + (f"\n  stall model: {self.sb.stall_summary()}" if self.sb.stats["stalls"] else ""))

    def config_counts(self) -> Dict[str, int]:
        """Configuration lookups (client transactions accepted with SMMUEN=1), STE/CD fetches
        seen on m_axi_tw (= cache misses; faults are re-fetched every time), hits = lookups - STE fetches."""
        lookups = self.sb.stats["cfg_lookups"]
        ste, cd = self.evc.stats["ste_fetches"], self.evc.stats["cd_fetches"]
        return {"lookups": lookups, "ste_fetches": ste, "cd_fetches": cd, "hits": max(0, lookups - ste)}

    def config_summary(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.config_counts().items())
