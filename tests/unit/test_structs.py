"""STE / CD encoders: field positions (IHI 0070 5.2, 5.4; spec-notes-config.md 2, 4), round trips, builders."""

import random

import pytest

from tb.model.structs import (CD_LAYOUT, CFG_BYPASS, CFG_S1, LINUX_MAIR, STE_LAYOUT, Cd, Ste, cd_fault_all,
                              cd_linux, ste_abort, ste_bypass, ste_s1)

M64 = (1 << 64) - 1

# (field, value, doubleword, value expected in that doubleword) - positions written out from the spec
STE_POS = [
    ("V", 1, 0, 1), ("Config", 7, 0, 0b1110), ("S1Fmt", 3, 0, 0b11 << 4),
    ("S1ContextPtr", ((1 << 56) - 1) & ~0x3F, 0, ((1 << 56) - 1) & ~0x3F), ("S1CDMax", 31, 0, 31 << 59),
    ("S1DSS", 3, 1, 3), ("S1CIR", 3, 1, 3 << 2), ("S1COR", 3, 1, 3 << 4), ("S1CSH", 3, 1, 3 << 6),
    ("MEV", 1, 1, 1 << 19), ("S1STALLD", 1, 1, 1 << 27), ("EATS", 3, 1, 3 << 28), ("STRW", 3, 1, 3 << 30),
    ("MemAttr", 15, 1, 15 << 32), ("MTCFG", 1, 1, 1 << 36), ("ALLOCCFG", 15, 1, 15 << 37),
    ("SHCFG", 3, 1, 3 << 44), ("NSCFG", 3, 1, 3 << 46), ("PRIVCFG", 3, 1, 3 << 48), ("INSTCFG", 3, 1, 3 << 50),
    ("S2VMID", 0xFFFF, 2, 0xFFFF), ("S2T0SZ", 63, 2, 63 << 32), ("S2PS", 7, 2, 7 << 48), ("S2AA64", 1, 2, 1 << 51),
    ("S2R", 1, 2, 1 << 58), ("S2TTB", ((1 << 52) - 1) & ~0xF, 3, ((1 << 52) - 1) & ~0xF),
]

CD_POS = [
    ("T0SZ", 63, 0, 63), ("TG0", 3, 0, 3 << 6), ("IR0", 3, 0, 3 << 8), ("OR0", 3, 0, 3 << 10),
    ("SH0", 3, 0, 3 << 12), ("EPD0", 1, 0, 1 << 14), ("ENDI", 1, 0, 1 << 15), ("T1SZ", 63, 0, 63 << 16),
    ("TG1", 3, 0, 3 << 22), ("EPD1", 1, 0, 1 << 30), ("V", 1, 0, 1 << 31), ("IPS", 7, 0, 7 << 32),
    ("AFFD", 1, 0, 1 << 35), ("WXN", 1, 0, 1 << 36), ("UWXN", 1, 0, 1 << 37), ("TBI0", 1, 0, 1 << 38),
    ("TBI1", 1, 0, 1 << 39), ("AA64", 1, 0, 1 << 41), ("HD", 1, 0, 1 << 42), ("HA", 1, 0, 1 << 43),
    ("S", 1, 0, 1 << 44), ("R", 1, 0, 1 << 45), ("A", 1, 0, 1 << 46), ("ASET", 1, 0, 1 << 47),
    ("ASID", 0xFFFF, 0, 0xFFFF << 48),
    ("TTB0", ((1 << 52) - 1) & ~0xF, 1, ((1 << 52) - 1) & ~0xF),
    ("TTB1", ((1 << 52) - 1) & ~0xF, 2, ((1 << 52) - 1) & ~0xF),
    ("MAIR", M64, 3, M64),
]


@pytest.mark.parametrize("name,value,dw,expect", STE_POS)
def test_ste_field_positions(name, value, dw, expect):
    ste = Ste(**{name: value})
    assert ste.dw(dw) == expect
    assert all(ste.dw(k) == 0 for k in range(8) if k != dw)
    assert Ste.unpack(ste.pack()) == ste


