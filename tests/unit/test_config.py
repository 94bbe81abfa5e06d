"""Configuration lookup: StreamID range, STE fetch/validity, SubstreamID/S1DSS, CD fetch/validity.

Expected values come from IHI 0070 (spec-notes-config.md sections 1-5), never from the RTL.
"""

import pytest

from tb.model import events as E
from tb.model.config import SmmuFeatures, lookup_config, ste_address
from tb.model.events import EventRecord
from tb.model.memory import SparseMemory
from tb.model.registers import RegisterModel
from tb.model.structs import Ste, cd_linux, ste_abort, ste_bypass, ste_s1
from tb.regmap import SmmuParams, fields

BASE = 0x0010_0000          # stream table
CDT = 0x0020_0000           # CD table
TTB = 0x0030_0000
P = SmmuParams()


class World:
    """Registers + memory holding one stream table and a CD table."""

    def __init__(self, params=P, log2size=8, recinvsid=0, base=BASE):
        self.params = params
        self.regs = RegisterModel(params)
        self.regs.write64("STRTAB_BASE", base)
        self.regs.write_name("STRTAB_BASE_CFG", log2size)
        self.regs.write_name("CR2", fields("CR2", RECINVSID=recinvsid))
        self.regs.write_name("CR0", fields("CR0", SMMUEN=1))
        self.mem = SparseMemory()

    def ste(self, sid, ste):
        self.mem.write(ste_address(self.regs, self.params, sid), ste.pack())
        return self

    def cd(self, index, cd, table=CDT):
        self.mem.write(table + 64 * index, cd.pack())
        return self

    def look(self, sid=1, ssid=0, ssv=False, addr=0x1000, rnw=True, pnu=0, ind=0, errors=(), features=None):
        return lookup_config(self.mem, self.regs, self.params, sid=sid, ssid=ssid, ssv=ssv, addr=addr, rnw=rnw,
                             pnu=pnu, ind=ind, error_ranges=errors, features=features)


def good_cd(**kw):
    c = cd_linux(1, TTB)
    for k, v in kw.items():
        setattr(c, k, v)
    return c


def s1_world(cdmax=0, s1dss=2, ncds=None, params=P, **ste_kw):
    w = World(params)
    ste = ste_s1(CDT, cdmax, s1dss=s1dss)
    for k, v in ste_kw.items():
        setattr(ste, k, v)
    w.ste(1, ste)
    for i in range(ncds if ncds is not None else 1 << cdmax):
        w.cd(i, good_cd())
    return w


def ev(eid, sid=1, **kw):
    return EventRecord(EventID=eid, StreamID=sid, **kw)


# ----------------------------------------------------------------- C_BAD_STREAMID (spec notes 5)
@pytest.mark.parametrize("recinvsid", [0, 1])
def test_streamid_out_of_range(recinvsid):
    w = World(log2size=4, recinvsid=recinvsid).ste(15, ste_bypass())
    assert w.look(sid=15).kind == "bypass"
    r = w.look(sid=16, ssid=0x2A, ssv=True)
    assert r.kind == "abort"
    assert r.event == (ev(E.C_BAD_STREAMID, 16, SSV=1, SubstreamID=0x2A) if recinvsid else None)
    r = w.look(sid=200, ssid=0x2A, ssv=False)
    assert r.event == (ev(E.C_BAD_STREAMID, 200) if recinvsid else None)


def test_log2size_limited_by_sidsize():
    p = SmmuParams(SID_W=4)
    w = World(p, log2size=8, recinvsid=1).ste(15, ste_bypass())
    assert w.look(sid=15).kind == "bypass"
    assert w.look(sid=16).event == ev(E.C_BAD_STREAMID, 16)


def test_log2size_zero_allows_only_sid0():
    w = World(log2size=0, recinvsid=1).ste(0, ste_bypass())
    assert w.look(sid=0).kind == "bypass"
    assert w.look(sid=1).event.EventID == E.C_BAD_STREAMID


def test_bad_streamid_beats_everything():
    w = World(log2size=2, recinvsid=1)
    r = w.look(sid=4, addr=1 << 63, errors=[(0, 1 << 48)])
    assert r.event == ev(E.C_BAD_STREAMID, 4) and r.ste is None


