"""Event records (IHI 0070 7.3): 32 bytes, fields at the positions of spec-notes-config.md 1.1.

``EventRecord(**fields).pack() -> bytes(32)`` and ``EventRecord.unpack(bytes)``.
Address fields hold byte addresses: ``FetchAddr`` occupies dw3[55:3] (fetch
events), ``IPA`` dw3[55:12] (translation faults); ``pack()`` refuses values with
bits outside those. ``RES`` collects every bit no field of *this* EventID covers
(dw3 belongs to FetchAddr only for fetch events and to IPA only for translation
faults), so an RTL that writes a RES0 bit shows up in :func:`diff_events`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import List, Tuple, Union

F_UUT = 0x01
C_BAD_STREAMID = 0x02
F_STE_FETCH = 0x03
C_BAD_STE = 0x04
F_BAD_ATS_TREQ = 0x05
F_STREAM_DISABLED = 0x06
F_TRANSL_FORBIDDEN = 0x07
C_BAD_SUBSTREAMID = 0x08
F_CD_FETCH = 0x09
C_BAD_CD = 0x0A
F_WALK_EABT = 0x0B
F_TRANSLATION = 0x10
F_ADDR_SIZE = 0x11
F_ACCESS = 0x12
F_PERMISSION = 0x13
F_TLB_CONFLICT = 0x20
F_CFG_CONFLICT = 0x21
E_PAGE_REQUEST = 0x24
F_VMS_FETCH = 0x25

EVENT_NAMES = {v: k for k, v in dict(globals()).items()
               if k[:2] in ("F_", "C_", "E_") and isinstance(v, int)}

# CLASS encodings
CLASS_CD = 0b00
CLASS_TT = 0b01
CLASS_IN = 0b10

FETCH_EVENTS = frozenset({F_STE_FETCH, F_CD_FETCH, F_WALK_EABT, F_VMS_FETCH})
TRANSLATION_FAULTS = frozenset({F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION})

# name -> (lsb over the 256-bit record, width, shift)
_LAYOUT = {
    "EventID": (0, 8, 0), "SSV": (11, 1, 0), "SubstreamID": (12, 20, 0), "StreamID": (32, 32, 0),
    "STAG": (64, 16, 0), "Stall": (95, 1, 0), "PnU": (97, 1, 0), "InD": (98, 1, 0), "RnW": (99, 1, 0),
    "NSIPA": (102, 1, 0), "S2": (103, 1, 0), "CLASS": (104, 2, 0), "TTRnW": (108, 1, 0),
    "InputAddr": (128, 64, 0),
}
_FETCHADDR = (195, 53, 3)    # dw3[55:3]
_IPA = (204, 44, 12)         # dw3[55:12]
_M256 = (1 << 256) - 1


def _mask(lsb: int, width: int) -> int:
    return ((1 << width) - 1) << lsb


@dataclass
class EventRecord:
    EventID: int = 0
    SSV: int = 0
    SubstreamID: int = 0
    StreamID: int = 0
    STAG: int = 0
    Stall: int = 0
    PnU: int = 0
    InD: int = 0
    RnW: int = 0
    NSIPA: int = 0
    S2: int = 0
    CLASS: int = 0
    TTRnW: int = 0
    InputAddr: int = 0
    FetchAddr: int = 0
    IPA: int = 0
    RES: int = 0

    @staticmethod
    def _layout(event_id: int):
        lay = dict(_LAYOUT)
        if event_id in FETCH_EVENTS:
            lay["FetchAddr"] = _FETCHADDR
        elif event_id in TRANSLATION_FAULTS:
            lay["IPA"] = _IPA
        return lay

    @classmethod
    def res_mask(cls, event_id: int) -> int:
        m = _M256
        for lsb, width, _ in cls._layout(event_id).values():
            m &= ~_mask(lsb, width)
        return m

    def to_int(self) -> int:
        lay = self._layout(self.EventID & 0xFF)
        v = 0
        for name, (lsb, width, shift) in lay.items():
            fv = getattr(self, name)
            if fv < 0 or fv & ~(((1 << width) - 1) << shift):
                raise ValueError(f"EventRecord.{name}={fv:#x} does not fit bits [{shift + width - 1}:{shift}]")
            v |= (fv >> shift) << lsb
        for name in ("FetchAddr", "IPA"):
            if name not in lay and getattr(self, name):
                raise ValueError(f"EventRecord.{name} is not a field of event {self.name}")
        if self.RES & ~self.res_mask(self.EventID & 0xFF):
            raise ValueError(f"EventRecord.RES={self.RES:#x} overlaps named fields")
        return v | self.RES

    def pack(self) -> bytes:
        return self.to_int().to_bytes(32, "little")

    @classmethod
    def from_int(cls, v: int) -> "EventRecord":
        eid = v & 0xFF
        lay = cls._layout(eid)
        kw = {name: ((v >> lsb) & ((1 << width) - 1)) << shift for name, (lsb, width, shift) in lay.items()}
        return cls(**kw, RES=v & cls.res_mask(eid))

    @classmethod
    def unpack(cls, data: bytes) -> "EventRecord":
        if len(data) < 32:
            raise ValueError(f"an event record is 32 bytes, got {len(data)}")
        return cls.from_int(int.from_bytes(bytes(data[:32]), "little"))

    @property
    def name(self) -> str:
        return EVENT_NAMES.get(self.EventID, f"EVENT_{self.EventID:#04x}")

    def __str__(self) -> str:
        parts = [f"{f.name}={getattr(self, f.name):#x}" for f in fields(self)
                 if f.name != "EventID" and getattr(self, f.name)]
        return f"{self.name}({', '.join(parts)})"


EventLike = Union[EventRecord, bytes, bytearray]


def _as_record(e: EventLike) -> EventRecord:
    return e if isinstance(e, EventRecord) else EventRecord.unpack(bytes(e))


def diff_events(expected: EventLike, actual: EventLike) -> List[Tuple[str, int, int]]:
    """Fields that differ: [(name, expected, actual)], in record order; [] when equal.

    Either side may be an :class:`EventRecord` or the 32 raw bytes. Records with
    different EventIDs are decoded with their own layouts, so e.g. FetchAddr vs
    RES shows which bits the other side put where.
    """
    e, a = _as_record(expected), _as_record(actual)
    return [(f.name, getattr(e, f.name), getattr(a, f.name)) for f in fields(EventRecord)
            if getattr(e, f.name) != getattr(a, f.name)]


def format_diff(diff: List[Tuple[str, int, int]]) -> str:
    return ", ".join(f"{n}: expected {x:#x} got {y:#x}" for n, x, y in diff)
