"""Stage-1 table builder: geometry, descriptor encodings, map/unmap, table attributes, random layouts.

Expected encodings come from the Arm ARM VMSAv8-64 descriptor formats (smmuv3-facts.md section 7).
"""

import numpy as np
import pytest

from tb.model import pagetable as PT
from tb.model.memory import SparseMemory
from tb.model.pagetable import SIZE_1G, SIZE_2M, SIZE_4K, Mapping, Stage1Tables, TablePool

POOL = 0x4000_0000


@pytest.mark.parametrize("t0sz,level,entries", [
    (16, 0, 512), (17, 0, 256), (24, 0, 2), (25, 1, 512), (30, 1, 16), (33, 1, 2),
    (34, 2, 512), (36, 2, 128), (39, 2, 16)])
def test_start_level_and_root_size(t0sz, level, entries):
    assert PT.start_level(t0sz) == level
    assert PT.table_bytes(level, t0sz) == 8 * entries
    assert PT.table_bytes(level + 1, t0sz) == 4096          # every lower level is a full table


@pytest.mark.parametrize("bad", [15, 40, 0, 63])
def test_t0sz_out_of_range(bad):
    with pytest.raises(ValueError):
        PT.start_level(bad)


def test_va_index_bits():
    va = (0x1A5 << 39) | (0x0F3 << 30) | (0x111 << 21) | (0x1FF << 12) | 0xABC
    assert [PT.va_index(va, lvl, 16) for lvl in range(4)] == [0x1A5, 0x0F3, 0x111, 0x1FF]
    # T0SZ=24 (40-bit VA): the level-0 table is indexed by VA[39] only
    assert PT.va_index(1 << 39, 0, 24) == 1


def test_leaf_descriptor_bits():
    d = PT.leaf_descriptor(0x1234_5000, 3, ap=0b11, uxn=1, pxn=0, af=1, ng=0, attr_idx=2, sh=0b10, ns=1,
                           contiguous=1, dbm=1)
    assert d & 3 == 0b11                       # page
    assert d & PT.OA_MASK == 0x1234_5000
    assert (d >> 2) & 7 == 2 and (d >> 5) & 1 == 1 and (d >> 6) & 3 == 0b11 and (d >> 8) & 3 == 0b10
    assert (d >> 10) & 1 == 1 and (d >> 11) & 1 == 0
    assert (d >> 51) & 1 == 1 and (d >> 52) & 1 == 1 and (d >> 53) & 1 == 0 and (d >> 54) & 1 == 1
    blk = PT.leaf_descriptor(0x4000_0000, 1)
    assert blk & 3 == 0b01 and blk & PT.OA_MASK == 0x4000_0000
    with pytest.raises(ValueError):
        PT.leaf_descriptor(0x20_1000, 2)       # not 2M aligned
    with pytest.raises(ValueError):
        PT.leaf_descriptor(0, 0)               # no level-0 blocks with 4K


def test_table_descriptor_bits():
    d = PT.table_descriptor(0x8000_1000, aptable=0b11, uxntable=1, pxntable=1, nstable=1)
    assert d & 3 == 0b11 and d & PT.OA_MASK == 0x8000_1000
    assert (d >> 61) & 3 == 0b11 and (d >> 60) & 1 and (d >> 59) & 1 and (d >> 63) & 1


def test_linux_leaf_defaults():
    f = PT.linux_leaf()
    assert f == dict(ap=0b01, uxn=1, pxn=1, af=1, ng=1, attr_idx=1, sh=0b11)
    assert PT.linux_leaf(write=False, exec_=True)["ap"] == 0b11
    assert PT.linux_leaf(priv=True, write=False)["ap"] == 0b10
    assert PT.linux_leaf(cache="device")["attr_idx"] == 2 and PT.linux_leaf(cache="nc")["attr_idx"] == 0


def test_map_page_builds_path_and_defaults():
    mem = SparseMemory()
    t = Stage1Tables(mem, POOL, t0sz=16)
    va = 0x0000_7F12_3456_7000
    slot = t.map(va, 0x9_8765_4000)
    assert slot == t.descriptor_address(va, 3)
    # path: L0 -> L1 -> L2 tables exist and are table descriptors
    for lvl in (0, 1, 2):
        assert t.read_descriptor(va, lvl) & 3 == 0b11
    leaf = mem.read_u64(slot)
    assert leaf & PT.OA_MASK == 0x9_8765_4000
    assert (leaf >> 10) & 1 == 1 and (leaf >> 11) & 1 == 1 and (leaf >> 8) & 3 == 0b11 and (leaf >> 6) & 3 == 0b01
    assert t.lookup(va + 0x123) == Mapping(va, 0x9_8765_4000)
    assert len(t.tables) == 4
    # a second page in the same 2M region reuses all tables
    t.map(va + 0x1000, 0x1000)
    assert len(t.tables) == 4


