"""RegisterModel behaviour: masks, guards, 64-bit halves, GBPA, GERROR, interrupts, strobes."""

import random

import pytest

from tb.model import RegisterModel
from tb.regmap import REGS, SmmuParams, fields, reset_value

RO = ["IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5", "IIDR", "AIDR", "CR0ACK", "STATUSR",
      "IRQ_CTRLACK", "GERROR"]

# Implemented writable bits per register, from the spec fields the project implements.
WMASK = {
    "CR0": 0x0000_000D,          # SMMUEN EVENTQEN CMDQEN (PRIQEN/ATSCHK/VMW RES0)
    "CR1": 0x0000_0FFF,
    "CR2": 0x0000_0006,          # RECINVSID PTM (E2H RES0: no HYP)
    "IRQ_CTRL": 0x0000_0005,     # GERROR_IRQEN EVENTQ_IRQEN (no PRI)
    "GERRORN": 0x0000_0105,      # CMDQ_ERR EVENTQ_ABT_ERR SFM_ERR (no PRI, no MSI)
    "STRTAB_BASE": 0xFFFF_FFC0,
    "STRTAB_BASE_CFG": 0x0003_07FF,
    "CMDQ_BASE": 0xFFFF_FFFF,
    "CMDQ_PROD": 0x000F_FFFF,
    "CMDQ_CONS": 0x000F_FFFF,
    "EVENTQ_BASE": 0xFFFF_FFFF,
    "EVENTQ_PROD": 0x800F_FFFF,
    "EVENTQ_CONS": 0x800F_FFFF,
}


@pytest.fixture
def m():
    return RegisterModel(SmmuParams())


@pytest.mark.parametrize("name", RO)
def test_read_only_registers_ignore_writes(m, name):
    for v in (0xFFFF_FFFF, 0x0, 0xA5A5_5A5A):
        m.write_name(name, v)
        assert m.read_name(name) == reset_value(name), name


@pytest.mark.parametrize("name", sorted(WMASK))
def test_write_masks(name):
    for v in (0xFFFF_FFFF, 0x0, 0x5A5A_A5A5, 0xA5A5_5A5A):
        m = RegisterModel()
        m.write_name(name, v)
        assert m.read_name(name) == v & WMASK[name], (name, hex(v))


def test_write_masks_cover_regmap():
    writable = {n for n, r in REGS.items() if r.wmask(SmmuParams()) and r.guard != "GBPA"}
    assert writable - {"STRTAB_BASE_HI", "CMDQ_BASE_HI", "EVENTQ_BASE_HI"} == set(WMASK)
    assert set(RO) | writable | {"GBPA"} == set(REGS)


def test_cr0_ack_follows(m):
    m.write_name("CR0", 0xFFFF_FFFF)
    assert m.read_name("CR0ACK") == 0xD
    assert m.smmuen and m.cmdqen and m.eventqen
    m.write_name("CR0", fields("CR0", CMDQEN=1))
    assert m.read_name("CR0ACK") == 0x8 and not m.smmuen


def test_irq_ctrl_ack_follows(m):
    m.write_name("IRQ_CTRL", 0x7)
    assert m.read_name("IRQ_CTRL") == 0x5
    assert m.read_name("IRQ_CTRLACK") == 0x5


GUARDED = {
    "SMMUEN": ["STRTAB_BASE", "STRTAB_BASE_HI", "STRTAB_BASE_CFG", "CR2"],
    "CMDQEN": ["CMDQ_BASE", "CMDQ_BASE_HI", "CMDQ_CONS"],
    "EVENTQEN": ["EVENTQ_BASE", "EVENTQ_BASE_HI", "EVENTQ_PROD"],
}
FREE_WHILE = {   # registers the same enable must NOT freeze
    "SMMUEN": ["CMDQ_BASE", "CMDQ_PROD", "EVENTQ_BASE", "GERRORN", "IRQ_CTRL"],
    "CMDQEN": ["CMDQ_PROD", "STRTAB_BASE", "EVENTQ_BASE", "EVENTQ_PROD"],
    "EVENTQEN": ["EVENTQ_CONS", "CMDQ_BASE", "CMDQ_CONS", "STRTAB_BASE"],
}


@pytest.mark.parametrize("enable", sorted(GUARDED))
def test_guards(enable):
    m = RegisterModel()
    before = {n: m.read_name(n) for n in GUARDED[enable]}
    m.write_name("CR0", fields("CR0", **{enable: 1}))
    for n in GUARDED[enable]:
        m.write_name(n, 0xFFFF_FFFF)
        assert m.read_name(n) == before[n], f"{n} written while {enable}=1"
    for n in FREE_WHILE[enable]:
        m.write_name(n, 0xFFFF_FFFF)
        assert m.read_name(n) != 0, f"{n} frozen by {enable}"
    m.write_name("CR0", 0)                       # disabled (and acknowledged): writable again
    for n in GUARDED[enable]:
        m.write_name(n, 0xFFFF_FFFF)
        assert m.read_name(n) != before[n], f"{n} still frozen after {enable}=0"


