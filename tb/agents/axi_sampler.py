"""One coroutine per interface samples every channel once per clock edge.

Python work per clock edge dominates simulation time, so instead of one
coroutine per channel per agent, a single sampler reads each VALID/READY once
(and the payload only while VALID is high) and hands the snapshot to its
listeners: drivers/responders (which also drive the next cycle's values),
monitors and protocol checkers. When no channel is valid and no listener has
work, it sleeps on the VALID edges instead of ticking every cycle.
"""

from __future__ import annotations

import logging
from typing import Dict, List, Optional, Protocol, Sequence

from cocotb.triggers import Event, First, RisingEdge
from cocotb.utils import get_sim_time
from cocotb_bus.monitors import BusMonitor

from tb.agents.axi_signals import ChannelSpec


class ChannelSample:
    """VALID/READY/payload of one channel at one clock edge (pre-edge values)."""

    __slots__ = ("valid", "ready", "payload", "x")

    def __init__(self) -> None:
        self.valid = 0
        self.ready = 0
        self.payload: Optional[Dict[str, int]] = None
        self.x = ""          # name of a VALID/READY that read X/Z, else ""

    @property
    def fire(self) -> bool:
        return bool(self.valid and self.ready)


class EdgeListener(Protocol):
    def on_edge(self, cycle: int, snap: Dict[str, ChannelSample]) -> None: ...
    def tb_busy(self) -> bool: ...


def _bit(handle) -> int:
    try:
        return int(handle.value)
    except ValueError:
        return -1


class AxiSampler(BusMonitor):
    """Per-interface edge sampler (cocotb-bus BusMonitor; the "transaction" is the snapshot)."""

    def __init__(self, dut, prefix: str, clock, channels: Sequence[ChannelSpec],
                 period_ns: float = 10.0, log: Optional[logging.Logger] = None) -> None:
        self.channels = tuple(channels)
        self._signals = [s for ch in self.channels for s in (ch.valid, ch.ready) + ch.payload]
        self.listeners: List[EdgeListener] = []
        self.enabled = False
        self.period_ns = period_ns
        self.kick_event = Event()
        self.prefix = prefix
        super().__init__(dut, prefix, clock)
        if log is not None:
            self.log = log
        self._h = [(ch.name, getattr(self.bus, ch.valid), getattr(self.bus, ch.ready),
                    [(s, getattr(self.bus, s)) for s in ch.payload]) for ch in self.channels]
        self.snap: Dict[str, ChannelSample] = {ch.name: ChannelSample() for ch in self.channels}

    def add_listener(self, listener: EdgeListener) -> None:
        self.listeners.append(listener)

    def kick(self) -> None:
        """Wake the sampler: a listener has new work to drive."""
        self.kick_event.set()

    def _idle(self) -> bool:
        for s in self.snap.values():
            if s.valid:
                return False
        for l in self.listeners:
            if l.tb_busy():
                return False
        return True

    async def _monitor_recv(self) -> None:
        clk_edge = RisingEdge(self.clock)
        snap = self.snap
        while True:
            await clk_edge
            if not self.enabled:
                continue
            cycle = int(get_sim_time("ns") // self.period_ns)
            for name, vh, rh, pl in self._h:
                s = snap[name]
                v = _bit(vh)
                r = _bit(rh)
                s.x = ""
                if v < 0:
                    s.x, v = name + "valid", 0
                if r < 0:
                    s.x, r = name + "ready", 0
                s.valid, s.ready = v, r
                if v:
                    p = {}
                    for sn, h in pl:
                        try:
                            p[sn] = int(h.value)
                        except ValueError:
                            p[sn] = -1      # X/Z payload: the checker reports it on handshake
                    s.payload = p
                else:
                    s.payload = None
            for l in self.listeners:
                l.on_edge(cycle, snap)
            if self._idle():
                self.kick_event.clear()
                trig = [RisingEdge(vh) for _, vh, _, _ in self._h]
                trig.append(self.kick_event.wait())
                await First(*trig)
