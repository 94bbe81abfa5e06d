"""The SMMUv3 register map, described once.

Every consumer (the register agent, the reference model, the register tests,
the docs table) reads offsets, fields, reset values and write rules from here.
Nothing here knows about the RTL: values come from the Arm SMMUv3
architecture (IHI 0070) and the project's parameters/feature set.

Write rules (``guard``):
  None       always writable (bits in ``wmask``)
  "SMMUEN"   ignored while CR0.SMMUEN or CR0ACK.SMMUEN is 1
  "CMDQEN"   ignored while CR0.CMDQEN or CR0ACK.CMDQEN is 1
  "EVENTQEN" ignored while CR0.EVENTQEN or CR0ACK.EVENTQEN is 1
  "QUEUES"   ignored while any queue enable (CR0.CMDQEN/EVENTQEN/PRIQEN) or
             its CR0ACK bit is 1
  "GBPA"     only a write with UPDATE=1 while UPDATE reads 0 takes effect

``field_guards`` overrides ``guard`` for named fields: SMMU_CR1.QUEUE_* are
guarded by the queue enables, TABLE_* by SMMUEN (IHI 0070 6.3.11).
``writable_mask()`` folds both into the bits a write may change right now;
use it rather than reading ``guard`` directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Tuple

PAGE1 = 0x10000


@dataclass(frozen=True)
class SmmuParams:
    """The smmu_top Verilog parameters (defaults match the RTL)."""

    SID_W: int = 8
    SSID_W: int = 8
    ID_W: int = 4
    DATA_W: int = 64
    OAS_BITS: int = 48
    TLB_ENTRIES: int = 32
    STALL_MAX: int = 16
    STALL_MODEL: int = 0
    # capacity (docs/architecture.md "Parameters"; no ID-register field)
    XLT_SLOTS: int = 24
    STALL_SLOTS: int = 16
    WALKERS: int = 2
    CFG_ENTRIES: int = 8
    PARK_SLOTS: int = 16
    PARK_BEATS: int = 16
    WCACHE_ENTRIES: int = 4     # walk-cache entries per level (L0, L1, L2 tables); 0: none
    # main TLB (docs/architecture.md "Two-level TLB"; no ID-register field)
    MTLB_SETS: int = 256
    MTLB_WAYS: int = 4
    MTLB_BLOCKS: int = 8

    def hdl(self) -> Dict[str, int]:
        return dict(self.__dict__)

    @classmethod
    def from_hdl(cls, d: Dict[str, object]) -> "SmmuParams":
        return cls(**{k: int(v) for k, v in d.items() if k in cls.__dataclass_fields__})


# What the RTL implements *today*. The ID registers report exactly this, so
# software discovers the truth. Flip a flag in the same commit as the RTL.
FEATURES = dict(
    S1P=1,          # stage-1 configuration (STE/CD); the walker/TLB arrive with issue 4
    S2P=0,          # stage 2: not planned
    TTF=2,          # AArch64 table format
    TTENDIAN=2,     # little-endian tables only
    ASID16=1,       # 16-bit ASIDs in CDs (and TLB tags)
    TERM_MODEL=0,   # CD.A chooses abort or RAZ/WI
    ST_LEVEL=0,     # linear stream table only
    CMDQS=19,       # log2 max command-queue entries
    EVENTQS=19,     # log2 max event-queue entries
    GRAN4K=1,       # 4 KiB granule, advertised together with S1P
    ATTR_TYPES_OVR=1,  # GBPA/STE MTCFG, MemAttr, ALLOCCFG, SHCFG applied (IHI 0070 chapter 13)
    ATTR_PERMS_OVR=1,  # GBPA/STE PRIVCFG, INSTCFG applied (NSCFG IGNORED: Non-secure only)
    AIDR=0x00,      # SMMUv3.0
    IIDR=0x0010_0000 | 0x000,  # ProductID 0x001, Variant 0, Revision 0, Implementer 0
)

OAS_ENCODING = {32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5, 52: 6}


@dataclass(frozen=True)
class Field:
    name: str
    lsb: int
    width: int = 1

    @property
    def mask(self) -> int:
        return ((1 << self.width) - 1) << self.lsb

    def get(self, value: int) -> int:
        return (value >> self.lsb) & ((1 << self.width) - 1)

    def put(self, value: int, fv: int) -> int:
        return (value & ~self.mask) | ((fv << self.lsb) & self.mask)


@dataclass(frozen=True)
class Register:
    name: str
    offset: int
    fields: Tuple[Field, ...]
    reset: Callable[[SmmuParams], int] = lambda p: 0
    wmask: Callable[[SmmuParams], int] = lambda p: 0   # 0 -> read-only
    guard: Optional[str] = None
    desc: str = ""
    field_guards: Tuple[Tuple[str, str], ...] = ()   # (field, guard) overriding `guard`

    @property
    def read_only(self) -> bool:
        return self.wmask(SmmuParams()) == 0

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name}")


def _idr0(p: SmmuParams) -> int:
    f = FEATURES
    return (f["S2P"] << 0 | f["S1P"] << 1 | f["TTF"] << 2 | f["ASID16"] << 12
            | f["TTENDIAN"] << 21 | (p.STALL_MODEL & 3) << 24
            | f["TERM_MODEL"] << 26 | f["ST_LEVEL"] << 27)


def _idr1(p: SmmuParams) -> int:
    return ((p.SID_W & 0x3F) | (p.SSID_W & 0x1F) << 6 | FEATURES["EVENTQS"] << 16 | FEATURES["CMDQS"] << 21
            | FEATURES["ATTR_PERMS_OVR"] << 26 | FEATURES["ATTR_TYPES_OVR"] << 27)


def _idr5(p: SmmuParams) -> int:
    return OAS_ENCODING[p.OAS_BITS] | FEATURES["GRAN4K"] << 4 | (p.STALL_MAX & 0xFFFF) << 16


def _hi_addr_mask(p: SmmuParams) -> int:
    """High word of a 64-bit base register: ADDR[51:32] limited to OAS, plus bit 62 (RA/WA)."""
    top = min(p.OAS_BITS, 52)
    return (((1 << (top - 32)) - 1) if top > 32 else 0) | (1 << 30)


F = Field
_REGS = (
    Register("IDR0", 0x00, (F("S2P", 0), F("S1P", 1), F("TTF", 2, 2), F("COHACC", 4), F("BTM", 5),
                            F("HTTU", 6, 2), F("DORMHINT", 8), F("HYP", 9), F("ATS", 10), F("NS1ATS", 11),
                            F("ASID16", 12), F("MSI", 13), F("SEV", 14), F("ATOS", 15), F("PRI", 16),
                            F("VMW", 17), F("VMID16", 18), F("CD2L", 19), F("VATOS", 20),
                            F("TTENDIAN", 21, 2), F("ATSRECERR", 23), F("STALL_MODEL", 24, 2),
                            F("TERM_MODEL", 26),
                            F("ST_LEVEL", 27, 2)), reset=_idr0),
    Register("IDR1", 0x04, (F("SIDSIZE", 0, 6), F("SSIDSIZE", 6, 5), F("PRIQS", 11, 5),
                            F("EVENTQS", 16, 5), F("CMDQS", 21, 5), F("ATTR_PERMS_OVR", 26),
                            F("ATTR_TYPES_OVR", 27), F("REL", 28),
                            F("QUEUES_PRESET", 29), F("TABLES_PRESET", 30)), reset=_idr1),
    Register("IDR2", 0x08, (F("BA_VATOS", 0, 10),)),
    Register("IDR3", 0x0C, (F("HAD", 2), F("PBHA", 3), F("XNX", 4), F("PPS", 5), F("MPAM", 7),
                            F("FWB", 8), F("STT", 9), F("RIL", 10), F("BBML", 11, 2), F("E0PD", 13),
                            F("PTWNNC", 14), F("DPT", 15))),
    Register("IDR4", 0x10, (F("IMPDEF", 0, 32),)),
    Register("IDR5", 0x14, (F("OAS", 0, 3), F("GRAN4K", 4), F("GRAN16K", 5), F("GRAN64K", 6),
                            F("VAX", 10, 2), F("STALL_MAX", 16, 16)), reset=_idr5),
    Register("IIDR", 0x18, (F("Implementer", 0, 12), F("Revision", 12, 4), F("Variant", 16, 4),
                            F("ProductID", 20, 12)), reset=lambda p: FEATURES["IIDR"]),
    Register("AIDR", 0x1C, (F("ArchMinorRev", 0, 4), F("ArchMajorRev", 4, 4)),
             reset=lambda p: FEATURES["AIDR"]),
    Register("CR0", 0x20, (F("SMMUEN", 0), F("PRIQEN", 1), F("EVENTQEN", 2), F("CMDQEN", 3),
                           F("ATSCHK", 4), F("VMW", 6, 3)), wmask=lambda p: 0x0000000D,
             desc="PRIQEN/ATSCHK/VMW are RES0 here (no PRI, ATS or VMID wildcards)"),
    Register("CR0ACK", 0x24, (F("SMMUEN", 0), F("PRIQEN", 1), F("EVENTQEN", 2), F("CMDQEN", 3),
                              F("ATSCHK", 4), F("VMW", 6, 3))),
    Register("CR1", 0x28, (F("QUEUE_IC", 0, 2), F("QUEUE_OC", 2, 2), F("QUEUE_SH", 4, 2),
                           F("TABLE_IC", 6, 2), F("TABLE_OC", 8, 2), F("TABLE_SH", 10, 2)),
             wmask=lambda p: 0x00000FFF, guard="SMMUEN",
             field_guards=(("QUEUE_IC", "QUEUES"), ("QUEUE_OC", "QUEUES"), ("QUEUE_SH", "QUEUES")),
             desc="attributes of the SMMU's own accesses on `m_axi_tw` (IHI 0070 13.8). TABLE_* are "
                  "guarded by SMMUEN, QUEUE_* by the queue enables (IHI 0070 6.3.11)"),
    Register("CR2", 0x2C, (F("E2H", 0), F("RECINVSID", 1), F("PTM", 2), F("REC_CFG_ATS", 3)),
             wmask=lambda p: 0x00000006, guard="SMMUEN",
             desc="E2H is RES0 (IDR0.HYP=0), REC_CFG_ATS is RES0 (IDR0.ATSRECERR=0)"),
    Register("STATUSR", 0x40, (F("DORMANT", 0),)),
    Register("GBPA", 0x44, (F("MemAttr", 0, 4), F("MTCFG", 4), F("ALLOCCFG", 8, 4), F("SHCFG", 12, 2),
                            F("PRIVCFG", 16, 2), F("INSTCFG", 18, 2), F("ABORT", 20), F("UPDATE", 31)),
             reset=lambda p: 0x00001000, wmask=lambda p: 0x001F3F1F, guard="GBPA"),
    Register("IRQ_CTRL", 0x50, (F("GERROR_IRQEN", 0), F("PRIQ_IRQEN", 1), F("EVENTQ_IRQEN", 2)),
             wmask=lambda p: 0x00000005),
    Register("IRQ_CTRLACK", 0x54, (F("GERROR_IRQEN", 0), F("PRIQ_IRQEN", 1), F("EVENTQ_IRQEN", 2))),
    Register("GERROR", 0x60, (F("CMDQ_ERR", 0), F("EVENTQ_ABT_ERR", 2), F("PRIQ_ABT_ERR", 3),
                              F("MSI_CMDQ_ABT_ERR", 4), F("MSI_EVENTQ_ABT_ERR", 5),
                              F("MSI_PRIQ_ABT_ERR", 6), F("MSI_GERROR_ABT_ERR", 7), F("SFM_ERR", 8))),
    Register("GERRORN", 0x64, (F("CMDQ_ERR", 0), F("EVENTQ_ABT_ERR", 2), F("PRIQ_ABT_ERR", 3),
                               F("MSI_CMDQ_ABT_ERR", 4), F("MSI_EVENTQ_ABT_ERR", 5),
                               F("MSI_PRIQ_ABT_ERR", 6), F("MSI_GERROR_ABT_ERR", 7), F("SFM_ERR", 8)),
             wmask=lambda p: 0x00000105),
    Register("STRTAB_BASE", 0x80, (F("ADDR_LO", 6, 26),), wmask=lambda p: 0xFFFFFFC0, guard="SMMUEN"),
    Register("STRTAB_BASE_HI", 0x84, (F("ADDR_HI", 0, 20), F("RA", 30)), wmask=_hi_addr_mask,
             guard="SMMUEN"),
    Register("STRTAB_BASE_CFG", 0x88, (F("LOG2SIZE", 0, 6), F("SPLIT", 6, 5), F("FMT", 16, 2)),
             wmask=lambda p: 0x000307FF, guard="SMMUEN"),
    Register("CMDQ_BASE", 0x90, (F("LOG2SIZE", 0, 5), F("ADDR_LO", 5, 27)), wmask=lambda p: 0xFFFFFFFF,
             guard="CMDQEN"),
    Register("CMDQ_BASE_HI", 0x94, (F("ADDR_HI", 0, 20), F("RA", 30)), wmask=_hi_addr_mask,
             guard="CMDQEN"),
    Register("CMDQ_PROD", 0x98, (F("WR", 0, 20),), wmask=lambda p: 0x000FFFFF),
    Register("CMDQ_CONS", 0x9C, (F("RD", 0, 20), F("ERR", 24, 7)), wmask=lambda p: 0x000FFFFF,
             guard="CMDQEN"),
    Register("EVENTQ_BASE", 0xA0, (F("LOG2SIZE", 0, 5), F("ADDR_LO", 5, 27)),
             wmask=lambda p: 0xFFFFFFFF, guard="EVENTQEN"),
    Register("EVENTQ_BASE_HI", 0xA4, (F("ADDR_HI", 0, 20), F("WA", 30)), wmask=_hi_addr_mask,
             guard="EVENTQEN"),
    Register("EVENTQ_PROD", PAGE1 + 0xA8, (F("WR", 0, 20), F("OVFLG", 31)),
             wmask=lambda p: 0x800FFFFF, guard="EVENTQEN"),
    Register("EVENTQ_CONS", PAGE1 + 0xAC, (F("RD", 0, 20), F("OVACKFLG", 31)),
             wmask=lambda p: 0x800FFFFF),
)
del F

REGS: Dict[str, Register] = {r.name: r for r in _REGS}
BY_OFFSET: Dict[int, Register] = {r.offset: r for r in _REGS}


# CR0 bits that make each guard block writes (checked in CR0 and in CR0ACK).
GUARD_CR0_BITS = {"SMMUEN": 0x1, "EVENTQEN": 0x4, "CMDQEN": 0x8, "QUEUES": 0x2 | 0x4 | 0x8}


def guard_blocks(guard: Optional[str], cr0: int, cr0ack: int) -> bool:
    """True while ``guard`` makes its bits read-only (GBPA is handled by the caller)."""
    bits = GUARD_CR0_BITS.get(guard or "", 0)
    return bool((cr0 | cr0ack) & bits)


def writable_mask(reg: "Register | str", params: SmmuParams, cr0: int, cr0ack: int) -> int:
    """Bits a write to ``reg`` changes given CR0/CR0ACK (register and field guards applied)."""
    r = REGS[reg] if isinstance(reg, str) else reg
    m = r.wmask(params) & 0xFFFFFFFF
    overridden = 0
    for fname, g in r.field_guards:
        fm = r.field(fname).mask
        overridden |= fm
        if guard_blocks(g, cr0, cr0ack):
            m &= ~fm
    if guard_blocks(r.guard, cr0, cr0ack):
        m &= overridden
    return m


def reset_value(name: str, params: SmmuParams = SmmuParams()) -> int:
    return REGS[name].reset(params) & 0xFFFFFFFF


def fget(reg: str, fld: str, value: int) -> int:
    return REGS[reg].field(fld).get(value)


def fput(reg: str, fld: str, value: int, fv: int) -> int:
    return REGS[reg].field(fld).put(value, fv)


def fields(reg: str, **kw: int) -> int:
    """Build a register value from field names: fields('CR0', SMMUEN=1, CMDQEN=1)."""
    v = 0
    for k, fv in kw.items():
        v = fput(reg, k, v, fv)
    return v