def test_cr1_guards_per_field(m):
    # IHI 0070 6.3.11: TABLE_* guarded by SMMUEN, QUEUE_* by the queue enables
    m.write_name("CR0", fields("CR0", SMMUEN=1))
    m.write_name("CR1", 0xFFF)
    assert m.read_name("CR1") == 0x03F            # QUEUE_* written, TABLE_* frozen
    m.write_name("CR0", fields("CR0", CMDQEN=1))
    m.write_name("CR1", 0xFC0)
    assert m.read_name("CR1") == 0xFFF            # TABLE_* written, QUEUE_* frozen
    m.write_name("CR0", fields("CR0", EVENTQEN=1, SMMUEN=1))
    m.write_name("CR1", 0x000)
    assert m.read_name("CR1") == 0xFFF            # both frozen
    m.write_name("CR0", 0)
    m.write_name("CR1", 0x000)
    assert m.read_name("CR1") == 0x000


def test_guard_applies_to_the_cr0_write_itself(m):
    # Setting SMMUEN does not freeze CR0; the STRTAB write in the same state is ignored.
    m.write_name("STRTAB_BASE", 0x1000)
    m.write_name("CR0", 1)
    m.write_name("STRTAB_BASE", 0x2000)
    assert m.read_name("STRTAB_BASE") == 0x1000


@pytest.mark.parametrize("name", ["STRTAB_BASE", "CMDQ_BASE", "EVENTQ_BASE"])
@pytest.mark.parametrize("oas", [32, 40, 48])
def test_64bit_registers_either_half_order(name, oas):
    p = SmmuParams(OAS_BITS=oas)
    rng = random.Random(oas)
    for _ in range(20):
        v = rng.getrandbits(64)
        a, b = RegisterModel(p), RegisterModel(p)
        a.write64(name, v, high_first=False)
        b.write64(name, v, high_first=True)
        assert a.read64(name) == b.read64(name)
        lo_mask = REGS[name].wmask(p)
        hi_mask = ((1 << (oas - 32)) - 1 if oas > 32 else 0) | 1 << 30
        assert a.read64(name) == (v & lo_mask) | ((v >> 32) & hi_mask) << 32


def test_64bit_halves_independent(m):
    m.write64("CMDQ_BASE", 0x0000_1234_5678_9AE0)
    m.write_name("CMDQ_BASE", 0x0000_0005)          # low half only
    assert m.read64("CMDQ_BASE") == 0x0000_1234_0000_0005


# ----------------------------------------------------------------- GBPA
def test_gbpa_update_latches_and_completes(m):
    m.write_name("GBPA", fields("GBPA", ABORT=1, UPDATE=1, SHCFG=2, MemAttr=0xF))
    v = m.read_name("GBPA")
    assert v == fields("GBPA", ABORT=1, SHCFG=2, MemAttr=0xF)   # UPDATE reads 0 when settled
    assert m.gbpa_abort and not m.gbpa_update


def test_gbpa_write_without_update_ignored(m):
    m.write_name("GBPA", fields("GBPA", ABORT=1))
    assert m.read_name("GBPA") == 0x1000 and not m.gbpa_abort


def test_gbpa_reserved_bits_not_stored(m):
    m.write_name("GBPA", 0xFFFF_FFFF)
    assert m.read_name("GBPA") == 0x001F_3F1F


def test_gbpa_strobes(m):
    m.write_name("GBPA", 0x8010_0000, strb=0x7)      # UPDATE byte not strobed -> ignored
    assert m.read_name("GBPA") == 0x1000
    m.write_name("GBPA", 0x80FF_FFFF, strb=0xC)      # UPDATE + byte 2 (ABORT, PRIVCFG, INSTCFG)
    assert m.read_name("GBPA") == 0x001F_1000


def test_gbpa_independent_of_smmuen(m):
    m.write_name("CR0", 1)
    m.write_name("GBPA", fields("GBPA", ABORT=1, UPDATE=1))
    assert m.gbpa_abort


# ------------------------------------------------------ GERROR / IRQs
def test_gerror_errors_and_acknowledge(m):
    assert m.gerror_active == 0 and not m.gerror_irq
    m.write_name("IRQ_CTRL", fields("IRQ_CTRL", GERROR_IRQEN=1))
    assert m.raise_gerror("CMDQ_ERR")
    assert m.read_name("GERROR") == 0x1 and m.gerror_irq
    assert not m.raise_gerror("CMDQ_ERR")            # already active: no second toggle
    assert m.read_name("GERROR") == 0x1
    m.write_name("GERRORN", m.read_name("GERROR"))   # software acknowledges
    assert m.gerror_active == 0 and not m.gerror_irq
    assert m.raise_gerror("CMDQ_ERR")                # active again: GERROR toggles back to 0
    assert m.read_name("GERROR") == 0x0 and m.gerror_irq


def test_gerror_irq_needs_enable(m):
    m.raise_gerror("SFM_ERR")
    assert m.gerror_active == 0x100 and not m.gerror_irq
    m.write_name("IRQ_CTRL", 0x1)
    assert m.gerror_irq
    m.write_name("IRQ_CTRL", 0x4)
    assert not m.gerror_irq


