"""sim/triage.py on synthetic JUnit: totals, failures grouped by normalised first error, rerun
commands, rerun-with-waves status, transactions and durations."""

import json
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

SIM = Path(__file__).resolve().parents[2] / "sim"
if str(SIM) not in sys.path:
    sys.path.insert(0, str(SIM))

import triage  # noqa: E402

COCOTB_MSG = ("TranslateRandom FAILED with 2 error(s), seed {seed}\n"
              "exception: Traceback (most recent call last):\n"
              '  File "/x/tb/env/base_test.py", line 59, in run_phase\n'
              "    await with_timeout(self.body())\n"
              "AssertionError: m_axi read at {addr} never answered after {n} cycles\n\n"
              "client transaction never completed: s_axi R#2 id=0\n"
              "rerun: python sim/run.py --sim icarus --suite quick --tests TranslateRandom --seed {seed}")


def _pytest_case(sim, job, seed, *, fail=None, txns=100, time=2.0, reproduced=None, waves=""):
    cid = f"{sim}-{job}-{seed}"
    props = {"sim": sim, "suite": "regress", "job": job, "seed": seed, "transactions": txns, "cycles": 999}
    body = ""
    if fail:
        props["first_error"] = fail
        props["rerun"] = f"python sim/run.py --sim {sim} --suite regress --job {job} --tests {job} --seed {seed}"
        if reproduced is not None:
            props["rerun_reproduced"] = int(reproduced)
            props["rerun_waves"] = waves
        body = f'<failure message="AssertionError: {fail}">details</failure>'
    p = "".join(f'<property name="{k}" value="{v}"/>' for k, v in props.items())
    return (f'<testcase classname="sim.test_regress" name="test_regress[{cid}]" time="{time}">'
            f"<properties>{p}</properties>{body}</testcase>")


def _write(path, cases, wall):
    path.write_text('<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="%d" time="%s">%s'
                    "</testsuite></testsuites>" % (len(cases), wall, "".join(cases)))


def test_first_error_and_normalise():
    msg = COCOTB_MSG.format(seed=7, addr="0x3000000040", n=20000)
    err = triage.first_error(msg)
    assert err == "AssertionError: m_axi read at 0x3000000040 never answered after 20000 cycles"
    assert triage.normalise(err) == "AssertionError: m_axi read at # never answered after # cycles"
    # a plain error list (no exception) gives its first error; identifiers keep their digits
    plain = "X FAILED with 3 error(s), seed 4\nm_axi_tw: TTB0 walk at 0x1f40 beat 3 of 4\nsecond error"
    assert triage.first_error(plain) == "m_axi_tw: TTB0 walk at 0x1f40 beat 3 of 4"
    assert triage.normalise(triage.first_error(plain)) == "m_axi_tw: TTB0 walk at # beat # of #"
    assert triage.first_error("", "") == "(no message)"


def test_report_groups_shards(tmp_path):
    a = tmp_path / "shard1" / "regress-1of2.xml"
    b = tmp_path / "shard2" / "regress-2of2.xml"
    a.parent.mkdir()
    b.parent.mkdir()
    _write(a, [_pytest_case("icarus", "traffic", 11, txns=500, time=10.0),
               _pytest_case("icarus", "stall", 11, fail="timeout after 600 s (wall clock; simulator killed)",
                            txns=0, time=600.0, reproduced=True, waves="results/icarus/stall-11-rerun/smmu_top.fst"),
               _pytest_case("verilator", "config", 12, fail="scoreboard: data mismatch at 0x1000 beat 2",
                            txns=300, time=5.0, reproduced=False)], 620.5)
    _write(b, [_pytest_case("verilator", "traffic", 11, txns=700, time=4.0),
               _pytest_case("icarus", "config", 12, fail="scoreboard: data mismatch at 0x2040 beat 0", txns=250,
                            time=8.0, reproduced=True, waves="")], 20.0)
    # a cocotb per-job file in the same tree is skipped (the merged files hold it)
    (tmp_path / "shard2" / "results.xml").write_text("<testsuites><testsuite><testcase name='x'>"
                                                     "<failure message='dup'/></testcase></testsuite></testsuites>")
    out = tmp_path / "triage.md"
    dur = tmp_path / "durations.json"
    assert triage.main([str(tmp_path), "--out", str(out), "--durations-out", str(dur)]) == 0
    text = out.read_text()
    assert "5 case(s) from 2 JUnit file(s): 5 test(s), 2 passed, 3 failed" in text
    # the two data mismatches (different address and beat) are one group of 2, listed first
    g1 = text.index("### 1. 2 x `scoreboard: data mismatch at # beat #`")
    g2 = text.index("### 2. 1 x `timeout after # s (wall clock; simulator killed)`")
    assert g1 < g2
    assert "python sim/run.py --sim verilator --suite regress --job config --tests config --seed 12" in text
    assert "python sim/run.py --sim icarus --suite regress --job config --tests config --seed 12" in text
    assert "rerun with waves: **not reproduced**" in text
    assert "FST `results/icarus/stall-11-rerun/smmu_top.fst`" in text
    assert "dup" not in text
    # wall time per file (= per shard) and transactions per simulator / seed
    assert "| 620 |" in text and "| 20 |" in text
    assert "| icarus | 3 | 2 | 750 | 375 |" in text
    assert "| verilator seed 11 | 700 |" in text
    assert json.loads(dur.read_text())["durations"]["icarus-config"] == 8.0


def test_run_py_junit_flavour(tmp_path):
    """sim/run.py --junit: one testsuite per (sim, job, seed) with properties, cocotb testcases."""
    msg = quoteattr(COCOTB_MSG.format(seed=3, addr="0x40", n=5)).replace("\n", "&#10;")
    xml = ('<testsuites><testsuite name="icarus.translate.seed3" tests="2">'
           '<properties><property name="sim" value="icarus"/><property name="suite" value="quick"/>'
           '<property name="job" value="translate"/><property name="seed" value="3"/>'
           '<property name="transactions" value="1234"/></properties>'
           '<testcase classname="icarus.translate.seed3.tb.tests.test_translate" name="TranslateFaults" time="3"/>'
           '<testcase classname="icarus.translate.seed3.tb.tests.test_translate" name="TranslateRandom" time="4">'
           f'<failure message={msg}/></testcase></testsuite></testsuites>')
    f = tmp_path / "icarus-quick.xml"
    f.write_text(xml)
    cases = triage.read_junit(f)
    assert len(cases) == 1 and cases[0].tests == 2 and cases[0].failed == 1 and cases[0].transactions == 1234
    name, err, cmd = cases[0].failures[0]
    assert name == "TranslateRandom" and err.startswith("AssertionError: m_axi read at 0x40")
    assert cmd == ("python sim/run.py --sim icarus --suite quick --job translate "
                   "--tests test_translate.TranslateRandom --seed 3")


def test_no_failures(tmp_path):
    f = tmp_path / "r.xml"
    _write(f, [_pytest_case("icarus", "traffic", 1)], 3.0)
    out = tmp_path / "t.md"
    triage.main([str(f), "--out", str(out)])
    assert "No failures." in out.read_text()
