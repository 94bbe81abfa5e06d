"""pyuvm agent for s_axi (the client port): sampler, protocol checker and monitor always; when
active also a sequencer, a uvm_driver and the AxiClientDriver BFM it hands items to.

item_done() is called as soon as the BFM has queued the item (bounded by its
max_outstanding), not when the response arrives: that is what keeps many
transactions in flight. Sequences await ``item.done`` for responses.

ConfigDB: everything AxiAgentBase reads, plus ``max_outstanding`` (BFM limit, default 64).
"""

from __future__ import annotations

from pyuvm import ConfigDB, uvm_driver, uvm_sequencer

from tb.agents.axi_agent import AxiAgentBase
from tb.agents.axi_client_driver import AxiClientDriver


class ClientSeqDriver(uvm_driver):
    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.bfm: AxiClientDriver = None

    async def run_phase(self) -> None:
        while True:
            item = await self.seq_item_port.get_next_item()
            await self.bfm.send(item)
            self.seq_item_port.item_done()


class ClientAgent(AxiAgentBase):
    def build_phase(self) -> None:
        super().build_phase()
        self.seqr = self.driver = None
        if self.active():
            self.seqr = uvm_sequencer.create("seqr", self)
            self.driver = ClientSeqDriver.create("driver", self)

    def build_bfm(self) -> AxiClientDriver:
        cfg = self.cfg
        return AxiClientDriver(self.dut, cfg.prefix, self.dut.aclk, self.sampler, self.seeds.py(cfg.rng_salt),
                               cfg.data_bytes, max_outstanding=ConfigDB().get(self, "", "max_outstanding", 64))

    def connect_phase(self) -> None:
        super().connect_phase()
        if self.driver is not None:
            self.driver.seq_item_port.connect(self.seqr.seq_item_export)
            self.driver.bfm = self.bfm

    def reset(self) -> None:
        super().reset()
        if self.bfm is not None:
            self.bfm.idle_drive()