def test_gerror_is_read_only_and_gerrorn_implemented_bits(m):
    m.write_name("GERROR", 0xFFFF_FFFF)
    assert m.read_name("GERROR") == 0
    m.write_name("GERRORN", 0xFFFF_FFFF)
    assert m.read_name("GERRORN") == 0x105
    m.write_name("IRQ_CTRL", 0x1)
    assert m.gerror_active == 0x105 and m.gerror_irq


def _evtq(m, log2size, prod, cons, irqen=1):
    m.write_name("EVENTQ_BASE", log2size)
    m.write_name("EVENTQ_PROD", prod)
    m.write_name("EVENTQ_CONS", cons)
    m.write_name("IRQ_CTRL", fields("IRQ_CTRL", EVENTQ_IRQEN=irqen))


@pytest.mark.parametrize("log2size,prod,cons,irq", [
    (3, 0, 0, False),                 # empty
    (3, 1, 0, True),                  # one record
    (3, 0b1000, 0, True),             # full: index equal, wrap differs
    (3, 0b1000, 0b1000, False),       # empty after a wrap
    (3, 0b1_0000, 0, False),          # bits above the wrap bit do not count
    (3, 1 << 31, 0, False),           # OVFLG is not a record
    (0, 1, 0, True),                  # one-entry queue: wrap is bit 0
    (19, 1 << 19, 0, True),
    (25, 1 << 19, 0, True),           # LOG2SIZE capped at IDR1.EVENTQS = 19
])
def test_evtq_irq(m, log2size, prod, cons, irq):
    _evtq(m, log2size, prod, cons)
    assert m.evtq_irq is irq
    assert m.eventq_empty is (not irq)


def test_evtq_irq_needs_enable(m):
    _evtq(m, 3, 1, 0, irqen=0)
    assert not m.evtq_irq


def test_smmu_side_event_producer_ignores_guard(m):
    m.write_name("EVENTQ_BASE", 4)
    m.write_name("IRQ_CTRL", 0x4)
    m.write_name("CR0", fields("CR0", EVENTQEN=1))
    m.write_name("EVENTQ_PROD", 3)                   # software: guarded
    assert m.read_name("EVENTQ_PROD") == 0 and not m.evtq_irq
    m.smmu_set_eventq_prod(3)                        # the SMMU writes records
    assert m.evtq_irq
    m.write_name("EVENTQ_CONS", 3)                   # software consumes
    assert not m.evtq_irq


# ------------------------------------------------------------- strobes
@pytest.mark.parametrize("strb", range(16))
def test_byte_strobes(strb):
    m = RegisterModel()
    m.write_name("CMDQ_BASE", 0x1122_3344)
    m.write_name("CMDQ_BASE", 0xAABB_CCDD, strb=strb)
    exp = 0
    for i in range(4):
        src = 0xAABB_CCDD if strb >> i & 1 else 0x1122_3344
        exp |= src & (0xFF << 8 * i)
    assert m.read_name("CMDQ_BASE") == exp


def test_cr0_strobe_zero_ignored(m):
    m.write_name("CR0", 1, strb=0)
    assert m.read_name("CR0") == 0 and m.read_name("CR0ACK") == 0


# ---------------------------------------------------- unimplemented offsets
@pytest.mark.parametrize("off", [0x30, 0x3C, 0x48, 0x4C, 0x58, 0x68, 0x70, 0x74, 0x8C, 0xA8, 0xAC,
                                 0xB0, 0xC0, 0xE00, 0x10000, 0x100A0, 0x1FFFC])
def test_unimplemented_offsets_read_zero_ignore_writes(m, off):
    before = m.snapshot()
    m.write(off, 0xFFFF_FFFF)
    assert m.read(off) == 0
    assert m.snapshot() == before


def test_subword_address_reads_whole_word(m):
    m.write_name("CMDQ_BASE", 0x1234_5678)
    off = REGS["CMDQ_BASE"].offset
    assert m.read(off + 2) == 0x1234_5678


def test_reset_restores_everything(m):
    for name in WMASK:
        m.write_name(name, 0xFFFF_FFFF)
    m.write_name("GBPA", 0xFFFF_FFFF)
    m.raise_gerror("CMDQ_ERR")
    m.reset()
    for name in REGS:
        assert m.read_name(name) == reset_value(name), name


def test_random_write_sequence_respects_invariants():
    rng = random.Random(1)
    m = RegisterModel()
    names = list(REGS)
    for _ in range(3000):
        n = rng.choice(names)
        m.write_name(n, rng.getrandbits(32), strb=rng.randrange(16))
        assert m.read_name("CR0ACK") == m.read_name("CR0")
        assert m.read_name("IRQ_CTRLACK") == m.read_name("IRQ_CTRL")
        assert not m.gbpa_update
        for name, r in REGS.items():
            if r.wmask(SmmuParams()):
                assert m.read_name(name) & ~r.wmask(SmmuParams()) == 0, name
