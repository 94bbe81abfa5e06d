"""SparseMemory: sparse pages, cross-page accesses, strobes, snapshots."""

import time

import numpy as np
import pytest

from tb.model.memory import PAGE_SIZE, SparseMemory


def test_unwritten_reads_zero_without_allocating():
    m = SparseMemory()
    assert m.read(0xDEAD_0000_0000, 16) == bytes(16)
    assert m.read_u64((1 << 64) - 8) == 0
    assert m.pages == {}


def test_default_fill():
    m = SparseMemory(default=0xA5)
    assert m.read(0x10, 3) == b"\xa5\xa5\xa5"


def test_cross_page_write_read():
    m = SparseMemory()
    data = bytes(range(256)) * 40                       # 10 KiB, spans 4 pages from 0xFF8
    m.write(0x1_0000_0FF8, data)
    assert m.read(0x1_0000_0FF8, len(data)) == data
    assert len(m.pages) == 4
    assert m.read(0x1_0000_0FF0, 8) == bytes(8)


def test_u64_little_endian_across_page():
    m = SparseMemory()
    m.write_u64(0xFFC, 0x0123_4567_89AB_CDEF)
    assert m.read(0xFFC, 8) == bytes.fromhex("efcdab8967452301")
    assert m.read_u64(0xFFC) == 0x0123_4567_89AB_CDEF
    assert m.read_u32(0x1000) == 0x0123_4567


def test_int_strobe():
    m = SparseMemory()
    m.write(0x100, bytes(8), None)
    m.write(0x100, b"\x11\x22\x33\x44\x55\x66\x77\x88", strb=0b1010_0101)
    assert m.read(0x100, 8) == b"\x11\x00\x33\x00\x00\x66\x00\x88"


def test_bool_strobe_and_cross_page():
    m = SparseMemory()
    en = [True, False] * 8
    m.write(0x1FF8, bytes([0xFF] * 16), strb=en)
    assert m.read(0x1FF8, 16) == bytes([0xFF, 0] * 8)


def test_fully_masked_write_does_not_allocate():
    m = SparseMemory()
    m.write(0x5000, bytes(8), strb=0)
    assert m.pages == {}


def test_address_space_limits():
    m = SparseMemory()
    m.write((1 << 64) - 4, b"abcd")
    assert m.read((1 << 64) - 4, 4) == b"abcd"
    with pytest.raises(ValueError):
        m.write((1 << 64) - 2, b"abcd")
    with pytest.raises(ValueError):
        m.read(-1, 1)


def test_fill_random_deterministic():
    a, b = SparseMemory(), SparseMemory()
    da = a.fill_random(np.random.default_rng(5), 0x3000, 5000)
    db = b.fill_random(5, 0x3000, 5000)
    assert da == db and a.read(0x3000, 5000) == da
    assert a.compare(b) == []


def test_snapshot_compare():
    m = SparseMemory()
    m.fill_random(1, 0x0, 3 * PAGE_SIZE)
    snap = m.snapshot()
    assert m.compare(snap) == []
    old = m.read(0x1234, 2)
    m.write(0x1234, bytes(b ^ 0xFF for b in old))
    assert m.compare(snap) == [(0x1234, old[0] ^ 0xFF, old[0]), (0x1235, old[1] ^ 0xFF, old[1])]
    m.write(0x9000_0000, b"\x07")                       # a page the snapshot never had
    assert (0x9000_0000, 7, 0) in m.compare(snap)
    assert len(m.compare(snap, limit=1)) == 1


def test_bulk_speed():
    m = SparseMemory()
    t = time.perf_counter()
    data = m.fill_random(0, 0x4000_0000, 4 << 20)       # 4 MiB
    assert m.read(0x4000_0000, 4 << 20) == data
    for i in range(2000):                               # many beat-sized accesses
        m.write(0x8000 + 16 * i, data[:16], strb=0xFFFF)
    assert time.perf_counter() - t < 2.0