@pytest.mark.parametrize("name,value,dw,expect", CD_POS)
def test_cd_field_positions(name, value, dw, expect):
    cd = Cd(**{name: value})
    assert cd.dw(dw) == expect
    assert all(cd.dw(k) == 0 for k in range(8) if k != dw)
    assert Cd.unpack(cd.pack()) == cd


@pytest.mark.parametrize("cls", [Ste, Cd])
def test_random_round_trip_keeps_every_bit(cls):
    rng = random.Random(3)
    for _ in range(200):
        raw = bytes(rng.getrandbits(8) for _ in range(64))
        s = cls.unpack(raw)
        assert s.pack() == raw
        assert cls(**{k: getattr(s, k) for k in s.LAYOUT}).pack() == bytes(
            a & b for a, b in zip(raw, cls.field_mask().to_bytes(64, "little")))


@pytest.mark.parametrize("cls,layout", [(Ste, STE_LAYOUT), (Cd, CD_LAYOUT)])
def test_fields_do_not_overlap(cls, layout):
    seen = 0
    for lsb, width, _ in layout.values():
        m = ((1 << width) - 1) << lsb
        assert not seen & m
        seen |= m
    assert cls.field_mask() == seen and cls.res_mask() & seen == 0


def test_reserved_bits_are_kept_in_res():
    raw = (1 << 57 | 1 << (64 + 58)).to_bytes(64, "little")   # STE dw0[57] and dw1[58] are RES0
    s = Ste.unpack(raw)
    assert s.RES == 1 << 57 | 1 << 122 and s.nonzero() == {"RES": s.RES}
    assert s.pack() == raw


@pytest.mark.parametrize("kw", [dict(S1ContextPtr=0x1020), dict(Config=8), dict(S1CDMax=32),
                                dict(S1ContextPtr=1 << 56), dict(RES=1), dict(V=-1)])
def test_ste_pack_rejects_unrepresentable(kw):
    with pytest.raises(ValueError):
        Ste(**kw).pack()


@pytest.mark.parametrize("kw", [dict(TTB0=0x1008), dict(TTB1=1 << 52), dict(ASID=1 << 16)])
def test_cd_pack_rejects_unrepresentable(kw):
    with pytest.raises(ValueError):
        Cd(**kw).pack()


def test_short_buffer_rejected():
    with pytest.raises(ValueError):
        Ste.unpack(bytes(16))


# ------------------------------------------------------------------ Linux builders
def test_linux_abort_and_bypass_ste():
    assert ste_abort().dw(0) == 0x1 and ste_abort().dw(1) == 0
    b = ste_bypass()
    assert b.dw(0) == 0x9 and b.dw(1) == 1 << 44 and b.Config == CFG_BYPASS


def test_linux_s1_ste():
    s = ste_s1(0x8000_0040, 3)
    assert s.Config == CFG_S1 and s.V == 1
    assert s.dw(0) == 1 | CFG_S1 << 1 | 0x8000_0040 | 3 << 59
    assert s.dw(1) == 2 | 1 << 2 | 1 << 4 | 3 << 6          # S1DSS=SSID0, WB/WB, ISH
    assert ste_s1(0x1000, s1stalld=1).S1STALLD == 1


def test_linux_cd():
    c = cd_linux(5, 0x4000_1000)
    assert c.dw(0) == (16 | 1 << 8 | 1 << 10 | 3 << 12 | 1 << 30 | 1 << 31 | 5 << 32 | 1 << 41
                       | 1 << 45 | 1 << 46 | 1 << 47 | 5 << 48)
    assert c.dw(1) == 0x4000_1000 and c.dw(2) == 0 and c.dw(3) == LINUX_MAIR == 0xF404FF44
    assert cd_linux(1, 0, oas_bits=40, ias_bits=39, stall=True).nonzero()["IPS"] == 2
    assert cd_linux(1, 0, ias_bits=39, stall=True).T0SZ == 25
    f = cd_fault_all(7)
    assert f.EPD0 == f.EPD1 == 1 and f.S == 0 and f.R == 0 and f.V == 1 and f.ASID == 7
