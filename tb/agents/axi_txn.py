"""Client transaction (pyuvm sequence item) and its constrained randomisation.

Randomisation is hand-written rather than a constraint solver: AXI4 legality
(4 KiB boundary, WRAP lengths and alignment, FIXED <= 16 beats, size <= bus
width) is cheap to construct directly and thousands of items per test must be
generated quickly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from cocotb.triggers import Event
from pyuvm import uvm_sequence_item

from tb.agents.axi_signals import FIXED, INCR, WRAP
from tb.model.axi import is_legal, strobes


@dataclass
class TxnConstraints:
    """Knobs for AxiTxn.randomize(); tests override fields they care about."""

    addr_ranges: Sequence[Tuple[int, int]] = ((0x0000_1000_0000, 0x0000_1010_0000),)
    burst_weights: Tuple[int, int, int] = (1, 6, 2)          # FIXED, INCR, WRAP
    # (weight, lo, hi) buckets for len+1 beats of INCR bursts
    len_buckets: Sequence[Tuple[int, int, int]] = ((50, 1, 1), (30, 2, 8), (12, 9, 32), (6, 33, 128), (2, 129, 256))
    sizes: Optional[Sequence[int]] = None                    # None: every legal size, full width favoured
    ids: Optional[Sequence[int]] = None                      # None: all IDs
    write_ratio: float = 0.5
    sids: Sequence[int] = (0, 1, 2, 0x7F)
    w_timing_weights: Tuple[int, int, int] = (4, 2, 2)       # any, W-before-AW forced, W after AW handshake


class AxiTxn(uvm_sequence_item):
    """One AXI4 burst on s_axi plus the SMMU sideband; completion is an Event on the item."""

    def __init__(self, name: str = "axi_txn") -> None:
        super().__init__(name)
        self.is_write = False
        self.id = 0
        self.addr = 0
        self.len = 0
        self.size = 3
        self.burst = INCR
        self.prot = 0
        self.cache = 0
        self.lock = 0
        self.qos = 0
        self.sid = 0
        self.ssid = 0
        self.ssidv = 0
        self.data: List[int] = []     # write: beats to send; read: beats returned
        self.strb: List[int] = []
        self.w_timing = "any"         # any | w_first | aw_first
        # filled by the driver
        self.resp: List[int] = []     # read: per beat; write: one B
        self.last: List[int] = []
        self.done = Event()
        self.t_issue = 0
        self.t_done = 0
        self.dropped = False          # reset hit while in flight

    # ------------------------------------------------------------- helpers
    @property
    def beats(self) -> int:
        return self.len + 1

    @property
    def nbytes(self) -> int:
        return 1 << self.size

    def __str__(self) -> str:
        d = "W" if self.is_write else "R"
        b = {FIXED: "FIXED", INCR: "INCR", WRAP: "WRAP"}.get(self.burst, str(self.burst))
        return (f"{d} id={self.id} addr={self.addr:#x} len={self.len} size={self.size} {b} prot={self.prot} "
                f"sid={self.sid:#x} ssid={self.ssid:#x}/{self.ssidv} resp={self.resp}")

    def detail(self) -> str:
        lines = [str(self)]
        for i, d in enumerate(self.data):
            s = self.strb[i] if i < len(self.strb) else None
            lines.append(f"  beat {i}: data={d:#x}" + (f" strb={s:#x}" if s is not None else ""))
        return "\n".join(lines)

    # ------------------------------------------------------------- random
    def randomize(self, rng: random.Random, c: TxnConstraints, data_bytes: int, id_w: int,
                  sid_w: int = 8, ssid_w: int = 8) -> "AxiTxn":
        self.is_write = rng.random() < c.write_ratio
        self.id = rng.choice(c.ids) if c.ids else rng.randrange(1 << id_w)
        max_size = data_bytes.bit_length() - 1
        if c.sizes:
            self.size = rng.choice([s for s in c.sizes if s <= max_size])
        else:
            self.size = max_size if rng.random() < 0.6 else rng.randint(0, max_size)
        nb = 1 << self.size
        self.burst = rng.choices((FIXED, INCR, WRAP), weights=c.burst_weights)[0]
        lo, hi = rng.choice(list(c.addr_ranges))
        if self.burst == WRAP:
            beats = rng.choice((2, 4, 8, 16))
            total = beats * nb
            base = rng.randrange(lo, max(lo + 1, hi - total)) & ~(total - 1)
            self.addr = base + rng.randrange(beats) * nb            # aligned to size, anywhere in window
        elif self.burst == FIXED:
            beats = rng.randint(1, 16)
            self.addr = rng.randrange(lo, max(lo + 1, hi - nb))
            if rng.random() < 0.7:
                self.addr &= ~(nb - 1)
        else:
            w, blo, bhi = rng.choices(c.len_buckets, weights=[b[0] for b in c.len_buckets])[0]
            beats = rng.randint(blo, bhi)
            addr = rng.randrange(lo, max(lo + 1, hi - beats * nb))
            if rng.random() < 0.8:
                addr &= ~(nb - 1)
            # do not cross 4 KiB: half the time start at the page base (reaches 256 beats), else clip
            room = (0x1000 - (addr & 0xFFF) + ((addr & (nb - 1)))) // nb
            if beats > room and rng.random() < 0.5 and (addr & ~0xFFF) >= lo:
                addr &= ~0xFFF
                room = 0x1000 // nb
            beats = max(1, min(beats, room))
            self.addr = addr
        self.len = beats - 1
        assert is_legal(self.addr, self.len, self.size, self.burst, data_bytes), str(self)
        self.prot = rng.randrange(8)
        self.cache = rng.randrange(16)
        self.qos = rng.randrange(16)
        self.lock = 0
        self.sid = rng.choice(c.sids) & ((1 << sid_w) - 1)
        self.ssidv = rng.randrange(2)
        self.ssid = rng.randrange(1 << ssid_w) if self.ssidv else 0
        self.w_timing = rng.choices(("any", "w_first", "aw_first"), weights=c.w_timing_weights)[0]
        if self.is_write:
            self.data = [rng.getrandbits(8 * data_bytes) for _ in range(beats)]
            self.strb = self._strobes(rng, data_bytes)
        else:
            self.data, self.strb = [], []
        return self

    def _strobes(self, rng: random.Random, data_bytes: int) -> List[int]:
        """Strobes only on the lanes each beat addresses (narrow/unaligned), 20% randomly thinned."""
        full = strobes(self.addr, self.len, self.size, self.burst, data_bytes)
        return [m & rng.getrandbits(data_bytes) if rng.random() < 0.2 else m for m in full]
