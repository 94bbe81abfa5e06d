"""Output attributes of a client transaction on ``m_axi`` (IHI 0070 chapter 13).

Written from the spec text (13.1-13.5 and the AMBA mapping of 16.7.5); the rule
table is in docs/architecture.md "Output attributes".

Architectural attributes are modelled as :class:`ArchAttrs`: memory type (Device
with its G/R/E kind, or Normal with an inner and an outer cacheability), outer
RA/WA hints, shareability, PRIV and INST. The flow:

1. ``input_attrs``: the AXI AxCACHE/AxPROT converted to architectural attributes
   (16.7.5.1.1; Normal Non-cacheable and Write-through are kept as iNC-oNC and
   iWT-oWT). No AxDOMAIN on ``s_axi``: the input shareability is the default NSH
   (13.1.3); hints of a non-cacheable input are the defaults RA, WA (13.1.3).
2. ``replace``: GBPA (global bypass, 13.2) or the STE dword-1 fields (13.3, and
   the input to stage 1, 13.4) override MT (MTCFG/MemAttr), RA/WA (ALLOCCFG), SH
   (SHCFG), PRIV (PRIVCFG), INST (INSTCFG, reads only). NSCFG is IGNORED in a
   Non-secure stream table; NS is always 1.
3. ``stage1``: MT from CD.MAIR[AttrIndx], SH from the descriptor; RA/WA combined
   (no-allocate is the stronger) with the input's when the input to stage 1 is
   cacheable (outer level), else the MAIR's (13.4.2). PRIV/INST stay (13.4.1).
4. ``to_amba``: Device-nGnRnE -> AxCACHE 0000, other Device -> 0001, Normal iWB-oWB
   -> write-back with the outer RA/WA hints, any other Normal -> 0011 (Arm PE
   interpretation, 16.7.5.3); Device and Non-cacheable are System domain, WB takes
   SH (NSH 00, ISH 01, OSH 10). AxPROT = {INST, NS=1, PRIV}.
"""

from __future__ import annotations

from dataclasses import dataclass, replace as dc_replace
from typing import Optional

# cacheability of one level (inner or outer)
NC, WT, WB = "NC", "WT", "WB"
# shareability
NSH, ISH, OSH = "NSH", "ISH", "OSH"
# AXI domain encoding (ACE5-Lite AxDOMAIN)
DOM_NSH, DOM_ISH, DOM_OSH, DOM_SYS = 0, 1, 2, 3
# Device kinds (MAIR / MemAttr dd)
DEV_nGnRnE, DEV_nGnRE, DEV_nGRE, DEV_GRE = 0, 1, 2, 3

AXPROT_PRIV, AXPROT_NS, AXPROT_INST = 1, 2, 4


@dataclass(frozen=True)
class ArchAttrs:
    device: Optional[int]       # Device kind, or None for Normal
    inner: str = NC             # Normal: NC / WT / WB
    outer: str = NC
    ra: bool = True             # outer read-allocate hint
    wa: bool = True             # outer write-allocate hint
    sh: str = NSH
    priv: int = 0
    inst: int = 0


@dataclass(frozen=True)
class OutAttrs:
    cache: int                  # AxCACHE
    prot: int                   # AxPROT
    domain: int                 # AxDOMAIN

    def __str__(self) -> str:
        return f"cache={self.cache:04b} prot={self.prot:03b} domain={self.domain:02b}"


def _cached(a: ArchAttrs) -> bool:
    """Normal with a cacheable outer level (carries RA/WA hints at the output level)."""
    return a.device is None and a.outer in (WT, WB)


def input_attrs(cache: int, prot: int, is_read: bool) -> ArchAttrs:
    """AXI AxCACHE/AxPROT of the client -> architectural attributes (16.7.5.1.1, 13.1.3)."""
    priv, inst = prot & 1, ((prot >> 2) & 1) if is_read else 0      # writes are Data (13.1.2)
    if not cache & 0b0010:                                          # Device (AxCACHE[1] = 0)
        return ArchAttrs(DEV_nGnRE if cache & 1 else DEV_nGnRnE, priv=priv, inst=inst)
    if not cache & 0b1100:                                          # Normal Non-cacheable
        return ArchAttrs(None, NC, NC, priv=priv, inst=inst)
    lvl = WB if cache & 1 else WT
    # AXI: AxCACHE[2] read-allocate, AxCACHE[3] write-allocate ("other allocate" on the other channel)
    return ArchAttrs(None, lvl, lvl, ra=bool(cache & 4), wa=bool(cache & 8), priv=priv, inst=inst)