# ----------------------------------------------------------------- STE address
def test_ste_address_aligned_with_literal_log2size():
    w = World(log2size=4, base=0x1234_5FC0)                      # table size 16*64 = 0x400
    assert ste_address(w.regs, P, 0) == 0x1234_5C00
    assert ste_address(w.regs, P, 3) == 0x1234_5CC0
    w = World(SmmuParams(SID_W=4), log2size=10, base=0x1234_5FC0)  # literal LOG2SIZE aligns to 64 KiB
    assert ste_address(w.regs, w.params, 1) == 0x1234_0040


def test_ste_address_ignores_ra_and_low_bits():
    w = World(base=(1 << 62) | 0x8_0000_0000 | 0x3F)
    assert ste_address(w.regs, P, 2) == 0x8_0000_0080


# ----------------------------------------------------------------- F_STE_FETCH
@pytest.mark.parametrize("lo,hi,aborts", [
    (BASE + 64, BASE + 72, True), (BASE + 72, BASE + 80, True), (BASE + 79, BASE + 80, True),
    (BASE, BASE + 65, True), (BASE + 80, BASE + 128, False), (BASE, BASE + 64, False),
])
def test_ste_fetch_reads_dw0_dw1(lo, hi, aborts):
    w = World().ste(1, ste_bypass())
    r = w.look(sid=1, ssid=3, ssv=True, errors=[(lo, hi)])
    if aborts:
        assert r.kind == "abort"
        assert r.event == ev(E.F_STE_FETCH, SSV=1, SubstreamID=3, FetchAddr=BASE + 64)
    else:
        assert r.event.EventID == E.C_BAD_SUBSTREAMID      # the STE was read


def test_ste_fetch_event_without_ssid():
    w = World()
    assert w.look(sid=5, ssid=9, ssv=False, errors=[(0, 1 << 48)]).event == \
        ev(E.F_STE_FETCH, 5, FetchAddr=BASE + 5 * 64)


def test_ste_fetch_beats_ste_checks():
    w = World()                                           # memory is zero: V=0 would be C_BAD_STE
    assert w.look(errors=[(BASE + 64, BASE + 65)]).event.EventID == E.F_STE_FETCH
    assert w.look().event.EventID == E.C_BAD_STE


# ----------------------------------------------------------------- C_BAD_STE (spec notes 2)
def _bad_ste(w, **kw):
    r = w.look(**kw)
    assert r.kind == "abort"
    ssv = kw.get("ssv", False)
    assert r.event == ev(E.C_BAD_STE, SSV=int(ssv), SubstreamID=kw.get("ssid", 0) if ssv else 0)
    return r


@pytest.mark.parametrize("config", range(8))
def test_ste_v0_is_bad_whatever_the_config(config):
    w = World().ste(1, Ste(V=0, Config=config, S1ContextPtr=CDT))
    _bad_ste(w)
    _bad_ste(w, ssv=True, ssid=7)


@pytest.mark.parametrize("config", [0, 1, 2, 3])
def test_ste_config_abort_no_event_other_fields_ignored(config):
    junk = Ste(V=1, Config=config, S1CDMax=31, S1Fmt=1, S1STALLD=1, S1ContextPtr=((1 << 56) - 1) & ~0x3F,
               S1DSS=3, EATS=3, STRW=3)
    p = SmmuParams(STALL_MODEL=1)
    w = World(p).ste(1, junk)
    for kw in (dict(), dict(ssv=True, ssid=1), dict(addr=1 << 60)):
        r = w.look(**kw)
        assert r.kind == "abort" and r.event is None and r.ste == junk


@pytest.mark.parametrize("config", [6, 7])
def test_ste_stage2_configs_illegal_without_s2p(config):
    _bad_ste(World().ste(1, Ste(V=1, Config=config)))


@pytest.mark.parametrize("stall_model,illegal", [(0, False), (1, True), (2, True)])
def test_ste_s1stalld(stall_model, illegal):
    p = SmmuParams(STALL_MODEL=stall_model)
    w = World(p).ste(1, ste_s1(CDT, s1stalld=1)).cd(0, good_cd(S=int(stall_model == 2)))
    if illegal:
        _bad_ste(w)
    else:
        assert w.look().kind == "s1"


