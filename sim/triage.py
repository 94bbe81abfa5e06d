#!/usr/bin/env python3
"""Failure triage of a regression: reads JUnit XML files (one per shard, or a directory of
downloaded artifacts) and writes a Markdown summary, results/triage.md by default.

    python sim/triage.py [--out results/triage.md] [--durations-out FILE] PATH...

PATH: JUnit files, or directories searched recursively for *.xml (cocotb's per-job
results.xml files under results/<sim>/ are skipped: the merged files already hold them).
Understands both JUnit flavours of this project:
  * sim/test_regress.py (make regress, pytest): one testcase per (sim, job, seed) with
    properties sim, suite, job, seed, transactions, cycles, first_error, rerun,
    rerun_reproduced, rerun_waves;
  * sim/run.py --junit (make test, make bench): one testsuite per (sim, job, seed) with the
    same properties, one testcase per cocotb test.
Any other JUnit (e.g. the model unit tests) is counted too, grouped by its failure message.

The summary: totals (cases, tests, failures, wall time per file = per shard), transactions
per simulator and per seed, then the failures grouped by their first error message with
numbers and addresses masked (0x1f40 and 17 both become #), largest group first; each group
lists its cases with the exact command that reruns each, and whether the rerun with waves
reproduced it (and where its FST is).  --durations-out writes the mean seconds per
"<sim>-<job>" (sim/shard.py balances shards with it).  Exit status 0 (a report, not a gate).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GROUP_KEY_CHARS = 160

_HEADER = re.compile(r"^\S+ FAILED with \d+ error\(s\), seed \d+")
_EXC = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Failed|Failure)\b(:|$)")


def first_error(message: str, text: str = "") -> str:
    """The first error of a failure, one line: the test's own first error (SmmuBaseTest puts a
    "<Test> FAILED with N error(s), seed S" header before its errors; a Python exception counts
    as its last line "SomeError: ..."), else the first non-empty line."""
    for body in (message or "", text or ""):
        lines = [l.rstrip() for l in body.splitlines()]
        lines = [l for l in lines if l.strip()]
        if not lines:
            continue
        i = 0
        if _HEADER.match(lines[0]):
            i = 1
        if i < len(lines) and "Traceback (most recent call last)" in lines[i]:
            # skip the traceback's indented frames: the exception line is the first unindented one
            j = i + 1
            while j < len(lines) and (lines[j].startswith(" ") or lines[j].startswith("\t")):
                j += 1
            if j < len(lines):
                return lines[j].strip()
        if i < len(lines):
            line = lines[i].strip()
            return line[len("exception: "):] if line.startswith("exception: ") else line
    return "(no message)"


def normalise(msg: str) -> str:
    """Group key: hex and decimal numbers masked, whitespace squeezed, at most GROUP_KEY_CHARS."""
    s = re.sub(r"\b0x[0-9a-fA-F_]+\b", "#", msg)
    s = re.sub(r"\b\d+(\.\d+)?\b", "#", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s[:GROUP_KEY_CHARS]


@dataclass
class Case:
    """One (sim, job, seed) run, or one testcase of a JUnit without that structure."""
    name: str
    file: str
    sim: str = ""
    suite: str = ""
    job: str = ""
    seed: str = ""
    seconds: float = 0.0
    tests: int = 0
    failed: int = 0
    skipped: int = 0
    transactions: int = 0
    props: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)   # (test name, first error, rerun command)


def _props(elem) -> dict:
    out = {}
    if elem is None:
        return out
    for p in elem.findall("./properties/property"):
        out[p.get("name", "")] = p.get("value", p.text or "")
    return out


def _rel(path: Path) -> str:
    p = path.resolve()
    return str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(path)


def _int(v, default: int = 0) -> int:
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return default


def _failure(tc):
    for tag in ("failure", "error"):
        f = tc.find(tag)
        if f is not None:
            return f
    return None


def _rerun_for(props: dict, test: str, module: str) -> str:
    sim, suite, seed = props.get("sim"), props.get("suite"), props.get("seed")
    if not (sim and suite and seed):
        return props.get("rerun", "")
    sel = f"{module.rsplit('.', 1)[-1]}.{test}" if module else (props.get("job") or test)
    job = f" --job {props['job']}" if props.get("job") else ""
    return f"python sim/run.py --sim {sim} --suite {suite}{job} --tests {sel} --seed {seed}"


def read_junit(path: Path) -> list[Case]:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        print(f"[triage] skipping {path}: {e}", file=sys.stderr)
        return []
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    rel = _rel(path)
    cases: list[Case] = []
    for ts in suites:
        sprops = _props(ts)
        if sprops.get("sim") and sprops.get("job"):       # sim/run.py: a suite is a case
            c = Case(ts.get("name", "?"), rel, sprops["sim"], sprops.get("suite", ""), sprops["job"],
                     sprops.get("seed", ""), props=sprops, transactions=_int(sprops.get("transactions")))
            for tc in ts.iter("testcase"):
                c.tests += 1
                c.seconds += float(tc.get("time", 0) or 0)
                if tc.find("skipped") is not None:
                    c.skipped += 1
                f = _failure(tc)
                if f is not None:
                    c.failed += 1
                    module = tc.get("classname", "").split(".seed" + c.seed + ".", 1)[-1] \
                        if c.seed else ""
                    module = module if module.startswith("tb.") or module.startswith("bench.") else ""
                    err = first_error(f.get("message", ""), f.text or "")
                    cmd = _rerun_for(sprops, tc.get("name", "?"), module) if module else \
                        sprops.get("rerun", "")
                    c.failures.append((tc.get("name", "?"), err, cmd))
            cases.append(c)
            continue
        for tc in ts.iter("testcase"):                      # pytest (test_regress) or plain JUnit
            p = _props(tc)
            name = tc.get("name", "?")
            # seconds of the case's own run (the testcase time also holds a rerun with waves)
            secs = p.get("seconds") or tc.get("time", 0) or 0
            c = Case(name, rel, p.get("sim", ""), p.get("suite", ""), p.get("job", ""), p.get("seed", ""),
                     float(secs), tests=1, props=p,
                     transactions=_int(p.get("transactions")))
            if tc.find("skipped") is not None:
                c.skipped = 1
            f = _failure(tc)
            if f is not None:
                c.failed = 1
                err = p.get("first_error") or first_error(f.get("message", ""), f.text or "")
                cmd = p.get("rerun", "")
                if not cmd and not c.sim:
                    cmd = f"python -m pytest '{tc.get('classname', '').replace('.', '/')}.py::{name}'"
                c.failures.append((name, err, cmd))
            cases.append(c)
    return cases


def find_junit(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*.xml")):
                # per-job cocotb files (results/<sim>/<job>-<seed>/results.xml) repeat the merged ones
                if f.name == "results.xml" or f.name.endswith(".result.xml"):
                    continue
                out.append(f)
        elif p.exists():
            out.append(p)
        else:
            print(f"[triage] no such file: {p}", file=sys.stderr)
    return out


def file_wall(path: Path) -> float:
    """Wall time of one JUnit file (pytest writes the session time on its testsuite)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return 0.0
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    if len(suites) == 1 and suites[0].get("time"):
        return float(suites[0].get("time"))
    return sum(float(tc.get("time", 0) or 0) for tc in root.iter("testcase"))


