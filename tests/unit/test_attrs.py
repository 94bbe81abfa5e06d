"""tb/model/attrs.py: output attributes (IHI 0070 chapter 13, AMBA mapping 16.7.5)."""

import pytest

from tb.model import attrs as A
from tb.model.structs import Ste

WB_R, WB_W = 0b0111, 0b1011          # AXI4 write-back "other allocate" encodings
NS = A.AXPROT_NS


def gb(cache, prot=0, rd=True, **f):
    g = (f.get("memattr", 0) | f.get("mtcfg", 0) << 4 | f.get("alloccfg", 0) << 8 | f.get("shcfg", 1) << 12
         | f.get("privcfg", 0) << 16 | f.get("instcfg", 0) << 18)
    return A.global_bypass(g, cache, prot, rd)


@pytest.mark.parametrize("cache,rd,want", [
    (0b0000, True, (0b0000, 3)), (0b0001, True, (0b0001, 3)),        # Device
    (0b0010, True, (0b0011, 3)), (0b0011, False, (0b0011, 3)),       # Normal NC -> bufferable, System
    (0b1010, True, (0b0011, 3)), (0b0110, False, (0b0011, 3)),       # WT -> NC (Arm PE interpretation)
    (0b1111, True, (0b1111, 0)), (0b0111, True, (0b0111, 0)),        # WB with hints, NSH (default SH)
    (0b1011, False, (0b1011, 0)), (0b0111, False, (0b0111, 0)),
    (0b0100, True, (0b0000, 3)),                                     # reserved (no modifiable): Device
])
def test_incoming_types(cache, rd, want):
    o = gb(cache, 0, rd)
    assert (o.cache, o.domain) == want


@pytest.mark.parametrize("prot", range(8))
def test_ns_forced_and_priv_inst_incoming(prot):
    for rd in (True, False):
        o = gb(0b1111, prot, rd)
        assert o.prot & NS
        assert o.prot & 1 == prot & 1
        assert (o.prot >> 2) & 1 == ((prot >> 2) & 1 if rd else 0)       # writes are Data


@pytest.mark.parametrize("memattr,want", [
    (0b0000, 0b0000), (0b0001, 0b0001), (0b0010, 0b0001), (0b0011, 0b0001),
    (0b0100, 0b0000), (0b1000, 0b0000), (0b1100, 0b0000),              # reserved -> Device-nGnRnE
    (0b0101, 0b0011), (0b1010, 0b0011), (0b0111, 0b0011), (0b1101, 0b0011), (0b1011, 0b0011),
    (0b1111, 0b1111),
])
def test_mtcfg_memattr(memattr, want):
    o = gb(0b0000, 0, True, mtcfg=1, memattr=memattr)          # a Device input made anything
    assert o.cache == want
    assert o.domain == (0 if want == 0b1111 else 3)


def test_mtcfg_zero_uses_incoming():
    assert gb(0b0001, mtcfg=0, memattr=0b1111).cache == 0b0001


@pytest.mark.parametrize("alloccfg,rd,want", [
    (0b0000, True, 0b1111), (0b0111, True, 0b1111),                  # 0xxx: incoming (RA WA)
    (0b1110, True, 0b1111), (0b1100, True, 0b0111), (0b1010, True, 0b1011), (0b1000, True, 0b1011),
    (0b1001, False, 0b0111), (0b1100, False, 0b0111), (0b1010, False, 0b1011), (0b1111, False, 0b1111),
])
def test_alloccfg(alloccfg, rd, want):
    assert gb(0b1111, 0, rd, alloccfg=alloccfg).cache == want


def test_alloccfg_ignored_for_device_and_nc():
    assert gb(0b0001, alloccfg=0b1000).cache == 0b0001
    assert gb(0b0011, alloccfg=0b1000).cache == 0b0011


def test_noncacheable_made_cacheable_takes_ra_wa():
    assert gb(0b0010, mtcfg=1, memattr=0b1111).cache == 0b1111      # 13.1.4: RA, WA


@pytest.mark.parametrize("shcfg,dom", [(0, 0), (1, 0), (2, 2), (3, 1)])
def test_shcfg(shcfg, dom):
    assert gb(0b1111, shcfg=shcfg).domain == dom
    assert gb(0b0011, shcfg=shcfg).domain == 3                       # NC is always System
    assert gb(0b0000, shcfg=shcfg).domain == 3                       # Device is always System


@pytest.mark.parametrize("cfg,prot,want", [(0, 1, 1), (1, 1, 1), (2, 1, 0), (3, 0, 1), (2, 0, 0)])
def test_privcfg(cfg, prot, want):
    assert gb(0b1111, prot, privcfg=cfg).prot & 1 == want


@pytest.mark.parametrize("cfg,prot,rd,want", [(0, 4, True, 1), (1, 4, True, 1), (2, 4, True, 0), (3, 0, True, 1),
                                              (3, 0, False, 0), (0, 4, False, 0)])
def test_instcfg(cfg, prot, rd, want):
    assert (gb(0b1111, prot, rd, instcfg=cfg).prot >> 2) & 1 == want