def test_ste_s1stalld_ignored_for_bypass():
    w = World(SmmuParams(STALL_MODEL=1)).ste(1, Ste(V=1, Config=4, S1STALLD=1))
    assert w.look().kind == "bypass"


@pytest.mark.parametrize("ssid_w", [1, 5, 8])
def test_ste_s1cdmax_vs_ssidsize(ssid_w):
    p = SmmuParams(SSID_W=ssid_w)
    assert s1_world(ssid_w, params=p, ncds=1).look().kind == "s1"
    _bad_ste(s1_world(ssid_w + 1, params=p, ncds=1))
    _bad_ste(s1_world(31, params=p, ncds=1), ssv=True, ssid=1)


@pytest.mark.parametrize("fmt,cdmax,illegal", [(1, 1, True), (2, 1, True), (1, 8, True), (3, 1, False),
                                               (0, 1, False), (1, 0, False), (2, 0, False)])
def test_ste_s1fmt_two_level_needs_cd2l(fmt, cdmax, illegal):
    w = s1_world(cdmax, S1Fmt=fmt, ncds=2)
    if illegal:
        _bad_ste(w)
    else:
        assert w.look().kind == "s1"


@pytest.mark.parametrize("oas", [32, 40, 48])
def test_ste_s1contextptr_beyond_oas(oas):
    p = SmmuParams(OAS_BITS=oas)
    top = (1 << oas) - 64
    w = World(p).ste(1, ste_s1(top)).cd(0, good_cd(IPS=0), table=top)
    assert w.look().kind == "s1"
    _bad_ste(World(p).ste(1, ste_s1(1 << oas)))
    _bad_ste(World(p).ste(1, ste_s1(((1 << 56) - 1) & ~0x3F)), ssv=True, ssid=0)


def test_ste_eats_strw_not_checked():
    for eats in range(4):
        for strw in range(4):
            w = s1_world(EATS=eats, STRW=strw)
            assert w.look().kind == "s1"
            w = World().ste(1, Ste(V=1, Config=4, EATS=eats, STRW=strw))
            assert w.look().kind == "bypass"


def test_ste_reserved_bits_not_checked():
    s = ste_s1(CDT)
    s.RES = 1 << 57 | 1 << (64 + 60)
    w = World().ste(1, s).cd(0, good_cd())
    assert w.look().kind == "s1"


def test_c_bad_ste_beats_substream_checks():
    w = World().ste(1, Ste(V=1, Config=6))
    _bad_ste(w, ssv=True, ssid=0xFF)


# ----------------------------------------------------------------- STE bypass (Config 0b100)
def test_bypass_ste_passes_address():
    w = World().ste(1, ste_bypass())
    r = w.look(addr=(1 << 48) - 1)
    assert r.kind == "bypass" and r.event is None and r.cd is None and r.ste == ste_bypass()


def test_bypass_ignores_s1_fields():
    w = World().ste(1, Ste(V=1, Config=4, S1CDMax=31, S1Fmt=2, S1ContextPtr=((1 << 56) - 1) & ~0x3F, S1DSS=0))
    assert w.look().kind == "bypass"


def test_bypass_with_substream_is_bad_substreamid():
    w = World().ste(1, ste_bypass())
    r = w.look(ssid=0xAB, ssv=True, addr=1 << 60)
    assert r.kind == "abort" and r.event == ev(E.C_BAD_SUBSTREAMID, SSV=0, SubstreamID=0xAB)


@pytest.mark.parametrize("oas", [32, 48])
@pytest.mark.parametrize("rnw,prot,pnu,ind", [(True, 0b000, 0, 0), (True, 0b101, 1, 1), (True, 0b100, 0, 1),
                                               (False, 0b101, 1, 0), (False, 0b100, 0, 0),
                                               (False, 0b001, 1, 0)])
