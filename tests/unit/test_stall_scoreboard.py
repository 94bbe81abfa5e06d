"""Scoreboard + EventChecker stall model (issue 5), driven without a simulator.

Observations are built by hand as the monitors would deliver them: the client request at its
address handshake, the stall record when its m_axi_tw write completed (EventChecker._match, which
hands Stall=1 records to Scoreboard.on_stall_record), software's answer when the SMMU consumed
the command (Scoreboard.on_stall_cmd), m_axi bursts, and the client completion last.
"""

from dataclasses import replace

import pytest

from tb.agents.axi_monitor import AxiObs
from tb.env.event_checker import EventChecker
from tb.env.scoreboard import Scoreboard, TlbScope
from tb.model import commands as C
from tb.model.events import F_PERMISSION, F_TRANSLATION, EventRecord
from tb.model.memory import SparseMemory
from tb.model.pagetable import AP_RO, Stage1Tables, TablePool
from tb.model.structs import cd_linux, ste_s1
from tb.regmap import SmmuParams, fields

STRTAB, CDS, POOL = 0x10_0000, 0x20_0000, 0x50_0000
SID, SID2 = 1, 2
ASID = 7
PA = 0x9_0000_0000

_N = [0]



def _out_attrs(sb, o):
    """The m_axi attributes the scoreboard predicts for ``o`` (the DUT's output stand-in)."""
    a = next((x.attrs for x in [o.predicted, *(getattr(o, "alts", None) or [])]
              if getattr(x, "attrs", None) is not None), None)
    if a is None:
        a = sb._predict(o, sb.mem).attrs
    if a is None:                       # predicted terminated: the client's own attributes
        from tb.model.attrs import OutAttrs
        a = OutAttrs(o.cache, o.prot, 0)
    return a

class World:
    def __init__(self, stall_max=16, eventqen=1, **cd_kw):
        _N[0] += 1
        sb = self.sb = Scoreboard(f"stall_sb{_N[0]}", None)
        sb.configure(SmmuParams(STALL_MAX=stall_max))
        m = sb.model
        m.write64("STRTAB_BASE", STRTAB)
        m.write_name("STRTAB_BASE_CFG", 8)
        m.write_name("CR0", fields("CR0", SMMUEN=1, EVENTQEN=eventqen, CMDQEN=1))
        sb.mem = SparseMemory()
        evc = sb.events = EventChecker(m)
        evc.stall_sink = sb.on_stall_record
        evc.busy = sb._busy
        self.t = 0
        sb.now = lambda: self.t
        self.tables = Stage1Tables(sb.mem, TablePool(POOL, 1 << 20))
        cd = cd_linux(ASID, self.tables.ttb0, stall=True)
        for k, v in cd_kw.items():
            setattr(cd, k, v)
        for sid in (SID, SID2):
            sb.mem.write(STRTAB + sid * 64, ste_s1(CDS).pack())
        sb.mem.write(CDS, cd.pack())

    @property
    def evc(self) -> EventChecker:
        return self.sb.events

    def tick(self):
        self.t += 1
        return self.t

    def req(self, addr, write=False, id_=0, prot=1, sid=SID):
        o = AxiObs("s_axi", write, id_, addr, 0, 3, 1, prot, sid=sid, t_addr=self.tick())
        self.sb.on_request(o)
        return o

    def record(self, o_or_rec, stag, **changes):
        """The SMMU writes the stall record of ``o`` with ``stag`` (field changes: a wrong record)."""
        rec = o_or_rec if isinstance(o_or_rec, EventRecord) else next(
            a.event for a in (o_or_rec.thread.alts if getattr(o_or_rec, "thread", None) and
                              o_or_rec.thread.alts else o_or_rec.alts) if a.kind == "stall")
        rec = replace(rec, STAG=stag, **changes)
        self.tick()
        self.evc._match(rec, [], "", self.t)
        return rec

    def resume(self, stag, action="retry", sid=SID):
        self.tick()
        self.sb.on_stall_cmd(C.resume(sid, stag, action))

    def down(self, o, addr, data=0x1234):
        a = _out_attrs(self.sb, o)
        m = AxiObs("m_axi", o.is_write, o.id, addr, 0, 3, 1, a.prot, cache=a.cache, t_addr=self.tick())
        m.data, m.last, m.resp = [data], [1], [0]
        if o.is_write:
            m.strb = [0xFF]
        self.sb.on_down(m)

    def done(self, o, resp=0, data=0x1234):
        o.t_done = self.tick()
        if o.is_write:
            o.data, o.strb, o.resp = [data], [0xFF], [resp]
        else:
            o.data, o.resp, o.last = [data], [resp], [1]
        self.sb.on_client(o)

    def map(self, va, pa=PA, **kw):
        t = self.tables
        self.sb.pt_fill([(a, n) for _, a, n in t.tables], lambda: t.map(va, pa, **kw))

    def errors(self):
        return self.sb.errors + self.evc.errors


