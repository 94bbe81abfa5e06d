"""Client-side AXI4 master BFM for s_axi: many bursts in flight on random IDs.

AW, W and AR are independent streams advanced in the sampler's per-edge
callback (one coroutine for the whole interface). W beats follow AW order
(AXI4) but may lead their AW: per item, w_timing is "any" (free running),
"w_first" (AW held back until the first W beat was accepted) or "aw_first"
(W held until the AW handshake). B/R READY follow random patterns. Each item
completes through its ``done`` Event, so sequences can await responses.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict, deque
from typing import Callable, Deque, Dict, List, Optional

from cocotb.triggers import Event
from cocotb_bus.drivers import BusDriver

from tb.agents.axi_sampler import AxiSampler, ChannelSample
from tb.agents.axi_signals import axi4_channels
from tb.agents.axi_txn import AxiTxn
from tb.agents.throttle import Throttle


class AxiClientDriver(BusDriver):
    """Drives s_axi; reads handshakes from the shared AxiSampler snapshot."""

    def __init__(self, dut, prefix: str, clock, sampler: AxiSampler, rng: random.Random,
                 data_bytes: int, max_outstanding: int = 64) -> None:
        self._signals = [s for ch in axi4_channels(sideband=True) for s in (ch.valid, ch.ready) + ch.payload]
        super().__init__(dut, prefix, clock)
        self.log = logging.getLogger(f"tb.{prefix}.drv")
        self.sampler = sampler
        self.rng = rng
        self.data_bytes = data_bytes
        self.max_outstanding = max_outstanding
        self.aw_valid = self.w_valid = self.ar_valid = Throttle()
        self.b_ready = self.r_ready = Throttle()
        self.on_complete: List[Callable[[AxiTxn], None]] = []
        self.unexpected: List[str] = []
        self._space = Event()
        self._init_state()
        sampler.add_listener(self)

    # ------------------------------------------------------------ configuration
    def set_throttles(self, aw: Throttle, w: Throttle, ar: Throttle, b: Throttle, r: Throttle) -> None:
        self.aw_valid, self.w_valid, self.ar_valid, self.b_ready, self.r_ready = aw, w, ar, b, r
        self._compile()

    def _compile(self) -> None:
        rng = self.rng
        self._aw_go = self.aw_valid.make(rng)
        self._w_go = self.w_valid.make(rng)
        self._ar_go = self.ar_valid.make(rng)
        self._b_go = self.b_ready.make(rng)
        self._r_go = self.r_ready.make(rng)

    def _init_state(self) -> None:
        self.aw_q: Deque[AxiTxn] = deque()
        self.ar_q: Deque[AxiTxn] = deque()
        self.w_q: Deque[AxiTxn] = deque()
        self.aw_cur: Optional[AxiTxn] = None
        self.ar_cur: Optional[AxiTxn] = None
        self.w_cur: Optional[AxiTxn] = None
        self.w_beat = 0
        self.b_wait: Dict[int, Deque[AxiTxn]] = defaultdict(deque)
        self.r_wait: Dict[int, Deque[AxiTxn]] = defaultdict(deque)
        self.inflight: List[AxiTxn] = []
        self._bready = self._rready = -1
        self._compile()

    # ------------------------------------------------------------ API
    def idle_drive(self) -> None:
        """Deassert every master-driven VALID (reset / start)."""
        b = self.bus
        b.awvalid.value = 0
        b.wvalid.value = 0
        b.arvalid.value = 0
        b.bready.value = 0
        b.rready.value = 0
        self._bready = self._rready = 0

    def submit(self, it: AxiTxn) -> None:
        """Queue an item now (no flow control); prefer ``await send(it)``."""
        it.resp, it.last = [], []
        it._w_sent = 0
        it._aw_done = False
        if it.is_write:
            self.aw_q.append(it)
            self.w_q.append(it)
        else:
            it.data = []
            self.ar_q.append(it)
        self.inflight.append(it)
        self.sampler.kick()

    async def send(self, it: AxiTxn) -> None:
        """Queue an item, waiting while max_outstanding items are in flight."""
        while len(self.inflight) >= self.max_outstanding:
            self._space.clear()
            await self._space.wait()
        self.submit(it)

    async def drain(self) -> None:
        while self.inflight:
            await self.inflight[0].done.wait()

    def reset(self) -> None:
        """Reset hit: every in-flight item completes as dropped."""
        for it in list(self.inflight):
            it.dropped = True
            it.done.set()
        self._init_state()
        self.idle_drive()
        self._space.set()

    def tb_busy(self) -> bool:
        return bool(self.aw_q or self.ar_q or self.w_q or self.aw_cur or self.ar_cur)

    # ------------------------------------------------------------ per edge
    def _complete(self, it: AxiTxn, cycle: int) -> None:
        it.t_done = cycle
        self.inflight.remove(it)
        it.done.set()
        self._space.set()
        for cb in self.on_complete:
            cb(it)

    def on_edge(self, cycle: int, snap: Dict[str, ChannelSample]) -> None:
        b = self.bus
        # ---- handshakes that happened at this edge
        if self.aw_cur is not None and snap["aw"].fire:
            it = self.aw_cur
            it._aw_done = True
            self.b_wait[it.id].append(it)
            self.aw_cur = None
        if self.w_cur is not None and snap["w"].fire:
            it = self.w_cur
            it._w_sent += 1
            self.w_beat += 1
            self.w_cur = None
            if self.w_beat == it.len + 1:
                self.w_q.popleft()
                self.w_beat = 0
        if self.ar_cur is not None and snap["ar"].fire:
            it = self.ar_cur
            self.r_wait[it.id].append(it)
            self.ar_cur = None
        s = snap["b"]
        if s.fire:
            p = s.payload
            q = self.b_wait.get(p["bid"])
            if q:
                it = q.popleft()
                it.resp = [p["bresp"]]
                self._complete(it, cycle)
            else:
                self.unexpected.append(f"B id={p['bid']} without outstanding write")
        s = snap["r"]
        if s.fire:
            p = s.payload
            q = self.r_wait.get(p["rid"])
            if q:
                it = q[0]
                it.data.append(p["rdata"])
                it.resp.append(p["rresp"])
                it.last.append(p["rlast"])
                if p["rlast"] or len(it.data) > 256:
                    q.popleft()
                    self._complete(it, cycle)
            else:
                self.unexpected.append(f"R id={p['rid']} without outstanding read")
        # ---- next cycle's values
        if self.aw_cur is None:
            nxt = None
            if self.aw_q and self._aw_go():
                it = self.aw_q[0]
                if it.w_timing != "w_first" or it._w_sent > 0:
                    nxt = self.aw_q.popleft()
            if nxt is not None:
                self._drive_addr("aw", nxt)
                self.aw_cur = nxt
            elif snap["aw"].valid:
                b.awvalid.value = 0
        if self.ar_cur is None:
            if self.ar_q and self._ar_go():
                it = self.ar_q.popleft()
                self._drive_addr("ar", it)
                self.ar_cur = it
            elif snap["ar"].valid:
                b.arvalid.value = 0
        if self.w_cur is None:
            it = self.w_q[0] if self.w_q else None
            if it is not None and (it.w_timing != "aw_first" or it._aw_done) and self._w_go():
                i = self.w_beat
                b.wdata.value = it.data[i]
                b.wstrb.value = it.strb[i]
                b.wlast.value = int(i == it.len)
                b.wvalid.value = 1
                self.w_cur = it
            elif snap["w"].valid:
                b.wvalid.value = 0
        v = int(self._b_go())
        if v != self._bready:
            b.bready.value = v
            self._bready = v
        v = int(self._r_go())
        if v != self._rready:
            b.rready.value = v
            self._rready = v

    def _drive_addr(self, ch: str, it: AxiTxn) -> None:
        b = self.bus
        g = lambda n: getattr(b, ch + n)  # noqa: E731
        g("id").value = it.id
        g("addr").value = it.addr
        g("len").value = it.len
        g("size").value = it.size
        g("burst").value = it.burst
        g("lock").value = it.lock
        g("cache").value = it.cache
        g("prot").value = it.prot
        g("qos").value = it.qos
        g("mmusid").value = it.sid
        g("mmussid").value = it.ssid
        g("mmussidv").value = it.ssidv
        g("valid").value = 1
