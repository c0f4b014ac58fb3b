"""The UN E-Government Development Index (EGDI) as a dgpe data set (``data/real/egdi/``).

The UN E-Government Survey (UN DESA, biennial) publishes for each of the 193 member states the EGDI
and its three components, the Online Service Index (OSI), the Telecommunication Infrastructure Index
(TII) and the Human Capital Index (HCI), EGDI = (OSI + TII + HCI) / 3 since 2012 (2010: 0.34 OSI +
0.33 TII + 0.33 HCI). The copies in
``data/real/egdi/raw/`` (see its ``SOURCE.md``) come in two layouts:

- ``egdi-<year>.csv`` (2010–2018, UNU-EGOV): ``country-code`` (ISO 3166 alpha-3), ``country-name``,
  ``e-gov-rank``, ``e-gov-index``, ``e-pat-index``, ``osi``, ``hci``, ``tii``;
- ``EGOV_DATA_2022.csv`` and ``EGOV_DATA_2024.csv`` (UN DESA downloads): names only, no code column,
  with different headers each year (2024 also has a ``Region`` column that is wrong and is dropped).

:func:`harmonise_egdi` (pure) turns them into dgpe's wide indicator format — ``unit_id`` (ISO3),
``unit_name`` (the name as published that year), ``year``, ``OSI``, ``TII``, ``HCI`` — and a separate
table of the published ``egdi`` and ``rank``. Names of the 2022/2024 files are matched to ISO3 codes
through the 2018 file's name→code pairs plus :data:`COUNTRY_ALIASES`; every unmatched name is an
error. :func:`build_egdi_dataset` reads the raw folder and calls it; :func:`write_egdi_dataset`
writes ``egdi.csv`` and ``published.csv``.

Values are rounded to 6 decimals, which drops the float artefacts of the UNU-EGOV files
(``0.6955600000000001``) and nothing else: the survey publishes 4 or 5 decimals. Known quirks are
kept as published (``data/real/egdi/README.md``): in 2010, 10 countries have no HCI, of which
South Sudan (not yet a member state) has no value at all and is left out, and the other 9 have EGDI
0; in 2012, Libya, the Central African Republic and Guinea have OSI 0 and EGDI 0. These are the
editions' own rules, not errors: :mod:`dgpe.egdi_editions` states each edition's published method
(2010: weights 0.34/0.33/0.33) as data, and every edition 2010–2024 reproduces with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from dgpe.errors import DataError, Problem

__all__ = [
    "COMPONENTS",
    "COUNTRY_ALIASES",
    "RAW_FILES",
    "build_egdi_dataset",
    "country_codes",
    "harmonise_egdi",
    "name_codes_from",
    "normalise_name",
    "write_egdi_dataset",
    "FRAMEWORK_YAML",
    "RUN_YAML",
]

COMPONENTS = ("OSI", "TII", "HCI")

#: Survey year → file in the raw folder.
RAW_FILES: dict[int, str] = {
    2010: "egdi-2010.csv",
    2012: "egdi-2012.csv",
    2014: "egdi-2014.csv",
    2016: "egdi-2016.csv",
    2018: "egdi-2018.csv",
    2022: "EGOV_DATA_2022.csv",
    2024: "EGOV_DATA_2024.csv",
}

#: Country names that differ from the 2018 file's name, → ISO 3166 alpha-3. The first block is
#: what the shipped 2022 and 2024 files need (both renamed after 2018); the rest are the other
#: spellings of UN member states found in UN DESA downloads and UN M49 lists (renamings and short
#: forms), kept so that a newer or differently formatted download also matches. Matching ignores
#: case, surrounding and repeated white space and the kind of apostrophe (:func:`normalise_name`).
COUNTRY_ALIASES: dict[str, str] = {
    # used by EGOV_DATA_2022.csv and EGOV_DATA_2024.csv
    "Türkiye": "TUR",  # 2018: Turkey (UN name since June 2022)
    "North Macedonia": "MKD",  # 2018: The former Yugoslav Republic of Macedonia (since Feb 2019)
    # renamings and variants of other UN downloads
    "Turkiye": "TUR",
    "Republic of Türkiye": "TUR",
    "Republic of North Macedonia": "MKD",
    "Czechia": "CZE",  # 2018: Czech Republic (UN short name since 2016)
    "Swaziland": "SWZ",  # 2018: Eswatini (renamed April 2018; older files say Swaziland)
    "Kingdom of Eswatini": "SWZ",
    "Cape Verde": "CPV",  # 2018: Cabo Verde (UN name since 2013)
    "Cote d'Ivoire": "CIV",  # 2018: Côte d'Ivoire
    "Ivory Coast": "CIV",
    "Netherlands (Kingdom of the)": "NLD",  # UN M49 name since 2023
    "Bolivia (Plurinational State of)": "BOL",  # 2018: Bolivia
    "Venezuela (Bolivarian Republic of)": "VEN",  # 2018: Venezuela
    "Georgia": "GEO",  # the survey files say "Georgia (Country)"
    "Vietnam": "VNM",
    "Korea, Republic of": "KOR",
    "South Korea": "KOR",
    "Korea, Democratic People's Republic of": "PRK",
    "North Korea": "PRK",
    "Lao PDR": "LAO",
    "Laos": "LAO",
    "Moldova": "MDA",
    "Micronesia": "FSM",
    "Iran": "IRN",
    "Syria": "SYR",
    "Russia": "RUS",
    "Tanzania": "TZA",
    "United Kingdom": "GBR",
    "United States": "USA",
    "Brunei": "BRN",
    "Gambia (Republic of The)": "GMB",
    "The Gambia": "GMB",
    "Bahamas, The": "BHS",
    "Congo, Democratic Republic of the": "COD",
    "Congo, Republic of the": "COG",
    "Sao Tome and Príncipe": "STP",
    "São Tomé and Príncipe": "STP",
    "Timor Leste": "TLS",
    "East Timor": "TLS",
    "Burma": "MMR",
}

#: The framework ``dgpe import egdi`` writes (``data/real/egdi/framework.yaml`` is this text).
FRAMEWORK_YAML = """# The UN E-Government Development Index (EGDI) as a dgpe framework (联合国电子政务发展指数).
# EGDI = (OSI + TII + HCI) / 3: the index directly over its three components (depth 1: no
# dimension level), equal weights as published since 2012 (2010 weighted OSI 0.34, TII and HCI 0.33
# each: editions.yaml has each edition's method). Source: UN DESA, UN E-Government Survey (biennial),
# https://publicadministration.un.org/egovkb/en-us/Data-Center; data in egdi.csv (see README.md).
#
# The components are themselves composite indices that the survey rescales to 0-1 within each
# edition (min-max, since 2012), so unit = index, bounds [0, 1], direction positive.
#
# kind (input / output / outcome), our classification, not the survey's:
# - TII, telecommunication infrastructure (internet users, mobile and fixed broadband
#   subscriptions ...): input, the infrastructure digital government runs on.
# - HCI, human capital (adult literacy, enrolment, expected and mean years of schooling): input,
#   the population's capacity to use online services. It is context rather than something a
#   government's e-government programme produces, and dgpe has no "context" kind; it is certainly
#   not an outcome of digital government.
# - OSI, online services (an expert assessment of national portals: services, features and
#   content *available* online): output, what government delivers, not whether it is used.
# So no EGDI weight rests on outcomes (actual use, results, satisfaction): EGDI measures supply
# and preconditions. dgpe reports this share.
title: {zh: 联合国电子政务发展指数(EGDI), en: UN E-Government Development Index (EGDI)}
source: UN DESA, UN E-Government Survey 2010-2024 (data/real/egdi/raw/SOURCE.md)
index:
  code: EGDI
  name: {zh: 电子政务发展指数, en: E-Government Development Index}
  children:
  - code: OSI
    name: {zh: 在线服务指数, en: Online Service Index}
    weight: 0.3333333333333333
    direction: positive
    unit: index
    kind: output
    bounds: [0, 1]
    source: UN E-Government Survey, Online Service Questionnaire (assessment of national portals)
  - code: TII
    name: {zh: 电信基础设施指数, en: Telecommunication Infrastructure Index}
    weight: 0.3333333333333333
    direction: positive
    unit: index
    kind: input
    bounds: [0, 1]
    source: UN E-Government Survey, from ITU data
  - code: HCI
    name: {zh: 人力资本指数, en: Human Capital Index}
    weight: 0.3333333333333333
    direction: positive
    unit: index
    kind: input
    bounds: [0, 1]
    source: UN E-Government Survey, from UNESCO data