@pytest.mark.parametrize("write", [False, True])
def test_stall_then_retry_after_mapping_translates(write):
    w = World()
    o = w.req(0x5000, write=write)
    assert [a.kind for a in o.alts] == ["stall"] and o.alts[0].event.Stall == 1
    w.record(o, 0x0123)
    assert o.thread is not None and w.sb.stags[0x0123].thread is o.thread
    w.map(0x5000)
    w.resume(0x0123, "retry")
    assert [a.kind for a in o.thread.alts] == ["translate"]
    w.down(o, PA)
    w.done(o)
    w.sb.final_check([])
    w.evc.final_check()
    assert not w.errors(), w.errors()
    s = w.sb.stats
    assert s["stalls"] == 1 and s["resume_retry"] == 1 and s["stalled_txns"] == 1
    assert s["write_translate" if write else "read_translate"] == 1


def test_stag_taken_from_record_and_other_fields_compared():
    w = World()
    o = w.req(0x5000)
    w.record(o, 0xBEEF, PnU=0)                   # PnU wrong, STAG anything
    assert any("PnU" in e for e in w.evc.errors) and not any("STAG: expected" in e for e in w.evc.errors)


@pytest.mark.parametrize("action,resp,kind", [("abort", 2, "abort"), ("term", 0, "raz")])
def test_abort_and_term(action, resp, kind):
    w = World()
    o = w.req(0x5000, write=False)
    w.record(o, 7)
    w.resume(7, action)
    w.done(o, resp=resp, data=0)
    assert not w.errors(), w.errors()
    assert w.sb.stats[f"read_{kind}"] == 1 and w.sb.stats[f"resume_{action}"] == 1
    # RAZ must return zeros, abort SLVERR: the wrong response is caught
    o = w.req(0x5008)
    w.record(o, 8)
    w.resume(8, action)
    w.done(o, resp=0 if resp else 2, data=0)
    assert w.sb.errors


def test_response_before_answer_is_an_error():
    w = World()
    o = w.req(0x5000)
    w.record(o, 3)
    w.done(o, resp=2)
    assert any("before software answered" in e for e in w.sb.errors), w.sb.errors


def test_completion_without_stall_record_is_an_error():
    w = World()
    o = w.req(0x5000)
    w.done(o, resp=2)
    assert any("without a stall record" in e for e in w.sb.errors), w.sb.errors


def test_resume_wrong_sid_or_unknown_stag_is_a_noop():
    w = World()
    o = w.req(0x5000)
    w.record(o, 0x21)
    w.resume(0x21, "abort", sid=SID2)            # STAG of another StreamID
    w.resume(0x22, "abort")                      # no such STAG
    assert w.sb.stats["resume_nomatch"] == 2 and o.thread.stalled
    w.resume(0x21, "abort")
    w.resume(0x21, "retry")                      # stale: already ended
    assert w.sb.stats["resume_nomatch"] == 3
    w.done(o, resp=2)
    assert not w.errors(), w.errors()


