"""docs/run-config.md names every method of every registry (the docs cannot drift from the code)."""

from __future__ import annotations

from pathlib import Path

import pytest

from methods.registry import FAMILIES, registry

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_run_config_doc_lists_every_method(family):
    text = (ROOT / "docs" / "run-config.md").read_text(encoding="utf-8")
    missing = [n for n in registry(family).names() if f"`{n}`" not in text]
    assert not missing, f"docs/run-config.md does not name the {family} method(s) {missing}"
