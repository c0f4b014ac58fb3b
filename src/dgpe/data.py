"""Loading and validating indicator, survey and expert data.

Every loader reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030; detected or ``encoding=``) or XLSX,
checks the whole file, and raises one :class:`~dgpe.errors.DataError` listing *every* problem with the
file, the row as Excel shows it (header = row 1), the column, the value and what was expected.

Indicator data come wide (``unit_id, unit_name, year, <group columns>, <auxiliary columns>,
<indicator codes>…``) or long (``unit_id, year, indicator, value``; an auxiliary column's values are
rows too). Auxiliary columns (population, GDP …, the framework's ``auxiliary:``) are checked like
indicators (numbers); one that an indicator is divided by must be present and positive. Survey data: one row per respondent, item columns named in the
framework's ``scales``. Delphi scores: ``expert, round, indicator, score``; expert authority:
``expert, ca, cs``; AHP judgements: ``expert, parent, row, col, value`` (values such as ``3`` or ``1/3``;
the upper triangle suffices, reciprocals are filled in and checked where both are given).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dgpe.errors import DataError, Problem
from dgpe.example import parse_fraction
from dgpe.framework import Framework
from dgpe.io import add_notes, read_table
from dgpe.numbers import LARGEST, SMALLEST, magnitude_problem, parse_frame

__all__ = [
    "ID_COLUMNS",
    "DEFAULT_GROUPS",
    "load_indicators",
    "validate_indicators",
    "load_survey",
    "load_delphi",
    "load_experts",
    "load_ahp",
    "ahp_matrices",
    "guess_kind",
]

ID_COLUMNS = ("unit_id", "unit_name", "year")
DEFAULT_GROUPS = ("province", "city", "tier", "region", "group")
HEADER_ROW = 1


def _row(i: int | np.integer) -> int:
    """0-based data index → the row number Excel shows."""
    return HEADER_ROW + 1 + int(i)


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _numeric(
    df: pd.DataFrame, columns: Sequence[str], file: str, problems: list[Problem], what: str = "a number"
) -> pd.DataFrame:
    """Convert text cells to floats (:mod:`dgpe.numbers`: the decimal mark by rule, magnitudes the
    methods can take), reporting each cell that is not a number, not finite or out of range."""
    parsed = parse_frame(df[list(columns)])
    for i, col, message in parsed.refused:
        problems.append(Problem(file, f"row {_row(i)}, column {col}", message, str(df[col].iloc[i])))
    if parsed.decimal_comma:
        add_notes([Problem(file, "", f"numbers with a decimal comma read as such (e.g. {parsed.decimal_comma}: "
                           "1,5 = 1.5, 1.234,5 = 1234.5)")])
    refused = {(i, c) for i, c, _ in parsed.refused}
    out = pd.DataFrame(index=df.index)
    for col in columns:
        raw, vals = df[col], parsed.values[col]
        bad = raw.notna() & vals.isna()
        for i in map(int, np.flatnonzero(bad.to_numpy())):
            if (i, col) not in refused:
                problems.append(Problem(file, f"row {_row(i)}, column {col}", f"expected {what}", str(raw.iloc[i])))
        arr = vals.to_numpy()
        infinite = np.isinf(arr)
        for i in map(int, np.flatnonzero(infinite)):
            problems.append(Problem(file, f"row {_row(i)}, column {col}", "expected a finite number", str(raw.iloc[i])))
        size = np.abs(np.where(np.isfinite(arr), arr, 0.0))
        huge = (size > LARGEST) | ((size > 0) & (size < SMALLEST))
        for i in map(int, np.flatnonzero(huge)):
            why = magnitude_problem(float(arr[i]))
            problems.append(Problem(file, f"row {_row(i)}, column {col}", str(why), str(raw.iloc[i])))
        out[col] = vals.where(~(infinite | huge))
    return out


# ---------------------------------------------------------------------------------------------
# indicator data
# ---------------------------------------------------------------------------------------------


def _long_to_wide(
    df: pd.DataFrame, file: str, problems: list[Problem], codes: Sequence[str] = ()
) -> pd.DataFrame:
    """Reshape long data to wide, reporting problems with the long file's own rows first."""
    if not _require(df, ("unit_id", "indicator", "value"), file, problems):
        return df
    known = set(codes)
    for i, code in enumerate(df["indicator"]):
        if pd.isna(code):
            problems.append(Problem(file, f"row {_row(i)}, column indicator", "indicator code is empty"))
        elif known and code not in known:
            problems.append(Problem(file, f"row {_row(i)}, column indicator", "not an indicator of the framework" + _suggest(str(code), known), str(code)))
    vals = _numeric(df, ["value"], file, problems)
    for i in map(int, np.flatnonzero(df["unit_id"].isna().to_numpy())):
        problems.append(Problem(file, f"row {_row(i)}, column unit_id", "every row needs a unit_id"))
    if problems:
        return df
    df = df.assign(value=vals["value"])
    keys = ["unit_id", "year"] if "year" in df.columns else ["unit_id"]
    dup = df.duplicated(subset=[*keys, "indicator"], keep=False)
    for i in map(int, np.flatnonzero(dup.to_numpy())):
        problems.append(
            Problem(file, f"row {_row(i)}", "duplicate unit-year-indicator row", f"{df.iloc[i]['unit_id']}, {df.iloc[i]['indicator']}")
        )
    df = df[~dup]
    attrs = [c for c in df.columns if c not in ("indicator", "value", *keys)]
    wide = df.pivot(index=keys, columns="indicator", values="value").reset_index()
    wide.columns.name = None
    if attrs:
        first = df.drop_duplicates(subset=keys)[[*keys, *attrs]]
        wide = first.merge(wide, on=keys, how="right")
    return wide