def test_duplicate_stag_and_stall_max():
    w = World(stall_max=2)
    a, b, c = w.req(0x5000), w.req(0x6000), w.req(0x7000)
    w.record(a, 1)
    w.record(b, 1)
    assert any("already outstanding" in e for e in w.sb.errors)
    w.record(c, 2)
    assert any("more than STALL_MAX=2" in e for e in w.sb.errors)


def test_identical_records_bound_ambiguously_resolved_at_completion():
    """Two reads with identical records on different AXI IDs: the first record is bound to the
    older one; the SMMU may have stalled them the other way round."""
    w = World()
    a = w.req(0x5000, id_=1)
    b = w.req(0x5000, id_=2)
    w.record(a, 0x10)                            # bound to a (oldest)
    w.record(a, 0x11)                            # a is stalled already: goes to b
    assert a.thread.tokens[0].stag == 0x10 and b.thread.tokens[0].stag == 0x11
    w.map(0x5000)
    w.resume(0x10, "retry")                      # model: a translates, b aborts
    w.resume(0x11, "abort")
    w.done(a, resp=2)                            # the SMMU did it the other way: a aborted ...
    w.down(b, PA)
    w.done(b)                                    # ... and b translated
    w.sb.final_check([])
    w.evc.final_check()
    assert not w.errors(), w.errors()
    assert w.sb.stats["stall_swaps"] == 1 and w.sb.stats["stalled_txns"] == 2


def test_identical_records_inconsistent_is_still_caught():
    w = World()
    a = w.req(0x5000, id_=1)
    b = w.req(0x5000, id_=2)
    w.record(a, 0x10)
    w.record(b, 0x11)
    w.resume(0x10, "abort")
    w.resume(0x11, "abort")
    w.done(a, resp=2)
    w.done(b, resp=0)                            # OKAY: neither stall ended that way
    assert w.sb.errors


def test_stall_record_for_the_younger_of_two_identical():
    """Only the younger one stalled so far; the record was bound to the older one, which then
    completes after a STALL_TERM-free abort of the younger's STAG: histories swap."""
    w = World()
    a = w.req(0x5000, id_=1)
    b = w.req(0x5000, id_=2)
    w.record(a, 0x30)
    w.resume(0x30, "abort")
    w.done(b, resp=2)                            # the record was b's
    assert not w.errors(), w.errors()
    assert a.thread is None
    w.record(a, 0x31)                            # a's own record comes later
    w.resume(0x31, "abort")
    w.done(a, resp=2)
    w.sb.final_check([])
    w.evc.final_check()
    assert not w.errors(), w.errors()


def test_retry_may_stall_again_with_a_new_record():
    w = World()
    o = w.req(0x5000, write=True)
    w.record(o, 0x40)
    w.resume(0x40, "retry")                      # nothing mapped: stalls again
    assert [a.kind for a in o.thread.alts] == ["stall"]
    w.record(o, 0x41)
    assert w.sb.stats["restalls"] == 1
    w.map(0x5000, ap=AP_RO)                      # now mapped read-only: a permission fault next
    w.resume(0x41, "retry")
    assert o.thread.alts[0].event.EventID == F_PERMISSION
    w.record(o, 0x42)
    w.resume(0x42, "term")
    w.done(o, resp=0)
    w.sb.final_check([])
    w.evc.final_check()
    assert not w.errors(), w.errors()
    assert w.sb.stats["stalled_txns_3x"] == 1


def test_retry_sees_cd_change_terminate_model():
    """After a CFGI the retry uses the new CD (S=0, A=1, R=1): abort with a non-stall record."""
    w = World()
    o = w.req(0x5000)
    w.record(o, 5)
    cd = cd_linux(ASID, w.tables.ttb0, stall=False)
    w.sb.mem.write(CDS, cd.pack())
    w.resume(5, "retry")
    assert o.thread.alts[0].kind == "abort" and o.thread.alts[0].event.EventID == F_TRANSLATION
    w.tick()
    w.evc._match(o.thread.alts[0].event, [], "", w.t)
    w.done(o, resp=2)
    w.sb.final_check([])
    w.evc.final_check()
    assert not w.errors(), w.errors()


