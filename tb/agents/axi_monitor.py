"""Passive AXI4 monitor: rebuilds complete bursts from the sampler's snapshots.

W beats are attached to writes in AW order; beats that arrive before their
AW wait in a buffer (and count as "W before AW" for coverage). R beats go to
the oldest outstanding read of their ID, which is exactly the AXI4 ordering
rule, so a DUT that reorders same-ID responses shows up as a data/length
mismatch in the scoreboard. Completed bursts go out on ``ap``; address
handshakes go out on ``req_ap`` (the scoreboard predicts at acceptance time).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Deque, Dict, List

from pyuvm import uvm_analysis_port, uvm_monitor

from tb.agents.axi_sampler import AxiSampler, ChannelSample


@dataclass(eq=False)
class AxiObs:
    """One observed burst (address phase, every beat, response)."""

    port: str
    is_write: bool
    id: int
    addr: int
    len: int
    size: int
    burst: int
    prot: int
    cache: int = 0
    lock: int = 0
    qos: int = 0
    sid: int = 0
    ssid: int = 0
    ssidv: int = 0
    data: List[int] = field(default_factory=list)
    strb: List[int] = field(default_factory=list)
    last: List[int] = field(default_factory=list)
    resp: List[int] = field(default_factory=list)
    t_addr: int = 0
    t_done: int = 0
    seq: int = 0
    stalled: bool = False       # saw VALID && !READY on its address channel
    w_early: bool = False       # some W beat arrived before the AW
    predicted: object = None    # filled by the scoreboard at request time
    domain: Optional[int] = None  # AxDOMAIN, when the interface has it
    bp: set = field(default_factory=set)  # W/R/B channels that saw VALID && !READY for it (coverage)

    def __str__(self) -> str:
        d = "W" if self.is_write else "R"
        return (f"{self.port} {d}#{self.seq} id={self.id} addr={self.addr:#x} len={self.len} size={self.size} "
                f"burst={self.burst} prot={self.prot} cache={self.cache} qos={self.qos} sid={self.sid:#x} "
                f"ssid={self.ssid:#x}/{self.ssidv} resp={self.resp} t={self.t_addr}..{self.t_done}")

    def detail(self) -> str:
        lines = [str(self)]
        for i, d in enumerate(self.data):
            extra = f" strb={self.strb[i]:#x}" if self.is_write and i < len(self.strb) else ""
            l = self.last[i] if i < len(self.last) else "?"
            lines.append(f"    beat {i}: data={d:#x}{extra} last={l}")
        return "\n".join(lines)


class AxiMonitor(uvm_monitor):
    """uvm_component wrapper: bind(sampler) registers it as an edge listener."""

    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.ap = uvm_analysis_port("ap", self)
        self.req_ap = uvm_analysis_port("req_ap", self)
        self.sideband = False
        self.port = name
        self.stats = defaultdict(int)
        self.reset()

    def bind(self, sampler: AxiSampler, port: str, sideband: bool = False) -> None:
        self.port = port
        self.sideband = sideband
        sampler.add_listener(self)

    def reset(self) -> None:
        self.w_need: Deque[AxiObs] = deque()     # writes still missing W beats, AW order
        self.w_early: List[tuple] = []           # beats seen before their AW
        self.b_wait: Dict[int, Deque[AxiObs]] = defaultdict(deque)
        self.r_wait: Dict[int, Deque[AxiObs]] = defaultdict(deque)
        self.seq = 0
        self._aw_stall = self._ar_stall = False

    def tb_busy(self) -> bool:
        return False

    def outstanding(self) -> List[AxiObs]:
        out = list(self.w_need)
        for q in list(self.b_wait.values()) + list(self.r_wait.values()):
            out += [o for o in q if o not in out]
        return out

    def _addr(self, ch: str, p: Dict[str, int], is_write: bool, cycle: int, stalled: bool) -> AxiObs:
        self.seq += 1
        o = AxiObs(self.port, is_write, p[ch + "id"], p[ch + "addr"], p[ch + "len"], p[ch + "size"],
                   p[ch + "burst"], p[ch + "prot"], p[ch + "cache"], p[ch + "lock"], p.get(ch + "qos", 0),
                   t_addr=cycle, seq=self.seq, stalled=stalled)
        if self.sideband:
            o.sid, o.ssid, o.ssidv = p[ch + "mmusid"], p[ch + "mmussid"], p[ch + "mmussidv"]
        o.domain = p.get(ch + "domain")
        return o

    def on_edge(self, cycle: int, snap: Dict[str, ChannelSample]) -> None:
        s = snap["aw"]
        if s.valid:
            if s.ready:
                o = self._addr("aw", s.payload, True, cycle, self._aw_stall)
                self._aw_stall = False
                self.stats["aw"] += 1
                if self.w_early:
                    o.w_early = True
                    self.stats["w_before_aw"] += 1
                    take = self.w_early[:o.len + 1]
                    del self.w_early[:o.len + 1]
                    for d, st, l in take:
                        o.data.append(d)
                        o.strb.append(st)
                        o.last.append(l)
                if len(o.data) <= o.len:
                    self.w_need.append(o)
                self.b_wait[o.id].append(o)
                self.req_ap.write(o)
            else:
                self._aw_stall = True
                self.stats["aw_stall"] += 1
        s = snap["w"]
        if s.valid:
            if s.ready:
                p = s.payload
                self.stats["w"] += 1
                if self.w_need:
                    o = self.w_need[0]
                    o.data.append(p["wdata"])
                    o.strb.append(p["wstrb"])
                    o.last.append(p["wlast"])
                    if len(o.data) > o.len:
                        self.w_need.popleft()
                else:
                    self.w_early.append((p["wdata"], p["wstrb"], p["wlast"]))
            else:
                self.stats["w_stall"] += 1
                if self.w_need:
                    self.w_need[0].bp.add("w")
        s = snap["b"]
        if s.valid:
            if s.ready:
                p = s.payload
                q = self.b_wait.get(p["bid"])
                self.stats["b"] += 1
                if q:
                    o = q.popleft()
                    o.resp = [p["bresp"]]
                    o.t_done = cycle
                    if o in self.w_need:      # B before the last W: checker flags it; drop here
                        self.w_need.remove(o)
                    self.ap.write(o)
            else:
                self.stats["b_stall"] += 1
                q = self.b_wait.get(s.payload["bid"])
                if q:
                    q[0].bp.add("b")
        s = snap["ar"]
        if s.valid:
            if s.ready:
                o = self._addr("ar", s.payload, False, cycle, self._ar_stall)
                self._ar_stall = False
                self.stats["ar"] += 1
                self.r_wait[o.id].append(o)
                self.req_ap.write(o)
            else:
                self._ar_stall = True
                self.stats["ar_stall"] += 1
        s = snap["r"]
        if s.valid:
            if s.ready:
                p = s.payload
                q = self.r_wait.get(p["rid"])
                self.stats["r"] += 1
                if q:
                    o = q[0]
                    o.data.append(p["rdata"])
                    o.resp.append(p["rresp"])
                    o.last.append(p["rlast"])
                    if p["rlast"] or len(o.data) > 256:
                        q.popleft()
                        o.t_done = cycle
                        self.ap.write(o)
            else:
                self.stats["r_stall"] += 1
                q = self.r_wait.get(s.payload["rid"])
                if q:
                    q[0].bp.add("r")
