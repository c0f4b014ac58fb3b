"""The run config: one YAML file says everything a run needs.

Relative paths inside a config are resolved against the folder that holds the config file, so a
config can be moved together with its data. ``-p key=value`` overrides (dotted keys, YAML values) are
applied before validation: ``-p lang=en -p build.normalise.method=zscore``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)
from yaml.constructor import ConstructorError

from dgpe.errors import ConfigError, Problem, brief
from dgpe.io import check_file
from dgpe.yamlsafe import safe_load

__all__ = ["DataPaths", "PanelImpute", "RunConfig", "load_run_config", "apply_overrides", "ALL_NOTEBOOKS"]

ALL_NOTEBOOKS = (
    "00_data_audit",
    "01_reliability",
    "02_factor_structure",
    "03_weights",
    "04_sensitivity",
    "05_index",
    "06_efficiency_diagnosis",
    "07_method_comparison",
)
_READ_OPTIONS = ("encoding", "sheet")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")


class DataPaths(BaseModel):
    """The run's input files; ``indicators`` is required when the framework has an index tree (the
    plan checks it), ``survey`` when it has scales only.

    ``encoding`` states the encoding of the CSV files when it is neither UTF-8 nor GBK/GB18030
    (e.g. ``latin-1``, ``big5``); ``sheet`` names the worksheet to read in XLSX files (default: the
    active visible one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    indicators: Path | None = None
    survey: Path | None = None
    delphi: Path | None = None
    experts: Path | None = None
    ahp: Path | None = None
    encoding: str | None = None
    sheet: str | None = None

    @field_validator("sheet", mode="before")
    @classmethod
    def _sheet_name(cls, v: Any) -> Any:
        """``sheet: 2025`` names the sheet "2025" (a sheet is named, never numbered, in a config)."""
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    def read_options(self) -> dict[str, Any]:
        """The keyword arguments every loader takes (``encoding=``, ``sheet=``)."""
        return {"encoding": self.encoding, "sheet": self.sheet}


class PanelImpute(BaseModel):
    """Fill an indicator's missing value from the same unit's other years before the build.

    ``latest``: the latest earlier observation, at most ``max_time`` editions back (COINr
    ``impute_panel(imp_type = "latest")``); ``linear``: linear interpolation between the unit's
    observations, constant beyond them; ``constant``: the last observation at or before the
    year, else the first after it. ``linear`` and ``constant`` use later years where the gap
    lies between or before the unit's observations, so the ranked year's scores change when a
    later edition is added; on the latest year they carry the last value forward with no age
    limit (only ``latest`` takes ``max_time``). Cells the panel cannot fill are left to the
    build's cross-sectional ``impute`` step.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    method: Literal["latest", "linear", "constant"]
    max_time: StrictInt | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _max_time_only_for_latest(self) -> PanelImpute:
        if self.max_time is not None and self.method != "latest":
            raise ValueError(f"max_time applies to method 'latest' only, not {self.method!r}")
        return self


class Issuer(BaseModel):
    """The unit that issues the report, in both languages (the method note's title block)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class RunConfig(BaseModel):
    """A validated run config (paths absolute)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "default"
    framework: Path
    data: DataPaths
    year: StrictInt | None = None
    years: list[int] | None = None
    lang: Literal["zh", "en"] = "zh"
    seed: StrictInt = Field(default=20261126, ge=0)
    notebooks: list[str] = Field(default_factory=lambda: list(ALL_NOTEBOOKS))
    groups: list[str] = Field(default_factory=lambda: ["province", "tier"])
    build: dict[str, Any] = Field(default_factory=dict)
    panel_impute: PanelImpute | None = None
    bands: dict[str, float] | None = None
    sensitivity: dict[str, Any] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)
    #: Whose documented defaults the evaluation methods follow: the project's (``dgpe``) or
    #: SPSSAU's (``spssau``: grey relational analysis unscaled, coupling inputs rescaled to
    #: [0.01, 0.99], entropy's non-negative shift, TOPSIS without normalisation); see
    #: ``docs/methods-cn.md``. Reaches notebook 07 and ``build.weights: entropy``.
    convention: Literal["dgpe", "spssau"] = "dgpe"
    issuer: str | Issuer | None = None
    source: Path | None = None

    @field_validator("name")
    @classmethod
    def _safe_name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError(
                "name must start with a letter or digit and use only letters, digits, '_' and '-' "
                "(it names the report folder and cannot contain '/' or '..')"
            )
        return v

    @field_validator("notebooks")
    @classmethod
    def _known_notebooks(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError(f"the plan is empty: list one or more of {', '.join(ALL_NOTEBOOKS)}")
        unknown = [n for n in v if not _NAME.match(n)]
        if unknown:
            raise ValueError(f"invalid notebook name(s) {unknown}")
        return v

    def paths(self) -> dict[str, Path]:
        """Every input file of the run, by role."""
        out = {"framework": self.framework}
        for key, val in self.data.model_dump().items():
            if val is not None and key not in _READ_OPTIONS:
                out[f"data.{key}"] = Path(val)
        return out

    def to_yaml_dict(self, relative_to: Path | None = None) -> dict[str, Any]:
        d = self.model_dump(mode="json", exclude={"source"})
        if d.get("convention") == "dgpe":  # the default: keep the dump of default runs as it was
            d.pop("convention")

        def rel(p: str | None) -> str | None:
            if p is None or relative_to is None:
                return p
            try:
                return str(Path(p).resolve().relative_to(relative_to.resolve()))
            except ValueError:
                return p

        d["framework"] = rel(d["framework"])
        d["data"] = {k: v if k in _READ_OPTIONS else rel(v) for k, v in d["data"].items() if v is not None}
        return d


def _parse_value(text: str) -> Any:
    try:
        return safe_load(text)
    except ConstructorError as exc:  # a duplicated key or an alias bomb: refused, not taken as text
        raise ConfigError([Problem("-p", brief(text), f"not valid YAML: {exc.problem}")]) from None
    except yaml.YAMLError:
        return text


def apply_overrides(raw: dict[str, Any], overrides: list[str] | None) -> dict[str, Any]:
    """Apply ``key=value`` overrides (dotted keys) to a raw config mapping."""
    out = copy.deepcopy(raw)
    problems = []
    for item in overrides or []:
        if "=" not in item:
            problems.append(Problem("-p", item, "expected key=value, e.g. lang=en"))
            continue
        key, value = item.split("=", 1)
        parts = [k for k in key.strip().split(".") if k]
        if not parts:
            problems.append(Problem("-p", item, "empty key"))
            continue
        node = out
        for k in parts[:-1]:
            if not isinstance(node.get(k), dict):
                node[k] = {}
            node = node[k]
        node[parts[-1]] = _parse_value(value)
    if problems:
        raise ConfigError(problems)
    return out


def load_run_config(path: str | Path, overrides: list[str] | None = None) -> RunConfig:
    """Read, override, resolve and validate a run config; errors name the file and the field."""
    p = Path(path)
    if not p.exists():
        raise ConfigError([Problem(str(p), "", "run config not found")])
    check_file(p, ConfigError)
    try:
        raw = safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError([Problem(p.name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    except UnicodeDecodeError:
        raise ConfigError([Problem(p.name, "", "the run config must be UTF-8")]) from None
    if not isinstance(raw, dict):
        raise ConfigError([Problem(p.name, "top level", "expected a mapping (key: value lines)")])
    raw = apply_overrides(raw, overrides)
    base = p.resolve().parent
    problems: list[Problem] = []

    def resolve(v: Any, field: str) -> Any:
        if v is None:
            return None
        if not isinstance(v, str):
            problems.append(Problem(p.name, f"field {field}", "expected a file path", brief(v)))
            return v
        q = Path(v)
        q = q if q.is_absolute() else (base / q)
        q = q.resolve()
        if not q.exists():
            problems.append(Problem(p.name, f"field {field}", f"file not found: {q}"))
        elif q.is_dir():
            problems.append(Problem(p.name, f"field {field}", f"is a folder, not a file: {q}"))
        return q

    if "framework" in raw:
        raw["framework"] = resolve(raw["framework"], "framework")
    if isinstance(raw.get("data"), dict):
        raw["data"] = {k: v if k in _READ_OPTIONS else resolve(v, f"data.{k}") for k, v in raw["data"].items()}
    raw["source"] = str(p.resolve())
    try:
        cfg = RunConfig.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
            elif err["type"] == "missing":
                msg = "required field is missing"
            problems.append(Problem(p.name, f"field {loc}", msg, None if err["type"] == "missing" else brief(err.get("input"))))
    if problems:
        raise ConfigError(problems, title=f"{p.name}: {len(problems)} problem(s) in the run config")
    return cfg
