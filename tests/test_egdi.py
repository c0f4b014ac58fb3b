"""The UN EGDI real data set (data/real/egdi/): harmonisation, reproduction of the published EGDI
and ranks of every edition 2010-2024 through dgpe's own index code (each edition's method in
editions.yaml: the 2010 weights, the 2010 and 2012 zero rules), the country-name alias table and the
year-to-year comparability problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgpe.config import ALL_NOTEBOOKS, load_run_config
from dgpe.data import load_indicators
from dgpe.egdi import (
    COMPONENTS,
    COUNTRY_ALIASES,
    RAW_FILES,
    build_egdi_dataset,
    country_codes,
    harmonise_egdi,
    name_codes_from,
    normalise_name,
)
from dgpe.egdi_editions import EDITIONS_YAML, egdi_as_published, load_editions
from dgpe.errors import DataError
from dgpe.framework import load_framework
from dgpe.session import load_inputs
from methods.index import IndexSpec, build_index
from methods.index.comparability import rescaling_drift

EQUAL_WEIGHT_YEARS = (2014, 2016, 2018, 2022, 2024)  # the equal-weight build of configs/egdi.yaml
EDITIONS = (2010, 2012, *EQUAL_WEIGHT_YEARS)
TOL = 1e-4


@pytest.fixture(scope="module")
def egdi_dir(root):
    return root / "data" / "real" / "egdi"


@pytest.fixture(scope="module")
def egdi_framework(egdi_dir):
    return load_framework(egdi_dir / "framework.yaml")


@pytest.fixture(scope="module")
def panel(egdi_dir, egdi_framework):
    return load_indicators(egdi_dir / "egdi.csv", egdi_framework, groups=())


@pytest.fixture(scope="module")
def published(egdi_dir):
    return pd.read_csv(egdi_dir / "published.csv", dtype={"rank": "Int64"})


@pytest.fixture(scope="module")
def spec(root):
    """The build of the shipped run config (no normalisation, equal weights, arithmetic mean)."""
    return IndexSpec.from_dict(load_run_config(root / "configs" / "egdi.yaml").build)


@pytest.fixture(scope="module")
def computed(panel, egdi_framework, spec):
    """EGDI of every year, through methods.index.build_index."""
    meta = egdi_framework.to_meta()
    out = {}
    for y in sorted(panel["year"].unique()):
        X = panel[panel["year"] == y].set_index("unit_id")[list(COMPONENTS)]
        out[int(y)] = build_index(X, meta, spec).scores["EGDI"]
    return out


def _published(published: pd.DataFrame, year: int) -> pd.DataFrame:
    return published[published["year"] == year].set_index("unit_id")


def _decimals(values: pd.Series) -> int:
    """Decimals the survey published (4 or 5)."""
    v = values.dropna().to_numpy()
    for d in range(1, 9):
        if np.allclose(v, np.round(v, d), rtol=0, atol=1e-12):
            return d
    return 9


def _ranks_as_published(egdi: pd.Series, pub: pd.Series) -> pd.Series:
    """Competition ranks ('min' ties) at the precision the survey ranked at.

    Where the published table shows ties (2018, 2022: 4 decimals, e.g. Iceland and Sweden both
    0.9410 and both 5th in 2022 although their component means are 0.94097 and 0.94103), the
    survey ranked the rounded EGDI, so do we. Otherwise rank at full precision (float noise of the
    mean removed at 1e-9)."""
    tied = pub.dropna().duplicated(keep=False).any()
    basis = egdi.round(_decimals(pub)) if tied else egdi.round(9)
    return basis.rank(ascending=False, method="min").astype("Int64")


# ------------------------------------------------------------------------------ the data set


def test_committed_csvs_are_the_build_of_the_raw_files(egdi_dir):
    egdi, pub = build_egdi_dataset(egdi_dir / "raw")
    pd.testing.assert_frame_equal(
        egdi, pd.read_csv(egdi_dir / "egdi.csv"), check_dtype=False, rtol=0, atol=1e-12
    )
    pd.testing.assert_frame_equal(
        pub,
        pd.read_csv(egdi_dir / "published.csv", dtype={"rank": "Int64"}),
        check_dtype=False,
        rtol=0,
        atol=1e-12,
    )


def test_panel_shape_and_format(panel, published):
    assert list(panel.columns) == ["unit_id", "unit_name", "year", "OSI", "TII", "HCI"]
    assert sorted(panel["year"].unique()) == [2010, 2012, 2014, 2016, 2018, 2022, 2024]
    n = panel.groupby("year").size()
    assert n.drop(2010).eq(193).all() and n[2010] == 192  # South Sudan has no 2010 data
    assert not panel.duplicated(["unit_id", "year"]).any()
    assert panel["unit_id"].str.fullmatch(r"[A-Z]{3}").all()
    assert set(published.columns) == {"unit_id", "year", "egdi", "rank"}
    assert len(published) == len(panel)
    # the 2024 file's Region column is wrong (Nicaragua "Europe") and is not carried over
    assert "Region" not in panel.columns and "region" not in panel.columns
    # spot checks against the raw files (2022 example of SOURCE.md)
    chn = panel[(panel["unit_id"] == "CHN") & (panel["year"] == 2022)].iloc[0]
    assert (chn["OSI"], chn["TII"], chn["HCI"]) == (0.8876, 0.8050, 0.7429)
    assert _published(published, 2022).loc["CHN", "egdi"] == 0.8119
    irq = panel[(panel["unit_id"] == "IRQ") & (panel["year"] == 2010)].iloc[0]
    assert irq["HCI"] == 0.69556  # 0.6955600000000001 in the UNU-EGOV file


def test_run_config_loads(root):
    cfg = load_run_config(root / "configs" / "egdi.yaml")
    assert cfg.groups == [] and cfg.year == 2024 and cfg.notebooks == list(ALL_NOTEBOOKS)
    inputs = load_inputs(cfg)
    assert inputs["framework"].indicator_codes == ["OSI", "TII", "HCI"]
    assert inputs["survey"] is None and inputs["ahp"] is None


def test_sensitivity_section_runs(root, panel, egdi_framework):
    """The config's weights x aggregation analysis needs a positive scale for the geometric mean:
    every component has a country at exactly 0 in every edition since 2012."""
    from methods.sensitivity import SensitivitySpec, uncertainty_analysis

    cfg = load_run_config(root / "configs" / "egdi.yaml")
    X = panel[panel["year"] == cfg.year].set_index("unit_id")[list(COMPONENTS)]
    assert (X == 0).any().all()
    kw = {**SensitivitySpec.from_dict(cfg.sensitivity).kwargs(), "n": 16, "design": "random"}
    r = uncertainty_analysis(
        X, egdi_framework.to_meta(), cfg.build, seed=cfg.seed, **kw,
        unit_sobol=False, importance=False,
    )  # fmt: skip
    assert r.units.loc["DNK", "nominal_rank"] == 1 and r.mean_abs_shift > 0


def test_framework(egdi_framework):
    meta = egdi_framework.to_meta().set_index("code")
    assert egdi_framework.index.code == "EGDI" and egdi_framework.scales == ()
    assert list(meta.index) == ["OSI", "TII", "HCI", "EGDI"]
    assert meta.loc["EGDI", "level"] == 2 and (meta.loc[list(COMPONENTS), "level"] == 1).all()
    w = meta.loc[list(COMPONENTS), "weight"]
    np.testing.assert_allclose(w / w.sum(), 1 / 3, rtol=0, atol=1e-15)
    assert meta.loc[list(COMPONENTS), "kind"].to_dict() == {
        "OSI": "output",
        "TII": "input",
        "HCI": "input",
    }
    assert (meta.loc[list(COMPONENTS), ["bound_low", "bound_high"]] == [0.0, 1.0]).all().all()
    assert egdi_framework.name("TII", "zh") == "电信基础设施指数"
    assert egdi_framework.name("HCI", "zh") == "人力资本指数"
    assert egdi_framework.name("OSI", "zh") == "在线服务指数"


# ------------------------------------------------------------------------------ (a) reproduction


@pytest.mark.parametrize("year", EQUAL_WEIGHT_YEARS)
def test_egdi_is_the_mean_of_its_components(year, computed, published):
    pub = _published(published, year)
    got = computed[year].reindex(pub.index)
    assert got.notna().all(), f"{year}: EGDI not computed for {list(got.index[got.isna()])}"
    diff = (got - pub["egdi"]).abs()
    worst = diff.idxmax()
    assert diff.max() <= TOL, (
        f"{year}: |EGDI - published| = {diff.max():.2e} for {worst} (computed {got[worst]:.6f}, "
        f"published {pub.loc[worst, 'egdi']}); {int((diff > TOL).sum())} countries beyond {TOL}"
    )


# Countries whose published rank cannot follow from the published components: 2024 Kiribati
# (0.39035 + 0.62690 + 0.35438) and Iraq (0.18755 + 0.49672 + 0.68736) both sum to exactly 1.37163,
# so their EGDIs tie at 0.45721; the survey (EGDI 0.45723 vs 0.45721, from unpublished digits) ranks
# Kiribati 147th and Iraq 148th, the competition rank of the tie is 147 for both.
RANK_EXCEPTIONS: dict[int, set[str]] = {
    2010: set(),
    2012: set(),
    2014: set(),
    2016: set(),
    2018: set(),
    2022: set(),
    2024: {"IRQ"},
}


@pytest.mark.parametrize("year", EQUAL_WEIGHT_YEARS)
def test_ranks_are_the_published_ranks(year, computed, published):
    pub = _published(published, year)
    ranks = _ranks_as_published(computed[year].reindex(pub.index), pub["egdi"])
    differ = ranks != pub["rank"]
    assert set(pub.index[differ]) == RANK_EXCEPTIONS[year], (
        f"{year}: computed rank differs from the published rank for "
        + ", ".join(f"{u} ({ranks[u]} vs {pub.loc[u, 'rank']})" for u in pub.index[differ])
    )
    # every exception is an exact tie of the computed EGDI, and the published ranks of the tied
    # countries fill the tie's block of ranks
    basis = computed[year].reindex(pub.index).round(9)
    for u in pub.index[differ]:
        block = basis.index[basis == basis[u]]
        assert len(block) >= 2, f"{year}: {u} is not in a tie"
        start = int(ranks[u])
        assert sorted(pub.loc[block, "rank"]) == list(range(start, start + len(block)))


# ------------------------------------------------------------------------------ (b) every edition


@pytest.fixture(scope="module")
def as_published(panel):
    """EGDI and rank of every edition by its published method (editions.yaml)."""
    return egdi_as_published(panel)


def test_editions_file_is_the_module_text(egdi_dir):
    assert (egdi_dir / "editions.yaml").read_text(encoding="utf-8") == EDITIONS_YAML
    eds = load_editions(egdi_dir / "editions.yaml")
    assert sorted(eds) == list(EDITIONS)
    assert eds[2010].weights == pytest.approx({"OSI": 0.34, "TII": 0.33, "HCI": 0.33}, abs=1e-15)
    for y in EDITIONS[1:]:
        assert eds[y].weights == pytest.approx(dict.fromkeys(COMPONENTS, 1 / 3), abs=1e-15)
    assert (eds[2010].zero_if_missing, eds[2012].zero_if_zero) == (("HCI", "TII"), ("OSI",))
    assert not any(eds[y].zero_if_missing or eds[y].zero_if_zero for y in EQUAL_WEIGHT_YEARS)


@pytest.mark.parametrize("year", EDITIONS)
def test_every_edition_reproduces(year, as_published, published):
    pub = _published(published, year)
    got = as_published[as_published["year"] == year].set_index("unit_id").reindex(pub.index)
    assert got["egdi"].notna().all()
    diff = (got["egdi"] - pub["egdi"]).abs()
    worst = diff.idxmax()
    # every edition: the published 5 (2018, 2022: 4) decimals of the weighted mean
    assert diff.max() <= 6.7e-5, f"{year}: |EGDI - published| = {diff.max():.2e} for {worst}"
    differ = got["rank"] != pub["rank"]
    assert set(pub.index[differ]) == RANK_EXCEPTIONS[year], (
        f"{year}: rank differs for "
        + ", ".join(f"{u} ({got.loc[u, 'rank']} vs {pub.loc[u, 'rank']})" for u in pub.index[differ]))


def test_editions_agree_with_the_equal_weight_build(as_published, computed):
    """2014-2024: the edition method is the build of configs/egdi.yaml (same numbers)."""
    for y in EQUAL_WEIGHT_YEARS:
        got = as_published[as_published["year"] == y].set_index("unit_id")["egdi"]
        np.testing.assert_allclose(got, computed[y].reindex(got.index), rtol=0, atol=1e-12)


def test_2010_weights_and_zero_rule(as_published, published, panel, computed, egdi_dir):
    pub = _published(published, 2010)
    comp = panel[panel["year"] == 2010].set_index("unit_id")
    got = as_published[as_published["year"] == 2010].set_index("unit_id")
    raw = pd.read_csv(egdi_dir / "raw" / RAW_FILES[2010]).set_index("country-code")
    no_hci = set(raw.index[raw["hci"].isna()])
    assert no_hci == {"FSM", "KIR", "MCO", "MHL", "NRU", "PRK", "SMR", "SOM", "SSD", "TUV"}
    # South Sudan (member state since July 2011) has no 2010 value at all and is left out of the
    # harmonised files; the 9 others get EGDI 0 and the shared last rank 184 by the zero rule
    assert raw.loc["SSD"].drop("country-name").isna().all()
    assert "SSD" not in comp.index and "SSD" not in pub.index
    zero = sorted(no_hci - {"SSD"})
    assert set(got.index[got["rule"] != "weighted mean"]) == set(zero)
    assert (pub.loc[zero, "egdi"] == 0).all() and (pub.loc[zero, "rank"] == 184).all()
    assert set(comp.index[comp["TII"].isna()]) == {"NRU", "PRK"}
    # the 183 complete rows: 0.34/0.33/0.33 agrees to 8e-6; equal weights would leave the
    # published EGDI systematically below the mean (176 rows beyond 1e-4)
    full = comp.index[comp[list(COMPONENTS)].notna().all(axis=1)]
    assert len(full) == 183
    assert (got.loc[full, "egdi"] - pub.loc[full, "egdi"]).abs().max() <= 8.0001e-6
    d = pub.loc[full, "egdi"] - computed[2010].reindex(full)
    assert d.median() == pytest.approx(-0.00151, abs=1e-5)
    assert int((d.abs() > TOL).sum()) == 176 and int((d > 0).sum()) == 17


def test_2012_zero_rule(as_published, published, panel, computed):
    pub = _published(published, 2012)
    comp = panel[panel["year"] == 2012].set_index("unit_id")
    got = as_published[as_published["year"] == 2012].set_index("unit_id")
    zero = set(got.index[got["rule"] != "weighted mean"])
    assert zero == {"LBY", "CAF", "GIN"} == set(comp.index[comp["OSI"] == 0])
    for u in zero:
        assert pub.loc[u, "egdi"] == 0 and pub.loc[u, "rank"] == 191
        assert comp.loc[u, ["TII", "HCI"]].gt(0).all()  # their component mean is not 0
    # without the rule these three are the only countries off (Libya by 0.408)
    diff = (computed[2012].reindex(pub.index) - pub["egdi"]).abs()
    assert set(pub.index[diff > TOL]) == zero
    assert diff.loc["LBY"] == pytest.approx((0.85018 + 0.37433) / 3, abs=1e-5)


def test_editions_refuse_bad_data(tmp_path, panel):
    bad = tmp_path / "editions.yaml"
    bad.write_text("2010:\n  weights: {OSI: 1, TII: 1}\n  egdi_zero_if_zero: [XYZ]\n  rank: 4\n",
                   encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_editions(bad)
    text = str(exc.value)
    assert "unknown key 'rank'" in text and "unknown component 'XYZ'" in text
    assert "weights must give every component" in text
    with pytest.raises(DataError, match="no published method"):
        egdi_as_published(panel, {y: m for y, m in load_editions().items() if y != 2016})


# ------------------------------------------------------------------------------ (c) names → codes


def test_every_country_of_every_year_gets_a_code(egdi_dir):
    raw = egdi_dir / "raw"
    pairs = name_codes_from(pd.read_csv(raw / RAW_FILES[2018]), file=RAW_FILES[2018])
    assert len(pairs) == 193
    codes_2018 = set(pairs.values())
    used: set[str] = set()
    alias_keys = {normalise_name(a) for a in COUNTRY_ALIASES}
    for f in RAW_FILES.values():
        t = pd.read_csv(raw / f)
        names = t["country-name"] if "country-name" in t.columns else t.iloc[:, 1]
        codes = country_codes(names, pairs)
        unmatched = list(codes.index[codes.isna()])
        assert not unmatched, f"{f}: no code for {unmatched}"
        assert set(codes) == codes_2018 and codes.is_unique, f"{f}: not the 193 member states"
        if "country-code" in t.columns:  # the UNU-EGOV files: names agree with their own codes
            assert (codes.to_numpy() == t["country-code"].to_numpy()).all(), f
        used |= {n.strip() for n in names if normalise_name(n) in alias_keys}
    # the shipped files need exactly the two post-2018 renamings
    assert used == {"Türkiye", "North Macedonia"}


def test_alias_table_is_explicit_and_consistent(egdi_dir):
    pairs = name_codes_from(pd.read_csv(egdi_dir / "raw" / RAW_FILES[2018]))
    assert set(COUNTRY_ALIASES.values()) <= set(pairs.values())
    # only names the 2018 file does not have (no silent override of a 2018 pair)
    assert not {normalise_name(a) for a in COUNTRY_ALIASES} & set(pairs)
    for alias, iso in {"Türkiye": "TUR", "North Macedonia": "MKD", "Czechia": "CZE",
                       "Swaziland": "SWZ", "Cape Verde": "CPV"}.items():  # fmt: skip
        assert COUNTRY_ALIASES[alias] == iso
    # matching ignores padding, case and the kind of apostrophe
    got = country_codes(["  Côte d’Ivoire ", "TÜRKIYE", "Czechia"], pairs)
    assert list(got) == ["CIV", "TUR", "CZE"]


def test_unmatched_name_is_an_error(egdi_dir):
    raw = egdi_dir / "raw"
    tables = {y: pd.read_csv(raw / f) for y, f in RAW_FILES.items() if y in (2018, 2022)}
    pairs = name_codes_from(tables[2018])
    t = tables[2022].copy()
    t.loc[3, "Country Name"] = "Atlantis "
    t.loc[5, "Country Name"] = "Ireland"  # a duplicate of row 1's country
    with pytest.raises(DataError) as exc:
        harmonise_egdi({2018: tables[2018], 2022: t}, pairs, files={2022: "x.csv"})
    text = str(exc.value)
    assert (
        "x.csv: row 5: country name matches no 2018 name and no alias" in text
        and "Atlantis" in text
    )
    assert "code IRL appears more than once" in text
    with pytest.raises(DataError, match="unknown layout"):
        harmonise_egdi({2022: t.rename(columns={"Country Name": "Land"})}, pairs)
    with pytest.raises(DataError, match="COUNTRY_ALIASES"):
        harmonise_egdi({2018: tables[2018]}, pairs, aliases={"Atlantis": "ATL"})


# ------------------------------------------------------------------------------ (d) comparability


def test_levels_are_not_comparable_across_editions(panel):
    drift = rescaling_drift(panel.drop(columns="unit_name"), list(COMPONENTS))
    a = drift.anchors.set_index(["indicator", "year"])
    # every component of every edition since 2012 is rescaled on its own worst (0) and best (1)
    # country; 2010 TII and HCI were not (max 0.76872 and 0.99866)
    later = a.loc[a.index.get_level_values("year") >= 2012]
    assert (later["pinned_low"] & later["pinned_high"]).all()
    assert not a.loc[("TII", 2010), "pinned_high"] and a.loc[("TII", 2010), "max"] == 0.76872
    assert not a.loc[("HCI", 2010), "pinned_high"] and a.loc[("HCI", 2010), "max"] == 0.99866
    # HCI 2022 → 2024: the same best (Australia) and worst (Somalia) country anchor both years,
    # yet 160 of 193 countries' human capital "fell", 55 of them while climbing the HCI ranking;
    # the ranking itself hardly moved (Spearman 0.96). Schooling does not fall in 160 countries
    # in two years: the level change is the rescaling (and the 2024 method change), not the
    # countries.
    assert a.loc[("HCI", 2022), ["unit_max", "unit_min"]].tolist() == ["AUS", "SOM"]
    assert a.loc[("HCI", 2024), ["unit_max", "unit_min"]].tolist() == ["AUS", "SOM"]
    t = drift.transition("HCI", 2022, 2024)
    assert (t["n_common"], t["n_down"], t["n_down_rank_up"]) == (193, 160, 55)
    assert t["same_leader"] and t["pinned"] and t["spearman"] > 0.95
    d = drift.discordant.set_index(["indicator", "year_from", "unit"]).loc[("HCI", 2022, "IDN")]
    assert (d["score_from"], d["score_to"], d["rank_from"], d["rank_to"]) == (
        0.7438,
        0.72934,
        100,
        78,
    )
    # HCI 2012 → 2014: 167 of 193 fall; TII 2018 → 2022 (fixed telephone lines dropped): the
    # median country gains 0.166 although the ranking barely changes
    assert drift.transition("HCI", 2012, 2014)["n_down"] == 167
    tii = drift.transition("TII", 2018, 2022)
    assert tii["median_change"] == pytest.approx(0.166, abs=5e-4) and tii["n_down"] == 9


def test_rescaling_drift_matches_a_direct_computation(panel):
    drift = rescaling_drift(panel.drop(columns="unit_name"), list(COMPONENTS))
    years = sorted(panel["year"].unique())
    for c in COMPONENTS:
        w = panel.pivot(index="unit_id", columns="year", values=c)
        for y0, y1 in zip(years[:-1], years[1:], strict=True):
            both = w[[y0, y1]].dropna()
            ds = both[y1] - both[y0]
            gain = both[y0].rank(ascending=False, method="min") - both[y1].rank(
                ascending=False, method="min"
            )
            t = drift.transition(c, y0, y1)
            assert t["n_common"] == len(both)
            assert t["n_down"] == int((ds < -1e-9).sum()), (c, y0, y1)
            assert t["n_down_rank_up"] == int(((ds < -1e-9) & (gain > 0)).sum()), (c, y0, y1)
            assert t["n_up_rank_down"] == int(((ds > 1e-9) & (gain < 0)).sum()), (c, y0, y1)
            assert t["spearman"] == pytest.approx(
                both[y0].corr(both[y1], method="spearman"), abs=1e-12
            )
