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

SMMUEN=1: the prediction reads the STE/CD and the translation-table descriptors
from the shared memory image (``mem``) with the m_axi_tw read error ranges of the
memory responder (``tw_error_ranges``), and every predicted event record goes to
the EventChecker (``events``). Outcomes: bypass/translate (checked on m_axi as
above, at the predicted output address), abort, RAZ/WI (reads: len+1 beats of
zero data, OKAY; writes: one OKAY B; nothing on m_axi).

Nondeterminism windows (the only freedom the architecture gives around changes):

* configuration: ``begin_window``/``window_write(sid, addr, data)`` while software
  changes an STE/CD of ``sid`` (64-byte blocks); ``end_window(sid)`` after the
  CFGI+SYNC completed.
* translation tables: ``pt_write(addr, data, scope)`` / ``pt_update(regions, fn,
  scope)`` record the old 8-byte descriptors and open a window described by a
  :class:`TlbScope` (the ASIDs that may hold a TLB entry built from them, the VA
  range of that entry, whether it can be global, whether it is one leaf entry).
  The window closes only when a TLBI that covers it has been followed by a
  completed CMD_SYNC: :meth:`on_sync` receives the commands of each batch whose
  SYNC completed (the driver's ``sync_hooks``) and applies the TLBI rules
  (NH_ALL / NSNH_ALL: everything; NH_ASID: non-global entries of that ASID;
  NH_VA: the leaf entry containing the address, that ASID or global; NH_VAA: the
  leaf entry, any ASID). CFGI is not a TLB invalidation architecturally (the RTL
  drops entries on it anyway: over-invalidation is legal), so it never closes a
  translation-table window.

A transaction accepted (or still in flight) while a window is open may use any
memory state the window allows: the current one, the state before each open
window alone, and the memory history (all writes since the window i undone), so it
carries a set of outcomes. At its client response the scoreboard picks the
alternatives consistent with what happened: a memory alternative whose output
address is that of the oldest unmatched m_axi burst of the same direction and ID,
else the local ones matching the response (SLVERR -> abort, OKAY -> RAZ/WI). Their
event records are optional while the choice is open; once chosen, the record of
the only consistent alternative becomes required (or one of the records of several
consistent ones), and the records of the other alternatives are withdrawn.

Debugging: SB_DEBUG=1 in the environment logs every client completion with its
outcome and every window decision (and the EventChecker every matched record).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Callable, Deque, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from pyuvm import uvm_component, uvm_subscriber

from tb.agents.axi_monitor import AxiObs
from tb.agents.axi_signals import OKAY, SLVERR
from tb.model import commands as C
from tb.model.memory import SparseMemory
from tb.model.outcome import Outcome, predict
from tb.model.registers import RegisterModel
from tb.regmap import SmmuParams

Key = Tuple[bool, int]


class OverlayMemory:
    """Read-only view of a SparseMemory with some byte ranges replaced (old STE/CD/descriptors)."""

    def __init__(self, mem: SparseMemory, overlay: Dict[int, bytes]) -> None:
        self.mem, self.overlay = mem, overlay

    def read(self, addr: int, n: int) -> bytes:
        buf = bytearray(self.mem.read(addr, n))
        for a, data in self.overlay.items():
            lo, hi = max(a, addr), min(a + len(data), addr + n)
            if lo < hi:
                buf[lo - addr:hi - addr] = data[lo - a:hi - a]
        return bytes(buf)

    def read_u64(self, addr: int) -> int:
        return int.from_bytes(self.read(addr, 8), "little")


def _outcome_key(o: Outcome):
    return (o.kind, o.out_addr, o.event.pack() if o.event is not None else None)


M64 = (1 << 64) - 1


@dataclass
class TlbScope:
    """Which TLB entries a translation-table change may have left behind (see module docstring).

    asids      ASIDs of the contexts whose walks read the changed descriptors
    va, size   the VA range of the affected TLB entries (for a leaf: the block/page)
    leaf       the change is one leaf entry (a VA-based TLBI of an address inside it covers it);
               False: a table descriptor (many entries below it): covered by ASID/ALL invalidation,
               or by VA-based TLBIs of every 4 KiB granule of [va, va+size) (Linux's walk flush,
               arm_smmu_tlb_inv_walk: one TLBI_NH_VA per granule), for ranges up to 2 MiB
    global_    some state of the entry (old or new) is global (nG=0): such an entry matches every
               ASID, so TLBI_NH_ASID does not remove it, a TLBI_NH_VA of any ASID does
    nonglobal  some state is non-global (nG=1): tagged with the context's ASID, so only a TLBI of
               that ASID (NH_ASID, NH_VA), NH_VAA or an ALL form removes it
    """

    asids: Set[int]
    va: int = 0
    size: int = 1 << 64
    leaf: bool = False
    global_: bool = False
    nonglobal: bool = True

    GRANULE_LIMIT = 1 << 21

    def __post_init__(self) -> None:
        self.asids = set(self.asids) if self.nonglobal else set()   # non-global entries still to remove
        self._glob = bool(self.global_)                              # a global entry still to remove
        self._todo: Optional[Dict[Optional[int], Set[int]]] = None

    @property
    def covered(self) -> bool:
        return not self.asids and not self._glob

    def _contains(self, va: int) -> bool:
        return self.va <= va & M64 < self.va + self.size

    def _granules(self) -> Dict[Optional[int], Set[int]]:
        """Non-leaf scopes: the 4 KiB granules each ASID (None: the global entries) still needs."""
        if self._todo is None:
            g = set(range(self.va >> 12, (self.va + self.size) >> 12))
            self._todo = {a: set(g) for a in self.asids}
            if self._glob:
                self._todo[None] = set(g)
        return self._todo

    def _done(self, key: Optional[int]) -> None:
        if key is None:
            self._glob = False
        else:
            self.asids.discard(key)

    def _va_tlbi(self, asid: Optional[int], va: int) -> None:
        """A VA-based TLBI of ``asid`` (None: every ASID, NH_VAA) at ``va`` inside the scope: it
        removes the global entry and the non-global entry of that ASID."""
        if self.leaf:
            self._glob = False
            if asid is None:
                self.asids.clear()
            else:
                self.asids.discard(asid)
            return
        if self.size > self.GRANULE_LIMIT:
            return
        todo = self._granules()
        for key in list(todo):
            if asid is None or key is None or key == asid:
                todo[key].discard(va >> 12)
                if not todo[key]:
                    del todo[key]
                    self._done(key)

    def invalidate(self, cmd: C.Command) -> bool:
        """Apply one TLBI (after its SYNC completed); True when nothing stale can remain."""
        op = cmd.op
        if op in (C.TLBI_NH_ALL, C.TLBI_NSNH_ALL):
            self.asids.clear()
            self._glob = False
        elif op == C.TLBI_NH_ASID:
            self.asids.discard(cmd["ASID"])
            if self._todo is not None:
                self._todo.pop(cmd["ASID"], None)
        elif op == C.TLBI_NH_VA:
            if self._contains(cmd["Addr"]):
                self._va_tlbi(cmd["ASID"], cmd["Addr"])
        elif op == C.TLBI_NH_VAA:
            if self._contains(cmd["Addr"]):
                self._va_tlbi(None, cmd["Addr"])
        return self.covered


@dataclass(eq=False)
class PtWindow:
    olds: Dict[int, bytes]           # 8-byte aligned address -> descriptor bytes before the change
    scope: TlbScope
    note: str = ""
    seq: int = 0


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
        self.log.setLevel(logging.DEBUG if os.environ.get("SB_DEBUG") else logging.INFO)
        self.mem: Optional[SparseMemory] = None                    # set by the env
        self.tw_error_ranges: Callable[[], Sequence[Tuple[int, int]]] = lambda: ()
        self.events = None                                         # EventChecker, set by the env
        self.windows: Dict[int, List[Dict[int, bytes]]] = {}
        self.pt_windows: List[PtWindow] = []
        self.pt_seq = 0
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
        self.pt_windows = []

    # ------------------------------------------------------------ inputs
    def _predict(self, o: AxiObs, mem) -> Outcome:
        return predict(self.model, self.params, addr=o.addr, is_read=not o.is_write, sid=o.sid,
                       ssid=o.ssid, ssidv=bool(o.ssidv), prot=o.prot, mem=mem,
                       error_ranges=self.tw_error_ranges())

    def _pt_overlays(self) -> List[Dict[int, bytes]]:
        """Translation-table states a walk may see: each open window undone alone, and the memory
        before window i (every write since undone; the oldest value of a descriptor wins)."""
        ws = self.pt_windows
        if not ws:
            return []
        out = [w.olds for w in ws]
        for i in range(len(ws) - 1):
            merged: Dict[int, bytes] = {}
            for w in reversed(ws[i:]):
                merged.update(w.olds)
            out.append(merged)
        return out

    def _alternatives(self, o: AxiObs) -> List[Outcome]:
        alts = [self._predict(o, self.mem)]
        if not self.model.smmuen:
            return alts
        cfg = self.windows.get(o.sid, [])
        pts = self._pt_overlays()
        if not cfg and not pts:
            return alts
        for c in [{}] + list(cfg):
            for p in [{}] + pts:
                if not c and not p:
                    continue
                alt = self._predict(o, OverlayMemory(self.mem, {**p, **c}))
                if all(_outcome_key(alt) != _outcome_key(a) for a in alts):
                    alts.append(alt)
        return alts

    def _expect_events(self, o: AxiObs, alts: List[Outcome], optional: bool) -> None:
        o.expected_events = []
        o.exp_by_alt = {}
        if self.events is None or not self.model.eventqen:
            return
        for a in alts:
            if a.event is not None:
                e = self.events.expect(a.event, optional=optional or len(alts) > 1, note=f"(for {o})")
                o.expected_events.append(e)
                o.exp_by_alt[_outcome_key(a)] = e

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
        self._reevaluate_inflight(sid)

    def _add_alt(self, o: AxiObs, alt: Outcome) -> None:
        if any(_outcome_key(alt) == _outcome_key(a) for a in o.alts):
            return
        o.alts.append(alt)
        for e in o.expected_events:
            e.optional = True
        if self.events is not None and self.model.eventqen and alt.event is not None:
            e = self.events.expect(alt.event, optional=True, note=f"(for {o})")
            o.expected_events.append(e)
            o.exp_by_alt[_outcome_key(alt)] = e

    def _reevaluate_inflight(self, sid: Optional[int] = None) -> None:
        """A window opened or grew: transactions already accepted may see the new state too."""
        if not self.model.smmuen:
            return
        for o in list(self.inflight.values()):
            if sid is None or o.sid == sid:
                for alt in self._alternatives(o):
                    self._add_alt(o, alt)

    def end_window(self, sid: int) -> None:
        """The CFGI+SYNC covering ``sid`` completed: only the current memory is legal from now on."""
        self.windows.pop(sid, None)

    # ------------------------------------------------ translation-table windows
    def pt_write(self, addr: int, data: bytes, scope: TlbScope, note: str = "") -> PtWindow:
        """Software stores ``data`` (whole descriptors) at ``addr`` while traffic may run."""
        if addr & 7 or len(data) & 7:
            raise ValueError("translation-table stores are whole 8-byte descriptors")
        olds = {a: self.mem.read(a, 8) for a in range(addr, addr + len(data), 8)}
        self.mem.write(addr, data)
        return self._open_pt(olds, scope, note)

    def pt_update(self, regions: Iterable[Tuple[int, int]], fn: Callable[[], object], scope: TlbScope,
                  note: str = "") -> PtWindow:
        """Run ``fn`` (e.g. Stage1Tables.map/unmap) and open a window for every descriptor it changed
        inside ``regions`` ((addr, bytes) of the tables that existed before; tables it allocates
        are unreachable in the old state)."""
        regions = list(regions)
        before = [(a, self.mem.read(a, n)) for a, n in regions]
        fn()
        olds: Dict[int, bytes] = {}
        for a, old in before:
            new = self.mem.read(a, len(old))
            if new != old:
                for i in range(0, len(old), 8):
                    if new[i:i + 8] != old[i:i + 8]:
                        olds[a + i] = old[i:i + 8]
        return self._open_pt(olds, scope, note)

    def _open_pt(self, olds: Dict[int, bytes], scope: TlbScope, note: str) -> PtWindow:
        self.pt_seq += 1
        w = PtWindow(olds, scope, note, self.pt_seq)
        if olds:
            self.pt_windows.append(w)
            self.stats["pt_windows"] += 1
            self._reevaluate_inflight()
        return w

    def on_sync(self, cmds: Sequence[bytes]) -> None:
        """A CMD_SYNC completed after ``cmds``: close the translation-table windows their TLBIs cover."""
        for raw in cmds:
            cmd = C.decode(raw)
            if cmd.op not in (C.TLBI_NH_ALL, C.TLBI_NH_ASID, C.TLBI_NH_VA, C.TLBI_NH_VAA, C.TLBI_NSNH_ALL):
                continue
            keep = []
            for w in self.pt_windows:
                if w.scope.invalidate(cmd):
                    self.stats["pt_windows_closed"] += 1
                else:
                    keep.append(w)
            self.pt_windows = keep

    def pt_window_open(self, w: PtWindow) -> bool:
        return w in self.pt_windows

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
            out, consistent = self._choose(o, alts)
            if out is not alts[0]:
                self.stats["window_alt_used"] += 1
            self._resolve_events(o, consistent)
            self.log.debug("window transaction %s: alternatives %s -> %s", o,
                           [(a.kind, hex(a.out_addr) if a.out_addr is not None else None,
                             a.event.name if a.event is not None else None) for a in alts],
                           [(a.kind, a.event.name if a.event is not None else None) for a in consistent])
            o.predicted = out
        kind = out.kind if out is not None else "unpredicted"
        self.log.debug("client done %s -> %s %s", o, kind, out.event.name if out is not None and out.event else "")
        d = "write" if o.is_write else "read"
        self.stats[f"{d}_{kind}"] += 1
        self.stats["beats"] += len(o.data)
        if out is None:
            self.error("client transaction completed without an address handshake", o)
        elif out.kind in ("bypass", "translate"):
            self._check_bypass(o, out.out_addr)
        elif out.kind == "abort":
            self._check_abort(o)
            self._check_not_downstream(o, out)
        elif out.kind == "raz":
            self._check_raz(o)
            self._check_not_downstream(o, out)
        else:
            self.error(f"no checker for outcome {out.kind}", o)

    def _check_not_downstream(self, o: AxiObs, out: Outcome) -> None:
        """A terminated transaction must not reach m_axi. An m_axi burst of the same direction and ID,
        issued after this request and completed before its response, with its attributes and (writes)
        data is this transaction: report it here (instead of a confusing mismatch with the next
        same-ID transaction) and take it off the queue."""
        q = self.down.get((o.is_write, o.id))
        if not q:
            return
        m = q[0]
        same = (o.t_addr <= m.t_addr <= o.t_done and
                all(getattr(m, f) == getattr(o, f) for f in ("len", "size", "burst", "prot", "cache", "qos"))
                and (not o.is_write or m.data == o.data))
        if same:
            q.popleft()
            ev = f" ({out.event.name} predicted)" if out.event is not None else ""
            self.error(f"predicted {out.kind}{ev}, but the transaction reached m_axi at {m.addr:#x}", o, m)

    def _choose(self, o: AxiObs, alts: List[Outcome]) -> Tuple[Outcome, List[Outcome]]:
        """The alternatives consistent with what the client and m_axi saw (first one is used)."""
        q = self.down.get((o.is_write, o.id))
        head = q[0] if q else None
        if head is not None and head.t_addr >= o.t_addr:
            match = [a for a in alts if a.reaches_memory and a.out_addr == head.addr]
            if match:
                return match[0], match
        aborted = any(r != OKAY for r in o.resp)
        local = [a for a in alts if not a.reaches_memory and a.kind == ("abort" if aborted else "raz")]
        if local:
            return local[0], local
        return alts[0], [alts[0]]

    def _resolve_events(self, o: AxiObs, consistent: List[Outcome]) -> None:
        exp = getattr(o, "exp_by_alt", None)
        if self.events is None or not exp:
            return
        keys = {_outcome_key(a) for a in consistent}
        for k, e in exp.items():
            if k not in keys and not e.matched:
                e.cancelled = True
        if any(a.event is None for a in consistent):
            return                      # a consistent alternative writes no record: all stay optional
        mine = [exp[k] for k in keys if k in exp]
        if len(mine) == 1:
            mine[0].optional = False
        elif mine:
            self.events.require_one_of(mine, note=f"(for {o})")

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
        self._check_local(o, SLVERR, "SLVERR", "abort", zero_data=False)

    def _check_raz(self, o: AxiObs) -> None:
        """RAZ/WI: reads get len+1 beats of zeros with OKAY, writes one OKAY B (nothing on m_axi:
        a left-over m_axi burst is reported at the end)."""
        self._check_local(o, OKAY, "OKAY", "RAZ/WI", zero_data=True)

    def _check_local(self, o: AxiObs, resp: int, resp_name: str, what: str, *, zero_data: bool) -> None:
        """A transaction the SMMU answers itself: len+1 beats, ``resp`` on the B or on every R
        beat, RLAST on the last beat only, and (``zero_data``) read data all zero."""
        n = o.len + 1
        probs = []
        if len(o.data) != n:
            probs.append(f"{len(o.data)} beats, expected {n}")
        if o.is_write:
            if o.resp != [resp]:
                probs.append(f"B resp {o.resp}, expected [{resp_name}]")
        else:
            if any(r != resp for r in o.resp):
                probs.append(f"R resp {o.resp}, expected {resp_name} on every beat")
            if zero_data and any(d != 0 for d in o.data):
                probs.append("R data not zero")
            if o.last != [0] * (n - 1) + [1]:
                probs.append(f"RLAST pattern {o.last}")
        if probs:
            self.error(f"{what} mismatch: " + "; ".join(probs), o)

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
                self.errors.append(f"m_axi transaction without a matching bypassed client transaction "
                                   f"(bypass or translate): {m}")

    def summary(self) -> str:
        s = dict(sorted(self.stats.items()))
        return ", ".join(f"{k}={v}" for k, v in s.items())
