#!/usr/bin/env python3
"""Merge the functional-coverage databases of a regression and report closure.

    python sim/funcov.py [--out results/coverage] [--waivers FILE] DIR_OR_FILE...

Finds every per-job database under the given directories (``funcov.xml``, or ``funcov.yml``
where a directory has no XML; tb/env/coverage.py writes results/<sim>/<job>-<seed>/funcov.xml)
and takes files named on the command line as they are. Every database is first rewritten in
one canonical bin order (the union of all bins of a cover point, in first-seen order, 0 hits
where a file lacks one), because cocotb-coverage's ``merge_coverage`` merges bins by position;
then ``merge_coverage`` merges them. Written:

  <out>/functional.xml   the merged cocotb-coverage database
  <out>/functional.md    per group and per cover point: bins hit / goal, closure %, the holes,
                         and the waived bins with their reasons

A bin is hit when its merged hits reach the cover point's ``at_least``. Waived bins (the
waivers file, default tb/env/coverage_waivers.yml) are left out of the goal. Printed: one line
per group and, last, ``functional coverage: NN.N% (H/G bins, W waived)``. Exit status 0 (the
report does not gate), 1 if no database was found or one cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import fnmatch
import os
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parent.parent
DB_NAMES = ("funcov.xml", "funcov.yml", "funcov.yaml")
DEFAULT_WAIVERS = REPO / "tb" / "env" / "coverage_waivers.yml"


class InputError(Exception):
    pass


# ---------------------------------------------------------------- discovery
def find_databases(paths: List[Path]) -> List[Path]:
    """Every database under the given directories (XML preferred per directory) plus the files."""
    out: List[Path] = []
    for p in paths:
        if p.is_file():
            out.append(p)
            continue
        if not p.is_dir():
            raise InputError(f"{p}: no such file or directory")
        for root, dirs, files in os.walk(p):
            dirs.sort()
            names = [n for n in DB_NAMES if n in files]
            if names:
                out.append(Path(root) / names[0])
    seen, uniq = set(), []
    for f in out:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            uniq.append(f)
    return uniq


# ---------------------------------------------------------------- reading
@dataclass
class Point:
    name: str                        # dotted name without the "top." prefix
    at_least: int = 1
    weight: int = 1
    bins: Dict[str, int] = field(default_factory=dict)   # label -> hits (insertion order kept)


def _strip_top(name: str) -> str:
    return name[4:] if name.startswith("top.") else name


def read_xml(path: Path) -> Dict[str, Point]:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        raise InputError(f"{path}: unreadable XML ({e})") from e
    pts: Dict[str, Point] = {}
    for el in root.iter():
        kids = [k for k in el if k.tag.startswith("bin") and "bin" in k.attrib]
        if not kids:
            continue
        try:
            p = Point(_strip_top(el.attrib["abs_name"]), int(el.attrib.get("at_least", 1)),
                      int(el.attrib.get("weight", 1)))
            for k in sorted(kids, key=lambda k: int(k.tag[3:]) if k.tag[3:].isdigit() else 0):
                p.bins[k.attrib["bin"]] = p.bins.get(k.attrib["bin"], 0) + int(k.attrib["hits"])
        except (KeyError, ValueError) as e:
            raise InputError(f"{path}: not a cocotb-coverage database ({e!r} at {el.attrib})") from e
        pts[p.name] = p
    if not pts:
        raise InputError(f"{path}: no cover points in it")
    return pts


def read_yaml(path: Path) -> Dict[str, Point]:
    import yaml
    try:
        data = yaml.safe_load(path.read_text())
    except (yaml.YAMLError, OSError) as e:
        raise InputError(f"{path}: unreadable YAML ({e})") from e
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a cocotb-coverage database")
    pts: Dict[str, Point] = {}
    for name, d in data.items():
        if not isinstance(d, dict) or "bins:_hits" not in d:
            continue
        p = Point(_strip_top(str(name)), int(d.get("at_least", 1)), int(d.get("weight", 1)))
        for b, h in (d["bins:_hits"] or {}).items():
            p.bins[str(b)] = p.bins.get(str(b), 0) + int(h)
        pts[p.name] = p
    if not pts:
        raise InputError(f"{path}: no cover points in it")
    return pts


def read_db(path: Path) -> Dict[str, Point]:
    if path.suffix == ".xml":
        return read_xml(path)
    if path.suffix in (".yml", ".yaml"):
        return read_yaml(path)
    try:
        return read_xml(path)
    except InputError:
        return read_yaml(path)


# ---------------------------------------------------------------- canonical form + merge
def canonical_layout(dbs: List[Dict[str, Point]]) -> Dict[str, Point]:
    """Every cover point of every database with the union of its bins (first-seen order)."""
    lay: Dict[str, Point] = {}
    for db in dbs:
        for name, p in db.items():
            q = lay.setdefault(name, Point(name, p.at_least, p.weight))
            for b in p.bins:
                q.bins.setdefault(b, 0)
    return lay


def write_canonical(db: Dict[str, Point], lay: Dict[str, Point], path: Path) -> None:
    """``db`` as a cocotb-coverage XML database with ``lay``'s points and bin order."""
    top = ET.Element("top", abs_name="top")
    nodes = {"top": top}
    totals: Dict[str, List[int]] = {}

    def node(name: str) -> ET.Element:
        full = "top." + name
        if full in nodes:
            return nodes[full]
        parent, _, leaf = name.rpartition(".")
        pe = node(parent) if parent else top
        e = ET.SubElement(pe, leaf, abs_name=full)
        nodes[full] = e
        return e

    for name in sorted(lay):
        ref = lay[name]
        mine = db.get(name)
        e = node(name)
        cov = 0
        for i, b in enumerate(ref.bins):
            hits = mine.bins.get(b, 0) if mine else 0
            cov += hits >= ref.at_least
            ET.SubElement(e, f"bin{i}", bin=b, hits=str(hits), abs_name=f"top.{name}.bin{i}")
        size = len(ref.bins)
        e.attrib.update(size=str(size), coverage=str(cov), weight=str(ref.weight), at_least=str(ref.at_least),
                        cover_percentage=str(round(100.0 * cov / size, 2) if size else 0))
        parts = name.split(".")
        for k in range(1, len(parts)):
            t = totals.setdefault(".".join(parts[:k]), [0, 0])
            t[0] += size
            t[1] += cov
    tot = [0, 0]
    for name, (size, cov) in totals.items():
        e = node(name)
        e.attrib.update(size=str(size), coverage=str(cov), weight="1", at_least="1",
                        cover_percentage=str(round(100.0 * cov / size, 2) if size else 0))
        if "." not in name:
            tot[0] += size
            tot[1] += cov
    top.attrib.update(size=str(tot[0]), coverage=str(tot[1]),
                      cover_percentage=str(round(100.0 * tot[1] / tot[0], 2) if tot[0] else 0))
    ET.ElementTree(top).write(path)


