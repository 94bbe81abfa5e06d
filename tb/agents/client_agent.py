"""pyuvm agent for s_axi: sequencer + a uvm_driver that hands items to the BFM.

item_done() is called as soon as the BFM has queued the item (bounded by its
max_outstanding), not when the response arrives: that is what keeps many
transactions in flight. Sequences await ``item.done`` for responses.
"""

from __future__ import annotations

from pyuvm import uvm_agent, uvm_driver, uvm_sequencer

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


class ClientAgent(uvm_agent):
    def build_phase(self) -> None:
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = ClientSeqDriver("driver", self)

    def connect_phase(self) -> None:
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