"""

#: The run config ``dgpe import egdi`` writes next to the data (``configs/egdi.yaml`` runs the same
#: build on ``data/real/egdi``).
RUN_YAML = """# The UN E-Government Development Index, 193 countries, survey years 2010-2024, written by
# `dgpe import egdi` (paths relative to this file). Run it: dgpe run run.yaml -p lang=en -p year=2022
# The published EGDI and ranks are in published.csv (not an indicator).
name: egdi
framework: framework.yaml
data:
  indicators: indicators.csv
year: 2024                       # the year ranked; other years feed year-on-year views
lang: zh
seed: 20261126
groups: []                       # no peer groups (the 2024 file's Region column is wrong and dropped)
notebooks: [00_data_audit, 01_reliability, 02_factor_structure, 03_weights, 04_sensitivity, 05_index, 06_efficiency_diagnosis, 07_method_comparison]
# build: the published EGDI of 2012-2024 (equal weights; the components are already 0-1). Each
# edition's own method (2010: weights 0.34/0.33/0.33; 2010 and 2012: EGDI 0 for some countries)
# is in editions.yaml, with which every edition 2010-2024 reproduces (tests/test_egdi.py). To rank
# 2010 with its weights: -p year=2010 -p "build.weights={values: {OSI: 0.34, TII: 0.33, HCI: 0.33}}"
build:
  normalise: {method: none}
  weights: equal
  aggregate: {default: arithmetic}
