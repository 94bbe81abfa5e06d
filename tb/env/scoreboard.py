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

SMMUEN=1 (issue 3): the prediction reads the STE/CD from the shared memory
image (``mem``) with the m_axi_tw read error ranges of the memory responder
(``tw_error_ranges``), and every predicted event record goes to the
EventChecker (``events``). Configuration windows: ``begin_window(sid, old)``
while software changes an STE/CD of ``sid`` in memory (``old`` maps address ->
the bytes before the change): transactions of that SID accepted (or still
pending) before ``end_window(sid)`` may use either configuration, so they carry
a set of outcomes; a client response with any SLVERR picks the abort
alternative, otherwise the bypass one (windows assume a healthy m_axi memory);
their event records are optional. After the SYNC completes the test calls
``end_window`` and only the new configuration is accepted.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from typing import Callable, Deque, Dict, List, Optional, Sequence, Tuple

from pyuvm import uvm_component, uvm_subscriber

from tb.agents.axi_monitor import AxiObs
from tb.agents.axi_signals import SLVERR
from tb.model.memory import SparseMemory
from tb.model.outcome import Outcome, predict
from tb.model.registers import RegisterModel
from tb.regmap import SmmuParams

Key = Tuple[bool, int]


class OverlayMemory:
    """Read-only view of a SparseMemory with some 64-byte structures replaced (old STE/CD)."""

    def __init__(self, mem: SparseMemory, overlay: Dict[int, bytes]) -> None:
        self.mem, self.overlay = mem, overlay

    def read(self, addr: int, n: int) -> bytes:
        buf = bytearray(self.mem.read(addr, n))
        for a, data in self.overlay.items():
            lo, hi = max(a, addr), min(a + len(data), addr + n)
            if lo < hi:
                buf[lo - addr:hi - addr] = data[lo - a:hi - a]
        return bytes(buf)


def _outcome_key(o: Outcome):
    return (o.kind, o.out_addr, o.event.pack() if o.event is not None else None)


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
        self.mem: Optional[SparseMemory] = None                    # set by the env
        self.tw_error_ranges: Callable[[], Sequence[Tuple[int, int]]] = lambda: ()
        self.events = None                                         # EventChecker, set by the env
        self.windows: Dict[int, List[Dict[int, bytes]]] = {}
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
        self.inflight: Dict[int, AxiObs] = {}
        self.windows = {}

    # ------------------------------------------------------------ inputs
    def _predict(self, o: AxiObs, mem) -> Outcome:
        return predict(self.model, self.params, addr=o.addr, is_read=not o.is_write, sid=o.sid,
                       ssid=o.ssid, ssidv=bool(o.ssidv), prot=o.prot, mem=mem,
                       error_ranges=self.tw_error_ranges())

    def _alternatives(self, o: AxiObs) -> List[Outcome]:
        alts = [self._predict(o, self.mem)]
        if self.model.smmuen:
            for ov in self.windows.get(o.sid, ()):
                alt = self._predict(o, OverlayMemory(self.mem, ov))
                if all(_outcome_key(alt) != _outcome_key(a) for a in alts):
                    alts.append(alt)
        return alts

    def _expect_events(self, o: AxiObs, alts: List[Outcome], optional: bool) -> None:
        o.expected_events = []
        if self.events is None or not self.model.eventqen:
            return
        for a in alts:
            if a.event is not None:
                o.expected_events.append(self.events.expect(
                    a.event, optional=optional or len(alts) > 1, note=f"(for {o})"))

    def on_request(self, o: AxiObs) -> None:
        if self.model.smmuen:
            self.stats["cfg_lookups"] += 1
        alts = self._alternatives(o)
        o.alts = alts
        o.predicted = alts[0]
        self._expect_events(o, alts, False)
        self.pending += 1
        self.inflight[id(o)] = o

    # ------------------------------------------------------------ windows
    def window_write(self, sid: int, addr: int, data: bytes) -> None:
        """Software changes STE/CD bytes used by ``sid`` while traffic may run: write ``data``
        at ``addr`` into the memory image and open (or extend) the window of ``sid``.

        Until :meth:`end_window`, transactions of ``sid`` may use any configuration state
        the memory went through since the window opened (or a cached one, which is one
        of those); that includes transactions already in flight, whose lookup may not
        have happened yet. Structures are tracked as whole 64-byte blocks."""
        states = self.windows.setdefault(sid, [])
        blocks = range(addr & ~63, addr + len(data), 64)
        for st in states:                      # older states: untouched blocks still hold their value
            for blk in blocks:
                st.setdefault(blk, self.mem.read(blk, 64))
        touched = set(blocks).union(*(st.keys() for st in states)) if states else set(blocks)
        states.append({blk: self.mem.read(blk, 64) for blk in touched})
        self.mem.write(addr, data)
        if not self.model.smmuen:
            return
        for o in list(self.inflight.values()):
            if o.sid == sid:
                for alt in self._alternatives(o):
                    self._add_alt(o, alt)

    def _add_alt(self, o: AxiObs, alt: Outcome) -> None:
        if any(_outcome_key(alt) == _outcome_key(a) for a in o.alts):
            return
        o.alts.append(alt)
        for e in o.expected_events:
            e.optional = True
        if self.events is not None and self.model.eventqen and alt.event is not None:
            o.expected_events.append(self.events.expect(alt.event, optional=True, note=f"(for {o})"))

    def end_window(self, sid: int) -> None:
        """The CFGI+SYNC covering ``sid`` completed: only the current memory is legal from now on."""
        self.windows.pop(sid, None)

    def on_down(self, o: AxiObs) -> None:
        if self.down_filter is not None:
            o = self.down_filter(o)
            if o is None:
                return
        self.down[(o.is_write, o.id)].append(o)

    def on_client(self, o: AxiObs) -> None:
        self.pending -= 1
        self.inflight.pop(id(o), None)
        out = o.predicted
        alts = getattr(o, "alts", None) or [out]
        if len(alts) > 1:
            self.stats["window_txns"] += 1
            aborted = any(r != 0 for r in o.resp)
            pick = [a for a in alts if (a.kind == "abort") == aborted]
            out = pick[0] if pick else alts[0]
            if out is not alts[0]:
                self.stats["window_alt_used"] += 1
            o.predicted = out
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