def memattr_type(memattr: int) -> ArchAttrs:
    """STE.MemAttr / GBPA.MemAttr (stage-2 MemAttr encoding; 0100, 1000, 1100 -> Device-nGnRnE)."""
    o, i = (memattr >> 2) & 3, memattr & 3
    if o == 0:
        return ArchAttrs(i)
    if i == 0:
        return ArchAttrs(DEV_nGnRnE)
    lv = {1: NC, 2: WT, 3: WB}
    return ArchAttrs(None, lv[i], lv[o])


def replace(a: ArchAttrs, *, is_read: bool, mtcfg: int = 0, memattr: int = 0, alloccfg: int = 0,
            shcfg: int = 1, privcfg: int = 0, instcfg: int = 0) -> ArchAttrs:
    """The Replace operation of GBPA or the STE (13.1.4); field encodings of GBPA / STE dword 1."""
    out = a
    if mtcfg & 1:
        t = memattr_type(memattr & 0xF)
        # a non-cacheable input made cacheable takes RA, WA (13.1.4)
        ra, wa = (a.ra, a.wa) if _cached(a) else (True, True)
        out = dc_replace(out, device=t.device, inner=t.inner, outer=t.outer, ra=ra, wa=wa)
    elif not _cached(a):
        out = dc_replace(out, ra=True, wa=True)
    if alloccfg & 0b1000:
        out = dc_replace(out, ra=bool(alloccfg & 0b100), wa=bool(alloccfg & 0b010))
    shcfg &= 3
    if shcfg != 1:                                   # 01: use incoming
        out = dc_replace(out, sh={0: NSH, 2: OSH, 3: ISH}[shcfg])
    if privcfg & 0b10:                               # 00/01: use incoming
        out = dc_replace(out, priv=privcfg & 1)
    if instcfg & 0b10 and is_read:                   # writes stay Data
        out = dc_replace(out, inst=instcfg & 1)
    return out


def mair_type(m: int) -> ArchAttrs:
    """A MAIR attribute byte (Armv8 MAIR_ELx): Device 0000dd00, else Normal outer[7:4] inner[3:0]."""
    hi, lo = (m >> 4) & 0xF, m & 0xF
    if hi == 0:
        return ArchAttrs((lo >> 2) & 3, ra=False, wa=False)

    def level(n: int) -> str:
        if n == 0b0100:
            return NC
        if n >> 2 == 0b11 or (n >> 2 == 0b01 and n & 3):
            return WB
        if n >> 2 == 0b10 or (n >> 2 == 0b00 and n & 3):
            return WT
        return NC                      # inner 0000 under a Normal outer: reserved, treated as NC

    return ArchAttrs(None, level(lo), level(hi), ra=bool(hi & 2), wa=bool(hi & 1))


def desc_sh(sh: int) -> str:
    """Descriptor SH[1:0]: 00 NSH, 10 OSH, 11 ISH; 01 reserved, treated as NSH."""
    return {0: NSH, 1: NSH, 2: OSH, 3: ISH}[sh & 3]


def stage1(i: ArchAttrs, mair_byte: int, sh: int) -> ArchAttrs:
    """Stage-1 attributes replace the input's except RA/WA, combined for a cached input (13.4.2)."""
    s = mair_type(mair_byte)
    ra, wa = (s.ra and i.ra, s.wa and i.wa) if _cached(i) else (s.ra, s.wa)
    return dc_replace(i, device=s.device, inner=s.inner, outer=s.outer, ra=ra, wa=wa, sh=desc_sh(sh))


