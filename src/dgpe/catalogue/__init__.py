"""The catalogue of the report's words: findings, skip reasons and thresholds, as data.

Each topic has a YAML file beside this module (``index.yaml``, ``reliability.yaml`` …) with up to
three blocks::

    thresholds:                      # numbers verdicts compare against; a run config overrides them
      alpha_good: {value: 0.7, doc: "Cronbach's alpha from which a scale counts as reliable"}
    options:                         # analysis choices that are not numbers: a default and what is allowed
      efa_rotation: {value: oblimin, choices: [oblimin, varimax, promax, none], doc: "..."}
    messages:                        # findings and skip reasons, in both languages
      summary:
        zh: "{n} 个单位的综合指数均值 {mean:.1f}。"
        en: "The {n} units' mean index score is {mean:.1f}."

A message is addressed as ``"<topic>.<key>"`` and formatted with :meth:`str.format`; parameters that
are :class:`dgpe.text.Text` (a node's name) or lists of them are rendered in the message's language
first. A run config overrides a threshold or an option with ``options: {<topic>: {<name>: value}}``.
An option's spec says what it takes: ``choices`` (one of these words; with ``whole_number: true`` a
whole number ≥ 1, or ≥ ``minimum``, as well; ``choices: []`` for a whole number only), ``subset``
(a non-empty list of these words), ``text`` (a string, e.g. a model in lavaan syntax), ``path``
(a file path, relative to the run config) or, when the default is ``true``/``false``, a flag. A
threshold may declare bounds: ``minimum``, ``minimum_exclusive`` and ``maximum``. :func:`check_options` refuses anything else, naming the field.

>>> from dgpe.catalogue import message
>>> message("plan.skipped_no_survey", "en")
'The run has no survey data.'
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from importlib import resources
from typing import Any

from dgpe.text import Text, render
from dgpe.yamlsafe import safe_load

__all__ = ["message", "message_text", "threshold", "thresholds", "topics", "catalogue", "check_options",
           "option_specs", "settings"]


@functools.cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Every topic's YAML, by topic name."""
    out: dict[str, dict[str, Any]] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            data = safe_load(entry.read_text(encoding="utf-8")) or {}  # duplicated keys refused
            out[entry.name[: -len(".yaml")]] = {
                "messages": data.get("messages") or {},
                "thresholds": data.get("thresholds") or {},
                "options": data.get("options") or {},
            }
    return out


def topics() -> list[str]:
    return sorted(catalogue())


def _entry(key: str) -> dict[str, Any]:
    topic, _, name = key.partition(".")
    try:
        return dict(catalogue()[topic]["messages"][name])
    except KeyError:
        raise KeyError(f"no message {key!r} in the catalogue (src/dgpe/catalogue/{topic}.yaml)") from None


def message(key: str, lang: str, **params: Any) -> str:
    """The message ``key`` in ``lang`` with its parameters filled in."""
    template = _entry(key)[lang]
    return string.Formatter().vformat(template, (), {k: render(v, lang) for k, v in params.items()})


def message_text(key: str, **params: Any) -> Text:
    """The message in both languages."""
    return Text(message(key, "zh", **params), message(key, "en", **params))


def message_level(key: str) -> str:
    return str(_entry(key).get("level", "info"))


def thresholds(options: Mapping[str, Any] | None = None) -> dict[str, float]:
    """Every threshold as ``{"<topic>.<name>": value}``, with the run config's overrides applied."""
    out = {
        f"{topic}.{name}": spec["value"] if isinstance(spec, Mapping) else spec
        for topic, data in catalogue().items()
        for name, spec in data["thresholds"].items()
    }
    for key, value in _flatten(options or {}).items():
        if key in out:
            out[key] = value
    return out


def threshold(key: str, options: Mapping[str, Any] | None = None) -> Any:
    """One threshold (``"reliability.alpha_good"``), overridden by the run's ``options``."""
    values = thresholds(options)
    if key not in values:
        raise KeyError(f"no threshold {key!r} in the catalogue")
    return values[key]


def option_specs() -> dict[str, dict[str, Any]]:
    """Every non-numeric analysis option as ``{"<topic>.<name>": spec}`` (``value`` is the default)."""
    return {f"{topic}.{name}": dict(spec) for topic, data in catalogue().items()
            for name, spec in data["options"].items()}


