"""Scoreboard translation checks and invalidation windows, driven without a simulator.

Client (s_axi) and m_axi observations are built by hand and fed to the scoreboard's
analysis methods, as the monitors would: request at the address handshake, m_axi burst
when it completes, client completion last.
"""

import pytest

from tb.agents.axi_monitor import AxiObs
from tb.env.event_checker import EventChecker
from tb.env.scoreboard import Scoreboard, TlbScope
from tb.model import commands as C
from tb.model.events import F_PERMISSION, F_TRANSLATION
from tb.model.memory import SparseMemory
from tb.model.pagetable import AP_RO, SIZE_2M, Stage1Tables, TablePool, leaf_descriptor
from tb.model.structs import cd_linux, ste_s1
from tb.regmap import fields

STRTAB, CDS, POOL = 0x10_0000, 0x20_0000, 0x50_0000
SID = 1
ASID = 7


_N = [0]


def world(**cd_kw):
    _N[0] += 1
    sb = Scoreboard(f"sb{_N[0]}", None)            # pyuvm names children of the root uniquely
    m = sb.model
    m.write64("STRTAB_BASE", STRTAB)
    m.write_name("STRTAB_BASE_CFG", 8)
    m.write_name("CR0", fields("CR0", SMMUEN=1, EVENTQEN=1, CMDQEN=1))
    sb.mem = SparseMemory()
    sb.events = EventChecker(m)
    t = Stage1Tables(sb.mem, TablePool(POOL, 1 << 20))
    cd = cd_linux(ASID, t.ttb0)
    for k, v in cd_kw.items():
        setattr(cd, k, v)
    sb.mem.write(STRTAB + SID * 64, ste_s1(CDS).pack())
    sb.mem.write(CDS, cd.pack())
    return sb, t



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

class Bus:
    def __init__(self, sb):
        self.sb, self.t = sb, 0

    def req(self, addr, write=False, id_=0, prot=1):
        self.t += 1
        o = AxiObs("s_axi", write, id_, addr, 0, 3, 1, prot, sid=SID, t_addr=self.t)
        self.sb.on_request(o)
        return o

    def down(self, o, addr, data=0x1234):
        self.t += 1
        a = _out_attrs(self.sb, o)
        m = AxiObs("m_axi", o.is_write, o.id, addr, 0, 3, 1, a.prot, cache=a.cache, t_addr=self.t)
        m.data, m.last = [data], [1]
        m.resp = [0]
        if o.is_write:
            m.strb = [0xFF]
        self.sb.on_down(m)
        return m

    def done(self, o, resp=0, data=0x1234):
        self.t += 1
        o.t_done = self.t
        if o.is_write:
            o.data, o.strb, o.resp = [data], [0xFF], [resp]
        else:
            o.data, o.resp, o.last = [data], [resp], [1]
        self.sb.on_client(o)


def test_translate_checked_at_the_predicted_pa():
    sb, t = world()
    t.map(0x7000, 0x9_0000_0000)
    bus = Bus(sb)
    o = bus.req(0x7010)
    assert o.predicted.kind == "translate" and o.predicted.out_addr == 0x9_0000_0010
    bus.down(o, 0x9_0000_0010)
    bus.done(o)
    assert not sb.errors and sb.stats["read_translate"] == 1
    o = bus.req(0x7018)
    bus.down(o, 0x7018)                          # untranslated address on m_axi
    bus.done(o)
    assert any("!= predicted" in e for e in sb.errors)


@pytest.mark.parametrize("a", [1, 0])
def test_fault_abort_and_raz_with_records(a):
    sb, t = world(A=a)
    bus = Bus(sb)
    o = bus.req(0x5000, write=True)
    assert o.predicted.kind == ("abort" if a else "raz") and o.predicted.event.EventID == F_TRANSLATION
    bus.done(o, resp=2 if a else 0)
    assert not sb.errors
    assert len(sb.events.unmatched()) == 1
    # a RAZ read must return zeros
    if not a:
        o = bus.req(0x5000)
        bus.done(o, data=1)
        assert any("R data not zero" in e for e in sb.errors)


