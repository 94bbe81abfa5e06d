"""Transaction-outcome predictor: what smmu_top does with one client transaction.

``predict()`` decides from the register state *in effect* and the transaction's
attributes; the helpers turn an :class:`Outcome` into the beats the client
must see on ``s_axi`` and the memory effect on ``m_axi``.

Rules:

* SMMUEN in effect is **CR0ACK.SMMUEN**, not CR0.SMMUEN: software writes CR0
  and the change only governs traffic once acknowledged. The model is settled
  (CR0ACK == CR0 after every write), so the two agree whenever a test has
  polled CR0ACK before issuing traffic, which it must.
* SMMUEN = 0 (the SMMU is bypassed, GBPA applies to every stream):
  GBPA.ABORT = 1 -> abort; input address >= 2**OAS_BITS -> abort (it cannot be
  output); otherwise bypass with output address = input address.
* SMMUEN = 1 -> :func:`translate_smmu_enabled`: the configuration lookup of
  :mod:`tb.model.config` (STE/CD checks and their events; STE bypass). A valid
  stage-1 configuration is translated by :func:`stage1_translate_outcome` (the
  page-table walk of :mod:`tb.model.translate`, in the same memory image as the
  STEs/CDs, with the same external-abort ranges): "translate" to the walk's PA,
  or the fault's terminate-model outcome (abort / RAZ/WI / stall) and record.

An abort is terminated without any m_axi traffic and answered SLVERR. An AXI4
INCR burst never crosses 4 KiB and 2**OAS_BITS is 4 KiB aligned, so deciding
on the start address decides for every byte of the burst.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from tb.model import attrs as attr_model
from tb.model.attrs import OutAttrs
from tb.model.axi import Resp, beat_addresses, byte_lanes
from tb.model.config import ConfigResult, lookup_config
from tb.model.events import EventRecord
from tb.model.memory import SparseMemory
from tb.model.registers import RegisterModel
from tb.regmap import SmmuParams

KINDS = ("bypass", "abort", "raz", "translate", "stall")


@dataclass
class Outcome:
    """The SMMU's decision for one transaction.

    kind     "bypass" | "abort" | "raz" | "translate" | "stall"
    out_addr the m_axi address (bypass/translate), else None
    resp     the response the client sees when the SMMU terminates it
             (abort: SLVERR, raz: OKAY); for bypass/translate the downstream
             response is passed through unchanged, OKAY here is what a healthy
             memory returns
    event    the :class:`~tb.model.events.EventRecord` the SMMU writes, or None
    attrs    the m_axi AxCACHE/AxPROT/AxDOMAIN (bypass/translate; :mod:`tb.model.attrs`)
    """

    kind: str
    out_addr: Optional[int]
    resp: int
    event: Optional[EventRecord] = None
    attrs: Optional[OutAttrs] = field(default=None, compare=False)   # checked on its own

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown outcome kind {self.kind!r}")

    @property
    def reaches_memory(self) -> bool:
        return self.kind in ("bypass", "translate")


def _abort() -> Outcome:
    return Outcome("abort", None, Resp.SLVERR, None)


def translate_smmu_enabled(regs: RegisterModel, params: SmmuParams, *, addr: int, is_read: bool,
                           sid: int, ssid: int, ssidv: bool, prot: int,
                           mem: Optional[SparseMemory] = None,
                           error_ranges: Sequence[Tuple[int, int]] = (), cache: int = 0) -> Outcome:
    """SMMUEN = 1: the STE/CD configuration lookup (:func:`tb.model.config.lookup_config`).

    ``mem`` is the memory the SMMU fetches STEs/CDs and translation-table
    descriptors from (None: all zeros, so every STE is invalid); ``error_ranges``
    are half-open (lo, hi) byte ranges where those reads get an external abort.
    """
    mem = mem if mem is not None else SparseMemory()
    cfg = lookup_config(mem, regs, params, sid=sid, ssid=ssid,
                        ssv=ssidv, addr=addr, rnw=is_read, pnu=prot & 1, ind=(prot >> 2) & 1,
                        error_ranges=error_ranges)
    if cfg.kind == "abort":
        return Outcome("abort", None, Resp.SLVERR, cfg.event)
    if cfg.kind == "bypass":
        return Outcome("bypass", addr, Resp.OKAY, None, attr_model.ste_bypass(cfg.ste, cache, prot, is_read))
    return stage1_translate_outcome(cfg, mem, params, addr=addr, is_read=is_read, prot=prot, sid=sid,
                                    ssid=ssid, ssidv=ssidv, error_ranges=error_ranges, cache=cache)


def predict(regs: RegisterModel, params: SmmuParams, *, addr: int, is_read: bool, sid: int,
            ssid: int = 0, ssidv: bool = False, prot: int = 0, mem: Optional[SparseMemory] = None,
            error_ranges: Sequence[Tuple[int, int]] = (), cache: int = 0) -> Outcome:
    """Outcome of one client transaction starting at ``addr`` (see module docstring).

    ``mem``/``error_ranges`` only matter with SMMUEN = 1 (configuration fetches and walks).
    """
    if regs.smmuen:                                   # CR0ACK.SMMUEN: the value in effect
        return translate_smmu_enabled(regs, params, addr=addr, is_read=is_read, sid=sid,
                                      ssid=ssid, ssidv=ssidv, prot=prot, mem=mem,
                                      error_ranges=error_ranges, cache=cache)
    if regs.gbpa_abort:
        return _abort()
    if addr >= 1 << params.OAS_BITS:
        return _abort()
    return Outcome("bypass", addr, Resp.OKAY, None,
                   attr_model.global_bypass(regs.read_name("GBPA"), cache, prot, is_read))


# ---------------------------------------------------------------- beats
@dataclass
class ReadBeat:
    """One expected R beat. ``data`` is the whole bus word (None = not checked,
    as for an abort); only the bytes in ``lanes`` (bit mask) are meaningful."""

    data: Optional[bytes]
    resp: int
    last: bool
    lanes: int


def _lane_masks(addr: int, len: int, size: int, burst: int, data_bytes: int) -> List[int]:
    return [((1 << (hi + 1)) - 1) & ~((1 << lo) - 1)
            for lo, hi in byte_lanes(addr, len, size, burst, data_bytes)]


def memory_read_beats(mem: SparseMemory, addr: int, len: int, size: int, burst: int,
                      data_bytes: int) -> List[bytes]:
    """The bus words a memory returns for a read burst at ``addr`` (all lanes filled
    from the bus-aligned word, so active lanes carry the addressed bytes)."""
    return [mem.read(a // data_bytes * data_bytes, data_bytes)
            for a in beat_addresses(addr, len, size, burst, data_bytes)]


def expected_read_response(outcome: Outcome, nbeats: int,
                           mem_data: Optional[Sequence[bytes]] = None, *, addr: int = 0,
                           size: int = 0, burst: int = 1, data_bytes: int = 8) -> List[ReadBeat]:
    """The R beats the client must receive: always ``nbeats`` with RLAST on the last.

    bypass/translate: ``mem_data`` (per-beat bus words, e.g. from
    :func:`memory_read_beats` at ``outcome.out_addr``), OKAY; abort: SLVERR, data
    unchecked; raz: zeros, OKAY. ``addr/size/burst/data_bytes`` give the lane masks.
    """
    lanes = _lane_masks(addr, nbeats - 1, size, burst, data_bytes)
    beats = []
    for i in range(nbeats):
        last = i == nbeats - 1
        if outcome.kind == "abort":
            beats.append(ReadBeat(None, Resp.SLVERR, last, lanes[i]))
        elif outcome.kind == "raz":
            beats.append(ReadBeat(bytes(data_bytes), Resp.OKAY, last, lanes[i]))
        elif outcome.kind in ("bypass", "translate"):
            if mem_data is None or len(mem_data) != nbeats:
                raise ValueError("bypass/translate needs one memory word per beat")
            beats.append(ReadBeat(bytes(mem_data[i]), Resp.OKAY, last, lanes[i]))
        else:
            raise ValueError(f"no response expected yet for a {outcome.kind} transaction")
    return beats


def expected_write_response(outcome: Outcome) -> int:
    """BRESP of the single B the client receives (after all its W beats are consumed)."""
    if outcome.kind == "abort":
        return Resp.SLVERR
    if outcome.kind in ("raz", "bypass", "translate"):
        return Resp.OKAY
    raise ValueError(f"no response expected yet for a {outcome.kind} transaction")


def apply_write(mem: SparseMemory, outcome: Outcome, len: int, size: int, burst: int,
                data_bytes: int, wbeats: Sequence[Tuple[bytes, int]]) -> None:
    """Memory effect of a write burst: only bypass/translate write, at ``out_addr``.

    ``wbeats`` are (bus word, WSTRB); strobes outside the beat's active lanes are
    ignored (AXI requires the master to keep them low).
    """
    if not outcome.reaches_memory:
        return
    addrs = beat_addresses(outcome.out_addr, len, size, burst, data_bytes)
    lanes = _lane_masks(outcome.out_addr, len, size, burst, data_bytes)
    for a, ln, (data, strb) in zip(addrs, lanes, wbeats):
        mem.write(a // data_bytes * data_bytes, data, strb & ln)


# ------------------------------------------------ stage-1 translation (valid STE+CD)
def stage1_translate_outcome(cfg: ConfigResult, mem: SparseMemory, params: SmmuParams, *, addr: int,
                             is_read: bool, prot: int, sid: int, ssid: int = 0, ssidv: bool = False,
                             error_ranges: Sequence[Tuple[int, int]] = (), stag: int = 0,
                             ifetch_needs_read: bool = False, cache: int = 0) -> Outcome:
    """The outcome of a valid stage-1 configuration (``cfg.kind == "s1"``).

    Success -> "translate" at the walk's PA. F_WALK_EABT -> abort, always recorded
    (IHI 0070 5.5: A/R/S only govern the four translation-related faults).
    F_TRANSLATION/F_ADDR_SIZE/F_ACCESS/F_PERMISSION: CD.S=1 -> "stall" with a
    Stall=1 record carrying ``stag`` (R ignored); CD.S=0 -> recorded only if CD.R,
    terminated as abort (CD.A=1, SLVERR) or RAZ/WI (CD.A=0, OKAY).
    """
    from tb.model.events import F_WALK_EABT
    from tb.model.translate import event_for, translate

    cd = cfg.cd
    # the permission check and the records use PnU/InD after STE.PRIVCFG/INSTCFG (13.4, 7.3)
    pnu, ind = attr_model.effective_pnu_ind(cfg.ste, prot, is_read) if cfg.ste is not None else \
        (prot & 1, (prot >> 2) & 1)
    tr = translate(mem, cd, va=addr, rnw=is_read, pnu=pnu, ind=ind, oas_bits=params.OAS_BITS,
                   error_ranges=error_ranges, ifetch_needs_read=ifetch_needs_read)
    if tr.ok:
        out = (attr_model.translated(cfg.ste, tr.attrs.mair_attr, tr.attrs.sh, cache, prot, is_read)
               if cfg.ste is not None else None)
        return Outcome("translate", tr.pa, Resp.OKAY, None, out)
    ev = dict(sid=sid, ssid=ssid, ssv=ssidv, rnw=is_read, pnu=pnu, ind=ind)
    if tr.fault.event_id == F_WALK_EABT:
        return Outcome("abort", None, Resp.SLVERR, event_for(cd, tr, **ev))
    if cd.S:
        return Outcome("stall", None, Resp.OKAY, event_for(cd, tr, stall=True, stag=stag, **ev))
    event = event_for(cd, tr, **ev) if cd.R else None
    if cd.A:
        return Outcome("abort", None, Resp.SLVERR, event)
    return Outcome("raz", None, Resp.OKAY, event)