def settings(options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every analysis option as ``{"<topic>.<name>": value}``, with the run config's choices applied
    (``settings({"factor": {"efa_rotation": "varimax"}})["factor.efa_rotation"]`` → ``'varimax'``)."""
    out = {key: spec.get("value") for key, spec in option_specs().items()}
    for key, value in _flatten(options or {}).items():
        if key in out:
            out[key] = value
    return out


def _flatten(options: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in options.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and key in catalogue():
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def check_options(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems with a run config's ``options`` block as ``(field, message)`` pairs: unknown names
    (with the known ones of the topic), threshold values whose type differs from the default's, and
    option values their spec does not allow (with the allowed ones)."""
    known = thresholds()
    specs = option_specs()
    problems = []
    for key, value in _flatten(options).items():
        if key in specs:
            msg = _option_problem(specs[key], value)
        elif key in known:
            msg = _type_problem(known[key], value) or _bounds_problem(_threshold_spec(key), value)
        else:
            topic = key.partition(".")[0]
            names = sorted(k for k in (*known, *specs) if k.startswith(topic + "."))
            hint = f"; known: {', '.join(names)}" if names else f"; topics: {', '.join(topics())}"
            msg = f"unknown option{hint}"
        if msg:
            problems.append((f"options.{key}", msg))
    return problems


def _option_problem(spec: Mapping[str, Any], value: Any) -> str:
    """Why ``value`` is not allowed by an option's ``spec`` (see the module doc), or ''."""
    if "choices" in spec:
        choices = [str(c) for c in spec["choices"]]
        least = int(spec.get("minimum", 1))
        if spec.get("whole_number") and isinstance(value, int) and not isinstance(value, bool):
            return "" if value >= least else f"expected a whole number ≥ {least}, found {value!r}"
        if isinstance(value, str) and value in choices:
            return ""
        if not choices:
            return f"expected a whole number ≥ {least}, found {value!r}"
        extra = f" or a whole number ≥ {least}" if spec.get("whole_number") else ""
        return f"expected one of {', '.join(choices)}{extra}; found {value!r}"
    if "subset" in spec:
        allowed = [str(c) for c in spec["subset"]]
        if isinstance(value, list) and value and all(isinstance(v, str) and v in allowed for v in value):
            return ""
        return f"expected a non-empty list of {', '.join(allowed)}; found {value!r}"
    if spec.get("text") or spec.get("path"):
        what = "a file path" if spec.get("path") else "text"
        return "" if value is None or (isinstance(value, str) and value.strip()) else f"expected {what}, found {value!r}"
    return _type_problem(spec.get("value"), value)


def _threshold_spec(key: str) -> Mapping[str, Any]:
    """A threshold's spec (``{}`` for a bare value)."""
    topic, _, name = key.partition(".")
    spec = catalogue()[topic]["thresholds"].get(name)
    return spec if isinstance(spec, Mapping) else {}


def _bounds_problem(spec: Mapping[str, Any], value: Any) -> str:
    """Why a number lies outside a threshold's declared bounds (``minimum``, ``minimum_exclusive``,
    ``maximum``), or ''.

    >>> _bounds_problem({"minimum_exclusive": 0, "maximum": 0.5}, 0.6)
    'expected a number > 0 and ≤ 0.5, found 0.6'
    """
    low, low_open, high = spec.get("minimum"), spec.get("minimum_exclusive"), spec.get("maximum")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    bad = ((low is not None and value < low) or (low_open is not None and value <= low_open)
           or (high is not None and value > high))
    if not bad:
        return ""
    parts = [f"≥ {low}" if low is not None else "", f"> {low_open}" if low_open is not None else "",
             f"≤ {high}" if high is not None else ""]
    return f"expected a number {' and '.join(p for p in parts if p)}, found {value!r}"


def _type_problem(default: Any, value: Any) -> str:
    """Why ``value`` cannot replace ``default`` (same kind: a flag, a whole number, a number, or a
    list of as many numbers in the same order), or ''."""
    def number(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    if isinstance(default, bool):
        return "" if isinstance(value, bool) else f"expected true or false, found {value!r}"
    if isinstance(default, int):
        return "" if isinstance(value, int) and not isinstance(value, bool) else (
            f"expected a whole number like {default!r}, found {value!r}")
    if isinstance(default, float):
        return "" if number(value) else f"expected a number like {default!r}, found {value!r}"
    if isinstance(default, list):
        if not isinstance(value, list) or len(value) != len(default) or not all(map(number, value)):
            return f"expected a list of {len(default)} numbers like {default!r}, found {value!r}"
        rising = all(a < b for a, b in zip(default, default[1:], strict=False))
        if rising and not all(a < b for a, b in zip(value, value[1:], strict=False)):
            return f"expected increasing numbers like {default!r}, found {value!r}"
    return ""