def test_pte_change_window_closed_only_by_a_covering_tlbi():
    sb, t = world()
    t.map(0x7000, 0x9_0000_0000)
    bus = Bus(sb)
    before = bus.req(0x7000)                     # in flight when the PTE changes
    daddr = t.descriptor_address(0x7000, 3)
    w = sb.pt_write(daddr, leaf_descriptor(0xA_0000_0000, 3).to_bytes(8, "little"),
                    TlbScope({ASID}, 0x7000, 0x1000, leaf=True))
    assert {a.out_addr for a in before.alts} == {0x9_0000_0000, 0xA_0000_0000}
    during = bus.req(0x7008)
    assert {a.out_addr for a in during.alts} == {0x9_0000_0008, 0xA_0000_0008}
    bus.down(before, 0x9_0000_0000)              # old translation: allowed
    bus.done(before)
    bus.down(during, 0xA_0000_0008)              # new: allowed
    bus.done(during)
    assert not sb.errors
    # TLBIs that do not cover the entry keep the window open
    for cmd in (C.tlbi_nh_asid(ASID + 1), C.tlbi_nh_va(ASID + 1, 0x7000), C.tlbi_nh_va(ASID, 0x8000),
                C.tlbi_nh_vaa(0x6000), C.cfgi_all()):
        sb.on_sync([cmd, C.sync()])
        assert sb.pt_window_open(w), C.decode(cmd)
    sb.on_sync([C.tlbi_nh_va(ASID, 0x7ABC, leaf=1), C.sync()])
    assert not sb.pt_window_open(w)
    after = bus.req(0x7000)
    assert len(after.alts) == 1
    bus.down(after, 0x9_0000_0000)               # stale translation after TLBI+SYNC
    bus.done(after)
    assert any("!= predicted" in e for e in sb.errors)


@pytest.mark.parametrize("cmd,closes", [
    (C.tlbi_nh_asid(ASID), True), (C.tlbi_nh_asid(3), False), (C.tlbi_nh_va(ASID, 0x20_1000), True),
    (C.tlbi_nh_va(ASID, 0x40_0000), False), (C.tlbi_nh_vaa(0x3F_F000), True), (C.tlbi_nh_all(), True),
    (C.tlbi_nsnh_all(), True), (C.tlbi_el2_all(), False)])
def test_tlb_scope_rules_for_a_2m_leaf(cmd, closes):
    s = TlbScope({ASID}, 0x20_0000, SIZE_2M, leaf=True)
    assert s.invalidate(C.decode(cmd)) == closes


def test_tlb_scope_global_and_table_changes():
    g = TlbScope({ASID}, 0x20_0000, SIZE_2M, leaf=True, global_=True, nonglobal=False)
    assert not g.invalidate(C.decode(C.tlbi_nh_asid(ASID)))          # ASID TLBI keeps global entries
    assert g.invalidate(C.decode(C.tlbi_nh_va(99, 0x20_0000)))      # VA TLBI of any ASID hits global
    # nG=1 -> nG=0: the old entry is tagged with ASID 7, the new one global: a VA TLBI of another
    # ASID removes only the global one (this mix once closed a window too early in TranslateRandom)
    mix = TlbScope({ASID}, 0x20_0000, SIZE_2M, leaf=True, global_=True, nonglobal=True)
    assert not mix.invalidate(C.decode(C.tlbi_nh_va(0, 0x20_0000)))
    assert mix.invalidate(C.decode(C.tlbi_nh_va(ASID, 0x21_0000)))
    mix = TlbScope({ASID}, 0x20_0000, SIZE_2M, leaf=True, global_=True, nonglobal=True)
    assert not mix.invalidate(C.decode(C.tlbi_nh_asid(ASID)))
    assert mix.invalidate(C.decode(C.tlbi_nh_vaa(0x3F_F000)))
    tbl = TlbScope({1, 2}, 0, 1 << 30, leaf=False)
    assert not tbl.invalidate(C.decode(C.tlbi_nh_va(1, 0x1000)))     # one VA cannot cover a table
    assert not tbl.invalidate(C.decode(C.tlbi_nh_asid(1)))           # ASID 2 may still hold entries
    assert tbl.invalidate(C.decode(C.tlbi_nh_asid(2)))


