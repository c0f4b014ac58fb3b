"""Property-based tests of the readers: any input is read exactly right or refused with a DgpeError.

Random bytes, random Chinese (and Latin) text in random encodings, random workbooks (sheets,
visibility, the active one) and random cell types. A reader may refuse (a :class:`DgpeError` that
names the file); it may never return something other than what the file holds, nor raise anything
else. Examples are few (``max_examples`` 40–60) so that the file runs in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dgpe.config import load_run_config
from dgpe.data import load_experts
from dgpe.errors import DgpeError
from dgpe.io import MISSING_TOKENS, read_table

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
#: The 3,755 most common Chinese characters (GB2312 level 1), as Chinese files mostly hold.
COMMON_HANZI = "".join(bytes([a, b]).decode("gb2312") for a in range(0xB0, 0xD8) for b in range(0xA1, 0xFF)
                       if not (a == 0xD7 and b > 0xF9))
ANY_HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
NAME = st.one_of(st.text(st.sampled_from(COMMON_HANZI), min_size=1, max_size=8),
                 st.text(ANY_HANZI, min_size=1, max_size=8),
                 st.text(st.sampled_from("abcdefgüéèàöß ÄÖÜçñ"), min_size=1, max_size=8).map(str.strip)
                 .filter(bool))
NAME = NAME.filter(lambda n: n.strip().lower() not in MISSING_TOKENS and n == n.strip())
ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "big5", "latin-1", "shift_jis", "cp1252"]


def scratch(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix="dgpe-hyp-")) / name


def refusal_names_file(exc: DgpeError, file: str) -> None:
    assert exc.problems and all(p.file.endswith(file) or file in p.file for p in exc.problems), str(exc)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_are_read_or_refused(raw):
    p = scratch("random.csv")
    p.write_bytes(raw)
    try:
        df = read_table(p)
    except DgpeError as exc:
        refusal_names_file(exc, "random.csv")
        return
    assert isinstance(df, pd.DataFrame)


@SETTINGS
@given(st.lists(NAME, min_size=1, max_size=6), st.sampled_from(ENCODINGS), st.data())
def test_names_in_random_encodings_exact_or_refused(names, encoding, data):
    values = data.draw(st.lists(st.integers(-10**6, 10**6), min_size=len(names), max_size=len(names)))
    df = pd.DataFrame({"unit_id": [f"U{i}" for i in range(len(names))], "unit_name": names, "value": values})
    try:
        raw = df.to_csv(index=False).encode(encoding)
    except UnicodeEncodeError:
        return  # the encoding cannot hold these names
    p = scratch("names.csv")
    p.write_bytes(raw)
    try:
        got = read_table(p)
    except DgpeError as exc:
        refusal_names_file(exc, "names.csv")
        assert "--encoding" in str(exc) or "line" in str(exc), str(exc)
        return
    assert got["unit_name"].tolist() == names, (encoding, got["unit_name"].tolist())
    assert got["value"].astype(int).tolist() == values


@SETTINGS
@given(st.lists(NAME, min_size=1, max_size=5), st.sampled_from(["gbk", "gb18030"]))
def test_common_chinese_in_gbk_is_read(names, encoding):
    names = [n for n in names if all(ch in COMMON_HANZI for ch in n)] or ["北京"]
    df = pd.DataFrame({"unit_id": [f"U{i}" for i in range(len(names))], "unit_name": names})
    p = scratch("gbk.csv")
    p.write_bytes(df.to_csv(index=False).encode(encoding))
    try:
        got = read_table(p)
    except DgpeError as exc:  # only when every character is also a two-byte UTF-8 one ("一" = "һ")
        assert "reads as UTF-8" in str(exc) and "GBK" in str(exc), str(exc)
        return
    assert got["unit_name"].tolist() == names


SHEET = st.lists(st.lists(st.integers(0, 99), min_size=2, max_size=2), min_size=1, max_size=4)


@SETTINGS
@given(st.lists(st.tuples(SHEET, st.booleans()), min_size=1, max_size=4), st.data())
def test_random_workbooks_read_the_visible_sheet(sheets, data):
    if all(hidden for _, hidden in sheets):
        sheets[0] = (sheets[0][0], False)
    active = data.draw(st.integers(0, len(sheets) - 1))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for k, (rows, hidden) in enumerate(sheets):
        ws = wb.create_sheet(f"s{k}")
        ws.append(["a", "b"])
        for r in rows:
            ws.append(r)
        ws.sheet_state = "hidden" if hidden else "visible"
    visible = [k for k, (_, hidden) in enumerate(sheets) if not hidden]
    wb.active = active if active in visible else visible[0]
    p = scratch("book.xlsx")
    wb.save(p)
    expected = active if active in visible else visible[0]
    got = read_table(p)
    assert got.to_numpy().tolist() == [[str(v) for v in r] for r in sheets[expected][0]]


CELL = st.one_of(
    st.none(), st.booleans(), st.integers(-10**18, 10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12), st.sampled_from(["0,5", "1,234", "1.234,5", "#DIV/0!", "n/a", "—", "1e308", "inf"]),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)


@SETTINGS
@given(st.lists(CELL, min_size=1, max_size=8), st.sampled_from(["xlsx", "csv"]))
def test_random_cell_types_exact_or_refused(cells, kind):
    p = scratch(f"experts.{kind}")
    rows = [["expert", "ca", "cs"]] + [[f"E{i}", c, 0.5] for i, c in enumerate(cells)]
    if kind == "xlsx":
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append([v if not (isinstance(v, float) and math.isnan(v)) else None for v in r])
        wb.save(p)
    else:
        pd.DataFrame(rows[1:], columns=rows[0]).to_csv(p, index=False)
    try:
        got = load_experts(p)
    except DgpeError as exc:
        refusal_names_file(exc, p.name)
        return
    for i, c in enumerate(cells):
        if isinstance(c, float) and not isinstance(c, bool) and math.isfinite(c) and 0 <= c <= 1:
            assert got["ca"].iloc[i] == c, (c, got["ca"].iloc[i])


@SETTINGS
@given(st.text(max_size=300))
def test_random_run_configs_are_read_or_refused(text):
    p = scratch("run.yaml")
    p.write_text(text, encoding="utf-8")
    try:
        load_run_config(p)
    except DgpeError:
        return