def to_amba(a: ArchAttrs, is_read: bool) -> OutAttrs:
    """Architectural attributes -> AxCACHE/AxPROT/AxDOMAIN (16.7.5.2.1, 16.7.5.3), NS = 1."""
    prot = (a.inst << 2 if is_read else 0) | AXPROT_NS | (a.priv & 1)
    if a.device is not None:
        return OutAttrs(0b0000 if a.device == DEV_nGnRnE else 0b0001, prot, DOM_SYS)
    if not (a.inner == WB and a.outer == WB):
        return OutAttrs(0b0011, prot, DOM_SYS)
    ra, wa = a.ra, a.wa
    if not ra and not wa:              # cacheable, no allocate: set the "other allocate" bit
        ra, wa = (False, True) if is_read else (True, False)
    cache = 0b0011 | (0b0100 if ra else 0) | (0b1000 if wa else 0)
    dom = {NSH: DOM_NSH, ISH: DOM_ISH, OSH: DOM_OSH}[a.sh]
    return OutAttrs(cache, prot, dom)


# ------------------------------------------------ the three flows
def gbpa_fields(gbpa: int) -> dict:
    return dict(memattr=gbpa & 0xF, mtcfg=(gbpa >> 4) & 1, alloccfg=(gbpa >> 8) & 0xF,
                shcfg=(gbpa >> 12) & 3, privcfg=(gbpa >> 16) & 3, instcfg=(gbpa >> 18) & 3)


def ste_fields(ste) -> dict:
    return dict(memattr=ste.MemAttr, mtcfg=ste.MTCFG, alloccfg=ste.ALLOCCFG, shcfg=ste.SHCFG,
                privcfg=ste.PRIVCFG, instcfg=ste.INSTCFG)


def global_bypass(gbpa: int, cache: int, prot: int, is_read: bool) -> OutAttrs:
    return to_amba(replace(input_attrs(cache, prot, is_read), is_read=is_read, **gbpa_fields(gbpa)), is_read)


def ste_bypass(ste, cache: int, prot: int, is_read: bool) -> OutAttrs:
    return to_amba(replace(input_attrs(cache, prot, is_read), is_read=is_read, **ste_fields(ste)), is_read)


def translated(ste, mair_byte: int, sh: int, cache: int, prot: int, is_read: bool) -> OutAttrs:
    i = replace(input_attrs(cache, prot, is_read), is_read=is_read, **ste_fields(ste))
    return to_amba(stage1(i, mair_byte, sh), is_read)


def effective_pnu_ind(ste, prot: int, is_read: bool) -> tuple:
    """PnU, InD after STE.PRIVCFG/INSTCFG: what the permission check and the records use (13.4, 7.3)."""
    a = replace(input_attrs(0, prot, is_read), is_read=is_read, privcfg=ste.PRIVCFG, instcfg=ste.INSTCFG)
    return a.priv, a.inst


# ------------------------------------------------ the SMMU's own accesses (13.8)
def own_access(i_wb: bool, o_wb: bool, ra: bool, wa: bool, sh: int, is_read: bool) -> OutAttrs:
    """An SMMU access: Data, Privileged, Non-secure; iWB-oWB cacheable with hints, else NC System."""
    a = ArchAttrs(None, WB if i_wb else NC, WB if o_wb else NC, ra=ra, wa=wa, sh=desc_sh(sh), priv=1)
    out = to_amba(a, is_read)
    return OutAttrs(out.cache, 0b011, out.domain)


def cr1_access(ic: int, oc: int, sh: int, ra: bool, wa: bool, is_read: bool) -> OutAttrs:
    """CR1 TABLE_/QUEUE_ IC/OC (00 NC, 01 WB, 10 WT, 11 reserved = NC) with a base register's RA/WA."""
    return own_access(ic == 1, oc == 1, ra, wa, sh, is_read)


def s1c_access(ir: int, orr: int, sh: int) -> OutAttrs:
    """CD fetch through STE.S1CIR/S1COR/S1CSH (00 NC, 01 WB RA, 10 WT RA, 11 WB no RA)."""
    return own_access(ir in (1, 3), orr in (1, 3), orr != 3, False, sh, True)


def walk_access(ir: int, orr: int, sh: int) -> OutAttrs:
    """Stage-1 walk through CD.IR0/OR0/SH0 (01 WB RA WA, 10 WT RA, 11 WB RA no WA)."""
    return own_access(ir in (1, 3), orr in (1, 3), True, orr == 1, sh, True)