def test_window_picks_fault_alternative_and_requires_its_record():
    sb, t = world()
    t.map(0x7000, 0x9_0000_0000)
    bus = Bus(sb)
    w = sb.pt_update([(a, n) for _, a, n in t.tables], lambda: t.unmap(0x7000),
                     TlbScope({ASID}, 0x7000, 0x1000, leaf=True))
    assert sb.pt_window_open(w)
    o = bus.req(0x7000, write=True)
    assert {a.kind for a in o.alts} == {"translate", "abort"}
    e = o.exp_by_alt
    assert len(e) == 1 and all(x.optional for x in e.values())
    bus.done(o, resp=2)                          # aborted: the record becomes required
    assert not sb.errors
    assert [x.rec.EventID for x in sb.events.unmatched()] == [F_TRANSLATION]
    # a window transaction that used the old translation withdraws the fault record
    o = bus.req(0x7008)
    bus.down(o, 0x9_0000_0008)
    bus.done(o)
    assert not sb.errors and len(sb.events.unmatched(True)) == 1


def test_window_with_two_fault_alternatives_requires_one_record():
    sb, t = world()
    t.map(0x7000, 0x9_0000_0000, ap=AP_RO)       # write -> F_PERMISSION
    bus = Bus(sb)
    sb.pt_update([(a, n) for _, a, n in t.tables], lambda: t.unmap(0x7000),   # -> F_TRANSLATION
                 TlbScope({ASID}, 0x7000, 0x1000, leaf=True))
    o = bus.req(0x7000, write=True)
    assert sorted(a.event.EventID for a in o.alts) == [F_TRANSLATION, F_PERMISSION]
    bus.done(o, resp=2)
    sb.events.final_check()
    assert any("none of the 2 possible event records" in e for e in sb.events.errors)


def test_tlb_scope_table_change_covered_by_a_walk_flush():
    """A table descriptor change under 2 MiB: Linux's walk flush (TLBI_NH_VA Leaf=0 per 4K granule)."""
    s = TlbScope({1, 2}, 0x40_0000, SIZE_2M, leaf=False)
    for a in range(0x40_0000, 0x60_0000 - 0x1000, 0x1000):
        assert not s.invalidate(C.decode(C.tlbi_nh_va(1, a)))
    assert not s.invalidate(C.decode(C.tlbi_nh_va(1, 0x5F_F000)))      # ASID 1 done, ASID 2 left
    assert s.invalidate(C.decode(C.tlbi_nh_asid(2)))
    g = TlbScope({1}, 0x40_0000, SIZE_2M, leaf=False, global_=True, nonglobal=False)
    for a in range(0x40_0000, 0x60_0000 - 0x1000, 0x1000):
        assert not g.invalidate(C.decode(C.tlbi_nh_vaa(a)))
    assert not g.invalidate(C.decode(C.tlbi_nh_asid(1)))
    assert g.invalidate(C.decode(C.tlbi_nh_va(9, 0x5F_F000)))


def test_event_checker_prefers_the_identical_expectation():
    """Two transactions with the same match key but other PnU/InD, handled out of order."""
    from tb.model.events import EventRecord
    from tb.model.registers import RegisterModel
    evc = EventChecker(RegisterModel())
    a = EventRecord(EventID=F_TRANSLATION, StreamID=3, PnU=0, InD=1, RnW=1, CLASS=2, InputAddr=0x9000)
    b = EventRecord(EventID=F_TRANSLATION, StreamID=3, PnU=1, InD=0, RnW=1, CLASS=2, InputAddr=0x9000)
    evc.expect(a)
    evc.expect(b)
    probs = []
    evc._match(b, probs, "")
    evc._match(a, probs, "")
    assert not evc.errors and not probs and not evc.unmatched()
    # a record equal to neither is still compared with the oldest of its key and reported
    evc.expect(a)
    evc._match(EventRecord(**{**a.__dict__, "PnU": 1, "InD": 0, "CLASS": 1}), [], "")
    assert any("CLASS" in e for e in evc.errors)


def test_terminated_write_that_reaches_m_axi_is_reported_on_itself():
    sb, t = world(A=0)
    t.map(0x7000, 0x9_0000_0000, ap=AP_RO)
    bus = Bus(sb)
    o = bus.req(0x7010, write=True)              # F_PERMISSION, RAZ/WI: OKAY like a translation
    assert o.predicted.kind == "raz"
    bus.down(o, 0x9_0000_0010)
    bus.done(o)
    assert any("reached m_axi at 0x900000010" in e for e in sb.errors), sb.errors
    assert not sb.down[(True, 0)]