def test_bypass_address_size_fault(oas, rnw, prot, pnu, ind):
    p = SmmuParams(OAS_BITS=oas)
    w = World(p).ste(3, ste_bypass())
    addr = 0xFF00_0000_0000_0000 | (1 << oas) | 0x123
    r = w.look(sid=3, addr=addr, rnw=rnw, pnu=prot & 1, ind=prot >> 2)
    assert r.kind == "abort"
    assert r.event == EventRecord(EventID=E.F_ADDR_SIZE, StreamID=3, SSV=0, SubstreamID=0, RnW=int(rnw),
                                  PnU=pnu, InD=ind, CLASS=E.CLASS_IN, S2=0, Stall=0, STAG=0, NSIPA=0,
                                  InputAddr=addr, IPA=0)
    assert w.look(sid=3, addr=(1 << oas) - 1, rnw=rnw).kind == "bypass"


# ----------------------------------------------------------------- SubstreamID / S1DSS (spec notes 3)
@pytest.mark.parametrize("cdmax,s1dss,ssv,ssid,expect", [
    # SSV=1
    (0, 2, True, 0, E.C_BAD_SUBSTREAMID), (0, 0, True, 1, E.C_BAD_SUBSTREAMID),
    (2, 2, True, 4, E.C_BAD_SUBSTREAMID), (2, 0, True, 0xFF, E.C_BAD_SUBSTREAMID),
    (2, 2, True, 0, E.F_STREAM_DISABLED), (2, 2, True, 3, 3), (2, 0, True, 0, 0), (2, 1, True, 0, 0),
    (2, 3, True, 0, 0), (2, 1, True, 2, 2), (8, 2, True, 255, 255),
    # SSV=0
    (2, 0, False, 0, E.F_STREAM_DISABLED), (2, 3, False, 0, E.F_STREAM_DISABLED), (2, 1, False, 0, "bypass"),
    (2, 2, False, 0, 0), (0, 0, False, 0, 0), (0, 1, False, 0, 0), (0, 3, False, 0, 0),
    (2, 2, False, 3, 0),           # SSID value ignored without SSV
])
def test_substream_table(cdmax, s1dss, ssv, ssid, expect):
    w = s1_world(cdmax, s1dss)
    for i in range(1 << cdmax):
        w.cd(i, good_cd(ASID=i + 1))
    r = w.look(ssv=ssv, ssid=ssid)
    if expect == E.C_BAD_SUBSTREAMID:
        assert r.kind == "abort" and r.event == ev(E.C_BAD_SUBSTREAMID, SSV=0, SubstreamID=ssid)
    elif expect == E.F_STREAM_DISABLED:
        assert r.kind == "abort" and r.event == ev(E.F_STREAM_DISABLED)    # SID only
        assert r.event.SSV == 0 and r.event.SubstreamID == 0
    elif expect == "bypass":
        assert r.kind == "bypass" and r.cd is None and r.cd_addr is None
    else:
        assert r.kind == "s1" and r.cd.ASID == expect + 1 and r.cd_addr == CDT + 64 * expect


def test_substreamid_with_ssidsize0_features():
    w = s1_world(0)
    r = w.look(ssv=True, ssid=0, features=SmmuFeatures(SSIDSIZE=0))
    assert r.event == ev(E.C_BAD_SUBSTREAMID)
    # S1CDMax is IGNORED when SSIDSIZE=0: a large value is neither illegal nor used
    w = s1_world(0, S1CDMax=20, S1DSS=0)
    assert w.look(features=SmmuFeatures(SSIDSIZE=0)).kind == "s1"


def test_bad_substreamid_beats_stream_disabled():
    w = s1_world(0, s1dss=2)
    assert w.look(ssv=True, ssid=0).event.EventID == E.C_BAD_SUBSTREAMID


def test_s1dss_bypass_address_size_fault():
    w = s1_world(2, s1dss=1)
    r = w.look(addr=1 << 48, rnw=False, pnu=1, ind=1)
    assert r.event == ev(E.F_ADDR_SIZE, RnW=0, PnU=1, InD=0, CLASS=E.CLASS_IN, InputAddr=1 << 48)
    assert w.look(addr=(1 << 48) - 1).kind == "bypass"


def test_s1dss_bypass_does_not_fetch_cd():
    w = s1_world(2, s1dss=1, ncds=0)
    assert w.look(errors=[(CDT, CDT + 4096)]).kind == "bypass"


