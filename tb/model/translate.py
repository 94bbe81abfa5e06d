"""Stage-1 translation (VMSAv8-64, 4 KiB granule, TTB0 only): VA -> PA or a fault.

Written from IHI 0070 (SMMUv3) and the Arm ARM VMSAv8-64 rules, never from RTL.

``translate(mem, cd, va=, rnw=, pnu=, ind=, oas_bits=48, error_ranges=())``
returns a :class:`Translation` (``ok``, ``pa``, ``size``, ``level``, effective
``perms``, leaf ``attrs``, ``asid``, ``global_``, the descriptors ``walk``ed and,
on failure, a :class:`Fault`). :func:`event_for` turns a failed translation into
the :class:`~tb.model.events.EventRecord` the SMMU writes.

Order of checks (IHI 0070 7.3.22, "a single stage of translation table walk"):

1. Input: VA[55] selects the half (IHI 0070 3.4.1). Upper half: EPD1=1 ->
   F_TRANSLATION; EPD1=0 is out of scope (NotImplementedError). Lower half:
   VA[AddrTop:64-T0SZ] must be zero, AddrTop = 55 with TBI0 else 63 (3.4.1), and
   EPD0=1 -> F_TRANSLATION (5.4 EPD0: "a TLB miss ... causes a Translation fault.
   No translation table walk is performed"). Both give the same record, so their
   order is unobservable; EPD0 is tested first because with EPD0=1 the CD's
   T0SZ/TG0 are not checked for legality (5.4.2) and may hold any value.
2. Per level from the start level: external abort on the descriptor read ->
   F_WALK_EABT; invalid (bit0=0), level-3 0b01 or level-0 block ->
   F_TRANSLATION; next-level table or output address with bits at or above
   eff_IPS = min(CD.IPS, OAS) -> F_ADDR_SIZE (5.4 IPS; DS=0 caps it at 48).
3. AF=0 and CD.AFFD=0 -> F_ACCESS (HTTU is not implemented: CD.HA=1 is ILLEGAL).
4. Permissions -> F_PERMISSION.

Event CLASS (IHI 0070 7.3.13 F_TRANSLATION: "If fault occurs at stage 1, S2 == 0
and CLASS == IN"; 7.3.14-7.3.16 refer to it): every stage-1 F_TRANSLATION,
F_ADDR_SIZE, F_ACCESS and F_PERMISSION has CLASS=IN, including faults found on
a fetched descriptor. Only F_WALK_EABT on a stage-1 descriptor is CLASS=TT
(7.3.12: "reported as S2 == 0 (stage 1), CLASS == TT ... This behavior of CLASS
== TT when S2 == 0 differs from other F_TRANSLATION, F_ADDR_SIZE, F_ACCESS,
F_PERMISSION events relating to a stage 1 fault") with FetchAddr = the
descriptor's PA. TTRnW is only defined for CLASS=TT stage-2 permission faults
(7.3.16, "UNKNOWN when CLASS is not TT"): this model writes 0. "InD == 0 when
RnW == 0" (7.3), and writes are Data before any permission check (13.1.2).

Permissions (Arm ARM VMSAv8-64 stage 1, EL1&0 regime; smmuv3-facts.md 7):

* AP[2:1] -> (priv R, priv W, user R, user W): 00 RW/none, 01 RW/RW, 10 R/none,
  11 R/R. APTable[0] (bit 61) removes EL0 access below, APTable[1] (bit 62)
  removes write access below (both accumulate along the walk).
* Execute: UXN | any UXNTable forbids EL0 execute; PXN | any PXNTable forbids
  privileged execute; a location writable at EL0 is PXN ("if AP[2:1] is 0b01 ...
  the PXN bit is treated as 1"). CD.WXN=1: EL0-writable -> UXN, EL1-writable ->
  PXN. CD.UWXN is IGNORED for VMSAv8-64 (5.4 UWXN).
* EL0 execute does not need EL0 read permission (execute-only memory, as the
  Arm ARM instruction-execution table); ``ifetch_needs_read=True`` selects the
  stricter reading if the RTL decides otherwise [?].
* CD.PAN=1: a privileged *data* access to a location with unprivileged data
  access faults (5.4 PAN; instruction reads are not PAN-checked, no EPAN).
* An instruction read (RnW=1, InD=1) is checked against execute permission
  only; a write is a data write whatever InD says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from tb.model.events import (CLASS_IN, CLASS_TT, F_ACCESS, F_ADDR_SIZE, F_PERMISSION, F_TRANSLATION,
                             F_WALK_EABT, EVENT_NAMES, EventRecord)
from tb.model.memory import SparseMemory
from tb.model.pagetable import (AF_BIT, APTABLE_SHIFT, AP_SHIFT, ATTRINDX_SHIFT, CONT_BIT, DBM_BIT, NG_BIT,
                                NS_BIT, NSTABLE_BIT, OA_MASK, PXN_BIT, PXNTABLE_BIT, SH_SHIFT, SIZE_OF_LEVEL,
                                T0SZ_MAX, T0SZ_MIN, UXN_BIT, UXNTABLE_BIT, level_shift, start_level,
                                table_bytes, va_index)
from tb.model.structs import IPS_BITS, TG0_4K, Cd

M64 = (1 << 64) - 1


@dataclass(frozen=True)
class Perms:
    """Effective stage-1 permissions of a leaf after hierarchical controls and WXN (PAN excluded:
    it depends on the access)."""

    pr: bool
    pw: bool
    ur: bool
    uw: bool
    px: bool
    ux: bool


@dataclass(frozen=True)
class LeafAttrs:
    attr_idx: int
    mair_attr: int          # MAIR byte selected by AttrIndx
    sh: int
    ns: int
    af: int
    ng: int
    contiguous: int
    dbm: int
    ap: int                 # the descriptor's AP[2:1]
    uxn: int
    pxn: int


@dataclass(frozen=True)
class Fault:
    event_id: int
    cls: int
    level: Optional[int]             # walk level of the faulting descriptor, None for input faults
    fetch_addr: Optional[int] = None  # F_WALK_EABT: descriptor PA
    ttrnw: int = 0
    reason: str = ""

    @property
    def name(self) -> str:
        return EVENT_NAMES.get(self.event_id, hex(self.event_id))


@dataclass
class Translation:
    va: int
    ok: bool = False
    pa: Optional[int] = None
    size: Optional[int] = None
    level: Optional[int] = None
    perms: Optional[Perms] = None
    attrs: Optional[LeafAttrs] = None
    asid: int = 0
    global_: bool = False
    fault: Optional[Fault] = None
    walk: List[Tuple[int, int, int]] = field(default_factory=list)   # (level, descriptor PA, descriptor)

    @property
    def block_base(self) -> Optional[int]:
        """VA of the start of the page/block (TLB tag)."""
        return None if self.size is None else self.va & M64 & ~(self.size - 1)


# ------------------------------------------------------------------ helpers
def effective_ips(cd: Cd, oas_bits: int) -> int:
    """eff_IPS = MIN(CD.IPS, IDR5.OAS) (5.4 IPS), at most 48 with 4K tables and DS=0."""
    return min(IPS_BITS[cd.IPS], oas_bits, 48)


def leaf_permissions(ap: int, uxn: int, pxn: int, *, aptable: int = 0, uxntable: int = 0,
                     pxntable: int = 0, wxn: int = 0) -> Perms:
    """Stage-1 EL1&0 permissions of a leaf (see module docstring)."""
    pr, pw = True, not ap & 0b10
    ur, uw = bool(ap & 0b01), ap == 0b01
    if aptable & 0b01:                     # APTable[0]: no EL0 access at lower levels
        ur = uw = False
    if aptable & 0b10:                     # APTable[1]: no write access at lower levels
        pw = uw = False
    ux = not (uxn or uxntable)
    px = not (pxn or pxntable or uw)       # EL0-writable locations are PXN
    if wxn:
        ux = ux and not uw
        px = px and not pw
    return Perms(pr, pw, ur, uw, px, ux)


def access_allowed(p: Perms, *, rnw: bool, pnu: int, ind: int, pan: int = 0,
                   ifetch_needs_read: bool = False) -> bool:
    """Whether the (already Data-normalised for writes) access is permitted."""
    priv = bool(pnu & 1)
    if rnw and ind:                        # instruction read: execute permission
        ok = p.px if priv else p.ux
        if ifetch_needs_read:
            ok = ok and (p.pr if priv else p.ur)
        return ok
    r, w = (p.pr, p.pw) if priv else (p.ur, p.uw)
    if priv and pan and (p.ur or p.uw):    # PAN: privileged data access to EL0-accessible memory
        r = w = False
    return r if rnw else w


def _overlaps(addr: int, n: int, ranges: Sequence[Tuple[int, int]]) -> bool:
    return any(lo < addr + n and addr < hi for lo, hi in ranges)


# ------------------------------------------------------------------ the walk
def translate(mem: SparseMemory, cd: Cd, *, va: int, rnw: bool = True, pnu: int = 0, ind: int = 0,
              oas_bits: int = 48, error_ranges: Sequence[Tuple[int, int]] = (),
              ifetch_needs_read: bool = False) -> Translation:
    """Stage-1 translation of ``va`` through ``cd`` (a valid VMSAv8-64 4K CD; see module docstring).

    ``pnu``: 1 = privileged (AxPROT[0]); ``ind``: 1 = instruction (AxPROT[2], reads
    only); ``error_ranges``: half-open (lo, hi) PA ranges where a descriptor read
    gets an external abort.
    """
    va &= M64
    rnw = bool(rnw)
    ind = (ind & 1) if rnw else 0
    t = Translation(va=va, asid=cd.ASID)

    def fail(event_id: int, reason: str, *, level: Optional[int] = None, cls: int = CLASS_IN,
             fetch_addr: Optional[int] = None) -> Translation:
        t.fault = Fault(event_id, cls, level, fetch_addr, 0, reason)
        return t

    # 1. input address checks (3.4.1): the half is chosen by VA[55]
    if va >> 55 & 1:
        if cd.EPD1:
            return fail(F_TRANSLATION, "VA[55]=1 selects TTB1 and CD.EPD1=1")
        raise NotImplementedError("TTB1 walks (CD.EPD1=0) are out of scope")
    if cd.EPD0:
        # T0SZ/TG0/TTB0 are not checked for legality when EPD0=1 (5.4.2 CdIllegal), and both
        # the range check and EPD0 give the same F_TRANSLATION (CLASS=IN, no level) record
        return fail(F_TRANSLATION, "CD.EPD0=1: no TTB0 walk")
    if not cd.AA64 or cd.TG0 != TG0_4K:
        raise NotImplementedError("only VMSAv8-64 4K-granule CDs are modelled")
    t0sz = cd.T0SZ
    if not T0SZ_MIN <= t0sz <= T0SZ_MAX:
        raise ValueError(f"CD.T0SZ={t0sz} is ILLEGAL (C_BAD_CD): check the CD first")
    ias = 64 - t0sz
    addr_top = 55 if cd.TBI0 else 63
    if (va >> ias) & ((1 << (addr_top - ias + 1)) - 1):
        return fail(F_TRANSLATION, f"VA[{addr_top}:{ias}] not zero (T0SZ={t0sz}, TBI0={cd.TBI0})")

    # 2. the walk
    eff_ips = effective_ips(cd, oas_bits)
    level = start_level(t0sz)
    table = cd.TTB0 & ~(table_bytes(level, t0sz) - 1)       # TTB0 aligned to the start table (5.4 TTB0)
    aptable = uxntable = pxntable = nstable = 0
    while True:
        daddr = table + 8 * va_index(va, level, t0sz)
        if _overlaps(daddr, 8, error_ranges):
            return fail(F_WALK_EABT, f"external abort reading the level-{level} descriptor", level=level,
                        cls=CLASS_TT, fetch_addr=daddr)
        desc = mem.read_u64(daddr)
        t.walk.append((level, daddr, desc))
        if not desc & 1:
            return fail(F_TRANSLATION, f"level-{level} descriptor invalid", level=level)
        is_table_bit = bool(desc & 2)
        if level == 3 and not is_table_bit:
            return fail(F_TRANSLATION, "level-3 descriptor 0b01 is reserved", level=level)
        if level == 0 and not is_table_bit:
            return fail(F_TRANSLATION, "level-0 block with the 4K granule", level=level)
        if level < 3 and is_table_bit:
            nlta = desc & OA_MASK
            if nlta >> eff_ips:
                return fail(F_ADDR_SIZE, f"level-{level} next-table address {nlta:#x} beyond {eff_ips} bits",
                            level=level)
            aptable |= (desc >> APTABLE_SHIFT) & 3
            uxntable |= (desc >> UXNTABLE_BIT) & 1
            pxntable |= (desc >> PXNTABLE_BIT) & 1
            nstable |= (desc >> NSTABLE_BIT) & 1
            table = nlta
            level += 1
            continue
        break

    # leaf (block at L1/L2, page at L3)
    size = SIZE_OF_LEVEL[level]
    oa = desc & OA_MASK & ~(size - 1)
    if oa >> eff_ips:
        return fail(F_ADDR_SIZE, f"level-{level} output address {oa:#x} beyond {eff_ips} bits", level=level)
    bit = lambda n: (desc >> n) & 1
    ap = (desc >> AP_SHIFT) & 3
    attr_idx = (desc >> ATTRINDX_SHIFT) & 7
    t.attrs = LeafAttrs(attr_idx=attr_idx, mair_attr=(cd.MAIR >> (8 * attr_idx)) & 0xFF,
                        sh=(desc >> SH_SHIFT) & 3, ns=bit(NS_BIT), af=bit(AF_BIT), ng=bit(NG_BIT),
                        contiguous=bit(CONT_BIT), dbm=bit(DBM_BIT), ap=ap, uxn=bit(UXN_BIT), pxn=bit(PXN_BIT))
    t.perms = leaf_permissions(ap, bit(UXN_BIT), bit(PXN_BIT), aptable=aptable, uxntable=uxntable,
                               pxntable=pxntable, wxn=cd.WXN)
    t.level, t.size = level, size
    t.global_ = not bit(NG_BIT)
    t.pa = oa | (va & (size - 1))

    # 3. access flag
    if not bit(AF_BIT) and not cd.AFFD:
        t.pa = None
        return fail(F_ACCESS, f"AF=0 in the level-{level} leaf", level=level)
    # 4. permissions
    if not access_allowed(t.perms, rnw=rnw, pnu=pnu, ind=ind, pan=cd.PAN, ifetch_needs_read=ifetch_needs_read):
        t.pa = None
        kind = "instruction read" if ind else ("read" if rnw else "write")
        who = "privileged" if pnu & 1 else "unprivileged"
        return fail(F_PERMISSION, f"{who} {kind} not permitted by {t.perms}", level=level)
    t.ok = True
    return t


# ------------------------------------------------------------------ event record
def event_for(cd: Optional[Cd], tr: Translation, *, sid: int, ssid: int = 0, ssv: bool = False,
              va: Optional[int] = None, rnw: bool = True, pnu: int = 0, ind: int = 0, stall: bool = False,
              stag: int = 0) -> EventRecord:
    """The event record for a failed translation (``tr.fault``).

    F_TRANSLATION/F_ADDR_SIZE/F_ACCESS/F_PERMISSION carry Stall/STAG (only with
    ``stall``); F_WALK_EABT never stalls and carries FetchAddr (dw3[55:3]). S2=0,
    IPA=0 (UNKNOWN at stage 1), TTRnW=0 (UNKNOWN unless CLASS=TT at stage 2).
    ``cd`` is accepted for symmetry with the config model and is not needed.
    """
    f = tr.fault
    if f is None:
        raise ValueError("translation succeeded: no event")
    rnw = bool(rnw)
    kw = dict(EventID=f.event_id, StreamID=sid, SSV=int(bool(ssv)), SubstreamID=ssid if ssv else 0,
              PnU=pnu & 1, InD=(ind & 1) if rnw else 0, RnW=int(rnw), CLASS=f.cls, TTRnW=f.ttrnw,
              InputAddr=(tr.va if va is None else va) & M64)
    if f.event_id == F_WALK_EABT:
        kw["FetchAddr"] = f.fetch_addr & ~7
    elif stall:
        kw.update(Stall=1, STAG=stag & 0xFFFF)
    return EventRecord(**kw)