# ------------------------------------------------------------ post-SYNC handshakes (stale state)
def _remap_world():
    sb, t = world()
    t.map(0x7000, 0x9_0000_0000)
    bus = Bus(sb)
    sb.now = lambda: bus.t                       # the scoreboard's clock = the bus's
    return sb, t, bus


def _remap(sb, t):
    daddr = t.descriptor_address(0x7000, 3)
    return sb.pt_write(daddr, leaf_descriptor(0xA_0000_0000, 3).to_bytes(8, "little"),
                       TlbScope({ASID}, 0x7000, 0x1000, leaf=True))


def _sync(sb, bus, cmd):
    bus.t += 1
    sb.on_sync([cmd, C.sync()])
    return bus.t


@pytest.mark.parametrize("write", [False, True])
def test_handshake_after_the_sync_with_the_old_pa_is_an_error(write):
    """Accepted before the TLBI: the old PA is legal only for an m_axi handshake up to the SYNC."""
    sb, t, bus = _remap_world()
    o = bus.req(0x7010, write=write)             # in flight when the PTE changes
    w = _remap(sb, t)
    assert {a.out_addr for a in o.alts} == {0x9_0000_0010, 0xA_0000_0010}
    t_sync = _sync(sb, bus, C.tlbi_nh_va(ASID, 0x7000, leaf=1))
    assert not sb.pt_window_open(w)
    m = bus.down(o, 0x9_0000_0010)               # old PA, handshake after the SYNC completed
    assert m.t_addr > t_sync
    bus.done(o)
    err = [e for e in sb.errors if "stale translation after the invalidation completed" in e]
    assert len(err) == 1 and len(sb.errors) == 1, sb.errors
    assert f"at cycle {m.t_addr}" in err[0] and f"closed at cycle {t_sync}" in err[0]
    assert "0x900000010" in err[0] and "translate -> 0xa00000010" in err[0]
    assert sb.stats["stale_after_sync"] == 1


def test_handshake_before_the_sync_with_the_old_pa_is_accepted():
    sb, t, bus = _remap_world()
    o = bus.req(0x7010)
    _remap(sb, t)
    bus.down(o, 0x9_0000_0010)                   # old PA, handshake before the SYNC completed
    _sync(sb, bus, C.tlbi_nh_va(ASID, 0x7000, leaf=1))
    bus.done(o)                                  # response after the SYNC: still fine
    assert not sb.errors
    # the new PA after the SYNC is of course accepted too
    o = bus.req(0x7018)
    _remap(sb, t)                                # (same descriptor: a no-op change, no window)
    _sync(sb, bus, C.tlbi_nh_all())
    bus.down(o, 0xA_0000_0018)
    bus.done(o)
    assert not sb.errors


def test_handshake_after_a_non_covering_sync_keeps_the_old_pa_legal():
    sb, t, bus = _remap_world()
    o = bus.req(0x7010)
    w = _remap(sb, t)
    _sync(sb, bus, C.tlbi_nh_asid(ASID + 1))     # does not cover the entry: window still open
    assert sb.pt_window_open(w)
    bus.down(o, 0x9_0000_0010)
    bus.done(o)
    assert not sb.errors


def test_old_pa_legal_again_while_a_later_window_reverts_to_it():
    """Closed, then reopened by a change back to the old mapping: legal again only inside the new
    window (an interval, not a flag)."""
    sb, t, bus = _remap_world()
    daddr = t.descriptor_address(0x7000, 3)
    old = sb.mem.read(daddr, 8)
    o = bus.req(0x7010)
    _remap(sb, t)
    _sync(sb, bus, C.tlbi_nh_all())              # old PA stale from here
    sb.pt_write(daddr, old, TlbScope({ASID}, 0x7000, 0x1000, leaf=True))   # back to the old PA
    bus.down(o, 0x9_0000_0010)
    bus.done(o)
    assert not sb.errors, sb.errors


