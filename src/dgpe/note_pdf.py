"""``dgpe note REPORT_DIR [--pdf]``: write a report's method note again, and as PDF.

The method note (``method-note.md`` and ``method-note.docx``) is written from the report's records
(``records/*.json``, ``tables/``, ``figures/``) and its resolved ``config.yaml``; no notebook runs.
With ``--pdf`` the Word file is converted by LibreOffice (``soffice --headless --convert-to pdf``)
into ``method-note.pdf`` beside it. LibreOffice does not update fields when it converts, so the table
of contents shows the headings that dgpe pre-filled (no page numbers); Word fills in the page
numbers when it opens the ``.docx``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from dgpe.errors import Problem, ReportError

__all__ = ["rewrite_note", "docx_to_pdf", "soffice_path", "add_commands"]

_INSTALL = (
    "LibreOffice is needed to convert the method note to PDF and was not found (no soffice or "
    "libreoffice on PATH). Install it: Debian/Ubuntu `sudo apt-get install libreoffice-writer`, "
    "macOS `brew install --cask libreoffice`, Windows https://www.libreoffice.org/download/ "
    "(then add its program folder to PATH); or open method-note.docx in Word and save as PDF."
)


def soffice_path() -> str | None:
    """The LibreOffice command on PATH (``soffice`` or ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def rewrite_note(folder: str | Path) -> list[Path]:
    """Write ``method-note.md`` and ``method-note.docx`` of the report in ``folder`` again from its
    records; return the two paths."""
    from dgpe.config import load_run_config
    from dgpe.method_note import write_method_note
    from dgpe.report import collect

    folder = Path(folder).resolve()
    if not (folder / "records").is_dir() or not (folder / "config.yaml").exists():
        raise ReportError([Problem(str(folder), "", "no records/ or config.yaml here: is this a dgpe report folder?")])
    cfg = load_run_config(folder / "config.yaml")
    return write_method_note(folder, cfg, collect(folder))


def docx_to_pdf(docx: str | Path, outdir: str | Path | None = None, *, timeout: float = 300) -> Path:
    """Convert ``docx`` to PDF with LibreOffice (into ``outdir``, default beside it); return the PDF.

    Raises :class:`dgpe.errors.ReportError` saying how to install LibreOffice when it is missing.
    """
    docx = Path(docx).resolve()
    out = Path(outdir).resolve() if outdir is not None else docx.parent
    exe = soffice_path()
    if exe is None:
        raise ReportError([Problem(str(docx), "", _INSTALL)])
    with tempfile.TemporaryDirectory(prefix="dgpe-soffice-") as profile:  # a private profile: no lock clash
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", str(out), str(docx)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    pdf = out / (docx.stem + ".pdf")
    if proc.returncode != 0 or not pdf.exists():
        raise ReportError([Problem(str(docx), "", f"LibreOffice could not convert it: {proc.stderr.strip() or proc.stdout.strip()}")])
    return pdf


def _cmd_note(args: argparse.Namespace) -> int:
    paths = rewrite_note(args.report)
    for p in paths:
        print(f"wrote {p}")
    if args.pdf:
        print(f"wrote {docx_to_pdf(paths[-1])}")
    return 0


def add_commands(sub: Any) -> None:
    """Register ``dgpe note`` on the CLI's subparsers."""
    n = sub.add_parser("note", help="write a report's method note again from its records (no notebook runs); "
                                    "--pdf: also as PDF via LibreOffice")
    n.add_argument("report", metavar="REPORT_DIR")
    n.add_argument("--pdf", action="store_true", help="convert method-note.docx to method-note.pdf with LibreOffice")
    n.set_defaults(func=_cmd_note)
