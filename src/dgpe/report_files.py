"""The files of a report folder: what is there, whether the manifest agrees, and digests a rerun reproduces.

A report is trusted file by file. :func:`inventory` lists the regular files of a report folder without
following any link: a symbolic link (to a file or a folder, inside or outside the report) or a special
file is *refused*, never read. :func:`check_files` compares the files against the digests
``manifest.json`` holds — a file missing, edited, or present but not written by the run is named — and
checks that the manifest agrees with itself (its lists of table and record digests were written from the
same files as its list of all files).

Some files a run writes carry times or random identifiers (the workbook's and the Word file's creation
time, the notebook's execution times and cell ids, pandas' table ids in HTML; the run config's paths
to its inputs, relative to wherever the report lies). :func:`content_digest`
hashes a normalised form of those — the same content gives the same digest on every run — so that
``dgpe verify`` can compare each file of a report with its rerun's, and the manifest's digests with the
rerun's manifest. Every other file is hashed byte for byte (SHA-256).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "a.csv").write_text("x\\n1\\n", encoding="utf-8")
>>> (folder / "link.csv").symlink_to("/etc/hostname")
>>> inv = inventory(folder)
>>> inv.files, inv.refused
(['a.csv'], ['link.csv: a symbolic link (to /etc/hostname), refused: a report holds files, not links'])
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from dgpe.io import sha256_file
from dgpe.manifest import text_digest

__all__ = ["as_mapping", "Inventory", "inventory", "content_digest", "content_digests", "check_files", "safe_member",
           "NORMALISED_SUFFIXES", "MANIFEST", "normalised"]

MANIFEST = "manifest.json"
#: Kinds of file whose digest is taken of a normalised form (times and random ids left out).
NORMALISED_SUFFIXES = (".xlsx", ".docx", ".ipynb", ".html")
_SHA = re.compile(r"[0-9a-f]{64}")


@dataclass
class Inventory:
    """The regular files of a report (relative POSIX names, sorted, ``manifest.json`` included) and
    what was refused (symbolic links, special files), each refusal a sentence naming the file."""

    files: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def inventory(folder: Path) -> Inventory:
    """The files below ``folder``, walked without following links (see the module docstring)."""
    out = Inventory()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirnames + filenames):
            p = here / name
            rel = p.relative_to(folder).as_posix()
            mode = os.lstat(p).st_mode
            if stat.S_ISLNK(mode):
                out.refused.append(f"{rel}: a symbolic link (to {os.readlink(p)}), refused: a report holds files, not links")
            elif stat.S_ISREG(mode):
                out.files.append(rel)
            elif not stat.S_ISDIR(mode):
                out.refused.append(f"{rel}: not a regular file, refused")
        dirnames[:] = [d for d in dirnames if not os.path.islink(here / d)]
    out.files.sort()
    return out


def safe_member(folder: Path, rel: str) -> Path | None:
    """``folder / rel`` when ``rel`` names a regular file inside ``folder`` reached without links
    (no ``..``, not absolute, no component a link), else None."""
    if not isinstance(rel, str) or not rel or "\\" in rel:
        return None
    parts = PurePosixPath(rel).parts
    if PurePosixPath(rel).is_absolute() or ".." in parts:
        return None
    p = folder
    for part in parts:
        p = p / part
        try:
            mode = os.lstat(p).st_mode
        except OSError:
            return None
        if stat.S_ISLNK(mode):
            return None
    return p if stat.S_ISREG(os.lstat(p).st_mode) else None


def normalised(rel: str) -> bool:
    """Whether the report file ``rel`` is digested in a normalised form (see :func:`content_digest`)."""
    return rel.lower().endswith(NORMALISED_SUFFIXES) or rel == "config.yaml"


def content_digest(path: Path) -> str:
    """SHA-256 of the file's content, normalised for the kinds in :data:`NORMALISED_SUFFIXES` (a file
    that cannot be read as its kind — a truncated notebook, a damaged workbook — is hashed byte for
    byte, so it differs from any good one)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".docx"):
            return _zip_digest(path)
        if suffix == ".ipynb":
            return _ipynb_digest(path)
        if suffix == ".html":
            return text_digest(_normalise_html(path.read_text(encoding="utf-8")))
        if path.name == "config.yaml":
            return _config_digest(path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, zipfile.BadZipFile, UnicodeDecodeError):
        pass
    return sha256_file(path)


def content_digests(folder: Path, files: list[str]) -> dict[str, str]:
    """:func:`content_digest` of each of ``files`` (relative names) in ``folder``."""
    return {rel: content_digest(folder / rel) for rel in files}


_CORE_TIMES = re.compile(rb"<dcterms:(created|modified)([^>]*)>[^<]*</dcterms:\1>")


#: Raster and vector figures of a report: drawn by the plotting library and the fonts of the machine
#: that ran it, so compared on their own (:func:`is_figure`), and left out of the documents that
#: embed them (a document's digest covers its text, tables and numbers).
FIGURE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".pdf")


def is_figure(rel: str) -> bool:
    """Whether the report file ``rel`` is a figure (see :data:`FIGURE_SUFFIXES`).

    >>> is_figure("figures/05_index/ranking.png"), is_figure("tables/05_index/ranking.csv")
    (True, False)
    """
    return rel.lower().endswith(FIGURE_SUFFIXES)


def _zip_digest(path: Path) -> str:
    """An Office file (a zip of XML parts): every part's name and bytes, in name order, with the
    creation and modification times of ``docProps/core.xml`` blanked and embedded figures (parts
    under a ``media/`` folder) by name only; the zip's own times left out."""
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            data = b"" if "/media/" in name and is_figure(name) else z.read(name)
            if name == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"<dcterms:\1\2></dcterms:\1>", data)
            h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