def test_stall_term_and_smmuen_clear_abort_outstanding_stalls():
    w = World()
    a, b, c = w.req(0x5000), w.req(0x6000, sid=SID2), w.req(0x7000)
    w.record(a, 1)
    w.record(b, 2)
    w.record(c, 3)
    w.tick()
    w.sb.on_stall_cmd(C.stall_term(SID))
    assert not a.thread.stalled and not c.thread.stalled and b.thread.stalled
    w.done(a, resp=2)
    w.done(c, resp=2)
    m = w.sb.model
    m.write_name("CR0", fields("CR0", SMMUEN=0, EVENTQEN=1, CMDQEN=1))
    assert not b.thread.stalled
    w.done(b, resp=2)
    w.sb.final_check([])
    assert not w.errors(), w.errors()
    s = w.sb.stats
    assert s["stall_term_aborts"] == 2 and s["disable_aborts"] == 1


def test_outstanding_stall_at_the_end():
    w = World()
    o = w.req(0x5000)
    w.record(o, 9)
    w.sb.final_check([o])
    assert any("stall left outstanding" in e for e in w.sb.errors)
    w = World()
    o = w.req(0x5000)
    w.record(o, 9)
    w.sb.allow_outstanding_stalls = 1
    w.sb.final_check([])
    assert not w.sb.errors


def test_stall_record_never_dropped():
    w = World()
    w.req(0x5000)
    w.evc.drop_ivs.append([0, None, "full"])      # a non-stall record would be excused now
    w.evc.final_check()
    assert any("never written" in e for e in w.evc.errors)


def test_stall_expected_with_eventqen_0():
    w = World(eventqen=0)
    o = w.req(0x5000)
    assert len(o.expected_events) == 1
    w.record(o, 4)
    w.resume(4, "abort")
    w.done(o, resp=2)
    assert not w.errors(), w.errors()


def test_window_alternatives_translate_or_stall():
    """A page mapped while a transaction is in flight: it may translate or stall."""
    w = World()
    a = w.req(0x5000)
    w.map(0x5000)
    assert {x.kind for x in a.alts} == {"stall", "translate"}
    b = w.req(0x5000, id_=3)                     # after the fill: only the translation
    assert [x.kind for x in b.alts] == ["translate"]
    w.down(a, PA)
    w.done(a)
    w.down(b, PA)
    w.done(b)
    w.evc.final_check()
    assert not w.errors(), w.errors()


def test_strict_stale_stall_withdrawn_after_tlbi_sync():
    w = World()
    t = w.tables
    t.map(0x5000, PA)
    w.sb.strict_stale_stalls = True
    o = w.req(0x5000, prot=1)
    assert [x.kind for x in o.alts] == ["translate"]
    # the page is unmapped and mapped again under the transaction (the walk may see the hole)
    w.sb.pt_update([(a, n) for _, a, n in t.tables], lambda: t.unmap(0x5000), TlbScope({ASID}, 0x5000, 0x1000,
                                                                                   leaf=True))
    t.map(0x5000, PA)                            # and mapped again (plain store, same translation)
    stale = next(x.event for x in o.alts if x.kind == "stall")
    w.tick()
    cut = w.t
    w.tick()
    w.sb.on_sync([C.tlbi_nh_va(ASID, 0x5000, leaf=1), C.sync()])
    assert [x.kind for x in o.alts] == ["translate"]
    w.tick()
    w.evc._match(replace(stale, STAG=1), [], "", w.t)            # AW after the SYNC: stale
    assert any("unexpected event record" in e for e in w.evc.errors)
    # the same record with its AW before the SYNC completed is accepted
    w2 = World()
    w2.tables.map(0x5000, PA)
    w2.sb.strict_stale_stalls = True
    o2 = w2.req(0x5000)
    w2.sb.pt_update([(a, n) for _, a, n in w2.tables.tables], lambda: w2.tables.unmap(0x5000),
                    TlbScope({ASID}, 0x5000, 0x1000, leaf=True))
    w2.tables.map(0x5000, PA)
    stale2 = next(x.event for x in o2.alts if x.kind == "stall")
    w2.tick()
    aw = w2.t
    w2.tick()
    w2.sb.on_sync([C.tlbi_nh_va(ASID, 0x5000, leaf=1), C.sync()])
    w2.tick()
    w2.evc._match(replace(stale2, STAG=1), [], "", aw)
    assert not w2.evc.errors, w2.evc.errors
    assert o2.thread is not None


