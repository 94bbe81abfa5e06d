"""Stage-1 translation tables (VMSAv8-64, 4 KiB granule, DS=0) built in a SparseMemory.

Written from the Arm ARM (VMSAv8-64 descriptor formats) and smmuv3-facts.md
section 7, never from RTL. Little-endian 64-bit descriptors:

* bits[1:0]: bit0=0 invalid; levels 0-2: 0b01 block, 0b11 table; level 3: 0b11
  page, 0b01 reserved (treated as invalid). A level-0 block is invalid with the
  4 KiB granule (no DS).
* table: NLTA[47:12], PXNTable[59], UXNTable[60], APTable[62:61], NSTable[63].
* block/page: OA (L1 [47:30], L2 [47:21], L3 [47:12]), AttrIndx[4:2], NS[5],
  AP[2:1]=bits[7:6], SH[9:8], AF[10], nG[11], DBM[51], Contiguous[52], PXN[53],
  UXN[54].
* T0SZ 16..39: input size ``ias = 64 - T0SZ``; start level
  ``4 - (ias - 4) // 9`` (16-24 -> L0, 25-33 -> L1, 34-39 -> L2). The start-level
  table has ``2 ** (ias - shift(start))`` entries (fewer than 512 when T0SZ is
  not at a level boundary) and is aligned to its size.

:class:`Stage1Tables` owns one set of tables: ``map``/``unmap``, table-descriptor
attributes on a path (:meth:`Stage1Tables.set_table_attrs`), raw descriptors for
fault tests (:meth:`Stage1Tables.set_descriptor`, ``put_invalid``,
``put_reserved_l3``, ``put_l0_block``) and :meth:`Stage1Tables.descriptor_address`
for external-abort ranges. :func:`random_layout` draws non-overlapping mappings
of mixed sizes and random permissions from a seeded numpy Generator.

Defaults of :meth:`Stage1Tables.map` are Linux io-pgtable-arm leaves
(smmuv3-facts.md section 7): AF=1, SH=IS (0b11), nG=1, AP=0b01 (AP[1]=1: EL0
accessible; AP[2]=0: writable), AttrIndx=1 (MAIR index 1, Normal WB). Use
:func:`linux_leaf` for the Linux prot -> fields mapping (read-only, no-exec,
privileged, device/uncached).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from tb.model.memory import SparseMemory

GRANULE = 1 << 12
SIZE_4K = 1 << 12
SIZE_2M = 1 << 21
SIZE_1G = 1 << 30
LEVEL_OF_SIZE = {SIZE_4K: 3, SIZE_2M: 2, SIZE_1G: 1}
SIZE_OF_LEVEL = {3: SIZE_4K, 2: SIZE_2M, 1: SIZE_1G, 0: 1 << 39}

T0SZ_MIN, T0SZ_MAX = 16, 39
DESC_BYTES = 8

# descriptor fields
DESC_VALID = 1 << 0
DESC_TABLE = 1 << 1            # levels 0-2: table (1) vs block (0); level 3: page (1) vs reserved (0)
OA_MASK = ((1 << 48) - 1) & ~(GRANULE - 1)   # bits [47:12]
ATTRINDX_SHIFT, NS_BIT, AP_SHIFT, SH_SHIFT, AF_BIT, NG_BIT = 2, 5, 6, 8, 10, 11
DBM_BIT, CONT_BIT, PXN_BIT, UXN_BIT = 51, 52, 53, 54
PXNTABLE_BIT, UXNTABLE_BIT, APTABLE_SHIFT, NSTABLE_BIT = 59, 60, 61, 63

# AP[2:1] values (stage 1, EL1&0 regime)
AP_PRIV_RW = 0b00        # EL1 RW, EL0 none
AP_RW = 0b01             # EL1 RW, EL0 RW
AP_PRIV_RO = 0b10        # EL1 RO, EL0 none
AP_RO = 0b11             # EL1 RO, EL0 RO
# APTable values
APTABLE_NO_EL0 = 0b01    # bit 61: no unprivileged access below
APTABLE_NO_WRITE = 0b10  # bit 62: no write access below

SH_NSH, SH_OSH, SH_ISH = 0b00, 0b10, 0b11
ATTR_NC, ATTR_WB, ATTR_DEVICE = 0, 1, 2      # Linux MAIR indices (structs.LINUX_MAIR)


# ------------------------------------------------------------------ geometry
def input_bits(t0sz: int) -> int:
    if not T0SZ_MIN <= t0sz <= T0SZ_MAX:
        raise ValueError(f"T0SZ={t0sz} outside [{T0SZ_MIN},{T0SZ_MAX}] (4K granule, STT=0)")
    return 64 - t0sz


def start_level(t0sz: int) -> int:
    """4 - floor((64 - T0SZ - 4) / 9): 16-24 -> 0, 25-33 -> 1, 34-39 -> 2."""
    return 4 - (input_bits(t0sz) - 4) // 9


def level_shift(level: int) -> int:
    """Lowest VA bit indexed at ``level`` (L3 12, L2 21, L1 30, L0 39)."""
    return 12 + 9 * (3 - level)


def index_bits(level: int, t0sz: int) -> int:
    """Number of VA bits the level-``level`` table is indexed by (9 below the start level)."""
    if level == start_level(t0sz):
        return input_bits(t0sz) - level_shift(level)
    return 9


def table_bytes(level: int, t0sz: int) -> int:
    return DESC_BYTES << index_bits(level, t0sz)


def va_index(va: int, level: int, t0sz: int) -> int:
    return (va >> level_shift(level)) & ((1 << index_bits(level, t0sz)) - 1)


# ------------------------------------------------------------------ descriptors
def table_descriptor(nlta: int, *, aptable: int = 0, uxntable: int = 0, pxntable: int = 0,
                     nstable: int = 0) -> int:
    if nlta & ~OA_MASK:
        raise ValueError(f"next-level table address {nlta:#x} is not a 4K-aligned 48-bit address")
    return (nlta | DESC_VALID | DESC_TABLE | (aptable & 3) << APTABLE_SHIFT | (uxntable & 1) << UXNTABLE_BIT
            | (pxntable & 1) << PXNTABLE_BIT | (nstable & 1) << NSTABLE_BIT)


def leaf_descriptor(pa: int, level: int, *, ap: int = AP_RW, uxn: int = 0, pxn: int = 0, af: int = 1,
                    ng: int = 1, attr_idx: int = ATTR_WB, sh: int = SH_ISH, ns: int = 0, contiguous: int = 0,
                    dbm: int = 0) -> int:
    """Block (levels 1, 2) or page (level 3) descriptor mapping ``pa``."""
    if level not in (1, 2, 3):
        raise ValueError(f"no block/page descriptor at level {level} with the 4K granule")
    size = SIZE_OF_LEVEL[level]
    if pa & (size - 1) or pa >> 48:
        raise ValueError(f"output address {pa:#x} is not a {size:#x}-aligned 48-bit address")
    return (pa | DESC_VALID | (DESC_TABLE if level == 3 else 0) | (attr_idx & 7) << ATTRINDX_SHIFT
            | (ns & 1) << NS_BIT | (ap & 3) << AP_SHIFT | (sh & 3) << SH_SHIFT | (af & 1) << AF_BIT
            | (ng & 1) << NG_BIT | (dbm & 1) << DBM_BIT | (contiguous & 1) << CONT_BIT
            | (pxn & 1) << PXN_BIT | (uxn & 1) << UXN_BIT)


def linux_leaf(*, read: bool = True, write: bool = True, exec_: bool = False, priv: bool = False,
               cache: str = "wb") -> Dict[str, int]:
    """io-pgtable-arm stage-1 prot -> leaf fields: AP[1]=!priv, AP[2]=!write, XN (UXN+PXN) if !exec,
    AttrIndx 1 cached / 2 device / 0 non-cacheable; AF=1, SH=IS, nG=1 (``read`` is implied)."""
    ap = (0 if priv else 1) | (0 if write else 2)
    idx = {"wb": ATTR_WB, "device": ATTR_DEVICE, "nc": ATTR_NC}[cache]
    xn = 0 if exec_ else 1
    return dict(ap=ap, uxn=xn, pxn=xn, af=1, ng=1, attr_idx=idx, sh=SH_ISH)


# ------------------------------------------------------------------ pool
class TablePool:
    """Bump allocator of table memory in [base, base + size)."""

    def __init__(self, base: int, size: int = 1 << 24):
        if base & (GRANULE - 1):
            raise ValueError("pool base must be 4K aligned")
        self.base, self.size, self.next = base, size, base

    def alloc(self, nbytes: int, align: int) -> int:
        addr = (self.next + align - 1) & ~(align - 1)
        if addr + nbytes > self.base + self.size:
            raise MemoryError(f"table pool [{self.base:#x}, +{self.size:#x}) exhausted")
        self.next = addr + nbytes
        return addr

    @property
    def range(self) -> Tuple[int, int]:
        return self.base, self.base + self.size

    def contains(self, addr: int, n: int = 1) -> bool:
        return self.base < addr + n and addr < self.base + self.size


# ------------------------------------------------------------------ mappings
@dataclass(frozen=True)
class Mapping:
    """One block/page: VA range [va, va+size) -> [pa, pa+size) with leaf fields."""

    va: int
    pa: int
    size: int = SIZE_4K
    ap: int = AP_RW
    uxn: int = 0
    pxn: int = 0
    af: int = 1
    ng: int = 1
    attr_idx: int = ATTR_WB
    sh: int = SH_ISH

    @property
    def level(self) -> int:
        return LEVEL_OF_SIZE[self.size]

    def leaf_fields(self) -> Dict[str, int]:
        return dict(ap=self.ap, uxn=self.uxn, pxn=self.pxn, af=self.af, ng=self.ng,
                    attr_idx=self.attr_idx, sh=self.sh)

    def contains(self, va: int) -> bool:
        return self.va <= va < self.va + self.size


class Stage1Tables:
    """One stage-1 translation table tree (TTB0 half) in ``mem``.

    ``root`` is the start-level table (CD.TTB0). Tables are zero-filled when
    allocated from ``pool`` (a :class:`TablePool` or a base address).
    """

    def __init__(self, mem: SparseMemory, pool: Union[TablePool, int], *, t0sz: int = 16):
        self.mem = mem
        self.pool = pool if isinstance(pool, TablePool) else TablePool(pool)
        self.t0sz = t0sz
        self.ias = input_bits(t0sz)
        self.start_level = start_level(t0sz)
        self.root = self._new_table(self.start_level)
        self.mappings: Dict[int, Mapping] = {}       # va -> Mapping (what map() installed)
        self.tables: List[Tuple[int, int, int]] = [(self.start_level, self.root, table_bytes(self.start_level, t0sz))]

    # ----------------------------------------------------------- internals
    def _new_table(self, level: int) -> int:
        n = table_bytes(level, self.t0sz)
        addr = self.pool.alloc(n, max(n, DESC_BYTES))
        self.mem.write(addr, bytes(n))
        if hasattr(self, "tables"):
            self.tables.append((level, addr, n))
        return addr

    def _check_va(self, va: int) -> None:
        if va < 0 or va >> self.ias:
            raise ValueError(f"VA {va:#x} outside the {self.ias}-bit TTB0 range (T0SZ={self.t0sz})")

    def _slot(self, va: int, level: int, *, create: bool) -> int:
        """Address of the level-``level`` descriptor for ``va``, creating tables above it if asked."""
        self._check_va(va)
        if level < self.start_level or level > 3:
            raise ValueError(f"level {level} not walked with T0SZ={self.t0sz} (start level {self.start_level})")
        table = self.root
        for lvl in range(self.start_level, level):
            daddr = table + DESC_BYTES * va_index(va, lvl, self.t0sz)
            desc = self.mem.read_u64(daddr)
            if desc & 3 != 3:
                if desc & DESC_VALID:
                    raise ValueError(f"VA {va:#x}: level-{lvl} block in the way at {daddr:#x}")
                if not create:
                    raise KeyError(f"VA {va:#x}: no level-{lvl} table descriptor at {daddr:#x}")
                nt = self._new_table(lvl + 1)
                self.mem.write_u64(daddr, table_descriptor(nt))
                desc = self.mem.read_u64(daddr)
            table = desc & OA_MASK
        return table + DESC_BYTES * va_index(va, level, self.t0sz)

    # ----------------------------------------------------------- public API
    @property
    def ttb0(self) -> int:
        return self.root

    def descriptor_address(self, va: int, level: int) -> int:
        """Where the walk for ``va`` reads its level-``level`` descriptor (tables must exist)."""
        return self._slot(va, level, create=False)

    def read_descriptor(self, va: int, level: int) -> int:
        return self.mem.read_u64(self.descriptor_address(va, level))

    def set_descriptor(self, va: int, level: int, desc: int) -> int:
        """Write a raw 64-bit descriptor in ``va``'s level-``level`` slot; returns its address."""
        daddr = self._slot(va, level, create=True)
        self.mem.write_u64(daddr, desc)
        return daddr

    def map(self, va: int, pa: int, size: int = SIZE_4K, *, ap: int = AP_RW, uxn: int = 0, pxn: int = 0,
            af: int = 1, ng: int = 1, attr_idx: int = ATTR_WB, sh: int = SH_ISH, ns: int = 0,
            contiguous: int = 0, dbm: int = 0, replace_existing: bool = False) -> int:
        """Map [va, va+size) to pa with a page (4K), L2 block (2M) or L1 block (1G); returns the slot address."""
        if size not in LEVEL_OF_SIZE:
            raise ValueError(f"size {size:#x} is not 4K, 2M or 1G")
        level = LEVEL_OF_SIZE[size]
        if va & (size - 1):
            raise ValueError(f"VA {va:#x} not {size:#x} aligned")
        if level < self.start_level:
            raise ValueError(f"a {size:#x} block needs level {level}, above start level {self.start_level}")
        daddr = self._slot(va, level, create=True)
        old = self.mem.read_u64(daddr)
        if old & DESC_VALID and not replace_existing:
            raise ValueError(f"VA {va:#x}: level-{level} slot {daddr:#x} already holds {old:#018x}")
        self.mem.write_u64(daddr, leaf_descriptor(pa, level, ap=ap, uxn=uxn, pxn=pxn, af=af, ng=ng,
                                                  attr_idx=attr_idx, sh=sh, ns=ns, contiguous=contiguous,
                                                  dbm=dbm))
        self.mappings[va] = Mapping(va, pa, size, ap, uxn, pxn, af, ng, attr_idx, sh)
        return daddr

    def map_mapping(self, m: Mapping) -> int:
        return self.map(m.va, m.pa, m.size, **m.leaf_fields())

    def unmap(self, va: int) -> Optional[int]:
        """Invalidate the leaf covering ``va``; returns its level, or None if nothing was mapped."""
        self._check_va(va)
        table = self.root
        for lvl in range(self.start_level, 4):
            daddr = table + DESC_BYTES * va_index(va, lvl, self.t0sz)
            desc = self.mem.read_u64(daddr)
            if not desc & DESC_VALID:
                return None
            if lvl == 3 or desc & 3 == 1:
                self.mem.write_u64(daddr, 0)
                base = va & ~(SIZE_OF_LEVEL[lvl] - 1)
                self.mappings.pop(base, None)
                return lvl
            table = desc & OA_MASK
        return None

    def set_table_attrs(self, va: int, level: int, *, aptable: Optional[int] = None,
                        uxntable: Optional[int] = None, pxntable: Optional[int] = None,
                        nstable: Optional[int] = None) -> int:
        """Set hierarchical attributes in the level-``level`` table descriptor on ``va``'s path
        (it governs every lookup below it); unspecified fields keep their values. Returns its address."""
        daddr = self._slot(va, level, create=False)
        desc = self.mem.read_u64(daddr)
        if desc & 3 != 3 or level == 3:
            raise ValueError(f"VA {va:#x}: level-{level} descriptor {desc:#018x} is not a table descriptor")
        for val, shift, width in ((aptable, APTABLE_SHIFT, 2), (uxntable, UXNTABLE_BIT, 1),
                                  (pxntable, PXNTABLE_BIT, 1), (nstable, NSTABLE_BIT, 1)):
            if val is not None:
                desc = desc & ~(((1 << width) - 1) << shift) | (val & ((1 << width) - 1)) << shift
        self.mem.write_u64(daddr, desc)
        return daddr

    # fault-test helpers
    def put_invalid(self, va: int, level: int, junk: int = 0) -> int:
        """An invalid descriptor (bit0 = 0; other bits ``junk`` are ignored by the walk)."""
        return self.set_descriptor(va, level, junk & ~DESC_VALID)

    def put_reserved_l3(self, va: int, pa: int = 0) -> int:
        """Level-3 0b01 (reserved, treated as invalid) with otherwise page-like contents."""
        return self.set_descriptor(va, 3, leaf_descriptor(pa, 3) & ~DESC_TABLE)

    def put_l0_block(self, va: int, pa: int = 0) -> int:
        """Level-0 0b01 (a 512 GiB block: invalid with the 4K granule)."""
        if self.start_level != 0:
            raise ValueError("level 0 is not walked with this T0SZ")
        return self.set_descriptor(va, 0, (pa & OA_MASK & ~((1 << 39) - 1)) | DESC_VALID | 1 << AF_BIT)

    def lookup(self, va: int) -> Optional[Mapping]:
        """The installed Mapping covering ``va`` (from map(), not from memory)."""
        for size in (SIZE_4K, SIZE_2M, SIZE_1G):
            m = self.mappings.get(va & ~(size - 1))
            if m is not None and m.size == size:
                return m
        return None