# ----------------------------------------------------------------- F_CD_FETCH
@pytest.mark.parametrize("lo,hi,aborts", [
    (0, 1, False), (3 * 64, 3 * 64 + 8, True), (3 * 64 + 24, 3 * 64 + 32, True), (3 * 64 + 31, 3 * 64 + 32, True),
    (3 * 64 + 32, 4 * 64, False), (2 * 64, 3 * 64, False), (2 * 64, 3 * 64 + 1, True),
])
def test_cd_fetch_reads_dw0_dw3(lo, hi, aborts):
    w = s1_world(2)
    r = w.look(ssv=True, ssid=3, errors=[(CDT + lo, CDT + hi)])
    if aborts:
        assert r.kind == "abort" and r.event == ev(E.F_CD_FETCH, SSV=1, SubstreamID=3, FetchAddr=CDT + 3 * 64)
        assert r.cd is None
    else:
        assert r.kind == "s1"


def test_cd_fetch_without_ssid_uses_cd0():
    w = s1_world(2, s1dss=2)
    assert w.look(ssid=3, errors=[(CDT, CDT + 1)]).event == ev(E.F_CD_FETCH, FetchAddr=CDT)


def test_cd_fetch_beats_cd_checks():
    w = World().ste(1, ste_s1(CDT))                           # CD memory zero: V=0
    assert w.look().event.EventID == E.C_BAD_CD
    assert w.look(errors=[(CDT + 16, CDT + 17)]).event.EventID == E.F_CD_FETCH


def test_cd_address_is_ptr_plus_index():
    w = World().ste(1, ste_s1(CDT + 0x40, 2))                 # not size-aligned: plain addition
    w.cd(3, good_cd(ASID=77), table=CDT + 0x40)
    r = w.look(ssv=True, ssid=3)
    assert r.cd_addr == CDT + 0x100 and r.cd.ASID == 77


# ----------------------------------------------------------------- C_BAD_CD (spec notes 4)
def _cd_result(cd, params=P, features=None, ste=None, **kw):
    w = World(params).ste(1, ste or ste_s1(CDT, 1)).cd(1, cd)
    return w.look(ssv=True, ssid=1, features=features, **kw)


def _bad_cd(cd, **kw):
    r = _cd_result(cd, **kw)
    assert r.kind == "abort" and r.event == ev(E.C_BAD_CD, SSV=1, SubstreamID=1), r.reason
    assert r.cd == cd


def _good_cd(cd, **kw):
    r = _cd_result(cd, **kw)
    assert r.kind == "s1" and r.event is None, r.reason
    assert r.cd == cd


def test_cd_valid_linux():
    _good_cd(good_cd())


def test_cd_v0():
    _bad_cd(good_cd(V=0))
    w = World().ste(1, ste_s1(CDT)).cd(0, good_cd(V=0))
    assert w.look().event == ev(E.C_BAD_CD)                  # no SSID: SSV=0 SSID=0


def test_cd_s_with_s1stalld():
    _bad_cd(good_cd(S=1), ste=ste_s1(CDT, 1, s1stalld=1))
    _good_cd(good_cd(S=0), ste=ste_s1(CDT, 1, s1stalld=1))


@pytest.mark.parametrize("stall_model,s,legal", [(0, 0, True), (0, 1, True), (1, 0, True), (1, 1, False),
                                                 (2, 0, False), (2, 1, True)])
def test_cd_s_vs_stall_model(stall_model, s, legal):
    (_good_cd if legal else _bad_cd)(good_cd(S=s), params=SmmuParams(STALL_MODEL=stall_model))


def test_cd_a0_legal_without_term_model():
    _good_cd(good_cd(A=0))
    _bad_cd(good_cd(A=0), features=SmmuFeatures(TERM_MODEL=1))
    _good_cd(good_cd(A=1), features=SmmuFeatures(TERM_MODEL=1))


def test_cd_endi():
    _bad_cd(good_cd(ENDI=1))
    _bad_cd(good_cd(ENDI=1, EPD0=1, EPD1=0, T1SZ=16, TG1=2, TTB1=TTB))
    _good_cd(good_cd(ENDI=1, EPD0=1, EPD1=1))


def test_cd_aa64():
    _bad_cd(good_cd(AA64=0))


