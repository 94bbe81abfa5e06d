"""The testbench's pyuvm structure: component tree, ConfigDB settings, factory overrides and
passive agents (issue 11, item 7).

* UvmStructure: every component of the env exists with its factory type, the active agents have
  their BFMs (and the client agent its sequencer and driver), the outer knobs reached ConfigDB,
  a factory instance override replaces exactly one monitor, and the AXI4-Lite monitor of the
  register agent saw exactly the accesses the register agent made.
* UvmPassiveMemAgent: the m_axi agent is PASSIVE (ConfigDB ``is_active``): it builds no BFM, and a
  different responder (cocotbext-axi's AxiRam) answers m_axi; the agent still samples, checks and
  monitors, so the scoreboard still checks every bypassed transaction against m_axi.
"""

from __future__ import annotations

import pyuvm
from cocotbext.axi import AxiBus, AxiRam
from pyuvm import ConfigDB, uvm_active_passive_enum, uvm_factory, uvm_subscriber

from tb.agents.axi_agent import AxiMemAgent
from tb.agents.axi_client_driver import AxiClientDriver
from tb.agents.axi_mem_responder import AxiMemResponder
from tb.agents.axi_monitor import AxiMonitor
from tb.agents.axil_master import AxiLiteMasterBfm
from tb.agents.axil_monitor import AxilMonitor
from tb.agents.client_agent import ClientAgent, ClientSeqDriver
from tb.agents.reg_agent import RegAgent
from tb.env.base_test import SmmuBaseTest
from tb.env.coverage import CoverageCollector
from tb.env.env import CmdTap, SmmuEnv
from tb.env.event_checker import EventChecker
from tb.env.scoreboard import Scoreboard
from tb.sequences.scenarios import MEM_BASE, MEM_SIZE, init_memory, run_traffic


class TxnCounter(uvm_subscriber):
    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.n = 0

    def write(self, t) -> None:
        self.n += 1


class CountingMonitor(AxiMonitor):
    """An AxiMonitor that also counts the completed transactions it publishes on ``ap``
    (instance-override demo)."""

    def build_phase(self) -> None:
        super().build_phase()
        self.counter = TxnCounter.create("counter", self)

    def connect_phase(self) -> None:
        super().connect_phase()
        self.ap.connect(self.counter.analysis_export)

    @property
    def published(self) -> int:
        return self.counter.n


def checked_txns(sb) -> int:
    """Client transactions the scoreboard checked to completion (its <dir>_<outcome> counts)."""
    return sum(v for k, v in sb.stats.items() if k.split("_")[0] in ("read", "write") and
               k.split("_", 1)[1] in ("bypass", "abort", "raz", "translate"))