def test_map_blocks_and_overlap_rules():
    mem = SparseMemory()
    t = Stage1Tables(mem, POOL)
    t.map(0x4000_0000, 0x8000_0000, SIZE_1G)
    assert t.read_descriptor(0x4000_0000, 1) & 3 == 0b01
    t.map(0x20_0000, 0x60_0000, SIZE_2M)
    assert t.read_descriptor(0x20_0000, 2) & 3 == 0b01
    with pytest.raises(ValueError):
        t.map(0x4000_1000, 0)                   # a 1G block is in the way
    with pytest.raises(ValueError):
        t.map(0x20_0000, 0x0, SIZE_2M)          # slot already valid
    t.map(0x20_0000, 0x0, SIZE_2M, replace_existing=True)
    with pytest.raises(ValueError):
        t.map(0x1000, 0x0, SIZE_2M)             # misaligned VA
    with pytest.raises(ValueError):
        t.map(1 << 48, 0)                       # outside the 48-bit range
    t39 = Stage1Tables(SparseMemory(), POOL, t0sz=39)
    with pytest.raises(ValueError):
        t39.map(0, 0, SIZE_1G)                  # level 1 is above the start level


def test_unmap():
    mem = SparseMemory()
    t = Stage1Tables(mem, POOL)
    t.map(0x1000, 0x5000)
    t.map(0x40_0000, 0x80_0000, SIZE_2M)
    assert t.unmap(0x1abc) == 3 and t.read_descriptor(0x1000, 3) == 0
    assert t.unmap(0x41_2345) == 2 and t.read_descriptor(0x40_0000, 2) == 0
    assert t.unmap(0x1000) is None
    assert t.unmap(0x7000_0000_0000) is None     # no table on the path
    assert t.lookup(0x1000) is None


def test_table_attrs_and_raw_descriptors():
    mem = SparseMemory()
    t = Stage1Tables(mem, POOL)
    t.map(0x1000, 0x5000)
    t.set_table_attrs(0x1000, 1, aptable=0b10, pxntable=1)
    d = t.read_descriptor(0x1000, 1)
    assert (d >> 61) & 3 == 0b10 and (d >> 59) & 1 == 1 and (d >> 60) & 1 == 0 and d & 3 == 3
    t.set_table_attrs(0x1000, 1, uxntable=1)     # other fields kept
    d = t.read_descriptor(0x1000, 1)
    assert (d >> 61) & 3 == 0b10 and (d >> 60) & 1 == 1
    with pytest.raises(ValueError):
        t.set_table_attrs(0x1000, 3, aptable=1)  # a page is not a table
    a = t.put_reserved_l3(0x2000, 0x7000)
    assert mem.read_u64(a) & 3 == 0b01
    a = t.put_invalid(0x3000, 3, junk=0xFFFF_0000_0000_0FFF)
    assert mem.read_u64(a) & 1 == 0
    a = t.put_l0_block(0x80_0000_0000)
    assert mem.read_u64(a) & 3 == 0b01 and a == t.root + 8


def test_root_alignment_and_pool():
    pool = TablePool(POOL, 0x10000)
    t = Stage1Tables(SparseMemory(), pool, t0sz=24)  # 16-byte root
    assert t.root % 16 == 0 and PT.table_bytes(0, 24) == 16
    t.map(0x80_0000_0000 - SIZE_4K, 0x1000)         # top page of the 40-bit range
    assert all(addr % 4096 == 0 for lvl, addr, n in t.tables if lvl > 0)
    with pytest.raises(MemoryError):
        for i in range(40):
            t.map(i * SIZE_1G * 2, 0x1000)          # each needs new L2 + L3 tables


def test_tables_are_zeroed_over_garbage():
    mem = SparseMemory()
    mem.fill_random(1, POOL, 0x10000)
    t = Stage1Tables(mem, POOL)
    t.map(0x1000, 0x2000)
    assert mem.read_u64(t.descriptor_address(0x2000, 3)) == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("t0sz", [16, 25, 34])
def test_random_layout_disjoint_and_seeded(seed, t0sz):
    pool = (POOL, POOL + (1 << 24))
    a = PT.random_layout(seed, 60, t0sz=t0sz, avoid_pa=[pool])
    b = PT.random_layout(np.random.default_rng(seed), 60, t0sz=t0sz, avoid_pa=[pool])
    assert a == b
    ivs = sorted((m.va, m.va + m.size) for m in a)
    assert all(x[1] <= y[0] for x, y in zip(ivs, ivs[1:]))
    pvs = sorted((m.pa, m.pa + m.size) for m in a)
    assert all(x[1] <= y[0] for x, y in zip(pvs, pvs[1:]))
    assert all(not (m.pa < pool[1] and pool[0] < m.pa + m.size) for m in a)
    assert all(m.va % m.size == 0 and m.pa % m.size == 0 and m.va + m.size <= 1 << (64 - t0sz) for m in a)
    assert all(PT.LEVEL_OF_SIZE[m.size] >= PT.start_level(t0sz) for m in a)
    t = PT.build(SparseMemory(), TablePool(*pool[:1], 1 << 24), a, t0sz=t0sz)
    assert len(t.mappings) == 60
    sizes = {m.size for m in PT.random_layout(seed, 200, t0sz=16)}
    assert sizes == {SIZE_4K, SIZE_2M, SIZE_1G}
