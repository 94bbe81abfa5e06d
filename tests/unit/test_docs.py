"""docs/programming-model.md stays true to tb/regmap.py."""

import importlib.util
from pathlib import Path

from tb.regmap import REGS

ROOT = Path(__file__).resolve().parents[2]


def _gen():
    spec = importlib.util.spec_from_file_location("gen_pm", ROOT / "docs" / "gen_programming_model.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_programming_model_up_to_date():
    gen = _gen()
    text = gen.DOC.read_text()
    assert gen.update(text) == text, "run: python docs/gen_programming_model.py"


def test_every_register_and_field_documented():
    text = (ROOT / "docs" / "programming-model.md").read_text()
    for reg in REGS.values():
        assert f"### {reg.name} ({reg.offset:#07x})" in text
        for f in reg.fields:
            assert f"| {f.name} |" in text, (reg.name, f.name)


def test_structures_have_a_status_for_every_field():
    """Every row of the hand-written structure tables says what the SMMU does with the field."""
    text = (ROOT / "docs" / "programming-model.md").read_text()
    sections = ("## Stream Table Entry", "## Context Descriptor", "## Command queue entries", "## Event records")
    for section in sections:
        assert section in text, section
    tail = text[text.index(sections[0]):]
    rows = [l for l in tail.splitlines() if l.startswith("| ") and not l.startswith("| Location")
            and not l.startswith("| Opcode") and not l.startswith("| ID") and not set(l) <= set("|- ")]
    assert len(rows) > 60
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert all(cells[-1:]), f"row without a status: {row}"