_STYLER_ID = re.compile(r"T_[0-9a-f]{5}(?![0-9A-Za-z])")
_OBJECT_AT = re.compile(r" at 0x[0-9a-f]+>")
_CELL_ID = re.compile(r"id=\"cell-id=[0-9a-f-]+\"")


def _normalise_output_text(text: str) -> str:
    return _OBJECT_AT.sub(" at 0x…>", _STYLER_ID.sub("T_…", text))


def _ipynb_digest(path: Path) -> str:
    """A notebook without its execution times, cell ids, pandas' random table ids and object addresses."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("not a notebook")
    nb.get("metadata", {}).pop("papermill", None)
    for cell in nb["cells"]:
        cell.pop("id", None)
        meta = cell.get("metadata", {})
        meta.pop("papermill", None)
        meta.pop("execution", None)
        for output in cell.get("outputs", []):
            data = output.get("data", {}) if isinstance(output, dict) else {}
            for mime in [m for m in data if m.startswith("image/")]:
                data[mime] = "<figure>"  # figures are compared as files of their own
    text = json.dumps(nb, sort_keys=True, ensure_ascii=False)
    return text_digest(_normalise_output_text(text))


_FONT_DATA = re.compile(r"url\(data:font/[a-z0-9]+;base64,[A-Za-z0-9+/=]*\)")
_IMAGE_DATA = re.compile(r"data:image/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]*")


def _normalise_html(text: str) -> str:
    """Cell ids, pandas' table ids, the embedded font subset (its bytes carried a time in reports made
    before the subset's time was fixed) and embedded figures (compared as files of their own) left out."""
    text = _IMAGE_DATA.sub("data:image", _CELL_ID.sub('id="cell-id=…"', text))
    return _FONT_DATA.sub("url(data:font)", _normalise_output_text(text))


def _config_digest(path: Path) -> str:
    """A report's resolved run config without the paths of its inputs (relative to wherever the report
    lies; the inputs themselves are checked by their hashes)."""
    import yaml

    from dgpe.yamlsafe import safe_load

    try:  # an untrusted report's file: duplicated keys and alias bombs refused
        data = safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None
    if not isinstance(data, dict):
        raise ValueError("not a run config")
    data = {**data, "framework": None, "data": dict.fromkeys(data.get("data") or {})}
    return text_digest(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str))


def _manifest_files(manifest: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The manifest's digest of each file (a manifest from before every file was digested: its tables
    and records), and what is wrong with the manifest's digests."""
    digests = manifest.get("digests")
    if not isinstance(digests, dict):
        return {}, ["manifest.json: no digests of the report's files (the manifest was edited or replaced)"]
    files = digests.get("files") or {**as_mapping(digests.get("tables")), **as_mapping(digests.get("records"))}
    problems = []
    if not isinstance(files, dict):
        return {}, ["manifest.json: its list of file digests is damaged"]
    good = {}
    for rel, sha in files.items():
        if not isinstance(sha, str) or not _SHA.fullmatch(sha):
            problems.append(f"manifest.json: the digest of {rel} is not a SHA-256 (the manifest was edited)")
        elif PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
            problems.append(f"manifest.json: names {rel}, outside the report (the manifest was edited)")
        else:
            good[rel] = sha
    for part in ("tables", "records", "content"):
        for rel, sha in as_mapping(digests.get(part)).items():
            if part != "content" and rel in good and sha != good[rel]:
                problems.append(f"manifest.json: two different digests of {rel} (the manifest was edited)")
            elif part != "content" and rel not in good and digests.get("files"):
                problems.append(f"manifest.json: a digest of {rel} in its {part} but not among its files "
                                "(the manifest was edited)")
    return good, problems


def as_mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a mapping, else ``{}`` (a part of an untrusted manifest read defensively).

    >>> as_mapping({"a": 1}), as_mapping(["a"])
    ({'a': 1}, {})
    """
    return value if isinstance(value, dict) else {}


def check_files(folder: Path, manifest: dict[str, Any]) -> tuple[list[str], int]:
    """Every file of the report against the manifest: links and special files refused, files missing,
    edited or not written by the run named, the manifest's own lists checked against each other.
    Returns the problems (sentences naming the file) and how many files the manifest lists."""
    inv = inventory(folder)
    expected, problems = _manifest_files(manifest)
    problems = inv.refused + problems
    present = set(inv.files)
    refused = {r.split(": ", 1)[0] for r in inv.refused}
    content = as_mapping(as_mapping(manifest.get("digests")).get("content"))
    for rel, sha in expected.items():
        if rel in refused:
            continue
        if rel not in present:
            problems.append(f"missing since writing: {rel}")
        elif sha256_file(folder / rel) != sha:
            problems.append(f"edited after writing: {rel}" + _kind_note(folder / rel))
        elif rel in content and content[rel] != content_digest(folder / rel):
            problems.append(f"manifest.json: its content digest of {rel} does not match the file (the manifest was edited)")
    if as_mapping(manifest.get("digests")).get("files"):  # an older manifest digested tables and records only
        problems += [f"not written by the run: {rel}" for rel in sorted(present - set(expected) - {MANIFEST})]
    return problems, len(expected)


def _kind_note(path: Path) -> str:
    """`` (no longer a valid notebook)`` and the like, when an edited file cannot be read as its kind."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as z:
                if z.testzip() is not None:
                    raise zipfile.BadZipFile
        elif suffix in (".ipynb", ".json"):
            json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, zipfile.BadZipFile):
        kind = {".xlsx": "workbook", ".docx": "Word file", ".ipynb": "notebook", ".json": "JSON file"}[suffix]
        return f" (no longer a valid {kind}: truncated or damaged)"
    return ""
