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
  leaf entry, any ASID; a table-descriptor change only by VA forms with Leaf=0). CFGI is not a TLB invalidation architecturally (the RTL
  drops entries on it anyway: over-invalidation is legal), so it never closes a
  translation-table window.

Closing is timed: a transaction accepted before the invalidation may use the old state only
up to the moment the covering CMD_SYNC completed (as the driver saw CONS pass it: the
``on_sync`` hook / ``end_window`` call). At that moment every in-flight transaction's
alternatives that reach memory and that the remaining state no longer gives become stale
(``_mark_stale``: an interval from that cycle, ended again if a later window makes the
alternative legal again); an m_axi address handshake after it that carries a stale
alternative's address is an error ("stale translation after the invalidation completed",
with the handshake cycle, the closing cycle and the new expectation), even if the client
request was accepted long before.

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

Stalls (CD.S=1, issue 5). A transaction whose outcome set holds a "stall" alternative expects
a Stall=1 record; the EventChecker matches it field by field with the STAG taken from the
written record (never predicted) and hands it to :meth:`on_stall_record`, which checks that
the STAG is unique among outstanding stalls and that at most STALL_MAX are outstanding, and
binds it to the transaction (a :class:`StallThread` holds the SMMU-side life of a stalled
transaction: its stalls and, once software answered, the expected outcome). Software's
answers reach :meth:`on_stall_cmd` when the SMMU fetches the command (the env's command tap)
and change the expected outcome: RESUME retry -> predicted again from the memory of now (a
retry always walks: configuration windows apply, translation-table windows opened before it
do not), possibly a new stall with a new record; abort -> SLVERR; term -> RAZ/WI;
STALL_TERM(sid) -> abort of every outstanding stall of that StreamID; CR0.SMMUEN 1 -> 0 (seen
in the register model) -> abort of every stall. A RESUME whose STAG is not outstanding or
whose StreamID differs is a no-op. When several in-flight transactions would write the same
record (same StreamID/SubstreamID/address/direction/PnU/InD), the record is bound to the
oldest tentatively; at completion, if the transaction's own stall history does not explain
its response, it is exchanged with that of an equivalent in-flight transaction (same
prediction inputs) that does: any consistent assignment is accepted, every stall ends once.
Errors: a response to a transaction whose stall was never answered; a stall predicted but no
record bound; a duplicate STAG; more than STALL_MAX outstanding; a stall left outstanding at
the end of the test (unless ``allow_outstanding_stalls``).

Debugging: SB_DEBUG=1 in the environment logs every client completion with its
outcome and every window decision (and the EventChecker every matched record).
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Callable, Deque, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from pyuvm import ConfigDB, uvm_component, uvm_subscriber

from tb.agents.axi_monitor import AxiObs
from tb.agents.axi_signals import OKAY, SLVERR
from tb.model import commands as C
from tb.model.events import EventRecord
from tb.model.memory import SparseMemory
from tb.model.outcome import Outcome, predict
from tb.model.registers import RegisterModel
from tb.regmap import SmmuParams

Key = Tuple[int, bool, int]


def tbu_of(port: str) -> int:
    """TBU number of an interface prefix: ``t<k>_s_axi`` / ``t<k>_m_axi`` (smmu_multi) -> k;
    ``s_axi`` / ``m_axi`` (smmu_top, one TBU) -> 0."""
    if port[:1] == "t" and "_" in port and port[1:port.index("_")].isdigit():
        return int(port[1:port.index("_")])
    return 0


def dkey(o) -> Key:
    """Which m_axi queue an observation belongs to: its TBU, direction and AXI ID (a client
    transaction and its downstream burst carry the same ID on the same TBU)."""
    return (tbu_of(o.port), o.is_write, o.id)


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
    """Alternatives differ by kind, m_axi address, record and m_axi attributes: across an STE change
    (e.g. bypass -> stage 1 through an identity mapping) two alternatives may reach the same address
    with different attributes (IHI 0070 chapter 13), and both are legal inside the window."""
    return (o.kind, o.out_addr, o.event.pack() if o.event is not None else None, o.attrs)


def _attrs_match(a: Outcome, m) -> bool:
    """``a``'s predicted attributes are those of the m_axi burst ``m`` (domain only if the output exists)."""
    t = a.attrs
    if t is None:
        return False
    return (m.cache == t.cache and m.prot == t.prot
            and (getattr(m, "domain", None) is None or m.domain == t.domain))


def _addr_matches(alts: List[Outcome], m) -> List[Outcome]:
    """The alternatives reaching memory at ``m``'s address: those also predicting ``m``'s attributes
    if any does (a window's alternatives may share the address), else all (the attribute check then
    reports the mismatch)."""
    match = [a for a in alts if a.reaches_memory and a.out_addr == m.addr]
    full = [a for a in match if _attrs_match(a, m)]
    return full or match


M64 = (1 << 64) - 1


@dataclass
class TlbScope:
    """Which TLB entries a translation-table change may have left behind (see module docstring).

    asids      ASIDs of the contexts whose walks read the changed descriptors
    va, size   the VA range of the affected TLB entries (for a leaf: the block/page)
    leaf       the change is one leaf entry (a VA-based TLBI of an address inside it covers it);
               False: a table descriptor (many entries below it): covered by ASID/ALL invalidation,
               or by VA-based TLBIs with Leaf=0 of every 4 KiB granule of [va, va+size) (Linux's walk
               flush, arm_smmu_tlb_inv_walk: one TLBI_NH_VA per granule), for ranges up to 2 MiB; a
               Leaf=1 TLBI never covers it (only last-level entries: a walk cache may keep the table)
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
        elif op in (C.TLBI_NH_VA, C.TLBI_NH_VAA) and not self.leaf and cmd["Leaf"]:
            pass    # Leaf=1: only last-level entries; a cached table descriptor may survive (IHI 0070 4.4.2)
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


def strip_stag(r: EventRecord) -> EventRecord:
    """The record without its STAG (a stall record is predicted with STAG 0)."""
    return EventRecord(**{**r.__dict__, "STAG": 0})


ABORT = Outcome("abort", None, SLVERR, None)
RAZ = Outcome("raz", None, OKAY, None)
TERM_ACTIONS = ("abort", "term", "stall_term", "disable")


@dataclass(eq=False)
class StallToken:
    """One stall the SMMU recorded (one Stall=1 record, one STAG)."""

    stag: int
    sid: int
    rec: EventRecord
    cycle: int                    # when the record was seen
    thread: Optional["StallThread"] = None
    state: str = "out"            # "out" (waiting for software) | "ended"
    action: str = ""              # retry | abort | term | stall_term | disable | done
    end_cycle: int = 0
    maybe_aborted: bool = False   # a STALL_TERM / SMMUEN clear may have ended it before its record was seen
    maybe_kind: str = ""          # which one: "stall_term" | "disable"
    resumed: str = ""             # the RESUME action that ended it (a maybe-aborted one: it may have been a no-op)
    resume_alts: list = field(default_factory=list)   # the outcomes that RESUME gave


@dataclass(eq=False)
class StallThread:
    """The SMMU-side life of one stalled transaction from its first stall record: its stalls and,
    after software answered the last one, the outcomes it may still have (``alts``; None while
    stalled). ``holder`` is the client transaction it is bound to (may change, see module doc)."""

    holder: object
    tokens: List[StallToken] = field(default_factory=list)
    alts: Optional[List[Outcome]] = None
    expected_events: list = field(default_factory=list)
    exp_by_alt: dict = field(default_factory=dict)
    first_exp: object = None      # the expectation the first record matched
    phase: int = 0                # +1 per stall record (expectations of older phases are dead)
    term_hints: list = field(default_factory=list)   # (cycle, kind) of STALL_TERM / SMMUEN clears while pending
    stale: dict = field(default_factory=dict)        # outcome key -> [[from, to|None, why]] (see _mark_stale)
    done: bool = False

    @property
    def stalled(self) -> bool:
        return self.alts is None and not self.done


def pkey(o: AxiObs) -> tuple:
    """What the SMMU's decision for a transaction depends on (two transactions with equal keys are
    interchangeable for the reference model: same prediction, same records)."""
    ssv = int(bool(o.ssidv))
    return (o.sid, o.ssid if ssv else 0, ssv, o.addr, bool(o.is_write), o.prot & 1,
            0 if o.is_write else (o.prot >> 2) & 1)


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
        self.pt_windows: List[PtWindow] = []
        self.pt_seq = 0
        self.now: Callable[[], int] = lambda: 0                    # current cycle, set by the env
        self.allow_outstanding_stalls = 0                          # stalls a test may leave at the end
        self.strict_stale_stalls = False                           # see _prune_stale_stalls
        self.attr_checks = 0                                       # m_axi transactions attribute-checked
        self.attr_seen: Dict[tuple, int] = defaultdict(int)        # (cache, prot, domain) checked on m_axi
        self.tw_attr_checks = 0                                    # m_axi_tw accesses attribute-checked
        self.tw_other: List[AxiObs] = []                           # CD fetches and walks (checked by tests)
        self._watch_model()
        self.reset()

    def configure(self, params: SmmuParams) -> None:
        self.params = params
        self.model = RegisterModel(params)
        self._watch_model()

    def _watch_model(self) -> None:
        """CR0.SMMUEN 1 -> 0 written through the register model terminates every stall."""
        m = self.model
        orig = m.write

        def write(offset: int, value: int, strb: int = 0xF) -> None:
            was = m.smmuen
            orig(offset, value, strb)
            if was and not m.smmuen:
                self.on_smmuen_clear()
        m.write = write

    def build_phase(self) -> None:
        if ConfigDB().get(self, "", "SB_DEBUG", False):
            self.log.setLevel(logging.DEBUG)
        self.req_export = uvm_subscriber.uvm_AnalysisImp("req_export", self, self.on_request)
        self.client_export = uvm_subscriber.uvm_AnalysisImp("client_export", self, self.on_client)
        self.down_export = uvm_subscriber.uvm_AnalysisImp("down_export", self, self.on_down)
        self.tw_attr_export = uvm_subscriber.uvm_AnalysisImp("tw_attr_export", self, self.check_tw_attrs)

    def reset(self) -> None:
        """aresetn: forget everything in flight (the model is reset by the env)."""
        self.down: Dict[Key, Deque[AxiObs]] = defaultdict(deque)
        self.pending = 0
        self.inflight: Dict[int, AxiObs] = {}
        self.windows = {}
        self.pt_windows = []
        self.stags: Dict[int, StallToken] = {}           # outstanding stalls by STAG
        self.out_tokens: List[StallToken] = []           # outstanding stalls (a duplicate STAG too)
        self.threads: List[StallThread] = []             # every stall thread since the reset

    # ------------------------------------------------------------ inputs
    def _predict(self, o: AxiObs, mem) -> Outcome:
        return predict(self.model, self.params, addr=o.addr, is_read=not o.is_write, sid=o.sid,
                       ssid=o.ssid, ssidv=bool(o.ssidv), prot=o.prot, mem=mem,
                       error_ranges=self.tw_error_ranges(), cache=o.cache)

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

    def _alternatives(self, o: AxiObs, pt: bool = True) -> List[Outcome]:
        """Outcomes of ``o`` from the current memory and every open window (``pt=False``: the
        translation-table windows are left out -- a resumed transaction always walks again)."""
        alts = [self._predict(o, self.mem)]
        if not self.model.smmuen:
            return alts
        cfg = self.windows.get(o.sid, [])
        pts = self._pt_overlays() if pt else []
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

    def _expect(self, target, alt: Outcome, optional: bool, note: str):
        """Register the record of ``alt`` (None if it writes none that can be checked). Stall
        records are expected even with EVENTQEN=0: they wait for the queue and are never dropped."""
        if self.events is None or alt.event is None:
            return None
        if not (self.model.eventqen or alt.kind == "stall"):
            return None
        # the SMMU handles the record between the transaction's s_axi handshake (or the RESUME that
        # retried it: now) and its response (the EventChecker's drop-interval check)
        t_from = self.now() if isinstance(target, StallThread) else target.t_addr
        e = self.events.expect(alt.event, optional=optional, note=note, t_from=t_from)
        if e is not None:                 # (a negative test may replace expect())
            e.who = target
            e.phase = getattr(target, "phase", 0)
        return e

    def _expect_events(self, target, alts: List[Outcome], optional: bool) -> None:
        target.expected_events = []
        target.exp_by_alt = {}
        note = f"(for {target.holder if isinstance(target, StallThread) else target})"
        for a in alts:
            e = self._expect(target, a, optional or len(alts) > 1, note)
            if e is not None:
                target.expected_events.append(e)
                target.exp_by_alt[_outcome_key(a)] = e

    def on_request(self, o: AxiObs) -> None:
        if self.model.smmuen:
            self.stats["cfg_lookups"] += 1
        alts = self._alternatives(o)
        o.alts = alts
        o.predicted = alts[0]
        o.pkey = pkey(o)
        o.thread = None
        o.term_hints = []
        o.stale = {}
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

    def _add_alt(self, o, alt: Outcome) -> None:
        """Add an alternative outcome to a transaction (or to a resumed stall thread)."""
        if any(_outcome_key(alt) == _outcome_key(a) for a in o.alts):
            return
        o.alts.append(alt)
        for e in o.expected_events:
            e.optional = True
        holder = o.holder if isinstance(o, StallThread) else o
        e = self._expect(o, alt, True, f"(for {holder})")
        if e is not None:
            o.expected_events.append(e)
            o.exp_by_alt[_outcome_key(alt)] = e

    def _targets(self, sid: Optional[int] = None):
        """(client transaction, object holding its pending alternatives) for every in-flight
        transaction whose outcome is still open: itself, or its stall thread once resumed;
        stalled transactions (waiting for software) are left out."""
        for o in list(self.inflight.values()):
            if sid is not None and o.sid != sid:
                continue
            th = getattr(o, "thread", None)
            if th is None:
                yield o, o
            elif th.alts is not None and not th.done:
                yield o, th

    def _reevaluate_inflight(self, sid: Optional[int] = None) -> None:
        """A window opened or grew: transactions already accepted may see the new state too."""
        if not self.model.smmuen:
            return
        now = self.now()
        for o, target in self._targets(sid):
            for alt in self._alternatives(o):
                self._add_alt(target, alt)
                self._unstale(target, alt, now)

    def end_window(self, sid: int) -> None:
        """The CFGI+SYNC covering ``sid`` completed: only the current memory is legal from now on."""
        self.windows.pop(sid, None)
        self._mark_stale(sid, f"configuration window of StreamID {sid:#x} closed (CFGI + SYNC)")
        self._prune_stale_stalls(sid)

    # ------------------------------------------------ stale alternatives after a SYNC
    def _mark_stale(self, sid: Optional[int], why: str) -> None:
        """A window closed now (its invalidation's CMD_SYNC completed, as the driver saw it): an
        in-flight transaction may still have used the old state up to now, but an m_axi address
        handshake after now must match what the remaining state gives. Alternatives that reach
        memory and that the remaining state (current memory + windows still open) no longer gives are
        stale from now on (an interval, reopened if a later window makes them legal again)."""
        if not self.model.smmuen:
            return
        now = self.now()
        for o, target in self._targets(sid):
            legal = {_outcome_key(a) for a in self._alternatives(o)}
            for a in target.alts:
                if not a.reaches_memory:
                    continue
                k = _outcome_key(a)
                ivs = target.stale.setdefault(k, [])
                if k in legal:
                    self._unstale(target, a, now)
                elif not ivs or ivs[-1][1] is not None:
                    ivs.append([now, None, why])
                    self.stats["stale_alts_marked"] += 1

    @staticmethod
    def _unstale(target, a: Outcome, now: int) -> None:
        ivs = target.stale.get(_outcome_key(a)) if hasattr(target, "stale") else None
        if ivs and ivs[-1][1] is None:
            ivs[-1][1] = now

    @staticmethod
    def _stale_at(target, a: Outcome, t: int) -> Optional[list]:
        """The stale interval of ``a`` (for ``target``) that holds cycle ``t``, or None."""
        for iv in getattr(target, "stale", {}).get(_outcome_key(a), ()):
            if t > iv[0] and (iv[1] is None or t <= iv[1]):
                return iv
        return None

    def _split_stale(self, target, match: List[Outcome], t: int) -> Tuple[List[Outcome], List[Outcome]]:
        fresh = [a for a in match if self._stale_at(target, a, t) is None]
        return fresh, [a for a in match if a not in fresh]

    def _stale_error(self, o: AxiObs, target, head: AxiObs, stale: List[Outcome], alts: List[Outcome]) -> None:
        a = stale[0]
        iv = self._stale_at(target, a, head.t_addr)
        new = [x for x in alts if x not in stale and x.kind != "stall"
               and (not x.reaches_memory or self._stale_at(target, x, head.t_addr) is None)]
        desc = ", ".join(f"{x.kind}" + (f" -> {x.out_addr:#x}" if x.out_addr is not None else "")
                         + (f" ({x.event.name})" if x.event is not None else "") for x in new) or "none"
        self.stats["stale_after_sync"] += 1
        self.error(f"stale translation after the invalidation completed: m_axi {'AW' if o.is_write else 'AR'} "
                   f"handshake at cycle {head.t_addr} used the old {a.kind} -> {a.out_addr:#x}, but the "
                   f"window allowing it was closed at cycle {iv[0]} ({iv[2]}); the client request was accepted "
                   f"at cycle {o.t_addr}; new expectation: {desc}", o, head)

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

    def pt_fill(self, regions: Iterable[Tuple[int, int]], fn: Callable[[], object], note: str = "") -> None:
        """Run ``fn`` that only turns invalid descriptors into valid ones (a new mapping in a hole,
        e.g. an IO page fault handler): no TLB entry can hold the old state (invalid descriptors are
        never cached), so no window and no TLBI is needed -- transactions already in flight may
        see either state (their walk may have read the old one), later ones only the new one."""
        regions = list(regions)
        before = [(a, self.mem.read(a, n)) for a, n in regions]
        fn()
        for a, old in before:
            new = self.mem.read(a, len(old))
            for i in range(0, len(old), 8):
                if new[i:i + 8] != old[i:i + 8] and int.from_bytes(old[i:i + 8], "little") & 1:
                    raise ValueError(f"pt_fill{(' ' + note) if note else ''}: descriptor at {a + i:#x} was "
                                     f"valid ({old[i:i + 8].hex()}): use pt_update with a TLBI scope")
        self.stats["pt_fills"] += 1
        self._reevaluate_inflight()

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
            closed = len(keep) != len(self.pt_windows)
            self.pt_windows = keep
            if closed:
                self._mark_stale(None, f"translation-table window closed by {C.NAMES[cmd.op]} + SYNC")
                self._prune_stale_stalls()

    def _prune_stale_stalls(self, sid: Optional[int] = None) -> None:
        """With ``strict_stale_stalls``: a window closed (TLBI/CFGI + completed SYNC), so a fault not
        recorded yet is translated again (contract: no stale stall event after TLBI/CFGI + SYNC). The
        stall alternatives of in-flight, not yet stalled transactions that the remaining state no
        longer gives are withdrawn: their record becomes unexpected, unless its m_axi_tw AW came
        before this moment (it was on its way while the SYNC completed). Off by default: a stall
        record may legally wait for event-queue space long after its stall was decided."""
        if not self.strict_stale_stalls or not self.model.smmuen:
            return
        now = self.now()
        for o, target in self._targets(sid):
            keys = {_outcome_key(a) for a in self._alternatives(o)}
            keep = []
            for a in target.alts:
                k = _outcome_key(a)
                if a.kind == "stall" and k not in keys:
                    e = target.exp_by_alt.pop(k, None)
                    if e is not None and not e.matched:
                        e.cancelled = True
                        e.cancel_cycle = now
                    self.stats["stale_stalls_withdrawn"] += 1
                    self.log.debug("stale stall alternative withdrawn for %s: %s", o, a.event)
                else:
                    keep.append(a)
            if len(keep) != len(target.alts):
                target.alts[:] = keep
                for a in self._alternatives(o):
                    self._add_alt(target, a)
                if target is o:
                    o.predicted = o.alts[0]

    def pt_window_open(self, w: PtWindow) -> bool:
        return w in self.pt_windows

    def filter_down(self, o: AxiObs) -> Optional[AxiObs]:
        """Every m_axi observation passes here before it is matched (None: dropped). A hook for
        test variants (a factory override of Scoreboard, e.g. tb/tests/test_negative.py injecting a
        fault); ``down_filter`` is the older per-instance form, applied first."""
        return o if self.down_filter is None else self.down_filter(o)

    def on_down(self, o: AxiObs) -> None:
        o = self.filter_down(o)
        if o is None:
            return
        self.down[dkey(o)].append(o)

    # ------------------------------------------------------------ stalls
    def _busy(self, who, phase: int) -> bool:
        """An expectation's owner can no longer write that record (it is stalled already, or the
        expectation belongs to an earlier phase of a stall thread)."""
        if isinstance(who, StallThread):
            return who.done or who.alts is None or phase != who.phase
        return getattr(who, "thread", None) is not None

    def outstanding_stalls(self) -> List[StallToken]:
        return [t for t in self.out_tokens if t.state == "out"]

    def on_stall_record(self, rec: EventRecord, exp, aw_cycle: Optional[int] = None) -> None:
        """The EventChecker saw a Stall=1 record (``exp``: the expectation it matched, or None;
        ``aw_cycle``: its m_axi_tw AW handshake)."""
        self.stats["stalls"] += 1
        now = self.now()
        tok = StallToken(rec.STAG, rec.StreamID, rec, now)
        who = getattr(exp, "who", None) if exp is not None else None
        done = who is not None and (who.done if isinstance(who, StallThread) else id(who) not in self.inflight)
        if done:
            # the record of a stall the SMMU aborted (STALL_TERM / SMMUEN clear) before the record was
            # written: the transaction already completed with SLVERR
            hints = who.term_hints
            kind = hints[-1][1] if hints else "stall_term"
            self.stats["stall_term_aborts" if kind == "stall_term" else "disable_aborts"] += 1
            self.stats["stall_records_after_abort"] += 1
            tok.state, tok.action = "ended", kind
            self.log.debug("stall record after its transaction was aborted: %s", rec)
            return
        old = self.stags.get(rec.STAG)
        if old is not None:
            if old.maybe_aborted:                                    # the SMMU ended it: STAG free again
                self.stats["stall_term_aborts" if old.maybe_kind != "disable" else "disable_aborts"] += 1
                self._end_token(old, old.maybe_kind or "stall_term", quiet=True)
            else:
                self.error_msg(f"STAG {rec.STAG:#06x} of a new stall record is already outstanding "
                               f"(stall of {old.rec} at cycle {old.cycle}, not ended): STAGs must be unique "
                               f"among outstanding stalls\n  new record: {rec}")
        self.stags[rec.STAG] = tok
        self.out_tokens.append(tok)
        n = sum(1 for t in self.out_tokens if not t.maybe_aborted)
        self.stats["stalls_outstanding_max"] = max(self.stats["stalls_outstanding_max"], n)
        if n > self.params.STALL_MAX:
            self.error_msg(f"{n} stalls outstanding, more than STALL_MAX={self.params.STALL_MAX} "
                           f"(new record {rec})")
        if who is None:
            self.log.debug("stall record without a transaction: %s", rec)
            return
        if isinstance(who, StallThread):
            th = who
            if th.stalled or th.done:
                self.error_msg(f"second stall record for a transaction already stalled: {rec}")
                return
            for e in th.expected_events:              # the outcomes of this phase did not happen
                if e is not exp and not e.matched:
                    e.cancelled = True
            self.stats["restalls"] += 1
        else:
            o = who
            if o.thread is not None:
                self.error_msg(f"second stall record for a transaction already stalled: {rec}\n  client: {o}")
                return
            th = StallThread(holder=o, first_exp=exp)
            o.thread = th
            th.term_hints = list(o.term_hints)
            self.threads.append(th)
        th.tokens.append(tok)
        th.alts = None
        th.phase += 1
        tok.thread = th
        hints, th.term_hints = th.term_hints, []
        self.log.debug("stall STAG %#06x bound to %s", rec.STAG, th.holder)
        if hints:
            # a STALL_TERM / SMMUEN clear was consumed while this fault was pending: if the record's AW
            # came before it, the stall existed then and was aborted; otherwise it may have been
            # (record handed over just before) or may not (the fault was still waiting for a STAG)
            before = [k for c, k in hints if aw_cycle is not None and aw_cycle < c]
            if before:
                self.stats["stall_term_aborts" if before[0] == "stall_term" else "disable_aborts"] += 1
                self._end_token(tok, before[0])
            else:
                tok.maybe_aborted, tok.maybe_kind = True, hints[-1][1]
                self.stats["stall_maybe_aborted"] += 1

    def on_stall_cmd(self, raw) -> None:
        """The SMMU consumed CMD_RESUME or CMD_STALL_TERM (bytes or a decoded Command)."""
        cmd = raw if isinstance(raw, C.Command) else C.decode(raw)
        if cmd.op == C.RESUME:
            action = "retry" if cmd["Ac"] else ("abort" if cmd["Ab"] else "term")
            self.on_resume(cmd["StreamID"], cmd["STAG"], action)
        elif cmd.op == C.STALL_TERM:
            self.on_stall_term(cmd["StreamID"])

    def on_resume(self, sid: int, stag: int, action: str) -> None:
        tok = self.stags.get(stag)
        if tok is None or tok.state != "out" or tok.sid != sid:
            self.stats["resume_nomatch"] += 1
            why = "no such outstanding STAG" if tok is None else f"STAG belongs to StreamID {tok.sid:#x}"
            self.log.info("RESUME(sid=%#x, stag=%#06x, %s) matches no stall (%s): no-op", sid, stag, action, why)
            return
        self.stats[f"resume_{action}"] += 1
        self._end_token(tok, action)

    def on_stall_term(self, sid: int) -> None:
        self.stats["stall_term_cmds"] += 1
        for tok in [t for t in self.out_tokens if t.sid == sid]:
            self.stats["stall_term_aborts"] += 1
            self._end_token(tok, "stall_term")
        self._hint_pending(sid, "stall_term")

    def on_smmuen_clear(self) -> None:
        """SMMUEN 1 -> 0: every stall is aborted; a fault still waiting for a STAG is aborted without a
        record; transactions not looked up yet take the GBPA decision."""
        for tok in list(self.out_tokens):
            self.stats["disable_aborts"] += 1
            self._end_token(tok, "disable")
        self._hint_pending(None, "disable")
        for o, target in self._targets(None):
            self._add_alt(target, self._predict(o, self.mem))      # SMMUEN=0 now: GBPA

    def _hint_pending(self, sid: Optional[int], kind: str) -> None:
        """Transactions of ``sid`` (None: all) that may stall but whose record was not seen yet may
        already hold a STAG (record on its way or waiting for the queue): they may be aborted now."""
        now = self.now()
        for o, target in self._targets(sid):
            if any(a.kind == "stall" for a in target.alts):
                target.term_hints.append((now, kind))
                self._add_alt(target, ABORT)

    def _drop_token(self, tok: StallToken) -> None:
        if self.stags.get(tok.stag) is tok:
            del self.stags[tok.stag]
        if tok in self.out_tokens:
            self.out_tokens.remove(tok)

    def _end_token(self, tok: StallToken, action: str, quiet: bool = False) -> None:
        self._drop_token(tok)
        tok.state, tok.action, tok.end_cycle = "ended", action, self.now()
        th = tok.thread
        if th is None or th.done or th.tokens[-1] is not tok:
            return
        o = th.holder
        if action == "retry":
            alts = self._alternatives(o, pt=False)
        elif action == "term":
            alts = [ABORT if getattr(self.params, "TERM_MODEL", 0) else RAZ]
        else:
            alts = [ABORT]
        th.alts = list(alts)
        th.stale = {}
        tok.resumed = action if action in ("retry", "abort", "term") else ""
        tok.resume_alts = list(alts)
        if tok.maybe_aborted and ABORT not in th.alts:
            th.alts.append(ABORT)         # the SMMU may have aborted it already: the RESUME was a no-op
        self._expect_events(th, th.alts, False)
        if not quiet:
            self.log.debug("stall STAG %#06x ended by %s: %s -> %s", tok.stag, action, o,
                           [(a.kind, a.event.name if a.event else None) for a in alts])

    def _consistent(self, o: AxiObs, alts: List[Outcome], target=None,
                    stale_out: Optional[list] = None) -> List[Outcome]:
        """The alternatives (none a stall) that explain what the client and m_axi saw; [] if none.
        An m_axi burst handshaken after the window of its alternative closed does not explain it
        (``stale_out`` receives (target, head, stale alternatives) for the error report)."""
        q = self.down.get(dkey(o))
        head = q[0] if q else None
        if head is not None and head.t_addr >= o.t_addr:
            match = _addr_matches(alts, head)
            match, stale = self._split_stale(target if target is not None else o, match, head.t_addr)
            if match:
                return match
            if stale:
                if stale_out is not None:
                    stale_out.append((target if target is not None else o, head, stale))
                return []
        aborted = any(r != OKAY for r in o.resp)
        return [a for a in alts if not a.reaches_memory and a.kind == ("abort" if aborted else "raz")]

    def _ending(self, o: AxiObs, th: Optional[StallThread], stale_out: Optional[list] = None) -> List[Outcome]:
        """Consistent outcomes if ``o`` ended with stall history ``th`` (None: it never stalled)."""
        if th is None:
            cand = [a for a in o.alts if a.kind != "stall"]
        else:
            tok = th.tokens[-1]
            if tok.state == "out":
                cand = [ABORT] if tok.maybe_aborted else []
            else:
                cand = [a for a in (th.alts or []) if a.kind != "stall"]
        return self._consistent(o, cand, th if th is not None else o, stale_out) if cand else []

    def _can_hold(self, x: AxiObs, th: Optional[StallThread]) -> bool:
        """Could the first record of ``th`` have been ``x``'s (x requested before it, a stall with that
        record among x's outcomes)?"""
        if th is None:
            return True
        first = th.tokens[0]
        want = strip_stag(first.rec)
        return x.t_addr <= first.cycle and any(
            a.kind == "stall" and a.event is not None and strip_stag(a.event) == want for a in x.alts)

    def _swap(self, a: AxiObs, b: AxiObs) -> None:
        """Exchange the stall histories of two equivalent transactions (identical records)."""
        ta, tb = a.thread, b.thread
        a.thread, b.thread = tb, ta
        for x, th in ((a, tb), (b, ta)):
            if th is not None:
                th.holder = x
        # one side had no stall: the record that was bound moves with the history, and the other
        # transaction's own (still unmatched) expectation of that record becomes the matched one
        th, receiver = (ta, b) if tb is None else ((tb, a) if ta is None else (None, None))
        if th is not None and th.first_exp is not None:
            want = strip_stag(th.tokens[0].rec)
            mine = next((e for e in getattr(receiver, "expected_events", [])
                         if not e.matched and not e.cancelled and e.rec.Stall and strip_stag(e.rec) == want), None)
            if mine is not None:
                mine.matched, th.first_exp.matched = True, False
                th.first_exp = mine
        self.stats["stall_swaps"] += 1

    def _stall_outcome(self, o: AxiObs) -> Tuple[Optional[Outcome], bool]:
        """Completion of a transaction that may have stalled: (outcome to check, ok). Resolves an
        ambiguous binding by exchanging histories with an equivalent in-flight transaction."""
        th = o.thread
        stale_hits: list = []
        ok = self._ending(o, th, stale_hits)
        if not ok:
            for p in list(self.inflight.values()):
                if getattr(p, "pkey", None) != o.pkey or p.thread is th:
                    continue
                if not (self._can_hold(o, p.thread) and self._can_hold(p, th)):
                    continue
                cand = self._ending(o, p.thread)
                if cand:
                    self._swap(o, p)
                    th, ok = o.thread, cand
                    break
        err = None
        if not ok and stale_hits:
            target, head, stale = stale_hits[0]
            self._stale_error(o, target, head, stale, (th.alts or []) if th is not None else o.alts)
            ok = [stale[0]]
        if not ok:
            if th is not None and th.alts is None:
                tok = th.tokens[-1]
                err = (f"client response for a stalled transaction before software answered its stall "
                       f"(STAG {tok.stag:#06x}, record {tok.rec})"
                       + (" (a STALL_TERM / SMMUEN clear may have aborted it: SLVERR expected)"
                          if tok.maybe_aborted else ""))
            elif th is None and all(a.kind == "stall" for a in o.alts):
                err = (f"predicted a stall ({o.alts[0].event}), but the transaction completed without a "
                       f"stall record bound to it")
            elif th is not None and th.alts and all(a.kind == "stall" for a in th.alts):
                err = (f"predicted a new stall after the retry ({th.alts[0].event}), but the transaction "
                       f"completed without a new stall record")
        if th is not None:
            for e in o.exp_by_alt.values():          # it stalled: its other first outcomes did not happen
                if not e.matched:
                    e.cancelled = True
            th.done = True
            for tok in th.tokens:
                if tok.state == "out":                # ended by a STALL_TERM / SMMUEN clear before seen
                    self._drop_token(tok)
                    tok.state, tok.action = "ended", "unseen_abort"
            self.stats["stalled_txns"] += 1
            self.stats[f"stalled_txns_{len(th.tokens)}x"] += 1
        if ok:
            target = th if th is not None else o
            if th is not None:
                self._reconcile_maybe(th.tokens[-1], ok[0])
            self._resolve_events(target, ok)
            if target.term_hints and ok[0].kind == "abort":
                # aborted by a STALL_TERM / SMMUEN clear while its stall record was on its way: the
                # record may still be written after the response (the stall had a STAG)
                for e in target.expected_events:
                    if e.rec.Stall and not e.matched and e.phase == getattr(target, "phase", 0):
                        e.cancelled, e.optional, e.late_ok = False, True, True
            return ok[0], True
        if err is not None:
            self.error(err, o)
            self._check_not_downstream(o, ABORT)
            return None, False
        # none explains the response: check against the first candidate (detailed mismatch report)
        alts = [a for a in ((th.alts or []) if th is not None else o.alts) if a.kind != "stall"]
        return (alts[0] if alts else None), True

    def _reconcile_maybe(self, tok: StallToken, out: Outcome) -> None:
        """A maybe-aborted stall ended: count it as the RTL did (for the counter comparison)."""
        if not tok.maybe_aborted:
            return
        kind = tok.maybe_kind or "stall_term"
        term_key = "stall_term_aborts" if kind == "stall_term" else "disable_aborts"
        if out.kind != "abort":
            return                                        # the RESUME acted: counted right
        if tok.action == "unseen_abort":
            self.stats[term_key] += 1                     # aborted by the STALL_TERM / clear, uncounted
        elif not tok.resumed:
            return                                        # ended by a later STALL_TERM / clear: counted
        elif not any(a.kind == "abort" for a in getattr(tok, "resume_alts", [])):
            self.stats[f"resume_{tok.resumed}"] -= 1      # aborted before: the RESUME was a no-op
            self.stats["resume_nomatch"] += 1
            self.stats[term_key] += 1
        else:
            self.stats["stall_maybe_ambiguous"] += 1      # either the RESUME or the term aborted it

    def on_client(self, o: AxiObs) -> None:
        self.pending -= 1
        self.inflight.pop(id(o), None)
        if getattr(o, "thread", None) is not None or any(a.kind == "stall" for a in getattr(o, "alts", ())):
            out, ok = self._stall_outcome(o)
            if not ok:
                return
            o.predicted = out
            self._check_outcome(o, out)
            return
        alts = getattr(o, "alts", None) or [o.predicted]
        out = alts[0]
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
        self._check_outcome(o, out)

    def _check_outcome(self, o: AxiObs, out: Optional[Outcome]) -> None:
        kind = out.kind if out is not None else "unpredicted"
        self.log.debug("client done %s -> %s %s", o, kind, out.event.name if out is not None and out.event else "")
        d = "write" if o.is_write else "read"
        self.stats[f"{d}_{kind}"] += 1
        self.stats["beats"] += len(o.data)
        if out is None:
            self.error("client transaction completed without an address handshake", o)
        elif out.kind in ("bypass", "translate"):
            self._check_forward(o, out.kind, out.out_addr, out.attrs)
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
        q = self.down.get(dkey(o))
        if not q:
            return
        m = q[0]
        same = (o.t_addr <= m.t_addr <= o.t_done and
                all(getattr(m, f) == getattr(o, f) for f in ("len", "size", "burst", "qos"))
                and (not o.is_write or m.data == o.data))
        if same:
            q.popleft()
            ev = f" ({out.event.name} predicted)" if out.event is not None else ""
            self.error(f"predicted {out.kind}{ev}, but the transaction reached m_axi at {m.addr:#x}", o, m)

    def _choose(self, o: AxiObs, alts: List[Outcome]) -> Tuple[Outcome, List[Outcome]]:
        """The alternatives consistent with what the client and m_axi saw (first one is used)."""
        q = self.down.get(dkey(o))
        head = q[0] if q else None
        stale: List[Outcome] = []
        if head is not None and head.t_addr >= o.t_addr:
            match = _addr_matches(alts, head)
            match, stale = self._split_stale(o, match, head.t_addr)
            if match:
                return match[0], match
        aborted = any(r != OKAY for r in o.resp)
        local = [a for a in alts if not a.reaches_memory and a.kind == ("abort" if aborted else "raz")]
        if local and not stale:
            return local[0], local
        if stale:
            # the m_axi burst carries an address only the old state gives, handshaken after the SYNC
            self._stale_error(o, o, head, stale, alts)
            return stale[0], [stale[0]]
        return alts[0], [alts[0]]

    def _resolve_events(self, o: AxiObs, consistent: List[Outcome]) -> None:
        exp = getattr(o, "exp_by_alt", None)
        if self.events is None or not exp:
            return
        keys = {_outcome_key(a) for a in consistent}
        for k, e in exp.items():
            if k not in keys and not e.cancelled:
                # (already matched: the record was another transaction's, EventChecker.withdraw)
                self.events.withdraw(e)
        if any(a.event is None for a in consistent):
            return                      # a consistent alternative writes no record: all stay optional
        mine = [exp[k] for k in keys if k in exp]
        if len(mine) == 1:
            mine[0].optional = False
        elif mine:
            self.events.require_one_of(mine, note=f"(for {o})")

    # ------------------------------------------------------------ checks
    def _check_forward(self, o: AxiObs, kind: str, out_addr: int, attrs=None) -> None:
        """A bypass or translate outcome: the oldest m_axi burst of the direction and ID carries it."""
        q = self.down.get(dkey(o))
        if not q:
            self.error(f"predicted {kind} to {out_addr:#x}, but no m_axi transaction with this ID "
                       f"completed before the client response", o)
            return
        m = q.popleft()
        probs = []
        if m.addr != out_addr:
            probs.append(f"m_axi addr {m.addr:#x} != predicted {out_addr:#x}")
        for f in ("len", "size", "burst", "lock", "qos"):
            if getattr(m, f) != getattr(o, f):
                probs.append(f"{f}: m_axi {getattr(m, f)} != client {getattr(o, f)}")
        # output attributes (IHI 0070 chapter 13, tb/model/attrs.py): every m_axi transaction
        if attrs is None:
            probs.append("no attribute prediction")
        else:
            self.attr_checks += 1
            self.attr_seen[(m.cache, m.prot, -1 if m.domain is None else m.domain)] += 1
            if m.cache != attrs.cache:
                probs.append(f"cache: m_axi {m.cache:04b} != predicted {attrs.cache:04b} (client {o.cache:04b})")
            if m.prot != attrs.prot:
                probs.append(f"prot: m_axi {m.prot:03b} != predicted {attrs.prot:03b} (client {o.prot:03b})")
            if m.domain is not None and m.domain != attrs.domain:
                probs.append(f"domain: m_axi {m.domain:02b} != predicted {attrs.domain:02b}")
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
            self.error(f"{kind} mismatch: " + "; ".join(probs), o, m)

    def check_tw_attrs(self, o: AxiObs) -> None:
        """Attributes of an access of the SMMU itself (IHI 0070 13.1.2, 13.8): always Data,
        Privileged, Non-secure; event-queue writes, command fetches (ARID 1) and STE fetches
        (ARID 0 inside the stream table) carry CR1 and the base registers' RA/WA. CD fetches and
        walks depend on the STE/CD in use: kept in ``tw_other`` for the tests that know them."""
        from tb.model import attrs as A
        from tb.model.config import ste_address
        m = self.model
        cr1 = m.read_name("CR1")
        q = dict(ic=cr1 & 3, oc=(cr1 >> 2) & 3, sh=(cr1 >> 4) & 3)
        t = dict(ic=(cr1 >> 6) & 3, oc=(cr1 >> 8) & 3, sh=(cr1 >> 10) & 3)
        if o.prot != 0b011:
            self.error_msg(f"m_axi_tw access prot {o.prot:03b} != 011 (Data, Non-secure, Privileged): {o}")
        want = None
        if o.is_write:
            want = A.cr1_access(**q, ra=False, wa=bool(m.field("EVENTQ_BASE_HI", "WA")), is_read=False)
        elif o.id == 1:
            want = A.cr1_access(**q, ra=bool(m.field("CMDQ_BASE_HI", "RA")), wa=False, is_read=True)
        elif o.id == 0:
            base = ste_address(m, self.params, 0)
            size = 64 << min(m.field("STRTAB_BASE_CFG", "LOG2SIZE"), self.params.SID_W)
            if base <= o.addr < base + size:
                want = A.cr1_access(**t, ra=bool(m.field("STRTAB_BASE_HI", "RA")), wa=False, is_read=True)
        if want is None:
            self.tw_other.append(o)
            return
        self.tw_attr_checks += 1
        if o.cache != want.cache or (o.domain is not None and o.domain != want.domain):
            self.error_msg(f"m_axi_tw attributes cache={o.cache:04b} domain={o.domain} != predicted {want}: {o}")

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

    def error_msg(self, msg: str) -> None:
        """An error not tied to one client transaction (stall bookkeeping)."""
        self.stats["errors"] += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(msg)
            self.log.error(msg)

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
        out = [t for t in self.outstanding_stalls() if not t.maybe_aborted]
        if len(out) > self.allow_outstanding_stalls:
            for t in out[:5]:
                self.errors.append(f"stall left outstanding at the end of the test: STAG {t.stag:#06x} "
                                   f"(record {t.rec}, cycle {t.cycle})"
                                   + (f", client {t.thread.holder}" if t.thread is not None else ""))

    def stall_summary(self) -> str:
        s = self.stats
        return (f"stalls={s['stalls']} (max outstanding {s['stalls_outstanding_max']}, restalls {s['restalls']}) "
                f"resumes retry={s['resume_retry']} abort={s['resume_abort']} term={s['resume_term']} "
                f"nomatch={s['resume_nomatch']} stall_term={s['stall_term_cmds']} "
                f"(aborted {s['stall_term_aborts']}) smmuen_clear_aborts={s['disable_aborts']} "
                f"stalled transactions completed={s['stalled_txns']}")

    def summary(self) -> str:
        s = dict(sorted(self.stats.items()))
        return ", ".join(f"{k}={v}" for k, v in s.items())
