"""pyuvm agents of the four AXI interfaces of smmu_top, the way pyuvm's own examples build them.

Every agent owns the interface's AxiSampler (one Python wake-up per clock edge while the interface
is busy, none while idle), its protocol checker and its monitor (a uvm_monitor fed by the sampler).
Only an ACTIVE agent (``is_active`` from ConfigDB, pyuvm's uvm_active_passive_enum; the default is
UVM_ACTIVE) also builds the BFM that drives the interface: a PASSIVE agent drives no signal and still
samples, checks and monitors, so another responder (or the real system) can drive the interface.

Settings come from ConfigDB in build_phase (set by SmmuEnv / the test):

  ``DUT``        the toplevel handle (cocotb.top), set by the test
  ``SEEDS``      tb.env.config.Seeds; each BFM's random stream is ``SEEDS.py(cfg.rng_salt)``
  ``agent_cfg``  an AxiAgentConfig (interface prefix, channels, data bytes, ...), set by the env
  ``is_active``  uvm_active_passive_enum (default UVM_ACTIVE)
  ``mem``        the shared SparseMemory image (memory agents)
  ``latency``    (min, max) response latency in cycles (memory agents, default (0, 0))

Sampler listener order is part of the behaviour (the BFM reacts to an edge before the checker and
the monitor see it), and is the same as before the agents existed: BFM, checker, monitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from pyuvm import ConfigDB, uvm_active_passive_enum, uvm_agent

from tb.agents.axi_checker import AxiProtocolChecker
from tb.agents.axi_mem_responder import AxiMemResponder
from tb.agents.axi_monitor import AxiMonitor
from tb.agents.axi_sampler import AxiSampler
from tb.agents.axi_signals import ChannelSpec

UVM_ACTIVE = uvm_active_passive_enum.UVM_ACTIVE
UVM_PASSIVE = uvm_active_passive_enum.UVM_PASSIVE


@dataclass
class AxiAgentConfig:
    """What an agent needs to know about its interface (set by the env under ``agent_cfg``)."""
    prefix: str                                    # signal prefix: s_axi, m_axi, m_axi_tw, s_axil
    channels: Sequence[ChannelSpec]                # what the sampler reads (monitor and checker see it)
    data_bytes: int                                # data bus width in bytes
    rng_salt: str                                  # the BFM's random stream: SEEDS.py(rng_salt)
    drive_channels: Optional[Sequence[ChannelSpec]] = None   # what the BFM drives (default: channels)
    sideband: bool = False                         # s_axi: StreamID / SubstreamID on AW / AR
    lite: bool = False                             # AXI4-Lite rules in the protocol checker
    period_ns: float = 10.0                        # clock period (cycle numbering of the samplers)


class AxiAgentBase(uvm_agent):
    """Sampler + protocol checker + monitor; the BFM (``self.bfm``) only when active."""

    monitor_type = AxiMonitor

    def build_phase(self) -> None:
        super().build_phase()                      # is_active from ConfigDB (default UVM_ACTIVE)
        cdb = ConfigDB()
        self.cfg: AxiAgentConfig = cdb.get(self, "", "agent_cfg")
        self.dut = cdb.get(self, "", "DUT")
        self.seeds = cdb.get(self, "", "SEEDS")
        cfg = self.cfg
        self.sampler = AxiSampler(self.dut, cfg.prefix, self.dut.aclk, cfg.channels, cfg.period_ns)
        self.bfm = self.build_bfm() if self.active() else None
        self.checker = AxiProtocolChecker(cfg.prefix, lite=cfg.lite).bind(self.sampler)
        self.monitor = self.monitor_type.create("monitor", self)

    def build_bfm(self):
        raise NotImplementedError

    def connect_phase(self) -> None:
        self.monitor.bind(self.sampler, self.cfg.prefix, sideband=self.cfg.sideband)

    def reset(self) -> None:
        """aresetn: every part of the agent back to idle (the env disables the sampler around it)."""
        if self.bfm is not None:
            self.bfm.reset()
        self.monitor.reset()
        self.checker.reset()

    def tb_busy(self) -> bool:
        return self.bfm is not None and self.bfm.tb_busy()


class AxiMemAgent(AxiAgentBase):
    """Slave side of m_axi (downstream memory) or m_axi_tw (the SMMU's own table walks, queues):
    when active an AxiMemResponder answers from the shared memory image (ConfigDB ``mem``)."""

    def build_bfm(self) -> AxiMemResponder:
        cfg = self.cfg
        cdb = ConfigDB()
        r = AxiMemResponder(self.dut, cfg.prefix, self.sampler, cfg.drive_channels or cfg.channels,
                            cdb.get(self, "", "mem"), self.seeds.py(cfg.rng_salt), cfg.data_bytes)
        r.latency = tuple(cdb.get(self, "", "latency", (0, 0)))
        return r
