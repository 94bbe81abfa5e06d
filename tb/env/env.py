"""The pyuvm environment for smmu_top: one agent per AXI interface, the scoreboard, the
event-queue checker, the command tap and the coverage collector, created with the factory
(``Cls.create(name, self)``) in build_phase and wired in connect_phase.

Component tree (docs/architecture.md, testbench section, has the ConfigDB keys and the factory
overrides the tests use)::

    uvm_test_top (SmmuBaseTest subclass)
      env (SmmuEnv)
        s_axi     ClientAgent   sampler, checker, monitor; active: seqr, driver (+ AxiClientDriver BFM)
        m_axi     AxiMemAgent   sampler, checker, monitor; active: AxiMemResponder (downstream memory)
        m_axi_tw  AxiMemAgent   sampler, checker, monitor; active: AxiMemResponder (walks, queues)
        regs      RegAgent      s_axil sampler, checker, AxilMonitor; active: AXI4-Lite master BFM
        scoreboard     Scoreboard (client / m_axi / m_axi_tw attribute exports)
        event_checker  EventChecker (uvm_subscriber of the m_axi_tw monitor)
        cmd_tap        CmdTap (listener of the m_axi_tw sampler: per R beat)
        coverage       CoverageCollector (uvm_subscriber of the s_axi monitor)

Interfaces are sampled by one AxiSampler each (owned by the agent); BFMs, monitors and protocol
checkers listen to those samplers, so each interface costs one Python wake-up per clock edge
while busy and none while idle.

ConfigDB read here: ``DUT``, ``SEEDS``, ``SMMU_PARAMS`` (set by the test); published for the
components below: ``params`` (SmmuParams of the build), ``mem`` (the shared memory image) and one
``agent_cfg`` per agent. The attributes tests use (``client``, ``mem_m``, ``mem_tw``, ``axil``,
``s_smp`` .., ``s_mon`` .., ``agent``, ``sb``, ``evc``, ``cov``, ``regs``) are views of those
components.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Dict, List

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotb.utils import get_sim_time
from pyuvm import ConfigDB, uvm_component, uvm_env, uvm_subscriber

from tb.agents.axi_agent import AxiAgentConfig, AxiMemAgent
from tb.agents.axi_signals import axi4_channels, axil_channels
from tb.agents.client_agent import ClientAgent
from tb.agents.reg_agent import RegAgent
from tb.agents.stream_router import StreamRouter
from tb.agents.throttle import Throttle
from tb.env.config import detect_params
from tb.env.coverage import CoverageCollector
from tb.env.event_checker import EventChecker
from tb.env.scoreboard import Scoreboard
from tb.hier import port_prefix, tbu_count
from tb.model.memory import SparseMemory

PERIOD_NS = 10


class CmdTap(uvm_component):
    """Commands the SMMU fetches on m_axi_tw (ARID 1, 16 bytes = two 8-byte R beats per command, up
    to 8 commands per burst): CMD_RESUME / CMD_STALL_TERM go to the scoreboard in the cycle their
    second beat arrives (the SMMU may act on a command before the burst's last beat), not when
    software writes them (the stall model changes the expected outcome at that moment). Every
    command of a burst counts, up to the first one fetched with an error (CERROR_ABT: fetched
    again) or illegal (CERROR_ILL: the queue stops there; neither it nor what follows executes).
    A listener of the m_axi_tw sampler (per beat), not of the monitor (per burst).
    ``configure(sb, params)`` completes it (the env does, right after creating it)."""

    CMDQ_ID = 1

    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.sb = None
        self.features = None
        self.enabled = True
        self.seen = 0
        self.log: List[tuple] = []        # (cycle, decoded command) of every RESUME / STALL_TERM fetched
        self.reset()

    def configure(self, sb, params) -> None:
        from tb.model.config import SmmuFeatures
        self.sb = sb
        self.features = SmmuFeatures.from_params(params)

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
    def build_phase(self) -> None:
        cdb = ConfigDB()
        dut = self.dut = cdb.get(self, "", "DUT")
        self.seeds = cdb.get(self, "", "SEEDS")
        self.params = detect_params(dut, cdb.get(self, "", "SMMU_PARAMS", {}))
        self.data_bytes = self.params.DATA_W // 8
        self.log = logging.getLogger("tb.env")
        self.log.setLevel(logging.INFO)
        self.mem = SparseMemory()
        cdb.set(self, "*", "params", self.params)
        cdb.set(self, "*", "mem", self.mem)
        # one agent per interface; the optional AxDOMAIN outputs are sampled when the DUT has them
        # (the memory responders drive only READY / B / R, so they take the channels without them)
        # smmu_multi (its simulation wrapper): one client and one memory agent per TBU, on the named
        # port sets t<k>_s_axi / t<k>_m_axi; smmu_top: s_axi / m_axi
        self.ntbu = tbu_count(dut)
        pre = partial(port_prefix, dut)
        for k in range(self.ntbu):
            sfx = str(k) if k else ""
            cdb.set(self, pre(k) + "s_axi", "agent_cfg",
                    AxiAgentConfig(pre(k) + "s_axi", axi4_channels(sideband=True), self.data_bytes, "client" + sfx,
                                   sideband=True, period_ns=PERIOD_NS))
            cdb.set(self, pre(k) + "m_axi", "agent_cfg",
                    AxiAgentConfig(pre(k) + "m_axi", axi4_channels(domain=hasattr(dut, pre(k) + "m_axi_ardomain")),
                                   self.data_bytes, "mem_m" + sfx, drive_channels=axi4_channels(),
                                   period_ns=PERIOD_NS))
        cdb.set(self, "m_axi_tw", "agent_cfg",
                AxiAgentConfig("m_axi_tw", axi4_channels(qos=False, domain=hasattr(dut, "m_axi_tw_ardomain")), 8,
                               "mem_tw", drive_channels=axi4_channels(qos=False), period_ns=PERIOD_NS))
        cdb.set(self, "regs", "agent_cfg",
                AxiAgentConfig("s_axil", axil_channels(), 4, "axil", lite=True, period_ns=PERIOD_NS))
        self.s_agents = [ClientAgent.create(pre(k) + "s_axi", self) for k in range(self.ntbu)]
        self.m_agents = [AxiMemAgent.create(pre(k) + "m_axi", self) for k in range(self.ntbu)]
        self.s_agent, self.m_agent = self.s_agents[0], self.m_agents[0]     # TBU 0 (smmu_top: the only one)
        self.tw_agent = AxiMemAgent.create("m_axi_tw", self)
        self.regs = RegAgent.create("regs", self)
        self.agents = (*self.s_agents, *self.m_agents, self.tw_agent, self.regs)
        self.sb = Scoreboard.create("scoreboard", self)
        self.sb.configure(self.params)
        # SMMUEN=1: predictions read STEs/CDs from the shared image, with the walker port's
        # read error ranges; predicted event records go to the event-queue checker
        self.sb.mem = self.mem
        self.sb.tw_error_ranges = self.tw_read_error_ranges
        self.evc = EventChecker.create("event_checker", self)
        self.sb.now = lambda: int(get_sim_time("ns") // PERIOD_NS)
        self.evc.now = self.sb.now
        self.evc.bind_model(self.sb.model)
        self.sb.events = self.evc
        # stall model: stall records bind STAGs in the scoreboard; consumed RESUME/STALL_TERM commands
        # change expected outcomes; the scoreboard knows the cycle (same numbering as the samplers)
        self.evc.stall_sink = self.sb.on_stall_record
        self.evc.busy = self.sb._busy
        self.cmd_tap = CmdTap.create("cmd_tap", self)
        self.cmd_tap.configure(self.sb, self.params)
        self.cov = CoverageCollector.create("coverage", self)

    def seed_timing(self, rng) -> None:
        """make regress (its jobs set SMMU_SEED_TIMING=1): every test starts from seed-chosen
        back-pressure on s_axi, m_axi and m_axi_tw and memory latencies, so a directed test sees
        new timing with each seed; what a test sets itself (set_backpressure, .latency) wins.
        Called at the end of connect_phase (the agents' BFMs exist then); passive agents are skipped."""
        self.random_backpressure(rng)
        if self.mem_tw is not None:
            self.mem_tw.set_throttles(*(Throttle.random_profile(rng) for _ in range(5)))
            self.mem_tw.latency = (0, rng.choice((0, 3, 10)))
        for m in self.mems_m:
            m.latency = (0, rng.choice((0, 2, 8, 24)))
        self.log.info("seed-chosen timing (SMMU_SEED_TIMING=1): m_axi latency %s, m_axi_tw latency %s",
                      getattr(self.mem_m, "latency", None), getattr(self.mem_tw, "latency", None))

    def connect_phase(self) -> None:
        # the agents have connected their monitors to their samplers (connect is bottom-up)
        for sa, ma in zip(self.s_agents, self.m_agents):
            sa.monitor.req_ap.connect(self.sb.req_export)
            sa.monitor.ap.connect(self.sb.client_export)
            sa.monitor.ap.connect(self.cov.analysis_export)
            ma.monitor.ap.connect(self.sb.down_export)
        self.tw_mon.ap.connect(self.evc.analysis_export)
        if self.ntbu > 1 and self.s_agent.bfm is not None:
            # sequences on TBU 0's sequencer and tests' env.client reach every TBU by StreamID
            self.router = StreamRouter(self.clients)
            if self.s_agent.driver is not None:
                self.s_agent.driver.bfm = self.router
        self.tw_smp.add_listener(self.cmd_tap)   # per beat: a command counts when its 2nd beat arrives
        self.tw_mon.ap.connect(self.sb.tw_attr_export)
        self.regs.bind(self.sb.model)
        self.cov.bind(self)                      # functional coverage: its other sources
        if ConfigDB().get(self, "", "SMMU_SEED_TIMING", 0):
            self.seed_timing(self.seeds.py("seed_timing"))

    # ------------------------------------------------------------ views of the agents' parts
    # BFMs are None in a passive agent
    # (client, mem_m, s_smp, s_mon, m_smp, m_mon: TBU 0; clients / mems_m: every TBU's)
    # smmu_multi: ``client`` is the StreamRouter over every TBU's BFM (the route is by StreamID)
    client = property(lambda self: self.router if self.router is not None else self.s_agent.bfm)
    mem_m = property(lambda self: self.m_agent.bfm)
    clients = property(lambda self: [a.bfm for a in self.s_agents if a.bfm is not None])
    router = None
    mems_m = property(lambda self: [a.bfm for a in self.m_agents if a.bfm is not None])
    mem_tw = property(lambda self: self.tw_agent.bfm)
    axil = property(lambda self: self.regs.bfm)
    agent = property(lambda self: self.s_agent)
    s_smp = property(lambda self: self.s_agent.sampler)
    m_smp = property(lambda self: self.m_agent.sampler)
    tw_smp = property(lambda self: self.tw_agent.sampler)
    l_smp = property(lambda self: self.regs.sampler)
    s_mon = property(lambda self: self.s_agent.monitor)
    m_mon = property(lambda self: self.m_agent.monitor)
    tw_mon = property(lambda self: self.tw_agent.monitor)
    samplers = property(lambda self: tuple(a.sampler for a in self.agents))
    checkers = property(lambda self: [a.checker for a in self.agents])

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
        for a in self.agents:           # BFM (active agents), monitor, protocol checker
            a.reset()
        self.cmd_tap.reset()
        self.sb.reset()
        self.sb.model.reset()
        self.evc.reset()
        self.cov.reset()
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
        errors = self.mem_tw.errors if self.mem_tw is not None else []
        return [(e.lo if e.beats else (e.lo + 63) & ~63, e.hi) for e in errors
                if "r" in e.dirs and e.hi > e.lo]

    def set_backpressure(self, client: Dict[str, Throttle] = None, mem: Dict[str, Throttle] = None) -> None:
        """Throttles by channel name; missing channels stay "always"."""
        c = client or {}
        m = mem or {}
        a = Throttle()
        for cl in self.clients:
            cl.set_throttles(c.get("aw", a), c.get("w", a), c.get("ar", a), c.get("b", a), c.get("r", a))
        for mm in self.mems_m:
            mm.set_throttles(m.get("aw", a), m.get("w", a), m.get("ar", a), m.get("r", a), m.get("b", a))

    def random_backpressure(self, rng) -> None:
        self.set_backpressure({ch: Throttle.random_profile(rng) for ch in ("aw", "w", "ar", "b", "r")},
                              {ch: Throttle.random_profile(rng) for ch in ("aw", "w", "ar", "r", "b")})

    async def quiesce(self, max_cycles: int = 20000) -> None:
        """Wait until the client has nothing in flight and the memory nothing pending (the BFMs of
        active agents; a passive agent's driver is not the env's to wait for)."""
        for cl in self.clients:
            await cl.drain()
        for _ in range(max_cycles // 10):
            if not (any(ma.tb_busy() for ma in self.m_agents) or any(cl.inflight for cl in self.clients)
                    or self.regs.tb_busy()):
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
        for sa in self.s_agents:
            if sa.bfm is not None:
                errs += [f"{sa.cfg.prefix} driver: {u}" for u in sa.bfm.unexpected[:5]]
        return errs

    def final_check(self) -> None:
        self.sb.final_check([o for sa in self.s_agents for o in sa.monitor.outstanding()])
        self.evc.final_check()
        for name, mon in ([(ma.cfg.prefix, ma.monitor) for ma in self.m_agents] + [("m_axi_tw", self.tw_mon)]):
            for o in mon.outstanding()[:5]:
                self.sb.errors.append(f"{name} transaction never completed: {o}")
        # smmu_multi jobs with SMMU_TBU_ALL=1: the test must have put traffic on every TBU
        if self.ntbu > 1 and ConfigDB().get(self, "", "SMMU_TBU_ALL", 0):
            idle = [sa.cfg.prefix for sa in self.s_agents if sa.monitor.stats["aw"] + sa.monitor.stats["ar"] == 0]
            if idle:
                self.sb.errors.append(f"SMMU_TBU_ALL=1: no transaction on {', '.join(idle)} (the test was "
                                      f"meant to run traffic on all {self.ntbu} TBUs at once)")
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
                + "".join(f"  {sa.cfg.prefix}: aw={sa.monitor.stats['aw']} ar={sa.monitor.stats['ar']}  "
                          f"{ma.cfg.prefix}: aw={ma.monitor.stats['aw']} ar={ma.monitor.stats['ar']}\n"
                          for sa, ma in zip(self.s_agents, self.m_agents) if self.ntbu > 1)
                + f"  m_axi_tw: aw={self.tw_mon.stats['aw']} ar={self.tw_mon.stats['ar']}  "
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
