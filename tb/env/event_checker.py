"""Event-queue checker: every record the SMMU writes on m_axi_tw against the model's prediction.

Fed by the m_axi_tw monitor (completed bursts):

* a write with AWID 0 and AWLEN 3 (4 x 64-bit beats) whose address lies inside
  the event queue (EVENTQ_BASE .. +32*2^LOG2SIZE, from the register model) is an
  event record: all 32 strobes must be set, the address must be the next PROD
  slot (the checker keeps its own PROD: +1 per OKAY write response, wrap bit
  included; it resynchronises when software writes EVENTQ_PROD/BASE), and the
  decoded record must equal, field by field (tb.model.events.diff_events), a
  record the scoreboard predicted for a client transaction;
* a read with ARID 0 and ARLEN 1 is an STE fetch, ARLEN 3 a CD fetch (counted:
  configuration-cache misses);
* a read with ARID 2 or 3 is a translation-table walk descriptor read: one
  8-byte beat (ARLEN 0, ARSIZE 3, INCR, 8-byte aligned address) -- checked and
  counted (``walk_reads``; ``walk_read_errors`` for non-OKAY responses).

Matching: the SMMU writes records in the order it handled transactions, and
reads and writes interleave, so a written record is matched against the
*oldest unmatched* expected record with the same (StreamID, SubstreamID,
EventID, InputAddr, RnW) -- an identical one first (same key, other PnU/InD:
transactions on different AXI IDs may be handled out of order), required
expectations before optional ones, so an
optional record that was legally not written cannot shift the matching (the
price: an optional record of the same key can stand in for a missing required
one inside a configuration-change window); then every field is compared. A record with no such
expectation is an error printed with its diff against the closest expected
record.

Missing records: an expected record that never appears is an error at the end
of the test, unless THAT record's write could have been dropped. Each expectation
carries the cycles in which the SMMU handles it (``t_from``: its transaction's s_axi
address handshake, or the RESUME that retried it; ``t_to``: the client response, the
record is taken or discarded before it -- open while the transaction has not completed),
and the checker keeps time-stamped intervals in which a non-stall record is discarded
(``drop_ivs``, smmu_evtq's !can_write):
  * ``full``: from the record write that made the checker's PROD - software CONS equal
    the queue size until software moves CONS (or rewrites PROD/BASE);
  * ``EVENTQEN=0``: CR0.EVENTQEN clear as the register model sees it (from reset);
  * ``EVENTQ_ABT_ERR``: from a record write answered with an error until software
    acknowledges it in GERRORN.
An interval starts ``SLACK`` cycles before the checker sees its cause (the RTL applies a
register write at its handshake, the model at the response). The missing record is excused
only if its window overlaps one of them; the error names the window and the intervals.
(Overflow alone, OVFLG != OVACKFLG with space in the queue, discards nothing.) Identical
records of several transactions (e.g. C_BAD_STE, which carries no address) are matched oldest
first; if that leaves a younger one missing that could not be dropped, while an older matched
one could, the written record (AW at or after the younger one's s_axi handshake) is reassigned.
A record matched to an optional alternative whose transaction then ends without that record
(``withdraw``) moves to the oldest live expectation of the identical record (required first).
  * ``optional`` expectations: alternatives of a transaction whose outcome is
    a set (configuration or translation table changed before the invalidation
    + SYNC, see Scoreboard windows). When the response shows that several
    alternatives that all record an event were possible, the scoreboard
    registers them with :meth:`require_one_of`: at least one must be written.
With EVENTQEN=0 in effect at prediction time no record is expected at all, so a
record written then is reported as unexpected.

Stall records (Stall=1, issue 5): the STAG is never predicted (expectations carry STAG 0);
a written stall record is compared with the STAG taken from it, only against stall
expectations whose owner can still stall (``busy``, from the scoreboard: a transaction already
stalled, or an older phase of a resumed one, cannot), and then handed to ``stall_sink``
(Scoreboard.on_stall_record), which binds the STAG to the transaction. Stall records are never
dropped (they wait for queue space, also with EVENTQEN=0): a required stall expectation never
written is an error even when the queue overflowed. An expectation withdrawn at ``cancel_cycle``
(a stale stall after TLBI/CFGI + SYNC, Scoreboard.strict_stale_stalls) still matches a record
whose AW handshake came before that cycle.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, List, Optional, Tuple

from pyuvm import ConfigDB, uvm_subscriber

from tb.agents.axi_signals import OKAY
from tb.model.events import EventRecord, diff_events, format_diff
from tb.model.registers import RegisterModel

EVTQ_ENT = 32
GERROR_EVTQ_ABT = 1 << 2


def _off(name: str) -> int:
    from tb.regmap import REGS
    return REGS[name].offset
Key = Tuple[int, int, int, int, int]


def event_key(r: EventRecord) -> Key:
    return (r.StreamID, r.SubstreamID, r.EventID, r.InputAddr, r.RnW)


@dataclass(eq=False)
class Expected:
    rec: EventRecord
    optional: bool = False
    note: str = ""
    seq: int = 0
    matched: bool = False
    cancelled: bool = False
    who: object = None                 # the transaction / stall thread it belongs to (scoreboard)
    phase: int = 0
    cancel_cycle: Optional[int] = None
    late_ok: bool = False              # may still be written after its transaction completed
    t_from: int = 0                    # first cycle the SMMU may take the record (see module doc)
    t_to: Optional[int] = None         # last cycle (None: the owner's response; open if none yet)
    match_cycle: Optional[int] = None  # m_axi_tw AW handshake of the record it matched

    @property
    def stall(self) -> bool:
        return bool(self.rec.Stall)


def same_but_stag(exp: EventRecord, rec: EventRecord) -> bool:
    """Equal records, the STAG of a stall record excepted (it is never predicted)."""
    return replace(exp, STAG=rec.STAG) == rec if rec.Stall and exp.Stall else exp == rec


class EventChecker(uvm_subscriber):
    """A uvm_subscriber of the m_axi_tw monitor (``write`` = ``on_tw``), created by the env with the
    factory (``EventChecker.create``), so a test can replace it with a subclass through a factory
    override. ``bind_model`` (the scoreboard's register model) completes it. Outside a pyuvm
    hierarchy (unit tests) ``EventChecker(model)`` builds a complete one under a unique name."""

    _standalone = itertools.count()

    def __init__(self, name="event_checker", parent=None, model: Optional[RegisterModel] = None) -> None:
        if isinstance(name, RegisterModel):
            name, model = f"event_checker_{next(EventChecker._standalone)}", name
        super().__init__(name, parent)
        self.log = logging.getLogger("tb.events")
        self.errors: List[str] = []
        self.max_errors = 20
        self.now: Callable[[], int] = lambda: 0                 # current cycle (set by the env)
        self.drop_ivs: List[list] = []                          # [start, end or None, reason]
        self.stall_sink: Optional[Callable] = None              # (record, Expected or None) per stall record
        self.busy: Callable[[object, int], bool] = lambda who, phase: False
        self.model: Optional[RegisterModel] = None
        if model is not None:
            self.bind_model(model)

    def build_phase(self) -> None:
        if ConfigDB().get(self, "", "SB_DEBUG", False):
            self.log.setLevel(logging.DEBUG)

    def bind_model(self, model: RegisterModel) -> None:
        self.model = model
        self._watch_model()
        self.reset()

    def write(self, o) -> None:
        self.on_tw(o)

    def reset(self) -> None:
        """aresetn: forget everything pending (counts are kept for the summary)."""
        self.expected: List[Expected] = []
        self.written: List[EventRecord] = []
        self.written_ok: List[EventRecord] = []     # the records software can read (OKAY B)
        self.prod: Optional[int] = None
        self._sw_prod = None
        self._base = None
        self.full_seen = False
        self.abt_seen = False
        self.seq = 0
        # after a reset CR0 is 0: the queue is disabled until EVENTQEN is set
        now = self.now()
        self.drop_ivs = [[now - self.SLACK, None, "EVENTQEN=0"]] if not self.model.eventqen else []
        self.groups: List[Tuple[List[Expected], str]] = []
        if not hasattr(self, "stats"):
            self.stats = Counter()
            self.by_type = Counter()

    # ------------------------------------------------------------ drop intervals
    SLACK = 4

    def _watch_model(self) -> None:
        """Software's register writes that open or close drop intervals (CR0.EVENTQEN, EVENTQ_CONS,
        EVENTQ_PROD/BASE, GERRORN.EVENTQ_ABT_ERR), time-stamped when the model sees them."""
        m = self.model
        orig = m.write
        watched = {m_off for m_off in (_off(n) for n in ("CR0", "EVENTQ_CONS", "EVENTQ_PROD", "EVENTQ_BASE",
                                                          "EVENTQ_BASE_HI", "GERRORN"))}

        def write(offset: int, value: int, strb: int = 0xF) -> None:
            if offset & ~3 not in watched:
                orig(offset, value, strb)
                return
            gerrorn = m.get("GERRORN")
            orig(offset, value, strb)
            self._update_drop(abt_acked=bool((gerrorn ^ m.get("GERRORN")) & GERROR_EVTQ_ABT))
        m.write = write

    def _open(self, reason: str, start: int) -> None:
        if not any(iv[1] is None and iv[2] == reason for iv in self.drop_ivs):
            self.drop_ivs.append([start, None, reason])

    def _close(self, reason: str, end: int) -> None:
        for iv in self.drop_ivs:
            if iv[1] is None and iv[2] == reason:
                iv[1] = end

    def _full(self) -> bool:
        if self.prod is None:
            return False
        _, log2 = self.queue()
        mask = (2 << log2) - 1
        cons = self.model.get("EVENTQ_CONS") & mask
        return (self.prod - cons) & mask >= 1 << log2

    def _update_drop(self, abt_acked: bool = False) -> None:
        now = self.now()
        if self.model.eventqen:
            self._close("EVENTQEN=0", now)
        else:
            self._open("EVENTQEN=0", now - self.SLACK)
        if self.prod is not None:
            self._resync()
        if not self._full():
            self._close("full", now)
        if abt_acked:
            self._close("EVENTQ_ABT_ERR", now)

    def drop_reasons(self, e: Expected) -> List[str]:
        """The drop intervals that overlap the cycles in which ``e``'s record was handled."""
        lo, hi = e.t_from, self._t_to(e)
        return [f"{r} (cycles {a}..{'' if b is None else b})" for a, b, r in self.drop_ivs
                if a <= (hi if hi is not None else a) and (b is None or b >= lo)]

    @staticmethod
    def _t_to(e: Expected) -> Optional[int]:
        if e.t_to is not None:
            return e.t_to
        holder = getattr(e.who, "holder", e.who)          # a stall thread's transaction
        t = getattr(holder, "t_done", 0) if holder is not None else 0
        return t or None                                   # not completed: open

    # ------------------------------------------------------------ queue geometry
    def queue(self) -> Tuple[int, int]:
        """(base byte address, log2 entries) of the event queue as programmed."""
        lo = self.model.get("EVENTQ_BASE")
        hi = self.model.get("EVENTQ_BASE_HI")
        base = ((hi & 0xFFFFF) << 32 | lo) & ~0x1F
        return base, self.model.eventq_log2size

    def _resync(self) -> None:
        base, log2 = self.queue()
        sw = self.model.get("EVENTQ_PROD")
        if self.prod is None or sw != self._sw_prod or (base, log2) != self._base:
            self.prod = sw & ((2 << log2) - 1)
            self._sw_prod, self._base = sw, (base, log2)

    # ------------------------------------------------------------ expectations
    def expect(self, rec: EventRecord, optional: bool = False, note: str = "",
               t_from: Optional[int] = None) -> Expected:
        self.seq += 1
        e = Expected(rec, optional, note, self.seq, t_from=self.now() if t_from is None else t_from)
        self.expected.append(e)
        self.stats["expected"] += 1
        return e

    def require_one_of(self, exps: List[Expected], note: str = "") -> None:
        """At least one of ``exps`` (optional alternatives of one transaction) must be written."""
        self.groups.append((list(exps), note))

    # ------------------------------------------------------------ observations
    WALK_IDS = (2, 3)

    def on_tw(self, o) -> None:
        if o.id in self.WALK_IDS and not o.is_write:
            self.stats["walk_reads"] += 1
            if any(r != OKAY for r in o.resp):
                self.stats["walk_read_errors"] += 1
            if o.len != 0 or o.size != 3 or o.burst != 1 or o.addr & 7:
                self.error(f"walk descriptor read is not one aligned 8-byte INCR beat: {o}")
            return
        if o.id != 0:
            return
        if not o.is_write:
            if o.len == 1:
                self.stats["ste_fetches"] += 1
            elif o.len == 3:
                self.stats["cd_fetches"] += 1
            return
        base, log2 = self.queue()
        if not (o.len == 3 and base <= o.addr < base + (EVTQ_ENT << log2)):
            self.error(f"m_axi_tw write outside the event queue or not a 4-beat record: {o}")
            return
        self._resync()
        mask = (2 << log2) - 1
        probs = []
        slot = base + (self.prod & ((1 << log2) - 1)) * EVTQ_ENT
        if o.addr != slot:
            probs.append(f"record written at {o.addr:#x}, expected the PROD slot {slot:#x} "
                         f"(PROD {self.prod:#x})")
        if o.size != 3 or o.burst != 1:
            probs.append(f"AWSIZE={o.size} AWBURST={o.burst}, expected 3/INCR")
        if any(s != 0xFF for s in o.strb):
            probs.append(f"strobes {o.strb}")
        raw = b"".join(int(d).to_bytes(8, "little") for d in o.data[:4])
        rec = EventRecord.unpack(raw.ljust(32, b"\0"))
        ok = o.resp == [OKAY]
        if ok:
            self.written_ok.append(rec)
            self.prod = (self.prod + 1) & mask
            cons = self.model.get("EVENTQ_CONS") & mask
            if (self.prod - cons) & mask >= 1 << log2:
                self.full_seen = True
                self._open("full", self.now())
        else:
            self.abt_seen = True
            self._open("EVENTQ_ABT_ERR", self.now() - self.SLACK)
            self.stats["write_errors"] += 1
        self.written.append(rec)
        self.stats["written"] += 1
        self.by_type[rec.name] += 1
        if rec.Stall:
            self.stats["stall_records"] += 1
        self._match(rec, probs, "" if ok else f" (B resp {o.resp}: record lost, EVENTQ_ABT_ERR)", o.t_addr)

    def _live(self, e: Expected, aw_cycle: Optional[int]) -> bool:
        if e.matched:
            return False
        if e.cancelled:
            return e.cancel_cycle is not None and aw_cycle is not None and aw_cycle < e.cancel_cycle
        return e.late_ok or not (e.rec.Stall and self.busy(e.who, e.phase))

    def _match(self, rec: EventRecord, probs: List[str], tag: str, aw_cycle: Optional[int] = None) -> None:
        key = event_key(rec)
        same = [e for e in self.expected if self._live(e, aw_cycle) and event_key(e.rec) == key
                and bool(e.rec.Stall) == bool(rec.Stall)]
        if not same:          # the Stall bit itself differs: compare with the other kind (diff shows it)
            same = [e for e in self.expected if self._live(e, aw_cycle) and event_key(e.rec) == key]
        # an identical expectation first (transactions with the same key but other PnU/InD may be
        # handled in another order, e.g. reads on different AXI IDs), then required expectations
        # before optional ones: an optional one (a transaction in a change window that may have used
        # the old configuration/translation) must not take the record of a later transaction whose
        # record is required
        exact = [e for e in same if same_but_stag(e.rec, rec)]
        pool = exact or same
        # a transaction writes at most one record per phase: an alternative of one that already has
        # its record matched (e.g. the other record of a require_one_of pair) takes no other record
        busy = self._busy_owners()
        free = [e for e in pool if e.stall or self._owner(e) not in busy]
        pool = free or pool
        cand = next((e for e in pool if not e.optional and not e.cancelled), pool[0] if pool else None)
        if cand is None:
            near = self._closest(rec)
            detail = (f"\n  closest expected: {near.rec}\n  diff: {format_diff(diff_events(near.rec, rec))}"
                      if near else "\n  (nothing expected)")
            self.error(f"unexpected event record{tag}: {rec}{detail}")
            if rec.Stall and self.stall_sink is not None:
                self.stall_sink(rec, None, aw_cycle)
            return
        if cand.cancelled:
            self.stats["matched_late"] += 1
        cand.matched = True
        cand.match_cycle = aw_cycle
        if not cand.stall and self._owner(cand) in busy:
            # its own record came after another one was matched to one of its optional alternatives:
            # that one was another transaction's (withdraw hands it on)
            for x in self.expected:
                if (x is not cand and x.matched and x.optional and not x.stall
                        and self._owner(x) == self._owner(cand)):
                    self.withdraw(x)
        self.stats["matched"] += 1
        ref = replace(cand.rec, STAG=rec.STAG) if rec.Stall and cand.rec.Stall else cand.rec
        d = diff_events(ref, rec)
        if d:
            probs.append("fields differ: " + format_diff(d))
        if probs:
            self.error(f"event record {rec.name} SID={rec.StreamID:#x}{tag}: " + "; ".join(probs)
                       + f"\n  expected: {cand.rec}  {cand.note}\n  written:  {rec}")
        else:
            self.log.debug("event ok%s: %s  %s", tag, rec, cand.note)
        if rec.Stall and self.stall_sink is not None:
            self.stall_sink(rec, cand if cand.rec.Stall else None, aw_cycle)

    @staticmethod
    def _owner(e: Expected):
        """The transaction (and stall phase) an expectation belongs to; None: unknown (unique)."""
        return (id(e.who), e.phase) if e.who is not None else ("exp", id(e))

    def _busy_owners(self) -> set:
        """Owners with a non-stall record matched already."""
        return {self._owner(x) for x in self.expected if x.matched and not x.stall}

    def withdraw(self, e: Expected) -> None:
        """The owner of ``e`` ended with an outcome that writes no such record: cancel ``e``.

        A record may have been matched to ``e`` while it was still an optional alternative of a
        transaction in a change window (oldest first: at that time the younger transaction that
        really wrote the record could be optional too, or not yet resolved). A record carries no
        transaction identity -- C_BAD_CD, C_BAD_STE, ... hold only StreamID/SSV/SubstreamID (IHI 0070
        7.3 event records; smmuv3-facts.md section 5) -- so identical records of several transactions are interchangeable, and the SMMU
        writes one per faulting transaction (no merging: smmu_evtq writes every record it takes).
        The record therefore belongs to another transaction: it goes to the oldest live expectation
        of the identical record (required ones first) whose transaction had started when the record
        was written (AW handshake). Without this the match shifts by one along every later
        identical record and the last one is reported missing (regress config_random seed 7,
        ConfigCfgiSemantics, with back-pressure on m_axi_tw). No such expectation: the written
        record is unexplained, an error. Stall records are left alone (their STAG is bound to
        the transaction when matched, see stall_sink)."""
        if e.matched and e.stall:
            return
        if not e.matched:
            e.cancelled = True
            return
        e.matched, e.cancelled = False, True
        busy = self._busy_owners()
        cands = [x for x in self.expected
                 if x is not e and not x.matched and not x.cancelled and not x.stall and x.rec == e.rec
                 and (e.match_cycle is None or x.t_from <= e.match_cycle) and self._owner(x) not in busy]
        to = next((x for x in cands if not x.optional), cands[0] if cands else None)
        if to is None:
            self.stats["matched"] -= 1
            self.error(f"unexpected event record: {e.rec} (m_axi_tw AW at cycle {e.match_cycle}) was matched "
                       f"to {e.note}, which ended without it, and no other transaction expects it")
            return
        to.matched, to.match_cycle = True, e.match_cycle
        e.match_cycle = None
        self.stats["transferred"] += 1
        self.log.debug("record %s (AW at cycle %s) moved from %s (ended without it) to %s",
                       e.rec, to.match_cycle, e.note, to.note)

    def _closest(self, rec: EventRecord) -> Optional[Expected]:
        live = [e for e in self.expected if not e.matched and not e.cancelled]
        if not live:
            return None
        return min(live, key=lambda e: (len(diff_events(e.rec, rec)), e.seq))

    # ------------------------------------------------------------ test helpers
    def unmatched(self, include_optional: bool = False) -> List[Expected]:
        return [e for e in self.expected if not e.matched and not e.cancelled
                and (include_optional or not e.optional)]


    def forget_pending(self) -> int:
        """Cancel every unmatched expectation (a test that reprograms the queue mid-flight)."""
        n = 0
        for e in self.unmatched(True):
            e.cancelled = True
            n += 1
        return n

    def error(self, msg: str) -> None:
        self.stats["errors"] += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(msg)
            self.log.error(msg)

    # ------------------------------------------------------------ end of test
    def final_check(self) -> None:
        # stall records are never dropped (they wait for queue space)
        lost = [e for e in self.unmatched() if e.stall]
        for e in lost[:5]:
            self.error(f"expected stall record never written (stall records are never dropped): {e.rec}  {e.note}")
        for exps, note in self.groups:
            if not any(e.matched for e in exps) and not all(e.cancelled for e in exps):
                live = [e for e in exps if not e.cancelled]
                if all(self.drop_reasons(e) for e in live):
                    self.stats["dropped"] += 1
                else:
                    self.error(f"none of the {len(exps)} possible event records was written {note} "
                               f"({self._queue_story(live[0])}): " + " | ".join(str(e.rec) for e in exps))
        missing = []
        for e in self.unmatched():
            if e.stall:
                continue
            why = self.drop_reasons(e)
            if why:
                self.stats["dropped"] += 1
                self.log.info("expected event record not written, the queue could drop it then (%s): %s  %s",
                              "; ".join(why), e.rec, e.note)
                continue
            f = self._identical_droppable(e)
            if f is not None:
                # identical records of two transactions: the written one was matched to the older
                # expectation, whose write could have been dropped; it is this one's record instead
                f.matched, e.matched = False, True
                e.match_cycle, f.match_cycle = f.match_cycle, None
                self.stats["dropped"] += 1
                self.stats["reassigned"] += 1
                self.log.info("identical record reassigned: %s  %s is the one written (cycle %s), %s was "
                              "dropped (%s)", e.rec, e.note, e.match_cycle, f.note, "; ".join(self.drop_reasons(f)))
                continue
            missing.append(e)
        for e in missing[:5]:
            self.error(f"expected event record never written: {e.rec}  {e.note}\n  {self._queue_story(e)}")
        if len(missing) > 5:
            self.error(f"... {len(missing) - 5} more expected event records never written")

    def _identical_droppable(self, e: Expected) -> Optional[Expected]:
        """A matched expectation of the very same record whose write could have been dropped and whose
        matched record was written after ``e``'s transaction started (so it may have been ``e``'s)."""
        grouped = {id(x) for exps, _ in self.groups for x in exps}
        for f in self.expected:
            if (f is not e and f.matched and not f.stall and f.rec == e.rec and id(f) not in grouped
                    and f.match_cycle is not None and f.match_cycle >= e.t_from and self.drop_reasons(f)):
                return f
        return None

    def _queue_story(self, e: Expected) -> str:
        hi = self._t_to(e)
        ivs = ", ".join(f"{r} {a}..{'' if b is None else b}" for a, b, r in self.drop_ivs) or "none"
        return (f"handled in cycles {e.t_from}..{'end' if hi is None else hi}, the queue could not drop it "
                f"then (drop intervals seen: {ivs})")

    def summary(self) -> str:
        s = self.stats
        types = ", ".join(f"{k}={v}" for k, v in sorted(self.by_type.items()))
        return (f"events expected={s['expected']} written={s['written']} matched={s['matched']} "
                f"dropped={s['dropped']} stall records={s['stall_records']} [{types}]")
