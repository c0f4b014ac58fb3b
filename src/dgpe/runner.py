"""Run the notebooks of a run config into a dated, self-contained report folder.

``run_report("configs/default.yaml")`` validates every input first (a data error stops the run before
any notebook starts), then executes each notebook with papermill (independent notebooks two at a
time on this 2-core machine), exports each to offline HTML, gathers the recorded tables into one XLSX
workbook, writes the landing page and ``manifest.json``, and only then renames the folder from its
temporary name to ``reports/<date>-<name>``. A failing cell stops the run with the notebook, the cell
and the error named, and leaves no half-written report: the failed notebook (executed up to the error)
and ``traceback.txt`` are kept in ``reports/.failed/<name>-<YYYYmmdd-HHMMSS>/`` and the error says
where; an interrupted run keeps nothing (the temporary folder is made inside the cleanup guard, and
the notebooks' kernels are stopped); the final renames and the cleanup hold SIGINT and SIGTERM back
until they are done (:func:`dgpe.interrupts.deferred_signals`). An existing report is never replaced
unless ``force=True``: a lock the operating system holds for the run (:func:`take_lock`) stops a second
run of the same name, and the final rename (:func:`publish`) fails rather than replace a folder that
appeared meanwhile. A disk or permission error while writing is a :class:`~dgpe.errors.ReportError`
naming the path. Sections skipped by an internal error are listed in :attr:`RunSummary.internal_errors`.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dgpe import manifest as mf
from dgpe.checks import check_plan
from dgpe.config import RunConfig, load_run_config
from dgpe.errors import DgpeError, NotebookError, Problem, ReportError
from dgpe.framework import load_framework
from dgpe.interrupts import deferred_signals
from dgpe.report_files import content_digest, normalised

__all__ = ["cells_in_language", "RunSummary", "run_report", "project_root", "notebook_source", "execute_notebook", "keep_failed",
           "KERNEL_NAME", "take_lock", "release_lock", "publish", "stop_kernels"]

KERNEL_NAME = "dgpe"


def project_root() -> Path:
    """The checkout that holds ``notebooks/`` (the package is installed in editable mode)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "notebooks").is_dir() and (parent / "pyproject.toml").exists():
            return parent
    return Path.cwd()


def notebook_source(name: str, notebooks_dir: Path) -> Path:
    for suffix in (".py", ".ipynb"):
        p = notebooks_dir / f"{name}{suffix}"
        if p.exists():
            return p
    raise ReportError([Problem(str(notebooks_dir), f"notebook {name}", "no such notebook (.py or .ipynb)")])


@dataclass
class RunSummary:
    path: Path
    seconds: float
    notebooks: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    #: the sections an internal error skipped (``"<notebook>: <section>"``; :func:`dgpe.report.internal_errors`)
    internal_errors: list[str] = field(default_factory=list)

    def render(self, lang: str = "en") -> str:
        lines = [
            f"report: {self.path}",
            f"time:   {self.seconds:.1f} s ("
            + ", ".join(f"{k} {v:.1f} s" for k, v in self.notebooks.items())
            + ")",
        ]
        if self.warnings:
            lines.append(f"warnings raised by the analyses ({len(self.warnings)}):")
            lines += [f"  - {w}" for w in self.warnings[:15]]
            if len(self.warnings) > 15:
                lines.append(f"  … and {len(self.warnings) - 15} more (see index.html)")
        if self.internal_errors:
            lines.append(f"internal error in {len(self.internal_errors)} section(s), skipped (a bug, not a limit "
                         "of the data; see the landing page, 'analyses not run', and the traceback in "
                         "records/<notebook>.json):")
            lines += [f"  - {s}" for s in self.internal_errors]
        return "\n".join(lines)


def _kernel_available(name: str) -> bool:
    from jupyter_client.kernelspec import KernelSpecManager

    return name in KernelSpecManager().find_kernel_specs()


