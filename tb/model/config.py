"""Configuration lookup (SMMUEN=1): StreamID -> STE -> SubstreamID -> CD, IHI 0070 chapters 3, 5, 7.

``lookup_config(mem, regs, params, sid=, ssid=, ssv=, addr=, rnw=, pnu=, ind=,
error_ranges=())`` returns a :class:`ConfigResult`:

* ``kind="abort"``  the transaction is terminated with an abort; ``event`` is the
  record the SMMU writes, or None (Config=0b0xx STE, or C_BAD_STREAMID with
  CR2.RECINVSID=0).
* ``kind="bypass"`` stage 1 bypassed (STE Config=0b100, or S1DSS=0b01 without a
  SubstreamID): the output address is the input address.
* ``kind="s1"``     a valid stage-1 configuration: ``ste`` and ``cd`` hold the
  structures the walk will use (translation is the next issue).

Checks run in the priority order of 7.3.22 (spec-notes-config.md 1.3):
C_BAD_STREAMID > F_STE_FETCH > C_BAD_STE > C_BAD_SUBSTREAMID > F_STREAM_DISABLED >
F_CD_FETCH > C_BAD_CD; F_ADDR_SIZE for a bypassed stage 1 comes after the STE/SSID
checks. At most one event per transaction.

``error_ranges`` models external aborts on the SMMU's own reads: a list of
half-open byte ranges ``(lo, hi)`` (``lo <= a < hi``) where a read fails. The
STE fetch reads 16 bytes (dw0-dw1) and the CD fetch 32 bytes (dw0-dw3); any
overlap with a failing range is F_STE_FETCH / F_CD_FETCH.

Choices where the spec leaves freedom (spec-notes-config.md [?] items, RTL-matched):
* STRTAB_BASE_CFG.FMT/SPLIT are RES0 (ST_LEVEL=0): the table is always linear.
* The stream-table base is aligned down to 2**(LOG2SIZE+6) using the literal
  LOG2SIZE; the SID range check uses min(LOG2SIZE, SIDSIZE).
* CD address = S1ContextPtr + index*64 (no alignment of S1ContextPtr to the table
  size), truncated to OAS bits.
* Reserved STE/CD bits are not checked (not in the SteIllegal/CdIllegal pseudocode).
* IDR1.ATTR_PERMS_OVR=0, so STE.PRIVCFG/INSTCFG do not override PnU/InD.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple

from tb.model.events import (C_BAD_CD, C_BAD_STE, C_BAD_STREAMID, C_BAD_SUBSTREAMID, CLASS_IN, F_ADDR_SIZE,
                             F_CD_FETCH, F_STE_FETCH, F_STREAM_DISABLED, EventRecord)
from tb.model.memory import SparseMemory
from tb.model.registers import RegisterModel
from tb.model.structs import (CFG_BYPASS, CFG_S1, IPS_BITS, S1DSS_BYPASS, S1DSS_SSID0, TG0_4K, TG1_4K,
                              Cd, Ste)
from tb.regmap import SmmuParams

STE_FETCH_BYTES = 16   # dw0-dw1: all a stage-1-only SMMU uses
CD_FETCH_BYTES = 32    # dw0-dw3: TTB0, TTB1, MAIR

T0SZ_MIN = 16          # 4K granule, no DS
T0SZ_MAX_NO_STT = 39   # IDR3.STT=0


@dataclass(frozen=True)
class SmmuFeatures:
    """The ID-register features the configuration and command models obey.

    Defaults are this SMMU with stage 1 implemented (issue 3); the parameter-driven
    ones come from :meth:`from_params`.
    """

    S1P: int = 1
    S2P: int = 0
    HYP: int = 0
    ATS: int = 0
    PRI: int = 0
    MSI: int = 0
    SEV: int = 0
    MPAM: int = 0
    DPT: int = 0
    RIL: int = 0
    STT: int = 0
    CD2L: int = 0
    HTTU: int = 0
    ASID16: int = 1
    TERM_MODEL: int = 0
    TTF: int = 2            # AArch64 tables only
    TTENDIAN: int = 2       # little-endian tables only
    STALL_MODEL: int = 0
    OAS: int = 48
    SIDSIZE: int = 8
    SSIDSIZE: int = 8

    @classmethod
    def from_params(cls, params: SmmuParams, **overrides) -> "SmmuFeatures":
        kw = dict(STALL_MODEL=params.STALL_MODEL, OAS=params.OAS_BITS, SIDSIZE=params.SID_W,
                  SSIDSIZE=params.SSID_W)
        kw.update(overrides)
        return cls(**kw)


@dataclass
class ConfigResult:
    kind: str                          # "abort" | "bypass" | "s1"
    event: Optional[EventRecord] = None
    ste: Optional[Ste] = None
    cd: Optional[Cd] = None
    ste_addr: Optional[int] = None
    cd_addr: Optional[int] = None
    reason: str = ""                   # which rule decided (for logs and tests)


def overlaps(addr: int, n: int, ranges: Iterable[Tuple[int, int]]) -> bool:
    """True if [addr, addr+n) meets any half-open (lo, hi) range."""
    return any(lo < addr + n and addr < hi for lo, hi in ranges)


def ste_address(regs: RegisterModel, params: SmmuParams, sid: int) -> int:
    """STRTAB_BASE.ADDR aligned to the table size (literal LOG2SIZE) + SID*64."""
    oas_mask = (1 << params.OAS_BITS) - 1
    base = regs.read64("STRTAB_BASE") & oas_mask & ~0x3F
    log2size = regs.field("STRTAB_BASE_CFG", "LOG2SIZE")
    base &= ~((1 << (log2size + 6)) - 1)
    return (base + sid * 64) & oas_mask


def ste_illegal(ste: Ste, feat: SmmuFeatures) -> Optional[str]:
    """Why ``ste`` is ILLEGAL (-> C_BAD_STE), or None (5.2.2 SteIllegal)."""
    if not ste.V:
        return "STE.V=0"
    if ste.Config & 0b100 == 0:
        return None                                        # abort; everything else IGNORED
    if ste.Config & 0b010 and not feat.S2P:
        return f"STE.Config={ste.Config:#05b} needs stage 2"
    if ste.Config & 0b001 and not feat.S1P:
        return "STE.Config=0b1x1 needs stage 1"
    if ste.Config != CFG_S1:
        return None                                        # bypass: S1*/EATS/STRW IGNORED
    if ste.S1STALLD and feat.STALL_MODEL != 0:
        return "STE.S1STALLD=1 with STALL_MODEL!=0"
    if feat.SSIDSIZE != 0:
        if ste.S1CDMax > feat.SSIDSIZE:
            return f"STE.S1CDMax={ste.S1CDMax} > SSIDSIZE={feat.SSIDSIZE}"
        if ste.S1CDMax != 0 and not feat.CD2L and ste.S1Fmt in (1, 2):
            return f"STE.S1Fmt={ste.S1Fmt} (2-level CD table) without CD2L"
    if ste.S1ContextPtr >> feat.OAS:
        return "STE.S1ContextPtr beyond OAS"
    return None


def _txsz_granule_ttb_bad(tsz: int, tg_ok: bool, ttb: int, pa_bits: int, half: str) -> Optional[str]:
    if not T0SZ_MIN <= tsz <= T0SZ_MAX_NO_STT:
        return f"CD.T{half}SZ={tsz} outside [{T0SZ_MIN},{T0SZ_MAX_NO_STT}]"
    if not tg_ok:
        return f"CD.TG{half} is not the 4K granule"
    if ttb >> pa_bits:
        return f"CD.TTB{half}={ttb:#x} beyond the effective IPS ({pa_bits} bits)"
    return None


def cd_illegal(cd: Cd, ste: Ste, feat: SmmuFeatures) -> Optional[str]:
    """Why ``cd`` is ILLEGAL (-> C_BAD_CD), or None (5.4.2 CdIllegal, NS-EL1 StreamWorld)."""
    if not cd.V:
        return "CD.V=0"
    if ste.S1STALLD and cd.S:
        return "CD.S=1 with STE.S1STALLD=1"
    if feat.TERM_MODEL and not cd.A:
        return "CD.A=0 with TERM_MODEL=1"
    if feat.STALL_MODEL == 1 and cd.S:
        return "CD.S=1 with STALL_MODEL=01"
    if feat.STALL_MODEL == 2 and not cd.S:
        return "CD.S=0 with STALL_MODEL=10"
    if cd.ENDI and feat.TTENDIAN == 2 and not (cd.EPD0 and cd.EPD1):
        return "CD.ENDI=1 on a little-endian-only SMMU"
    if cd.ENDI == 0 and feat.TTENDIAN == 3 and not (cd.EPD0 and cd.EPD1):
        return "CD.ENDI=0 on a big-endian-only SMMU"
    if not cd.AA64 and feat.TTF == 2:
        return "CD.AA64=0 on an AArch64-only SMMU"
    if (cd.HA or cd.HD) and feat.HTTU == 0:
        return "CD.HA/HD=1 without HTTU"
    if cd.HD and feat.HTTU == 1:
        return "CD.HD=1 with HTTU=01"
    if cd.ASID >> 8 and not feat.ASID16:
        return "CD.ASID[15:8]!=0 without ASID16"
    pa_bits = min(IPS_BITS[cd.IPS], feat.OAS, 48)        # IPS clamped to OAS; DS=0 -> 48-bit TTBx
    if not cd.EPD0:
        why = _txsz_granule_ttb_bad(cd.T0SZ, cd.TG0 == TG0_4K, cd.TTB0, pa_bits, "0")
        if why:
            return why
    if not cd.EPD1:
        why = _txsz_granule_ttb_bad(cd.T1SZ, cd.TG1 == TG1_4K, cd.TTB1, pa_bits, "1")
        if why:
            return why
    return None


def lookup_config(mem: SparseMemory, regs: RegisterModel, params: SmmuParams, *, sid: int, ssid: int = 0,
                  ssv: bool = False, addr: int = 0, rnw: bool = True, pnu: int = 0, ind: int = 0,
                  error_ranges: Sequence[Tuple[int, int]] = (),
                  features: Optional[SmmuFeatures] = None) -> ConfigResult:
    """The configuration outcome of one transaction with SMMUEN=1 (see module docstring)."""
    feat = features or SmmuFeatures.from_params(params)
    ssv = bool(ssv)
    oas_mask = (1 << feat.OAS) - 1

    def ev(event_id: int, **kw) -> EventRecord:
        """SID, SSV and (only when SSV=1) SSID: C_BAD_STREAMID/STE/CD, F_STE/CD_FETCH."""
        return EventRecord(EventID=event_id, StreamID=sid, SSV=int(ssv), SubstreamID=ssid if ssv else 0, **kw)

    def abort(reason: str, event: Optional[EventRecord], **kw) -> ConfigResult:
        return ConfigResult("abort", event, reason=reason, **kw)

    def bypass(**kw) -> ConfigResult:
        if addr >> feat.OAS:
            # PnU/InD after STE.PRIVCFG/INSTCFG (IHI 0070 7.3)
            from tb.model.attrs import effective_pnu_ind
            epnu, eind = effective_pnu_ind(kw["ste"], (pnu & 1) | (ind & 1) << 2, rnw)
            return abort("input address beyond OAS (stage 1 bypassed)",
                         EventRecord(EventID=F_ADDR_SIZE, StreamID=sid, RnW=int(rnw), PnU=epnu,
                                     InD=eind if rnw else 0, CLASS=CLASS_IN,
                                     InputAddr=addr & ((1 << 64) - 1)), **kw)
        return ConfigResult("bypass", reason="stage 1 bypassed", **kw)

    # C_BAD_STREAMID
    log2size = min(regs.field("STRTAB_BASE_CFG", "LOG2SIZE"), feat.SIDSIZE)
    if sid >> log2size:
        recorded = bool(regs.field("CR2", "RECINVSID"))
        return abort("StreamID out of range", ev(C_BAD_STREAMID) if recorded else None)

    # F_STE_FETCH
    ste_addr = ste_address(regs, params, sid)
    if overlaps(ste_addr, STE_FETCH_BYTES, error_ranges):
        return abort("STE fetch external abort", ev(F_STE_FETCH, FetchAddr=ste_addr & oas_mask & ~7),
                     ste_addr=ste_addr)
    ste = Ste.unpack(mem.read(ste_addr, 64))

    # C_BAD_STE
    why = ste_illegal(ste, feat)
    if why:
        return abort(why, ev(C_BAD_STE), ste=ste, ste_addr=ste_addr)
    if ste.Config & 0b100 == 0:
        return abort("STE.Config=abort", None, ste=ste, ste_addr=ste_addr)

    ctx = dict(ste=ste, ste_addr=ste_addr)
    bad_ssid = lambda why: abort(why, EventRecord(EventID=C_BAD_SUBSTREAMID, StreamID=sid, SubstreamID=ssid),
                                 **ctx)
    disabled = lambda why: abort(why, EventRecord(EventID=F_STREAM_DISABLED, StreamID=sid), **ctx)

    if ssv and feat.SSIDSIZE == 0:
        return bad_ssid("SubstreamID with SSIDSIZE=0")
    if ste.Config == CFG_BYPASS:
        if ssv:
            return bad_ssid("SubstreamID on a stage-1-bypass STE")
        return bypass(**ctx)

    # Config = 0b101: choose the CD (5.2 S1CDMax/S1DSS)
    cdmax = ste.S1CDMax if feat.SSIDSIZE else 0
    if ssv:
        if cdmax == 0:
            return bad_ssid("SubstreamID with S1CDMax=0")
        if ssid >> cdmax:
            return bad_ssid(f"SubstreamID >= 2**S1CDMax ({cdmax})")
        if ssid == 0 and ste.S1DSS == S1DSS_SSID0:
            return disabled("SubstreamID 0 with S1DSS=0b10")
        index = ssid
    elif cdmax == 0:
        index = 0
    elif ste.S1DSS == S1DSS_BYPASS:
        return bypass(**ctx)
    elif ste.S1DSS == S1DSS_SSID0:
        index = 0
    else:                                                  # 0b00 terminate, 0b11 reserved as 0b00
        return disabled(f"no SubstreamID with S1DSS={ste.S1DSS:#04b}")

    # F_CD_FETCH
    cd_addr = (ste.S1ContextPtr + index * 64) & oas_mask
    ctx["cd_addr"] = cd_addr
    if overlaps(cd_addr, CD_FETCH_BYTES, error_ranges):
        return abort("CD fetch external abort", ev(F_CD_FETCH, FetchAddr=cd_addr & ~7), **ctx)
    cd = Cd.unpack(mem.read(cd_addr, 64))

    # C_BAD_CD
    why = cd_illegal(cd, ste, feat)
    if why:
        return abort(why, ev(C_BAD_CD), cd=cd, **ctx)
    return ConfigResult("s1", None, cd=cd, reason="stage-1 configuration valid", **ctx)
