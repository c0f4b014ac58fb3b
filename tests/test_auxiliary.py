"""Auxiliary data columns and denominators: framework (YAML and table), data loader, plan."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dgpe.config import load_run_config
from dgpe.data import load_indicators, validate_indicators
from dgpe.errors import ConfigError, DataError, FrameworkError
from dgpe.framework import framework_from_dict, framework_from_table, load_framework
from dgpe.plan import resolve_plan
from methods import MethodWarning

FW = {
    "index": {"code": "I", "name": "Index", "children": [
        {"code": "D1", "name": "Dim 1", "children": [
            {"code": "a", "name": "A", "direction": "positive", "denominator": "pop"},
            {"code": "b", "name": "B", "direction": "negative"}]},
        {"code": "D2", "name": "Dim 2", "children": [
            {"code": "c", "name": "C", "direction": "positive", "denominator": "gdp"},
            {"code": "d", "name": {"zh": "丁", "en": "D"}, "direction": "positive"}]}]},
    "auxiliary": [{"code": "pop", "name": {"zh": "人口", "en": "Population"}, "unit": "thousands"},
                  {"code": "gdp", "name_en": "GDP", "note": "current USD"},
                  {"code": "area", "name": "Area"}],
}


def _fw(**changes):
    raw = yaml.safe_load(yaml.safe_dump(FW))
    raw.update(changes)
    return raw


def test_yaml_auxiliary_and_denominators():
    fw = framework_from_dict(_fw())
    assert fw.auxiliary_codes == ["pop", "gdp", "area"]
    assert fw.denominators() == {"a": "pop", "c": "gdp"}
    assert fw.name("pop", "zh") == "人口" and fw.name("gdp", "zh") == "GDP"
    assert "pop" not in fw.indicator_codes
    meta = fw.to_meta().set_index("code")
    assert meta.at["a", "denominator"] == "pop" and pd.isna(meta.at["b", "denominator"])
    assert pd.isna(meta.at["D1", "denominator"])


@pytest.mark.parametrize("change,needles", [
    ({"index": {**FW["index"], "children": [
        {**FW["index"]["children"][0], "children": [
            {"code": "a", "name": "A", "direction": "positive", "denominator": "people"},
            FW["index"]["children"][0]["children"][1]]},
        FW["index"]["children"][1]]}}, ["node a", "denominator 'people' is not an auxiliary column"]),
    ({"auxiliary": [*FW["auxiliary"], {"code": "b", "name": "clash"}]}, ["auxiliary b", "also a node"]),
    ({"auxiliary": [*FW["auxiliary"], {"code": "pop", "name": "again"}]}, ["auxiliary pop", "duplicate"]),
    ({"auxiliary": [*FW["auxiliary"], {"code": "unit_id", "name": "x"}]}, ["auxiliary unit_id", "reserved"]),
    ({"index": {**FW["index"], "children": [
        {**FW["index"]["children"][0], "denominator": "pop"}, FW["index"]["children"][1]]}},
     ["node D1", "'denominator' belongs to indicators"]),
])
def test_yaml_rules_name_the_node(change, needles):
    with pytest.raises(FrameworkError) as exc:
        framework_from_dict(_fw(**change))
    text = exc.value.render()
    for n in needles:
        assert n in text, text


def test_denominator_without_auxiliary_block():
    raw = _fw()
    del raw["auxiliary"]
    with pytest.raises(FrameworkError, match="declares none"):
        framework_from_dict(raw)


def test_table_round_trip(tmp_path):
    fw = framework_from_dict(_fw())
    table = fw.to_table()
    assert list(table.columns[-2:]) == ["denominator", "type"]
    assert table.loc[table["type"] == "auxiliary", "code"].tolist() == ["pop", "gdp", "area"]
    path = tmp_path / "fw.csv"
    table.to_csv(path, index=False)
    again = load_framework(path)
    pd.testing.assert_frame_equal(again.to_table(), load_framework(path).to_table())
    pd.testing.assert_frame_equal(again.to_meta(), fw.to_meta())
    assert again.auxiliary_codes == fw.auxiliary_codes and again.denominators() == fw.denominators()
    # table → framework → table: the same table
    back = pd.read_csv(path, dtype=str)
    pd.testing.assert_frame_equal(again.to_table().astype(str), framework_from_table(back).to_table().astype(str))


def test_default_framework_table_has_no_new_columns(framework):
    assert "denominator" not in framework.to_table().columns
    assert framework.auxiliary == () and "denominator" in framework.to_meta().columns


def test_table_rules_name_the_row():
    table = framework_from_dict(_fw()).to_table()
    table.loc[table["code"] == "c", "denominator"] = "GDP"  # wrong case
    with pytest.raises(FrameworkError, match=r"row 4, node c: denominator 'GDP' is not an auxiliary column"):
        framework_from_table(table)
    table = framework_from_dict(_fw()).to_table()
    table.loc[table["code"] == "area", "parent"] = "I"
    table.loc[table["code"] == "d", "type"] = "weird"
    with pytest.raises(FrameworkError) as exc:
        framework_from_table(table)
    text = exc.value.render()
    assert "row 11, auxiliary area" in text and "leave parent empty" in text
    assert "row 5, column type" in text and "weird" in text


def test_aux_type_aliases():
    table = framework_from_dict(_fw()).to_table()
    table["type"] = table["type"].replace({"auxiliary": "分母"})
    assert framework_from_table(table).auxiliary_codes == ["pop", "gdp", "area"]


def _data(**cols):
    base = {"unit_id": ["u1", "u2", "u3"], "pop": ["10", "20", "30"], "gdp": ["1", "2", "3"],
            "a": ["1", "2", "4"], "b": ["3", "2", "1"], "c": ["5", "6", "8"], "d": ["1", "0", "2"]}
    base.update(cols)
    return pd.DataFrame(base)


def test_loader_keeps_auxiliary_columns():
    fw = framework_from_dict(_fw())
    out = validate_indicators(_data(), fw, groups=())
    assert list(out.columns) == ["unit_id", "pop", "gdp", "a", "b", "c", "d"]
    assert out["pop"].dtype == float


def test_loader_reports_bad_denominators_by_row():
    fw = framework_from_dict(_fw())
    with pytest.raises(DataError) as exc:
        validate_indicators(_data(pop=["10", "0", "x"], gdp=["1", "-2", "3"]), fw, groups=())
    text = exc.value.render()
    assert "row 3, column pop" in text and "must be > 0" in text
    assert "row 3, column gdp" in text and "row 4, column pop" in text and "expected a number" in text
    with pytest.raises(DataError, match="auxiliary column gdp .* missing"):
        validate_indicators(_data().drop(columns="gdp"), fw, groups=())
    # an unused auxiliary column may be absent; an unknown one is still unknown
    with pytest.raises(DataError, match="unknown column"):
        validate_indicators(_data(popul=["1", "2", "3"]), fw, groups=())


def _run(tmp_path: Path, build: dict, fw: dict | None = None) -> Path:
    (tmp_path / "fw.yaml").write_text(yaml.safe_dump(fw or _fw(), allow_unicode=True), encoding="utf-8")
    rows = {"unit_id": [f"u{i}" for i in range(12)], "pop": [10 + i for i in range(12)],
            "gdp": [1 + i % 5 for i in range(12)], "a": [i * 3 % 7 for i in range(12)],
            "b": [i % 4 for i in range(12)], "c": [(i * 5) % 11 for i in range(12)], "d": [i % 3 for i in range(12)]}
    pd.DataFrame(rows).to_csv(tmp_path / "data.csv", index=False)
    cfg = {"framework": "fw.yaml", "data": {"indicators": "data.csv"}, "groups": [], "build": build}
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return tmp_path / "run.yaml"


def test_plan_denominates_from_meta_and_mapping(tmp_path):
    plan = resolve_plan(load_run_config(_run(tmp_path, {"denominate": {"denominators": "meta"}})))
    raw, den = plan.index.stages["raw"], plan.index.stages["denominated"]
    pd.testing.assert_series_equal(den["a"], raw["a"] / plan.data["pop"], check_names=False)
    plan = resolve_plan(load_run_config(_run(tmp_path, {"denominate": {"denominators": {"b": "gdp"}, "scale": 100}})))
    den = plan.index.stages["denominated"]
    pd.testing.assert_series_equal(den["b"], 100 * plan.data["b"] / plan.data["gdp"], check_names=False)


def test_plan_refuses_denominate_without_denominators(tmp_path):
    raw = yaml.safe_load(yaml.safe_dump(FW))
    for dim in raw["index"]["children"]:
        for ind in dim["children"]:
            ind.pop("denominator", None)
    with pytest.raises(ConfigError, match="field build.denominate.*declares no denominator"):
        resolve_plan(load_run_config(_run(tmp_path, {"denominate": {"denominators": "meta"}}, raw)))
    with pytest.raises(ConfigError, match="b: people is not an auxiliary column"):
        resolve_plan(load_run_config(_run(tmp_path, {"denominate": {"denominators": {"b": "people"}}})))


def test_long_format_with_auxiliary_rows(tmp_path):
    fw = framework_from_dict(_fw())
    wide = _data()
    long = wide.melt(id_vars="unit_id", var_name="indicator", value_name="value")
    long.to_csv(tmp_path / "long.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        out = load_indicators(tmp_path / "long.csv", fw, groups=())
    assert out.set_index("unit_id").loc["u2", "pop"] == 20


def test_audit_describes_the_denominated_values(tmp_path):
    """The audit's distributions and correlations work on the ratios the build uses, not the
    totals as delivered; without build.denominate they see the delivered values."""
    from dgpe.sections import audit
    from dgpe.session import open_run

    run = open_run(_run(tmp_path, {"denominate": {"denominators": "meta"}}), notebook="t")
    den = run.plan.index.stages["denominated"]
    pd.testing.assert_frame_equal(run.X_denominated, den[list(run.X.columns)])
    assert not run.X_denominated["a"].equals(run.X["a"])
    from methods.index.audit import distribution_table

    dist = audit.distributions(run).get_table("distributions")
    expected = distribution_table(den[list(run.X.columns)])
    assert dist.loc["a", "skewness"] == pytest.approx(float(expected.loc["a", "skewness"]), rel=1e-12)
    assert dist.loc["a", "skewness"] != pytest.approx(float(distribution_table(run.X).loc["a", "skewness"]))
    plain = open_run(_run(tmp_path, {}), notebook="t")
    assert plain.X_denominated is plain.X_input