@pytest.mark.parametrize("ha,hd", [(1, 0), (0, 1), (1, 1)])
def test_cd_httu(ha, hd):
    _bad_cd(good_cd(HA=ha, HD=hd))
    r = _cd_result(good_cd(HA=ha, HD=hd), features=SmmuFeatures(HTTU=1))
    assert r.kind == ("abort" if hd else "s1")
    _good_cd(good_cd(HA=ha, HD=hd), features=SmmuFeatures(HTTU=2))


def test_cd_asid16():
    _good_cd(good_cd(ASID=0xFFFF))
    _bad_cd(good_cd(ASID=0x100), features=SmmuFeatures(ASID16=0))
    _good_cd(good_cd(ASID=0xFF), features=SmmuFeatures(ASID16=0))


@pytest.mark.parametrize("tsz,legal", [(0, False), (15, False), (16, True), (25, True), (39, True), (40, False),
                                       (63, False)])
def test_cd_t0sz_range(tsz, legal):
    (_good_cd if legal else _bad_cd)(good_cd(T0SZ=tsz))
    _good_cd(good_cd(T0SZ=tsz, EPD0=1))                     # ignored when EPD0=1


@pytest.mark.parametrize("tg0,legal", [(0, True), (1, False), (2, False), (3, False)])
def test_cd_tg0(tg0, legal):
    (_good_cd if legal else _bad_cd)(good_cd(TG0=tg0))
    _good_cd(good_cd(TG0=tg0, EPD0=1))


@pytest.mark.parametrize("ips,oas,ttb,legal", [
    (5, 48, (1 << 48) - 16, True), (5, 48, 1 << 48, False), (6, 48, 1 << 48, False), (7, 48, (1 << 48) - 16, True),
    (2, 48, (1 << 40) - 16, True), (2, 48, 1 << 40, False), (0, 48, 1 << 32, False), (0, 48, 0xFFFF_F000, True),
    (5, 32, 1 << 32, False), (7, 40, (1 << 40) - 4096, True), (5, 36, 1 << 36, False), (1, 40, 1 << 36, False),
])
def test_cd_ttb0_vs_effective_ips(ips, oas, ttb, legal):
    p = SmmuParams(OAS_BITS=oas)
    (_good_cd if legal else _bad_cd)(good_cd(IPS=ips, TTB0=ttb), params=p)
    _good_cd(good_cd(IPS=ips, TTB0=ttb, EPD0=1), params=p)


@pytest.mark.parametrize("kw,legal", [
    (dict(T1SZ=16, TG1=2, TTB1=TTB), True), (dict(T1SZ=39, TG1=2, TTB1=0), True),
    (dict(T1SZ=15, TG1=2, TTB1=TTB), False), (dict(T1SZ=40, TG1=2, TTB1=TTB), False),
    (dict(T1SZ=16, TG1=0, TTB1=TTB), False), (dict(T1SZ=16, TG1=1, TTB1=TTB), False),
    (dict(T1SZ=16, TG1=3, TTB1=TTB), False), (dict(T1SZ=16, TG1=2, TTB1=1 << 48), False),
])
def test_cd_epd1_zero_checks_ttb1_half(kw, legal):
    (_good_cd if legal else _bad_cd)(good_cd(EPD1=0, **kw))
    _good_cd(good_cd(EPD1=1, **kw))


def test_cd_epd1_zero_checks_even_with_epd0_set():
    _bad_cd(good_cd(EPD0=1, EPD1=0, T1SZ=0))
    _good_cd(good_cd(EPD0=1, EPD1=0, T1SZ=20, TG1=2, TTB1=TTB))


def test_cd_unchecked_fields():
    _good_cd(good_cd(ASET=0, AFFD=1, WXN=1, UWXN=1, TBI0=1, TBI1=1, PAN=1, IR0=3, OR0=2, SH0=1,
                     MAIR=(1 << 64) - 1, R=0, RES=1 << 65))


def test_valid_stage1_result_carries_structures():
    w = s1_world(1)
    r = w.look(ssv=True, ssid=1)
    assert r.kind == "s1" and r.event is None
    assert r.ste == ste_s1(CDT, 1) and r.cd == good_cd()
    assert r.ste_addr == BASE + 64 and r.cd_addr == CDT + 64


def test_abort_ste_builder_is_silent():
    w = World().ste(1, ste_abort())
    assert w.look().event is None and w.look().kind == "abort"