sensitivity:
  n: 2000
  uncertainties:
    weights: {noise: 0.25, levels: [1]}   # the three component weights (level 1 = indicators)
    aggregate: [arithmetic, geometric]
    # The geometric mean needs positive values, but every edition's worst country scores exactly
    # 0 on each component (min-max within the edition), so the samples use a positive scale:
    # 1 + 99 x (minmax, same ranks as the nominal build under the arithmetic mean since 2012) or
    # z-scores (which also equalise the components' spread).
    normalise: [{method: minmax, range: [1, 100]}, {method: zscore, mean_sd: [20, 2]}]
"""

# Header of each layout → canonical column (unused columns are dropped).
_LAYOUTS: dict[str, dict[str, str]] = {
    "unu-egov": {
        "country-code": "unit_id", "country-name": "unit_name", "e-gov-rank": "rank",
        "e-gov-index": "egdi", "osi": "OSI", "tii": "TII", "hci": "HCI",
    },
    "undesa-2022": {
        "Survey Year": "year", "Country Name": "unit_name", "E-Government Rank": "rank",
        "E-Government Index": "egdi", "Online Service Index": "OSI",
        "Telecommunication Infrastructure Index": "TII", "Human Capital Index": "HCI",
    },
    "undesa-2024": {
        "Survey Year": "year", "Country": "unit_name", "Rank": "rank", "E_Index": "egdi",
        "Online_Service": "OSI", "Tele_Infra": "TII", "Human_Capital": "HCI",
    },
}  # fmt: skip
_DECIMALS = 6
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def normalise_name(name: str) -> str:
    """The matching key of a country name: NFC, one kind of apostrophe, single spaces, casefolded."""
    s = unicodedata.normalize("NFC", str(name)).translate(_APOSTROPHES)
    return re.sub(r"\s+", " ", s).strip().casefold()


def name_codes_from(table: pd.DataFrame, *, file: str = "<memory>") -> dict[str, str]:
    """Name→ISO3 pairs of a UNU-EGOV table (``country-name``, ``country-code``), keyed by
    :func:`normalise_name`; a name given two codes, or a code two names, is an error."""
    problems: list[Problem] = []
    for col in ("country-name", "country-code"):
        if col not in table.columns:
            problems.append(Problem(file, "header", f"column {col!r} is required"))
    if problems:
        raise DataError(problems)
    out: dict[str, str] = {}
    owner: dict[str, str] = {}
    for i, (name, code) in enumerate(
        zip(table["country-name"], table["country-code"], strict=True)
    ):
        key, code = normalise_name(name), str(code).strip()
        if key in out and out[key] != code:
            problems.append(
                Problem(
                    file, f"row {i + 2}", f"name given two codes: {out[key]} and {code}", str(name)
                )
            )
        if code in owner and owner[code] != key:
            problems.append(
                Problem(file, f"row {i + 2}", f"code {code} given two names", str(name))
            )
        out[key], owner[code] = code, key
    if problems:
        raise DataError(problems, title=f"{file}: the name→code pairs are not one-to-one")
    return out


def country_codes(
    names: Iterable[str],
    name_codes: Mapping[str, str],
    aliases: Mapping[str, str] = COUNTRY_ALIASES,
) -> pd.Series:
    """ISO3 code of each name (aliases first, then the name→code pairs); ``<NA>`` where neither
    knows the name. ``name_codes`` is keyed by :func:`normalise_name` (as :func:`name_codes_from`)."""
    alias_keys = {normalise_name(k): v for k, v in aliases.items()}
    names = list(names)
    codes = [alias_keys.get(normalise_name(n), name_codes.get(normalise_name(n))) for n in names]
    return pd.Series(codes, index=pd.Index(names, name="name"), name="unit_id", dtype="string")


def _layout(table: pd.DataFrame) -> str | None:
    cols = {str(c).strip() for c in table.columns}
    for name, spec in _LAYOUTS.items():
        if set(spec) <= cols:
            return name
    return None


def harmonise_egdi(
    tables: Mapping[int, pd.DataFrame],
    name_codes: Mapping[str, str],
    *,
    aliases: Mapping[str, str] = COUNTRY_ALIASES,
    files: Mapping[int, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Harmonise the survey tables (year → table as read from the raw CSV) into dgpe's format.

    Returns ``(egdi, published)``: ``egdi`` has ``unit_id, unit_name, year, OSI, TII, HCI`` (one
    row per country and year, sorted by year and code); ``published`` has ``unit_id, year, egdi,
    rank`` (rank as nullable integer). A row without any published value (South Sudan in 2010, a
    member state only since July 2011) is dropped from both; every name is still matched. Raises :class:`~dgpe.errors.DataError` listing every
    unknown layout, year mismatch, unmatched country name and duplicate code.
    """
    files = files or {}
    problems: list[Problem] = []
    known_codes = set(name_codes.values())
    for alias, code in aliases.items():
        if code not in known_codes:
            problems.append(
                Problem(
                    "COUNTRY_ALIASES",
                    f"alias {alias!r}",
                    f"code {code} is not a code of the name→code pairs",
                )
            )
    frames = []
    for year, table in sorted(tables.items()):
        df = _harmonise_year(int(year), table, files.get(year, f"<{year}>"), name_codes, aliases, problems)
        if df is not None:
            frames.append(df)
    if problems:
        raise DataError(problems, title=f"{len(problems)} problem(s) harmonising the EGDI files")
    allrows = pd.concat(frames, ignore_index=True)
    for c in (*COMPONENTS, "egdi"):
        allrows[c] = pd.to_numeric(allrows[c], errors="raise").astype(float).round(_DECIMALS)
    allrows["rank"] = pd.to_numeric(allrows["rank"], errors="raise").round().astype("Int64")
    # a row without any published value is not an observation (South Sudan, 2010)
    allrows = allrows[allrows[[*COMPONENTS, "egdi", "rank"]].notna().any(axis=1)]
    allrows["year"] = allrows["year"].astype(int)
    allrows = allrows.sort_values(["year", "unit_id"], kind="stable").reset_index(drop=True)
    egdi = allrows[["unit_id", "unit_name", "year", *COMPONENTS]].copy()
    egdi["unit_id"] = egdi["unit_id"].astype(str)
    published = allrows[["unit_id", "year", "egdi", "rank"]].copy()
    published["unit_id"] = published["unit_id"].astype(str)
    return egdi, published