def test_unmap_then_post_sync_handshake_must_fault():
    """Old: translation, new: F_TRANSLATION. After the SYNC the transaction must not reach m_axi."""
    sb, t, bus = _remap_world()
    o = bus.req(0x7010, write=True)
    sb.pt_update([(a, n) for _, a, n in t.tables], lambda: t.unmap(0x7000),
                 TlbScope({ASID}, 0x7000, 0x1000, leaf=True))
    _sync(sb, bus, C.tlbi_nh_va(ASID, 0x7000, leaf=1))
    bus.down(o, 0x9_0000_0010)
    bus.done(o)
    err = [e for e in sb.errors if "stale translation" in e]
    assert err and "new expectation: abort (F_TRANSLATION)" in err[0], sb.errors


def test_configuration_window_post_sync_handshake_with_the_old_ste_is_an_error():
    """STE bypass -> abort under a configuration window: after end_window (CFGI + SYNC completed),
    an m_axi handshake of a transaction accepted before must not use the bypass."""
    from tb.model.structs import ste_abort, ste_bypass
    sb, t = world()
    bus = Bus(sb)
    sb.now = lambda: bus.t
    sb.mem.write(STRTAB + SID * 64, ste_bypass().pack())
    for before_sync in (True, False):
        o = bus.req(0x4000)
        assert o.predicted.kind == "bypass"
        sb.window_write(SID, STRTAB + SID * 64, ste_abort().pack())
        if before_sync:
            bus.down(o, 0x4000)
        bus.t += 1
        sb.end_window(SID)
        if not before_sync:
            bus.down(o, 0x4000)
        bus.done(o)
        assert bool(sb.errors) == (not before_sync), sb.errors
        sb.window_write(SID, STRTAB + SID * 64, ste_bypass().pack())
        bus.t += 1
        sb.end_window(SID)
    assert "configuration window of StreamID 0x1 closed" in sb.errors[0]


# ------------------------------------------------------------ missing records: drop intervals
EVTQ = 0x80_0000


def evq_world(log2=1, eventqen=1):
    """A stage-1 world with a 2**log2-entry event queue; the checker's and the scoreboard's clock is
    the bus's."""
    _N[0] += 1
    sb = Scoreboard(f"sbq{_N[0]}", None)
    m = sb.model
    m.write64("STRTAB_BASE", STRTAB)
    m.write_name("STRTAB_BASE_CFG", 8)
    m.write64("EVENTQ_BASE", EVTQ | log2)
    sb.mem = SparseMemory()
    bus = Bus(sb)
    sb.now = lambda: bus.t
    sb.events = EventChecker(m)
    sb.events.now = sb.now
    m.write_name("CR0", fields("CR0", SMMUEN=1, EVENTQEN=eventqen, CMDQEN=1))
    t = Stage1Tables(sb.mem, TablePool(POOL, 1 << 20))
    sb.mem.write(STRTAB + SID * 64, ste_s1(CDS).pack())
    sb.mem.write(CDS, cd_linux(ASID, t.ttb0).pack())
    return sb, t, bus


def tw_record(bus, rec, resp=0):
    """The SMMU writes ``rec`` at the checker's PROD slot (m_axi_tw AWID 0, 4 beats)."""
    evc = bus.sb.events
    evc._resync()
    base, log2 = evc.queue()
    slot = base + (evc.prod & ((1 << log2) - 1)) * 32
    raw = rec.pack()
    bus.t += 1
    o = AxiObs("m_axi_tw", True, 0, slot, 3, 3, 1, 0, t_addr=bus.t)
    o.data = [int.from_bytes(raw[i:i + 8], "little") for i in range(0, 32, 8)]
    o.strb, o.last, o.resp = [0xFF] * 4, [0, 0, 0, 1], [resp]
    bus.t += 1
    o.t_done = bus.t
    evc.on_tw(o)


def fill_queue(bus, n=2):
    """n records the checker expects, written: the 2-entry queue is full afterwards."""
    from tb.model.events import EventRecord
    for k in range(n):
        r = EventRecord(EventID=F_TRANSLATION, StreamID=9, CLASS=2, InputAddr=0x100 * (k + 1))
        bus.sb.events.expect(r)
        tw_record(bus, r)


