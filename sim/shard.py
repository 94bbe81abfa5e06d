"""Deterministic sharding of a regression: `make regress SHARD=i/N` runs shard i (1-based) of N.

A case is one (simulator, job, seed), named by its id "<sim>-<job>-<seed>" (the pytest id of
sim/test_regress.py).  partition() gives every case to exactly one shard and depends only on
the case ids and on the durations table, never on the machine, the clock or the order the
cases were listed in, so N machines given the same SEED, SEEDS, SIMS and TESTS split one
regression between them without gaps or overlaps.

  * no durations: the cases sorted by id are dealt round-robin (case k -> shard k mod N);
  * durations (seconds per "<sim>-<job>", e.g. sim/regress_durations.json, written by
    `sim/triage.py --durations-out` from a previous regression's JUnit): longest first onto
    the least-loaded shard (LPT), ties broken by id and by the lower shard index.  Cases of a
    job missing from the table count as the median known duration.

default_parallel() is how many cases, jobs or formal tasks one machine runs at a time
(sim/run.py --parallel, formal/run_formal.py --parallel).

Pure Python (no cocotb): tests/unit/test_shard.py imports it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from statistics import median
from typing import Mapping, Sequence

DURATIONS_FILE = Path(__file__).resolve().parent / "regress_durations.json"


def default_parallel() -> int:
    """$SMMU_PARALLEL, else the cores this process may use."""
    env = os.environ.get("SMMU_PARALLEL", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def parse_shard(text: str | None) -> tuple[int, int]:
    """"i/N" (1 <= i <= N) -> (i, N); "" or None -> (1, 1)."""
    if not text:
        return 1, 1
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m:
        raise ValueError(f"SHARD must look like i/N (1-based), got {text!r}")
    i, n = int(m.group(1)), int(m.group(2))
    if n < 1 or not 1 <= i <= n:
        raise ValueError(f"SHARD {text!r}: need 1 <= i <= N")
    return i, n


def job_key(case_id: str) -> str:
    """"icarus-translate_p2-17" -> "icarus-translate_p2" (the seed is the last dash field)."""
    return case_id.rsplit("-", 1)[0]


def load_durations(path: str | Path | None = None) -> dict[str, float]:
    """{"<sim>-<job>": seconds}; {} when the file does not exist or is unreadable."""
    p = Path(path) if path else DURATIONS_FILE
    try:
        data = json.loads(p.read_text())
    except (OSError, ValueError):
        return {}
    table = data.get("durations", data) if isinstance(data, dict) else {}
    return {str(k): float(v) for k, v in table.items() if isinstance(v, (int, float)) and v >= 0}


def partition(case_ids: Sequence[str], n: int,
              durations: Mapping[str, float] | None = None) -> list[list[str]]:
    """Split case ids into n shards (lists of ids, each sorted).  Every id lands in exactly one."""
    if n < 1:
        raise ValueError("n must be >= 1")
    ids = sorted(set(case_ids))
    if len(ids) != len(case_ids):
        raise ValueError("duplicate case ids")
    shards: list[list[str]] = [[] for _ in range(n)]
    if not durations:
        for k, cid in enumerate(ids):
            shards[k % n].append(cid)
        return shards
    known = [durations[job_key(c)] for c in ids if job_key(c) in durations]
    default = median(known) if known else 1.0
    cost = {c: durations.get(job_key(c), default) for c in ids}
    load = [0.0] * n
    for cid in sorted(ids, key=lambda c: (-cost[c], c)):
        k = min(range(n), key=lambda j: (load[j], j))
        shards[k].append(cid)
        load[k] += cost[cid]
    return [sorted(s) for s in shards]


def select(case_ids: Sequence[str], shard: str | None,
           durations: Mapping[str, float] | None = None) -> list[str]:
    """The ids of shard "i/N" (all of them for no shard), in the order given."""
    i, n = parse_shard(shard)
    if n == 1:
        return list(case_ids)
    mine = set(partition(case_ids, n, durations)[i - 1])
    return [c for c in case_ids if c in mine]


def estimate(case_ids: Sequence[str], n: int, durations: Mapping[str, float]) -> list[float]:
    """Expected serial seconds per shard under partition(..., durations)."""
    known = [durations[job_key(c)] for c in case_ids if job_key(c) in durations]
    default = median(known) if known else 1.0
    return [sum(durations.get(job_key(c), default) for c in s) for s in partition(case_ids, n, durations)]