def merge(files: List[Path], out_xml: Path, log=lambda m: None) -> Dict[str, Point]:
    """Read, canonicalise and merge ``files`` (cocotb_coverage.merge_coverage) into ``out_xml``;
    return the merged cover points (read back from ``out_xml``)."""
    from cocotb_coverage.coverage import merge_coverage
    dbs = [read_db(f) for f in files]
    lay = canonical_layout(dbs)
    out_xml.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="funcov-") as tmp:
        canon = []
        for i, db in enumerate(dbs):
            p = Path(tmp) / f"db{i}.xml"
            write_canonical(db, lay, p)
            canon.append(str(p))
        merge_coverage(log, str(out_xml), *canon)
    merged = read_xml(out_xml)
    # cross-check the merger against a straight sum (it merges by position)
    for name, p in merged.items():
        for b, h in p.bins.items():
            want = sum(db[name].bins.get(b, 0) for db in dbs if name in db)
            if h != want:
                raise InputError(f"merge_coverage gave {name} {b} {h} hits, the inputs sum to {want}")
    return merged


# ---------------------------------------------------------------- waivers
@dataclass
class Waiver:
    point: str
    pattern: str
    reason: str
    used: int = 0


def read_waivers(path: Optional[Path]) -> List[Waiver]:
    """YAML: ``waivers: [{point: NAME, bins: [LABEL_OR_GLOB, ...], reason: TEXT}, ...]``
    (a bin label is the ``bin`` attribute of the XML, e.g. "('WRAP', '1')"; ``*`` waives a whole
    cover point)."""
    if path is None or not path.exists():
        return []
    import yaml
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        raise InputError(f"{path}: unreadable waivers ({e})") from e
    out = []
    for w in data.get("waivers", []) or []:
        if not w.get("reason"):
            raise InputError(f"{path}: waiver without a reason: {w}")
        bins = w.get("bins", ["*"])
        for b in bins if isinstance(bins, list) else [bins]:
            out.append(Waiver(str(w["point"]), str(b), str(w["reason"]).strip()))
    return out


def _glob_escape(s: str) -> str:
    return s.replace("[", "[[]")


def waiver_for(ws: List[Waiver], point: str, label: str) -> Optional[Waiver]:
    for w in ws:
        if w.point != point:
            continue
        if w.pattern in ("*", label) or fnmatch.fnmatchcase(label, _glob_escape(w.pattern)):
            return w
    return None


# ---------------------------------------------------------------- report
@dataclass
class Summary:
    group: str
    hit: int = 0
    goal: int = 0
    waived: int = 0
    holes: List[Tuple[str, str, int, int]] = field(default_factory=list)     # point, bin, hits, at_least
    waived_bins: List[Tuple[str, str, int, str]] = field(default_factory=list)  # point, bin, hits, reason
    points: List[Tuple[str, int, int, int]] = field(default_factory=list)   # point, hit, goal, waived

    @property
    def pct(self) -> float:
        return 100.0 * self.hit / self.goal if self.goal else 100.0


