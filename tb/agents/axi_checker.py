"""AXI4 / AXI4-Lite protocol checker, fed by the interface sampler.

Checks (each violation is recorded with cycle and detail; the env fails the
test if any were recorded):
  * no X/Z on VALID/READY while out of reset, nor on a payload at handshake
  * VALID held until READY, payload stable while VALID && !READY
  * WLAST exactly on beat AWLEN of the write it belongs to (AW order, W may lead AW)
  * RLAST exactly on beat ARLEN of the oldest read of that RID
  * no B/R without a matching request (unknown ID, more responses than requests),
    no B before the write's last W beat
Works for AXI4-Lite (no IDs, single beats) when lite=True.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Deque, Dict, List, Optional

from tb.agents.axi_sampler import AxiSampler, ChannelSample


class AxiProtocolChecker:
    """Edge listener; ``errors`` collects violations."""

    def __init__(self, name: str, lite: bool = False, max_errors: int = 50) -> None:
        self.name = name
        self.lite = lite
        self.max_errors = max_errors
        self.errors: List[str] = []
        self.checked_cycles = 0
        self.reset()

    def bind(self, sampler: AxiSampler) -> "AxiProtocolChecker":
        sampler.add_listener(self)
        return self

    def reset(self) -> None:
        self.prev: Dict[str, Optional[dict]] = {}     # channel -> payload while stalled
        self.aw_lens: Deque[int] = deque()             # writes waiting for W beats, AW order
        self.w_lasts: Deque[int] = deque()             # W beats not yet matched to an AW
        self.w_count = 0
        self.w_pending: Dict[int, Deque[list]] = defaultdict(deque)   # id -> [len, w_done]
        self.aw_pending_order: Deque[list] = deque()
        self.r_pending: Dict[int, Deque[list]] = defaultdict(deque)   # id -> [len, beats_seen]

    def tb_busy(self) -> bool:
        return False

    def error(self, cycle: int, msg: str) -> None:
        if len(self.errors) < self.max_errors:
            self.errors.append(f"[{self.name} @cycle {cycle}] {msg}")

    # ------------------------------------------------------------ per edge
    def on_edge(self, cycle: int, snap: Dict[str, ChannelSample]) -> None:
        self.checked_cycles += 1
        for ch, s in snap.items():
            if s.x:
                self.error(cycle, f"{s.x} is X/Z")
            held = self.prev.get(ch)
            if held is not None:
                if not s.valid:
                    self.error(cycle, f"{ch}valid dropped without {ch}ready (payload was {held})")
                elif s.payload != held:
                    diff = {k: (held[k], s.payload.get(k)) for k in held if held[k] != s.payload.get(k)}
                    self.error(cycle, f"{ch} payload changed while stalled: {diff}")
            if s.valid and not s.ready:
                self.prev[ch] = s.payload
            else:
                self.prev[ch] = None
            if s.valid and s.ready and s.payload is not None and -1 in s.payload.values():
                xs = [k for k, v in s.payload.items() if v == -1 and not k.endswith(("data", "strb"))]
                if xs:
                    self.error(cycle, f"{ch} handshake with X/Z on {xs}")
        if self.lite:
            self._lite(cycle, snap)
        else:
            self._full(cycle, snap)

    def _lite(self, cycle: int, snap: Dict[str, ChannelSample]) -> None:
        if snap["aw"].fire:
            self.aw_lens.append(0)
        if snap["w"].fire:
            self.w_count += 1
        if snap["ar"].fire:
            self.r_pending[0].append([0, 0])
        if snap["b"].fire:
            if not self.aw_lens or self.w_count == 0:
                self.error(cycle, "B without a completed AW+W")
            else:
                self.aw_lens.popleft()
                self.w_count -= 1
        if snap["r"].fire:
            if not self.r_pending[0]:
                self.error(cycle, "R without AR")
            else:
                self.r_pending[0].popleft()

    def _full(self, cycle: int, snap: Dict[str, ChannelSample]) -> None:
        s = snap["aw"]
        if s.fire:
            p = s.payload
            rec = [p["awlen"], False, p["awid"]]
            self.aw_lens.append(rec)
            self.w_pending[p["awid"]].append(rec)
        s = snap["w"]
        if s.fire:
            self.w_lasts.append(s.payload["wlast"])
        while self.aw_lens and self.w_lasts:
            rec = self.aw_lens[0]
            last = self.w_lasts.popleft()
            expect = int(self.w_count == rec[0])
            if last != expect:
                self.error(cycle, f"WLAST={last} on beat {self.w_count} of a write with AWLEN={rec[0]} "
                                  f"(AWID={rec[2]})")
            self.w_count += 1
            if self.w_count == rec[0] + 1:
                rec[1] = True
                self.aw_lens.popleft()
                self.w_count = 0
        s = snap["b"]
        if s.fire:
            bid = s.payload["bid"]
            q = self.w_pending.get(bid)
            if not q:
                self.error(cycle, f"B with BID={bid} but no outstanding write of that ID")
            else:
                rec = q.popleft()
                if not rec[1]:
                    self.error(cycle, f"B for BID={bid} before the write's last W beat")
        s = snap["ar"]
        if s.fire:
            p = s.payload
            self.r_pending[p["arid"]].append([p["arlen"], 0])
        s = snap["r"]
        if s.fire:
            p = s.payload
            q = self.r_pending.get(p["rid"])
            if not q:
                self.error(cycle, f"R with RID={p['rid']} but no outstanding read of that ID")
            else:
                rec = q[0]
                expect = int(rec[1] == rec[0])
                if p["rlast"] != expect:
                    self.error(cycle, f"RLAST={p['rlast']} on beat {rec[1]} of a read with ARLEN={rec[0]} "
                                      f"(RID={p['rid']})")
                rec[1] += 1
                if p["rlast"] or rec[1] > rec[0]:
                    q.popleft()

    def outstanding(self) -> int:
        return (sum(len(q) for q in self.w_pending.values()) + sum(len(q) for q in self.r_pending.values())
                + len(self.w_lasts))
