"""Event records: field positions (IHI 0070 7.3; spec-notes-config.md 1.1), round trips, diff."""

import random

import pytest

from tb.model import events as E
from tb.model.events import EventRecord, diff_events, format_diff


def dws(rec: EventRecord):
    v = rec.to_int()
    return [(v >> (64 * k)) & ((1 << 64) - 1) for k in range(4)]


def test_event_ids():
    assert (E.F_UUT, E.C_BAD_STREAMID, E.F_STE_FETCH, E.C_BAD_STE, E.F_STREAM_DISABLED,
            E.C_BAD_SUBSTREAMID, E.F_CD_FETCH, E.C_BAD_CD, E.F_WALK_EABT) == (1, 2, 3, 4, 6, 8, 9, 10, 11)
    assert (E.F_TRANSLATION, E.F_ADDR_SIZE, E.F_ACCESS, E.F_PERMISSION) == (0x10, 0x11, 0x12, 0x13)
    assert (E.CLASS_CD, E.CLASS_TT, E.CLASS_IN) == (0, 1, 2)
    assert E.EVENT_NAMES[0x11] == "F_ADDR_SIZE"


@pytest.mark.parametrize("name,value,dw,expect", [
    ("EventID", 0xFF, 0, 0xFF), ("SSV", 1, 0, 1 << 11), ("SubstreamID", 0xFFFFF, 0, 0xFFFFF << 12),
    ("StreamID", 0xFFFF_FFFF, 0, 0xFFFF_FFFF << 32),
    ("STAG", 0xFFFF, 1, 0xFFFF), ("Stall", 1, 1, 1 << 31), ("PnU", 1, 1, 1 << 33), ("InD", 1, 1, 1 << 34),
    ("RnW", 1, 1, 1 << 35), ("NSIPA", 1, 1, 1 << 38), ("S2", 1, 1, 1 << 39), ("CLASS", 3, 1, 3 << 40),
    ("TTRnW", 1, 1, 1 << 44), ("InputAddr", (1 << 64) - 1, 2, (1 << 64) - 1),
])
def test_common_field_positions(name, value, dw, expect):
    rec = EventRecord(**{name: value}) if name == "EventID" else EventRecord(EventID=E.F_PERMISSION,
                                                                            **{name: value})
    got = dws(rec)
    base = [0 if name == "EventID" else E.F_PERMISSION, 0, 0, 0]
    base[dw] |= expect
    assert got == base
    assert EventRecord.unpack(rec.pack()) == rec


@pytest.mark.parametrize("eid", sorted(E.FETCH_EVENTS))
def test_fetch_addr_in_dw3_55_3(eid):
    fa = ((1 << 56) - 1) & ~7
    rec = EventRecord(EventID=eid, FetchAddr=fa)
    assert dws(rec)[3] == fa
    assert EventRecord.unpack(rec.pack()).FetchAddr == fa
    with pytest.raises(ValueError):
        EventRecord(EventID=eid, FetchAddr=0x1004).pack()        # bits [2:0] are not part of the field
    with pytest.raises(ValueError):
        EventRecord(EventID=eid, IPA=0x1000).pack()


@pytest.mark.parametrize("eid", sorted(E.TRANSLATION_FAULTS))
def test_ipa_in_dw3_55_12(eid):
    ipa = ((1 << 56) - 1) & ~0xFFF
    rec = EventRecord(EventID=eid, IPA=ipa)
    assert dws(rec)[3] == ipa and EventRecord.unpack(rec.pack()).IPA == ipa
    with pytest.raises(ValueError):
        EventRecord(EventID=eid, FetchAddr=0x1000).pack()


def test_dw3_of_a_config_error_is_reserved():
    raw = (E.C_BAD_STE | 0xABC0 << 192).to_bytes(32, "little")
    rec = EventRecord.unpack(raw)
    assert rec.FetchAddr == 0 and rec.IPA == 0 and rec.RES == 0xABC0 << 192
    assert rec.pack() == raw
    with pytest.raises(ValueError):
        EventRecord(EventID=E.C_BAD_STE, FetchAddr=0x40).pack()


def test_random_round_trip():
    rng = random.Random(7)
    for _ in range(300):
        v = rng.getrandbits(256) & ~0xFF | rng.choice([2, 3, 4, 6, 8, 9, 10, 11, 0x10, 0x11, 0x12, 0x13, 0x55])
        raw = v.to_bytes(32, "little")
        assert EventRecord.unpack(raw).pack() == raw


def test_reserved_bits_land_in_res():
    raw = (E.C_BAD_CD | 1 << 9 | 1 << 96 | 1 << 127).to_bytes(32, "little")
    assert EventRecord.unpack(raw).RES == 1 << 9 | 1 << 96 | 1 << 127


def test_diff_reports_each_field_with_both_values():
    exp = EventRecord(EventID=E.F_ADDR_SIZE, StreamID=3, RnW=1, CLASS=E.CLASS_IN, InputAddr=1 << 48)
    act = EventRecord(EventID=E.F_ADDR_SIZE, StreamID=3, RnW=0, CLASS=E.CLASS_IN, InputAddr=1 << 48, PnU=1)
    assert diff_events(exp, exp.pack()) == []
    d = diff_events(exp, act.pack())
    assert d == [("PnU", 0, 1), ("RnW", 1, 0)]
    assert "RnW: expected 0x1 got 0x0" in format_diff(d)


def test_diff_of_different_events():
    exp = EventRecord(EventID=E.F_STE_FETCH, StreamID=1, FetchAddr=0x1040)
    act = EventRecord(EventID=E.C_BAD_STE, StreamID=1, RES=0x1040 << 192)
    assert diff_events(exp, act) == [("EventID", 3, 4), ("FetchAddr", 0x1040, 0), ("RES", 0, 0x1040 << 192)]


def test_str_names_the_event():
    assert str(EventRecord(EventID=E.C_BAD_STE, StreamID=2)) == "C_BAD_STE(StreamID=0x2)"
