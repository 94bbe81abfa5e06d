"""The client view of smmu_multi: one object with the AxiClientDriver interface the tests use
(``send``, ``submit``, ``drain``, ``inflight``, ``max_outstanding``, ``unexpected``,
``set_throttles``) that hands each transaction to the client BFM of the TBU its StreamID sits
behind.

A device sits behind one TBU in an SoC, so the route is a function of the StreamID (default:
``sid % TBUS``): every transaction of a stream keeps its AXI ordering on one port, and a test
that uses several StreamIDs has traffic on several TBUs at once. ``route`` may be replaced
(``router.route = lambda it: ...``) by a test that wants another placement.
"""

from __future__ import annotations

from typing import Callable, List

from tb.agents.axi_client_driver import AxiClientDriver
from tb.agents.axi_txn import AxiTxn


class StreamRouter:
    def __init__(self, bfms: List[AxiClientDriver]) -> None:
        self.bfms = bfms
        self.route: Callable[[AxiTxn], int] = lambda it: it.sid % len(self.bfms)
        self.sent = [0] * len(bfms)               # transactions handed to each TBU

    def _bfm(self, it: AxiTxn) -> AxiClientDriver:
        k = self.route(it)
        it.tbu = k
        self.sent[k] += 1
        return self.bfms[k]

    def submit(self, it: AxiTxn) -> None:
        self._bfm(it).submit(it)

    async def send(self, it: AxiTxn) -> None:
        await self._bfm(it).send(it)

    async def drain(self) -> None:
        for b in self.bfms:
            await b.drain()

    @property
    def inflight(self) -> List[AxiTxn]:
        return [it for b in self.bfms for it in b.inflight]

    @property
    def unexpected(self) -> list:
        return [u for b in self.bfms for u in b.unexpected]

    @property
    def max_outstanding(self) -> int:
        return self.bfms[0].max_outstanding

    @max_outstanding.setter
    def max_outstanding(self, n: int) -> None:
        for b in self.bfms:
            b.max_outstanding = n

    def set_throttles(self, *throttles) -> None:
        for b in self.bfms:
            b.set_throttles(*throttles)

    def tb_busy(self) -> bool:
        return any(b.tb_busy() for b in self.bfms)

    def reset(self) -> None:
        for b in self.bfms:
            b.reset()
