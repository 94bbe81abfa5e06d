"""Monitor of s_axil (AXI4-Lite): a uvm_monitor fed by the interface's AxiSampler, publishing one
AxilObs per completed access (write: AW + W + B, read: AR + R) on ``ap``. AXI4-Lite has no IDs:
responses complete accesses in order."""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Deque, Dict, List, Optional

from pyuvm import uvm_analysis_port, uvm_monitor

from tb.agents.axi_sampler import AxiSampler, ChannelSample


class AxilObs:
    __slots__ = ("is_write", "addr", "data", "strb", "resp", "t_addr", "t_done")

    def __init__(self, is_write: bool, addr: int, t_addr: int) -> None:
        self.is_write, self.addr, self.t_addr = is_write, addr, t_addr
        self.data: Optional[int] = None
        self.strb: Optional[int] = None
        self.resp: Optional[int] = None
        self.t_done: Optional[int] = None

    def __repr__(self) -> str:
        d = "write" if self.is_write else "read"
        return f"s_axil {d} {self.addr:#x} data={self.data} strb={self.strb} resp={self.resp}"


class AxilMonitor(uvm_monitor):
    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.ap = uvm_analysis_port("ap", self)
        self.stats: Dict[str, int] = defaultdict(int)
        self.reset()

    def bind(self, sampler: AxiSampler, port: str, sideband: bool = False) -> None:
        sampler.add_listener(self)

    def reset(self) -> None:
        self.aw: Deque[AxilObs] = deque()      # write addresses, then waiting for W / B
        self.w: Deque[tuple] = deque()         # W beats not yet matched to an AW
        self.b_wait: Deque[AxilObs] = deque()
        self.r_wait: Deque[AxilObs] = deque()

    def tb_busy(self) -> bool:
        return False

    def outstanding(self) -> List[AxilObs]:
        return list(self.aw) + list(self.b_wait) + list(self.r_wait)

    def on_edge(self, cycle: int, snap: Dict[str, ChannelSample]) -> None:
        s = snap["aw"]
        if s.valid and s.ready:
            self.stats["aw"] += 1
            self.aw.append(AxilObs(True, s.payload["awaddr"], cycle))
        s = snap["w"]
        if s.valid and s.ready:
            self.stats["w"] += 1
            self.w.append((s.payload["wdata"], s.payload["wstrb"]))
        while self.aw and self.w:
            o = self.aw.popleft()
            o.data, o.strb = self.w.popleft()
            self.b_wait.append(o)
        s = snap["b"]
        if s.valid and s.ready:
            self.stats["b"] += 1
            if self.b_wait:
                o = self.b_wait.popleft()
                o.resp, o.t_done = s.payload["bresp"], cycle
                self.ap.write(o)
        s = snap["ar"]
        if s.valid and s.ready:
            self.stats["ar"] += 1
            self.r_wait.append(AxilObs(False, s.payload["araddr"], cycle))
        s = snap["r"]
        if s.valid and s.ready:
            self.stats["r"] += 1
            if self.r_wait:
                o = self.r_wait.popleft()
                o.data, o.resp, o.t_done = s.payload["rdata"], s.payload["rresp"], cycle
                self.ap.write(o)
