"""Reset values and write masks, from the SMMUv3 spec bit positions (not from regmap's formulas)."""

import pytest

from tb.model import RegisterModel
from tb.regmap import BY_OFFSET, FEATURES, REGS, SmmuParams, guard_blocks, writable_mask

OAS_ENC = {32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5}   # IDR5.OAS, IHI 0070

PARAM_SETS = [
    SmmuParams(),
    SmmuParams(SID_W=1, SSID_W=1),
    SmmuParams(SID_W=32, SSID_W=20),
    SmmuParams(STALL_MAX=1),
    SmmuParams(STALL_MODEL=1),
    SmmuParams(STALL_MODEL=2, STALL_MAX=0xFFFF),
    SmmuParams(DATA_W=128, ID_W=1, TLB_ENTRIES=1),
] + [SmmuParams(OAS_BITS=o) for o in OAS_ENC]


def _pid(p):
    d = SmmuParams()
    return ",".join(f"{k}={v}" for k, v in p.hdl().items() if v != getattr(d, k)) or "default"


def spec_reset(name, p):
    """Expected reset value of every register, from the spec's bit positions."""
    f = FEATURES
    if name == "IDR0":
        return (f["S2P"] << 0 | f["S1P"] << 1 | f["TTF"] << 2 | f["ASID16"] << 12
                | f["TTENDIAN"] << 21 | p.STALL_MODEL << 24 | f["TERM_MODEL"] << 26 | f["ST_LEVEL"] << 27)
    if name == "IDR1":
        return (p.SID_W | p.SSID_W << 6 | f["EVENTQS"] << 16 | f["CMDQS"] << 21
                | f["ATTR_PERMS_OVR"] << 26 | f["ATTR_TYPES_OVR"] << 27)
    if name == "IDR5":
        return OAS_ENC[p.OAS_BITS] | f["GRAN4K"] << 4 | p.STALL_MAX << 16
    if name == "IIDR":
        return f["IIDR"]
    if name == "AIDR":
        return f["AIDR"]
    if name == "GBPA":
        return 0x0000_1000        # interface.md: SHCFG = use incoming, ABORT = 0, UPDATE = 0
    return 0                      # CR0 = CR0ACK = IRQ_CTRL = 0, queues empty


@pytest.mark.parametrize("p", PARAM_SETS, ids=_pid)
def test_reset_values_every_register(p):
    m = RegisterModel(p)
    for name, reg in REGS.items():
        assert m.read(reg.offset) == spec_reset(name, p), name


def test_reset_default_literals():
    m = RegisterModel()
    assert m.read_name("IDR0") == 0x0040_100A          # S1P, TTF=AArch64, ASID16, TTENDIAN=LE
    assert m.read_name("IDR1") == 0x0E73_0208          # SIDSIZE 8, SSIDSIZE 8, EVENTQS=CMDQS=19, ATTR_*_OVR
    assert m.read_name("IDR5") == 0x0010_0015          # OAS 48, GRAN4K, STALL_MAX 16
    assert m.read_name("GBPA") == 0x0000_1000


def test_idr_capacity_fields_respect_linux_limits():
    # Linux refuses TABLES_PRESET/QUEUES_PRESET/REL and CMDQS <= 6 (smmuv3-facts 1)
    v = RegisterModel().read_name("IDR1")
    assert (v >> 28) & 0x7 == 0
    assert (v >> 21) & 0x1F > 6


def test_offsets_spec():
    expect = {"IDR0": 0x0, "IDR1": 0x4, "IDR5": 0x14, "IIDR": 0x18, "AIDR": 0x1C, "CR0": 0x20,
              "CR0ACK": 0x24, "CR1": 0x28, "CR2": 0x2C, "GBPA": 0x44, "IRQ_CTRL": 0x50,
              "IRQ_CTRLACK": 0x54, "GERROR": 0x60, "GERRORN": 0x64, "STRTAB_BASE": 0x80,
              "STRTAB_BASE_CFG": 0x88, "CMDQ_BASE": 0x90, "CMDQ_PROD": 0x98, "CMDQ_CONS": 0x9C,
              "EVENTQ_BASE": 0xA0, "EVENTQ_PROD": 0x100A8, "EVENTQ_CONS": 0x100AC}
    for name, off in expect.items():
        assert REGS[name].offset == off, name
    assert len(BY_OFFSET) == len(REGS), "two registers share an offset"
    assert all(off % 4 == 0 for off in BY_OFFSET)


def test_fields_inside_32_bits_and_disjoint():
    for reg in REGS.values():
        seen = 0
        for f in reg.fields:
            assert f.mask >> 32 == 0, (reg.name, f.name)
            assert seen & f.mask == 0, (reg.name, f.name)
            seen |= f.mask
        assert reg.wmask(SmmuParams()) & ~seen == 0, f"{reg.name}: writable bits outside fields"


@pytest.mark.parametrize("oas,hi", [(32, 0x4000_0000), (36, 0x4000_000F), (40, 0x4000_00FF),
                                    (42, 0x4000_03FF), (44, 0x4000_0FFF), (48, 0x4000_FFFF)])
def test_base_high_words_res0_above_oas(oas, hi):
    p = SmmuParams(OAS_BITS=oas)
    for name in ("STRTAB_BASE_HI", "CMDQ_BASE_HI", "EVENTQ_BASE_HI"):
        m = RegisterModel(p)
        m.write_name(name, 0xFFFF_FFFF)
        assert m.read_name(name) == hi, name


def test_guard_blocks_checks_cr0_and_cr0ack():
    # guards hold while either the control bit or its acknowledge is 1 (update in flight)
    for g, bit in (("SMMUEN", 1), ("EVENTQEN", 4), ("CMDQEN", 8)):
        assert not guard_blocks(g, 0, 0)
        assert guard_blocks(g, bit, 0)
        assert guard_blocks(g, 0, bit)
        assert guard_blocks(g, bit, bit)
    assert not guard_blocks("SMMUEN", 0xE, 0xE)
    assert not guard_blocks(None, 0xF, 0xF)


def test_cr1_field_guards():
    p = SmmuParams()
    assert writable_mask("CR1", p, 0, 0) == 0xFFF
    assert writable_mask("CR1", p, 0x1, 0x1) == 0x03F          # TABLE_* frozen by SMMUEN
    assert writable_mask("CR1", p, 0x8, 0x0) == 0xFC0          # QUEUE_* frozen by CMDQEN
    assert writable_mask("CR1", p, 0x0, 0x4) == 0xFC0          # ... or EVENTQENACK
    assert writable_mask("CR1", p, 0xD, 0xD) == 0x000
