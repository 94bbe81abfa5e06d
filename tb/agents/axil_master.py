"""AXI4-Lite master BFM for s_axil, one access at a time (register programming is serial).

An edge listener of the s_axil sampler like every other BFM, so the protocol
checker sees the same snapshots and the interface costs nothing while idle.
AW and W are presented together or skewed by a random cycle either way.
"""

from __future__ import annotations

import logging
import random
from collections import deque
from typing import Deque, Dict, Optional

from cocotb.triggers import Event
from cocotb_bus.bus import Bus

from tb.agents.axi_sampler import AxiSampler, ChannelSample
from tb.agents.axi_signals import axil_channels


class AxilOp:
    __slots__ = ("is_write", "addr", "data", "strb", "resp", "done", "aw_ok", "w_ok", "started", "skew")

    def __init__(self, is_write: bool, addr: int, data: int = 0, strb: int = 0xF) -> None:
        self.is_write, self.addr, self.data, self.strb = is_write, addr, data, strb
        self.resp = -1
        self.done = Event()
        self.aw_ok = self.w_ok = self.started = False
        self.skew = 0


class AxiLiteMasterBfm:
    def __init__(self, dut, prefix: str, sampler: AxiSampler, rng: random.Random) -> None:
        self.bus = Bus(dut, prefix, [s for ch in axil_channels() for s in (ch.valid, ch.ready) + ch.payload])
        self.log = logging.getLogger(f"tb.{prefix}")
        self.sampler = sampler
        self.rng = rng
        self.q: Deque[AxilOp] = deque()
        self.cur: Optional[AxilOp] = None
        sampler.add_listener(self)
        self.idle_drive()

    def idle_drive(self) -> None:
        b = self.bus
        b.awvalid.value = 0
        b.wvalid.value = 0
        b.arvalid.value = 0
        b.bready.value = 1
        b.rready.value = 1
        b.awprot.value = 0
        b.arprot.value = 0

    def reset(self) -> None:
        for op in ([self.cur] if self.cur else []) + list(self.q):
            op.resp = -2
            op.done.set()
        self.q.clear()
        self.cur = None
        self.idle_drive()

    async def access(self, op: AxilOp) -> AxilOp:
        op.skew = self.rng.choice((0, 0, 0, 1, -1))
        self.q.append(op)
        self.sampler.kick()
        await op.done.wait()
        return op

    def tb_busy(self) -> bool:
        return bool(self.q or self.cur)

    def on_edge(self, cycle: int, snap: Dict[str, ChannelSample]) -> None:
        b = self.bus
        op = self.cur
        if op is not None:
            if op.is_write:
                if snap["aw"].fire:
                    op.aw_ok = True
                    b.awvalid.value = 0
                if snap["w"].fire:
                    op.w_ok = True
                    b.wvalid.value = 0
                if snap["b"].fire:
                    op.resp = snap["b"].payload["bresp"]
                    self.cur = None
                    op.done.set()
            else:
                if snap["ar"].fire:
                    op.aw_ok = True
                    b.arvalid.value = 0
                if snap["r"].fire:
                    p = snap["r"].payload
                    op.data, op.resp = p["rdata"], p["rresp"]
                    self.cur = None
                    op.done.set()
        if self.cur is None and self.q:
            self.cur = op = self.q.popleft()
            if op.is_write:
                b.awaddr.value = op.addr
                b.wdata.value = op.data
                b.wstrb.value = op.strb
            else:
                b.araddr.value = op.addr
                b.arvalid.value = 1
                op.started = True
                return
        op = self.cur
        if op is not None and op.is_write and not op.started:
            # skew: -1 W first, +1 AW first, 0 together (one cycle apart at most)
            if op.skew <= 0 and not op.w_ok:
                b.wvalid.value = 1
            if op.skew >= 0 and not op.aw_ok:
                b.awvalid.value = 1
            if op.skew == 0:
                op.started = True
            else:
                op.skew = 0
