"""In-memory configuration structures: Stream Table Entry and Context Descriptor.

Both are 64-byte little-endian structures (IHI 0070 5.2 STE, 5.4 CD). A field is
described by its position in the spec's bit numbering over the whole structure
(``bit = 64 * dw + b``), see docs/spec-notes-config.md sections 2 and 4.

``Ste(**fields).pack() -> bytes`` / ``Ste.unpack(bytes)`` (same for ``Cd``).
Attribute values are the *field* values, except for address fields
(S1ContextPtr, S2TTB, TTB0, TTB1) whose attribute is the byte address: the
structure stores address bits ``[hi:shift]`` and ``pack()`` refuses an address
with bits outside them. Every bit that no named field covers is kept in ``RES``
(as bits at their structure position), so ``unpack(b).pack() == b`` for any
64 bytes and a reserved bit set by mistake is visible.

Builders produce the structures a Linux-style driver writes (smmuv3-facts.md
sections 2 and 3): :func:`ste_abort`, :func:`ste_bypass`, :func:`ste_s1`,
:func:`cd_linux`, :func:`cd_fault_all`.
"""

from __future__ import annotations

from dataclasses import field, fields as dc_fields, make_dataclass
from typing import ClassVar, Dict, Tuple

# name -> (lsb in the structure, width, shift): the structure stores value bits
# [shift+width-1:shift] at [lsb+width-1:lsb]; shift != 0 only for addresses.
Layout = Dict[str, Tuple[int, int, int]]


