"""`make lab` opens notebooks/*.py as notebooks: set-up writes JupyterLab's settings overrides."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dgpe.lab import DOCMANAGER_PLUGIN, JUPYTEXT_FACTORY, settings_path, write_lab_settings

ROOT = Path(__file__).resolve().parents[1]


def _setup_commands(venv: Path) -> list[str]:
    """The commands `make` runs to create the environment at ``venv`` (dry run)."""
    out = subprocess.run(["make", "-n", f"VENV={venv}", f"{venv}/.dgpe-installed"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return out.splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_setup_writes_lab_settings_naming_the_jupytext_viewer(tmp_path):
    venv = tmp_path / ".venv"
    lines = [line for line in _setup_commands(venv) if "dgpe.lab" in line]
    assert lines, "the Makefile's set-up does not write the JupyterLab settings"
    # run the Makefile's command with this interpreter in place of the not-yet-created venv's
    argv = shlex.split(lines[0])
    assert argv[0] == f"{venv}/bin/python"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, *argv[1:]], check=True, env=env, capture_output=True)
    path = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert path.exists()
    viewers = json.loads(path.read_text(encoding="utf-8"))[DOCMANAGER_PLUGIN]["defaultViewers"]
    assert viewers["python"] == JUPYTEXT_FACTORY == "Jupytext Notebook"


def test_existing_overrides_are_kept(tmp_path):
    path = settings_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
                                DOCMANAGER_PLUGIN: {"autosave": False}}), encoding="utf-8")
    data = json.loads(write_lab_settings(tmp_path).read_text(encoding="utf-8"))
    assert data["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert data[DOCMANAGER_PLUGIN] == {"autosave": False, "defaultViewers": {"python": "Jupytext Notebook"}}


def test_jupyterlab_reads_the_override_with_the_installed_jupytext_extension(tmp_path):
    """JupyterLab's settings service, pointed at the written file, makes the jupytext notebook the
    default viewer of Python files, and the installed jupytext extension defines that factory."""
    settings_utils = pytest.importorskip("jupyterlab_server.settings_utils")
    share = Path(sys.prefix) / "share" / "jupyter"
    ext = share / "labextensions" / "jupyterlab-jupytext"
    if not ext.is_dir():
        pytest.skip("the jupyterlab-jupytext extension is not installed in this environment")
    assert any(f'"{JUPYTEXT_FACTORY}"' in p.read_text(encoding="utf-8", errors="ignore")
               for p in (ext / "static").glob("*.js"))
    path = write_lab_settings(tmp_path)
    result, _ = settings_utils.get_settings(
        str(path.parent), str(share / "lab" / "schemas"), str(tmp_path / "user"), DOCMANAGER_PLUGIN,
        labextensions_path=[str(share / "labextensions")])
    assert result["schema"]["properties"]["defaultViewers"]["default"] == {"python": JUPYTEXT_FACTORY}