def _harmonise_year(year: int, table: pd.DataFrame, file: str, name_codes: Mapping[str, str],
                    aliases: Mapping[str, str], problems: list[Problem]) -> pd.DataFrame | None:
    """One edition's table in dgpe's columns (None when its layout is unknown); problems appended."""
    table = table.rename(columns=lambda c: str(c).strip())
    layout = _layout(table)
    if layout is None:
        problems.append(
            Problem(
                file,
                "header",
                "unknown layout; expected the UNU-EGOV or a UN DESA header",
                ", ".join(map(str, table.columns)),
            )
        )
        return None
    df = table[list(_LAYOUTS[layout])].rename(columns=_LAYOUTS[layout])
    df["unit_name"] = df["unit_name"].map(lambda s: re.sub(r"\s+", " ", str(s)).strip())
    if "year" in df.columns:
        bad = pd.to_numeric(df["year"], errors="coerce") != year
        for i in bad[bad].index:
            problems.append(
                Problem(
                    file,
                    f"row {i + 2}, column Survey Year",
                    f"expected {year}",
                    str(df.at[i, "year"]),
                )
            )
    df["year"] = int(year)
    if "unit_id" not in df.columns:
        codes = country_codes(df["unit_name"], name_codes, aliases)
        for i, (name, code) in enumerate(codes.items()):
            if pd.isna(code):
                problems.append(
                    Problem(
                        file,
                        f"row {i + 2}",
                        "country name matches no 2018 name and no alias; add it to dgpe.egdi.COUNTRY_ALIASES",
                        name,
                    )
                )
        df["unit_id"] = codes.to_numpy()
    df["unit_id"] = df["unit_id"].astype("string").str.strip()
    dup = df["unit_id"].duplicated(keep=False) & df["unit_id"].notna()
    for i in dup[dup].index:
        problems.append(
            Problem(
                file,
                f"row {i + 2}",
                f"code {df.at[i, 'unit_id']} appears more than once",
                df.at[i, "unit_name"],
            )
        )
    return df


def build_egdi_dataset(raw_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the raw survey files of ``raw_dir`` (:data:`RAW_FILES`) and harmonise them.

    The name→code pairs come from the 2018 file. Returns ``(egdi, published)`` as
    :func:`harmonise_egdi`.
    """
    raw = Path(raw_dir)
    missing = [f for f in RAW_FILES.values() if not (raw / f).exists()]
    if missing:
        raise DataError([Problem(str(raw / f), "", "file not found") for f in missing])
    tables = {y: pd.read_csv(raw / f, encoding="utf-8") for y, f in RAW_FILES.items()}
    pairs = name_codes_from(tables[2018], file=RAW_FILES[2018])
    return harmonise_egdi(tables, pairs, files=RAW_FILES)


def write_egdi_dataset(raw_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Build the data set and write ``egdi.csv`` and ``published.csv`` (UTF-8) to ``out_dir``."""
    egdi, published = build_egdi_dataset(raw_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"egdi": out / "egdi.csv", "published": out / "published.csv"}
    egdi.to_csv(paths["egdi"], index=False, encoding="utf-8", lineterminator="\n")
    published.to_csv(paths["published"], index=False, encoding="utf-8", lineterminator="\n")
    return paths
