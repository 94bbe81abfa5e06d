"""AXI4 slave BFM answering m_axi / m_axi_tw from one shared SparseMemory image.

Built on the interface sampler (no per-channel coroutines), because the
timing knobs that matter here are cheap per-edge decisions:
  * latency: cycles from address acceptance (reads) or last W beat (writes)
    to the first R beat / the B, uniform in ``latency``, plus ``id_latency``
    per ID (a slow ID must not hold back other IDs; same-ID order is kept)
  * back-pressure: a Throttle per channel (READY for AW/W/AR, VALID gaps on R/B)
  * error injection: ErrorRange(lo, hi, resp, dirs) answers SLVERR/DECERR for
    bursts starting in [lo, hi) (writes are then not applied); with beats=True
    (reads only) just the R beats whose address is in [lo, hi) carry the error
  * W before AW: beats are buffered and matched to AWs in order
With every Throttle "always" and latency (0, 0) it is a full-throughput slave
for the benchmarks.
"""

from __future__ import annotations

import logging
import random
from collections import deque
from dataclasses import dataclass
from typing import Deque, Dict, List, Optional, Sequence, Tuple

from cocotb_bus.bus import Bus

from tb.agents.axi_sampler import AxiSampler, ChannelSample
from tb.agents.axi_signals import OKAY, ChannelSpec
from tb.agents.throttle import Throttle
from tb.model.axi import beat_addresses
from tb.model.memory import SparseMemory


@dataclass
class ErrorRange:
    lo: int
    hi: int
    resp: int            # SLVERR (2) or DECERR (3)
    dirs: str = "rw"     # "r", "w" or "rw"
    beats: bool = False  # reads: fail only the beats inside [lo, hi), not whole bursts


class _Job:
    __slots__ = ("id", "addr", "len", "size", "burst", "t_ready", "beat", "resp", "addrs", "seq")