@pyuvm.test()
class UvmStructure(SmmuBaseTest):
    def configure(self) -> None:
        # one instance only: the m_axi monitor; the other monitors stay AxiMonitor
        uvm_factory().set_inst_override_by_type(AxiMonitor, CountingMonitor, "uvm_test_top.env.m_axi.monitor")

    async def body(self) -> None:
        env = self.env
        expect = {"env": SmmuEnv, "env.s_axi": ClientAgent, "env.m_axi": AxiMemAgent, "env.m_axi_tw": AxiMemAgent,
                  "env.regs": RegAgent, "env.scoreboard": Scoreboard, "env.event_checker": EventChecker,
                  "env.cmd_tap": CmdTap, "env.coverage": CoverageCollector,
                  "env.s_axi.monitor": AxiMonitor, "env.m_axi.monitor": CountingMonitor,
                  "env.m_axi_tw.monitor": AxiMonitor, "env.regs.monitor": AxilMonitor,
                  "env.s_axi.driver": ClientSeqDriver, "env.s_axi.seqr": pyuvm.uvm_sequencer}
        for path, typ in expect.items():
            comp = self.lookup(path)
            assert comp is not None, f"no component uvm_test_top.{path}"
            assert isinstance(comp, typ), f"uvm_test_top.{path} is a {type(comp).__name__}, not {typ.__name__}"
        assert type(env.tw_mon) is AxiMonitor and type(env.s_mon) is AxiMonitor, "instance override leaked"
        for agent, bfm in ((env.s_agent, AxiClientDriver), (env.m_agent, AxiMemResponder),
                           (env.tw_agent, AxiMemResponder), (env.regs, AxiLiteMasterBfm)):
            assert agent.get_is_active() == uvm_active_passive_enum.UVM_ACTIVE, agent.get_full_name()
            assert isinstance(agent.bfm, bfm), f"{agent.get_full_name()}: BFM {agent.bfm!r}"
        assert env.s_agent.driver.bfm is env.client
        # ConfigDB: the seed and the DUT handle the base test published, the params the env did
        assert ConfigDB().get(env.regs, "", "SEEDS") is self.seeds
        assert ConfigDB().get(env.m_agent, "", "params") is env.params
        assert ConfigDB().get(env.m_agent, "", "agent_cfg").prefix == "m_axi"
        self.log.info("component tree:\n%s", "\n".join(
            f"  {c.get_full_name():45s} {type(c).__name__}" for c in _walk(self) if not _is_port(c)))
        # traffic: the register agent's accesses all appear on its AXI4-Lite monitor
        for reg in ("IDR0", "IDR1", "CR0", "GBPA"):
            await self.regs.read(reg)
        await self.regs.write("IRQ_CTRL", 0)
        init_memory(env)
        await run_traffic(env, 40, salt="uvm")
        await env.quiesce()
        lm = env.regs.monitor
        assert lm.stats["b"] + lm.stats["r"] == env.regs.accesses > 0, \
            f"s_axil monitor saw {lm.stats['b']} writes + {lm.stats['r']} reads, the agent made {env.regs.accesses}"
        # bypass (SMMUEN=0): one m_axi transaction per client transaction, all of them checked
        assert checked_txns(env.sb) == 40 == env.sb.stats["read_bypass"] + env.sb.stats["write_bypass"], \
            env.sb.summary()
        assert env.m_mon.published == 40, f"the m_axi monitor published {env.m_mon.published} transactions"


@pyuvm.test()
class UvmPassiveMemAgent(SmmuBaseTest):
    """m_axi agent passive; cocotbext-axi's AxiRam (a different responder) drives m_axi."""

    def configure(self) -> None:
        self.cdb_set_env("m_axi", "is_active", uvm_active_passive_enum.UVM_PASSIVE)

    def end_of_elaboration_phase(self) -> None:
        dut = self.env.dut
        # the RAM backs the client traffic window (bypass: output address = input address)
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.aclk, dut.aresetn, reset_active_level=False,
                          size=1 << (MEM_BASE + MEM_SIZE - 1).bit_length())

    async def body(self) -> None:
        env = self.env
        agent = env.m_agent
        assert agent.get_is_active() == uvm_active_passive_enum.UVM_PASSIVE
        assert agent.bfm is None and env.mem_m is None, "a passive agent built a BFM"
        assert not any(isinstance(c, (pyuvm.uvm_driver, pyuvm.uvm_sequencer)) for c in _walk(agent)), \
            "a passive agent built a driver or sequencer"
        assert env.tw_agent.get_is_active() == uvm_active_passive_enum.UVM_ACTIVE
        # the RAM holds the data the client reads; the env's image is initialised too (scoreboard)
        init_memory(env)
        self.ram.write(MEM_BASE, env.mem.read(MEM_BASE, MEM_SIZE))
        await run_traffic(env, 60, salt="passive")
        await env.quiesce()
        st = env.m_mon.stats
        assert st["ar"] > 0 and st["aw"] > 0 and st["r"] > 0 and st["b"] > 0, \
            f"the passive m_axi agent monitored nothing: {dict(st)}"
        # every transaction went through m_axi (bypass) and was checked against what the monitor saw
        assert checked_txns(env.sb) == 60 == env.sb.stats["read_bypass"] + env.sb.stats["write_bypass"], \
            env.sb.summary()
        assert env.m_agent.checker.checked_cycles > 0, "the passive agent's protocol checker saw nothing"
        self.log.info("passive m_axi agent monitored aw=%d w=%d b=%d ar=%d r=%d (AxiRam answered); scoreboard: %s",
                      st["aw"], st["w"], st["b"], st["ar"], st["r"], env.sb.summary())


def _walk(comp):
    yield comp
    for c in comp.get_children():
        yield from _walk(c)


def _is_port(c) -> bool:
    return "port" in type(c).__name__.lower() or "export" in type(c).__name__.lower() \
        or "imp" in type(c).__name__.lower() or "fifo" in type(c).__name__.lower()