def ensure_kernel(name: str = KERNEL_NAME) -> None:
    """Install the project's kernelspec into this environment if it is not there yet."""
    if _kernel_available(name):
        return
    from ipykernel.kernelspec import install

    install(kernel_name=name, display_name=name, prefix=sys.prefix)


def cells_in_language(cells: list[Any], lang: str | None) -> list[Any]:
    """The cells a report in ``lang`` shows: a cell tagged ``zh`` or ``en`` only in that language.

    A notebook's narrative is written twice, as a markdown cell tagged ``zh`` followed by one tagged
    ``en`` (``# %% [markdown] tags=["zh"]`` in the py:percent file); JupyterLab shows both, a report
    only its own. Untagged cells (code, parameters) are always kept; ``lang=None`` keeps all.

    >>> from nbformat.v4 import new_markdown_cell as md
    >>> cells = [md("# 标题", metadata={"tags": ["zh"]}), md("# Title", metadata={"tags": ["en"]})]
    >>> [c.source for c in cells_in_language(cells, "en")]
    ['# Title']
    """
    if lang is None:
        return list(cells)
    other = {"zh": "en", "en": "zh"}.get(lang)
    return [c for c in cells if other not in (c.get("metadata", {}).get("tags") or [])]


def execute_notebook(
    source: Path,
    out_ipynb: Path,
    parameters: dict[str, Any],
    *,
    cwd: Path,
    progress: bool | dict[str, Any] = False,
    timeout: int = 1800,
) -> None:
    """Execute one jupytext/ipynb notebook with papermill; raise :class:`ReportError` on failure."""
    import jupytext
    import papermill as pm

    nb = jupytext.read(source)
    nb.cells = cells_in_language(nb.cells, parameters.get("lang"))
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    try:
        pm.execute_notebook(
            nb,
            str(out_ipynb),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            cwd=str(cwd),
            progress_bar=progress,
            execution_timeout=timeout,
            report_mode=False,
            # the kernel runs on this machine's loopback; its notice that TCP is unencrypted and a
            # "KeyboardInterrupt caught" line at shutdown are noise in every report's log (errors in
            # cells still reach us as cell errors, a dead kernel as DeadKernelError)
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except pm.PapermillExecutionError as exc:
        where = f"cell {exc.cell_index} (execution count {exc.exec_count})"
        trace = "\n".join(_ANSI.sub("", line) for line in (exc.traceback or []))
        text = f"notebook {source.stem}, {where}\n{exc.ename}: {exc.evalue}\n\n{trace}\n"
        raise NotebookError(
            [Problem(source.name, where, f"{exc.ename}: {exc.evalue}")],
            title=f"notebook {source.stem} failed",
            failed={source.stem: (out_ipynb, text)},
        ) from None


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def keep_failed(exc: NotebookError, reports: Path, name: str, *, now: dt.datetime | None = None) -> Path | None:
    """Move the failed notebooks (executed up to the error) and their tracebacks to
    ``reports/.failed/<name>-<YYYYmmdd-HHMMSS>/`` and return that folder (None when nothing is left
    to keep). ``traceback.txt`` holds each failed cell's error and the Python traceback."""
    if not exc.failed:
        return None
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = reports / ".failed" / f"{name}-{stamp}"
    n = 1
    while folder.exists():  # two failures in the same second
        n += 1
        folder = reports / ".failed" / f"{name}-{stamp}-{n}"
    folder.mkdir(parents=True)
    for nb, (ipynb, _) in exc.failed.items():
        if ipynb.is_file():
            shutil.move(str(ipynb), folder / f"{nb}.ipynb")
    (folder / "traceback.txt").write_text("\n\n".join(text for _, text in exc.failed.values()), encoding="utf-8")
    return folder


def export_html(ipynb: Path, html: Path, *, lang: str, report_title: str = "",
                parameters: dict[str, Any] | None = None) -> None:
    """Offline HTML for readers (see :func:`dgpe.nbhtml.export_html`)."""
    from dgpe.nbhtml import export_html as export

    export(ipynb, html, lang=lang, report_title=report_title, parameters=parameters)


def _relative_to(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when inside it, else its file name (no machine path)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _report_dir(reports: Path, name: str, date: dt.date) -> Path:
    target = (reports / f"{date.isoformat()}-{name}").resolve()
    if target.parent != reports.resolve():
        raise ReportError([Problem("run config", "field name", "the report name must not leave the reports folder", name)])
    return target


def _write_config(cfg: RunConfig, folder: Path) -> Path:
    """The resolved config, with paths relative to the report folder (valid after the rename)."""
    d = cfg.model_dump(mode="json", exclude={"source"})

    def rel(p: str | None) -> str | None:
        if p is None:
            return None
        return os.path.relpath(p, folder)

    d["framework"] = rel(d["framework"])
    d["data"] = {k: rel(v) for k, v in d["data"].items() if v is not None}
    path = folder / "config.yaml"
    path.write_text(
        "# The resolved run config of this report (paths relative to this folder).\n"
        + yaml.safe_dump(d, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def run_report(
    config: str | Path,
    overrides: Sequence[str] | None = None,
    *,
    reports_dir: str | Path | None = None,
    notebooks_dir: str | Path | None = None,
    force: bool = False,
    date: dt.date | None = None,
    parallel: int = 2,
    progress: bool = True,
    out: Path | None = None,
    echo: Callable[[str], None] = print,
) -> RunSummary:
    """Run a report; see the module docstring. ``out`` forces the final folder (used by verify)."""
    from dgpe.io import collect_notes
    from dgpe.plan import resolve_plan
    from dgpe.report import internal_errors

    t0 = time.time()
    started = dt.datetime.now(dt.UTC)
    cfg = load_run_config(config, list(overrides or []))
    with collect_notes() as read_notes:  # the readers' choices (which sheet was read), as dgpe validate says them
        plan = resolve_plan(cfg)  # every problem of inputs and options is reported before any notebook runs
    cfg = plan.config
    notes = read_notes + check_plan(plan)  # what the notebooks will leave out, said before they start
    if notes:
        echo(DgpeError(notes, title=f"{len(notes)} note(s) on the data (see dgpe validate)").render())
    root = project_root()
    nb_dir = Path(notebooks_dir) if notebooks_dir else root / "notebooks"
    sources = {name: notebook_source(name, nb_dir) for name in cfg.notebooks}
    reports = Path(reports_dir) if reports_dir else root / "reports"
    final = _prepare_reports(reports, out, cfg.name, date)
    if final.exists() and not force:
        raise ReportError(
            [Problem(str(final), "", "a report of this name already exists; use --force to replace it, or -p name=… for another name")],
            title="report exists",
        )
    lock = take_lock(final)
    tmp = final.parent / f".{final.name}.incomplete-{uuid.uuid4().hex[:8]}"
    timings: dict[str, float] = {}
    published = False
    try:  # from the first instant, an interruption or a failure leaves no temporary folder
        tmp.mkdir()
        ensure_kernel()
        warnings = _write_report(cfg, plan, sources, nb_dir, root, tmp, timings, parallel=parallel,
                                 progress=progress, echo=echo)
        internal = internal_errors(tmp)  # sections skipped by a bug: exit status 3 (dgpe run)
        manifest = _manifest(cfg, final, started, t0, overrides, sources, timings, tmp, root)
        mf.write_manifest(tmp / "manifest.json", manifest)
        with deferred_signals():  # the renames run to their end; an interruption is raised after
            publish(tmp, final, force=force)
            published = True
    except NotebookError as exc:
        with deferred_signals():
            _keep_failed_notebooks(exc, tmp, final, cfg.name)
        raise
    except OSError as exc:  # disk full, permission denied …: no half report under any name
        with deferred_signals():
            shutil.rmtree(tmp, ignore_errors=True)
        raise ReportError([Problem(str(getattr(exc, "filename", None) or tmp), "",
                                   f"the report could not be written: {exc.strerror or exc}; nothing was kept")],
                          title="report not written") from None
    except BaseException as exc:  # an interruption or a failure outside the notebooks keeps nothing
        with deferred_signals():
            shutil.rmtree(tmp, ignore_errors=True)
        if published:  # interrupted while publishing: the report is complete and in place
            exc.report_written = final  # type: ignore[attr-defined]
        raise
    finally:
        with deferred_signals():
            release_lock(lock)
    return RunSummary(final, time.time() - t0, timings, warnings, internal)


def _keep_failed_notebooks(exc: NotebookError, tmp: Path, final: Path, name: str) -> None:
    """Keep the failed notebooks in ``reports/.failed/`` (said in ``exc``), remove the temporary folder."""
    try:
        kept = keep_failed(exc, final.parent, name)
    except OSError as err:
        kept = None
        exc.problems.append(Problem(str(final.parent / ".failed"), "", f"the failed notebook could not be kept: {err}"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if kept is not None:
        exc.problems.append(Problem(str(kept), "", "the failed notebook (run up to the error) and "
                                                    "traceback.txt are kept here"))


def _prepare_reports(reports: Path, out: Path | None, name: str, date: dt.date | None) -> Path:
    """Make the reports folder (a clear error when it cannot be) and return the final report folder."""
    try:
        reports.mkdir(parents=True, exist_ok=True)
        if out is not None:
            Path(out).resolve().parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError([Problem(str(reports), "", f"the reports folder cannot be made: {exc.strerror or exc}")],
                          title="report not written") from None
    return Path(out).resolve() if out else _report_dir(reports, name, date or dt.date.today())


def _write_report(cfg: RunConfig, plan: Any, sources: dict[str, Path], nb_dir: Path, root: Path, tmp: Path,
                  timings: dict[str, float], *, parallel: int, progress: bool, echo: Callable[[str], None]) -> list[str]:
    """Everything of the report but its manifest, into ``tmp``; the analyses' warnings."""
    from dgpe.landing import report_title
    from dgpe.nbhtml import relative_parameters
    from dgpe.report import assemble_report

    cfg_path = _write_config(cfg, tmp)
    (tmp / "plan.json").write_text(
        json.dumps(plan.to_dict(), ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    (tmp / "inputs").mkdir()
    load_framework(cfg.framework).to_table().to_csv(tmp / "inputs" / "framework.csv", index=False, encoding="utf-8", lineterminator="\n")
    (tmp / "notebooks").mkdir()
    params_of = {
        name: {"config": str(cfg_path), "output_dir": str(tmp), "lang": cfg.lang} for name in cfg.notebooks
    }
    _execute_all(sources, params_of, tmp, nb_dir, timings, parallel=parallel, progress=progress, echo=echo)
    shown = {"config": "../config.yaml", "lang": cfg.lang}
    for name in cfg.notebooks:
        relative_parameters(tmp / "notebooks" / f"{name}.ipynb", {**shown, "output_dir": None},
                            source=_relative_to(sources[name], root))
        export_html(tmp / "notebooks" / f"{name}.ipynb", tmp / "notebooks" / f"{name}.html", lang=cfg.lang,
                    report_title=report_title(cfg, cfg.lang), parameters=shown)
    return assemble_report(tmp, cfg)


def take_lock(final: Path) -> Path:
    """Claim the report name ``final`` for this run: ``.<name>.lock`` beside it, held with an exclusive
    advisory lock (``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows) for as long as
    the run goes, and holding this process's id for the message. A second run of the same name stops
    with a :class:`ReportError`. The operating system releases the lock when the process ends, however
    it ends, so a lock file left by a killed run is simply taken over; no process id is ever guessed
    stale. Taking over is safe against a release racing it: the lock is re-taken until the locked file
    is the one under the lock's name (:func:`release_lock` removes the name while holding the lock)."""
    lock = final.parent / f".{final.name}.lock"
    for _ in range(20):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as exc:
            raise ReportError([Problem(str(final.parent), "", f"the reports folder is not writable: {exc.strerror or exc}")],
                              title="report not written") from None
        if not _try_lock(fd):
            os.close(fd)
            owner = _lock_owner(lock)
            who = f"process {owner}" if owner is not None else "another process"
            raise ReportError(
                [Problem(str(final), "", f"another dgpe run ({who}) is writing this report now; wait "
                                         "for it to finish, or use -p name=… for another name")],
                title="report being written")
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except FileNotFoundError:
            same = False
        if not same:  # released (and its name removed) between our open and our lock: again
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _HELD[lock] = fd
        return lock
    raise ReportError([Problem(str(lock), "", "the lock of this report name cannot be taken; remove it if no run is going")])


#: The open, locked files of the locks this process holds (closing one releases its lock).
_HELD: dict[Path, int] = {}


def _try_lock(fd: int) -> bool:
    """Lock ``fd`` exclusively without waiting; False when another process holds it."""
    if sys.platform == "win32":  # pragma: no cover - not run in CI (Linux)
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def release_lock(lock: Path) -> None:
    """Remove the lock :func:`take_lock` made and release it (if this process holds it)."""
    fd = _HELD.pop(lock, None)
    if fd is None:
        return
    if sys.platform == "win32":  # pragma: no cover - an open file cannot be removed there
        os.close(fd)
        try:
            lock.unlink(missing_ok=True)
        except OSError:  # another run opened it meanwhile and holds it now
            pass
        return
    lock.unlink(missing_ok=True)  # the name first, while locked: a run that opened it re-takes
    os.close(fd)


def _lock_owner(lock: Path) -> int | None:
    try:
        return int(lock.read_text(encoding="utf-8").strip() or "x")
    except (OSError, ValueError):
        return None


def publish(tmp: Path, final: Path, *, force: bool) -> None:
    """Rename the complete report ``tmp`` to ``final``. Without ``force`` a report that appeared under
    that name meanwhile is never replaced (``os.rename`` onto a non-empty folder fails); with it, the
    earlier report is moved aside, the new one renamed in and the earlier one removed; if the new one
    cannot be renamed in (or anything interrupts it), the earlier one is renamed back: an earlier report
    is never lost. (:func:`run_report` also defers SIGINT and SIGTERM while it publishes.)"""
    if final.exists() and force:
        trash = final.parent / f".{final.name}.replaced-{uuid.uuid4().hex[:8]}"
        final.rename(trash)
        try:
            tmp.rename(final)
        except BaseException:
            trash.rename(final)
            raise
        shutil.rmtree(trash, ignore_errors=True)
        return
    try:
        if final.exists() or final.is_symlink():
            raise FileExistsError(errno.EEXIST, "exists", str(final))
        os.rename(tmp, final)
    except OSError as exc:
        if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
            raise
        raise ReportError([Problem(str(final), "", "a report of this name appeared while this run was writing; "
                                                   "it was not replaced and this run's report was not kept")],
                          title="report exists") from None


def _manifest(
    cfg: RunConfig, final: Path, started: dt.datetime, t0: float, overrides: Sequence[str] | None,
    sources: dict[str, Path], timings: dict[str, float], tmp: Path, root: Path,
) -> dict[str, Any]:
    """What reproduces the run: config, input and notebook hashes, packages, git state, digests."""
    finished = dt.datetime.now(dt.UTC)
    manifest = {
        "dgpe_manifest": 1,
        "name": cfg.name,
        "report": final.name,
        "created": finished.isoformat(timespec="seconds"),
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.time() - t0, 2),
        "seed": cfg.seed,
        "lang": cfg.lang,
        "config": cfg.to_yaml_dict(relative_to=root),
        "overrides": list(overrides or []),
        "inputs": {role: mf.file_entry(p, root) for role, p in cfg.paths().items()},
        "notebooks": {
            name: {
                "source": mf.file_entry(sources[name], root),
                "parameters": {"lang": cfg.lang},
                "seconds": round(timings.get(name, 0.0), 2),
            }
            for name in cfg.notebooks
        },
        "packages": mf.package_versions(),
        "environment": mf.environment(),
        "git": mf.git_state(root),
        "digests": {
            "tables": mf.digest_dir(tmp, "tables/*.csv"),
            "records": mf.digest_dir(tmp, "records/*.json"),
            # every file of the assembled report (tables, workbook, records, method note, HTML,
            # figures, notebooks): `dgpe verify` checks them first and names a file edited since
            "files": mf.digest_dir(tmp, "**/*", exclude=("manifest.json",)),
            # of the files that carry times or random ids (workbook, Word file, notebooks, HTML): the
            # digest of their content without them, which a rerun reproduces (dgpe.report_files)
            "content": {rel: content_digest(tmp / rel) for rel in mf.digest_dir(tmp, "**/*")
                        if normalised(rel)},
        },
    }
    return manifest


def _execute_all(
    sources: dict[str, Path],
    params_of: dict[str, dict[str, Any]],
    tmp: Path,
    nb_dir: Path,
    timings: dict[str, float],
    *,
    parallel: int,
    progress: bool,
    echo: Callable[[str], None],
) -> None:
    from tqdm.auto import tqdm

    names = list(sources)
    overall = tqdm(total=len(names), desc="report", unit="notebook", disable=not progress, position=0)
    failures: list[DgpeError] = []

    def one(name: str, slot: int) -> float:
        t = time.time()
        bar: bool | dict[str, Any] = {"desc": name, "position": slot + 1, "leave": False} if progress else False
        execute_notebook(sources[name], tmp / "notebooks" / f"{name}.ipynb", params_of[name], cwd=nb_dir, progress=bar)
        return time.time() - t

    workers = max(1, min(parallel, len(names)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: dict[Future[float], str] = {}
        queue = list(names)
        slots = list(range(workers))
        slot_of: dict[str, int] = {}
        try:
            _schedule(pool, one, queue, pending, slots, slot_of, timings, failures, overall)
        except BaseException:  # interrupted: stop the kernels, so that the notebooks' threads end now
            queue.clear()
            for fut in pending:
                fut.cancel()
            deadline = time.time() + 30  # a kernel may be starting: stop it too once it runs
            while any(f.running() for f in pending) and time.time() < deadline:
                stop_kernels()
                time.sleep(0.2)
            raise
    overall.close()
    if len(failures) == 1:
        raise failures[0]
    if failures:  # notebooks running side by side failed both: report and keep them all
        failed = {k: v for f in failures for k, v in getattr(f, "failed", {}).items()}
        raise NotebookError([p for f in failures for p in f.problems],
                            title=f"{len(failures)} notebooks failed", failed=failed)


def _schedule(pool: ThreadPoolExecutor, one: Callable[[str, int], float], queue: list[str],
              pending: dict[Future[float], str], slots: list[int], slot_of: dict[str, int],
              timings: dict[str, float], failures: list[DgpeError], overall: Any) -> None:
    """Run the notebooks of ``queue`` on ``pool``, ``len(slots)`` at a time, until all are done or one failed."""
    while queue or pending:
        while queue and slots and not failures:
            name = queue.pop(0)
            slot_of[name] = slots.pop(0)
            pending[pool.submit(one, name, slot_of[name])] = name
        if not pending:
            break
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for fut in done:
            name = pending.pop(fut)
            slots.append(slot_of[name])
            try:
                timings[name] = fut.result()
                overall.update(1)
                overall.set_postfix_str(f"{name} done")
            except DgpeError as exc:
                failures.append(exc)


def stop_kernels() -> None:
    """Stop the Jupyter kernels this process started: its descendant processes whose command line runs
    ``ipykernel`` (found with :mod:`psutil`, which lists processes on Linux, macOS and Windows; a
    venv's ``python.exe`` on Windows starts the real interpreter as a child, hence descendants).

    Kernels run in their own session, so an interruption of ``dgpe run`` does not reach them; without
    this, the notebooks running at that moment would finish before the run could stop. Each is sent
    SIGTERM (``TerminateProcess`` on Windows)."""
    import psutil

    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return
    for child in children:
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                child.terminate()
        except psutil.Error:  # ended meanwhile, or not ours to stop
            continue
