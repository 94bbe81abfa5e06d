"""sim/shard.py: `make regress SHARD=i/N` gives every (sim, job, seed) case to exactly one shard,
the same way on every machine; sim/suites.py: every quick job runs in the regression."""

import random
import sys
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[2] / "sim"
if str(SIM) not in sys.path:
    sys.path.insert(0, str(SIM))

import shard  # noqa: E402
from suites import SUITES, covers  # noqa: E402


def _cases(seeds=5):
    jobs = sorted({j.name for j in SUITES["regress"]})
    return [f"{s}-{j}-{1000 + i}" for s in ("icarus", "verilator") for j in jobs for i in range(seeds)]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 8, 16])
@pytest.mark.parametrize("balanced", [False, True])
def test_every_case_in_exactly_one_shard(n, balanced):
    ids = _cases()
    dur = {shard.job_key(c): float(len(c) % 13 + 1) for c in ids[::3]} if balanced else {}
    parts = shard.partition(ids, n, dur)
    assert len(parts) == n
    flat = [c for p in parts for c in p]
    assert sorted(flat) == sorted(ids) and len(flat) == len(set(flat))
    # select() over the shards i/N gives the same partition
    sel = [shard.select(ids, f"{i}/{n}", dur) for i in range(1, n + 1)]
    assert sorted(c for s in sel for c in s) == sorted(ids)
    assert all(set(a).isdisjoint(b) for k, a in enumerate(sel) for b in sel[k + 1:])


@pytest.mark.parametrize("n", [2, 4, 8])
def test_partition_independent_of_listing_order(n):
    ids = _cases(3)
    shuffled = ids[:]
    random.Random(n).shuffle(shuffled)
    dur = {shard.job_key(c): 3.0 + len(c) for c in ids}
    assert shard.partition(ids, n) == shard.partition(shuffled, n)
    assert shard.partition(ids, n, dur) == shard.partition(shuffled, n, dur)


def test_round_robin_is_balanced_by_count():
    ids = _cases(2)
    sizes = [len(p) for p in shard.partition(ids, 8)]
    assert max(sizes) - min(sizes) <= 1


def test_duration_balance_beats_round_robin_on_skewed_jobs():
    ids = [f"icarus-long-{s}" for s in range(4)] + [f"icarus-short{k}-{s}" for k in range(12) for s in range(4)]
    dur = {"icarus-long": 100.0, **{f"icarus-short{k}": 1.0 for k in range(12)}}
    est = shard.estimate(ids, 4, dur)
    assert max(est) == 112.0 and min(est) == 112.0  # one long case + 12 short ones each
    rr = [sum(dur[shard.job_key(c)] for c in p) for p in shard.partition(ids, 4)]
    assert max(rr) >= max(est)


@pytest.mark.parametrize("bad", ["0/4", "5/4", "1/0", "a/b", "3"])
def test_parse_shard_rejects(bad):
    with pytest.raises(ValueError):
        shard.parse_shard(bad)


def test_parse_shard():
    assert shard.parse_shard("") == (1, 1)
    assert shard.parse_shard(" 2/8 ") == (2, 8)


def test_durations_file_loads(tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{"durations": {"icarus-a": 3.5, "verilator-a": 1}}')
    assert shard.load_durations(p) == {"icarus-a": 3.5, "verilator-a": 1.0}
    assert shard.load_durations(tmp_path / "missing.json") == {}


def test_every_quick_job_runs_in_regress():
    """Directed quick jobs are reseeded by make regress, not only the random ones."""
    missing = [q.name for q in SUITES["quick"] if not any(covers(r, q) for r in SUITES["regress"])]
    assert not missing, f"quick jobs that make regress never runs: {missing}"
    names = [j.name for j in SUITES["regress"]]
    assert len(names) == len(set(names)), "regress job names must be unique (results directories)"
