"""JupyterLab set-up: open the project's ``notebooks/*.py`` as notebooks, not as text.

The notebooks are jupytext percent scripts. JupyterLab opens a ``.py`` file in its text editor
unless the document manager's default viewer for Python files is jupytext's notebook factory
(``"Jupytext Notebook"``, from the jupyterlab-jupytext extension that ships with jupytext). This
module writes that default into the environment's settings overrides,
``<prefix>/share/jupyter/lab/settings/overrides.json`` (JupyterLab's application settings
directory, read at start-up; keys already there are kept). The notebooks name the ``dgpe`` kernel
in their header, which ``make`` installs into the same environment.

Run by ``make`` when it creates ``.venv``::

    python -m dgpe.lab --prefix .venv
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["JUPYTEXT_FACTORY", "DOCMANAGER_PLUGIN", "settings_path", "lab_overrides", "write_lab_settings", "main"]

JUPYTEXT_FACTORY = "Jupytext Notebook"
DOCMANAGER_PLUGIN = "@jupyterlab/docmanager-extension:plugin"
#: file types whose default viewer becomes the jupytext notebook (the notebooks are .py; Markdown
#: files keep opening as text)
FILE_TYPES = ("python",)


def settings_path(prefix: str | Path) -> Path:
    """Where JupyterLab in the environment at ``prefix`` reads its settings overrides."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def lab_overrides(existing: dict[str, Any] | None = None) -> dict[str, Any]:
    """``existing`` overrides with the jupytext notebook as the default viewer of Python files.

    >>> lab_overrides()["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["python"]
    'Jupytext Notebook'
    """
    out = json.loads(json.dumps(existing or {}))
    plugin = out.setdefault(DOCMANAGER_PLUGIN, {})
    viewers = plugin.setdefault("defaultViewers", {})
    for kind in FILE_TYPES:
        viewers[kind] = JUPYTEXT_FACTORY
    return out


def write_lab_settings(prefix: str | Path = sys.prefix) -> Path:
    """Write (or update) the settings overrides of the environment at ``prefix``; return the file."""
    path = settings_path(prefix)
    existing: dict[str, Any] = {}
    if path.exists():
        try:
            existing = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            existing = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(lab_overrides(existing), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dgpe.lab", description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default=sys.prefix, help="the environment (default: this Python's)")
    args = parser.parse_args(argv)
    path = write_lab_settings(args.prefix)
    print(f"JupyterLab opens notebooks/*.py as notebooks ({path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
