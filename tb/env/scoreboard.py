"""End-to-end scoreboard: client port (s_axi) against translated port (m_axi).

The outcome of each client transaction is predicted when its address is
accepted (registers can change between request and response), from the
RegisterModel that the register agent keeps in sync. At client completion:
  bypass: the oldest unmatched m_axi burst of the same direction and ID must
          have the predicted address and the same id/len/size/burst/prot/
          lock/cache/qos, identical W data and strobes, and the client must
          receive exactly what m_axi returned (data, resp, RLAST) / the B resp.
  abort:  nothing on m_axi (left-over m_axi bursts are errors at the end),
          SLVERR on every R beat, len+1 beats with RLAST only on the last;
          writes: all len+1 W beats consumed, then one SLVERR B.
Per-ID response order is implied: the monitors attach responses to the
oldest request of an ID, so a reordering shows up as a mismatch.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from typing import Callable, Deque, Dict, List, Optional, Tuple

from pyuvm import uvm_component, uvm_subscriber

from tb.agents.axi_monitor import AxiObs
from tb.agents.axi_signals import SLVERR
from tb.model.outcome import predict
from tb.model.registers import RegisterModel
from tb.regmap import SmmuParams

Key = Tuple[bool, int]


class Scoreboard(uvm_component):
    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.params = SmmuParams()
        self.model = RegisterModel(self.params)
        self.errors: List[str] = []
        self.max_errors = 20
        self.down_filter: Optional[Callable[[AxiObs], Optional[AxiObs]]] = None
        self.stats: Dict[str, int] = defaultdict(int)
        self.log = logging.getLogger("tb.scoreboard")
        self.log.setLevel(logging.INFO)
        self.reset()

    def configure(self, params: SmmuParams) -> None:
        self.params = params
        self.model = RegisterModel(params)

    def build_phase(self) -> None:
        self.req_export = uvm_subscriber.uvm_AnalysisImp("req_export", self, self.on_request)
        self.client_export = uvm_subscriber.uvm_AnalysisImp("client_export", self, self.on_client)
        self.down_export = uvm_subscriber.uvm_AnalysisImp("down_export", self, self.on_down)

    def reset(self) -> None:
        """aresetn: forget everything in flight (the model is reset by the env)."""
        self.down: Dict[Key, Deque[AxiObs]] = defaultdict(deque)
        self.pending = 0

    # ------------------------------------------------------------ inputs
    def on_request(self, o: AxiObs) -> None:
        o.predicted = predict(self.model, self.params, addr=o.addr, is_read=not o.is_write, sid=o.sid,
                              ssid=o.ssid, ssidv=bool(o.ssidv), prot=o.prot)
        self.pending += 1

    def on_down(self, o: AxiObs) -> None:
        if self.down_filter is not None:
            o = self.down_filter(o)
            if o is None:
                return
        self.down[(o.is_write, o.id)].append(o)

    def on_client(self, o: AxiObs) -> None:
        self.pending -= 1
        out = o.predicted
        kind = out.kind if out is not None else "unpredicted"
        d = "write" if o.is_write else "read"
        self.stats[f"{d}_{kind}"] += 1
        self.stats["beats"] += len(o.data)
        if out is None:
            self.error("client transaction completed without an address handshake", o)
        elif out.kind in ("bypass", "translate"):
            self._check_bypass(o, out.out_addr)
        elif out.kind == "abort":
            self._check_abort(o)
        else:
            self.error(f"no checker for outcome {out.kind}", o)

    # ------------------------------------------------------------ checks
    def _check_bypass(self, o: AxiObs, out_addr: int) -> None:
        q = self.down.get((o.is_write, o.id))
        if not q:
            self.error(f"predicted bypass to {out_addr:#x}, but no m_axi transaction with this ID "
                       f"completed before the client response", o)
            return
        m = q.popleft()
        probs = []
        if m.addr != out_addr:
            probs.append(f"m_axi addr {m.addr:#x} != predicted {out_addr:#x}")
        for f in ("len", "size", "burst", "prot", "lock", "cache", "qos"):
            if getattr(m, f) != getattr(o, f):
                probs.append(f"{f}: m_axi {getattr(m, f)} != client {getattr(o, f)}")
        if o.is_write:
            if m.data != o.data:
                bad = [i for i, (a, b) in enumerate(zip(m.data, o.data)) if a != b]
                probs.append(f"W data differs (beats m_axi={len(m.data)} client={len(o.data)}, first bad "
                             f"beat {bad[:1]})")
            if m.strb != o.strb:
                probs.append("W strobes differ")
            if m.resp != o.resp:
                probs.append(f"B resp client {o.resp} != m_axi {m.resp}")
        else:
            if m.data != o.data:
                bad = [i for i, (a, b) in enumerate(zip(m.data, o.data)) if a != b]
                probs.append(f"R data differs (beats m_axi={len(m.data)} client={len(o.data)}, first bad "
                             f"beat {bad[:1]})")
            if m.resp != o.resp:
                probs.append(f"R resp client {o.resp} != m_axi {m.resp}")
            if o.last != m.last:
                probs.append("RLAST pattern differs")
        if len(o.data) != o.len + 1:
            probs.append(f"client saw {len(o.data)} beats for len={o.len}")
        if probs:
            self.error("bypass mismatch: " + "; ".join(probs), o, m)

    def _check_abort(self, o: AxiObs) -> None:
        n = o.len + 1
        probs = []
        if len(o.data) != n:
            probs.append(f"{len(o.data)} beats, expected {n}")
        if o.is_write:
            if o.resp != [SLVERR]:
                probs.append(f"B resp {o.resp}, expected [SLVERR]")
        else:
            if any(r != SLVERR for r in o.resp):
                probs.append(f"R resp {o.resp}, expected SLVERR on every beat")
            if o.last != [0] * (n - 1) + [1]:
                probs.append(f"RLAST pattern {o.last}")
        if probs:
            self.error("abort mismatch: " + "; ".join(probs), o)

    def error(self, msg: str, o: AxiObs, m: Optional[AxiObs] = None) -> None:
        self.stats["errors"] += 1
        if len(self.errors) >= self.max_errors:
            return
        text = f"{msg}\n  client: {o.detail()}"
        if m is not None:
            text += f"\n  m_axi:  {m.detail()}"
        self.errors.append(text)
        self.log.error(text)

    # ------------------------------------------------------------ end of test
    def final_check(self, client_outstanding: List[AxiObs]) -> None:
        for o in client_outstanding[:5]:
            self.errors.append(f"client transaction never completed: {o}")
        for key, q in self.down.items():
            for m in list(q)[:5]:
                self.errors.append(f"m_axi transaction without a matching bypassed client transaction: {m}")

    def summary(self) -> str:
        s = dict(sorted(self.stats.items()))
        return ", ".join(f"{k}={v}" for k, v in s.items())