def fault(bus):
    o = bus.req(0x5000)                          # unmapped: F_TRANSLATION, abort, record expected
    assert o.predicted.kind == "abort" and len(o.expected_events) == 1
    return o


def test_missing_record_excused_only_while_its_own_write_could_be_dropped():
    sb, t, bus = evq_world()
    evc = sb.events
    fill_queue(bus)
    assert evc.drop_ivs and evc.drop_ivs[-1][2] == "full" and evc.drop_ivs[-1][1] is None
    o = fault(bus)                               # handled while the queue is full: may be dropped
    bus.done(o, resp=2)
    bus.t += 5
    sb.model.write_name("EVENTQ_CONS", 2)        # software consumed both: space again
    assert evc.drop_ivs[-1][1] == bus.t
    evc.final_check()
    assert not evc.errors and evc.stats["dropped"] == 1, evc.errors


def test_missing_record_not_excused_by_an_earlier_full_queue():
    sb, t, bus = evq_world()
    evc = sb.events
    fill_queue(bus)
    bus.t += 3
    sb.model.write_name("EVENTQ_CONS", 2)        # full interval closed here
    assert evc.full_seen                         # (the old rule excused everything from now on)
    bus.t += 20
    o = fault(bus)                               # queue has space during its whole life
    bus.done(o, resp=2)
    evc.final_check()
    err = [e for e in evc.errors if "expected event record never written" in e]
    assert len(err) == 1 and "full" in err[0] and f"cycles {o.t_addr}..{o.t_done}" in err[0], evc.errors


def test_missing_record_and_eventqen():
    sb, t, bus = evq_world()
    evc = sb.events
    # EVENTQEN cleared while the transaction is in flight: excused
    o = fault(bus)
    bus.t += 2
    sb.model.write_name("CR0", fields("CR0", SMMUEN=1, EVENTQEN=0, CMDQEN=1))
    bus.done(o, resp=2)
    bus.t += 10
    sb.model.write_name("CR0", fields("CR0", SMMUEN=1, EVENTQEN=1, CMDQEN=1))
    evc.final_check()
    assert not evc.errors and evc.stats["dropped"] == 1, evc.errors
    # an earlier EVENTQEN=0 period does not excuse a later transaction
    bus.t += 50
    o = fault(bus)
    bus.done(o, resp=2)
    evc.final_check()
    assert any("never written" in e and "EVENTQEN=0" in e for e in evc.errors), evc.errors


def test_missing_record_and_write_abort():
    from tb.model.events import EventRecord
    sb, t, bus = evq_world(log2=3)
    evc = sb.events
    r = EventRecord(EventID=F_TRANSLATION, StreamID=9, CLASS=2, InputAddr=0x100)
    evc.expect(r)
    tw_record(bus, r, resp=2)                    # SLVERR: EVENTQ_ABT_ERR, delivery stops
    o = fault(bus)
    bus.done(o, resp=2)
    bus.t += 4
    sb.model.write_name("GERRORN", 1 << 2)       # software acknowledges EVENTQ_ABT_ERR
    bus.t += 10
    late = fault(bus)                            # after the acknowledgement: must be written
    bus.done(late, resp=2)
    evc.final_check()
    assert evc.stats["dropped"] == 1
    err = [e for e in evc.errors if "never written" in e]
    assert len(err) == 1 and f"cycles {late.t_addr}..{late.t_done}" in err[0], evc.errors


def test_stall_record_never_excused_by_a_full_queue():
    sb, t, bus = evq_world()
    evc = sb.events
    from tb.model.events import EventRecord
    fill_queue(bus)
    evc.expect(EventRecord(EventID=F_TRANSLATION, StreamID=9, CLASS=2, InputAddr=0x900, Stall=1))
    evc.final_check()
    assert any("stall records are never dropped" in e for e in evc.errors)


