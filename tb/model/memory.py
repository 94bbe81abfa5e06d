"""Sparse 64-bit byte-addressed memory image on numpy.

The image the cocotb memory responders serve on ``m_axi`` and ``m_axi_tw``
and the scoreboard checks against. Memory is a dict of 4 KiB pages
(``numpy.uint8`` arrays) created on first write; bytes never written read as
``default`` (0). Every operation works on whole page slices, so a 256-beat
burst costs a few numpy calls, not a Python loop per byte.

API (all addresses are byte addresses < 2**64, little-endian integers):
  read(addr, n) -> bytes            write(addr, data, strb=None)
  read_u64(addr) / write_u64(addr, v)  read_uint(addr, n) / write_uint(addr, v, n)
  fill_random(rng, addr, n)         clear()
  snapshot() -> MemorySnapshot      compare(other) -> list of (addr, mine, other)
``strb`` selects which bytes of ``data`` are written: an int bit mask (bit i ->
byte i, as AXI WSTRB) or a sequence of booleans.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

PAGE_BITS = 12
PAGE_SIZE = 1 << PAGE_BITS
PAGE_MASK = PAGE_SIZE - 1
ADDR_LIMIT = 1 << 64

Strobe = Union[None, int, Sequence[bool], np.ndarray]


def _strobe_array(strb: Strobe, n: int) -> Optional[np.ndarray]:
    if strb is None:
        return None
    if isinstance(strb, (int, np.integer)):
        strb = int(strb)
        bits = np.frombuffer(strb.to_bytes((n + 7) // 8 or 1, "little"), dtype=np.uint8)
        return np.unpackbits(bits, bitorder="little")[:n].astype(bool)
    arr = np.asarray(strb, dtype=bool)
    if arr.shape != (n,):
        raise ValueError(f"strobe has {arr.size} entries for {n} bytes")
    return arr


class MemorySnapshot:
    """An immutable copy of a SparseMemory's pages."""

    def __init__(self, pages: Dict[int, np.ndarray], default: int):
        self.pages = {k: v.copy() for k, v in pages.items()}
        self.default = default

    def page(self, pno: int) -> np.ndarray:
        p = self.pages.get(pno)
        return p if p is not None else np.full(PAGE_SIZE, self.default, dtype=np.uint8)


class SparseMemory:
    """Sparse little-endian memory of 2**64 bytes."""

    def __init__(self, default: int = 0):
        self.default = default & 0xFF
        self.pages: Dict[int, np.ndarray] = {}

    # ----------------------------------------------------------- internals
    @staticmethod
    def _check(addr: int, n: int) -> None:
        if addr < 0 or n < 0 or addr + n > ADDR_LIMIT:
            raise ValueError(f"access [{addr:#x}, +{n}) outside the 64-bit address space")

    def _spans(self, addr: int, n: int) -> Iterator[Tuple[int, int, int, int]]:
        """(page number, offset in page, offset in buffer, length) for [addr, addr+n)."""
        pos = 0
        while pos < n:
            a = addr + pos
            off = a & PAGE_MASK
            ln = min(PAGE_SIZE - off, n - pos)
            yield a >> PAGE_BITS, off, pos, ln
            pos += ln

    def _page(self, pno: int) -> np.ndarray:
        p = self.pages.get(pno)
        if p is None:
            p = self.pages[pno] = np.full(PAGE_SIZE, self.default, dtype=np.uint8)
        return p

    # --------------------------------------------------------------- bytes
    def read_array(self, addr: int, n: int) -> np.ndarray:
        self._check(addr, n)
        out = np.full(n, self.default, dtype=np.uint8)
        for pno, off, pos, ln in self._spans(addr, n):
            p = self.pages.get(pno)
            if p is not None:
                out[pos:pos + ln] = p[off:off + ln]
        return out

    def read(self, addr: int, n: int) -> bytes:
        return self.read_array(addr, n).tobytes()

    def write(self, addr: int, data: Union[bytes, bytearray, np.ndarray, Sequence[int]],
              strb: Strobe = None) -> None:
        buf = np.frombuffer(bytes(data), dtype=np.uint8) if not isinstance(data, np.ndarray) \
            else data.astype(np.uint8, copy=False).ravel()
        n = buf.size
        self._check(addr, n)
        en = _strobe_array(strb, n)
        for pno, off, pos, ln in self._spans(addr, n):
            if en is None:
                self._page(pno)[off:off + ln] = buf[pos:pos + ln]
                continue
            sel = en[pos:pos + ln]
            if not sel.any():
                continue          # a fully masked span must not allocate a page
            page = self._page(pno)
            seg = page[off:off + ln]
            seg[sel] = buf[pos:pos + ln][sel]

    # ------------------------------------------------------------ integers
    def read_uint(self, addr: int, n: int) -> int:
        return int.from_bytes(self.read(addr, n), "little")

    def write_uint(self, addr: int, value: int, n: int) -> None:
        self.write(addr, (value & ((1 << (8 * n)) - 1)).to_bytes(n, "little"))

    def read_u64(self, addr: int) -> int:
        return self.read_uint(addr, 8)

    def write_u64(self, addr: int, value: int) -> None:
        self.write_uint(addr, value, 8)

    def read_u32(self, addr: int) -> int:
        return self.read_uint(addr, 4)

    def write_u32(self, addr: int, value: int) -> None:
        self.write_uint(addr, value, 4)

    # --------------------------------------------------------------- bulk
    def fill_random(self, rng: Union[np.random.Generator, int], addr: int, n: int) -> bytes:
        """Write n random bytes at addr (rng: a numpy Generator or a seed); returns them."""
        if not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)
        data = rng.integers(0, 256, size=n, dtype=np.uint8)
        self.write(addr, data)
        return data.tobytes()

    def clear(self) -> None:
        self.pages.clear()

    @property
    def allocated_bytes(self) -> int:
        return len(self.pages) * PAGE_SIZE

    # --------------------------------------------------------- comparison
    def snapshot(self) -> MemorySnapshot:
        return MemorySnapshot(self.pages, self.default)

    def compare(self, other: Union["SparseMemory", MemorySnapshot],
                limit: int = 16) -> List[Tuple[int, int, int]]:
        """Bytes that differ from ``other``: [(addr, mine, theirs)], at most ``limit``."""
        theirs_pages = other.pages
        theirs_default = other.default
        diffs: List[Tuple[int, int, int]] = []
        for pno in sorted(set(self.pages) | set(theirs_pages)):
            a = self.pages.get(pno)
            b = theirs_pages.get(pno)
            if a is None:
                a = np.full(PAGE_SIZE, self.default, dtype=np.uint8)
            if b is None:
                b = np.full(PAGE_SIZE, theirs_default, dtype=np.uint8)
            idx = np.flatnonzero(a != b)
            for i in idx[: max(0, limit - len(diffs))]:
                diffs.append(((pno << PAGE_BITS) + int(i), int(a[i]), int(b[i])))
            if len(diffs) >= limit:
                break
        return diffs

    def changed_since(self, snap: MemorySnapshot, limit: int = 1 << 20) -> List[Tuple[int, int, int]]:
        """Bytes written since ``snap`` with a different value: [(addr, now, before)]."""
        return self.compare(snap, limit)
