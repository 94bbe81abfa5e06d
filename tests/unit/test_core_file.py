"""The FuseSoC core file (smmu.core) names exactly the contract's file list (rtl/files.f),
in the same order, plus the include files every RTL `include names."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _files_f():
    lines = (ROOT / "rtl" / "files.f").read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("//")]


def _core_entries():
    out = []
    for ln in (ROOT / "smmu.core").read_text().splitlines():
        m = re.match(r"\s+- (rtl/\S+?)(:\s*\{is_include_file: true\})?$", ln)
        if m:
            out.append((m.group(1), bool(m.group(2))))
    return out


def test_core_sources_match_files_f():
    srcs = [f for f, inc in _core_entries() if not inc]
    assert srcs == _files_f()


def test_core_lists_every_included_header():
    incs = {f for f, inc in _core_entries() if inc}
    used = set()
    for f in list(_files_f()) + sorted(incs):
        used |= {"rtl/" + m for m in re.findall(r'`include\s+"([^"]+)"', (ROOT / f).read_text())}
    assert used == incs
    for f in incs:
        assert (ROOT / f).is_file()


def test_core_header():
    text = (ROOT / "smmu.core").read_text()
    assert text.startswith("CAPI=2:")
    assert "toplevel: smmu_top" in text
