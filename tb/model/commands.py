"""Command-queue entries (IHI 0070 chapter 4): 16-byte encoders, a decoder, and legality.

Field positions are spec-notes-config.md 6.2, in bit numbering over the 128-bit
command (dw1[b] = bit 64+b). Address fields take byte addresses (``Addr`` of a
TLBI holds VA[63:12], ``MSIAddr`` of a SYNC holds [55:2]); encoders refuse bits
outside the field.

``command_legal(cmd, features) -> (legal, reason)`` implements 6.3 for this SMMU
with the RTL's choices where the spec allows either:

* reserved/RES0 fields are IGNORED (never CERROR_ILL), except SSec=1, which is
  ILL for every command that has an SSec field (PREFETCH_*, CFGI_*, RESUME,
  STALL_TERM; 4.1.6). SSec of other commands (bit 10) is just a reserved bit.
* unknown, reserved, Secure-only, IMPLEMENTATION DEFINED (0x80-0x8F) opcodes and
  commands of absent features (TLBI_EL2_* without HYP, TLBI_S12_VMALL/S2_IPA without
  S2P, ATC_INV without ATS, PRI_RESP without PRI, CFGI_CD*/TLBI_NH_* without S1P) are ILL.
* RESUME / STALL_TERM are ILL with STALL_MODEL=01; SYNC CS=0b11 is ILL.
* TLBI TG/TTL/NUM/SCALE are RES0 when IDR3.RIL=0 (ignored, so legal); with RIL=1 the
  reserved range combination TG!=0, NUM=SCALE=TTL=0 is ILL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Mapping, Tuple, Union

CMD_BYTES = 16

# ------------------------------------------------------------------ opcodes
PREFETCH_CONFIG = 0x01
PREFETCH_ADDR = 0x02
CFGI_STE = 0x03
CFGI_STE_RANGE = 0x04
CFGI_CD = 0x05
CFGI_CD_ALL = 0x06
TLBI_NH_ALL = 0x10
TLBI_NH_ASID = 0x11
TLBI_NH_VA = 0x12
TLBI_NH_VAA = 0x13
TLBI_EL2_ALL = 0x20
TLBI_EL2_ASID = 0x21
TLBI_EL2_VA = 0x22
TLBI_EL2_VAA = 0x23
TLBI_S12_VMALL = 0x28
TLBI_S2_IPA = 0x2A
TLBI_NSNH_ALL = 0x30
ATC_INV = 0x40
PRI_RESP = 0x41
RESUME = 0x44
STALL_TERM = 0x45
SYNC = 0x46

CFGI_ALL_RANGE = 31     # CFGI_ALL = CFGI_STE_RANGE with Range=31

# CMD_SYNC.CS
CS_NONE, CS_IRQ, CS_SEV = 0, 1, 2

# (lsb, width, shift) over the 128-bit command
_SSEC = {"SSec": (10, 1, 0)}
_SID = {"StreamID": (32, 32, 0)}
_SSID = {"SSV": (11, 1, 0), "SubstreamID": (12, 20, 0)}
_RANGE = {"NUM": (12, 5, 0), "SCALE": (20, 5, 0)}
_VMID = {"VMID": (32, 16, 0)}
_ASID = {"ASID": (48, 16, 0)}
_TLBI_DW1 = {"Leaf": (64, 1, 0), "TTL128": (71, 1, 0), "TTL": (72, 2, 0), "TG": (74, 2, 0),
             "Addr": (76, 52, 12)}

LAYOUTS: Dict[int, Dict[str, Tuple[int, int, int]]] = {
    PREFETCH_CONFIG: {**_SSEC, **_SSID, **_SID},
    PREFETCH_ADDR: {**_SSEC, **_SSID, **_SID, "Size": (64, 5, 0), "Addr": (76, 52, 12)},
    CFGI_STE: {**_SSEC, **_SID, "Leaf": (64, 1, 0)},
    CFGI_STE_RANGE: {**_SSEC, **_SID, "Range": (64, 5, 0)},
    CFGI_CD: {**_SSEC, "SubstreamID": (12, 20, 0), **_SID, "Leaf": (64, 1, 0)},
    CFGI_CD_ALL: {**_SSEC, **_SID},
    TLBI_NH_ALL: {**_VMID},
    TLBI_NH_ASID: {**_VMID, **_ASID},
    TLBI_NH_VA: {**_RANGE, **_VMID, **_ASID, **_TLBI_DW1},
    TLBI_NH_VAA: {**_RANGE, **_VMID, **_TLBI_DW1},
    TLBI_EL2_ALL: {},
    TLBI_EL2_ASID: {**_ASID},
    TLBI_EL2_VA: {**_RANGE, **_ASID, **_TLBI_DW1},
    TLBI_EL2_VAA: {**_RANGE, **_TLBI_DW1},
    TLBI_S12_VMALL: {**_VMID},
    TLBI_S2_IPA: {**_RANGE, **_VMID, "Leaf": (64, 1, 0), "TTL128": (71, 1, 0), "TTL": (72, 2, 0),
                  "TG": (74, 2, 0), "IPA": (76, 44, 12)},
    TLBI_NSNH_ALL: {},
    ATC_INV: {"Global": (9, 1, 0), **_SSID, **_SID, "Size": (64, 6, 0), "Addr": (76, 52, 12)},
    PRI_RESP: {**_SSID, **_SID, "PRGIndex": (64, 9, 0), "Resp": (76, 2, 0)},
    RESUME: {**_SSEC, "Ac": (12, 1, 0), "Ab": (13, 1, 0), **_SID, "STAG": (64, 16, 0)},
    STALL_TERM: {**_SSEC, **_SID},
    SYNC: {"CS": (12, 2, 0), "MSH": (22, 2, 0), "MSIAttr": (24, 4, 0), "MSIData": (32, 32, 0),
           "MSIAddr": (66, 54, 2)},
}

_OPCODE_NAMES = ("PREFETCH_CONFIG", "PREFETCH_ADDR", "CFGI_STE", "CFGI_STE_RANGE", "CFGI_CD", "CFGI_CD_ALL",
                 "TLBI_NH_ALL", "TLBI_NH_ASID", "TLBI_NH_VA", "TLBI_NH_VAA", "TLBI_EL2_ALL", "TLBI_EL2_ASID",
                 "TLBI_EL2_VA", "TLBI_EL2_VAA", "TLBI_S12_VMALL", "TLBI_S2_IPA", "TLBI_NSNH_ALL", "ATC_INV",
                 "PRI_RESP", "RESUME", "STALL_TERM", "SYNC")
NAMES: Dict[int, str] = {globals()[n]: n for n in _OPCODE_NAMES}
OPCODES: Dict[str, int] = {v: k for k, v in NAMES.items()}

HAS_SSEC = frozenset(op for op, lay in LAYOUTS.items() if "SSec" in lay)
RANGE_TLBI = frozenset({TLBI_NH_VA, TLBI_NH_VAA, TLBI_EL2_VA, TLBI_EL2_VAA, TLBI_S2_IPA})
# opcode -> the feature it needs (absent -> CERROR_ILL)
NEEDS = {CFGI_CD: "S1P", CFGI_CD_ALL: "S1P",
         TLBI_NH_ALL: "S1P", TLBI_NH_ASID: "S1P", TLBI_NH_VA: "S1P", TLBI_NH_VAA: "S1P",
         TLBI_EL2_ALL: "HYP", TLBI_EL2_ASID: "HYP", TLBI_EL2_VA: "HYP", TLBI_EL2_VAA: "HYP",
         TLBI_S12_VMALL: "S2P", TLBI_S2_IPA: "S2P", ATC_INV: "ATS", PRI_RESP: "PRI"}


def _opcode(op: Union[int, str]) -> int:
    return OPCODES[op] if isinstance(op, str) else op


def encode(op: Union[int, str], **fields: int) -> bytes:
    """16 bytes of command ``op`` (opcode or name) with the named fields set."""
    opc = _opcode(op)
    lay = LAYOUTS[opc]
    v = opc & 0xFF
    for name, fv in fields.items():
        if name not in lay:
            raise KeyError(f"{NAMES[opc]} has no field {name}")
        lsb, width, shift = lay[name]
        fv = int(fv)
        if fv < 0 or fv & ~(((1 << width) - 1) << shift):
            raise ValueError(f"{NAMES[opc]}.{name}={fv:#x} does not fit bits [{shift + width - 1}:{shift}]")
        v |= (fv >> shift) << lsb
    return v.to_bytes(CMD_BYTES, "little")


@dataclass
class Command:
    op: int
    fields: Dict[str, int] = field(default_factory=dict)
    res: int = 0          # bits no field of this opcode covers (reserved; 0 in a well-formed command)

    @property
    def name(self) -> str:
        return NAMES.get(self.op, f"OP_{self.op:#04x}")

    def __getitem__(self, name: str) -> int:
        return self.fields[name]

    def __str__(self) -> str:
        f = ", ".join(f"{k}={v:#x}" for k, v in self.fields.items() if v)
        return f"{self.name}({f}{', RES=' + hex(self.res) if self.res else ''})"


def decode(data: bytes) -> Command:
    """Opcode and fields of a 16-byte command (unknown opcodes: no fields, all else in ``res``)."""
    if len(data) < CMD_BYTES:
        raise ValueError(f"a command is {CMD_BYTES} bytes, got {len(data)}")
    v = int.from_bytes(bytes(data[:CMD_BYTES]), "little")
    op = v & 0xFF
    lay = LAYOUTS.get(op, {})
    covered = 0xFF
    flds = {}
    for name, (lsb, width, shift) in lay.items():
        m = (1 << width) - 1
        flds[name] = ((v >> lsb) & m) << shift
        covered |= m << lsb
    return Command(op, flds, v & ~covered)


def _feat(features, name: str) -> int:
    if features is None:
        from tb.model.config import SmmuFeatures   # default: this SMMU
        features = SmmuFeatures()
    if isinstance(features, Mapping):
        return int(features.get(name, 0))
    return int(getattr(features, name, 0))


def command_legal(cmd: Union[bytes, Command], features=None) -> Tuple[bool, str]:
    """(True, "") or (False, why it is CERROR_ILL); ``features`` an SmmuFeatures or a dict."""
    c = cmd if isinstance(cmd, Command) else decode(cmd)
    if c.op not in LAYOUTS:
        return False, f"reserved or unsupported opcode {c.op:#04x}"
    need = NEEDS.get(c.op)
    if need and not _feat(features, need):
        return False, f"{c.name} needs IDR0.{need}"
    if c.op in HAS_SSEC and c.fields["SSec"]:
        return False, f"{c.name} with SSec=1 on the Non-secure queue"
    if c.op == SYNC and c.fields["CS"] == 0b11:
        return False, "CMD_SYNC CS=0b11"
    if c.op in (RESUME, STALL_TERM) and _feat(features, "STALL_MODEL") == 1:
        return False, f"{c.name} with STALL_MODEL=01"
    if c.op == PRI_RESP and c.fields["Resp"] == 0b11:
        return False, "PRI_RESP Resp=0b11"
    if c.op in RANGE_TLBI and _feat(features, "RIL"):
        f = c.fields
        if f["TG"] and not (f["NUM"] or f["SCALE"] or f["TTL"]):
            return False, f"{c.name} TG!=0 with NUM=SCALE=TTL=0"
    return True, ""


# ------------------------------------------------------------------ encoders
def prefetch_config(sid: int, ssid: int = 0, ssv: int = 0) -> bytes:
    return encode(PREFETCH_CONFIG, StreamID=sid, SubstreamID=ssid, SSV=ssv)


def prefetch_addr(sid: int, addr: int, size: int = 0, ssid: int = 0, ssv: int = 0) -> bytes:
    return encode(PREFETCH_ADDR, StreamID=sid, Addr=addr, Size=size, SubstreamID=ssid, SSV=ssv)


def cfgi_ste(sid: int, leaf: int = 1) -> bytes:
    return encode(CFGI_STE, StreamID=sid, Leaf=leaf)


def cfgi_ste_range(sid: int, range_: int) -> bytes:
    """Invalidate 2**(range_+1) StreamIDs from ``sid`` (low range_+1 bits of sid ignored)."""
    return encode(CFGI_STE_RANGE, StreamID=sid, Range=range_)


def cfgi_all() -> bytes:
    return encode(CFGI_STE_RANGE, Range=CFGI_ALL_RANGE)


def cfgi_cd(sid: int, ssid: int = 0, leaf: int = 1) -> bytes:
    return encode(CFGI_CD, StreamID=sid, SubstreamID=ssid, Leaf=leaf)


def cfgi_cd_all(sid: int) -> bytes:
    return encode(CFGI_CD_ALL, StreamID=sid)


def tlbi_nh_all(vmid: int = 0) -> bytes:
    return encode(TLBI_NH_ALL, VMID=vmid)


def tlbi_nh_asid(asid: int, vmid: int = 0) -> bytes:
    return encode(TLBI_NH_ASID, ASID=asid, VMID=vmid)


def tlbi_nh_va(asid: int, addr: int, leaf: int = 0, vmid: int = 0, **range_fields: int) -> bytes:
    """``addr`` is the VA (bits [11:0] dropped); range_fields: NUM, SCALE, TTL, TG, TTL128."""
    return encode(TLBI_NH_VA, ASID=asid, Addr=addr & ~0xFFF, Leaf=leaf, VMID=vmid, **range_fields)


def tlbi_nh_vaa(addr: int, leaf: int = 0, vmid: int = 0, **range_fields: int) -> bytes:
    return encode(TLBI_NH_VAA, Addr=addr & ~0xFFF, Leaf=leaf, VMID=vmid, **range_fields)


def tlbi_el2_all() -> bytes:
    return encode(TLBI_EL2_ALL)


def tlbi_el2_asid(asid: int) -> bytes:
    return encode(TLBI_EL2_ASID, ASID=asid)


def tlbi_el2_va(asid: int, addr: int, leaf: int = 0) -> bytes:
    return encode(TLBI_EL2_VA, ASID=asid, Addr=addr & ~0xFFF, Leaf=leaf)


def tlbi_el2_vaa(addr: int, leaf: int = 0) -> bytes:
    return encode(TLBI_EL2_VAA, Addr=addr & ~0xFFF, Leaf=leaf)


def tlbi_s12_vmall(vmid: int = 0) -> bytes:
    return encode(TLBI_S12_VMALL, VMID=vmid)


def tlbi_s2_ipa(ipa: int, vmid: int = 0, leaf: int = 0) -> bytes:
    return encode(TLBI_S2_IPA, IPA=ipa & ~0xFFF, VMID=vmid, Leaf=leaf)


def tlbi_nsnh_all() -> bytes:
    return encode(TLBI_NSNH_ALL)


def atc_inv(sid: int, addr: int = 0, size: int = 0, ssid: int = 0, ssv: int = 0, global_: int = 0) -> bytes:
    return encode(ATC_INV, StreamID=sid, Addr=addr & ~0xFFF, Size=size, SubstreamID=ssid, SSV=ssv,
                  Global=global_)


def pri_resp(sid: int, grpid: int, resp: int, ssid: int = 0, ssv: int = 0) -> bytes:
    return encode(PRI_RESP, StreamID=sid, PRGIndex=grpid, Resp=resp, SubstreamID=ssid, SSV=ssv)


RESUME_ACTIONS = {"term": (0, 0), "retry": (1, 0), "abort": (0, 1)}   # (Ac, Ab); Linux RESP 0/1/2


def resume(sid: int, stag: int, action: str = "retry") -> bytes:
    """CMD_RESUME: ``action`` "retry" (Ac=1), "abort" (Ab=1) or "term" (RAZ/WI with TERM_MODEL=0)."""
    ac, ab = RESUME_ACTIONS[action]
    return encode(RESUME, StreamID=sid, STAG=stag, Ac=ac, Ab=ab)


def stall_term(sid: int) -> bytes:
    return encode(STALL_TERM, StreamID=sid)


def sync(cs: int = CS_NONE, msh: int = 0, msiattr: int = 0, msidata: int = 0, msiaddr: int = 0) -> bytes:
    return encode(SYNC, CS=cs, MSH=msh, MSIAttr=msiattr, MSIData=msidata, MSIAddr=msiaddr)


def with_bits(cmd: bytes, bit: int, value: int = 1, width: int = 1) -> bytes:
    """``cmd`` with bits [bit+width-1:bit] (128-bit numbering) set to ``value`` (for negative tests)."""
    v = int.from_bytes(cmd, "little")
    m = ((1 << width) - 1) << bit
    v = (v & ~m) | ((value << bit) & m)
    return v.to_bytes(CMD_BYTES, "little")
