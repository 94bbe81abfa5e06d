"""AXI4 burst arithmetic, from the AMBA AXI4 transfer-address equations and examples."""

import random

import pytest

from tb.model.axi import (DECERR, EXOKAY, FIXED, INCR, OKAY, SLVERR, WRAP, beat_addresses,
                          byte_lanes, check, is_legal, strobes, total_bytes, wrap_boundary)


def test_response_encoding():
    assert (OKAY, EXOKAY, SLVERR, DECERR) == (0, 1, 2, 3)
    assert (FIXED, INCR, WRAP) == (0, 1, 2)


def test_incr_aligned():
    assert beat_addresses(0x1000, 3, 3, INCR, 8) == [0x1000, 0x1008, 0x1010, 0x1018]


def test_incr_unaligned_first_beat():
    # first beat at the start address, then aligned to the transfer size
    assert beat_addresses(0x1003, 3, 2, INCR, 8) == [0x1003, 0x1004, 0x1008, 0x100C]
    assert byte_lanes(0x1003, 3, 2, INCR, 8) == [(3, 3), (4, 7), (0, 3), (4, 7)]


def test_narrow_incr_lanes_rotate():
    assert byte_lanes(0x5, 5, 0, INCR, 8) == [(5, 5), (6, 6), (7, 7), (0, 0), (1, 1), (2, 2)]
    assert strobes(0x4, 2, 1, INCR, 4) == [0b0011, 0b1100, 0b0011]


def test_fixed_repeats():
    assert beat_addresses(0x2004, 3, 2, FIXED, 8) == [0x2004] * 4
    assert byte_lanes(0x2005, 2, 2, FIXED, 8) == [(5, 7)] * 3


@pytest.mark.parametrize("addr,len,size,expect", [
    (0x34, 3, 2, [0x34, 0x38, 0x3C, 0x30]),                    # 4 x 4 B, container 0x30-0x3F
    (0x30, 3, 2, [0x30, 0x34, 0x38, 0x3C]),                    # starts at the boundary: no wrap
    (0x3C, 1, 2, [0x3C, 0x38]),
    (0x1038, 15, 3, [0x1038 + 8 * i for i in range(9)] + [0x1000 + 8 * i for i in range(7)]),
    (0x7E, 7, 1, [0x7E, 0x70, 0x72, 0x74, 0x76, 0x78, 0x7A, 0x7C]),
])
def test_wrap(addr, len, size, expect):
    assert is_legal(addr, len, size, WRAP, 8)
    assert beat_addresses(addr, len, size, WRAP, 8) == expect


def test_wrap_boundary():
    assert wrap_boundary(0x1038, 15, 3) == 0x1000
    assert wrap_boundary(0x34, 3, 2) == 0x30
    assert wrap_boundary(0xFFC, 1, 2) == 0xFF8


def test_wrap_lanes_on_wide_bus():
    # 16-byte bus, 8-byte transfers: lanes alternate
    assert byte_lanes(0x18, 3, 3, WRAP, 16) == [(8, 15), (0, 7), (8, 15), (0, 7)]


@pytest.mark.parametrize("args,reason", [
    ((0xFF0, 1, 3, INCR, 8), None),                              # ends at 0xFFF
    ((0xFF0, 2, 3, INCR, 8), "4 KiB"),                           # crosses into 0x1000
    ((0x0, 255, 4, INCR, 16), None),                             # 4096 B exactly
    ((0x10, 255, 4, INCR, 16), "4 KiB"),
    ((0xFFF, 0, 0, INCR, 8), None),
    ((0xFFF, 1, 0, INCR, 8), "4 KiB"),
    ((0xFFD, 0, 3, INCR, 8), None),                              # unaligned single beat, in page
    ((0xFF9, 1, 3, INCR, 8), "4 KiB"),                           # 0xFF8 + 2 x 8 - 1 = 0x1007
])
def test_4k_rule(args, reason):
    r = check(*args)
    assert (r is None) if reason is None else (r is not None and reason in r)


@pytest.mark.parametrize("args", [
    (0x0, 2, 2, WRAP, 8),          # 3 beats
    (0x0, 31, 2, WRAP, 8),         # 32 beats
    (0x2, 3, 2, WRAP, 8),          # unaligned
    (0x0, 16, 0, FIXED, 8),        # FIXED > 16 beats
    (0x0, 0, 4, INCR, 8),          # 16-byte beats on an 8-byte bus
    (0x0, 0, 0, 3, 8),             # reserved burst type
    (0x0, 256, 0, INCR, 8),        # AxLEN is 8 bits
    (1 << 64, 0, 0, INCR, 8),
])
def test_illegal(args):
    assert not is_legal(*args)


@pytest.mark.parametrize("args", [
    (0x0, 1, 2, WRAP, 8), (0x0, 15, 3, WRAP, 8), (0x0, 15, 0, FIXED, 8), (0x0, 0, 4, INCR, 16),
    ((1 << 64) - 8, 0, 3, INCR, 8), ((1 << 64) - 4096, 255, 4, INCR, 16),
])
def test_legal(args):
    assert is_legal(*args)


def test_random_incr_and_wrap_properties():
    rng = random.Random(7)
    for _ in range(2000):
        db = rng.choice((4, 8, 16))
        size = rng.randrange(db.bit_length())
        burst = rng.choice((INCR, WRAP))
        len_ = rng.choice((1, 3, 7, 15)) if burst == WRAP else rng.randrange(256)
        addr = rng.getrandbits(48)
        if burst == WRAP:
            addr &= ~((1 << size) - 1)
        if not is_legal(addr, len_, size, burst, db):
            continue
        addrs = beat_addresses(addr, len_, size, burst, db)
        assert len(addrs) == len_ + 1 and addrs[0] == addr
        aligned = [a & ~((1 << size) - 1) for a in addrs]
        if burst == INCR:
            assert all(a >> 12 == addr >> 12 for a in addrs)
            assert all(b - a == 1 << size for a, b in zip(aligned, aligned[1:]))
        else:
            lo = wrap_boundary(addr, len_, size)
            assert sorted(addrs) == list(range(lo, lo + total_bytes(len_, size), 1 << size))
        for (lo_l, hi_l), a in zip(byte_lanes(addr, len_, size, burst, db), addrs):
            assert 0 <= lo_l <= hi_l < db
            assert hi_l - lo_l + 1 <= 1 << size
