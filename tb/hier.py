"""Where the RTL blocks sit in the DUT's hierarchy.

smmu_top is one TBU (``tbu_inst``: ``tlbs_inst`` with the micro-TLB ``tlb_inst`` and the main TLB
``g_mtlb.mtlb_inst``, translation queues, read and write paths) and the
TCU (``tcu_inst``: registers, configuration, walks, command / event queues, stall tags);
smmu_multi has ``g_tbu[t].tbu_inst`` for TBU t and the same ``tcu_inst``. Some TCU blocks sit one
level down, in the TCU's parts (``TCU_PARTS``: the event queue and stall tags in ``evt_inst``, the
configuration-request choice in ``cfg_req_inst``, the link checker in ``check_inst``). Tests,
benches and checks name a block by its instance name (``"walk_inst"``, ``"rd_q_inst"``) and find
it here, so they do not depend on where the split put it.
"""

from __future__ import annotations


# smmu_tcu's parts that hold blocks tests name (smmu_tcu_evt, smmu_tcu_cfg_req, smmu_tcu_check)
TCU_PARTS = ("evt_inst", "cfg_req_inst", "check_inst")


def port_prefix(dut, t: int = 0) -> str:
    """Signal-name prefix of TBU t's s_axi / m_axi ports: '' on smmu_top, 't<t>_' on the
    smmu_multi simulation wrapper (sim/gen_multi.py)."""
    return f"t{t}_" if hasattr(dut, "t0_s_axi_awvalid") else ""


def tbu_count(dut) -> int:
    """TBUs of the DUT: smmu_top has one; the smmu_multi simulation wrapper has port sets
    t0_s_axi_*, t1_s_axi_*, ..."""
    n = 0
    while hasattr(dut, f"t{n}_s_axi_awvalid"):
        n += 1
    return max(n, 1)


def _root(dut):
    """smmu_top / smmu_multi itself (the smmu_multi simulation wrapper holds it as ``dut``)."""
    return dut.dut if hasattr(dut, "dut") else dut


def tbu(dut, t: int = 0):
    """The handle of TBU ``t``."""
    dut = _root(dut)
    if hasattr(dut, "tbu_inst"):
        if t != 0:
            raise AttributeError(f"{dut._name} has one TBU, not TBU {t}")
        return dut.tbu_inst
    return dut.g_tbu[t].tbu_inst


def block(dut, name: str, t: int = 0):
    """The instance ``name`` inside the TCU or inside TBU ``t`` (or at the top of a flat build);
    AttributeError when the build has no such block."""
    for parent in _parents(dut, t):
        if hasattr(parent, name):
            return getattr(parent, name)
    raise AttributeError(f"no block {name} in {dut._name} (looked in the TCU, TBU {t} and the top)")


def blocks(dut, name: str) -> list:
    """Every instance ``name``: the TCU's one, or the one of each TBU (smmu_multi: a counter of a
    TBU block is the sum over these)."""
    root = _root(dut)
    for parent in _tcu(root):
        if hasattr(parent, name):
            return [getattr(parent, name)]
    out = []
    for t in range(tbu_count(dut)):
        try:
            out.append(block(dut, name, t))
        except AttributeError:
            pass
    if not out:
        raise AttributeError(f"no block {name} in {dut._name}")
    return out


def _path(h, sig: str):
    """``h.<sig>``, where ``sig`` may name a signal of a sub-block ("tbl_inst.p_v")."""
    for part in sig.split("."):
        h = getattr(h, part)
    return h


def counter(dut, name: str, sig: str) -> int:
    """RTL counter ``<name>.<sig>`` as an integer (``sig`` may go down into sub-blocks,
    "tbl_inst.p_v"): the TCU's, or the sum over every TBU's block.
    AttributeError when the build has no such counter, ValueError when a value is X/Z."""
    total = 0
    for h in [_path(b, sig) for b in blocks(dut, name)]:
        v = h.value
        if not v.is_resolvable:
            raise ValueError(f"{name}.{sig} is X/Z ({v})")
        total += int(v)
    return total


def has_block(dut, name: str, t: int = 0) -> bool:
    try:
        block(dut, name, t)
        return True
    except AttributeError:
        return False


def _tcu(root):
    """The TCU and its parts (TCU_PARTS), when the build has a TCU."""
    if hasattr(root, "tcu_inst"):
        yield root.tcu_inst
        for part in TCU_PARTS:
            if hasattr(root.tcu_inst, part):
                yield getattr(root.tcu_inst, part)


def _parents(dut, t: int):
    root = _root(dut)
    yield from _tcu(root)
    try:
        u = tbu(dut, t)
        yield u
        if hasattr(u, "tlbs_inst"):             # the TBU's two TLB levels (smmu_tbu_tlb)
            yield u.tlbs_inst
    except (AttributeError, IndexError):
        pass
    yield root
