"""AMBA AXI4 burst arithmetic (IHI 0022, "Transfer address" pseudocode).

Terms as in the spec: Number_Bytes = 2**size, Burst_Length = len + 1,
Aligned_Address = start rounded down to Number_Bytes, Data_Bus_Bytes = the
data bus width in bytes. Functions take the raw AxLEN (beats - 1) and AxSIZE
encodings as they appear on the bus.
"""

from __future__ import annotations

from enum import IntEnum
from typing import List, Optional, Tuple

PAGE_4K = 4096
ADDR_MASK = (1 << 64) - 1


class Resp(IntEnum):
    OKAY = 0
    EXOKAY = 1
    SLVERR = 2
    DECERR = 3


class Burst(IntEnum):
    FIXED = 0
    INCR = 1
    WRAP = 2


OKAY, EXOKAY, SLVERR, DECERR = Resp.OKAY, Resp.EXOKAY, Resp.SLVERR, Resp.DECERR
FIXED, INCR, WRAP = Burst.FIXED, Burst.INCR, Burst.WRAP

WRAP_LENGTHS = (2, 4, 8, 16)


def _log2(n: int) -> int:
    if n <= 0 or n & (n - 1):
        raise ValueError(f"{n} is not a power of two")
    return n.bit_length() - 1


def check(addr: int, len: int, size: int, burst: int, data_bytes: int) -> Optional[str]:
    """None if the burst is legal AXI4, else the rule it breaks."""
    if not 0 <= addr <= ADDR_MASK:
        return "address outside 64 bits"
    if not 0 <= len <= 255:
        return "AxLEN outside 0..255"
    if size < 0 or size > _log2(data_bytes):
        return "AxSIZE wider than the data bus"
    nbytes = 1 << size
    if burst == Burst.FIXED:
        if len > 15:
            return "FIXED burst longer than 16 beats"
    elif burst == Burst.INCR:
        first = addr & ~(nbytes - 1)
        last = first + (len + 1) * nbytes - 1
        if last // PAGE_4K != addr // PAGE_4K:
            return "INCR burst crosses a 4 KiB boundary"
    elif burst == Burst.WRAP:
        if len + 1 not in WRAP_LENGTHS:
            return "WRAP length not 2, 4, 8 or 16"
        if addr & (nbytes - 1):
            return "WRAP start address not aligned to the transfer size"
    else:
        return "reserved AxBURST"
    return None


def is_legal(addr: int, len: int, size: int, burst: int, data_bytes: int) -> bool:
    return check(addr, len, size, burst, data_bytes) is None


def wrap_boundary(addr: int, len: int, size: int) -> int:
    """Lowest address of the WRAP container (Number_Bytes * Burst_Length, aligned)."""
    total = (len + 1) << size
    return addr // total * total


def beat_addresses(addr: int, len: int, size: int, burst: int, data_bytes: int = 0) -> List[int]:
    """Address_N for every beat (Address_1 = the start address, possibly unaligned).

    ``data_bytes`` is accepted for symmetry with :func:`byte_lanes`; addresses
    do not depend on the bus width.
    """
    nbytes = 1 << size
    n = len + 1
    if burst == Burst.FIXED:
        return [addr] * n
    aligned = addr & ~(nbytes - 1)
    if burst == Burst.INCR:
        return [addr] + [aligned + i * nbytes for i in range(1, n)]
    if burst == Burst.WRAP:
        lower = wrap_boundary(addr, len, size)
        total = n * nbytes
        return [lower + ((addr - lower + i * nbytes) % total) for i in range(n)]
    raise ValueError(f"reserved burst type {burst}")


def byte_lanes(addr: int, len: int, size: int, burst: int, data_bytes: int) -> List[Tuple[int, int]]:
    """(Lower_Byte_Lane, Upper_Byte_Lane) for every beat, inclusive.

    The first beat of an unaligned INCR/FIXED transfer starts at the address
    lane and ends at the top of its Number_Bytes container; FIXED repeats the
    first beat's lanes.
    """
    nbytes = 1 << size
    out = []
    for i, a in enumerate(beat_addresses(addr, len, size, burst, data_bytes)):
        if burst == Burst.FIXED or i == 0:
            a = addr
        aligned = a & ~(nbytes - 1)
        bus_base = a // data_bytes * data_bytes
        out.append((a - bus_base, aligned + nbytes - 1 - bus_base))
    return out


def strobes(addr: int, len: int, size: int, burst: int, data_bytes: int) -> List[int]:
    """The WSTRB a master must use per beat when writing every byte of the burst."""
    return [((1 << (hi + 1)) - 1) & ~((1 << lo) - 1)
            for lo, hi in byte_lanes(addr, len, size, burst, data_bytes)]


def total_bytes(len: int, size: int) -> int:
    return (len + 1) << size