# ------------------------------------------------------------------ random layouts
def _rng(rng: Union[np.random.Generator, int, None]) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _overlaps(lo: int, size: int, ranges: Iterable[Tuple[int, int]]) -> bool:
    return any(a < lo + size and lo < b for a, b in ranges)


def random_layout(rng: Union[np.random.Generator, int, None], n: int, *, t0sz: int = 16,
                  pa_range: Tuple[int, int] = (1 << 32, 1 << 40),
                  avoid_pa: Sequence[Tuple[int, int]] = (),
                  sizes: Sequence[int] = (SIZE_4K, SIZE_2M, SIZE_1G),
                  weights: Sequence[float] = (0.7, 0.2, 0.1),
                  va_window: Optional[Tuple[int, int]] = None,
                  random_perms: bool = True, p_af0: float = 0.05) -> List[Mapping]:
    """``n`` non-overlapping mappings (VA and PA ranges both disjoint, PAs outside ``avoid_pa``).

    VAs are drawn from ``va_window`` (default: the whole TTB0 range, clustered into
    a few 4 GiB regions so tables get shared); sizes above the start level or
    larger than 1/8 of the window are dropped from ``sizes``, and a size that no
    longer fits falls back to the next smaller one. ``random_perms`` draws AP, UXN, PXN, nG,
    AttrIndx, SH and AF (AF=0 with probability ``p_af0``); otherwise Linux defaults.
    """
    g = _rng(rng)
    ias = input_bits(t0sz)
    sl = start_level(t0sz)
    lo, hi = va_window or (0, 1 << ias)
    # a block may use at most 1/8 of the VA window, so a small T0SZ range still holds n mappings
    choices = [(s, w) for s, w in zip(sizes, weights) if LEVEL_OF_SIZE[s] >= sl and 8 * s <= hi - lo]
    if not choices:
        raise ValueError("no block/page size fits this T0SZ / VA window")
    sz = np.array([c[0] for c in choices], dtype=object)
    w = np.array([c[1] for c in choices], dtype=float)
    w /= w.sum()
    # a few 1 GiB (or smaller) clusters so pages share tables
    cluster = min(SIZE_1G * 4, hi - lo)
    nclusters = max(1, min(8, (hi - lo) // cluster))
    bases = sorted({lo + int(g.integers(0, (hi - lo) // cluster)) * cluster for _ in range(nclusters)})
    va_used: List[Tuple[int, int]] = []
    pa_used: List[Tuple[int, int]] = list(avoid_pa)
    out: List[Mapping] = []
    # draw all sizes first and place the largest first, so pages do not crowd blocks out
    todo = sorted((int(s) for s in g.choice(sz, size=n, p=w)), reverse=True)
    tries = 0
    smaller = {int(a): int(b) for a, b in zip(sorted(sz, reverse=True), sorted(sz, reverse=True)[1:])}
    while len(out) < n:
        tries += 1
        if tries > 500:            # no room for this size (small VA/PA space): use the next smaller one
            if todo[len(out)] not in smaller:
                raise RuntimeError(f"could only place {len(out)} of {n} mappings")
            todo[len(out)] = smaller[todo[len(out)]]
            tries = 0
        size = todo[len(out)]
        base = bases[int(g.integers(0, len(bases)))]
        span = min(cluster, hi - base)
        if span < size:
            continue
        va = base + int(g.integers(0, span // size)) * size
        if va + size > hi or _overlaps(va, size, va_used):
            continue
        pa_lo = (pa_range[0] + size - 1) // size
        pa_hi = pa_range[1] // size
        if pa_hi <= pa_lo:
            continue
        pa = int(g.integers(pa_lo, pa_hi)) * size
        if _overlaps(pa, size, pa_used):
            continue
        if random_perms:
            m = Mapping(va, pa, size, ap=int(g.integers(0, 4)), uxn=int(g.integers(0, 2)),
                        pxn=int(g.integers(0, 2)), af=int(g.random() >= p_af0), ng=int(g.integers(0, 2)),
                        attr_idx=int(g.integers(0, 3)), sh=int(g.choice([SH_NSH, SH_OSH, SH_ISH])))
        else:
            m = Mapping(va, pa, size)
        va_used.append((va, va + size))
        pa_used.append((pa, pa + size))
        out.append(m)
        tries = 0
    order = g.permutation(len(out))
    return [out[int(i)] for i in order]


def build(mem: SparseMemory, pool: Union[TablePool, int], mappings: Iterable[Mapping], *,
          t0sz: int = 16) -> Stage1Tables:
    """A :class:`Stage1Tables` holding ``mappings``."""
    t = Stage1Tables(mem, pool, t0sz=t0sz)
    for m in mappings:
        t.map_mapping(m)
    return t
