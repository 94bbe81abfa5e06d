"""Outcome predictor (bypass/abort rules, configuration, stage-1 translation) and the response/memory helpers."""

import pytest

from tb.model import RegisterModel, SparseMemory
from tb.model.axi import INCR, OKAY, SLVERR, WRAP
from tb.model.outcome import (Outcome, apply_write, expected_read_response, expected_write_response,
                              memory_read_beats, predict)
from tb.model.events import (C_BAD_STE, C_BAD_STREAMID, CLASS_IN, CLASS_TT, F_ADDR_SIZE, F_PERMISSION,
                             F_STE_FETCH, F_TRANSLATION, F_WALK_EABT, EventRecord)
from tb.model.pagetable import AP_RO, SIZE_1G, Stage1Tables, TablePool
from tb.model.structs import cd_linux, ste_bypass, ste_s1
from tb.regmap import SmmuParams, fields


def _predict(m, addr, **kw):
    kw.setdefault("is_read", True)
    kw.setdefault("sid", 0)
    return predict(m, m.params, addr=addr, **kw)


def test_reset_state_bypasses():
    m = RegisterModel()
    o = _predict(m, 0x1234_5678)
    assert o == Outcome("bypass", 0x1234_5678, OKAY, None)


@pytest.mark.parametrize("oas", [32, 36, 40, 42, 44, 48])
def test_oas_boundary(oas):
    m = RegisterModel(SmmuParams(OAS_BITS=oas))
    top = (1 << oas) - 1
    assert _predict(m, top).kind == "bypass" and _predict(m, top).out_addr == top
    assert _predict(m, top & ~0xFFF, is_read=False).kind == "bypass"
    for a in (1 << oas, (1 << oas) + 0x1000, (1 << 64) - 1):
        o = _predict(m, a)
        assert o.kind == "abort" and o.resp == SLVERR and o.out_addr is None and o.event is None


def test_gbpa_abort():
    m = RegisterModel()
    m.write_name("GBPA", fields("GBPA", ABORT=1, UPDATE=1))
    for is_read in (True, False):
        o = _predict(m, 0x1000, is_read=is_read)
        assert o.kind == "abort" and o.resp == SLVERR and o.event is None
    m.write_name("GBPA", fields("GBPA", ABORT=0, UPDATE=1))
    assert _predict(m, 0x1000).kind == "bypass"


def test_gbpa_abort_without_update_has_no_effect():
    m = RegisterModel()
    m.write_name("GBPA", fields("GBPA", ABORT=1))
    assert _predict(m, 0x1000).kind == "bypass"


def _enabled(recinvsid=0, log2size=8):
    m = RegisterModel()
    m.write64("STRTAB_BASE", 0x10_0000)
    m.write_name("STRTAB_BASE_CFG", log2size)
    m.write_name("CR2", fields("CR2", RECINVSID=recinvsid))
    m.write_name("CR0", fields("CR0", SMMUEN=1))
    return m


def test_smmuen_without_valid_ste_aborts_with_c_bad_ste():
    m = _enabled()
    for sid, ssidv, prot, addr in ((0, False, 0, 0x0), (255, True, 7, 0x1000), (3, False, 1, 1 << 60)):
        o = predict(m, m.params, addr=addr, is_read=bool(sid & 1), sid=sid, ssid=1, ssidv=ssidv, prot=prot)
        assert o.kind == "abort" and o.resp == SLVERR and o.out_addr is None
        assert o.event == EventRecord(EventID=C_BAD_STE, StreamID=sid, SSV=int(ssidv),
                                      SubstreamID=1 if ssidv else 0)
    m.write_name("CR0", 0)
    assert _predict(m, 0x1000).kind == "bypass"


@pytest.mark.parametrize("recinvsid", [0, 1])
def test_smmuen_out_of_range_sid(recinvsid):
    m = _enabled(recinvsid, log2size=2)
    o = predict(m, m.params, addr=0, is_read=True, sid=4)
    assert o.kind == "abort" and o.resp == SLVERR
    assert o.event == (EventRecord(EventID=C_BAD_STREAMID, StreamID=4) if recinvsid else None)