def test_pt_fill_refuses_a_valid_descriptor_change():
    w = World()
    w.tables.map(0x5000, PA)
    with pytest.raises(ValueError):
        w.map(0x5000, PA + 0x1000, replace_existing=True)


def test_stall_record_after_the_stall_term_abort():
    """The fault had its STAG (record on its way) when STALL_TERM aborted it: the client sees SLVERR,
    then the record is written. Accepted, and counted as a STALL_TERM abort."""
    w = World()
    o = w.req(0x5000, write=True)
    w.tick()
    w.sb.on_stall_cmd(C.stall_term(SID))
    w.done(o, resp=2)
    assert not w.errors(), w.errors()
    w.record(EventRecord(**{**next(a.event for a in o.alts if a.kind == "stall").__dict__}), 0x44)
    w.sb.final_check([])
    w.evc.final_check()
    assert not w.errors(), w.errors()
    assert w.sb.stats["stall_term_aborts"] == 1 and w.sb.stats["stall_records_after_abort"] == 1
    assert not w.sb.outstanding_stalls()


def test_stall_term_while_record_on_its_way_then_seen():
    """The record arrives after the STALL_TERM but before the response: maybe aborted."""
    w = World()
    o = w.req(0x5000)
    w.tick()
    w.sb.on_stall_cmd(C.stall_term(SID))
    w.record(o, 0x45)                       # AW after the STALL_TERM: cannot tell
    assert o.thread.tokens[0].maybe_aborted
    w.done(o, resp=2)
    w.sb.final_check([])
    assert not w.errors(), w.errors()
    assert w.sb.stats["stall_term_aborts"] == 1
    # AW before the STALL_TERM was consumed: certainly aborted by it
    o = w.req(0x6000)
    aw = w.tick()
    w.tick()
    w.sb.on_stall_cmd(C.stall_term(SID))
    w.tick()
    w.evc._match(replace(next(a.event for a in o.alts if a.kind == "stall"), STAG=0x46), [], "", aw)
    assert o.thread.tokens[0].state == "ended"
    w.done(o, resp=2)
    assert not w.errors(), w.errors()
    assert w.sb.stats["stall_term_aborts"] == 2


@pytest.mark.parametrize("handshake_before_sync", [True, False])
def test_resumed_transaction_post_sync_handshake_with_the_old_pa(handshake_before_sync):
    """A stall retried into a translation, then remapped under a window: the old PA is legal for an
    m_axi handshake only until the covering TLBI's SYNC completed (stall-thread path)."""
    from tb.model.pagetable import leaf_descriptor
    w = World()
    o = w.req(0x5000)
    w.record(o, 0x0042)
    w.map(0x5000)
    w.resume(0x0042, "retry")
    assert [a.out_addr for a in o.thread.alts] == [PA]
    t = w.tables
    w.sb.pt_write(t.descriptor_address(0x5000, 3), leaf_descriptor(PA + 0x10_0000, 3).to_bytes(8, "little"),
                  TlbScope({ASID}, 0x5000, 0x1000, leaf=True))
    assert {a.out_addr for a in o.thread.alts} == {PA, PA + 0x10_0000}
    if handshake_before_sync:
        w.down(o, PA)
    w.tick()
    w.sb.on_sync([C.tlbi_nh_asid(ASID), C.sync()])
    if not handshake_before_sync:
        w.down(o, PA)
    w.done(o)
    stale = [e for e in w.errors() if "stale translation after the invalidation completed" in e]
    assert bool(stale) == (not handshake_before_sync), w.errors()
    assert len(w.errors()) == len(stale)
