"""What makes a report reproducible: ``manifest.json``.

It records the inputs' SHA-256 hashes, the resolved run config (seed included), the notebooks'
sources and parameters, the package versions, the git commit, times, and a digest of every recorded
table and result, so that ``dgpe verify`` can rerun the analysis and say what differs.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from dgpe.io import sha256_file

__all__ = ["KEY_PACKAGES", "package_versions", "git_state", "file_entry", "digest_dir", "write_manifest", "read_manifest",
           "text_digest"]

KEY_PACKAGES = (
    "dgpe", "numpy", "pandas", "scipy", "statsmodels", "pingouin", "scikit-learn", "SALib",
    "matplotlib", "seaborn", "mplfonts", "pydantic", "PyYAML", "openpyxl", "python-docx",
    "papermill", "nbconvert", "nbformat", "nbclient", "jupytext", "ipykernel", "jupyter_client",
)  # fmt: skip


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state(root: Path) -> dict[str, Any]:
    """The commit of the project checkout (and whether it had uncommitted changes), if git is there."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        return {"commit": commit, "dirty": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def file_entry(path: Path, root: Path) -> dict[str, Any]:
    p = Path(path).resolve()
    try:
        shown = str(p.relative_to(root.resolve()))
    except ValueError:
        shown = str(p)
    return {"path": shown, "sha256": sha256_file(p), "bytes": p.stat().st_size}


def digest_dir(folder: Path, pattern: str, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """SHA-256 of each file matching ``pattern`` below ``folder`` (relative POSIX names, sorted),
    leaving out the relative names in ``exclude``."""
    out = {}
    for p in sorted(folder.glob(pattern)):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in exclude:
            out[rel] = sha256_file(p)
    return out


def write_manifest(path: Path, content: dict[str, Any]) -> None:
    text = json.dumps(content, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    path.write_text(text, encoding="utf-8")


def read_manifest(path: Path) -> dict[str, Any]:
    """Read a report's manifest; a damaged one is a :class:`~dgpe.errors.ReportError`."""
    from dgpe.errors import Problem, ReportError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReportError([Problem(str(path), "", f"the manifest is damaged (not valid JSON: {exc})")]) from None
    if not isinstance(data, dict) or "inputs" not in data:
        raise ReportError([Problem(str(path), "", "not a dgpe manifest (no 'inputs')")])
    wrong = [key for key in ("inputs", "config", "notebooks", "digests") if not isinstance(data.get(key, {}), dict)]
    if wrong:
        raise ReportError([Problem(str(path), "", f"the manifest is damaged ({', '.join(wrong)} not a mapping)")])
    return data


def text_digest(text: str) -> str:
    """The SHA-256 of ``text`` encoded as UTF-8 (hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def environment() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python_executable": Path(sys.executable).name,
    }