def test_smmuen_bypass_ste():
    m = _enabled()
    mem = SparseMemory()
    mem.write(0x10_0000 + 5 * 64, ste_bypass().pack())
    assert predict(m, m.params, addr=0xABC0, is_read=False, sid=5, mem=mem) == Outcome("bypass", 0xABC0, OKAY)
    o = predict(m, m.params, addr=1 << 48, is_read=True, sid=5, prot=4, mem=mem)
    assert o.kind == "abort" and o.event.EventID == F_ADDR_SIZE and o.event.InD == 1
    o = predict(m, m.params, addr=0, is_read=True, sid=5, mem=mem, error_ranges=[(0x10_0140, 0x10_0141)])
    assert o.kind == "abort" and o.event.EventID == F_STE_FETCH and o.event.FetchAddr == 0x10_0140


def _s1_world(**cd_kw):
    """SMMUEN=1, SID 1 -> stage-1 STE -> CD with a 48-bit TTB0 walk in the same memory image."""
    m = _enabled()
    mem = SparseMemory()
    t = Stage1Tables(mem, TablePool(0x50_0000, 1 << 20))
    cd = cd_linux(1, t.ttb0)
    for k, v in cd_kw.items():
        setattr(cd, k, v)
    mem.write(0x10_0000 + 64, ste_s1(0x20_0000).pack())
    mem.write(0x20_0000, cd.pack())
    return m, mem, t


def test_smmuen_valid_stage1_translates_through_the_page_tables():
    m, mem, t = _s1_world()
    t.map(0x7000, 0x1234_5000)
    t.map(0x4000_0000, 0x8000_0000, SIZE_1G)
    o = predict(m, m.params, addr=0x7ABC, is_read=True, sid=1, prot=1, mem=mem)
    assert o == Outcome("translate", 0x1234_5ABC, OKAY, None)
    o = predict(m, m.params, addr=0x4123_4568, is_read=False, sid=1, mem=mem)
    assert o == Outcome("translate", 0x8123_4568, OKAY, None) and o.reaches_memory
    # a hole: F_TRANSLATION recorded (CD.R=1), aborted (CD.A=1), every field from the transaction
    o = predict(m, m.params, addr=0x9008, is_read=False, sid=1, prot=5, mem=mem)
    assert o.kind == "abort" and o.resp == SLVERR and o.out_addr is None
    assert o.event == EventRecord(EventID=F_TRANSLATION, StreamID=1, PnU=1, InD=0, RnW=0, CLASS=CLASS_IN,
                                  InputAddr=0x9008)


def test_smmuen_stage1_walk_abort_uses_the_fetch_error_ranges():
    m, mem, t = _s1_world(A=0, R=0)
    t.map(0x7000, 0x1234_5000)
    daddr = t.descriptor_address(0x7000, 2)
    o = predict(m, m.params, addr=0x7010, is_read=True, sid=1, prot=4, mem=mem,
                error_ranges=[(daddr, daddr + 8)])
    assert o.kind == "abort" and o.event.EventID == F_WALK_EABT and o.event.FetchAddr == daddr
    assert o.event.CLASS == CLASS_TT and o.event.InD == 1


@pytest.mark.parametrize("a,r,kind", [(1, 1, "abort"), (1, 0, "abort"), (0, 1, "raz"), (0, 0, "raz")])
def test_smmuen_stage1_fault_terminate_model(a, r, kind):
    m, mem, t = _s1_world(A=a, R=r)
    t.map(0x7000, 0x1234_5000, ap=AP_RO)
    o = predict(m, m.params, addr=0x7000, is_read=False, sid=1, mem=mem)          # write to read-only
    assert o.kind == kind and o.resp == (SLVERR if a else OKAY) and not o.reaches_memory
    assert (o.event is not None) == bool(r)
    if r:
        assert o.event.EventID == F_PERMISSION and o.event.RnW == 0
    assert predict(m, m.params, addr=0x7000, is_read=True, sid=1, mem=mem).kind == "translate"


