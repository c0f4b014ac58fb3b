"""A run config of the bundled example data copied into a test's own folder (shared by the tests
that write, tamper with or lock reports: test_verify, test_hostile_reports)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def example_config(base: Path) -> Path:
    """``base/run.yaml``: the default config with the example data copied to ``base/data`` (absolute paths)."""
    data = base / "data"
    shutil.copytree(ROOT / "data" / "example", data)
    cfg = base / "run.yaml"
    cfg.write_text(
        (ROOT / "configs" / "default.yaml").read_text(encoding="utf-8")
        .replace("../data/example/", f"{data}/")
        .replace("../data/framework.yaml", str(ROOT / "data" / "framework.yaml")),
        encoding="utf-8",
    )
    return cfg
