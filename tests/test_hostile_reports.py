"""Hostile and faulty reports (issue 16): tampered files, links, missing files, signals, concurrent runs.

The cases are grouped by the issue's classes; each test name starts with its class:

- ``test_silent_*``: ``dgpe verify`` must not pass a report that is not as its run wrote it — a file
  edited along with its digest in the manifest, a truncated notebook, a table replaced by a link to a
  file outside the report, a file added, a manifest edited or replaced;
- ``test_traceback_*``: ``verify`` and ``diff`` on a report with missing or damaged files end with a
  message naming the file, never a Python traceback;
- ``test_lost_*``: report writing is atomic and exclusive — an interruption (SIGINT, SIGTERM) at the
  start or in the middle leaves nothing behind, two runs of the same name never replace one another,
  a full disk or an unwritable folder is a clear message and no half report.

One small report (the data audit alone) is built per module and copied per test. The full ``verify``
reruns the report; apart from one real rerun, the tests reuse that rerun (the same config on the same
machine gives the same files), so that each case takes seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from dgpe.errors import DgpeError, ReportError
from dgpe.io import sha256_file
from dgpe.runner import run_report
from dgpe.verify import diff_reports, verify_report
from tests._example_config import example_config

ROOT = Path(__file__).resolve().parents[1]
DAY = dt.date(2030, 1, 3)
TABLE = "tables/00_data_audit__distributions.csv"
QUICK = ["notebooks=[00_data_audit]"]


def _config(base: Path) -> Path:
    """A run config of the bundled example data copied to ``base/data`` (absolute paths)."""
    return example_config(base)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The report, its config, and a genuine rerun of it (made by ``verify_report(keep=…)``)."""
    base = tmp_path_factory.mktemp("hostile")
    cfg = _config(base)
    report = run_report(cfg, QUICK, reports_dir=base / "reports", date=DAY, progress=False).path
    keep = base / "rerun"
    keep.mkdir()
    untouched = verify_report(report, keep=keep)
    return {"base": base, "cfg": cfg, "report": report, "rerun": keep / report.name, "untouched": untouched}


@pytest.fixture
def copy(built, tmp_path):
    """A fresh copy of the report, in a folder of its own."""
    dest = tmp_path / "r" / built["report"].name
    shutil.copytree(built["report"], dest, symlinks=True)
    return dest


@pytest.fixture
def fast_rerun(built, monkeypatch):
    """``verify`` reruns by copying the module's genuine rerun instead of running the notebooks again."""
    import dgpe.runner

    def rerun(config, overrides=None, *, reports_dir=None, out=None, force=False, progress=False, **kw):
        shutil.copytree(built["rerun"], out)

        class Summary:
            path = out

        return Summary()

    monkeypatch.setattr(dgpe.runner, "run_report", rerun)


def _manifest(report: Path) -> dict:
    return json.loads((report / "manifest.json").read_text(encoding="utf-8"))


