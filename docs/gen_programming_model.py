#!/usr/bin/env python3
"""Generate the register part of docs/programming-model.md from tb/regmap.py.

The document has hand-written sections (memory structures, commands, events)
around one generated block between the markers below. This script rewrites
only that block, so the register tables can never drift from the register map
the RTL tests use. tests/unit/test_docs.py fails when the committed file is
stale.

    python docs/gen_programming_model.py          # rewrite the block in place
    python docs/gen_programming_model.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tb.regmap import FEATURES, REGS, SmmuParams, reset_value  # noqa: E402

DOC = ROOT / "docs" / "programming-model.md"
BEGIN = "<!-- BEGIN GENERATED: registers (docs/gen_programming_model.py) -->"
END = "<!-- END GENERATED: registers -->"

# Read-only registers that mirror a writable one: a field is implemented when
# its twin is writable.
MIRRORS = {"CR0ACK": "CR0", "IRQ_CTRLACK": "IRQ_CTRL", "GERROR": "GERRORN"}

GUARD_TEXT = {
    None: "-",
    "SMMUEN": "CR0.SMMUEN / CR0ACK.SMMUEN = 0",
    "CMDQEN": "CR0.CMDQEN / CR0ACK.CMDQEN = 0",
    "EVENTQEN": "CR0.EVENTQEN / CR0ACK.EVENTQEN = 0",
    "QUEUES": "all queue enables and their ACKs = 0",
    "GBPA": "UPDATE=1 in the write, UPDATE reads 0",
}

# Fields whose value comes from a Verilog parameter.
PARAM_NOTES = {
    ("IDR0", "STALL_MODEL"): "= `STALL_MODEL`",
    ("IDR1", "SIDSIZE"): "= `SID_W`",
    ("IDR1", "SSIDSIZE"): "= `SSID_W`",
    ("IDR5", "OAS"): "encodes `OAS_BITS` (0:32 1:36 2:40 3:42 4:44 5:48)",
    ("IDR5", "STALL_MAX"): "= `STALL_MAX`",
    ("STRTAB_BASE_HI", "ADDR_HI"): "bits at and above `OAS_BITS` are RES0",
    ("CMDQ_BASE_HI", "ADDR_HI"): "bits at and above `OAS_BITS` are RES0",
    ("EVENTQ_BASE_HI", "ADDR_HI"): "bits at and above `OAS_BITS` are RES0",
    ("CMDQ_CONS", "RD"): "advanced by the SMMU (issue 3). IHI 0070 makes bits [19:QS+1] RAZ; "
                         "the register map stores all 20 bits (open point)",
    ("EVENTQ_PROD", "WR"): "advanced by the SMMU (issue 3)",
    ("EVENTQ_PROD", "OVFLG"): "toggled by the SMMU on overflow (issue 3)",
    ("GBPA", "ABORT"): "1: every client transaction aborts while SMMUEN=0",
    # what the ID values mean for software now that stage 1 translates
    ("IDR0", "S1P"): "stage-1 translation (4 KiB walks from TTB0)",
    ("IDR0", "TTF"): "AArch64 tables only (CD.AA64=0 is ILLEGAL)",
    ("IDR0", "BTM"): "no broadcast TLB maintenance: TLB entries go only by TLBI/CFGI commands",
    ("IDR0", "HTTU"): "AF and dirty state never updated by the SMMU (CD.HA/HD=1 ILLEGAL)",
    ("IDR0", "ASID16"): "16-bit ASIDs",
    ("IDR0", "CD2L"): "linear CD tables only",
    ("IDR0", "TTENDIAN"): "little-endian tables only (CD.ENDI=1 ILLEGAL unless EPD0=EPD1=1)",
    ("IDR0", "TERM_MODEL"): "CD.A=0 terminates a fault with RAZ/WI",
    ("IDR0", "ST_LEVEL"): "linear stream table only",
    ("IDR3", "RIL"): "TLBI range fields (NUM, SCALE) ignored",
    ("IDR5", "GRAN4K"): "the only granule (CD.TG0 must be 4 KiB)",
    ("IDR1", "ATTR_TYPES_OVR"): "GBPA and STE MTCFG/MemAttr, ALLOCCFG, SHCFG are applied (see Output attributes)",
    ("IDR1", "ATTR_PERMS_OVR"): "GBPA and STE PRIVCFG, INSTCFG are applied; NSCFG is IGNORED (Non-secure only)",
    ("GBPA", "MemAttr"): "global bypass: memory type when MTCFG=1 (see Output attributes)",
    ("GBPA", "MTCFG"): "global bypass: 1 replaces the incoming memory type with MemAttr",
    ("GBPA", "ALLOCCFG"): "global bypass: 1RWT replaces RA/WA (T has no AXI signal); only cacheable types",
    ("GBPA", "SHCFG"): "global bypass: 00 NSH, 01 incoming (NSH: s_axi has no domain), 10 OSH, 11 ISH; `m_axi_*domain`",
    ("GBPA", "PRIVCFG"): "global bypass: 0x incoming AxPROT[0], 10 unprivileged, 11 privileged",
    ("GBPA", "INSTCFG"): "global bypass: 0x incoming AxPROT[2], 10 data, 11 instruction (reads only)",
    ("CR1", "QUEUE_IC"): "command-queue reads and event-queue writes on `m_axi_tw` (with QUEUE_OC: WB only if both WB)",
    ("CR1", "QUEUE_OC"): "command-queue reads and event-queue writes on `m_axi_tw`",
    ("CR1", "QUEUE_SH"): "`m_axi_tw_*domain` of queue accesses when write-back",
    ("CR1", "TABLE_IC"): "STE fetches on `m_axi_tw` (with TABLE_OC: WB only if both WB)",
    ("CR1", "TABLE_OC"): "STE fetches on `m_axi_tw`",
    ("CR1", "TABLE_SH"): "`m_axi_tw_ardomain` of STE fetches when write-back",
    ("STRTAB_BASE_HI", "RA"): "read-allocate hint of STE fetches (ARCACHE[2] when write-back)",
    ("CMDQ_BASE_HI", "RA"): "read-allocate hint of command fetches (ARCACHE[2] when write-back)",
    ("EVENTQ_BASE_HI", "WA"): "write-allocate hint of event writes (AWCACHE[3] when write-back)",
    ("IDR5", "VAX"): "VAs up to 48 bits (CD.T0SZ >= 16)",
}

# Fields software writes and reads back, but which change nothing in the SMMU.
STORED_ONLY = {
    ("CR2", "PTM"): "stored, no effect (IDR0.BTM=0)",
}

# Fields software cannot write but the SMMU does: (access, status).
SMMU_WRITTEN = {
    ("CMDQ_CONS", "ERR"): ("RO", "written by the SMMU on a command error (issue 3)"),
}


def _bits(f) -> str:
    return f"[{f.lsb}]" if f.width == 1 else f"[{f.lsb + f.width - 1}:{f.lsb}]"


def _field_rows(reg, p):
    rows = []
    wm = reg.wmask(p)
    fguard = dict(reg.field_guards)
    rv = reset_value(reg.name, p)
    for f in reg.fields:
        note = PARAM_NOTES.get((reg.name, f.name), "")
        if reg.name.startswith("IDR") or reg.name in ("IIDR", "AIDR"):
            access, status = "RO", f"reports {f.get(rv)}"
        elif reg.name in MIRRORS:
            twin = REGS[MIRRORS[reg.name]]
            impl = twin.field(f.name).mask & twin.wmask(p)
            access, status = "RO", "implemented" if impl else "not implemented (RAZ)"
        elif wm == 0:
            access, status = "RO", "implemented" if f.name != "DORMANT" else "reads 0 (never dormant)"
        elif (reg.name, f.name) in SMMU_WRITTEN:
            access, status = SMMU_WRITTEN[(reg.name, f.name)]
        elif f.mask & wm:
            access = "RW" if f.mask & wm == f.mask else "RW (part)"
            status = STORED_ONLY.get((reg.name, f.name), "implemented")
        elif reg.name == "GBPA" and f.name == "UPDATE":
            access, status = "RW", "implemented (reads 0 once the update completed)"
        else:
            access, status = "RES0", "not implemented"
        guard = fguard.get(f.name, reg.guard) if access.startswith("RW") else None
        rows.append(f"| {f.name} | {_bits(f)} | {access} | {f.get(rv):#x} | "
                    f"{GUARD_TEXT[guard]} | {status} | {note} |")
    return rows


def render(p: SmmuParams = SmmuParams()) -> str:
    out = [BEGIN, "",
           "Generated from `tb/regmap.py` for the default parameters "
           f"({', '.join(f'{k}={v}' for k, v in p.hdl().items())}). "
           "Reset values of parameter-dependent fields are given for these defaults.",
           "",
           "## Register summary", "",
           "| Offset | Register | Access | Reset | Writable bits | Write guard | Notes |",
           "|---|---|---|---|---|---|---|"]
    for reg in sorted(REGS.values(), key=lambda r: r.offset):
        wm = reg.wmask(p)
        guard = "per field (below)" if reg.field_guards else GUARD_TEXT[reg.guard]
        out.append(f"| {reg.offset:#07x} | {reg.name} | {'RW' if wm else 'RO'} | "
                   f"{reset_value(reg.name, p):#010x} | {wm:#010x} | {guard} | {reg.desc} |")
    out += ["",
            "Every other offset reads 0 and ignores writes, in particular GERROR_IRQ_CFG0-2 and "
            "EVENTQ_IRQ_CFG0-2 (no MSI: IDR0.MSI=0), the PRIQ_* registers (no PRI) and page-0 "
            "offsets 0xA8/0xAC (EVENTQ_PROD/CONS exist only in page 1). Responses are always OKAY.", "",
            f"Feature flags (`FEATURES`): "
            + ", ".join(f"{k}={v:#x}" if k == "IIDR" else f"{k}={v}" for k, v in FEATURES.items())
            + ".", "",
            "## Registers, field by field", ""]
    for reg in sorted(REGS.values(), key=lambda r: r.offset):
        out += [f"### {reg.name} ({reg.offset:#07x})", ""]
        if reg.desc:
            out += [reg.desc[0].upper() + reg.desc[1:] + ".", ""]
        out += ["| Field | Bits | Access | Reset | Write guard | Status | Notes |",
                "|---|---|---|---|---|---|---|"]
        out += _field_rows(reg, p)
        out.append("")
    out.append(END)
    return "\n".join(out)


SKELETON = """# Programming model

What software sees of `smmu_top`: registers (generated from `tb/regmap.py`) and the
in-memory structures and queue entries (hand-written, from `../shared/spec/smmuv3-facts.md`).

{block}
"""


def update(text: str) -> str:
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOC}: generated-block markers missing")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + render() + tail


def main(argv) -> int:
    text = DOC.read_text() if DOC.exists() else SKELETON.format(block=BEGIN + "\n" + END)
    new = update(text)
    if "--check" in argv:
        if new != text:
            print(f"{DOC} is out of date: run python docs/gen_programming_model.py")
            return 1
        return 0
    DOC.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
