"""Check a report, and compare two reports.

``dgpe verify REPORT`` trusts no file of the report. It first checks, in seconds, every file against
the digests the manifest holds (:func:`dgpe.report_files.check_files`): a file changed since the run
wrote it is ``edited after writing: <file>``, one removed ``missing since writing: <file>``, one added
``not written by the run: <file>``; symbolic links and special files are refused without being read,
and the manifest's lists of digests are checked against each other. Then the input files' hashes (and
which input changed); ``--quick`` stops there. Then it reruns the report from its own ``config.yaml``
into a temporary folder and compares every recorded table, key result and finding: integers and text
exactly, floats within the tolerance each table or result declared (default 1e-9, relative to
max(1, |value|)); every other file with the rerun's by a normalised content digest
(:func:`dgpe.report_files.content_digest`, which leaves embedded figures out of the documents); and
the manifest with the rerun's manifest (seed, config, notebooks, every file's digest), so that a report
rewritten along with its manifest is caught. Figures (``figures/``) are compared with the rerun's byte
for byte but listed apart: a plotting library or font of another machine draws the same numbers with
other pixels, so a redrawn figure is reported without failing the check unless ``--strict`` (an edited
figure is caught by the first pass whatever the machine). It ends with ``verified`` (exit 0) or a
readable list of differences (exit 1); not a report is exit 2.

``dgpe diff A B`` says what changed between two reports — run config, inputs, framework (indicators
added or removed, weights, directions), every common table (rows added or removed, cells changed, the
largest change, the units whose rank moved most; unchanged tables as a count, tables whose numbers
are the same but whose labels differ — another language, renamed bands — apart from tables whose
numbers changed) and the verdicts in words — as Markdown, the "what changed since last year"
section of an annual note. Files edited since writing are named at its top; a report with missing
files, links or unreadable records and tables is refused with a :class:`~dgpe.errors.ReportError`
naming each (exit 2).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dgpe.errors import Problem, ReportError
from dgpe.io import sha256_file
from dgpe.manifest import read_manifest
from dgpe.record import TABLE_ENCODING
from dgpe.report_files import (
    MANIFEST,
    as_mapping,
    check_files,
    content_digest,
    inventory,
    is_figure,
    normalised,
    safe_member,
)
from dgpe.text import picker

__all__ = ["VerifyResult", "verify_report", "check_digests", "compare_reports", "compare_files", "compare_manifests",
           "compare_figures",
           "collect_records", "diff_reports", "table_change", "add_commands"]

DEFAULT_TOL = 1e-9


@dataclass
class VerifyResult:
    report: Path
    changed_inputs: list[str] = field(default_factory=list)
    changed_sources: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    n_tables: int = 0
    n_results: int = 0
    edited: list[str] = field(default_factory=list)
    n_files: int = 0
    quick: bool = False
    redrawn: list[str] = field(default_factory=list)
    strict: bool = False

    @property
    def ok(self) -> bool:
        return (not self.changed_inputs and not self.differences and not self.edited
                and not (self.strict and self.redrawn))

    def render_first_pass(self) -> str:
        """The fast first pass: files changed since the run wrote them, inputs and notebook sources
        changed since the run."""
        if not self.edited:
            lines = [f"all {self.n_files} files of {self.report.name} are as the run wrote them"]
        else:
            lines = [f"{len(self.edited)} of {self.n_files} files changed since the run wrote them:"]
            lines += [f"  - {e}" for e in self.edited]
        if self.changed_inputs:
            lines.append("input files changed since the report was made:")
            lines += [f"  - {c}" for c in self.changed_inputs]
        if self.changed_sources:
            lines.append("notebook sources changed since the report was made (results may differ because of them):")
            lines += [f"  - {c}" for c in self.changed_sources]
        return "\n".join(lines)

    def render(self, first_pass: bool = True) -> str:
        """The whole account; ``first_pass=False`` leaves out the first pass (already shown)."""
        lines: list[str] = [self.render_first_pass()] if first_pass else []
        if self.differences:
            lines.append(f"{len(self.differences)} difference(s) between the report and its rerun:")
            lines += [f"  - {d}" for d in self.differences[:200]]
            if len(self.differences) > 200:
                lines.append(f"  … and {len(self.differences) - 200} more")
        if self.redrawn:
            lines.append(f"{len(self.redrawn)} figure(s) drawn with other pixels than the rerun's (another plotting "
                         "library or font draws the same numbers differently; "
                         + ("--strict counts them):" if self.strict else "not counted without --strict):"))
            lines += [f"  - {r}" for r in self.redrawn[:50]]
            if len(self.redrawn) > 50:
                lines.append(f"  … and {len(self.redrawn) - 50} more")
        if self.ok and self.quick:
            lines.append(f"quick check passed: {self.report.name} is as written and its inputs are unchanged "
                         "(not rerun; run without --quick to reproduce it)")
        elif self.ok:
            lines.append(
                f"verified: {self.n_tables} tables and {self.n_results} key results of {self.report.name} "
                "reproduced within their tolerances"
            )
        else:
            lines.append(f"NOT verified: {self.report.name}")
        return "\n".join(lines)


def _close(a: float, b: float, tol: float) -> bool:
    if math.isnan(a) and math.isnan(b):
        return True
    if math.isnan(a) or math.isnan(b):
        return False
    return a == b or abs(a - b) <= tol * max(1.0, abs(a))


def _compare_values(a: Any, b: Any, tol: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return _close(float(a), float(b), tol)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_compare_values(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_compare_values(a[k], b[k], tol) for k in a)
    return a == b


class Unreadable(Exception):
    """A file a record names that cannot be read: missing, a link, outside the report, or damaged."""


def _read(folder: Path, rel: Any) -> pd.DataFrame:
    """A recorded table; :class:`Unreadable` (with a sentence naming the file) when it cannot be read."""
    if not isinstance(rel, str) or not rel:
        raise Unreadable(f"{folder.name}: the record names no file for this table")
    p = safe_member(folder, rel)
    if p is None:
        what = "missing" if not os.path.lexists(folder / rel) else \
            "a symbolic link, outside the report or not a file, refused"
        raise Unreadable(f"{folder.name}/{rel}: {what}")
    try:
        return pd.read_csv(p, encoding=TABLE_ENCODING, keep_default_na=True)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise Unreadable(f"{folder.name}/{rel}: not a readable table ({exc})") from None


def collect_records(folder: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The records of a report (``records/*.json``, links refused) and what could not be read."""
    out: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for rel in inventory(folder).files:
        if not (rel.startswith("records/") and rel.endswith(".json") and rel.count("/") == 1):
            continue
        try:
            data = json.loads((folder / rel).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{folder.name}/{rel}: not a readable record ({exc})")
            continue
        if not isinstance(data, dict) or not all(isinstance(data.get(k, {}), dict) for k in ("tables", "results")) \
                or not isinstance(data.get("findings", []), list):
            problems.append(f"{folder.name}/{rel}: not a dgpe record (tables, results, findings)")
            continue
        out[Path(rel).stem] = data
    return out, problems


def compare_tables(a: pd.DataFrame, b: pd.DataFrame, tol: float, name: str, limit: int = 5) -> list[str]:
    """Cell-by-cell differences of two tables (first column used as the row label)."""
    out: list[str] = []
    if list(a.columns) != list(b.columns):
        return [f"table {name}: columns differ: {list(a.columns)} vs {list(b.columns)}"]
    if a.shape != b.shape:
        return [f"table {name}: shape {a.shape} vs {b.shape}"]
    label = a.iloc[:, 0].astype(str).to_numpy()
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xv, yv = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
            both_nan = np.isnan(xv) & np.isnan(yv)
            with np.errstate(invalid="ignore"):
                diff = np.abs(xv - yv)
                bad = (xv != yv) & ~both_nan & (np.isnan(diff) | (diff > tol * np.maximum(1.0, np.abs(xv))))
            for i in np.flatnonzero(bad)[:limit]:
                out.append(f"table {name}: row {label[i]}, column {col}: {xv[i]:.10g} → {yv[i]:.10g} (tolerance {tol:g})")
            if bad.sum() > limit:
                out.append(f"table {name}: column {col}: {int(bad.sum()) - limit} more cells differ")
        else:
            xs, ys = x.astype(object).to_numpy(), y.astype(object).to_numpy()
            both_missing = (x.isna() & y.isna()).to_numpy()
            bad = (xs != ys) & ~both_missing
            for i in np.flatnonzero(bad)[:limit]:
                out.append(f"table {name}: row {label[i]}, column {col}: {xs[i]!r} → {ys[i]!r}")
            if bad.sum() > limit:
                out.append(f"table {name}: column {col}: {int(bad.sum()) - limit} more cells differ")
    return out


def _findings(rec: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in rec.get("findings", []) if isinstance(f, dict)]


def _entries(rec: dict[str, Any], part: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in rec.get(part, {}).items() if isinstance(v, dict)}


def compare_reports(original: Path, rerun: Path) -> tuple[list[str], int, int]:
    """Differences between a report's records and a rerun's; also the counts compared. A table or
    record that cannot be read (missing, a link, damaged) is named among the differences."""
    (rec_a, bad_a), (rec_b, bad_b) = collect_records(original), collect_records(rerun)
    diffs: list[str] = bad_a + bad_b
    n_tables = n_results = 0
    for nb, ra in rec_a.items():
        rb = rec_b.get(nb)
        if rb is None:
            diffs.append(f"notebook {nb}: recorded nothing in the rerun")
            continue
        for name, entry in _entries(ra, "tables").items():
            other = _entries(rb, "tables").get(name)
            if other is None or not other.get("file"):
                diffs.append(f"table {nb}/{name}: missing from the rerun")
                continue
            n_tables += 1
            try:
                tol = float(entry.get("tol") or DEFAULT_TOL)
                diffs += compare_tables(_read(original, entry.get("file")), _read(rerun, other["file"]), tol,
                                        f"{nb}/{name}")
            except Unreadable as exc:
                diffs.append(f"table {nb}/{name}: {exc}")
            except (TypeError, ValueError):
                diffs.append(f"table {nb}/{name}: its tolerance {entry.get('tol')!r} is not a number")
        for name in _entries(rb, "tables"):
            if name not in _entries(ra, "tables"):
                diffs.append(f"table {nb}/{name}: new in the rerun")
        n, found = _compare_results(nb, _entries(ra, "results"), _entries(rb, "results"))
        n_results += n
        diffs += found
        fa = [f.get("en") for f in _findings(ra)]
        fb = [f.get("en") for f in _findings(rb)]
        diffs += [f"finding {nb}: no longer stated: {f}" for f in fa if f not in fb]
        diffs += [f"finding {nb}: new: {f}" for f in fb if f not in fa]
    diffs += [f"notebook {nb}: recorded in the rerun, not in the report" for nb in rec_b if nb not in rec_a]
    return diffs, n_tables, n_results


def _compare_results(nb: str, ra: dict[str, dict[str, Any]], rb: dict[str, dict[str, Any]]) -> tuple[int, list[str]]:
    n, diffs = 0, []
    for key, entry in ra.items():
        other = rb.get(key)
        if other is None:
            diffs.append(f"result {nb}/{key}: missing from the rerun")
            continue
        n += 1
        try:
            tol = float(entry.get("tol") or DEFAULT_TOL)
        except (TypeError, ValueError):
            diffs.append(f"result {nb}/{key}: its tolerance {entry.get('tol')!r} is not a number")
            continue
        if not _compare_values(entry.get("value"), other.get("value"), tol):
            diffs.append(f"result {nb}/{key}: {entry.get('value')!r} → {other.get('value')!r}")
    diffs += [f"result {nb}/{key}: new in the rerun" for key in rb if key not in ra]
    return n, diffs


def _by_value(rel: str) -> bool:
    """Tables and records are compared by value, within their tolerances, not byte for byte."""
    return (rel.startswith("tables/") and rel.endswith(".csv")) or rel.startswith("records/")


def compare_files(original: Path, rerun: Path) -> list[str]:
    """Every file of the report against the rerun's file of the same name (normalised content
    digests, see :mod:`dgpe.report_files`); tables and records are left to :func:`compare_reports`,
    figures to :func:`compare_figures`."""
    mine, theirs = set(inventory(original).files) - {MANIFEST}, set(inventory(rerun).files) - {MANIFEST}
    out = [f"{rel}: in the report, not written by the rerun" for rel in sorted(mine - theirs)]
    out += [f"{rel}: written by the rerun, missing from the report" for rel in sorted(theirs - mine)]
    for rel in sorted(mine & theirs):
        if not _by_value(rel) and not is_figure(rel) and content_digest(original / rel) != content_digest(rerun / rel):
            out.append(f"{rel}: differs from the rerun's (edited, or the run no longer writes it so)")
    return out


def compare_manifests(ma: dict[str, Any], mb: dict[str, Any]) -> list[str]:
    """The report's manifest against its rerun's: what the run was (name, seed, language, config,
    notebooks, input roles) and the digest of every file it wrote."""
    out = []
    for key in ("name", "seed", "lang"):
        if ma.get(key) != mb.get(key):
            out.append(f"manifest.json: {key} {ma.get(key)!r}, the rerun's {mb.get(key)!r}")
    ca, cb = _flatten(ma.get("config", {})), _flatten(mb.get("config", {}))
    paths = ("framework", "data.")  # where the inputs lie: their hashes are checked instead
    for k in sorted(set(ca) | set(cb)):
        if not k.startswith(paths) and ca.get(k) != cb.get(k):
            out.append(f"manifest.json: config {k} {ca.get(k)!r}, the rerun's {cb.get(k)!r}")
    na, nb = as_mapping(ma.get("notebooks")), as_mapping(mb.get("notebooks"))
    if list(na) != list(nb):
        out.append(f"manifest.json: notebooks {list(na)}, the rerun's {list(nb)}")
    if sorted(as_mapping(ma.get("inputs"))) != sorted(as_mapping(mb.get("inputs"))):
        out.append(f"manifest.json: inputs {sorted(as_mapping(ma.get('inputs')))}, the rerun's {sorted(as_mapping(mb.get('inputs')))}")
    da, db = as_mapping(ma.get("digests")), as_mapping(mb.get("digests"))
    fa, fb = as_mapping(da.get("files")), as_mapping(db.get("files"))
    out += [f"manifest.json: lists {rel}, which the rerun did not write" for rel in sorted(set(fa) - set(fb))]
    out += [f"manifest.json: does not list {rel}, which the rerun wrote" for rel in sorted(set(fb) - set(fa))]
    ka, kb = as_mapping(da.get("content")), as_mapping(db.get("content"))
    for rel in sorted(set(fa) & set(fb)):
        if _by_value(rel) or is_figure(rel):
            continue
        if normalised(rel) and rel not in ka:
            continue  # a manifest from before content digests: only the file itself can be compared
        if ka.get(rel, fa[rel]) != kb.get(rel, fb[rel]):
            out.append(f"manifest.json: its digest of {rel} differs from the rerun's (the manifest was edited, "
                       "or the run no longer writes the file so)")
    return out


def compare_figures(original: Path, rerun: Path, ma: dict[str, Any]) -> list[str]:
    """The figures of the report whose bytes differ from the rerun's, or whose digest in the report's
    manifest does (a figure rewritten along with the manifest); those only one of them has are named
    by :func:`compare_files` and :func:`compare_manifests`."""
    mine, theirs = set(inventory(original).files), set(inventory(rerun).files)
    listed = as_mapping(as_mapping(ma.get("digests")).get("files"))
    out = []
    for rel in sorted(r for r in mine & theirs if is_figure(r)):
        rerun_digest = sha256_file(rerun / rel)
        if sha256_file(original / rel) != rerun_digest or listed.get(rel, rerun_digest) != rerun_digest:
            out.append(rel)
    return out


def check_digests(folder: Path, manifest: dict[str, Any]) -> tuple[list[str], int]:
    """Files of the report changed, removed or added since the run wrote them, links refused, and
    the manifest checked against itself (see :func:`dgpe.report_files.check_files`); also how many
    files the manifest lists."""
    return check_files(folder, manifest)


def _check_inputs(manifest: dict[str, Any], root: Path, result: VerifyResult) -> list[str]:
    """Inputs and notebook sources changed since the run (into ``result``); the ``role=path``
    overrides that rerun the report from the inputs the manifest names."""
    overrides: list[str] = []
    for role, entry in as_mapping(manifest.get("inputs")).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            result.changed_inputs.append(f"{role}: the manifest's entry is damaged")
            continue
        p = Path(entry["path"])
        p = p if p.is_absolute() else root / p
        if not p.is_file():
            result.changed_inputs.append(f"{role}: {entry['path']} is missing")
            continue
        overrides.append(f"{role}={p}")  # rerun from the inputs the manifest names, wherever the report now lies
        now = sha256_file(p)
        if now != entry.get("sha256"):
            recorded = str(entry.get("sha256"))[:12]
            result.changed_inputs.append(
                f"{role}: {entry['path']} changed (sha256 {recorded}… in the manifest, {now[:12]}… now)")
    for name, nb in as_mapping(manifest.get("notebooks")).items():
        src = as_mapping(as_mapping(nb).get("source"))
        path = src.get("path")
        p = root / str(path or "")
        if isinstance(path, str) and path and (not p.is_file() or sha256_file(p) != src.get("sha256")):
            result.changed_sources.append(f"{name}: {path}")
    return overrides


def verify_report(report: str | Path, *, progress: bool = False, keep: Path | None = None, quick: bool = False,
                  echo: Callable[[str], None] | None = None, strict: bool = False) -> VerifyResult:
    """Check a report's files and inputs against its manifest, then rerun it from its config and
    compare (not with ``quick``); see the module docstring. ``echo`` receives the fast first pass
    as soon as it is done, before the rerun; ``strict`` counts figures drawn with other pixels."""
    from dgpe.runner import project_root, run_report

    folder = Path(report).resolve()
    manifest = _open_manifest(folder)
    root = project_root()
    result = VerifyResult(folder, quick=quick, strict=strict)
    result.edited, result.n_files = check_digests(folder, manifest)
    overrides = _check_inputs(manifest, root, result)
    if echo is not None:
        echo(result.render_first_pass())
    if quick:
        return result
    config = safe_member(folder, "config.yaml")
    if config is None:
        result.differences.append("config.yaml: missing, or a link: the report cannot be rerun from its own config")
        return result
    with tempfile.TemporaryDirectory(prefix="dgpe-verify-") as tmp:
        out = (keep or Path(tmp)) / folder.name
        run_report(config, overrides, reports_dir=out.parent, out=out, force=True, progress=progress)
        result.differences, result.n_tables, result.n_results = compare_reports(folder, out)
        result.differences += compare_files(folder, out)
        result.differences += compare_manifests(manifest, read_manifest(out / MANIFEST))
        result.redrawn = compare_figures(folder, out, manifest)
    return result


def _open_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the report folder; a :class:`ReportError` when there is none, it is a link
    or it is not a dgpe manifest."""
    mpath = folder / MANIFEST
    if not folder.is_dir() or not os.path.lexists(mpath):
        raise ReportError([Problem(str(folder), "", "no manifest.json here: is this a dgpe report folder?")])
    if safe_member(folder, MANIFEST) is None:
        raise ReportError([Problem(str(mpath), "", "a symbolic link or not a file, refused: a report's manifest "
                                                   "must be a file of the report")])
    return read_manifest(mpath)


# -- diff -----------------------------------------------------------------------------------------


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(d, dict):
        out: dict[str, Any] = {}
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): d}


def diff_reports(a: str | Path, b: str | Path, *, lang: str = "en", top: int = 10) -> str:
    """A Markdown account of what changed from report ``a`` to report ``b``. A report whose files are
    not all there or include links (see :func:`dgpe.report_files.check_files`), or whose records or
    tables cannot be read, is refused with a :class:`ReportError` naming each file; files edited since
    writing are named at the top of the account."""
    A, B = Path(a).resolve(), Path(b).resolve()
    ma, mb = _open_manifest(A), _open_manifest(B)
    (ra, bad_a), (rb, bad_b) = collect_records(A), collect_records(B)
    fatal: list[Problem] = []
    edited: list[Problem] = []
    for folder, manifest, bad in ((A, ma, bad_a), (B, mb, bad_b)):
        for problem in check_files(folder, manifest)[0]:
            kind = edited if problem.startswith(("edited after writing", "not written by the run")) else fatal
            kind.append(Problem(str(folder), "", problem))
        fatal += [Problem(str(folder), "", p) for p in bad]
    t = picker(lang)
    try:
        tables = _diff_tables(A, B, ra, rb, t, top)
    except Unreadable as exc:
        fatal.append(Problem(str(exc).split("/", 1)[0], "", str(exc)))
    if fatal:
        raise ReportError(fatal, title="the reports cannot be compared (dgpe verify --quick says more)")
    lines = [f"# {t('变化说明', 'What changed')}: {A.name} → {B.name}", ""]
    if edited:
        lines += [f"## {t('报告文件', 'Report files')}", ""]
        lines += [f"- {p.file.rsplit('/', 1)[-1]}: {p.message}" for p in edited] + [""]
    unchanged = [f"- {t('无变化', 'unchanged')}"]
    lines += [f"## {t('运行配置', 'Run config')}", ""] + (_diff_config(ma, mb) or unchanged)
    lines += ["", f"## {t('输入数据', 'Inputs')}", ""] + (_diff_inputs(ma, mb, t) or unchanged)
    fa, fb = safe_member(A, "inputs/framework.csv"), safe_member(B, "inputs/framework.csv")
    if fa is not None and fb is not None:
        lines += ["", f"## {t('指标体系', 'Framework')}", ""] + (_diff_framework(fa, fb, t) or unchanged)
    lines += ["", f"## {t('结果', 'Results')}", ""] + (_diff_results(ra, rb, lang) or unchanged)
    lines += ["", f"## {t('表格', 'Tables')}", ""] + tables
    lines += ["", f"## {t('结论', 'Verdicts')}", ""] + (_diff_verdicts(ra, rb, lang, t) or unchanged)
    return "\n".join(lines) + "\n"


def _diff_config(ma: dict[str, Any], mb: dict[str, Any]) -> list[str]:
    ca, cb = _flatten(as_mapping(ma.get("config"))), _flatten(as_mapping(mb.get("config")))
    return [f"- `{k}`: {ca.get(k)!r} → {cb.get(k)!r}" for k in sorted(set(ca) | set(cb)) if ca.get(k) != cb.get(k)]


def _diff_inputs(ma: dict[str, Any], mb: dict[str, Any], t: Any) -> list[str]:
    ia = {k: as_mapping(v) for k, v in as_mapping(ma.get("inputs")).items()}
    ib = {k: as_mapping(v) for k, v in as_mapping(mb.get("inputs")).items()}
    return [
        f"- {role}: {ia.get(role, {}).get('path')} → {ib.get(role, {}).get('path')} ({t('内容不同', 'content differs')})"
        for role in sorted(set(ia) | set(ib))
        if ia.get(role, {}).get("sha256") != ib.get(role, {}).get("sha256")
    ]


def _diff_framework(fa: Path, fb: Path, t: Any) -> list[str]:
    try:
        ta = pd.read_csv(fa, dtype=str, keep_default_na=False, encoding=TABLE_ENCODING).set_index("code")
        tb = pd.read_csv(fb, dtype=str, keep_default_na=False, encoding=TABLE_ENCODING).set_index("code")
    except (KeyError, ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return [f"- {t('无法读取 inputs/framework.csv', 'inputs/framework.csv cannot be read')}"]
    added, removed = sorted(set(tb.index) - set(ta.index)), sorted(set(ta.index) - set(tb.index))
    out = []
    if added:
        out.append(f"- {t('新增', 'added')}: {', '.join(added)}")
    if removed:
        out.append(f"- {t('删除', 'removed')}: {', '.join(removed)}")
    for code in sorted(set(ta.index) & set(tb.index)):
        for col in ("parent", "weight", "direction", "kind", "unit"):
            if col in ta.columns and col in tb.columns and ta.at[code, col] != tb.at[code, col]:
                out.append(f"- {code} {col}: {ta.at[code, col]} → {tb.at[code, col]}")
    return out


def _diff_results(ra: dict[str, Any], rb: dict[str, Any], lang: str) -> list[str]:
    out = []
    for nb in ra:
        for key, entry in _entries(ra[nb], "results").items():
            other = _entries(rb.get(nb, {}), "results").get(key)
            if other is not None and not _compare_values(entry.get("value"), other.get("value"), DEFAULT_TOL):
                label = entry.get("label") or {}
                name = label.get(lang, key) if isinstance(label, dict) else key
                out.append(f"- {nb} · {name}: {entry.get('value')!r} → {other.get('value')!r}")
    return out


def _diff_tables(A: Path, B: Path, ra: dict[str, Any], rb: dict[str, Any], t: Any, top: int) -> list[str]:
    """Tables of both reports: a count of the unchanged, those whose labels alone changed (same
    numbers), then what changed in each table whose numbers changed."""
    unchanged, labels, numbers = 0, [], []
    for nb in ra:
        for name, entry in _entries(ra[nb], "tables").items():
            other = _entries(rb.get(nb, {}), "tables").get(name)
            if not entry.get("file") or other is None or not other.get("file"):
                continue
            x, y = _read(A, entry["file"]), _read(B, other["file"])
            kind = table_change(x, y)
            if kind == "same":
                unchanged += 1
            elif kind == "labels":
                labels.append(f"{nb}/{name}")
            else:
                numbers += _diff_table(f"{nb}/{name}", x, y, t, top) or [f"- {nb}/{name}: {t('有变化', 'changed')}"]
    out = [f"- {t('未变化的表', 'tables unchanged')}: {unchanged}"]
    if labels:
        out.append(f"- {t('仅标签变化（数值相同）', 'labels only (same numbers)')}: {len(labels)}: {', '.join(labels)}")
    if numbers:
        out += [f"- {t('数值变化的表', 'tables whose numbers changed')}:"] + ["  " + line for line in numbers]
    return out


def table_change(x: pd.DataFrame, y: pd.DataFrame, tol: float = DEFAULT_TOL) -> str:
    """``"same"``, ``"labels"`` (same shape and the same numbers in the same places; headers or text
    cells differ, e.g. another language or renamed bands) or ``"numbers"``.

    >>> import pandas as pd
    >>> a = pd.DataFrame({"unit": ["A"], "band": ["优"], "score": [71.5]})
    >>> table_change(a, a.assign(band="Excellent")), table_change(a, a.assign(score=70.0))
    ('labels', 'numbers')
    """
    if x.shape != y.shape:
        return "numbers"
    for i in range(x.shape[1]):
        u, v = x.iloc[:, i], y.iloc[:, i]
        nu, nv = pd.api.types.is_numeric_dtype(u), pd.api.types.is_numeric_dtype(v)
        if nu != nv:
            return "numbers"
        if nu and compare_tables(u.to_frame("v"), v.to_frame("v"), tol, "", limit=1):
            return "numbers"
    same_text = list(x.columns) == list(y.columns) and all(
        (x.iloc[:, i].astype(object).where(x.iloc[:, i].notna(), None).tolist()
         == y.iloc[:, i].astype(object).where(y.iloc[:, i].notna(), None).tolist())
        for i in range(x.shape[1]) if not pd.api.types.is_numeric_dtype(x.iloc[:, i]))
    return "same" if same_text else "labels"


def _diff_table(label: str, x: pd.DataFrame, y: pd.DataFrame, t: Any, top: int) -> list[str]:
    """What changed in one table: cells, the largest change, rows added or removed, rank moves."""
    key = x.columns[0]
    if key not in y.columns:
        return [f"- {label}: {t('结构不同', 'different layout')}"]
    xi, yi = x.set_index(key), y.set_index(key)
    if not xi.index.is_unique or not yi.index.is_unique:
        same = x.shape == y.shape and x.equals(y)
        return [f"- {label}: {t('相同', 'identical') if same else t('有变化', 'changed')}"]
    rows_added = [str(r) for r in yi.index.difference(xi.index)]
    rows_removed = [str(r) for r in xi.index.difference(yi.index)]
    common_rows = xi.index.intersection(yi.index)
    common_cols = [c for c in xi.columns if c in yi.columns]
    n_changed, max_delta = 0, 0.0
    for c in common_cols:
        u, v = xi.loc[common_rows, c], yi.loc[common_rows, c]
        if pd.api.types.is_numeric_dtype(u) and pd.api.types.is_numeric_dtype(v):
            d = (u.astype(float) - v.astype(float)).abs()
            changed_mask = (d > DEFAULT_TOL * np.maximum(1.0, u.abs())) & ~(u.isna() & v.isna())
            n_changed += int(changed_mask.sum())
            if d.notna().any():
                max_delta = max(max_delta, float(d.max()))
        else:
            n_changed += int(((u.astype(object) != v.astype(object)) & ~(u.isna() & v.isna())).sum())
    if not (rows_added or rows_removed or n_changed):
        return []
    parts = [f"{n_changed} {t('个单元格变化', 'cells changed')}"]
    if max_delta:
        parts.append(f"{t('最大变化', 'largest change')} {max_delta:.4g}")
    if rows_added:
        parts.append(f"{t('新增行', 'rows added')}: {', '.join(rows_added[:8])}")
    if rows_removed:
        parts.append(f"{t('删除行', 'rows removed')}: {', '.join(rows_removed[:8])}")
    out = [f"- {label}: " + "; ".join(parts)]
    rank_cols = [c for c in common_cols if str(c).lower() in ("rank", "rank_index") or str(c).lower().endswith("_rank")]
    for c in rank_cols[:1]:
        move = (yi.loc[common_rows, c].astype(float) - xi.loc[common_rows, c].astype(float)).dropna()
        move = move[move != 0].sort_values(key=np.abs, ascending=False).head(top)
        for unit, m in move.items():
            out.append(f"  - {unit}: {t('排名', 'rank')} {int(xi.at[unit, c])} → {int(yi.at[unit, c])} ({m:+.0f})")
    return out


def _finding_identity(f: dict[str, Any]) -> Any:
    """A finding's identity across languages: its catalogue key and parameters when it has them."""
    if f.get("key"):
        return (f["key"], json.dumps(f.get("params", {}), sort_keys=True, ensure_ascii=False))
    return f.get("en")


def _diff_verdicts(ra: dict[str, Any], rb: dict[str, Any], lang: str, t: Any) -> list[str]:
    out = []
    for nb in sorted(set(ra) | set(rb)):
        fa_ = _findings(ra.get(nb, {}))
        fb_ = _findings(rb.get(nb, {}))
        ida, idb = {_finding_identity(f) for f in fa_}, {_finding_identity(f) for f in fb_}
        out += [f"- [{nb}] {t('新', 'new')}: {f.get(lang) or f.get('en')}" for f in fb_ if _finding_identity(f) not in ida]
        out += [f"- [{nb}] {t('不再成立', 'no longer')}: {f.get(lang) or f.get('en')}" for f in fa_ if _finding_identity(f) not in idb]
    return out


# -- command line ------------------------------------------------------------------------------------


def _cmd_verify(args: argparse.Namespace) -> int:
    def first_pass(text: str) -> None:
        if not args.quick:  # the rerun takes minutes: say at once what the digests found
            print(text + ("" if args.quiet else "\nrerunning the report to compare every result …"), flush=True)

    result = verify_report(args.report, progress=not args.quiet and sys.stderr.isatty(), quick=args.quick,
                           echo=first_pass, strict=args.strict)
    print(result.render(first_pass=args.quick))
    return 0 if result.ok else 1


def _cmd_diff(args: argparse.Namespace) -> int:
    text = diff_reports(args.a, args.b, lang=args.lang)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def add_commands(sub: Any) -> None:
    v = sub.add_parser("verify", help="rerun a report from its manifest and compare every recorded result",
                       epilog="exit status: 0 verified, 1 not verified (the list says why: files edited, "
                              "missing, added or linked, inputs changed, differences from the rerun), "
                              "2 not a dgpe report (no manifest, a damaged manifest)")
    v.add_argument("report")
    v.add_argument("-q", "--quiet", action="store_true")
    v.add_argument("--quick", action="store_true",
                   help="only check the report's files and inputs against the manifest (seconds), no rerun")
    v.add_argument("--strict", action="store_true",
                   help="also fail when a figure's pixels differ from the rerun's (same machine and libraries)")
    v.set_defaults(func=_cmd_verify)
    d = sub.add_parser("diff", help="what changed between two reports (Markdown)",
                       epilog="exit status: 0 the account written (files edited since writing named at "
                              "its top), 2 a report cannot be compared (no manifest, files missing or "
                              "linked, records or tables unreadable; each named)")
    d.add_argument("a")
    d.add_argument("b")
    d.add_argument("--lang", choices=["zh", "en"], default="en")
    d.add_argument("--out", default=None, help="write the Markdown to this file")
    d.set_defaults(func=_cmd_diff)