def _write_manifest(report: Path, m: dict) -> None:
    (report / "manifest.json").write_text(json.dumps(m, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _redigest(report: Path, rel: str) -> None:
    """Put the file's new digest wherever the manifest holds one of it, as a careful forger would."""
    m = _manifest(report)
    sha = sha256_file(report / rel)
    for part in ("files", "tables", "records"):
        if rel in m["digests"].get(part, {}):
            m["digests"][part][rel] = sha
    _write_manifest(report, m)


def _forge_content(report: Path, rel: str) -> None:
    """Also the normalised content digest, when the manifest has one (dgpe.report_files)."""
    m = _manifest(report)
    content = m["digests"].get("content")
    if content is not None and rel in content:
        from dgpe.report_files import content_digest

        content[rel] = content_digest(report / rel)
        _write_manifest(report, m)


def _named(result, rel: str) -> bool:
    return rel in result.render()


def _edit_xlsx(path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[1]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.value = cell.value + 1
                wb.save(path)
                return
    raise AssertionError("no number in the workbook")


def _edit_docx(path: Path) -> None:
    from docx import Document

    doc = Document(str(path))
    doc.paragraphs[1].add_run(" (edited)")
    doc.save(str(path))


# -- the baseline -----------------------------------------------------------------------------------


def test_silent_untouched_report_verifies(built):
    """The rerun of an untouched report reproduces every file: verify passes (no false alarm)."""
    assert built["untouched"].ok, built["untouched"].render()
    assert verify_report(built["report"], quick=True).ok


def test_silent_moved_report_still_verifies(built, copy, fast_rerun):
    assert verify_report(copy).ok


# -- silently wrong: verify passes what it must not -------------------------------------------------


def test_silent_edited_workbook_with_its_digest_replaced(copy, fast_rerun):
    rel = "tables/tables.xlsx"
    _edit_xlsx(copy / rel)
    _redigest(copy, rel)
    _forge_content(copy, rel)
    result = verify_report(copy)
    assert not result.ok and _named(result, rel), result.render()


def test_silent_edited_workbook_named_by_the_quick_check(copy):
    rel = "tables/tables.xlsx"
    _edit_xlsx(copy / rel)
    result = verify_report(copy, quick=True)
    assert not result.ok and _named(result, rel)


def test_silent_truncated_notebook_with_its_digest_replaced(copy, fast_rerun):
    rel = "notebooks/00_data_audit.ipynb"
    data = (copy / rel).read_bytes()
    (copy / rel).write_bytes(data[: len(data) // 2])
    _redigest(copy, rel)
    result = verify_report(copy)
    assert not result.ok and _named(result, rel), result.render()


def test_silent_truncated_notebook_said_to_be_damaged(copy):
    rel = "notebooks/00_data_audit.ipynb"
    data = (copy / rel).read_bytes()
    (copy / rel).write_bytes(data[: len(data) // 3])
    result = verify_report(copy, quick=True)
    assert not result.ok and "no longer a valid notebook" in result.render(), result.render()


def test_silent_notebook_output_edited_with_its_digest_replaced(copy, fast_rerun):
    rel = "notebooks/00_data_audit.ipynb"
    nb = json.loads((copy / rel).read_text(encoding="utf-8"))
    html = next(out["data"]["text/html"] for cell in nb["cells"] for out in cell.get("outputs", [])
                if "text/html" in out.get("data", {}))
    html[-1] += "<p>0.999</p>"  # a number added to a table the notebook shows
    (copy / rel).write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    _redigest(copy, rel)
    _forge_content(copy, rel)
    result = verify_report(copy)
    assert not result.ok and _named(result, rel)


def test_silent_table_replaced_by_a_link_to_an_identical_file_outside(copy, tmp_path):
    outside = tmp_path / "outside.csv"
    shutil.copy(copy / TABLE, outside)
    (copy / TABLE).unlink()
    (copy / TABLE).symlink_to(outside)
    result = verify_report(copy, quick=True)
    assert not result.ok and _named(result, TABLE) and "symbolic link" in result.render(), result.render()


def test_silent_table_replaced_by_a_link_full_verify(copy, tmp_path, fast_rerun):
    outside = tmp_path / "outside.csv"
    shutil.copy(copy / TABLE, outside)
    (copy / TABLE).unlink()
    (copy / TABLE).symlink_to(outside)
    result = verify_report(copy)
    assert not result.ok and "symbolic link" in result.render()


def test_silent_table_replaced_by_a_link_to_another_file_outside(copy, tmp_path):
    outside = tmp_path / "other.csv"
    outside.write_text("a,b\n1,2\n", encoding="utf-8")
    (copy / TABLE).unlink()
    (copy / TABLE).symlink_to(outside)
    result = verify_report(copy, quick=True)
    assert not result.ok and _named(result, TABLE)


def test_silent_link_inside_the_report_refused(copy):
    figures = sorted((copy / "figures").glob("*.png"))
    figures[0].unlink()
    figures[0].symlink_to(figures[1].name)
    result = verify_report(copy, quick=True)
    assert not result.ok and "symbolic link" in result.render()


def test_silent_folder_replaced_by_a_link_to_a_copy_outside(copy, tmp_path):
    outside = tmp_path / "figures"
    shutil.copytree(copy / "figures", outside)
    shutil.rmtree(copy / "figures")
    (copy / "figures").symlink_to(outside, target_is_directory=True)
    result = verify_report(copy, quick=True)
    assert not result.ok and "figures" in result.render() and "symbolic link" in result.render()


def test_silent_file_added_to_the_report(copy):
    (copy / "tables" / "extra.csv").write_text("unit,score\nA,100\n", encoding="utf-8-sig")
    result = verify_report(copy, quick=True)
    assert not result.ok and "not written by the run: tables/extra.csv" in result.render()


def test_silent_digest_edited_in_one_list_of_the_manifest(copy):
    """A table edited and its digest replaced among the files but not among the tables."""
    p = copy / TABLE
    p.write_text(p.read_text(encoding="utf-8-sig").replace("1", "7", 1), encoding="utf-8-sig")
    m = _manifest(copy)
    m["digests"]["files"][TABLE] = sha256_file(p)
    _write_manifest(copy, m)
    result = verify_report(copy, quick=True)
    assert not result.ok and _named(result, TABLE), result.render()


def test_silent_table_edited_with_every_digest_replaced(copy, fast_rerun):
    p = copy / TABLE
    lines = p.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(",")
    cells[-1] = "123456"
    lines[1] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    _redigest(copy, TABLE)
    result = verify_report(copy)
    assert not result.ok and "distributions" in result.render()


def test_silent_edited_word_note_with_its_digest_replaced(copy, fast_rerun):
    rel = "method-note.docx"
    _edit_docx(copy / rel)
    _redigest(copy, rel)
    _forge_content(copy, rel)
    result = verify_report(copy)
    assert not result.ok and _named(result, rel)


def test_silent_edited_landing_page_with_its_digest_replaced(copy, fast_rerun):
    rel = "index.html"
    page = (copy / rel).read_text(encoding="utf-8")
    (copy / rel).write_text(page.replace("</h1>", " (certified)</h1>", 1), encoding="utf-8")
    _redigest(copy, rel)
    _forge_content(copy, rel)
    result = verify_report(copy)
    assert not result.ok and _named(result, rel)


def test_silent_edited_figure_with_its_digest_replaced(copy, fast_rerun):
    rel = sorted(p.relative_to(copy).as_posix() for p in (copy / "figures").glob("*.png"))[0]
    (copy / rel).write_bytes((copy / rel).read_bytes() + b"\0")
    _redigest(copy, rel)
    result = verify_report(copy)
    # a figure drawn with other pixels is listed apart (another machine's fonts draw the same numbers
    # differently) and counts only with --strict; its numbers are the tables', checked by value
    assert result.redrawn == [rel] and rel in result.render() and "--strict" in result.render()
    assert not verify_report(copy, strict=True).ok


def test_figures_embedded_in_documents_are_compared_as_figures(tmp_path):
    from dgpe.report_files import content_digest

    page = '<h1>x</h1><img src="data:image/png;base64,{}"/>'
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text(page.format("iVBORw0KGgoAAAA"), encoding="utf-8")
    b.write_text(page.format("iVBORw0KGgoBBBB"), encoding="utf-8")
    assert content_digest(a) == content_digest(b)
    b.write_text(page.format("iVBORw0KGgoBBBB").replace("x", "y"), encoding="utf-8")
    assert content_digest(a) != content_digest(b)


def test_silent_edited_plan_with_its_digest_replaced(copy, fast_rerun):
    rel = "plan.json"
    (copy / rel).write_text((copy / rel).read_text(encoding="utf-8").replace("2025", "2024", 1), encoding="utf-8")
    _redigest(copy, rel)
    result = verify_report(copy)
    assert not result.ok and _named(result, rel)


def test_silent_file_removed_with_its_manifest_entry(copy, fast_rerun):
    rel = "method-note.md"
    (copy / rel).unlink()
    m = _manifest(copy)
    del m["digests"]["files"][rel]
    _write_manifest(copy, m)
    assert verify_report(copy, quick=True).ok  # the manifest agrees with the files: only a rerun can tell
    result = verify_report(copy)
    assert not result.ok and _named(result, rel)


def test_silent_manifest_seed_replaced(copy, fast_rerun):
    m = _manifest(copy)
    m["seed"] = 1
    _write_manifest(copy, m)
    result = verify_report(copy)
    assert not result.ok and "seed" in result.render()


def test_silent_manifest_config_replaced(copy, fast_rerun):
    """A manifest that claims other options (another weighting) than the run had: the rerun's
    manifest disagrees."""
    m = _manifest(copy)
    m["config"]["build"]["weights"] = "equal"
    _write_manifest(copy, m)
    result = verify_report(copy)
    assert not result.ok and "weights" in result.render()


def test_silent_manifest_is_a_link_refused(copy, tmp_path):
    outside = tmp_path / "manifest.json"
    shutil.copy(copy / "manifest.json", outside)
    (copy / "manifest.json").unlink()
    (copy / "manifest.json").symlink_to(outside)
    try:
        result = verify_report(copy, quick=True)
    except ReportError as exc:
        assert "manifest.json" in str(exc)
    else:
        assert not result.ok


def test_silent_manifest_names_a_file_outside_the_report(copy, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("x\n", encoding="utf-8")
    m = _manifest(copy)
    m["digests"]["files"]["../../secret.csv"] = sha256_file(secret)
    _write_manifest(copy, m)
    result = verify_report(copy, quick=True)
    assert not result.ok and "secret.csv" in result.render()


def test_silent_record_names_a_table_outside_the_report(copy, tmp_path, fast_rerun):
    outside = tmp_path / "t.csv"
    shutil.copy(copy / TABLE, outside)
    rec = copy / "records" / "00_data_audit.json"
    data = json.loads(rec.read_text(encoding="utf-8"))
    data["tables"]["distributions"]["file"] = os.path.relpath(outside, copy)
    rec.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _redigest(copy, "records/00_data_audit.json")
    result = verify_report(copy)
    assert not result.ok and "distributions" in result.render()


# -- tracebacks: verify and diff on missing or damaged files ----------------------------------------


def test_traceback_full_verify_of_a_report_with_a_deleted_table(copy, fast_rerun):
    (copy / TABLE).unlink()
    result = verify_report(copy)
    assert not result.ok and _named(result, TABLE)


def test_traceback_quick_verify_of_a_report_with_a_deleted_table(copy):
    (copy / TABLE).unlink()
    result = verify_report(copy, quick=True)
    assert not result.ok and f"missing since writing: {TABLE}" in result.render()


def test_traceback_full_verify_of_a_report_with_a_deleted_record(copy, fast_rerun):
    (copy / "records" / "00_data_audit.json").unlink()
    result = verify_report(copy)
    assert not result.ok and "records/00_data_audit.json" in result.render()


def test_traceback_full_verify_of_a_damaged_record(copy, fast_rerun):
    (copy / "records" / "00_data_audit.json").write_text("{not json", encoding="utf-8")
    result = verify_report(copy)
    assert not result.ok and "00_data_audit.json" in result.render()


def test_traceback_verify_with_a_damaged_manifest(copy):
    m = _manifest(copy)
    m["inputs"] = ["not", "a", "mapping"]
    _write_manifest(copy, m)
    with pytest.raises(DgpeError, match="manifest"):
        verify_report(copy, quick=True)


def test_traceback_verify_of_a_file_not_a_folder(copy):
    with pytest.raises(DgpeError):
        verify_report(copy / "index.html", quick=True)


def test_traceback_diff_with_a_table_deleted_from_the_second(built, copy):
    (copy / TABLE).unlink()
    with pytest.raises(DgpeError, match="distributions"):
        diff_reports(built["report"], copy)


def test_traceback_diff_with_a_table_deleted_from_the_first(built, copy):
    (copy / TABLE).unlink()
    with pytest.raises(DgpeError, match="distributions"):
        diff_reports(copy, built["report"])


def test_traceback_diff_with_a_damaged_record(built, copy):
    (copy / "records" / "00_data_audit.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(DgpeError, match="00_data_audit.json"):
        diff_reports(built["report"], copy)


def test_traceback_diff_with_a_table_replaced_by_a_link(built, copy, tmp_path):
    outside = tmp_path / "t.csv"
    shutil.copy(copy / TABLE, outside)
    (copy / TABLE).unlink()
    (copy / TABLE).symlink_to(outside)
    with pytest.raises(DgpeError, match="symbolic link"):
        diff_reports(built["report"], copy)


def test_traceback_diff_with_a_tampered_manifest(built, copy):
    m = _manifest(copy)
    m["config"] = "weights: equal"
    _write_manifest(copy, m)
    with pytest.raises(DgpeError, match="manifest"):
        diff_reports(built["report"], copy)


def test_traceback_diff_names_edited_files_and_still_compares(built, copy):
    p = copy / TABLE
    p.write_text(p.read_text(encoding="utf-8-sig").replace("1", "2", 1), encoding="utf-8-sig")
    md = diff_reports(built["report"], copy)
    assert f"edited after writing: {TABLE}" in md and "## Tables" in md


def _cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    return subprocess.run([sys.executable, "-m", "dgpe.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env)


def test_traceback_cli_diff_and_verify_on_a_deleted_table(built, copy):
    (copy / TABLE).unlink()
    diff = _cli("diff", str(built["report"]), str(copy))
    assert diff.returncode == 2 and "Traceback" not in diff.stderr and "distributions" in diff.stderr
    quick = _cli("verify", "--quick", str(copy))
    assert quick.returncode == 1 and "Traceback" not in quick.stderr and TABLE in quick.stdout


# -- lost or replaced reports ----------------------------------------------------------------------


def _start_run(cfg: Path, reports: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    return subprocess.Popen([sys.executable, "-m", "dgpe.cli", "run", str(cfg), "-p", QUICK[0], "--reports",
                             str(reports), "-q", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def _wait_for(predicate, timeout: float = 120.0, step: float = 0.005) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


def _incomplete(reports: Path) -> list[Path]:
    return sorted(reports.glob(".*incomplete*")) if reports.exists() else []


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_lost_interrupt_in_the_first_instants_leaves_nothing(built, tmp_path, sig, code):
    reports = tmp_path / "reports"
    proc = _start_run(built["cfg"], reports)
    try:
        assert _wait_for(lambda: bool(_incomplete(reports)) or proc.poll() is not None)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert "no report was written" in err and "Traceback" not in err
    assert not _incomplete(reports) and not [p for p in reports.iterdir() if not p.name.startswith(".")]
    assert not list(reports.glob(".*.lock"))


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_lost_interrupt_while_a_notebook_runs_leaves_nothing(built, tmp_path, sig, code):
    reports = tmp_path / "reports"
    proc = _start_run(built["cfg"], reports)
    try:
        assert _wait_for(lambda: any(_incomplete(reports)[0].glob("notebooks/*.ipynb")) if _incomplete(reports)
                         else proc.poll() is not None, step=0.05)
        time.sleep(0.5)
        kernels = psutil.Process(proc.pid).children(recursive=True)  # the notebook's kernel among them
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    alive = [k for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"processes of the run left running after the interrupt: {alive}"
    assert not _incomplete(reports) and not [p for p in reports.iterdir() if not p.name.startswith(".")]


def test_lost_two_concurrent_runs_of_the_same_name(built, tmp_path):
    reports = tmp_path / "reports"
    first, second = _start_run(built["cfg"], reports), _start_run(built["cfg"], reports)
    out = [p.communicate(timeout=600) for p in (first, second)]
    codes = sorted([first.returncode, second.returncode])
    assert codes == [0, 2], out
    loser = out[[first.returncode, second.returncode].index(2)][1]
    assert "being written" in loser or "already exists" in loser, loser
    (report,) = [p for p in reports.iterdir() if not p.name.startswith(".")]
    assert verify_report(report, quick=True).ok
    assert not _incomplete(reports) and not list(reports.glob(".*.lock"))


def test_lost_a_run_holding_the_name_stops_a_second(built, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    from dgpe.runner import release_lock, take_lock

    name = f"{dt.date(2030, 1, 4).isoformat()}-default"
    lock = take_lock(reports / name)  # held as a running run holds it
    try:
        with pytest.raises(ReportError, match="being written"):
            run_report(built["cfg"], QUICK, reports_dir=reports, date=dt.date(2030, 1, 4), progress=False)
        assert [p.name for p in reports.iterdir()] == [f".{name}.lock"]
    finally:
        release_lock(lock)


def test_lost_a_report_appearing_meanwhile_is_not_replaced(built, tmp_path, monkeypatch):
    """Another report of the same name appears while this run writes (a run that took no lock, a
    copy): the final rename fails and the other report stays as it was."""
    import dgpe.manifest as mf

    reports = tmp_path / "reports"
    final = reports / f"{dt.date(2030, 1, 5).isoformat()}-default"
    write = mf.write_manifest

    def appear_then_write(path, content):
        final.mkdir(parents=True, exist_ok=True)
        (final / "earlier.txt").write_text("an earlier report", encoding="utf-8")
        write(path, content)

    monkeypatch.setattr(mf, "write_manifest", appear_then_write)
    with pytest.raises(ReportError, match="appeared|exists"):
        run_report(built["cfg"], QUICK, reports_dir=reports, date=dt.date(2030, 1, 5), progress=False)
    assert (final / "earlier.txt").read_text(encoding="utf-8") == "an earlier report"
    assert sorted(p.name for p in final.iterdir()) == ["earlier.txt"]
    assert not _incomplete(reports)


def test_lost_a_stale_lock_is_taken_over(tmp_path):
    """A lock left by a run that was killed (its process is gone) does not block the name for ever."""
    from dgpe.runner import release_lock, take_lock

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    final = tmp_path / "2030-01-06-default"
    stale = tmp_path / f".{final.name}.lock"
    stale.write_text(f"{dead.pid}\n", encoding="utf-8")
    lock = take_lock(final)
    assert lock == stale and lock.read_text(encoding="utf-8").strip() == str(os.getpid())
    with pytest.raises(ReportError, match="being written"):  # now held by a live process: this one
        take_lock(final)
    release_lock(lock)
    assert not lock.exists()


_HOLD_LOCK = """
import sys, time
from pathlib import Path
from dgpe.runner import take_lock
take_lock(Path(sys.argv[1]))
print("held", flush=True)
time.sleep(120)
"""


def test_lost_a_lock_is_live_while_its_run_lives_even_before_it_holds_an_id(tmp_path):
    """The lock is the operating system's, not a process id read from the file: an empty lock file
    (a run that has just made it) held by a live run stops a second run; when the holder is killed
    (SIGKILL, no cleanup) the lock is free at once and taken over."""
    from dgpe.runner import release_lock, take_lock

    final = tmp_path / "2030-01-07-default"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(final)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        lock = tmp_path / f".{final.name}.lock"
        lock.write_text("", encoding="utf-8")  # its id not (yet) readable: still live
        with pytest.raises(ReportError, match="being written"):
            take_lock(final)
        assert lock.exists()
    finally:
        holder.kill()
        holder.wait()
    mine = take_lock(final)
    assert mine.read_text(encoding="utf-8").strip() == str(os.getpid())
    release_lock(mine)
    assert not mine.exists()


def test_lost_force_never_loses_the_earlier_report_when_the_new_one_cannot_be_renamed_in(tmp_path):
    from dgpe.runner import publish

    final = tmp_path / "2030-01-08-default"
    final.mkdir()
    (final / "earlier.txt").write_text("an earlier report", encoding="utf-8")
    with pytest.raises(OSError):
        publish(tmp_path / ".gone.incomplete-x", final, force=True)  # the new report is not there
    assert (final / "earlier.txt").read_text(encoding="utf-8") == "an earlier report"
    assert sorted(p.name for p in tmp_path.iterdir()) == [final.name]


def test_lost_an_interrupt_while_publishing_waits_for_the_renames(tmp_path, monkeypatch):
    """SIGINT arriving in the middle of the final renames (--force) is held until they are done: the
    new report is in place, the earlier one gone, the lock released, and the interruption then raised
    with the report named."""
    import dgpe.report
    import dgpe.runner

    reports = tmp_path / "reports"
    final = reports / "2030-01-09-default"
    final.mkdir(parents=True)
    (final / "earlier.txt").write_text("an earlier report", encoding="utf-8")
    rename = Path.rename

    def interrupted_rename(self, target):
        if ".incomplete-" in self.name:
            signal.raise_signal(signal.SIGINT)  # between the two renames of publish
        return rename(self, target)

    def write(cfg, plan, sources, nb_dir, root, tmp, *args, **kwargs):
        (tmp / "new.txt").write_text("the new report", encoding="utf-8")
        return []

    monkeypatch.setattr(dgpe.runner, "_write_report", write)
    monkeypatch.setattr(dgpe.runner, "ensure_kernel", lambda: None)
    monkeypatch.setattr(dgpe.runner, "_manifest", lambda *args: {})
    monkeypatch.setattr(dgpe.report, "internal_errors", lambda folder: [])
    monkeypatch.setattr(Path, "rename", interrupted_rename)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt) as caught:
            run_report(ROOT / "configs" / "default.yaml", QUICK, reports_dir=reports, date=dt.date(2030, 1, 9),
                       progress=False, force=True)
    finally:
        signal.signal(signal.SIGINT, old)
    assert caught.value.report_written == final
    assert sorted(p.name for p in final.iterdir()) == ["manifest.json", "new.txt"]
    assert sorted(p.name for p in reports.iterdir()) == [final.name]


def test_lost_unwritable_reports_folder_is_a_clear_error(built, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(DgpeError, match="reports folder|not written"):
        run_report(built["cfg"], QUICK, reports_dir=blocker / "reports", date=DAY, progress=False)


def test_lost_disk_full_while_writing_leaves_no_half_report(built, tmp_path, monkeypatch):
    import errno

    import dgpe.runner

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "reports" / "x"))

    monkeypatch.setattr(dgpe.runner, "_write_config", full)
    reports = tmp_path / "reports"
    with pytest.raises(DgpeError, match="No space left on device"):
        run_report(built["cfg"], QUICK, reports_dir=reports, date=DAY, progress=False)
    assert list(reports.iterdir()) == []


def test_lost_cli_unwritable_reports_folder_exits_2_without_traceback(built, tmp_path):
    """A reports folder that cannot be made (its parent is a file): one message, exit status 2."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    res = _cli("run", str(built["cfg"]), "-p", QUICK[0], "--reports", str(blocker / "r"), "-q")
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
