"""Client traffic sequences (s_axi).

RandomTrafficSeq keeps the BFM's outstanding window full and only waits for
responses at the end, so ordering, back-pressure and W-before-AW interleave.
"""

from __future__ import annotations

import random
from typing import Callable, List, Optional, Sequence

from pyuvm import uvm_sequence

from tb.agents.axi_txn import AxiTxn, TxnConstraints


class RandomTrafficSeq(uvm_sequence):
    def __init__(self, name: str, n: int, rng: random.Random, cons: TxnConstraints, data_bytes: int,
                 id_w: int, sid_w: int = 8, ssid_w: int = 8,
                 mutate: Optional[Callable[[AxiTxn], None]] = None) -> None:
        super().__init__(name)
        self.n, self.rng, self.cons = n, rng, cons
        self.data_bytes, self.id_w, self.sid_w, self.ssid_w = data_bytes, id_w, sid_w, ssid_w
        self.mutate = mutate
        self.items: List[AxiTxn] = []

    async def body(self) -> None:
        for i in range(self.n):
            it = AxiTxn(f"t{i}").randomize(self.rng, self.cons, self.data_bytes, self.id_w,
                                           self.sid_w, self.ssid_w)
            if self.mutate:
                self.mutate(it)
            self.items.append(it)
            await self.start_item(it)
            await self.finish_item(it)
        for it in self.items:
            await it.done.wait()


class ListSeq(uvm_sequence):
    """Send prepared items (directed tests); waits for all responses."""

    def __init__(self, name: str, items: Sequence[AxiTxn]) -> None:
        super().__init__(name)
        self.items = list(items)

    async def body(self) -> None:
        for it in self.items:
            await self.start_item(it)
            await self.finish_item(it)
        for it in self.items:
            await it.done.wait()