class BitStruct:
    """Base of the generated dataclasses: pack/unpack over ``NBITS`` little-endian bits."""

    LAYOUT: ClassVar[Layout] = {}
    NBITS: ClassVar[int] = 0

    @classmethod
    def field_mask(cls) -> int:
        m = 0
        for lsb, width, _ in cls.LAYOUT.values():
            m |= ((1 << width) - 1) << lsb
        return m

    @classmethod
    def res_mask(cls) -> int:
        return ((1 << cls.NBITS) - 1) & ~cls.field_mask()

    def to_int(self) -> int:
        v = 0
        for name, (lsb, width, shift) in self.LAYOUT.items():
            fv = getattr(self, name)
            if fv < 0 or fv & ~(((1 << width) - 1) << shift):
                raise ValueError(f"{type(self).__name__}.{name}={fv:#x} does not fit bits "
                                 f"[{shift + width - 1}:{shift}]")
            v |= (fv >> shift) << lsb
        if self.RES & ~self.res_mask():
            raise ValueError(f"{type(self).__name__}.RES={self.RES:#x} overlaps named fields")
        return v | self.RES

    @classmethod
    def from_int(cls, v: int):
        kw = {name: ((v >> lsb) & ((1 << width) - 1)) << shift
              for name, (lsb, width, shift) in cls.LAYOUT.items()}
        return cls(**kw, RES=v & cls.res_mask())

    def pack(self) -> bytes:
        return self.to_int().to_bytes(self.NBITS // 8, "little")

    @classmethod
    def unpack(cls, data: bytes):
        if len(data) < cls.NBITS // 8:
            raise ValueError(f"{cls.__name__} needs {cls.NBITS // 8} bytes, got {len(data)}")
        return cls.from_int(int.from_bytes(bytes(data[:cls.NBITS // 8]), "little"))

    def dw(self, k: int) -> int:
        """64-bit doubleword k of the packed structure."""
        return (self.to_int() >> (64 * k)) & ((1 << 64) - 1)

    def nonzero(self) -> Dict[str, int]:
        """The fields that are not 0 (compact repr for logs)."""
        return {f.name: getattr(self, f.name) for f in dc_fields(self) if getattr(self, f.name)}


def _make(name: str, layout: Layout, nbits: int, doc: str):
    cls = make_dataclass(name, [(n, int, field(default=0)) for n in layout] + [("RES", int, field(default=0))],
                         bases=(BitStruct,), namespace={"LAYOUT": layout, "NBITS": nbits, "__doc__": doc})
    cls.__module__ = __name__
    return cls


def _f(hi: int, lo: int, shift: int = 0) -> Tuple[int, int, int]:
    return (lo, hi - lo + 1, shift)


# ------------------------------------------------------------------ STE (5.2)
STE_LAYOUT: Layout = {
    # dw0
    "V": _f(0, 0), "Config": _f(3, 1), "S1Fmt": _f(5, 4),
    "S1ContextPtr": _f(55, 6, 6), "S1CDMax": _f(63, 59),
    # dw1
    "S1DSS": _f(65, 64), "S1CIR": _f(67, 66), "S1COR": _f(69, 68), "S1CSH": _f(71, 70),
    "S2HWU59": _f(72, 72), "S2HWU60": _f(73, 73), "S2HWU61": _f(74, 74), "S2HWU62": _f(75, 75),
    "DRE": _f(76, 76), "CONT": _f(80, 77), "DCP": _f(81, 81), "PPAR": _f(82, 82), "MEV": _f(83, 83),
    "S1STALLD": _f(91, 91), "EATS": _f(93, 92), "STRW": _f(95, 94),
    "MemAttr": _f(99, 96), "MTCFG": _f(100, 100), "ALLOCCFG": _f(104, 101),
    "SHCFG": _f(109, 108), "NSCFG": _f(111, 110), "PRIVCFG": _f(113, 112), "INSTCFG": _f(115, 114),
    # dw2 (stage 2; never used with S2P=0)
    "S2VMID": _f(143, 128), "S2T0SZ": _f(165, 160), "S2SL0": _f(167, 166), "S2IR0": _f(169, 168),
    "S2OR0": _f(171, 170), "S2SH0": _f(173, 172), "S2TG": _f(175, 174), "S2PS": _f(178, 176),
    "S2AA64": _f(179, 179), "S2ENDI": _f(180, 180), "S2AFFD": _f(181, 181), "S2PTW": _f(182, 182),
    "S2HD": _f(183, 183), "S2HA": _f(184, 184), "S2S": _f(185, 185), "S2R": _f(186, 186),
    # dw3
    "S2TTB": _f(243, 196, 4),
}

Ste = _make("Ste", STE_LAYOUT, 512, "Stream Table Entry (64 bytes), fields as IHI 0070 5.2.")

# STE.Config encodings
CFG_ABORT = 0b000
CFG_BYPASS = 0b100
CFG_S1 = 0b101
CFG_S2 = 0b110
CFG_NESTED = 0b111

# STE.S1DSS encodings
S1DSS_TERMINATE = 0b00
S1DSS_BYPASS = 0b01
S1DSS_SSID0 = 0b10

# ------------------------------------------------------------------ CD (5.4)
CD_LAYOUT: Layout = {
    # dw0
    "T0SZ": _f(5, 0), "TG0": _f(7, 6), "IR0": _f(9, 8), "OR0": _f(11, 10), "SH0": _f(13, 12),
    "EPD0": _f(14, 14), "ENDI": _f(15, 15), "T1SZ": _f(21, 16), "TG1": _f(23, 22),
    "IR1": _f(25, 24), "OR1": _f(27, 26), "SH1": _f(29, 28), "EPD1": _f(30, 30), "V": _f(31, 31),
    "IPS": _f(34, 32), "AFFD": _f(35, 35), "WXN": _f(36, 36), "UWXN": _f(37, 37),
    "TBI0": _f(38, 38), "TBI1": _f(39, 39), "PAN": _f(40, 40), "AA64": _f(41, 41),
    "HD": _f(42, 42), "HA": _f(43, 43), "S": _f(44, 44), "R": _f(45, 45), "A": _f(46, 46),
    "ASET": _f(47, 47), "ASID": _f(63, 48),
    # dw1, dw2
    "TTB0": _f(115, 68, 4),
    "TTB1": _f(179, 132, 4),
    # dw3
    "MAIR": _f(255, 192),
    # dw4
    "AMAIR": _f(319, 256),
}

Cd = _make("Cd", CD_LAYOUT, 512, "Context Descriptor (64 bytes), fields as IHI 0070 5.4.")

# CD.TG0 / CD.TG1 encodings (they differ)
TG0_4K, TG0_64K, TG0_16K = 0b00, 0b01, 0b10
TG1_16K, TG1_4K, TG1_64K = 0b01, 0b10, 0b11

# CD.IPS / IDR5.OAS encoding -> bits (0b111 is clamped to OAS anyway)
IPS_BITS = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48, 6: 52, 7: 52}
IPS_ENCODING = {32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5, 52: 6}

STE_SIZE = CD_SIZE = 64

# Linux MAIR (io-pgtable-arm, ARM_LPAE_MAIR_ATTR_IDX_*): index 0 0x44 (Normal NC), 1 0xFF
# (Normal WB RA WA), 2 0x04 (Device-nGnRE), 3 0xF4 (inner NC, outer WB RA WA); the rest 0
LINUX_MAIR = 0xF4_04_FF_44


# ------------------------------------------------------------------ builders
def ste_abort() -> "Ste":
    """Linux abort STE: V=1, Config=0 (abort, no event)."""
    return Ste(V=1, Config=CFG_ABORT)


def ste_bypass() -> "Ste":
    """Linux bypass STE: V=1, Config=0b100, SHCFG=1 (incoming shareability)."""
    return Ste(V=1, Config=CFG_BYPASS, SHCFG=1)


def ste_s1(cd_table: int, s1cdmax: int = 0, *, s1fmt: int = 0, s1dss: int = S1DSS_SSID0,
           s1stalld: int = 0) -> "Ste":
    """Linux stage-1 STE: CD table at ``cd_table``, 2**s1cdmax CDs, cacheable WB ISH walks."""
    return Ste(V=1, Config=CFG_S1, S1Fmt=s1fmt, S1ContextPtr=cd_table, S1CDMax=s1cdmax,
               S1DSS=s1dss, S1CIR=1, S1COR=1, S1CSH=3, S1STALLD=s1stalld)


def cd_linux(asid: int, ttb0: int, *, oas_bits: int = 48, ias_bits: int = 48, stall: bool = False,
             mair: int = LINUX_MAIR) -> "Cd":
    """Linux stage-1 CD: 4K granule TTB0 walk, EPD1=1, IPS from OAS, R=A=ASET=1."""
    return Cd(T0SZ=64 - ias_bits, TG0=TG0_4K, IR0=1, OR0=1, SH0=3, EPD1=1, V=1,
              IPS=IPS_ENCODING[oas_bits], AA64=1, S=int(stall), R=1, A=1, ASET=1,
              ASID=asid, TTB0=ttb0, MAIR=mair)


def cd_fault_all(asid: int = 0, *, oas_bits: int = 48) -> "Cd":
    """Linux SVA "fault everything" CD: EPD0=EPD1=1, S=R=0 (silent abort of every access)."""
    return Cd(T0SZ=16, EPD0=1, EPD1=1, V=1, IPS=IPS_ENCODING[oas_bits], AA64=1, A=1, ASET=1,
              ASID=asid)
