"""The ``dgpe`` command line: run, validate, example (and verify, diff).

A user mistake (a bad framework, data file, config or report) prints the list of problems and exits
with status 2, never a Python traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dgpe.errors import DgpeError

__all__ = ["main"]

#: ``dgpe run``: the report was written, but an internal error (a bug) skipped some of its sections.
EXIT_INTERNAL_ERROR = 3

RUN_EPILOG = """exit status:
  0    the report was written; every section computed, or skipped for a limit of the data (said in it)
  2    a problem you can fix (config, data, an existing report): listed, nothing written
  3    the report was written, but an internal error (a bug, not the data) skipped some sections:
       the run summary names them, the landing page lists them under "analyses not run" and
       records/<notebook>.json holds each traceback; please report it
  130  interrupted (Ctrl-C), 143 terminated (SIGTERM): no report and no temporary folder left"""

#: The group columns ``dgpe validate FRAMEWORK DATA`` allows by default (a run config's default).
VALIDATE_GROUPS = ("province", "tier")


def _cmd_run(args: argparse.Namespace) -> int:
    from dgpe.runner import run_report

    summary = run_report(
        args.config,
        args.param,
        reports_dir=args.reports,
        force=args.force,
        parallel=args.jobs,
        progress=not args.quiet and sys.stderr.isatty(),  # no bar clutter in CI logs
    )
    print(summary.render())
    return EXIT_INTERNAL_ERROR if summary.internal_errors else 0


def _cmd_validate(args: argparse.Namespace) -> int:
    if _is_run_config(args.target):
        if args.data or args.kind or args.groups is not None or args.no_groups:
            print(f"{args.target} is a run config: it names the data and the groups itself; "
                  "use -p key=value to change them (e.g. -p groups=[])", file=sys.stderr)
            return 2
        return _validate_config(args)
    if args.param:
        print("-p applies to a run config (dgpe validate CONFIG.yaml -p key=value)", file=sys.stderr)
        return 2
    return _validate_files(args)


def _is_run_config(path: str) -> bool:
    """A YAML mapping with a ``framework:`` key (a framework file has ``index:`` or ``scales:``)."""
    import yaml

    from dgpe.yamlsafe import safe_load

    if Path(path).suffix.lower() not in (".yaml", ".yml"):
        return False
    try:
        raw = safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(raw, dict) and "framework" in raw


def _validate_config(args: argparse.Namespace) -> int:
    """Load every input, resolve the plan and check what its notebooks need of the data."""
    import time

    from dgpe.checks import check_plan, load_inputs
    from dgpe.config import load_run_config
    from dgpe.errors import DgpeError
    from dgpe.io import collect_notes
    from dgpe.plan import resolve_plan

    t0 = time.time()
    cfg = load_run_config(args.target, args.param)
    with collect_notes() as read_notes:
        plan = resolve_plan(cfg, load_inputs(cfg))
    notes = read_notes + check_plan(plan)
    cfg = plan.config
    print(f"{args.target}: every input loads and the plan resolves (year {plan.year}, "
          f"{len(plan.units)} units, {len(plan.framework.indicator_codes)} indicators)")
    print(f"  notebooks: {', '.join(cfg.notebooks)}")
    skipped = {k: v for k, v in plan.capabilities.items() if v is not None}
    for cap, reason in skipped.items():
        print(f"  left out: {cap}: {reason('en')}")
    if notes:
        print(DgpeError(notes, title=f"{len(notes)} note(s): the run goes on and its report says what "
                                     "it leaves out").render())
    print(f"validated in {time.time() - t0:.1f} s")
    return 0


def _validate_files(args: argparse.Namespace) -> int:
    from dgpe.data import (
        guess_kind,
        load_ahp,
        load_delphi,
        load_experts,
        load_indicators,
        load_survey,
    )
    from dgpe.errors import Problem
    from dgpe.framework import load_framework
    from dgpe.io import collect_notes, read_table

    groups = _groups(args)
    opts = {"encoding": args.encoding, "sheet": args.sheet}
    problems: list[Problem] = []
    try:
        fw = load_framework(args.target, encoding=args.encoding)
    except DgpeError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    print(f"{args.target}: framework OK ({len(fw.indicators)} indicators, {len(fw.scales)} scales)")
    loaders = {
        "indicators": lambda p: load_indicators(p, fw, groups=groups, **opts),
        "survey": lambda p: load_survey(p, fw, **opts),
        "delphi": lambda p: load_delphi(p, fw, **opts),
        "experts": lambda p: load_experts(p, **opts),
        "ahp": lambda p: load_ahp(p, fw, **opts),
    }
    for path in args.data:
        try:
            with collect_notes() as notes:
                kind = args.kind or guess_kind(read_table(path, **opts).columns, fw)
                df = loaders[kind](path)
            missing = [g for g in groups if kind == "indicators" and g not in df.columns]
            if missing and args.groups is not None:
                raise DgpeError([Problem(Path(path).name, "header", f"no group column {g!r}; "
                                         "--groups '' (and groups: [] in a run config) for none") for g in missing])
            print(f"{path}: {kind} data OK")
            for note in notes:
                print(f"  note: {note}")
        except DgpeError as exc:
            problems.extend(exc.problems)
            print(exc.render(), file=sys.stderr)
    return 2 if problems else 0


def _groups(args: argparse.Namespace) -> list[str]:
    """``--groups a,b --groups c`` → [a, b, c]; ``--groups ''`` or ``--no-groups`` → []."""
    if args.no_groups:
        return []
    if args.groups is None:
        return list(VALIDATE_GROUPS)
    return [g.strip() for item in args.groups for g in item.split(",") if g.strip()]


def _cmd_example(args: argparse.Namespace) -> int:
    from dgpe.example import DEFAULT_SEED, generate_example, write_example
    from dgpe.framework import load_framework

    out = Path(args.out)
    if args.units < 10:
        print(f"--units {args.units}: expected at least 10 units", file=sys.stderr)
        return 2
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"{out}: folder exists and is not empty; use --force to overwrite", file=sys.stderr)
        return 2
    fw = load_framework(args.framework)
    data = generate_example(fw, n_units=args.units, seed=args.seed if args.seed is not None else DEFAULT_SEED)
    files = write_example(data, out)
    print(f"wrote {len(files)} files to {out} ({args.units} units)")
    return 0


def _cmd_methods(args: argparse.Namespace) -> int:
    from methods.registry import FAMILIES, registry

    families = [args.family] if args.family else list(FAMILIES)
    for fam in families:
        table = registry(fam).to_frame(args.lang)
        print(f"## {fam}\n")
        print(table.to_markdown() if hasattr(table, "to_markdown") and _has_tabulate() else table.to_string())
        print()
    return 0


def _has_tabulate() -> bool:
    import importlib.util

    return importlib.util.find_spec("tabulate") is not None


def _cmd_plan(args: argparse.Namespace) -> int:
    from dgpe.config import load_run_config
    from dgpe.plan import resolve_plan, scale_label

    plan = resolve_plan(load_run_config(args.config, args.param))
    lang = args.lang or plan.lang
    print(f"{args.config}: the plan resolves (year {plan.year}, language {plan.lang})")
    if plan.has("index"):
        scale = plan.scale
        print(f"  weights: {plan.weights_method}" + (" (from the AHP judgements)" if plan.weights_override is not None else ""))
        print(f"  index scale: {scale_label(scale)(lang)} ({scale.kind})")
        print(f"  bands: {plan.bands if plan.bands else 'none'}")
        for step in plan.index.log:
            summary = f": {step['summary']}" if step.get("summary") else ""
            print(f"  build.{step['step']}: {step['parameters']}{summary}")
    if plan.has("survey"):
        print(f"  survey: {0 if plan.survey is None else len(plan.survey)} respondents, scales "
              + ", ".join(f"{s.code} ({len(s.items)} {s.type} items)" for s in plan.framework.scales))
    for f in plan.sensitivity_dropped:
        print(f"  {f(lang)}")
    skipped = {k: v for k, v in plan.capabilities.items() if v is not None}
    print("  all parts of the report apply" if not skipped else "  left out:")
    for cap, reason in skipped.items():
        print(f"    {cap}: {reason(lang)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dgpe",
        description="dgpe: design, validate and report a local digital-government performance index.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run the notebooks of a run config into reports/<date>-<name>",
                       epilog=RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("config", nargs="?", default="configs/default.yaml")
    r.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE", help="override a config field (dotted keys), e.g. -p lang=en")
    r.add_argument("--force", action="store_true", help="replace an existing report of the same name and date")
    r.add_argument("--reports", default=None, help="reports folder (default: the project's reports/)")
    r.add_argument("-j", "--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    r.set_defaults(func=_cmd_run)

    v = sub.add_parser(
        "validate",
        help="check a run config (every input, the plan, what its notebooks need of the data) or a "
             "framework and data files; list every problem",
        description="dgpe validate CONFIG.yaml [-p key=value]: load every input of a run config, resolve "
                    "the plan and check what its notebooks need of the data (no notebook runs). "
                    "dgpe validate FRAMEWORK [DATA ...]: check a framework and data files on their own.",
    )
    v.add_argument("target", metavar="CONFIG_OR_FRAMEWORK")
    v.add_argument("data", nargs="*", help="data files (with a framework)")
    v.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE", help="override a run config field")
    v.add_argument("--kind", choices=["indicators", "survey", "delphi", "experts", "ahp"], help="data type (default: guessed from the header)")
    v.add_argument("--encoding", default=None, help="CSV encoding when neither UTF-8 nor GBK/GB18030, e.g. "
                   "latin-1 or big5 (default: detected; a file whose encoding is not certain is refused)")
    v.add_argument("--sheet", default=None, help="the worksheet of XLSX files to read (default: the active "
                                                 "visible sheet)")
    v.add_argument(
        "--groups", action="append", default=None, metavar="COL[,COL...]",
        help="peer-group columns allowed besides unit_id, unit_name, year and the indicators, comma-separated, "
             "repeatable (default province,tier; --groups '' for none), as the run config's groups",
    )
    v.add_argument("--no-groups", action="store_true", help="the data have no peer-group columns")
    v.set_defaults(func=_cmd_validate)

    pl = sub.add_parser("plan", help="resolve a run config into its analysis plan (no notebook runs): "
                                     "what the build does, the score scale, which parts apply")
    pl.add_argument("config", nargs="?", default="configs/default.yaml")
    pl.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE", help="override a config field")
    pl.add_argument("--lang", choices=["zh", "en"], default=None)
    pl.set_defaults(func=_cmd_plan)

    m = sub.add_parser("methods", help="list the methods of each family (normalisation, weighting, "
                                       "aggregation, imputation, treatment) from their registries")
    m.add_argument("family", nargs="?", default=None,
                   choices=["normalisation", "weighting", "aggregation", "imputation", "treatment"])
    m.add_argument("--lang", choices=["zh", "en"], default="en")
    m.set_defaults(func=_cmd_methods)

    e = sub.add_parser("example", help="generate an example data set (e.g. national scale: --units 2844)")
    e.add_argument("--units", type=int, default=150)
    e.add_argument("--seed", type=int, default=None)
    e.add_argument("--framework", default="data/framework.yaml")
    e.add_argument("--out", default="data/example")
    e.add_argument("--force", action="store_true")
    e.set_defaults(func=_cmd_example)

    from dgpe import importers, verify

    verify.add_commands(sub)
    importers.add_commands(sub)
    from dgpe import note_pdf
    note_pdf.add_commands(sub)
    return p


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as an interruption (Ctrl-C): temporary folders removed, nothing half written."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Run one command. Exit status: 0 done (``verify``: verified), 1 ``verify``: not verified,
    2 a problem the user can fix (listed, never a traceback), 3 ``run``: report written but sections
    skipped by an internal error (:data:`EXIT_INTERNAL_ERROR`), 130 interrupted (SIGINT), 143
    terminated (SIGTERM); an interrupted run leaves no report and no temporary folder (unless the
    interruption came while the finished report was being renamed in place: then it is kept and said)."""
    import signal
    import threading

    parser = build_parser()
    args = parser.parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        return int(args.func(args) or 0)
    except DgpeError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        written = getattr(exc, "report_written", None)
        what = (f"the report was complete and is kept: {written}" if written is not None
                else "no report was written and the temporary folder was removed")
        print(f"{'terminated (SIGTERM)' if terminated else 'interrupted'}; {what}", file=sys.stderr)
        return 143 if terminated else 130
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