class AxiMemResponder:
    """Edge listener driving the slave side of one AXI4 interface."""

    def __init__(self, dut, prefix: str, sampler: AxiSampler, channels: Sequence[ChannelSpec],
                 mem: SparseMemory, rng: random.Random, data_bytes: int) -> None:
        self.bus = Bus(dut, prefix, [s for ch in channels for s in (ch.valid, ch.ready) + ch.payload])
        self.log = logging.getLogger(f"tb.{prefix}.mem")
        self.sampler = sampler
        self.mem = mem
        self.rng = rng
        self.data_bytes = data_bytes
        self.latency: Tuple[int, int] = (0, 0)
        self.id_latency: Dict[int, int] = {}
        self.errors: List[ErrorRange] = []
        self.reorder_ids = True
        self.set_throttles(Throttle(), Throttle(), Throttle(), Throttle(), Throttle())
        self.stats = {"reads": 0, "writes": 0, "err_reads": 0, "err_writes": 0}
        self.reset()
        sampler.add_listener(self)

    def set_throttles(self, aw: Throttle, w: Throttle, ar: Throttle, r: Throttle, b: Throttle) -> None:
        rng = self.rng
        self._aw_go, self._w_go, self._ar_go = aw.make(rng), w.make(rng), ar.make(rng)
        self._r_go, self._b_go = r.make(rng), b.make(rng)

    def reset(self) -> None:
        self.r_jobs: Dict[int, Deque[_Job]] = {}
        self.b_jobs: Dict[int, Deque[_Job]] = {}
        self.aw_q: Deque[_Job] = deque()
        self.w_buf: List[Tuple[int, int]] = []
        self.r_cur: Optional[_Job] = None
        self.b_cur: Optional[_Job] = None
        self.seq = 0
        self._r_burst: Optional[_Job] = None
        self._rdy = {"aw": -1, "w": -1, "ar": -1}
        b = self.bus
        b.rvalid.value = 0
        b.bvalid.value = 0
        for ch in ("aw", "w", "ar"):          # defined READYs from the first cycle
            getattr(b, ch + "ready").value = 0
            self._rdy[ch] = 0

    def tb_busy(self) -> bool:
        return bool(self.r_jobs or self.b_jobs or self.r_cur or self.b_cur or self.aw_q
                    or self._r_burst is not None)

    # ------------------------------------------------------------ helpers
    def _err(self, addr: int, d: str) -> int:
        for e in self.errors:
            if e.lo <= addr < e.hi and d in e.dirs and not (e.beats and d == "r"):
                return e.resp
        return OKAY

    def _beat_err(self, addr: int) -> int:
        for e in self.errors:
            if e.beats and e.lo <= addr < e.hi and "r" in e.dirs:
                return e.resp
        return OKAY

    def _job(self, p: Dict[str, int], ch: str, cycle: int) -> _Job:
        j = _Job()
        j.id, j.addr, j.len = p[ch + "id"], p[ch + "addr"], p[ch + "len"]
        j.size, j.burst = p[ch + "size"], p[ch + "burst"]
        j.t_ready = cycle + self.rng.randint(*self.latency) + self.id_latency.get(j.id, 0)
        j.beat = 0
        j.resp = self._err(j.addr, "r" if ch == "ar" else "w")
        j.addrs = None
        self.seq += 1
        j.seq = self.seq
        return j

    @staticmethod
    def _push(jobs: Dict[int, Deque[_Job]], j: _Job) -> None:
        q = jobs.get(j.id)
        if q is None:
            jobs[j.id] = q = deque()
        q.append(j)

    def _pick(self, jobs: Dict[int, Deque[_Job]], cycle: int) -> Optional[_Job]:
        ready = [q[0] for q in jobs.values() if q[0].t_ready <= cycle]
        if not ready:
            return None
        j = self.rng.choice(ready) if self.reorder_ids else min(ready, key=lambda x: x.seq)
        q = jobs[j.id]
        q.popleft()
        if not q:
            del jobs[j.id]
        return j

    def _commit_write(self, j: _Job, beats: List[Tuple[int, int]], cycle: int) -> None:
        db = self.data_bytes
        if j.resp == OKAY:
            for a, (data, strb) in zip(beat_addresses(j.addr, j.len, j.size, j.burst, db), beats):
                if strb:
                    base = a // db * db
                    self.mem.write(base, data.to_bytes(db, "little"), strb)
            self.stats["writes"] += 1
        else:
            self.stats["err_writes"] += 1
        # write latency counts from the last W beat (or the AW, whichever is later)
        j.t_ready = max(j.t_ready, cycle + self.rng.randint(*self.latency) + self.id_latency.get(j.id, 0))
        self._push(self.b_jobs, j)

    # ------------------------------------------------------------ per edge
    def on_edge(self, cycle: int, snap: Dict[str, ChannelSample]) -> None:
        b = self.bus
        db = self.data_bytes
        s = snap["ar"]
        if s.fire:
            self._push(self.r_jobs, self._job(s.payload, "ar", cycle))
        s = snap["aw"]
        if s.fire:
            self.aw_q.append(self._job(s.payload, "aw", cycle))
        s = snap["w"]
        if s.fire:
            self.w_buf.append((s.payload["wdata"], s.payload["wstrb"]))
        while self.aw_q and len(self.w_buf) > self.aw_q[0].len:
            j = self.aw_q.popleft()
            n = j.len + 1
            beats, self.w_buf = self.w_buf[:n], self.w_buf[n:]
            self._commit_write(j, beats, cycle)
        # responses accepted at this edge
        if self.r_cur is not None and snap["r"].fire:
            j = self.r_cur
            j.beat += 1
            if j.beat > j.len:
                self.stats["reads" if j.resp == OKAY else "err_reads"] += 1
            self.r_cur = None
        if self.b_cur is not None and snap["b"].fire:
            self.b_cur = None
        # next cycle: READYs
        for ch, go in (("aw", self._aw_go), ("w", self._w_go), ("ar", self._ar_go)):
            v = int(go())
            if v != self._rdy[ch]:
                getattr(b, ch + "ready").value = v
                self._rdy[ch] = v
        # next cycle: R (one burst at a time, beats may have gaps)
        if self.r_cur is None:
            j = self._r_burst
            if j is None or j.beat > j.len:
                j = self._pick(self.r_jobs, cycle) if self.r_jobs else None
                self._r_burst = j
            if j is not None and self._r_go():
                if j.addrs is None:
                    j.addrs = beat_addresses(j.addr, j.len, j.size, j.burst, db)
                a = j.addrs[j.beat] // db * db
                b.rid.value = j.id
                b.rdata.value = int.from_bytes(self.mem.read(a, db), "little")
                b.rresp.value = j.resp if j.resp != OKAY else self._beat_err(a)
                b.rlast.value = int(j.beat == j.len)
                b.rvalid.value = 1
                self.r_cur = j
            elif snap["r"].valid:
                b.rvalid.value = 0
        if self.b_cur is None:
            j = self._pick(self.b_jobs, cycle) if self.b_jobs and self._b_go() else None
            if j is not None:
                b.bid.value = j.id
                b.bresp.value = j.resp
                b.bvalid.value = 1
                self.b_cur = j
            elif snap["b"].valid:
                b.bvalid.value = 0
