"""Stage-1 translation model: input checks, per-level faults, priorities, permissions, events.

Expected values are written here from the architecture (IHI 0070 7.3.12-7.3.16, 7.3.22, 3.4.1,
5.4, 5.5; Arm ARM VMSAv8-64 stage-1 access permissions), independently of tb/model/translate.py:
the permission expectations come from the truth tables below, not from its helpers.
"""

import itertools

import numpy as np
import pytest

from tb.model import events as E
from tb.model import pagetable as PT
from tb.model.events import EventRecord
from tb.model.memory import SparseMemory
from tb.model.outcome import stage1_translate_outcome
from tb.model.config import ConfigResult
from tb.model.pagetable import SIZE_1G, SIZE_2M, SIZE_4K, Stage1Tables, TablePool
from tb.model.structs import IPS_ENCODING, cd_linux
from tb.model.translate import event_for, translate
from tb.regmap import SmmuParams

POOL = 0x4000_0000
POOL_SIZE = 1 << 24
ERR = [(0, 0)]


def world(t0sz=16, **cd_kw):
    mem = SparseMemory()
    t = Stage1Tables(mem, TablePool(POOL, POOL_SIZE), t0sz=t0sz)
    cd = cd_linux(7, t.ttb0, ias_bits=64 - t0sz)
    for k, v in cd_kw.items():
        setattr(cd, k, v)
    return mem, t, cd


def tr(mem, cd, va, **kw):
    kw.setdefault("rnw", True)
    kw.setdefault("pnu", 1)
    return translate(mem, cd, va=va, **kw)


def assert_fault(r, event_id, level, cls=E.CLASS_IN):
    assert not r.ok and r.pa is None
    assert r.fault is not None, "expected a fault"
    assert (r.fault.event_id, r.fault.level, r.fault.cls) == (event_id, level, cls), r.fault


# ------------------------------------------------------------------ truth tables (architecture)
# AP[2:1] -> (privileged read, privileged write, unprivileged read, unprivileged write)
AP_DATA = {0b00: (1, 1, 0, 0), 0b01: (1, 1, 1, 1), 0b10: (1, 0, 0, 0), 0b11: (1, 0, 1, 0)}


def expected_allowed(ap, uxn, pxn, wxn, pan, *, priv, ind, rnw, aptable=0):
    pr, pw, ur, uw = AP_DATA[ap]
    if aptable & 1:           # APTable bit 61: no EL0 access below
        ur = uw = 0
    if aptable & 2:           # APTable bit 62: no writes below
        pw = uw = 0
    if not rnw:
        ind = 0               # writes are Data (IHI 0070 13.1.2)
    if ind:
        if priv:              # privileged execute: PXN, EL0-writable, WXN with EL1-writable
            return not pxn and not uw and not (wxn and pw)
        return not uxn and not (wxn and uw)
    if priv:
        if pan and ur:        # PAN: privileged data access to EL0-accessible memory
            return False
        return bool(pr if rnw else pw)
    return bool(ur if rnw else uw)


ACCESSES = list(itertools.product((0, 1), (0, 1), (0, 1)))    # (priv, ind, rnw)


# ------------------------------------------------------------------ input checks
def test_simple_page_translation_and_attrs():
    mem, t, cd = world()
    t.map(0x1234_5000, 0xA_BCDE_F000, ng=0, attr_idx=2, sh=PT.SH_OSH)
    r = tr(mem, cd, 0x1234_5678)
    assert r.ok and r.pa == 0xA_BCDE_F678 and r.size == SIZE_4K and r.level == 3
    assert r.global_ and r.asid == 7 and r.block_base == 0x1234_5000
    assert r.attrs.attr_idx == 2 and r.attrs.mair_attr == 0x04 and r.attrs.sh == PT.SH_OSH
    assert [lvl for lvl, _, _ in r.walk] == [0, 1, 2, 3]
    assert [a for _, a, _ in r.walk] == [t.descriptor_address(0x1234_5000, lvl) for lvl in range(4)]
    t.map(0x1234_6000, 0x1000)                  # nG=1 default
    assert not tr(mem, cd, 0x1234_6000).global_


