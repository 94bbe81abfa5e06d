"""Test suites run by sim/run.py (and sim/test_regress.py).

Format
------
SUITES maps a suite name to a list of Job.  A Job is one cocotb test module run
against one build of smmu_top:

    Job(module,            # dotted test module, imported with the repo root on PYTHONPATH
        testcase=None,     # list of test names (None = every test in the module)
        seeds=None,        # list of seeds: the job runs once per seed (COCOTB_RANDOM_SEED);
                           # None = once, with --seed or run.DEFAULT_SEED
        params={},         # smmu_top parameter overrides, e.g. {"DATA_W": 128};
                           # every distinct params dict gets its own build directory
        name="",           # short name for results/<sim>/<name>-<seed>/ (default: last
                           # component of module, plus a params suffix)
        env={},            # extra environment variables for this job's simulation
        build_args={},     # per simulator extra build options, e.g. {"verilator": [...]}; a job
                           # with build options gets its own build directory
        plusargs={},       # per simulator run-time plusargs; "{seed}" is replaced by the job's seed
        sims=None)         # simulators the job runs on (None = every one)

Seeds on the command line: `--seed S` runs every job once with S (it overrides
Job.seeds, so a printed rerun command reproduces one failure); `--seeds N`
runs every job N times with seeds S, S+1, ... (S = --seed or a time-based base).

Suites used by the Makefile: "quick" (make test), "sim" (make sim),
"regress" (make regress), "bench" (make bench).  Keep this file plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass
class Job:
    module: str
    testcase: list[str] | None = None
    seeds: list[int] | None = None
    params: dict = field(default_factory=dict)
    name: str = ""
    env: dict = field(default_factory=dict)
    build_args: dict = field(default_factory=dict)
    plusargs: dict = field(default_factory=dict)
    sims: tuple | None = None

    def __post_init__(self) -> None:
        if not self.name:
            self.name = self.module.rsplit(".", 1)[-1]
            if self.params:
                self.name += "-" + "-".join(f"{k}{v}" for k, v in sorted(self.params.items()))

    def runs_on(self, sim: str) -> bool:
        """Whether this job runs on simulator ``sim`` (``sims`` None: on every one)."""
        return self.sims is None or sim in self.sims

    def build_args_for(self, sim: str) -> tuple:
        """Extra build options of this job for ``sim`` (its own build directory when any)."""
        return tuple(self.build_args.get(sim, ()))


SUITES: dict[str, list[Job]] = {
    # make test: fast, runs on every commit on both simulators
    "quick": [
        Job("tb.tests.test_regs"),
        Job("tb.tests.test_negative"),
        Job("tb.tests.test_traffic", name="traffic",
            testcase=["AbortGbpa", "AbortSmmuen", "AbortOutsideOas", "MixedAbortPhases",
                      "ResetMidTraffic", "PerIdOrderSlowId", "MixedAbortBypassSameId",
                      "BypassSlaveErrors", "StreamingThroughput"]),
        Job("tb.tests.test_traffic", name="random_bypass", testcase=["RandomBypass"], seeds=[1, 2, 3]),
    ],
    # make sim: the main scenario with a summary
    "sim": [
        Job("tb.tests.test_main"),
    ],
    # make regress: random tier, run with SEEDS seeds per job in parallel
    "regress": [
        Job("tb.tests.test_traffic", name="random_bypass_long", testcase=["RandomBypass"],
            env={"TXNS": 3000}),
        Job("tb.tests.test_traffic", name="traffic"),
    ],
    # make bench: cycle-count benchmarks (write bench/results/*.json)
    "bench": [
        Job("bench.bench_bypass"),
        Job("bench.bench_translate"),
        Job("bench.bench_stall"),
        Job("bench.bench_cmdq"),
        Job("bench.bench_inv_storm"),
        Job("bench.bench_translate", name="bench_translate_lr", params={"LINK_REG": 1}),
        Job("bench.bench_multi", name="bench_multi_x2", params={"TBUS": 2}),
        Job("bench.bench_multi", name="bench_multi_x4", params={"TBUS": 4}),
    ],
}

# Verification helper additions: a second parameter set (wide data, narrow OAS, more IDs)
# so width-dependent code (strobes, lanes, OAS abort) is exercised in the quick suite.
SUITES["quick"].append(
    Job("tb.tests.test_traffic", name="traffic_w128", testcase=["RandomBypass", "AbortOutsideOas"],
        seeds=[4], params={"DATA_W": 128, "ID_W": 6, "OAS_BITS": 40}, env={"TXNS": 400}))
SUITES["quick"].append(
    Job("tb.tests.test_regs", name="regs_p2",
        params={"SID_W": 12, "SSID_W": 5, "OAS_BITS": 40, "STALL_MAX": 4, "STALL_MODEL": 1}))

# ---- issue 3, driver-level tests (bring-up + queues; owner: queues/bring-up helper) ----
# Bring-up on the default build and on unusual but legal ID values; the small-queue job
# forces queue sizes Linux would refuse (CMDQ <= 64 entries), hence DRV_LINUX_CHECKS=0.
SUITES["quick"] += [
    Job("tb.tests.test_bringup", name="bringup"),
    Job("tb.tests.test_bringup", name="bringup_narrow", testcase=["LinuxBringUp"],
        params={"SID_W": 1, "SSID_W": 1, "OAS_BITS": 32}),
    Job("tb.tests.test_bringup", name="bringup_wide", testcase=["LinuxBringUp"],
        params={"SID_W": 16, "SSID_W": 20, "OAS_BITS": 40}),
    Job("tb.tests.test_bringup", name="bringup_stall1", testcase=["LinuxBringUp"],
        params={"STALL_MODEL": 1}),
    Job("tb.tests.test_bringup", name="bringup_stall2", testcase=["LinuxBringUp"],
        params={"STALL_MODEL": 2}),
    Job("tb.tests.test_bringup", name="bringup_smallq", testcase=["LinuxBringUp"],
        env={"DRV_CMDQ_SHIFT": 1, "DRV_EVTQ_SHIFT": 0, "DRV_LINUX_CHECKS": 0}),
    Job("tb.tests.test_queues", name="queues"),
]

# ---- issue 3 configuration tests (tb/tests/test_config.py; owner: config verification) ----
# quick: one job (both sims) with every configuration test; the ILLEGAL STE/CD tables also run
# on the second parameter set (SID_W 12, SSID_W 5, OAS 40, STALL_MODEL 1: S1STALLD=1 ILLEGAL,
# CD.S=1 ILLEGAL). regress: the random configuration tests with more traffic and fresh seeds.
SUITES["quick"].append(Job("tb.tests.test_config", name="config"))
SUITES["quick"].append(
    Job("tb.tests.test_config", name="config_p2", testcase=["ConfigIllegalSte", "ConfigIllegalCd"],
        params={"SID_W": 12, "SSID_W": 5, "OAS_BITS": 40, "STALL_MAX": 4, "STALL_MODEL": 1}))
SUITES["regress"].append(
    Job("tb.tests.test_config", name="config_random", testcase=["ConfigBypassSte", "ConfigCfgiSemantics"],
        env={"TXNS": 1500}))
# ---- end of issue 3 configuration tests ----

# ---- issue 4 translation tests (tb/tests/test_translate.py; owner: translation verification) ----
SUITES["quick"] += [
    Job("tb.tests.test_translate", name="translate",
        testcase=["TranslateFaults", "TranslatePermissions", "TranslateGeometry", "TranslateBlockHits",
                  "TranslateAsidGlobal", "TranslateTbiTlbi", "TranslateTlbi", "TranslateTerminate",
                  "TranslateHitUnderMiss", "TranslateNegStale", "TranslateSameIdFaults",
                  "TranslateHeldDecisionInval", "TranslateSyncDownstream"]),
    Job("tb.tests.test_translate", name="translate_random", testcase=["TranslateRandom"], seeds=[1, 2, 3],
        env={"TXNS": 1000}),
    # wide data, more IDs, narrow OAS, a small TLB (evictions), STALL_MODEL=1 (terminate only)
    Job("tb.tests.test_translate", name="translate_p2", seeds=[4],
        params={"DATA_W": 128, "ID_W": 6, "OAS_BITS": 40, "TLB_ENTRIES": 8, "STALL_MODEL": 1},
        env={"TXNS": 800}),
]
# regress: every translation test with fresh seeds, and the long random tier (TXNS per seed; with the
# default SEEDS=5 that is 12,500 random transactions per simulator)
SUITES["regress"] += [
    Job("tb.tests.test_translate", name="translate_regress"),
    Job("tb.tests.test_translate", name="translate_random_long", testcase=["TranslateRandom"],
        env={"TXNS": 2500}),
    Job("tb.tests.test_translate", name="translate_random_p2", testcase=["TranslateRandom"],
        params={"DATA_W": 128, "ID_W": 6, "OAS_BITS": 40, "TLB_ENTRIES": 8, "STALL_MODEL": 1},
        env={"TXNS": 1500}),
]
# ---- end of issue 4 translation tests ----

# ---- issue 5 stall model (tb/tests/test_stall.py) ----
STALL_DIRECTED = ["StallRetryIopf", "StallAbortTerm", "StallResumeNoop", "StallTagRotation", "StallTermSid",
                  "StallTermRecordWaiting",
                  "StallSmmuenClear",
                  "StallHitUnderFault", "StallMaxFull", "StallEventQueue", "StallNoStaleAfterInval",
                  "StallGpuJob", "StallPasidExit", "StallFirmwareHandover", "StallReset",
                  "StallCommandLegality"]
# the tests that need no CD.S=0 context (STALL_MODEL=2 makes CD.S=0 ILLEGAL)
STALL_ONLY = ["StallRetryIopf", "StallAbortTerm", "StallResumeNoop", "StallTagRotation", "StallTermSid",
              "StallTermRecordWaiting",
              "StallSmmuenClear",
              "StallHitUnderFault", "StallMaxFull", "StallEventQueue", "StallReset", "StallCommandLegality"]
SUITES["quick"] += [
    Job("tb.tests.test_stall", name="stall", testcase=STALL_DIRECTED),
    Job("tb.tests.test_stall", name="stall_random", testcase=["StallRandom"], seeds=[1, 2, 3]),
    # the fault storm: one GPU job faults 1,000 times with STALL_MAX far below
    Job("tb.tests.test_stall", name="stall_storm", testcase=["StallGpuJob"], params={"STALL_MAX": 4},
        env={"GPU_FAULTS": 1000}),
    Job("tb.tests.test_stall", name="stall_model2", testcase=STALL_ONLY, params={"STALL_MODEL": 2}),
    Job("tb.tests.test_stall", name="stall_model1", testcase=["StallCommandLegality"],
        params={"STALL_MODEL": 1}),
]
SUITES["regress"] += [
    Job("tb.tests.test_stall", name="stall_regress"),
    Job("tb.tests.test_stall", name="stall_random_long", testcase=["StallRandom"], env={"TXNS": 2000}),
    Job("tb.tests.test_stall", name="stall_max1", params={"STALL_MAX": 1}),
    Job("tb.tests.test_stall", name="stall_max32", params={"STALL_MAX": 32}),
    Job("tb.tests.test_stall", name="stall_p2", testcase=["StallRandom", "StallHitUnderFault", "StallMaxFull"],
        params={"DATA_W": 128, "ID_W": 6, "OAS_BITS": 40, "TLB_ENTRIES": 8, "STALL_MAX": 8}),
]
# ---- end of issue 5 stall model ----

# ---- liveness (tb/tests/test_liveness.py): SMMUEN / invalidation races, duplicate fills, cfg records ----
SUITES["quick"] += [
    Job("tb.tests.test_liveness", name="liveness"),
]
SUITES["regress"] += [
    Job("tb.tests.test_liveness", name="liveness_slow", testcase=["LivenessSmmuenSweep"],
        env={"LIVENESS_LAT": 64, "SWEEP_MAX": 320}),
]
# ---- end of liveness ----
# ---- output attributes (tb/tests/test_attrs.py; IHI 0070 chapter 13) ----
SUITES["quick"].append(Job("tb.tests.test_attrs", name="attrs"))
SUITES["regress"].append(Job("tb.tests.test_attrs", name="attrs_regress"))
# ---- testbench structure (tb/tests/test_uvm.py; issue 11 item 7): factory, ConfigDB, passive agents ----
SUITES["quick"].append(Job("tb.tests.test_uvm", name="uvm"))

# ---- issue 11 survivors (tb/tests/test_corners.py): behaviour the quick suite did not check ----
SUITES["quick"].append(Job("tb.tests.test_corners", name="corners"))

# ---- issue 11: reset-sensitive tests with random initial values (Verilator otherwise zero-initialises
# every variable, which hides a deleted reset assignment; Icarus starts at X anyway). A separate
# Verilator build with X assignments and initial values randomised, run with +verilator+rand+reset+2
# and a per-job seed (the job's cocotb seed: printed, and reused by --seed reruns).
VERILATOR_XRAND_BUILD = {"verilator": ["--x-assign", "unique", "--x-initial", "unique"]}
VERILATOR_XRAND_RUN = {"verilator": ["+verilator+rand+reset+2", "+verilator+seed+{seed}"]}


def _xrand(module: str, name: str, tests: list, seeds: list) -> Job:
    return Job(module, name=name, testcase=tests, seeds=seeds, build_args=VERILATOR_XRAND_BUILD,
               plusargs=VERILATOR_XRAND_RUN, sims=("verilator",))


SUITES["quick"] += [
    _xrand("tb.tests.test_traffic", "xrand_traffic", ["ResetMidTraffic"], [11]),
    _xrand("tb.tests.test_stall", "xrand_stall", ["StallReset"], [12]),
    _xrand("tb.tests.test_corners", "xrand_corners", ["CornerResetLocalB"], [13]),
    _xrand("tb.tests.test_bringup", "xrand_bringup", ["LinuxBringUp"], [14]),
    _xrand("tb.tests.test_regs", "xrand_regs", ["RegResetValues"], [15]),
]
# ---- RTL code coverage closers (tb/tests/test_codecov.py; sim/codecov.py, make coverage) ----
SUITES["quick"].append(Job("tb.tests.test_codecov", name="codecov", env={"TXNS": 400}))
# parameter sets of other quick jobs (no extra build): the per-ID counters of IDs 16..63 exist only
# with ID_W=6 and the TLB entry fields of an 8-entry TLB are separate toggle points (translate_p2's
# set); stall-tag and walk-cache StreamID bits 8..15 and SubstreamID bits 8..19 exist only with
# SID_W=16 / SSID_W=20 (bringup_wide's set)
SUITES["quick"] += [
    Job("tb.tests.test_codecov", name="codecov_p2", testcase=["CodecovIdCountersAll", "CodecovTlbFields"],
        params={"DATA_W": 128, "ID_W": 6, "OAS_BITS": 40, "TLB_ENTRIES": 8, "STALL_MODEL": 1}),
    Job("tb.tests.test_codecov", name="codecov_wide", testcase=["CodecovStallTags", "CodecovWalkCacheTags"],
        params={"SID_W": 16, "SSID_W": 20, "OAS_BITS": 40}, env={"STALL_ROUNDS": 4}),
]

# ---- tests written for the survivors of mutation testing (tb/tests/test_sensitivity.py) ----
SUITES["quick"].append(Job("tb.tests.test_sensitivity", name="sensitivity"))

# ---- functional-coverage closure (tb/tests/test_funcov_close.py): the holes of docs/testplan.md;
# the CD.S=0-is-ILLEGAL test needs STALL_MODEL=2 (same build as stall_model2) ----
SUITES["quick"] += [
    Job("tb.tests.test_funcov_close", name="funcov",
        testcase=["FunCovPrefetchAddr", "FunCovCdFetchNoSsv", "FunCovInvInflight", "FunCovStallEndsFull",
                  "FunCovStallNoWalk"]),
    Job("tb.tests.test_funcov_close", name="funcov_model2", testcase=["FunCovStallModel2Cd"],
        params={"STALL_MODEL": 2}),
]

# ---- mutation testing (sim/mutate.py; make mutate): the fixed subset run against every mutant,
# in this order; a mutant is killed by the first job that fails (later jobs are not run) ----
SUITES["mutate"] = [
    Job("tb.tests.test_regs", name="m_regs"),
    Job("tb.tests.test_traffic", name="m_traffic",
        testcase=["AbortGbpa", "AbortSmmuen", "AbortOutsideOas", "MixedAbortPhases", "ResetMidTraffic",
                  "PerIdOrderSlowId", "BypassSlaveErrors"]),
    Job("tb.tests.test_bringup", name="m_bringup", testcase=["LinuxBringUp"]),
    Job("tb.tests.test_queues", name="m_queues"),
    Job("tb.tests.test_config", name="m_config"),
    # TranslatePermissions: the walker's inherited APTable / UXNTable / PXNTable (mutant ptw-248 of
    # stop 24: PXNTable not accumulated; no other mutate job walks a table with it set)
    Job("tb.tests.test_translate", name="m_translate",
        testcase=["TranslateFaults", "TranslatePermissions", "TranslateGeometry", "TranslateBlockHits",
                  "TranslateAsidGlobal", "TranslateTbiTlbi", "TranslateTerminate", "TranslateHitUnderMiss",
                  "TranslateNegStale", "TranslateSameIdFaults", "TranslateSyncDownstream"]),
    Job("tb.tests.test_stall", name="m_stall", testcase=STALL_DIRECTED),
    Job("tb.tests.test_liveness", name="m_liveness",
        testcase=["LivenessPermRefill", "LivenessCfgFaultNoBlock", "LivenessGlobalWalkOtherAsid",
                  "LivenessScopedStorm"]),
    Job("tb.tests.test_attrs", name="m_attrs"),
    Job("tb.tests.test_traffic", name="m_random_bypass", testcase=["RandomBypass"], env={"TXNS": 500}),
    Job("tb.tests.test_translate", name="m_translate_random", testcase=["TranslateRandom"], env={"TXNS": 500}),
    Job("tb.tests.test_stall", name="m_stall_random", testcase=["StallRandom"], env={"TXNS": 300}),
    Job("tb.tests.test_sensitivity", name="m_sensitivity"),
    Job("tb.tests.test_corners", name="m_corners"),
    # the walk caches' hits (reads per miss; mutant wcache-079: no hit ever); a walk slot held until its
    # result is copied (WalkResultHold: smmu_xlt_q p_wb, smmu_walk slot_hold)
    # each level's round-robin replacement (mutant wcache-092 of stop 33: the pointer stuck at entry 0)
    Job("tb.tests.test_walkcache", name="m_walkcache", testcase=["WalkCacheReads", "WalkResultHold",
                                                                 "WalkCacheReplacement"]),
    # LINK_REG=1: the TBU's link register stage (mutants tbu_link-007/008: its downstream register's
    # reset); the first test after power-up sees the first cycles after reset
    Job("tb.tests.test_stall", name="m_stall_lr", testcase=["StallRetryIopf", "StallHitUnderFault"],
        params={"LINK_REG": 1}),
    # the TBU's main TLB: permissions of a hit, the kept answer and the micro-TLB refill against
    # invalidations, the SSV/SSID tag (the other mutate jobs never hit the main TLB), the block
    # array's round-robin replacement (mutant mtlb-260: its victim pointer sticks at the last entry),
    # a micro-TLB hit held in the queue's stage keeps its decision (mutant xlt_q-455 of stop 22),
    # nothing cached is used after a reset without invalidation (mutant mtlb-220 of stop 32)
    Job("tb.tests.test_mtlb", name="m_mtlb",
        testcase=["MtlbPermissions", "MtlbBlockPermissions", "MtlbKeptAnswer", "MtlbNextProbe", "MtlbRefillRace",
                  "MtlbSubstreams", "MtlbBlockReplacement", "MtlbHeldHit", "MtlbWarmReset"]),
    # STALL_MODEL=1: a CD with S=1 is ILLEGAL (C_BAD_CD) and RESUME / STALL_TERM are CERROR_ILL; the
    # other mutate jobs run STALL_MODEL=0, where both are legal (mutant cfg-122: CD.S=1 accepted)
    Job("tb.tests.test_config", name="m_config_stall1", testcase=["ConfigIllegalCd"],
        params={"STALL_MODEL": 1}),
]

# Formal tasks (formal/run_formal.py, at their quick-profile depth) run against a mutant after it passed
# every job of SUITES["mutate"]: a task that FAILs kills it. blocks:xlt_q_bmc: smmu_xlt_q with 8 pending
# entries, where the fairness of the output choice (a candidate offered before PEND offers of others) is
# asserted; the simulation suite has no bound on how long a READY entry waits (mutant xlt_q-496).
# blocks:xlt_q4_bmc: the same with 4 pending entries, where the fault-record choice wraps within the
# quick depth (its fairness: mutant xlt_q-186 of stop 22, the round-robin pointer reset to entry 0).
# units:qptr / fifo / skid / xlt_out (k-induction, a second or two each): the building blocks' own
# contracts, outputs included that no instance reads today (mutant qptr-026 of stop 33: smmu_qptr's
# cons_inc, unused by both instances, so no simulation sees it). blocks:tbu_tlb_bmc (stop 34, 8-30 s
# at the quick depth): the two TLB levels' no-stale-hit proof and the main TLB's per-entry permission
# check against the rule written in the harness, every access kind and override at once (mutant
# mtlb-281 of stop 34, a block entry's PRIVCFG/INSTCFG bits not written, survived every simulation
# job then; MtlbBlockPermissions, added for it, kills it in m_mtlb too).
MUTATE_FORMAL = ["blocks:xlt_q_bmc", "blocks:xlt_q4_bmc", "units:qptr", "units:fifo", "units:skid",
                 "units:xlt_out", "blocks:tbu_tlb_bmc"]

# ---- capacity parameters (XLT_SLOTS, STALL_SLOTS, WALKERS, CFG_ENTRIES, PARK_SLOTS, PARK_BEATS) ----
# A small set (the formal parameter set with 6 slots and 16-beat park slots) and a large one (8
# walkers, 64 slots). StallHitUnderFault runs only on the large one: its stalled write has two
# same-ID writes and 16 other writes behind it, and with 2 park slots the unparked ones hold the
# W channel until the stall ends (architecture.md "Writes overtake through park slots").
CAP_SMALL = {"XLT_SLOTS": 6, "STALL_SLOTS": 2, "WALKERS": 1, "CFG_ENTRIES": 1, "PARK_SLOTS": 2,
             "PARK_BEATS": 16, "TLB_ENTRIES": 4, "STALL_MAX": 4}
CAP_LARGE = {"XLT_SLOTS": 64, "STALL_SLOTS": 16, "WALKERS": 8, "CFG_ENTRIES": 64, "PARK_SLOTS": 64,
             "PARK_BEATS": 32, "STALL_MAX": 32}
SUITES["quick"] += [
    Job("tb.tests.test_translate", name="translate_cap_small", testcase=["TranslateRandom"], seeds=[5],
        params=CAP_SMALL, env={"TXNS": 600}),
    # STALL_EXTRA 2: 3 faults per direction (2 stalled, 1 waiting for a STAG) leave 3 of the 6 slots
    # for the hits StallMaxFull sends on other IDs; with the default 8 extra the faults fill every
    # slot and hold the address channel (a capacity property, testplan "Known gaps")
    Job("tb.tests.test_stall", name="stall_cap_small", testcase=["StallRandom", "StallMaxFull"],
        params=CAP_SMALL, env={"STALL_EXTRA": 2}),
    # the 1-entry configuration cache of CAP_SMALL is narrow enough for Verilator to give its CD
    # bundle toggle points (a wider unpacked array gets none): the TLB-field test varies the ASID,
    # SubstreamID and attribute fields that the random traffic keeps small, the TTB0 test the
    # CD.TTB0 bits 4..47 (and CD.UWXN) that the testbench's low, 4 MiB-aligned page tables keep 0
    Job("tb.tests.test_codecov", name="codecov_cap_small", testcase=["CodecovTlbFields", "CodecovTtbBits"],
        params=CAP_SMALL),
]
# the large set's scale figures (outstanding misses, walks in flight, bench/README.md)
SUITES["bench"].append(Job("bench.bench_translate", name="bench_translate_large", params=CAP_LARGE))
SUITES["regress"] += [
    Job("tb.tests.test_translate", name="translate_cap_large", testcase=["TranslateRandom"],
        params=CAP_LARGE, env={"TXNS": 1500}),
    Job("tb.tests.test_stall", name="stall_cap_large",
        testcase=["StallRandom", "StallHitUnderFault", "StallMaxFull"], params=CAP_LARGE),
]

# ---- walk caches (issue 12 item 5; tb/tests/test_walkcache.py): reads per miss, table changes and
# every invalidation form; the same tests without walk caches (WCACHE_ENTRIES=0: every miss reads
# from the start level), and random translation with one entry per level (constant replacement) ----
SUITES["quick"] += [
    Job("tb.tests.test_walkcache", name="walkcache"),
    Job("tb.tests.test_walkcache", name="walkcache_off", params={"WCACHE_ENTRIES": 0}),
    Job("tb.tests.test_translate", name="translate_wc1", testcase=["TranslateRandom", "TranslateTlbi"], seeds=[6],
        params={"WCACHE_ENTRIES": 1}, env={"TXNS": 800}),
]

# ---- two-level TLB (issue 12 item 4; tb/tests/test_mtlb.py): the main TLB behind the micro-TLB ----
# default main TLB (256 x 4 + 8 blocks); none at all (MTLB_SETS=0: every test, and the translation
# tests, still pass); a small one (16 x 2 + 2 blocks) where the working sets overflow it (conflict
# misses, round-robin replacement, evictions under TLBIs)
MTLB_OFF = {"MTLB_SETS": 0}
MTLB_SMALL = {"MTLB_SETS": 16, "MTLB_WAYS": 2, "MTLB_BLOCKS": 2}
SUITES["quick"] += [
    Job("tb.tests.test_mtlb", name="mtlb"),
    Job("tb.tests.test_mtlb", name="mtlb_off", params=MTLB_OFF),
    Job("tb.tests.test_translate", name="translate_mtlb_off", testcase=["TranslateTlbi", "TranslateRandom"],
        seeds=[6], params=MTLB_OFF, env={"TXNS": 600}),
    Job("tb.tests.test_mtlb", name="mtlb_small", params=MTLB_SMALL),
    Job("tb.tests.test_translate", name="translate_mtlb_small", testcase=["TranslateRandom"], seeds=[7],
        params=MTLB_SMALL, env={"TXNS": 800}),
]
SUITES["regress"] += [
    Job("tb.tests.test_translate", name="translate_random_mtlb_small", testcase=["TranslateRandom"],
        params=MTLB_SMALL, env={"TXNS": 1500}),
]

# ---- regression: every quick job, directed ones too, reseeded (issue 11 item 6) ----
# make regress runs every job of "regress" with SEEDS fresh seeds (Job.seeds is ignored there).
# ---- smmu_multi (issue 12): TBUS TBUs on one TCU. The translate and stall suites run on the
# smmu_multi simulation wrapper (sim/gen_multi.py) with one client agent and one memory agent per
# TBU; env.client routes each transaction to the TBU of its StreamID (tb/agents/stream_router.py),
# so every test with several StreamIDs has traffic on several TBUs at once.
SUITES["quick"] += [
    Job("tb.tests.test_translate", name="translate_x2", testcase=["TranslateRandom"], params={"TBUS": 2},
        env={"TXNS": 800, "SMMU_TBU_ALL": 1}),
    Job("tb.tests.test_stall", name="stall_x2", testcase=STALL_DIRECTED, params={"TBUS": 2}),
    Job("tb.tests.test_translate", name="translate_x4", params={"TBUS": 4}, env={"TXNS": 800}),
    # walk-cache tag patterns on TBUs 0..3 (StreamIDs 0xAA/0x55/0xFF/0x00 route to TBUs 2/1/3/0): SubstreamID
    # bits of the link's per-queue configuration requests of TBUs 2 and 3 (smmu_link_wires.vh, smmu_multi_tb)
    Job("tb.tests.test_codecov", name="codecov_x4", testcase=["CodecovWalkCacheTags"], params={"TBUS": 4}),
    Job("tb.tests.test_stall", name="stall_x4", testcase=["StallRandom", "StallHitUnderFault", "StallGpuJob"],
        params={"TBUS": 4}),
]
# LINK_REG=1: a register stage on the TBU-TCU link (smmu_tbu): the same tests, the same checks
SUITES["quick"] += [
    Job("tb.tests.test_translate", name="translate_lr", params={"LINK_REG": 1}),
    Job("tb.tests.test_stall", name="stall_lr", testcase=STALL_DIRECTED, params={"LINK_REG": 1}),
    Job("tb.tests.test_liveness", name="liveness_lr", params={"LINK_REG": 1}),
    Job("tb.tests.test_stall", name="stall_x2_lr", testcase=["StallRandom", "StallHitUnderFault", "StallGpuJob"],
        params={"TBUS": 2, "LINK_REG": 1}),
]
# regress: every other test module once more with the link register stage
SUITES["regress"] += [
    Job(f"tb.tests.test_{m}", name=f"{m}_lr_regress", params={"LINK_REG": 1})
    for m in ("config", "walkcache", "mtlb", "corners", "queues", "attrs", "bringup", "main", "traffic", "regs")
]
SUITES["regress"] += [
    Job("tb.tests.test_translate", name="translate_x2_regress", params={"TBUS": 2}),
    Job("tb.tests.test_stall", name="stall_x2_regress", params={"TBUS": 2}),
    Job("tb.tests.test_stall", name="stall_x4_regress", params={"TBUS": 4}),
]

# ---- what `make test` (and so CI) runs on Verilator: the quick jobs of these parameter sets ----
# Every quick job runs on Icarus in `make test`. On Verilator each parameter set is a C++ build of its
# own (about 40 s of 2 cores, most of the Verilator part's time), so `make test` runs the quick jobs
# of these seven builds there: the default parameters (and the random-initial-value build), the
# widest and narrowest widths, the small capacities, 4 TBUs and the link register stage. The
# other parameter sets' quick jobs run on Verilator in `make test FULL=1`, `make coverage` and
# `make regress` (both simulators, every quick job as q_<name>).
CI_VERILATOR_PARAMS = [
    {},
    {"DATA_W": 128, "ID_W": 6, "OAS_BITS": 40, "TLB_ENTRIES": 8, "STALL_MODEL": 1},
    {"SID_W": 1, "SSID_W": 1, "OAS_BITS": 32},
    CAP_SMALL,
    {"TBUS": 4},
    {"LINK_REG": 1},
]
SUITES["quick_ci"] = [j for j in SUITES["quick"]
                      if not j.runs_on("verilator") or j.params in CI_VERILATOR_PARAMS]

# A quick job already contained in a regress job (same module and parameters, its tests a subset,
# the same environment apart from the TXNS size knob) is not repeated; every other quick job is
# added as "q_<name>".  tests/unit/test_shard.py checks that every quick job is covered.
# (covers() ignores SMMU_SEED_TIMING, set below on every regress job.)
REGRESS_SIZE_KNOBS = ("TXNS", "SMMU_SEED_TIMING")


def covers(big: Job, small: Job) -> bool:
    """True when running ``big`` runs every test of ``small`` in the same configuration."""
    strip = lambda env: {k: str(v) for k, v in env.items() if k not in REGRESS_SIZE_KNOBS}  # noqa: E731
    return (big.module == small.module and big.params == small.params
            and big.build_args == small.build_args and big.sims == small.sims
            and (big.testcase is None or set(small.testcase or ()) <= set(big.testcase)
                 and small.testcase is not None)
            and strip(big.env) == strip(small.env))


SUITES["regress"] += [
    # every field of the quick job (build options, plusargs, simulators too); regress reseeds it
    replace(q, name=f"q_{q.name}", seeds=None, params=dict(q.params), env=dict(q.env))
    for q in SUITES["quick"] if not any(covers(r, q) for r in SUITES["regress"])
]
# ... and every regress job starts each test from seed-chosen back-pressure and memory latencies
# (SmmuEnv.seed_timing), so reseeding a directed test changes its timing, not only its data.
for _j in SUITES["regress"]:
    _j.env.setdefault("SMMU_SEED_TIMING", 1)
# ---- end of regression ----