def summarise(points: Dict[str, Point], waivers: List[Waiver]) -> List[Summary]:
    groups: Dict[str, Summary] = {}
    for name in sorted(points):
        p = points[name]
        g = groups.setdefault(name.split(".")[0], Summary(name.split(".")[0]))
        ph = pg = pw = 0
        for b, h in p.bins.items():
            w = waiver_for(waivers, name, b)
            if w is not None:
                w.used += 1
                pw += 1
                g.waived_bins.append((name, b, h, w.reason))
                continue
            pg += 1
            if h >= p.at_least:
                ph += 1
            else:
                g.holes.append((name, b, h, p.at_least))
        g.hit += ph
        g.goal += pg
        g.waived += pw
        g.points.append((name, ph, pg, pw))
    return list(groups.values())


def total(sums: List[Summary]) -> Tuple[int, int, int]:
    return sum(s.hit for s in sums), sum(s.goal for s in sums), sum(s.waived for s in sums)


def final_line(sums: List[Summary]) -> str:
    h, g, w = total(sums)
    return f"functional coverage: {100.0 * h / g if g else 100.0:.1f}% ({h}/{g} bins, {w} waived)"


def markdown(sums: List[Summary], files: List[Path], waivers: List[Waiver], waivers_path: Optional[Path]) -> str:
    h, g, w = total(sums)
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L = ["# Functional coverage", "",
         f"Merged {len(files)} database(s) on {now}. A bin is hit when its hits reach the cover point's "
         f"`at_least`; waived bins ({waivers_path or 'no waivers file'}) are not in the goal.", "",
         f"**{final_line(sums)}**", "",
         "| Group | Bins hit / goal | Closure | Waived | Holes |", "|---|---|---|---|---|"]
    for s in sums:
        L.append(f"| {s.group} | {s.hit}/{s.goal} | {s.pct:.1f}% | {s.waived} | {len(s.holes)} |")
    L += ["", "## Cover points", "", "| Cover point | Bins hit / goal | Closure | Waived |", "|---|---|---|---|"]
    for s in sums:
        for name, ph, pg, pw in s.points:
            L.append(f"| `{name}` | {ph}/{pg} | {100.0 * ph / pg if pg else 100.0:.1f}% | {pw} |")
    L += ["", "## Holes (bins below their goal)", ""]
    any_hole = False
    for s in sums:
        if not s.holes:
            continue
        any_hole = True
        L += [f"### {s.group} ({len(s.holes)})", ""]
        for name, b, hits, at_least in s.holes:
            L.append(f"- `{name}` `{b}`: {hits}/{at_least}")
        L.append("")
    if not any_hole:
        L += ["None.", ""]
    L += ["## Waived bins", ""]
    wb = [x for s in sums for x in s.waived_bins]
    if not wb:
        L += ["None.", ""]
    for name, b, hits, reason in wb:
        extra = f" (hit {hits} times: check the waiver)" if hits else ""
        L.append(f"- `{name}` `{b}`{extra}: {reason}")
    unused = [x for x in waivers if not x.used]
    if unused:
        L += ["", "## Waivers that matched no bin", ""]
        L += [f"- `{x.point}` `{x.pattern}`: {x.reason}" for x in unused]
    L += ["", "## Inputs", ""] + [f"- {f}" for f in files]
    return "\n".join(L) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "results" / "coverage")
    ap.add_argument("--waivers", type=Path, default=DEFAULT_WAIVERS)
    ap.add_argument("paths", nargs="*", type=Path, default=[REPO / "results"])
    a = ap.parse_args(argv)
    try:
        files = find_databases(a.paths)
        if not files:
            print(f"funcov: no functional coverage database ({'/'.join(DB_NAMES)}) under "
                  f"{' '.join(str(p) for p in a.paths)}")
            return 1
        waivers = read_waivers(a.waivers)
        points = merge(files, a.out / "functional.xml")
    except InputError as e:
        print(f"funcov: ERROR: {e}")
        return 1
    sums = summarise(points, waivers)
    (a.out / "functional.md").write_text(markdown(sums, files, waivers, a.waivers if a.waivers.exists() else None))
    print(f"funcov: merged {len(files)} database(s) -> {a.out / 'functional.xml'}, {a.out / 'functional.md'}")
    for s in sums:
        print(f"  {s.group:8s} {s.hit:4d}/{s.goal:<4d} {s.pct:5.1f}%  ({s.waived} waived, {len(s.holes)} holes)")
    for x in waivers:
        if not x.used:
            print(f"  note: waiver {x.point} {x.pattern!r} matches no bin")
    print(final_line(sums))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