@pytest.mark.parametrize("t0sz,level", [(16, 0), (24, 0), (25, 1), (33, 1), (34, 2), (39, 2)])
def test_t0sz_start_levels_and_range(t0sz, level):
    mem, t, cd = world(t0sz)
    top = (1 << (64 - t0sz)) - SIZE_4K
    t.map(top, 0x7000)
    t.map(0, 0x9000)
    r = tr(mem, cd, top + 0xFF8)
    assert r.ok and r.pa == 0x7FF8 and r.walk[0][0] == level and len(r.walk) == 4 - level
    assert r.walk[0][1] == t.root + 8 * ((top >> PT.level_shift(level)) & ((PT.table_bytes(level, t0sz) // 8) - 1))
    assert tr(mem, cd, 0x10).pa == 0x9010
    out = tr(mem, cd, top + SIZE_4K)                 # first VA beyond 2^(64-T0SZ)
    assert_fault(out, E.F_TRANSLATION, None)
    assert out.walk == []


def test_block_at_l1_and_l2():
    mem, t, cd = world()
    t.map(0x80_4000_0000, 0x1_C000_0000, SIZE_1G)
    t.map(0x80_8060_0000, 0x3_0020_0000, SIZE_2M)
    r = tr(mem, cd, 0x80_4000_0000 + 0x3ABC_DEF1)
    assert r.ok and r.level == 1 and r.size == SIZE_1G and r.pa == 0x1_C000_0000 + 0x3ABC_DEF1
    assert len(r.walk) == 2
    r = tr(mem, cd, 0x80_8060_0000 + 0x1F_FFFF)
    assert r.ok and r.level == 2 and r.size == SIZE_2M and r.pa == 0x3_0020_0000 + 0x1F_FFFF
    assert len(r.walk) == 3


def test_block_oa_ignores_low_descriptor_bits():
    # bits [29:12] of an L1 block / [20:12] of an L2 block are not part of the OA
    mem, t, cd = world()
    t.map(0x4000_0000, 0x8000_0000, SIZE_1G)
    a = t.descriptor_address(0x4000_0000, 1)
    mem.write_u64(a, mem.read_u64(a) | 0x3FFF_F000)
    assert tr(mem, cd, 0x4000_1234).pa == 0x8000_1234


@pytest.mark.parametrize("tbi", [0, 1])
def test_tbi(tbi):
    mem, t, cd = world(TBI0=tbi)
    t.map(0x5000, 0x2_0000_0000)
    va = 0xAB00_0000_0000_5010
    r = tr(mem, cd, va)
    if tbi:
        assert r.ok and r.pa == 0x2_0000_0010
    else:
        assert_fault(r, E.F_TRANSLATION, None)
        ev = event_for(cd, r, sid=1, va=va)
        assert ev.InputAddr == va                # InputAddr keeps the top byte (7.3)
    # bits [55:48] are checked whatever TBI0 says
    assert_fault(tr(mem, cd, 0x0001_0000_0000_5010), E.F_TRANSLATION, None)
    assert_fault(tr(mem, cd, 0xAB7F_0000_0000_5010), E.F_TRANSLATION, None)


@pytest.mark.parametrize("va", [0xFFFF_FFFF_FFFF_F000, 0x0080_0000_0000_0000, 0xFFFF_8000_0000_0000])
def test_upper_half_epd1(va):
    mem, t, cd = world(TBI0=1)
    assert cd.EPD1 == 1
    r = tr(mem, cd, va)
    assert_fault(r, E.F_TRANSLATION, None)
    assert r.walk == []
    cd.EPD1 = 0
    with pytest.raises(NotImplementedError):
        tr(mem, cd, va)


def test_epd0_no_walk():
    mem, t, cd = world(EPD0=1)
    t.map(0x1000, 0x2000)
    r = tr(mem, cd, 0x1000, error_ranges=[(POOL, POOL + POOL_SIZE)])   # a walk would abort
    assert_fault(r, E.F_TRANSLATION, None)
    assert r.walk == []


# ------------------------------------------------------------------ per-level faults
@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_invalid_descriptor_each_level(level):
    mem, t, cd = world()
    va = 0x12_3456_7000
    t.map(va, 0x1000)
    t.put_invalid(va, level, junk=0xFFFF_FFFF_FFFF_FFFE)
    r = tr(mem, cd, va)
    assert_fault(r, E.F_TRANSLATION, level)
    assert len(r.walk) == level + 1


def test_reserved_l3_and_l0_block():
    mem, t, cd = world()
    t.put_reserved_l3(0x3000, 0x5000)
    assert_fault(tr(mem, cd, 0x3000), E.F_TRANSLATION, 3)
    t.put_l0_block(0x80_0000_0000)
    assert_fault(tr(mem, cd, 0x80_0000_1000), E.F_TRANSLATION, 0)


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_walk_abort_each_level(level):
    mem, t, cd = world()
    va = 0x12_3456_7000
    t.map(va, 0x1000)
    daddr = t.descriptor_address(va, level)
    r = tr(mem, cd, va, error_ranges=[(daddr, daddr + 8)])
    assert_fault(r, E.F_WALK_EABT, level, cls=E.CLASS_TT)
    assert r.fault.fetch_addr == daddr
    assert len(r.walk) == level                  # the aborted read returns nothing
    ev = event_for(cd, r, sid=9, ssid=3, ssv=True, rnw=False, pnu=0, ind=1, stall=True, stag=5)
    assert (ev.EventID, ev.CLASS, ev.FetchAddr, ev.Stall, ev.STAG) == (E.F_WALK_EABT, E.CLASS_TT, daddr, 0, 0)
    assert (ev.StreamID, ev.SSV, ev.SubstreamID, ev.RnW, ev.InD, ev.S2) == (9, 1, 3, 0, 0, 0)
    assert EventRecord.unpack(ev.pack()) == ev
    # an abort range that only touches a neighbouring descriptor does not fault
    assert tr(mem, cd, va, error_ranges=[(daddr + 8, daddr + 16)]).ok


@pytest.mark.parametrize("ips_bits,oas", [(32, 48), (36, 48), (40, 48), (48, 40), (44, 42)])
@pytest.mark.parametrize("level", [0, 1, 2])
def test_addr_size_on_table_descriptor(ips_bits, oas, level):
    eff = min(ips_bits, oas)
    mem, t, cd = world(IPS=IPS_ENCODING[ips_bits])
    va = 0x4_1234_5000
    t.map(va, 0x1000)
    a = t.descriptor_address(va, level)
    desc = mem.read_u64(a)
    nxt = desc & PT.OA_MASK
    # copy the next-level table to 2^eff + nxt (an address just beyond the effective IPS)
    far = (1 << eff) | nxt
    mem.write(far, mem.read(nxt, 4096))
    mem.write_u64(a, (desc & ~PT.OA_MASK) | far)
    assert_fault(tr(mem, cd, va, oas_bits=oas), E.F_ADDR_SIZE, level)
    # the same table just below the limit walks fine
    near = (1 << eff) - 0x10_0000
    mem.write(near, mem.read(nxt, 4096))
    mem.write_u64(a, (desc & ~PT.OA_MASK) | near)
    assert tr(mem, cd, va, oas_bits=oas).ok


@pytest.mark.parametrize("size", [SIZE_4K, SIZE_2M, SIZE_1G])
@pytest.mark.parametrize("ips_bits,oas", [(32, 48), (48, 40), (48, 48)])
def test_addr_size_on_leaf(size, ips_bits, oas):
    eff = min(ips_bits, oas)
    mem, t, cd = world(IPS=IPS_ENCODING[ips_bits])
    level = PT.LEVEL_OF_SIZE[size]
    last_ok = (1 << eff) - size
    t.map(0, last_ok, size)
    r = tr(mem, cd, size - 1, oas_bits=oas)
    assert r.ok and r.pa == (1 << eff) - 1
    if eff < 48:
        t.map(0, 1 << eff, size, replace_existing=True)
        assert_fault(tr(mem, cd, 0, oas_bits=oas), E.F_ADDR_SIZE, level)


@pytest.mark.parametrize("size", [SIZE_4K, SIZE_2M, SIZE_1G])
def test_access_flag(size):
    mem, t, cd = world()
    t.map(0, 0x8000_0000, size, af=0)
    assert_fault(tr(mem, cd, 0x10), E.F_ACCESS, PT.LEVEL_OF_SIZE[size])
    cd.AFFD = 1
    assert tr(mem, cd, 0x10).pa == 0x8000_0010


# ------------------------------------------------------------------ priorities (7.3.22)
def test_priority_order():
    mem, t, cd = world(IPS=IPS_ENCODING[32])
    # F_ACCESS before F_PERMISSION: AF=0 on a page the access may not use either
    t.map(0x1000, 0x1000, ap=PT.AP_PRIV_RO, af=0)
    assert tr(mem, cd, 0x1000, rnw=False, pnu=0).fault.event_id == E.F_ACCESS
    # F_ADDR_SIZE before F_ACCESS: OA beyond IPS and AF=0
    t.map(0x2000, 1 << 32, af=0)
    assert tr(mem, cd, 0x2000).fault.event_id == E.F_ADDR_SIZE
    # F_WALK_EABT at level 1 before anything found at lower levels
    a1 = t.descriptor_address(0x2000, 1)
    assert tr(mem, cd, 0x2000, error_ranges=[(a1, a1 + 8)]).fault.event_id == E.F_WALK_EABT
    # input range before the walk: an out-of-range VA never reads a descriptor
    r = tr(mem, cd, 1 << 48, error_ranges=[(POOL, POOL + POOL_SIZE)])
    assert r.fault.event_id == E.F_TRANSLATION and r.walk == []


# ------------------------------------------------------------------ permissions
@pytest.mark.parametrize("ap,uxn,pxn,wxn,pan", list(itertools.product(range(4), (0, 1), (0, 1), (0, 1), (0, 1))))
def test_permission_matrix(ap, uxn, pxn, wxn, pan):
    mem, t, cd = world(WXN=wxn, PAN=pan)
    t.map(0x7000, 0x3_0000_7000, ap=ap, uxn=uxn, pxn=pxn)
    for priv, ind, rnw in ACCESSES:
        r = tr(mem, cd, 0x7008, rnw=bool(rnw), pnu=priv, ind=ind)
        want = expected_allowed(ap, uxn, pxn, wxn, pan, priv=priv, ind=ind, rnw=rnw)
        assert r.ok == want, (dict(priv=priv, ind=ind, rnw=rnw), r.fault)
        if want:
            assert r.pa == 0x3_0000_7008
        else:
            assert_fault(r, E.F_PERMISSION, 3)


def test_permission_spot_checks():
    """A few rows spelled out (Arm ARM stage-1 EL1&0 tables), in case the truth table is wrong."""
    mem, t, cd = world()
    t.map(0x1000, 0x1000, ap=PT.AP_RW)          # EL0-writable: privileged execute faults
    assert not tr(mem, cd, 0x1000, pnu=1, ind=1).ok
    assert tr(mem, cd, 0x1000, pnu=0, ind=1).ok
    t.map(0x2000, 0x2000, ap=PT.AP_PRIV_RW)     # EL0 none: EL0 data faults, EL0 execute-only allowed
    assert not tr(mem, cd, 0x2000, pnu=0).ok and not tr(mem, cd, 0x2000, pnu=0, rnw=False).ok
    assert tr(mem, cd, 0x2000, pnu=0, ind=1).ok
    t.map(0x3000, 0x3000, ap=PT.AP_RO, uxn=1, pxn=1)   # read-only, no-exec
    assert tr(mem, cd, 0x3000, pnu=0).ok and not tr(mem, cd, 0x3000, pnu=0, rnw=False).ok
    assert not tr(mem, cd, 0x3000, pnu=1, ind=1).ok
    # a write marked Instruction is a data write: XN does not matter, InD=0 in the record
    t.map(0x4000, 0x4000, ap=PT.AP_RW, uxn=1, pxn=1)
    assert tr(mem, cd, 0x4000, pnu=0, rnw=False, ind=1).ok
    t.map(0x5000, 0x5000, ap=PT.AP_RO)
    r = tr(mem, cd, 0x5000, pnu=0, rnw=False, ind=1)
    ev = event_for(cd, r, sid=2, rnw=False, pnu=0, ind=1)
    assert (ev.EventID, ev.InD, ev.RnW, ev.CLASS, ev.TTRnW) == (E.F_PERMISSION, 0, 0, E.CLASS_IN, 0)
    # UWXN is IGNORED for VMSAv8-64 (IHI 0070 5.4)
    cd.UWXN = 1
    assert tr(mem, cd, 0x2000, pnu=1, ind=1).ok


def test_ifetch_needs_read_option():
    mem, t, cd = world()
    t.map(0x2000, 0x2000, ap=PT.AP_PRIV_RW)     # EL0 execute-only
    assert tr(mem, cd, 0x2000, pnu=0, ind=1).ok
    assert not tr(mem, cd, 0x2000, pnu=0, ind=1, ifetch_needs_read=True).ok


@pytest.mark.parametrize("aptable", [0b00, 0b01, 0b10, 0b11])
@pytest.mark.parametrize("at_level", [0, 1, 2])
def test_aptable_inheritance(aptable, at_level):
    mem, t, cd = world()
    t.map(0x40_0000, 0x40_0000, ap=PT.AP_RW)    # fully permissive leaf
    t.set_table_attrs(0x40_0000, at_level, aptable=aptable)
    for priv, ind, rnw in ACCESSES:
        r = tr(mem, cd, 0x40_0000, rnw=bool(rnw), pnu=priv, ind=ind)
        want = expected_allowed(PT.AP_RW, 0, 0, 0, 0, priv=priv, ind=ind, rnw=rnw, aptable=aptable)
        assert r.ok == want, (aptable, at_level, priv, ind, rnw)


def test_aptable_accumulates_across_levels():
    mem, t, cd = world()
    t.map(0x40_0000, 0x40_0000, ap=PT.AP_RW)
    t.set_table_attrs(0x40_0000, 0, aptable=PT.APTABLE_NO_EL0)
    t.set_table_attrs(0x40_0000, 2, aptable=PT.APTABLE_NO_WRITE)
    assert not tr(mem, cd, 0x40_0000, pnu=0).ok                 # from level 0
    assert not tr(mem, cd, 0x40_0000, pnu=1, rnw=False).ok      # from level 2
    assert tr(mem, cd, 0x40_0000, pnu=1).ok
    # APTable never grants: leaf read-only stays read-only under APTable=0
    t.map(0x40_1000, 0x1000, ap=PT.AP_RO)
    t.set_table_attrs(0x40_1000, 0, aptable=0)
    assert not tr(mem, cd, 0x40_1000, pnu=1, rnw=False).ok


@pytest.mark.parametrize("at_level", [0, 1, 2])
def test_xntable_inheritance(at_level):
    mem, t, cd = world()
    t.map(0x20_0000, 0x20_0000, ap=PT.AP_RO)    # executable at both ELs
    assert tr(mem, cd, 0x20_0000, pnu=0, ind=1).ok and tr(mem, cd, 0x20_0000, pnu=1, ind=1).ok
    t.set_table_attrs(0x20_0000, at_level, uxntable=1)
    assert not tr(mem, cd, 0x20_0000, pnu=0, ind=1).ok and tr(mem, cd, 0x20_0000, pnu=1, ind=1).ok
    t.set_table_attrs(0x20_0000, at_level, uxntable=0, pxntable=1)
    assert tr(mem, cd, 0x20_0000, pnu=0, ind=1).ok and not tr(mem, cd, 0x20_0000, pnu=1, ind=1).ok
    assert tr(mem, cd, 0x20_0000, pnu=1).ok                     # data reads unaffected
    # table attributes only affect the subtree below that descriptor
    t.map(0x80_0000_0000, 0x5000, ap=PT.AP_RO)
    if at_level == 0:
        assert tr(mem, cd, 0x80_0000_0000, pnu=1, ind=1).ok


def test_block_leaf_inherits_table_attrs():
    mem, t, cd = world()
    t.map(0x4000_0000, 0x4000_0000, SIZE_1G, ap=PT.AP_RW)
    t.set_table_attrs(0x4000_0000, 0, aptable=PT.APTABLE_NO_WRITE, uxntable=1)
    assert not tr(mem, cd, 0x4000_0000, pnu=1, rnw=False).ok
    assert not tr(mem, cd, 0x4000_0000, pnu=0, ind=1).ok
    assert tr(mem, cd, 0x4000_0000, pnu=0).ok


# ------------------------------------------------------------------ events and outcomes
def test_event_for_translation_faults():
    mem, t, cd = world()
    r = tr(mem, cd, 0x9000)
    ev = event_for(cd, r, sid=0x21, ssid=0x5, ssv=True, rnw=True, pnu=1, ind=1, stall=True, stag=0xBEEF)
    assert ev == EventRecord(EventID=E.F_TRANSLATION, StreamID=0x21, SSV=1, SubstreamID=5, STAG=0xBEEF,
                             Stall=1, PnU=1, InD=1, RnW=1, CLASS=E.CLASS_IN, InputAddr=0x9000)
    ev = event_for(cd, r, sid=0x21, ssid=0x5, ssv=False)
    assert ev.SSV == 0 and ev.SubstreamID == 0 and ev.Stall == 0 and ev.STAG == 0
    assert EventRecord.unpack(ev.pack()) == ev
    with pytest.raises(ValueError):
        t.map(0x9000, 0x1000)
        event_for(cd, tr(mem, cd, 0x9000), sid=1)


def _cfg(cd):
    return ConfigResult("s1", None, cd=cd)


@pytest.mark.parametrize("s,r,a,kind,recorded", [
    (1, 0, 1, "stall", True), (1, 1, 0, "stall", True), (0, 1, 1, "abort", True),
    (0, 0, 1, "abort", False), (0, 1, 0, "raz", True), (0, 0, 0, "raz", False)])
def test_stage1_translate_outcome_fault_config(s, r, a, kind, recorded):
    mem, t, cd = world(S=s, R=r, A=a)
    P = SmmuParams()
    out = stage1_translate_outcome(_cfg(cd), mem, P, addr=0x9000, is_read=True, prot=0b001, sid=3, stag=12)
    assert out.kind == kind and (out.event is not None) == recorded
    if recorded:
        assert out.event.EventID == E.F_TRANSLATION and out.event.Stall == s and out.event.STAG == (12 if s else 0)
    # F_WALK_EABT: always an abort with a record, whatever S/R/A say (IHI 0070 5.5)
    t.map(0x9000, 0x1000)
    a3 = t.descriptor_address(0x9000, 3)
    out = stage1_translate_outcome(_cfg(cd), mem, P, addr=0x9000, is_read=False, prot=0, sid=3,
                                   error_ranges=[(a3, a3 + 8)])
    assert out.kind == "abort" and out.event.EventID == E.F_WALK_EABT and out.event.FetchAddr == a3
    out = stage1_translate_outcome(_cfg(cd), mem, P, addr=0x9123, is_read=False, prot=0, sid=3)
    assert out.kind == "translate" and out.out_addr == 0x1123 and out.event is None


# ------------------------------------------------------------------ random round trips
@pytest.mark.parametrize("seed", range(6))
def test_random_round_trip(seed):
    g = np.random.default_rng(seed)
    t0sz = int(g.choice([16, 20, 24, 25, 30, 33, 34, 39]))
    pool = TablePool(POOL, POOL_SIZE)
    layout = PT.random_layout(g, 80, t0sz=t0sz, avoid_pa=[pool.range], pa_range=(0, 1 << 40))
    mem = SparseMemory()
    t = PT.build(mem, pool, layout, t0sz=t0sz)
    cd = cd_linux(3, t.ttb0, ias_bits=64 - t0sz)
    cd.WXN = int(g.integers(0, 2))
    for m in layout:
        for _ in range(3):
            off = int(g.integers(0, m.size))
            priv, ind, rnw = ACCESSES[int(g.integers(0, len(ACCESSES)))]
            r = translate(mem, cd, va=m.va + off, rnw=bool(rnw), pnu=priv, ind=ind)
            if not m.af:
                assert_fault(r, E.F_ACCESS, m.level)
                continue
            want = expected_allowed(m.ap, m.uxn, m.pxn, cd.WXN, 0, priv=priv, ind=ind, rnw=rnw)
            if want:
                assert r.ok and r.pa == m.pa + off and r.size == m.size and r.global_ == (not m.ng)
            else:
                assert_fault(r, E.F_PERMISSION, m.level)
    # VAs that no mapping covers fault with F_TRANSLATION at the level where the walk stopped
    ias = 64 - t0sz
    probes = [int(x) << 12 for x in g.integers(0, 1 << (ias - 12), size=200)]
    probes += [m.va + m.size for m in layout] + [m.va - SIZE_4K for m in layout if m.va]
    for va in probes:
        if va >> ias or any(m.contains(va) for m in layout):
            continue
        r = translate(mem, cd, va=va, rnw=True, pnu=1)
        assert r.fault is not None and r.fault.event_id == E.F_TRANSLATION
        assert r.fault.level == r.walk[-1][0] and r.fault.cls == E.CLASS_IN
    # unmapping everything makes every mapped VA fault
    for m in layout[:10]:
        t.unmap(m.va)
        assert translate(mem, cd, va=m.va, rnw=True, pnu=1).fault.event_id == E.F_TRANSLATION