def validate_indicators(
    df: pd.DataFrame,
    framework: Framework,
    *,
    file: str = "<memory>",
    groups: Sequence[str] = DEFAULT_GROUPS,
    extra_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """Check a wide table of text cells and return it typed (indicators and auxiliary columns as
    float, year as int).

    Problems collected: missing ``unit_id`` column or cells, unknown columns, missing indicator
    columns, non-numeric cells, non-integer years, duplicate unit-year rows, values outside the
    framework's bounds, all-missing indicators, indicators with zero variance (within a year), a
    denominator column missing or with a value ≤ 0 (each row named).
    """
    problems: list[Problem] = []
    codes = framework.indicator_codes
    aux = [c for c in framework.auxiliary_codes if c in df.columns]
    allowed = set(ID_COLUMNS) | set(groups) | set(extra_columns) | set(codes) | set(aux)
    _check_indicator_columns(df, framework, allowed, file, problems)
    present = [c for c in codes if c in df.columns]
    values = _numeric(df, [*present, *aux], file, problems)
    _check_denominator_columns(framework, values, file, problems)
    out = df.copy()
    out[[*present, *aux]] = values
    if "unit_id" in df.columns:
        for i in map(int, np.flatnonzero(df["unit_id"].isna().to_numpy())):
            problems.append(Problem(file, f"row {_row(i)}, column unit_id", "every row needs a unit_id"))
    if "year" in df.columns:
        out["year"] = _years(df["year"], file, problems)
    if "unit_id" in df.columns:
        _check_duplicate_rows(df, file, problems)
    meta = framework.to_meta().set_index("code")
    for c in present:
        _check_indicator_values(c, values[c], df[c], meta, out["year"] if "year" in df.columns else None, file, problems)
    if problems:
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the indicator data")
    ordered = [c for c in (*ID_COLUMNS, *groups, *extra_columns) if c in out.columns] + aux + present
    return out[ordered].reset_index(drop=True)


def _check_denominator_columns(
    framework: Framework, values: pd.DataFrame, file: str, problems: list[Problem]
) -> None:
    """Each auxiliary column an indicator is divided by is present, with no value ≤ 0."""
    users: dict[str, list[str]] = {}
    for ind, den in framework.denominators().items():
        users.setdefault(den, []).append(ind)
    for den, inds in users.items():
        if den not in values.columns:
            problems.append(Problem(file, f"column {den}", f"auxiliary column {den} ({framework.name(den)}) is "
                                    f"missing from the data; indicators {', '.join(inds)} are divided by it"))
            continue
        col = values[den]
        for i in map(int, np.flatnonzero((col <= 0).to_numpy())):
            problems.append(Problem(file, f"row {_row(i)}, column {den}",
                                    f"a denominator must be > 0 (indicators {', '.join(inds)} are divided by it)",
                                    f"{col.iloc[i]:g}"))


def _check_indicator_columns(
    df: pd.DataFrame, framework: Framework, allowed: set[str], file: str, problems: list[Problem]
) -> None:
    """A unit_id column, no unknown column, every indicator of the framework present."""
    if "unit_id" not in df.columns:
        problems.append(Problem(file, "header", "a 'unit_id' column is required" + _suggest("unit_id", df.columns)))
    for col in df.columns:
        if col not in allowed:
            problems.append(
                Problem(
                    file,
                    f"column {col}",
                    "unknown column: not an indicator or auxiliary column of the framework nor an id/group column "
                    "(list group columns in the run config's groups, auxiliary columns in the framework's auxiliary:)"
                    + _suggest(col, allowed),
                )
            )
    for c in framework.indicator_codes:
        if c not in df.columns:
            problems.append(Problem(file, f"column {c}", f"indicator {c} ({framework.name(c)}) is missing from the data"))


def _years(raw: pd.Series, file: str, problems: list[Problem]) -> pd.Series:
    """The year column as integers (years that Excel turned into dates are taken back)."""
    raw_year = raw
    as_date = raw_year.astype(str).str.fullmatch(r"(\d{4})-01-01( 00:00:00)?")
    if as_date.all():  # Excel turned the years into dates: take the year
        raw_year = raw_year.astype(str).str[:4]
    years = pd.to_numeric(raw_year, errors="coerce")
    bad = years.isna() | (years.notna() & (years % 1 != 0))
    for i in map(int, np.flatnonzero(bad.to_numpy())):
        if pd.isna(raw.iloc[i]):
            problems.append(Problem(file, f"row {_row(i)}, column year", "the year is empty"))
        elif as_date.iloc[i]:
            problems.append(Problem(file, f"row {_row(i)}, column year", "the year column holds dates; format it as a number such as 2025", str(raw.iloc[i])))
        else:
            problems.append(Problem(file, f"row {_row(i)}, column year", "expected a whole year such as 2025", str(raw.iloc[i])))
    return years.where(~bad).astype("Int64")


def _check_duplicate_rows(df: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    keys = ["unit_id", "year"] if "year" in df.columns else ["unit_id"]
    dup = df.duplicated(subset=keys, keep=False) & df["unit_id"].notna()
    first_seen: dict[tuple, int] = {}
    for i in map(int, np.flatnonzero(dup.to_numpy())):
        key = tuple(df.iloc[i][k] for k in keys)
        if key in first_seen:
            problems.append(
                Problem(
                    file,
                    f"row {_row(i)}",
                    f"duplicate {'unit-year' if len(keys) == 2 else 'unit'} row (first on row {first_seen[key]})",
                    ", ".join(str(k) for k in key),
                )
            )
        else:
            first_seen[key] = _row(i)


def _check_indicator_values(
    c: str, col: pd.Series, raw: pd.Series, meta: pd.DataFrame, year: pd.Series | None,
    file: str, problems: list[Problem],
) -> None:
    """Values within the framework's bounds; not all missing; not constant (within a year)."""
    low, high = meta.at[c, "bound_low"], meta.at[c, "bound_high"]
    if pd.notna(low) or pd.notna(high):
        lo = -np.inf if pd.isna(low) else low
        hi = np.inf if pd.isna(high) else high
        outside = col.notna() & ((col < lo) | (col > hi))
        for i in map(int, np.flatnonzero(outside.to_numpy())):
            problems.append(
                Problem(file, f"row {_row(i)}, column {c}", f"value outside the bounds [{lo:g}, {hi:g}] of {c}", f"{col.iloc[i]:g}")
            )
    if col.notna().sum() == 0 and raw.notna().sum() == 0:
        problems.append(Problem(file, f"column {c}", "all values are missing"))
        return
    if year is not None:
        for yr, s in col.groupby(year):
            if s.notna().sum() >= 2 and s.nunique() == 1:
                problems.append(
                    Problem(file, f"column {c}, year {yr}", "zero variance: every unit has the same value; drop or replace the indicator", f"{s.dropna().iloc[0]:g}")
                )
    elif col.notna().sum() >= 2 and col.nunique() == 1:
        problems.append(Problem(file, f"column {c}", "zero variance: every unit has the same value", f"{col.dropna().iloc[0]:g}"))


def load_indicators(
    path: str | Path,
    framework: Framework,
    *,
    encoding: str | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    extra_columns: Sequence[str] = (),
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Load wide or long indicator data and validate it against the framework (``sheet``: the
    worksheet of a workbook, default the active visible one)."""
    p = Path(path)
    df = read_table(p, encoding=encoding, sheet=sheet)
    problems: list[Problem] = []
    if {"indicator", "value"} <= set(df.columns):
        df = _long_to_wide(df, p.name, problems, [*framework.indicator_codes, *framework.auxiliary_codes])
        if problems:
            raise DataError(problems, title=f"{p.name}: {len(problems)} problem(s) in the indicator data")
    return validate_indicators(df, framework, file=p.name, groups=groups, extra_columns=extra_columns)


# ---------------------------------------------------------------------------------------------
# survey data
# ---------------------------------------------------------------------------------------------


def load_survey(
    path: str | Path, framework: Framework, *, encoding: str | None = None, sheet: str | int | None = None
) -> pd.DataFrame:
    """Load survey responses: one row per respondent, the item columns of the framework's scales.

    Each item is checked by its scale's ``type``: likert and ordinal items are whole numbers within
    ``likert: [lo, hi]``; continuous items any finite number (within ``range`` when the scale gives
    one); binary items 0 or 1. A value that breaks the rule is reported as written in the file.
    """
    p = Path(path)
    df = read_table(p, encoding=encoding, sheet=sheet)
    file = p.name
    problems: list[Problem] = []
    items = framework.scale_items()
    if not items:
        raise DataError([Problem(file, "", "the framework defines no survey scales ('scales:')")])
    allowed = {"respondent", "unit_id", "year", *items}
    for col in df.columns:
        if col not in allowed:
            problems.append(Problem(file, f"column {col}", "unknown column: not an item of the framework's scales" + _suggest(col, allowed)))
    for it in items:
        if it not in df.columns:
            problems.append(Problem(file, f"column {it}", "survey item missing"))
    present = [i for i in items if i in df.columns]
    vals = pd.DataFrame(index=df.index)
    for s in framework.scales:
        cols = [i for i in s.items if i in df.columns]
        vals[cols] = _numeric(df, cols, file, problems, what=_ITEM_EXPECTED[s.type])
        for it in cols:
            _check_item(s, it, vals[it], df[it], file, problems)
    if problems:
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the survey data")
    out = df.copy()
    out[present] = vals[present]
    return out


_ITEM_EXPECTED = {
    "likert": "a whole number on the Likert scale",
    "ordinal": "a whole number (an ordinal category)",
    "continuous": "a number",
    "binary": "0 or 1",
}


def _check_item(scale: Any, item: str, col: pd.Series, raw: pd.Series, file: str, problems: list[Problem]) -> None:
    """An item's values against its scale's type (see :func:`load_survey`); all missing is a problem."""
    if scale.type == "binary":
        bad = col.notna() & ~col.isin([0.0, 1.0])
        rule = f"binary item of scale {scale.code}: expected 0 or 1"
    elif scale.type == "continuous":
        lo, hi = scale.range if scale.range is not None else (-np.inf, np.inf)
        bad = col.notna() & ((col < lo) | (col > hi))
        rule = f"value outside the range [{lo:g}, {hi:g}] of scale {scale.code}"
    else:
        lo, hi = scale.likert
        bad = col.notna() & ((col < lo) | (col > hi) | (col % 1 != 0))
        rule = f"{scale.type.capitalize()} value outside {lo}–{hi} (whole numbers) of scale {scale.code}"
    for i in map(int, np.flatnonzero(bad.to_numpy())):
        problems.append(Problem(file, f"row {_row(i)}, column {item}", rule, str(raw.iloc[i]).strip()))
    if col.notna().sum() == 0:
        problems.append(Problem(file, f"column {item}", "all values are missing"))


# ---------------------------------------------------------------------------------------------
# expert data
# ---------------------------------------------------------------------------------------------


def _require(df: pd.DataFrame, cols: Sequence[str], file: str, problems: list[Problem]) -> bool:
    missing = [c for c in cols if c not in df.columns]
    for c in missing:
        problems.append(Problem(file, "header", f"column {c!r} is required; expected columns {list(cols)}" + _suggest(c, df.columns)))
    return not missing


def load_delphi(
    path: str | Path, framework: Framework, *, encoding: str | None = None, scale: tuple[int, int] = (1, 5),
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Load Delphi importance scores (long: ``expert, round, indicator, score``)."""
    p = Path(path)
    df = read_table(p, encoding=encoding, sheet=sheet)
    file = p.name
    problems: list[Problem] = []
    if not _require(df, ("expert", "round", "indicator", "score"), file, problems):
        raise DataError(problems)
    codes = set(framework.indicator_codes) | {n.code for n in framework.nodes()}
    nums = _numeric(df, ["round", "score"], file, problems)
    for i, code in enumerate(df["indicator"]):
        if pd.isna(code):
            problems.append(Problem(file, f"row {_row(i)}, column indicator", "indicator code is empty"))
        elif code not in codes:
            problems.append(Problem(file, f"row {_row(i)}, column indicator", "not a code of the framework" + _suggest(code, codes), code))
    for i in map(int, np.flatnonzero(df["expert"].isna().to_numpy())):
        problems.append(Problem(file, f"row {_row(i)}, column expert", "expert id is empty"))
    lo, hi = scale
    s = nums["score"]
    for i in map(int, np.flatnonzero((s.notna() & ((s < lo) | (s > hi))).to_numpy())):
        problems.append(Problem(file, f"row {_row(i)}, column score", f"score outside {lo}–{hi}", f"{s.iloc[i]:g}"))
    r = nums["round"]
    for i in map(int, np.flatnonzero((r.notna() & ((r < 1) | (r % 1 != 0))).to_numpy())):
        problems.append(Problem(file, f"row {_row(i)}, column round", "round must be 1, 2, …", f"{r.iloc[i]:g}"))
    dup = df.duplicated(subset=["expert", "round", "indicator"], keep="first")
    for i in map(int, np.flatnonzero(dup.to_numpy())):
        problems.append(Problem(file, f"row {_row(i)}", "duplicate expert-round-indicator score", f"{df.iloc[i]['expert']}, {df.iloc[i]['indicator']}"))
    if problems:
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the Delphi data")
    out = df[["expert", "round", "indicator"]].copy()
    out["round"] = nums["round"].astype(int)
    out["score"] = nums["score"]
    return out


def load_experts(
    path: str | Path, *, encoding: str | None = None, sheet: str | int | None = None
) -> pd.DataFrame:
    """Load expert authority (``expert, ca, cs``: judgement basis and familiarity, each in [0, 1])."""
    p = Path(path)
    df = read_table(p, encoding=encoding, sheet=sheet)
    file = p.name
    problems: list[Problem] = []
    if not _require(df, ("expert", "ca", "cs"), file, problems):
        raise DataError(problems)
    nums = _numeric(df, ["ca", "cs"], file, problems)
    for i in map(int, np.flatnonzero(df["expert"].isna().to_numpy())):
        problems.append(Problem(file, f"row {_row(i)}, column expert", "expert id is empty"))
    dup = df["expert"].notna() & df.duplicated(subset=["expert"], keep="first")
    for i in map(int, np.flatnonzero(dup.to_numpy())):
        problems.append(Problem(file, f"row {_row(i)}, column expert", "duplicate expert id", str(df["expert"].iloc[i])))
    for c in ("ca", "cs"):
        v = nums[c]
        for i in map(int, np.flatnonzero((v.notna() & ((v < 0) | (v > 1))).to_numpy())):
            problems.append(Problem(file, f"row {_row(i)}, column {c}", "expected a coefficient in [0, 1]", f"{v.iloc[i]:g}"))
    if problems:
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the expert table")
    out = df.copy()
    out[["ca", "cs"]] = nums
    return out


def ahp_matrices(
    df: pd.DataFrame, framework: Framework, *, file: str = "<memory>"
) -> dict[tuple[str, str], pd.DataFrame]:
    """Turn long AHP judgements into square matrices, checking every rule of the format."""
    problems: list[Problem] = []
    if not _require(df, ("expert", "parent", "row", "col", "value"), file, problems):
        raise DataError(problems)
    cells: dict[tuple[str, str], dict[tuple[str, str], tuple[float, int]]] = {}
    for i, rec in enumerate(df.to_dict("records")):
        where = f"row {_row(i)}"
        parent = rec["parent"]
        try:
            node = framework.node(str(parent))
        except KeyError:
            problems.append(Problem(file, f"{where}, column parent", "not a node of the framework" + _suggest(str(parent), [n.code for n in framework.nodes()]), str(parent)))
            continue
        kids = [c.code for c in node.children]
        if not kids:
            problems.append(Problem(file, f"{where}, column parent", f"{parent} is an indicator; AHP compares the children of an aggregate"))
            continue
        bad = False
        for side in ("row", "col"):
            if rec[side] not in kids:
                problems.append(Problem(file, f"{where}, column {side}", f"not a child of {parent}; expected one of {kids}", str(rec[side])))
                bad = True
        try:
            v = parse_fraction(rec["value"])
            if not np.isfinite(v) or v <= 0 or magnitude_problem(v):
                raise ValueError
        except (ValueError, ZeroDivisionError, TypeError):
            problems.append(Problem(file, f"{where}, column value", "expected a positive judgement such as 3 or 1/3", str(rec["value"])))
            bad = True
        if bad:
            continue
        if pd.isna(rec["expert"]):
            problems.append(Problem(file, f"{where}, column expert", "expert id is empty"))
            continue
        key = (str(rec["expert"]), str(parent))
        pos = (str(rec["row"]), str(rec["col"]))
        if pos in cells.setdefault(key, {}):
            problems.append(Problem(file, where, f"duplicate judgement {pos[0]} vs {pos[1]} for expert {key[0]}, parent {parent} (first on row {cells[key][pos][1]})"))
            continue
        cells[key][pos] = (v, _row(i))
    out: dict[tuple[str, str], pd.DataFrame] = {}
    for (expert, parent), entries in cells.items():
        kids = [c.code for c in framework.node(parent).children]
        m = pd.DataFrame(np.nan, index=kids, columns=kids)
        for (r, c), (v, _) in entries.items():
            m.loc[r, c] = v
        for r in kids:
            if pd.isna(m.loc[r, r]):
                m.loc[r, r] = 1.0
            elif abs(m.loc[r, r] - 1) > 1e-9:
                problems.append(Problem(file, f"expert {expert}, parent {parent}, cell {r}/{r}", "the diagonal must be 1", f"{m.loc[r, r]:g}"))
        for a in kids:
            for b in kids:
                if a == b:
                    continue
                ab, ba = m.loc[a, b], m.loc[b, a]
                if pd.isna(ab) and pd.notna(ba):
                    m.loc[a, b] = 1 / ba
                elif pd.notna(ab) and pd.notna(ba) and abs(np.log(ab * ba)) > 0.02:
                    if kids.index(a) < kids.index(b):
                        problems.append(
                            Problem(
                                file,
                                f"expert {expert}, parent {parent}, cells {a}/{b} and {b}/{a}",
                                "not reciprocal: a_ij · a_ji must be 1",
                                f"{ab:g} and {ba:g}",
                            )
                        )
        if m.isna().to_numpy().any():
            gaps = [f"{r}/{c}" for r in kids for c in kids if pd.isna(m.loc[r, c])]
            problems.append(
                Problem(file, f"expert {expert}, parent {parent}", f"incomplete {len(kids)}×{len(kids)} matrix: missing {', '.join(gaps[:6])}")
            )
        out[(expert, parent)] = m
    if problems:
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the AHP judgements")
    return out


def load_ahp(
    path: str | Path, framework: Framework, *, encoding: str | None = None, sheet: str | int | None = None
) -> dict[tuple[str, str], pd.DataFrame]:
    """Load AHP pairwise judgements (long CSV/XLSX) as ``{(expert, parent): matrix}``."""
    p = Path(path)
    return ahp_matrices(read_table(p, encoding=encoding, sheet=sheet), framework, file=p.name)


def guess_kind(columns: Iterable[str], framework: Framework) -> str:
    """Which loader a table is for, from its header: indicators, survey, delphi, experts or ahp."""
    cols = set(columns)
    if {"parent", "row", "col", "value"} <= cols:
        return "ahp"
    if {"indicator", "score", "round"} <= cols:
        return "delphi"
    if {"ca", "cs"} <= cols:
        return "experts"
    items = set(framework.scale_items())
    if items and len(cols & items) >= max(2, len(items) // 2):
        return "survey"
    return "indicators"
