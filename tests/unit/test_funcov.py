"""sim/funcov.py: discovery, canonical merge (cocotb_coverage.merge_coverage), waivers, report and
exit status, on small synthetic databases (no simulator)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "sim"))
sys.path.insert(0, str(REPO))

import funcov  # noqa: E402


def db_xml(path: Path, points: dict, at_least: dict | None = None) -> Path:
    """A database in cocotb-coverage's XML layout: points = {"g.p": {bin_label: hits}}."""
    lay = {n: funcov.Point(n, (at_least or {}).get(n, 1), 1, dict(b)) for n, b in points.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    funcov.write_canonical(lay, lay, path)
    return path


def run(capsys, *args) -> tuple[int, str]:
    rc = funcov.main([str(a) for a in args])
    return rc, capsys.readouterr().out


def test_real_cocotb_coverage_export_is_read(tmp_path):
    from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_db

    @CoverPoint("fctest.a", xf=lambda x, y: x, bins=[1, 2, 3])
    @CoverPoint("fctest.b", xf=lambda x, y: y, bins=["p", "q"])
    @CoverCross("fctest.axb", items=["fctest.a", "fctest.b"], ign_bins=[(3, "q")])
    def sample(x, y):
        pass

    for x, y in ((1, "p"), (1, "p"), (2, "q")):
        sample(x, y)
    f = tmp_path / "r" / "funcov.xml"
    f.parent.mkdir()
    coverage_db.export_to_xml(filename=str(f))
    pts = funcov.read_xml(f)
    assert pts["fctest.a"].bins == {"1": 2, "2": 1, "3": 0}
    assert pts["fctest.axb"].bins["(1, 'p')"] == 2
    assert "(3, 'q')" not in pts["fctest.axb"].bins


def test_merge_sums_hits_across_files_with_different_bin_order(tmp_path, capsys):
    # the second database lists the bins in another order and has a bin and a point the first lacks:
    # merge_coverage merges by position, so funcov must canonicalise first
    db_xml(tmp_path / "icarus" / "a-1" / "funcov.xml", {"g.p": {"x": 1, "y": 0}, "h.q": {"0": 0}})
    db_xml(tmp_path / "verilator" / "a-1" / "funcov.xml", {"g.p": {"z": 2, "y": 3, "x": 0},
                                                          "g.r": {"only": 1}})
    out = tmp_path / "cov"
    rc, text = run(capsys, "--out", out, "--waivers", tmp_path / "none.yml", tmp_path)
    assert rc == 0
    merged = funcov.read_xml(out / "functional.xml")
    assert merged["g.p"].bins == {"x": 1, "y": 3, "z": 2}
    assert merged["g.r"].bins == {"only": 1}
    assert merged["h.q"].bins == {"0": 0}
    # g: x, y, z, only hit (4/4); h: 0/1
    assert "functional coverage: 80.0% (4/5 bins, 0 waived)" == text.strip().splitlines()[-1]
    md = (out / "functional.md").read_text()
    assert "- `h.q` `0`: 0/1" in md


def test_at_least_is_the_goal(tmp_path, capsys):
    db_xml(tmp_path / "a" / "funcov.xml", {"g.p": {"a": 2, "b": 1}}, at_least={"g.p": 3})
    db_xml(tmp_path / "b" / "funcov.xml", {"g.p": {"a": 1, "b": 1}}, at_least={"g.p": 3})
    rc, text = run(capsys, "--out", tmp_path / "o", "--waivers", tmp_path / "none.yml", tmp_path)
    assert rc == 0
    assert text.strip().splitlines()[-1] == "functional coverage: 50.0% (1/2 bins, 0 waived)"


def test_waivers_leave_the_goal_and_are_listed_with_reason(tmp_path, capsys):
    db_xml(tmp_path / "a" / "funcov.xml", {"g.p": {"('WRAP', '1')": 0, "('INCR', '1')": 5, "c": 0},
                                            "g.q": {"u": 0, "v": 0}})
    w = tmp_path / "w.yml"
    w.write_text("waivers:\n"
                 "  - point: g.p\n    bins: [\"('WRAP', *)\"]\n    reason: AXI4 has no 1-beat WRAP\n"
                 "  - point: g.q\n    bins: '*'\n    reason: whole point\n"
                 "  - point: g.nothing\n    bins: [x]\n    reason: stale\n")
    rc, text = run(capsys, "--out", tmp_path / "o", "--waivers", w, tmp_path / "a")
    assert rc == 0
    lines = text.strip().splitlines()
    assert lines[-1] == "functional coverage: 50.0% (1/2 bins, 3 waived)"
    assert any("g.nothing" in l and "matches no bin" in l for l in lines)
    md = (tmp_path / "o" / "functional.md").read_text()
    assert "`g.p` `('WRAP', '1')`: AXI4 has no 1-beat WRAP" in md
    assert "- `g.p` `c`: 0/1" in md


def test_waiver_without_reason_is_an_input_error(tmp_path, capsys):
    db_xml(tmp_path / "a" / "funcov.xml", {"g.p": {"a": 1}})
    w = tmp_path / "w.yml"
    w.write_text("waivers:\n  - point: g.p\n    bins: [a]\n")
    rc, text = run(capsys, "--out", tmp_path / "o", "--waivers", w, tmp_path / "a")
    assert rc == 1 and "without a reason" in text


def test_yaml_database_and_explicit_file(tmp_path, capsys):
    y = tmp_path / "dl" / "artifact.yml"
    y.parent.mkdir()
    y.write_text("g.p:\n  at_least: 1\n  weight: 1\n  size: 2\n  coverage: 1\n  cover_percentage: 50.0\n"
                 "  bins:_hits:\n    a: 0\n    b: 4\n")
    x = db_xml(tmp_path / "r" / "funcov.xml", {"g.p": {"b": 0, "a": 1}})
    rc, text = run(capsys, "--out", tmp_path / "o", "--waivers", tmp_path / "none.yml", y, tmp_path / "r")
    assert rc == 0
    merged = funcov.read_xml(tmp_path / "o" / "functional.xml")
    assert merged["g.p"].bins == {"a": 1, "b": 4}
    assert text.strip().splitlines()[-1] == "functional coverage: 100.0% (2/2 bins, 0 waived)"
    assert funcov.find_databases([tmp_path / "r"]) == [x]


def test_no_database_or_unreadable_input_exits_1(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    rc, text = run(capsys, "--out", tmp_path / "o", tmp_path / "empty")
    assert rc == 1 and "no functional coverage database" in text
    bad = tmp_path / "bad" / "funcov.xml"
    bad.parent.mkdir()
    bad.write_text("<top><unclosed></top>")
    rc, text = run(capsys, "--out", tmp_path / "o", tmp_path / "bad")
    assert rc == 1 and "unreadable" in text
    rc, text = run(capsys, "--out", tmp_path / "o", tmp_path / "missing")
    assert rc == 1


def test_output_is_not_an_input(tmp_path, capsys):
    db_xml(tmp_path / "results" / "icarus" / "j-1" / "funcov.xml", {"g.p": {"a": 1}})
    out = tmp_path / "results" / "coverage"
    for _ in range(2):       # the second run must not pick up the first run's functional.xml
        rc, text = run(capsys, "--out", out, "--waivers", tmp_path / "none.yml", tmp_path / "results")
        assert rc == 0 and "merged 1 database(s)" in text
    assert ET.parse(out / "functional.xml").getroot().tag == "top"


def test_repo_waivers_file_is_valid_and_names_known_points():
    """Every waiver in tb/env/coverage_waivers.yml has a reason and names a cover point the model defines."""
    import tb.env.coverage  # noqa: F401 - defines the cover points
    from cocotb_coverage.coverage import coverage_db

    ws = funcov.read_waivers(funcov.DEFAULT_WAIVERS)
    assert ws, "tb/env/coverage_waivers.yml has no waivers"
    names = set(coverage_db)
    unknown = {w.point for w in ws} - names
    assert not unknown, f"waivers name cover points that do not exist: {sorted(unknown)}"