@pytest.mark.parametrize("mair,cache_rd,cache_wr,dom_ish", [
    (0x00, 0b0000, 0b0000, 3), (0x04, 0b0001, 0b0001, 3), (0x08, 0b0001, 0b0001, 3), (0x0C, 0b0001, 0b0001, 3),
    (0x44, 0b0011, 0b0011, 3),                                        # Normal NC
    (0xFF, 0b1111, 0b1111, 1), (0xAA, 0b0011, 0b0011, 3),              # WB RWA; WT RA (-> NC System)
    (0xCC, WB_W, WB_R, 1), (0xDD, 0b1011, 0b1011, 1), (0xBB, 0b0011, 0b0011, 3),
    (0x7F, 0b1111, 0b1111, 1),                                        # outer WB transient RW
    (0xF4, 0b0011, 0b0011, 3), (0x4F, 0b0011, 0b0011, 3),              # inner/outer differ -> NC
    (0xFC, 0b1111, 0b1111, 1),                                        # outer hints
    (0xEE, 0b0111, 0b0111, 1), (0xEF, 0b0111, 0b0111, 1),              # WB RA nWA: outer hints
    (0xF0, 0b0011, 0b0011, 3),                                        # inner 0000: reserved, NC
])
def test_stage1_mair(mair, cache_rd, cache_wr, dom_ish):
    ste = Ste(V=1, Config=5)
    assert A.translated(ste, mair, 0b11, 0b1111, 0, True).cache == cache_rd
    assert A.translated(ste, mair, 0b11, 0b1111, 0, False).cache == cache_wr
    assert A.translated(ste, mair, 0b11, 0b1111, 0, True).domain == dom_ish


@pytest.mark.parametrize("sh,dom", [(0b00, 0), (0b01, 0), (0b10, 2), (0b11, 1)])
def test_stage1_sh(sh, dom):
    ste = Ste(V=1, Config=5, SHCFG=3)                                 # SHCFG does not apply
    assert A.translated(ste, 0xFF, sh, 0b1111, 0, True).domain == dom


def test_stage1_hints_combined_with_cached_input():
    ste = Ste(V=1, Config=5)
    assert A.translated(ste, 0xFF, 3, 0b0111, 0, True).cache == 0b0111   # input RA nWA -> RA only
    assert A.translated(ste, 0xFF, 3, 0b0011, 0, True).cache == 0b1111   # NC input: MAIR's hints
    assert A.translated(ste, 0xFF, 3, 0b0000, 0, True).cache == 0b1111   # Device input: MAIR's
    no_alloc = Ste(V=1, Config=5, ALLOCCFG=0b1000)
    assert A.translated(no_alloc, 0xFF, 3, 0b1111, 0, True).cache == WB_W
    dev_in = Ste(V=1, Config=5, MTCFG=1, MemAttr=0b0001, ALLOCCFG=0b1000)
    assert A.translated(dev_in, 0xFF, 3, 0b1111, 0, True).cache == 0b1111  # overridden to Device: MAIR's


def test_stage1_priv_inst_from_ste():
    ste = Ste(V=1, Config=5, PRIVCFG=3, INSTCFG=3)
    o = A.translated(ste, 0x00, 0, 0b0000, 0b010, True)
    assert o.prot == 0b111                                            # inst, NS, privileged
    assert A.translated(ste, 0x00, 0, 0b0000, 0b000, False).prot == 0b011
    assert A.effective_pnu_ind(ste, 0, True) == (1, 1)
    assert A.effective_pnu_ind(Ste(V=1, Config=5), 0b101, False) == (1, 0)


def test_ste_bypass_and_nscfg_ignored():
    assert A.ste_bypass(Ste(V=1, Config=4, SHCFG=1, NSCFG=2), 0b1111, 0, True).prot == NS
    o = A.ste_bypass(Ste(V=1, Config=4, MTCFG=1, MemAttr=0b1111, SHCFG=3, PRIVCFG=3), 0, 0, False)
    assert (o.cache, o.domain, o.prot) == (0b1111, 1, 0b011)


def test_own_accesses():
    assert A.walk_access(1, 1, 3) == A.OutAttrs(0b1111, 0b011, 1)
    assert A.walk_access(3, 3, 2) == A.OutAttrs(0b0111, 0b011, 2)          # RA, no WA
    assert A.walk_access(0, 1, 3) == A.OutAttrs(0b0011, 0b011, 3)
    assert A.s1c_access(1, 1, 3) == A.OutAttrs(0b0111, 0b011, 1)
    assert A.s1c_access(3, 3, 0) == A.OutAttrs(0b1011, 0b011, 0)
    assert A.cr1_access(1, 1, 3, ra=True, wa=False, is_read=True).cache == 0b0111
    assert A.cr1_access(1, 1, 3, ra=False, wa=True, is_read=False).cache == 0b1011
    assert A.cr1_access(1, 1, 3, ra=False, wa=False, is_read=False).cache == 0b0111
    assert A.cr1_access(2, 1, 3, ra=True, wa=True, is_read=True) == A.OutAttrs(0b0011, 0b011, 3)
