"""Command encodings (IHI 0070 chapter 4; spec-notes-config.md 6.2) and CERROR_ILL legality (6.3)."""

import pytest

from tb.model import commands as C
from tb.model.commands import command_legal, decode, encode, with_bits
from tb.model.config import SmmuFeatures

M64 = (1 << 64) - 1


def dw(cmd: bytes):
    v = int.from_bytes(cmd, "little")
    return v & M64, v >> 64


# --------------------------------------------------------------- encodings
@pytest.mark.parametrize("cmd,dw0,dw1", [
    (C.prefetch_config(0x12, 5, 1), 0x01 | 1 << 11 | 5 << 12 | 0x12 << 32, 0),
    (C.prefetch_addr(7, 0xABCD_E000, size=3), 0x02 | 7 << 32, 3 | 0xABCD_E000),
    (C.cfgi_ste(0xFF), 0x03 | 0xFF << 32, 1),
    (C.cfgi_ste(4, leaf=0), 0x03 | 4 << 32, 0),
    (C.cfgi_ste_range(0x40, 5), 0x04 | 0x40 << 32, 5),
    (C.cfgi_all(), 0x04, 31),
    (C.cfgi_cd(3, 0xFFFFF), 0x05 | 0xFFFFF << 12 | 3 << 32, 1),
    (C.cfgi_cd_all(9), 0x06 | 9 << 32, 0),
    (C.tlbi_nh_all(), 0x10, 0),
    (C.tlbi_nh_asid(0xBEEF), 0x11 | 0xBEEF << 48, 0),
    (C.tlbi_nh_va(5, 0xFFFF_1234_5678, leaf=1), 0x12 | 5 << 48, 1 | 0xFFFF_1234_5000),
    (C.tlbi_nh_va(5, 0x1000, TG=1, TTL=3, NUM=31, SCALE=31), 0x12 | 31 << 12 | 31 << 20 | 5 << 48,
     3 << 8 | 1 << 10 | 0x1000),
    (C.tlbi_nh_vaa(0x7000, leaf=1), 0x13, 1 | 0x7000),
    (C.tlbi_el2_all(), 0x20, 0), (C.tlbi_el2_asid(2), 0x21 | 2 << 48, 0),
    (C.tlbi_el2_va(2, 0x3000), 0x22 | 2 << 48, 0x3000), (C.tlbi_el2_vaa(0x3000), 0x23, 0x3000),
    (C.tlbi_s12_vmall(4), 0x28 | 4 << 32, 0), (C.tlbi_s2_ipa(0x8000, 4), 0x2A | 4 << 32, 0x8000),
    (C.tlbi_nsnh_all(), 0x30, 0),
    (C.atc_inv(1, 0x5000, 6, 2, 1, 1), 0x40 | 1 << 9 | 1 << 11 | 2 << 12 | 1 << 32, 6 | 0x5000),
    (C.pri_resp(1, 0x1FF, 1), 0x41 | 1 << 32, 0x1FF | 1 << 12),
    (C.resume(0xAB, 0x1234, "retry"), 0x44 | 1 << 12 | 0xAB << 32, 0x1234),
    (C.resume(0xAB, 0x1234, "abort"), 0x44 | 1 << 13 | 0xAB << 32, 0x1234),
    (C.resume(0xAB, 0x1234, "term"), 0x44 | 0xAB << 32, 0x1234),
    (C.stall_term(0x77), 0x45 | 0x77 << 32, 0),
    (C.sync(), 0x46, 0),
    (C.sync(C.CS_SEV), 0x46 | 2 << 12, 0),
    (C.sync(C.CS_IRQ, msh=3, msiattr=0xF, msidata=0xDEAD_BEEF, msiaddr=0xFF_FFFF_FFFF_FFFC),
     0x46 | 1 << 12 | 3 << 22 | 0xF << 24 | 0xDEAD_BEEF << 32, 0xFF_FFFF_FFFF_FFFC),
])
def test_encodings(cmd, dw0, dw1):
    assert len(cmd) == 16
    assert dw(cmd) == (dw0, dw1)
    c = decode(cmd)
    assert c.res == 0
    assert encode(c.op, **c.fields) == cmd


def test_encode_by_name_and_errors():
    assert encode("CFGI_STE", StreamID=1, Leaf=1) == C.cfgi_ste(1)
    with pytest.raises(KeyError):
        encode(C.CFGI_STE, ASID=1)
    with pytest.raises(ValueError):
        encode(C.SYNC, CS=4)
    with pytest.raises(ValueError):
        encode(C.TLBI_NH_VA, Addr=0x1234)       # Addr holds VA[63:12]


def test_decode_fields_and_reserved_bits():
    c = decode(with_bits(C.cfgi_ste(5), 8) )
    assert c.name == "CFGI_STE" and c["StreamID"] == 5 and c["Leaf"] == 1 and c.res == 1 << 8
    u = decode(bytes([0x99]) + bytes(15))
    assert u.name == "OP_0x99" and u.fields == {} and u.res == 0
    assert "STAG=0x7" in str(decode(C.resume(1, 7)))


# --------------------------------------------------------------- legality
LEGAL_OPS = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x13, 0x30, 0x44, 0x45, 0x46}


