"""Shared fixtures: the project's paths, the default framework and the example data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def framework():
    from dgpe.framework import load_framework

    return load_framework(ROOT / "data" / "framework.yaml")


@pytest.fixture(scope="session")
def example_dir() -> Path:
    return ROOT / "data" / "example"


@pytest.fixture(scope="session")
def panel(framework, example_dir):
    from dgpe.data import load_indicators

    return load_indicators(example_dir / "indicators.csv", framework)


@pytest.fixture(scope="session")
def X2025(panel, framework):
    return panel[panel["year"] == 2025].set_index("unit_id")[framework.indicator_codes].astype(float)