def durations(cases: list[Case]) -> dict[str, float]:
    acc: dict[str, list[float]] = defaultdict(list)
    for c in cases:
        if c.sim and c.job and not c.skipped:
            acc[f"{c.sim}-{c.job}"].append(c.seconds)
    return {k: round(sum(v) / len(v), 1) for k, v in sorted(acc.items())}


def report(files: list[Path], cases: list[Case]) -> str:
    run = [c for c in cases if not (c.skipped and c.skipped >= c.tests)]
    failed = [c for c in run if c.failed]
    tests = sum(c.tests - c.skipped for c in run)
    nfail = sum(c.failed for c in run)
    out = ["# Regression triage", ""]
    out.append(f"{len(run)} case(s) from {len(files)} JUnit file(s): {tests} test(s), "
               f"{tests - nfail} passed, {nfail} failed, {sum(c.skipped for c in cases)} skipped; "
               f"{len(failed)} failing case(s).")
    out.append("")
    out += ["| JUnit file (shard) | cases | failing | wall s | sum of case s | transactions |",
            "|---|---:|---:|---:|---:|---:|"]
    for f in files:
        rel = _rel(f)
        mine = [c for c in run if c.file == rel]
        out.append(f"| {rel} | {len(mine)} | {sum(1 for c in mine if c.failed)} | {file_wall(f):.0f} | "
                   f"{sum(c.seconds for c in mine):.0f} | {sum(c.transactions for c in mine):,} |")
    out.append("")
    # transactions per simulator and per seed (cases that carry the properties)
    sized = [c for c in run if c.sim]
    if sized:
        by_sim: dict[str, list[Case]] = defaultdict(list)
        for c in sized:
            by_sim[c.sim].append(c)
        out += ["## Transactions", "",
                "s_axi transactions (AW + AR accepted) summed over the tests of each case.", "",
                "| simulator | cases | seeds | transactions | per seed | case seconds | transactions/s |",
                "|---|---:|---:|---:|---:|---:|---:|"]
        for sim, cs in sorted(by_sim.items()):
            seeds = {c.seed for c in cs}
            tx = sum(c.transactions for c in cs)
            secs = sum(c.seconds for c in cs)
            out.append(f"| {sim} | {len(cs)} | {len(seeds)} | {tx:,} | {tx / max(1, len(seeds)):,.0f} | "
                       f"{secs:.0f} | {tx / secs if secs else 0:,.1f} |")
        out.append("")
        per_seed: dict[str, int] = defaultdict(int)
        for c in sized:
            per_seed[f"{c.sim} seed {c.seed}"] += c.transactions
        if len(per_seed) <= 40:
            out += ["| simulator, seed | transactions |", "|---|---:|"]
            out += [f"| {k} | {v:,} |" for k, v in sorted(per_seed.items())]
            out.append("")
    # the slowest cases (what bounds a shard's wall time; sim/shard.py balances on durations)
    slow = sorted((c for c in run if c.sim), key=lambda c: -c.seconds)[:10]
    if slow:
        out += ["## Slowest cases", "", "| case | seconds | transactions |", "|---|---:|---:|"]
        out += [f"| {c.sim} {c.job} seed {c.seed} | {c.seconds:.0f} | {c.transactions:,} |" for c in slow]
        out.append("")
    # failures grouped by the normalised first error
    groups: dict[str, list[tuple[Case, str, str, str]]] = defaultdict(list)
    for c in failed:
        for test, err, cmd in c.failures:
            groups[normalise(err)].append((c, test, err, cmd))
    out += ["## Failures by first error", ""]
    if not groups:
        out += ["No failures.", ""]
    for n, (key, items) in enumerate(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])), 1):
        out += [f"### {n}. {len(items)} x `{key}`", "",
                f"First message in full: `{items[0][2][:400]}`", ""]
        for c, test, err, cmd in items:
            where = " ".join(x for x in (c.sim, c.job, f"seed {c.seed}" if c.seed else "") if x) or c.name
            rr = ""
            if "rerun_reproduced" in c.props:
                rr = (" — rerun with waves: " + ("reproduced" if c.props["rerun_reproduced"] == "1"
                                                 else "**not reproduced**")
                      + (f", FST `{c.props['rerun_waves']}`" if c.props.get("rerun_waves") else ", no FST"))
            out.append(f"- {where} `{test}`{rr}" + (f", log `{c.props['log']}`" if c.props.get("log") else ""))
            if cmd:
                for one in cmd.split(" ; "):
                    out.append(f"  - rerun: `{one}`")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, default=[REPO / "results"])
    ap.add_argument("--out", type=Path, default=REPO / "results" / "triage.md")
    ap.add_argument("--durations-out", type=Path, help="write mean seconds per <sim>-<job> (JSON)")
    a = ap.parse_args(argv)
    files = find_junit(a.paths)
    cases = [c for f in files for c in read_junit(f)]
    text = report(files, cases)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(text + "\n")
    if a.durations_out:
        a.durations_out.parent.mkdir(parents=True, exist_ok=True)
        a.durations_out.write_text(json.dumps({"durations": durations(cases)}, indent=1) + "\n")
    nfail = sum(c.failed for c in cases)
    groups = len({normalise(e) for c in cases for _, e, _ in c.failures})
    print(f"[triage] {len(cases)} case(s), {nfail} failure(s) in {groups} group(s) -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