def test_identical_records_reassigned_to_the_transaction_that_could_not_drop():
    """Two transactions with the very same record: the older one's was dropped (full queue), the
    younger one's written; the checker matched the written record to the older expectation first."""
    sb, t, bus = evq_world()
    evc = sb.events
    fill_queue(bus)
    old = fault(bus)                             # handled while full: dropped
    bus.done(old, resp=2)
    bus.t += 2
    sb.model.write_name("EVENTQ_CONS", 2)        # space again
    bus.t += 10
    new = fault(bus)                             # the same record, written
    bus.done(new, resp=2)
    tw_record(bus, new.predicted.event)
    assert old.expected_events[0].matched        # oldest first
    evc.final_check()
    assert not evc.errors and evc.stats["reassigned"] == 1, evc.errors
    assert new.expected_events[0].matched and not old.expected_events[0].matched
    # no swap when the older one could not have been dropped either: one is really missing
    sb, t, bus = evq_world()
    a = fault(bus)
    bus.done(a, resp=2)
    b = fault(bus)
    bus.done(b, resp=2)
    tw_record(bus, b.predicted.event)
    sb.events.final_check()
    assert any("never written" in e for e in sb.events.errors)


def _two_window_faults(bus, sb, t):
    """Two reads of 0x7000 while its PTE is being removed (translate or F_TRANSLATION each: both
    records optional until the responses); the SMMU writes one record, the second read's."""
    t.map(0x7000, 0x9_0000_0000)
    sb.pt_update([(a, n) for _, a, n in t.tables], lambda: t.unmap(0x7000),
                 TlbScope({ASID}, 0x7000, 0x1000, leaf=True))
    a = bus.req(0x7000)
    b = bus.req(0x7000)
    assert {x.kind for x in a.alts} == {"translate", "abort"} == {x.kind for x in b.alts}
    rec = next(x.event for x in b.alts if x.kind == "abort")
    tw_record(bus, rec)                          # b's record: matched to a's (older) expectation
    assert a.exp_by_alt and next(iter(a.exp_by_alt.values())).matched
    return a, b


def test_record_matched_to_a_window_alternative_moves_when_that_transaction_translates():
    """Regress config_random seed 7 (ConfigCfgiSemantics): the record matched to an older window
    transaction's optional expectation, which then translated; the match must move to the transaction
    that aborted, otherwise every later identical record shifts by one and the last is 'missing'."""
    sb, t, bus = evq_world(log2=3)
    a, b = _two_window_faults(bus, sb, t)
    bus.down(a, 0x9_0000_0000)
    bus.done(a)                                  # a used the old translation: no record of its own
    bus.done(b, resp=2)                          # b aborted: its record is required
    sb.events.final_check()
    assert not sb.errors and not sb.events.errors, (sb.errors, sb.events.errors)
    assert sb.events.stats["transferred"] == 1 and not sb.events.unmatched(True)
    assert next(iter(b.exp_by_alt.values())).matched


def test_record_of_a_window_alternative_nobody_owns_is_unexpected():
    """The same, but the second read translates too: the written record belongs to no transaction."""
    sb, t, bus = evq_world(log2=3)
    a, b = _two_window_faults(bus, sb, t)
    for o in (a, b):
        bus.down(o, 0x9_0000_0000)
        bus.done(o)
    assert any("unexpected event record" in e for e in sb.events.errors), sb.events.errors


def test_alternative_of_a_transaction_with_its_record_takes_no_other_record():
    """Regress config_random seed 1: a window transaction with two fault alternatives (a
    require_one_of pair) wrote one record; a later identical record of its other alternative belongs
    to another transaction, not to the leftover alternative (one record per transaction)."""
    sb, t, bus = evq_world(log2=3)
    t.map(0x7000, 0x9_0000_0000, ap=AP_RO)       # write -> F_PERMISSION
    sb.pt_update([(a, n) for _, a, n in t.tables], lambda: t.unmap(0x7000),   # -> F_TRANSLATION
                 TlbScope({ASID}, 0x7000, 0x1000, leaf=True))
    a = bus.req(0x7000, write=True)
    b = bus.req(0x7000, write=True)
    ev = {x.event.EventID: x.event for x in a.alts}
    assert sorted(ev) == [F_TRANSLATION, F_PERMISSION]
    tw_record(bus, ev[F_PERMISSION])             # a's record (the old PTE)
    bus.done(a, resp=2)
    tw_record(bus, ev[F_TRANSLATION])            # b's record (the new PTE)
    bus.done(b, resp=2)
    sb.events.final_check()
    assert not sb.errors and not sb.events.errors, (sb.errors, sb.events.errors)
    assert b.exp_by_alt and any(e.matched for e in b.exp_by_alt.values())
