"""A catalogue of bad inputs: each must give a clear error naming the place and what was expected.

Every case builds a broken file (or mapping), calls the loader a user would call, and checks that the
message names the file, the place (row as Excel shows it, column, node, field) and the expectation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dgpe.config import load_run_config
from dgpe.data import load_ahp, load_delphi, load_experts, load_indicators, load_survey
from dgpe.errors import DgpeError
from dgpe.framework import framework_from_dict, load_framework

ROOT = Path(__file__).resolve().parents[1]
FW_PATH = ROOT / "data" / "framework.yaml"
EX = ROOT / "data" / "example"


def fw_raw() -> dict:
    return yaml.safe_load(FW_PATH.read_text(encoding="utf-8"))


def first_indicator(raw: dict) -> dict:
    return raw["index"]["children"][0]["children"][0]["children"][0]


def indicators_head(n: int = 6) -> pd.DataFrame:
    df = pd.read_csv(EX / "indicators.csv", dtype=str, keep_default_na=False)
    return df[df["year"] == "2025"].head(n).reset_index(drop=True)


def write_csv(tmp: Path, df: pd.DataFrame, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    p = tmp / name
    df.to_csv(p, index=False, encoding=encoding)
    return p


# -- framework cases -----------------------------------------------------------------------------


def _yaml_case(mutate: Callable[[dict], None]) -> Callable[[Path], None]:
    def run(tmp: Path) -> None:
        raw = fw_raw()
        mutate(raw)
        p = tmp / "framework.yaml"
        p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        load_framework(p)

    return run


def _table_case(mutate: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    def run(tmp: Path) -> None:
        table = load_framework(FW_PATH).to_table()
        p = tmp / "framework.csv"
        mutate(table).to_csv(p, index=False, encoding="utf-8")
        load_framework(p)

    return run


def _dup(raw: dict) -> None:
    sub = raw["index"]["children"][0]["children"][0]
    sub["children"].append(copy.deepcopy(sub["children"][0]))


def _set_first(key: str, value) -> Callable[[dict], None]:
    def m(raw: dict) -> None:
        first_indicator(raw)[key] = value

    return m


def _drop_direction(raw: dict) -> None:
    first_indicator(raw).pop("direction")


def _zero_sum(raw: dict) -> None:
    for c in raw["index"]["children"][0]["children"][0]["children"]:
        c["weight"] = 0


def _bad_scale(raw: dict) -> None:
    raw["scales"][0]["reverse"] = ["ZZ9"]


def _unknown_parent(t: pd.DataFrame) -> pd.DataFrame:
    t.loc[t["code"] == "A1.1", "parent"] = "A9"
    return t


def _cycle(t: pd.DataFrame) -> pd.DataFrame:
    t.loc[t["code"] == "A", "parent"] = "A1"
    return t


def _two_roots(t: pd.DataFrame) -> pd.DataFrame:
    t.loc[t["code"] == "D", "parent"] = ""
    return t


def _bad_level(t: pd.DataFrame) -> pd.DataFrame:
    t.loc[t["code"] == "A1.1", "level"] = 2
    return t


def _bad_yaml(tmp: Path) -> None:
    p = tmp / "framework.yaml"
    p.write_text("index:\n  code: X\n  children: [\n", encoding="utf-8")
    load_framework(p)


# -- indicator data cases -------------------------------------------------------------------------


def _data_case(mutate: Callable[[pd.DataFrame], pd.DataFrame], encoding: str = "utf-8", name: str = "data.csv"):
    def run(tmp: Path) -> None:
        fw = load_framework(FW_PATH)
        p = write_csv(tmp, mutate(indicators_head()), name=name, encoding=encoding)
        load_indicators(p, fw)

    return run


def _cell(col: str, row: int, value: str):
    def m(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[row, col] = value
        return df

    return m


def _rename(old: str, new: str):
    return lambda df: df.rename(columns={old: new})


def _drop(col: str):
    return lambda df: df.drop(columns=[col])


def _duplicate_row(df: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([df, df.iloc[[1]]], ignore_index=True)


def _constant(col: str, value: str):
    def m(df: pd.DataFrame) -> pd.DataFrame:
        df[col] = value
        return df

    return m


def _undecodable(tmp: Path) -> None:
    p = tmp / "broken.csv"
    p.write_bytes(b"unit_id,year\n\x80\x80,2025\n")
    load_indicators(p, load_framework(FW_PATH))


def _empty_file(tmp: Path) -> None:
    p = tmp / "empty.csv"
    p.write_bytes(b"")
    load_indicators(p, load_framework(FW_PATH))


def _wrong_type(tmp: Path) -> None:
    p = tmp / "data.ods"
    p.write_bytes(b"PK")
    load_indicators(p, load_framework(FW_PATH))


# -- survey and expert cases ------------------------------------------------------------------------


def _survey_case(tmp: Path) -> None:
    df = pd.read_csv(EX / "survey.csv", dtype=str, keep_default_na=False).head(5)
    df.loc[3, "ON1"] = "7"
    load_survey(write_csv(tmp, df, "survey.csv"), load_framework(FW_PATH))


def _delphi_case(tmp: Path) -> None:
    df = pd.read_csv(EX / "delphi.csv", dtype=str).head(5)
    df.loc[2, "indicator"] = "B9.9"
    load_delphi(write_csv(tmp, df, "delphi.csv"), load_framework(FW_PATH))


def _delphi_score(tmp: Path) -> None:
    df = pd.read_csv(EX / "delphi.csv", dtype=str).head(5)
    df.loc[0, "score"] = "6"
    load_delphi(write_csv(tmp, df, "delphi.csv"), load_framework(FW_PATH))


def _experts_case(tmp: Path) -> None:
    df = pd.read_csv(EX / "experts.csv", dtype=str)
    df.loc[1, "cs"] = "1.5"
    load_experts(write_csv(tmp, df, "experts.csv"))


def _ahp_case(mutate: Callable[[pd.DataFrame], pd.DataFrame]):
    def run(tmp: Path) -> None:
        df = pd.read_csv(EX / "ahp.csv", dtype=str)
        df = df[(df["expert"] == "A01") & (df["parent"] == "DGPE")].reset_index(drop=True)
        load_ahp(write_csv(tmp, mutate(df), "ahp.csv"), load_framework(FW_PATH))

    return run


def _nonreciprocal(df: pd.DataFrame) -> pd.DataFrame:
    i = df.index[(df["row"] == "A") & (df["col"] == "B")][0]
    j = df.index[(df["row"] == "B") & (df["col"] == "A")][0]
    df.loc[i, "value"], df.loc[j, "value"] = "3", "3"
    return df


def _ahp_value(value: str):
    def m(df: pd.DataFrame) -> pd.DataFrame:
        i = df.index[(df["row"] == "A") & (df["col"] == "C")][0]
        df.loc[i, "value"] = value
        return df

    return m


def _ahp_foreign(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[1, "col"] = "A1"
    return df


def _ahp_incomplete(df: pd.DataFrame) -> pd.DataFrame:
    return df[~(((df["row"] == "A") & (df["col"] == "D")) | ((df["row"] == "D") & (df["col"] == "A")))]


# -- config cases ------------------------------------------------------------------------------------


def _config_case(text: str):
    def run(tmp: Path) -> None:
        p = tmp / "run.yaml"
        p.write_text(text.replace("@EX", str(EX)).replace("@FW", str(FW_PATH)), encoding="utf-8")
        load_run_config(p)

    return run




# -- cases found in review ------------------------------------------------------------------------


def _fake_xlsx(tmp: Path) -> None:
    p = tmp / "fake.xlsx"
    p.write_text("unit_id,year\nP1,2025\n", encoding="utf-8")
    load_indicators(p, load_framework(FW_PATH))


def _long(mutate: Callable[[pd.DataFrame], pd.DataFrame]):
    def run(tmp: Path) -> None:
        wide = indicators_head(3)
        long = wide.melt(id_vars=["unit_id", "unit_name", "year", "province", "tier"], var_name="indicator", value_name="value")
        load_indicators(write_csv(tmp, mutate(long), "long.csv"), load_framework(FW_PATH))

    return run


def _long_bad_value(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[50, "value"] = "abc"
    return df


def _long_unknown(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[7, "indicator"] = "Z9.9"
    return df


def _delphi_blank(tmp: Path) -> None:
    df = pd.read_csv(EX / "delphi.csv", dtype=str).head(5)
    df.loc[1, "indicator"] = ""
    load_delphi(write_csv(tmp, df, "delphi.csv"), load_framework(FW_PATH))


def _sidecar(tmp: Path) -> None:
    load_framework(FW_PATH).to_table().to_csv(tmp / "fw.csv", index=False)
    (tmp / "fw.scales.yaml").write_text("scales: [\n", encoding="utf-8")
    load_framework(tmp / "fw.csv")


def _experts_dup(tmp: Path) -> None:
    df = pd.read_csv(EX / "experts.csv", dtype=str)
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    load_experts(write_csv(tmp, df, "experts.csv"))


def _items_string(raw: dict) -> None:
    raw["scales"][0]["items"] = "ON1 ON2"


def _reserved(raw: dict) -> None:
    first_indicator(raw)["code"] = "year"


def _nan_weight(raw: dict) -> None:
    first_indicator(raw)["weight"] = float("nan")


def _corrupt_manifest(tmp: Path) -> None:
    from dgpe.verify import verify_report

    (tmp / "manifest.json").write_text("{not json", encoding="utf-8")
    verify_report(tmp)


CASES = [
    # (id, runner, fragments that must all appear in the message)
    ("duplicate-code", _yaml_case(_dup), ["framework.yaml", "node A1.1", "duplicate code"]),
    ("negative-weight", _yaml_case(_set_first("weight", -1)), ["node A1.1", "weight must be a finite number ≥ 0", "-1"]),
    ("zero-sum-weights", _yaml_case(_zero_sum), ["node A1", "sum to zero"]),
    ("unknown-direction", _yaml_case(_set_first("direction", "up")), ["node A1.1", "direction must be 'positive' or 'negative'", "'up'"]),
    ("unknown-unit", _yaml_case(_set_first("unit", "furlongs")), ["node A1.1", "unit must be one of", "furlongs"]),
    ("unknown-kind", _yaml_case(_set_first("kind", "impact")), ["node A1.1", "kind must be 'input', 'output' or 'outcome'"]),
    ("leaf-without-direction", _yaml_case(_drop_direction), ["indicator A1.1", "needs a direction"]),
    ("bounds-reversed", _yaml_case(_set_first("bounds", [1, 0])), ["node A1.1", "bounds reversed"]),
    ("scale-reverse-item", _yaml_case(_bad_scale), ["scale ONLINE", "reverse-keyed item ZZ9 is not one of its items"]),
    ("yaml-syntax", _bad_yaml, ["framework.yaml", "line", "not valid YAML"]),
    ("table-unknown-parent", _table_case(_unknown_parent), ["framework.csv", "row 2, node A1.1", "unknown parent 'A9'"]),
    ("table-cycle", _table_case(_cycle), ["framework.csv", "cycle in parents"]),
    ("table-two-roots", _table_case(_two_roots), ["column parent", "exactly one root", "found 2"]),
    ("table-level", _table_case(_bad_level), ["row 2, node A1.1", "level 2 disagrees with the tree: expected 1"]),
    ("data-non-numeric", _data_case(_cell("A1.1", 3, "abc")), ["data.csv", "row 5, column A1.1", "expected a number", "'abc'"]),
    ("data-unknown-column", _data_case(_rename("B1.4", "B1.40")), ["column B1.40", "unknown column", "did you mean 'B1.4'"]),
    ("data-missing-column", _data_case(_drop("C2.2")), ["column C2.2", "missing from the data"]),
    ("data-duplicate-unit-year", _data_case(_duplicate_row), ["row 8", "duplicate unit-year row (first on row 3)"]),
    ("data-out-of-bounds", _data_case(_cell("A1.2", 0, "1.7")), ["row 2, column A1.2", "outside the bounds [0, 1]", "'1.7'"]),
    ("data-zero-variance", _data_case(_constant("B1.3", "0.2")), ["column B1.3, year 2025", "zero variance"]),
    ("data-all-missing", _data_case(_constant("C1.2", "")), ["column C1.2", "all values are missing"]),
    ("data-bad-year", _data_case(_cell("year", 2, "2025.5")), ["row 4, column year", "expected a whole year"]),
    ("data-missing-unit-id", _data_case(_cell("unit_id", 4, "")), ["row 6, column unit_id", "every row needs a unit_id"]),
    ("data-gbk-non-numeric", _data_case(_cell("D2.1", 1, "较好"), encoding="gbk"), ["row 3, column D2.1", "expected a number", "'较好'"]),
    ("data-undecodable", _undecodable, ["broken.csv", "expected UTF-8, UTF-8 with BOM or GBK/GB18030"]),
    ("data-empty", _empty_file, ["empty.csv", "the file is empty"]),
    ("data-wrong-type", _wrong_type, ["data.ods", "unknown file type; expected .csv, .tsv or .xlsx"]),
    ("survey-likert", _survey_case, ["survey.csv", "row 5, column ON1", "Likert value outside 1–5"]),
    ("delphi-unknown-indicator", _delphi_case, ["delphi.csv", "row 4, column indicator", "not a code of the framework", "B9.9"]),
    ("delphi-score", _delphi_score, ["row 2, column score", "score outside 1–5"]),
    ("experts-coefficient", _experts_case, ["experts.csv", "row 3, column cs", "expected a coefficient in [0, 1]"]),
    ("ahp-nonreciprocal", _ahp_case(_nonreciprocal), ["ahp.csv", "expert A01, parent DGPE, cells A/B and B/A", "not reciprocal"]),
    ("ahp-nonpositive", _ahp_case(_ahp_value("-3")), ["column value", "expected a positive judgement"]),
    ("ahp-zero", _ahp_case(_ahp_value("1/0")), ["column value", "expected a positive judgement", "1/0"]),
    ("ahp-foreign-child", _ahp_case(_ahp_foreign), ["row 3, column col", "not a child of DGPE"]),
    ("ahp-incomplete", _ahp_case(_ahp_incomplete), ["expert A01, parent DGPE", "incomplete 4×4 matrix", "A/D"]),
    ("config-unknown-field", _config_case("name: x\nframework: @FW\ndata: {indicators: @EX/indicators.csv}\ncolour: red\n"), ["run.yaml", "field colour", "unknown field"]),
    ("config-escaping-name", _config_case("name: ../../etc\nframework: @FW\ndata: {indicators: @EX/indicators.csv}\n"), ["field name", "cannot contain '/' or '..'"]),
    ("config-missing-file", _config_case("framework: @FW\ndata: {indicators: @EX/nope.csv}\n"), ["field data.indicators", "file not found"]),
    ("data-xlsx-not-a-workbook", _fake_xlsx, ["fake.xlsx", "not a valid XLSX workbook"]),
    ("data-long-no-unit-id", _long(lambda d: d.drop(columns=["unit_id"])), ["long.csv", "column 'unit_id' is required"]),
    ("data-long-bad-value", _long(_long_bad_value), ["long.csv", "row 52, column value", "expected a number", "'abc'"]),
    ("data-long-unknown-indicator", _long(_long_unknown), ["row 9, column indicator", "not an indicator of the framework", "Z9.9"]),
    ("data-infinite", _data_case(_cell("A1.4", 1, "1e400")), ["row 3, column A1.4", "expected a finite number"]),
    ("data-empty-year", _data_case(_cell("year", 1, "")), ["row 3, column year", "the year is empty"]),
    ("delphi-blank-indicator", _delphi_blank, ["row 3, column indicator", "indicator code is empty"]),
    ("experts-duplicate", _experts_dup, ["column expert", "duplicate expert id"]),
    ("framework-sidecar-yaml", _sidecar, ["fw.scales.yaml", "not valid UTF-8 YAML"]),
    ("framework-items-string", _yaml_case(_items_string), ["scale ONLINE", "items must be a list"]),
    ("framework-reserved-code", _yaml_case(_reserved), ["node year", "reserved for the data's id and group columns"]),
    ("framework-nan-weight", _yaml_case(_nan_weight), ["node A1.1", "weight must be a finite number"]),
    ("report-corrupt-manifest", _corrupt_manifest, ["manifest.json", "damaged"]),
    ("config-bad-lang", _config_case("framework: @FW\ndata: {indicators: @EX/indicators.csv}\nlang: fr\n"), ["field lang", "'zh' or 'en'"]),
]


@pytest.mark.parametrize("case_id,runner,fragments", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_clearly(tmp_path, case_id, runner, fragments):
    with pytest.raises(DgpeError) as info:
        runner(tmp_path)
    message = str(info.value)
    missing = [f for f in fragments if f not in message]
    assert not missing, f"{case_id}: message lacks {missing}:\n{message}"


def test_catalogue_has_at_least_twenty_cases():
    assert len(CASES) >= 20


def test_every_problem_is_listed_at_once(tmp_path):
    df = indicators_head()
    df.loc[0, "A1.1"] = "n/a?"
    df.loc[2, "B1.1"] = "2.5"
    df = df.rename(columns={"C1.1": "C1.1 "}).drop(columns=["D2.2"])
    df["extra"] = "x"
    p = write_csv(tmp_path, df, encoding="gb18030")
    with pytest.raises(DgpeError) as info:
        load_indicators(p, load_framework(FW_PATH))
    msg = str(info.value)
    for frag in ("row 2, column A1.1", "row 4, column B1.1", "column D2.2", "column extra"):
        assert frag in msg
    assert len(info.value.problems) >= 4


def test_framework_dict_without_index():
    with pytest.raises(DgpeError, match="expected a mapping with an 'index:' tree"):
        framework_from_dict({"nodes": []})