@pytest.mark.parametrize("stall_model", [0, 1, 2])
def test_every_opcode(stall_model):
    feat = SmmuFeatures(STALL_MODEL=stall_model)
    for op in range(256):
        legal, why = command_legal(bytes([op]) + bytes(15), feat)
        expect = op in LEGAL_OPS and not (stall_model == 1 and op in (0x44, 0x45))
        assert legal == expect, (hex(op), why)
        assert bool(why) != legal


@pytest.mark.parametrize("op", sorted(C.HAS_SSEC))
def test_ssec_is_ill_where_the_command_has_ssec(op):
    assert op in (0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x44, 0x45)
    legal, why = command_legal(with_bits(bytes([op]) + bytes(15), 10))
    assert not legal and "SSec" in why


@pytest.mark.parametrize("op", [0x10, 0x11, 0x12, 0x13, 0x30, 0x46])
def test_bit10_is_just_reserved_elsewhere(op):
    assert command_legal(with_bits(bytes([op]) + bytes(15), 10)) == (True, "")


@pytest.mark.parametrize("cmd,bit,width", [
    (C.cfgi_ste(1), 8, 1), (C.cfgi_ste(1), 65, 63), (C.cfgi_ste_range(0, 3), 69, 59),
    (C.cfgi_cd_all(1), 11, 21), (C.cfgi_cd_all(1), 64, 64), (C.cfgi_cd(1, 2), 11, 1),
    (C.tlbi_nh_all(), 8, 24), (C.tlbi_nh_all(), 48, 16), (C.tlbi_nh_all(), 64, 64),
    (C.tlbi_nh_asid(1), 8, 24), (C.tlbi_nsnh_all(), 8, 120), (C.tlbi_nh_va(1, 0), 65, 6),
    (C.prefetch_addr(0, 0), 69, 7), (C.resume(1, 2), 14, 18), (C.resume(1, 2), 80, 48),
    (C.stall_term(1), 11, 21), (C.stall_term(1), 64, 64), (C.sync(), 8, 4), (C.sync(), 14, 8),
    (C.sync(), 64, 2), (C.sync(), 120, 8),
])
def test_reserved_fields_are_ignored(cmd, bit, width):
    bad = with_bits(cmd, bit, (1 << width) - 1, width)
    assert bad != cmd
    assert command_legal(bad) == (True, "")


def test_vmid_and_high_asid_not_checked():
    assert command_legal(C.tlbi_nh_asid(0xFFFF, vmid=0xFFFF))[0]
    assert command_legal(C.tlbi_nh_va(0xFFFF, 0, vmid=3))[0]


@pytest.mark.parametrize("cs,legal", [(0, True), (1, True), (2, True), (3, False)])
def test_sync_cs(cs, legal):
    assert command_legal(C.sync(cs))[0] == legal


def test_range_tlbi_fields_are_res0_without_ril():
    cmd = C.tlbi_nh_va(1, 0x1000, TG=1)                   # the reserved range combination
    assert command_legal(cmd) == (True, "")
    assert command_legal(C.tlbi_nh_vaa(0x1000, TG=3, NUM=0, SCALE=0))[0]
    ril = SmmuFeatures(RIL=1)
    assert not command_legal(cmd, ril)[0]
    assert command_legal(C.tlbi_nh_va(1, 0x1000, TG=1, TTL=2), ril)[0]
    assert command_legal(C.tlbi_nh_va(1, 0x1000, TG=1, NUM=1), ril)[0]


@pytest.mark.parametrize("cmd,feature", [
    (C.tlbi_el2_all(), "HYP"), (C.tlbi_el2_asid(1), "HYP"), (C.tlbi_el2_va(1, 0), "HYP"),
    (C.tlbi_el2_vaa(0), "HYP"), (C.tlbi_s12_vmall(), "S2P"), (C.tlbi_s2_ipa(0), "S2P"),
    (C.atc_inv(0), "ATS"), (C.pri_resp(0, 0, 0), "PRI"),
])
def test_feature_commands(cmd, feature):
    legal, why = command_legal(cmd)
    assert not legal and feature in why
    assert command_legal(cmd, {feature: 1})[0]


@pytest.mark.parametrize("cmd", [C.cfgi_cd(0), C.cfgi_cd_all(0), C.tlbi_nh_all(), C.tlbi_nh_asid(1),
                                 C.tlbi_nh_va(1, 0), C.tlbi_nh_vaa(0)])
def test_stage1_commands_need_s1p(cmd):
    assert command_legal(cmd)[0]
    assert not command_legal(cmd, SmmuFeatures(S1P=0))[0]


def test_stage1_independent_commands_without_s1p():
    for cmd in (C.cfgi_ste(0), C.cfgi_all(), C.tlbi_nsnh_all(), C.sync(), C.prefetch_config(0)):
        assert command_legal(cmd, SmmuFeatures(S1P=0))[0]


def test_pri_resp_reserved_response():
    assert not command_legal(C.pri_resp(0, 0, 3), {"PRI": 1})[0]


@pytest.mark.parametrize("stall_model", [0, 1, 2])
def test_resume_and_stall_term_vs_stall_model(stall_model):
    for cmd in (C.resume(1, 2), C.resume(1, 2, "abort"), C.stall_term(1)):
        assert command_legal(cmd, SmmuFeatures(STALL_MODEL=stall_model))[0] == (stall_model != 1)


def test_default_features_are_this_smmu():
    assert command_legal(C.cfgi_cd(0), None)[0]
    assert not command_legal(C.tlbi_s2_ipa(0), None)[0]