def test_smmuen_stage1_epd0_with_unchecked_t0sz():
    """EPD0=1 makes T0SZ/TG0 unchecked (the CD is legal): every TTB0-half access is F_TRANSLATION."""
    m, mem, t = _s1_world(EPD0=1, T0SZ=2, TG0=1)
    o = predict(m, m.params, addr=0x7000, is_read=True, sid=1, mem=mem)
    assert o.kind == "abort" and o.event.EventID == F_TRANSLATION and o.event.CLASS == CLASS_IN


def test_smmuen_beats_gbpa():
    m = RegisterModel()
    m.write_name("CR0", 1)
    m.write_name("GBPA", fields("GBPA", ABORT=0, UPDATE=1))
    assert _predict(m, 0x0).kind == "abort"


def test_other_cr0_bits_do_not_change_bypass():
    m = RegisterModel()
    m.write_name("CR0", fields("CR0", CMDQEN=1, EVENTQEN=1))
    assert _predict(m, 0x40).kind == "bypass"


def test_outcome_kind_validated():
    with pytest.raises(ValueError):
        Outcome("translated", None, 0)


# ------------------------------------------------------------- helpers
def test_expected_read_abort_beats():
    beats = expected_read_response(Outcome("abort", None, SLVERR), 256)
    assert len(beats) == 256
    assert all(b.resp == SLVERR and b.data is None for b in beats)
    assert [b.last for b in beats].count(True) == 1 and beats[-1].last


def test_expected_read_raz_beats():
    beats = expected_read_response(Outcome("raz", None, OKAY), 4, data_bytes=16, size=4)
    assert all(b.data == bytes(16) and b.resp == OKAY for b in beats) and beats[-1].last
    assert all(b.lanes == 0xFFFF for b in beats)


def test_bypass_read_from_memory():
    mem = SparseMemory()
    data = mem.fill_random(1, 0x2000, 64)
    o = Outcome("bypass", 0x2010, OKAY)
    words = memory_read_beats(mem, o.out_addr, 3, 3, INCR, 8)
    beats = expected_read_response(o, 4, words, addr=0x2010, size=3, burst=INCR, data_bytes=8)
    assert [b.data for b in beats] == [data[0x10 + 8 * i:0x18 + 8 * i] for i in range(4)]
    assert beats[-1].last and not beats[0].last
    with pytest.raises(ValueError):
        expected_read_response(o, 4)


def test_bypass_wrap_read_order():
    mem = SparseMemory()
    for i in range(4):
        mem.write_u64(0x100 + 8 * i, i)
    words = memory_read_beats(mem, 0x110, 3, 3, WRAP, 8)
    assert [int.from_bytes(w, "little") for w in words] == [2, 3, 0, 1]


def test_write_response_and_memory_effect():
    mem = SparseMemory()
    wbeats = [(bytes([i] * 8), 0xFF) for i in range(1, 5)]
    ab = Outcome("abort", None, SLVERR)
    apply_write(mem, ab, 3, 3, INCR, 8, wbeats)
    assert mem.pages == {} and expected_write_response(ab) == SLVERR
    by = Outcome("bypass", 0x3000, OKAY)
    apply_write(mem, by, 3, 3, INCR, 8, wbeats)
    assert mem.read(0x3000, 32) == b"".join(d for d, _ in wbeats)
    assert expected_write_response(by) == OKAY
    assert expected_write_response(Outcome("raz", None, OKAY)) == OKAY


def test_narrow_write_uses_lanes_only():
    mem = SparseMemory()
    # 4 x 2-byte beats from 0x3002 on an 8-byte bus; the master drives full words, strobes all-ones
    wbeats = [(bytes(range(0x10 * i, 0x10 * i + 8)), 0xFF) for i in range(4)]
    apply_write(mem, Outcome("bypass", 0x3002, OKAY), 3, 1, INCR, 8, wbeats)
    assert mem.read(0x3000, 12) == bytes([0, 0, 0x02, 0x03, 0x14, 0x15, 0x26, 0x27,
                                          0x30, 0x31, 0, 0])
