"""One registry per family of methods: the only list of names of each build step.

A :class:`Registry` maps a method's name to its :class:`MethodInfo`: its parameters (names,
defaults, types, allowed values), labels (zh/en, short and long), a one-line formula per
language, the function that computes it, and what the family needs to know about it (the score
scale a normalisation produces, the input an aggregation requires, the kind of information a
weighting needs). :class:`methods.index.IndexSpec`, the sensitivity spec and sampler read the
registries; adding a method is one function plus one :meth:`Registry.register` call.

The five family registries are declared next to their functions (so that the function objects
are at hand and no import cycle arises) and gathered by :func:`registries`:

- ``NORMALISATION`` in :mod:`methods.index.normalisation_kernels` (re-exported by
  :mod:`methods.index.normalise`);
- ``AGGREGATION`` in :mod:`methods.index.aggregation_kernels` (re-exported by :mod:`methods.index.aggregate`);
- ``IMPUTATION`` in :mod:`methods.index.prepare`;
- ``TREATMENT`` in :mod:`methods.index.treat`;
- ``WEIGHTING`` in :mod:`methods.weights.registry`.

Example
-------
>>> from methods.registry import registry
>>> registry("aggregation").get("geometric").input_domain({})
'positive'
>>> registry("normalisation").get("minmax").score_scale({"range": [1, 100]})
ScoreScale(low=1.0, high=100.0, bounded=True, decimals=1, centre=None, kind='score')
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from methods._errors import MethodError

__all__ = [
    "FAMILIES",
    "AggregationKernel",
    "MethodInfo",
    "NamesView",
    "Param",
    "Registry",
    "ScoreScale",
    "registries",
    "registry",
]

#: Family name -> module that declares its registry (attribute name in upper case).
FAMILIES: Mapping[str, tuple[str, str]] = {
    "normalisation": ("methods.index.normalisation_kernels", "NORMALISATION"),
    "weighting": ("methods.weights.registry", "WEIGHTING"),
    "aggregation": ("methods.index.aggregation_kernels", "AGGREGATION"),
    "imputation": ("methods.index.prepare", "IMPUTATION"),
    "treatment": ("methods.index.treat", "TREATMENT"),
}

#: Values of :attr:`MethodInfo.requires` (an aggregation's input domain), weakest first.
DOMAINS = ("any", "nonnegative", "positive")


@dataclass(frozen=True)
class ScoreScale:
    """The scale of scores: bounds (None = open), whether they are bounded, the decimals worth
    showing, the centre for centred scales (z-scores) and the kind of number (``score``,
    ``rank``, ``share``, ``closeness``, ``count``).

    >>> ScoreScale(0.0, 100.0, True, 1).contains(50)
    True
    """

    low: float | None
    high: float | None
    bounded: bool
    decimals: int = 2
    centre: float | None = None
    kind: str = "score"

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies within the bounds (open bounds contain everything)."""
        return (self.low is None or value >= self.low) and (self.high is None
                                                             or value <= self.high)

    @property
    def positive(self) -> bool:
        """Whether every score on this scale is > 0 (what geometric/harmonic means need)."""
        return self.low is not None and self.low > 0

    @property
    def nonnegative(self) -> bool:
        return self.low is not None and self.low >= 0

    def satisfies(self, domain: str) -> bool:
        """Whether every score on this scale lies in ``domain`` (one of :data:`DOMAINS`)."""
        return {"any": True, "nonnegative": self.nonnegative, "positive": self.positive}[domain]

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "bounded": self.bounded,
                "decimals": self.decimals, "centre": self.centre, "kind": self.kind}


@dataclass(frozen=True)
class Param:
    """One parameter of a method: ``name``, ``default``, ``type`` (``float``, ``int``, ``bool``,
    ``str``, ``pair`` (two numbers), ``mapping``, ``unit``), ``allowed`` values (None = any of the
    type) and a one-line description."""

    name: str
    default: Any = None
    type: str = "float"
    allowed: tuple[Any, ...] | None = None
    doc: str = ""


@dataclass(frozen=True)
class AggregationKernel:
    r"""How an aggregation computes a node from its children, vectorised over samples.

    Quasi-arithmetic means give ``transform`` (the generator :math:`f`, elementwise, ``(x, p)``)
    and ``finish`` (``(num, den, p)`` -> :math:`f^{-1}(\mathrm{num}/\mathrm{den})` where
    :math:`\mathrm{num} = \sum_c w_c f(x_c)` and :math:`\mathrm{den} = \sum_c w_c` over the
    observed children): the engine then aggregates with matrix products. Joint methods (the
    units are ranked together, e.g. TOPSIS, Copeland) give ``node``: ``(v, w, p)`` with children
    values ``v`` (samples x units x children, NaN = missing) and weights ``w`` (samples x
    children, each row summing to a positive number) -> scores (samples x units).

    ``same_as(p)`` names the mean this one equals for the parameter ``p`` (generalised mean:
    arithmetic at p = 1, geometric at p = 0) or None; ``chain`` says that a parent using the
    same mean may take a child's value in the transformed space (exact and cheaper: log-space
    geometric means).
    """

    transform: Callable[[np.ndarray, float], np.ndarray] | None = None
    finish: Callable[[np.ndarray, np.ndarray, float], np.ndarray] | None = None
    node: Callable[[np.ndarray, np.ndarray, float], np.ndarray] | None = None
    same_as: Callable[[float], str | None] | None = None
    chain: bool = False

    def __post_init__(self) -> None:
        mean = self.transform is not None and self.finish is not None
        if mean == (self.node is not None):
            raise MethodError(
                "AggregationKernel: give either transform and finish (a mean) or node (a joint "
                "method)"
            )

    @property
    def joint(self) -> bool:
        """True for methods that rank the units jointly (no matrix-product form)."""
        return self.node is not None


def _per_lang(value: str | Mapping[str, str] | None) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"en": value, "zh": value}
    return {str(k): str(v) for k, v in value.items()}


@dataclass(frozen=True)
class MethodInfo:
    """The declaration of one method.

    Attributes
    ----------
    name, family : str
    function : callable or None
        The function that computes the method (e.g. :func:`methods.weights.entropy_weights`).
    params : tuple of Param
    label, label_long, formula : mapping lang -> text
        Short and long labels and a one-line formula or description, in ``zh`` and ``en``.
    needs : str
        Weighting: ``nominal`` (meta or given values), ``judgements`` (pairwise matrices) or
        ``data`` (computed on the normalised data in the build). Imputation: ``cross`` or
        ``panel``.
    scale : ScoreScale, callable(params) -> ScoreScale, or None
        Normalisation: the scale produced given the parameters. Aggregation: the scale of a
        node's score when it does not keep its children's scale (``keeps_scale`` False).
    keeps_scale : bool
        Aggregation: the node's score stays on its children's scale (the means).
    requires : str or callable(params) -> str
        Aggregation: the input domain, one of ``any``, ``nonnegative``, ``positive``.
    kernel : AggregationKernel or None
        Aggregation: the vectorised formula shared by :mod:`methods.index.aggregate` and the
        sensitivity engine.
    options : mapping
        Anything else a family needs (e.g. a weighting's ``data_function``).
    """

    name: str
    family: str
    function: Callable[..., Any] | None = None
    params: tuple[Param, ...] = ()
    label: Mapping[str, str] = field(default_factory=dict)
    label_long: Mapping[str, str] = field(default_factory=dict)
    formula: Mapping[str, str] = field(default_factory=dict)
    needs: str = ""
    scale: ScoreScale | Callable[[Mapping[str, Any]], ScoreScale] | None = None
    keeps_scale: bool = True
    requires: str | Callable[[Mapping[str, Any]], str] = "any"
    kernel: AggregationKernel | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for attr in ("label", "label_long", "formula"):
            object.__setattr__(self, attr, _per_lang(getattr(self, attr)))
        if not self.label:
            object.__setattr__(self, "label", {"en": self.name, "zh": self.name})
        if not self.label_long:
            object.__setattr__(self, "label_long", dict(self.label))

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def defaults(self) -> dict[str, Any]:
        """``{parameter: default}``."""
        return {p.name: p.default for p in self.params}

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """Call the method's function (a MethodError if the entry declares none)."""
        if self.function is None:
            raise MethodError(f"{self.family} method {self.name!r} has no function of its own")
        return self.function(*args, **kwargs)

    def score_scale(self, params: Mapping[str, Any] | None = None) -> ScoreScale | None:
        """The scale of the scores this method produces with ``params`` (defaults filled in)."""
        if self.scale is None or isinstance(self.scale, ScoreScale):
            return self.scale
        return self.scale({**self.defaults(), **dict(params or {})})

    def input_domain(self, params: Mapping[str, Any] | None = None) -> str:
        """Aggregation: ``any``, ``nonnegative`` or ``positive`` for these parameters."""
        if isinstance(self.requires, str):
            return self.requires
        return self.requires({**self.defaults(), **dict(params or {})})

    def text(self, what: str = "label", lang: str = "en") -> str:
        """``label``, ``label_long`` or ``formula`` in ``lang`` (falls back to English)."""
        d: Mapping[str, str] = getattr(self, what)
        return d.get(lang) or d.get("en") or self.name


def suggest(name: object, known: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest known name, or an empty string."""
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class NamesView(Sequence[str]):
    """The names of a registry as a live, read-only sequence (the old ``*_METHODS`` tuples):
    a method registered later is in it."""

    def __init__(self, reg: Registry, where: Callable[[MethodInfo], bool] | None = None) -> None:
        self._reg = reg
        self._where = where

    def _names(self) -> tuple[str, ...]:
        return self._reg.names(self._where)

    def __getitem__(self, i: Any) -> Any:
        return self._names()[i]

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, x: object) -> bool:
        return x in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._names() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._names())

    def __repr__(self) -> str:
        return repr(self._names())


class Registry(Mapping[str, MethodInfo]):
    """Name -> :class:`MethodInfo` of one family of methods, in declaration order.

    >>> r = Registry("demo", {"en": "demo method", "zh": "示例方法"})
    >>> _ = r.register(MethodInfo("alpha", "demo"))
    >>> r.names()
    ('alpha',)
    >>> r.get("alpah")
    Traceback (most recent call last):
    ...
    methods._errors.MethodError: 'alpah' is not a demo method; known: alpha; did you mean 'alpha'?
    """

    def __init__(self, family: str, noun: str | Mapping[str, str] | None = None,
                 entries: Sequence[MethodInfo] = ()) -> None:
        self.family = family
        self.noun = _per_lang(noun) or {"en": f"{family} method", "zh": family}
        self._items: dict[str, MethodInfo] = {}
        for e in entries:
            self.register(e)

    # Mapping protocol
    def __getitem__(self, name: str) -> MethodInfo:
        return self.get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __repr__(self) -> str:
        return f"Registry({self.family!r}, {list(self._items)})"

    def register(self, info: MethodInfo, *, replace: bool = False) -> MethodInfo:
        """Add a method; a repeated name is an error unless ``replace``."""
        if info.family != self.family:
            raise MethodError(
                f"Registry({self.family!r}): method {info.name!r} declares family {info.family!r}"
            )
        if info.name in self._items and not replace:
            raise MethodError(f"Registry({self.family!r}): {info.name!r} is already registered")
        self._items[info.name] = info
        return info

    def unregister(self, name: str) -> MethodInfo:
        """Remove a method (e.g. a toy one added by a test) and return it."""
        self.get(name)
        return self._items.pop(name)

    def names(self, where: Callable[[MethodInfo], bool] | None = None, **attrs: Any
              ) -> tuple[str, ...]:
        """Names in declaration order, optionally those whose attributes equal ``attrs``
        (e.g. ``names(needs="data")``) or that satisfy ``where``."""
        if where is None and not attrs:
            return tuple(self._items)
        return tuple(n for n, i in self._items.items()
                     if all(getattr(i, k) == v for k, v in attrs.items())
                     and (where is None or where(i)))

    def view(self, where: Callable[[MethodInfo], bool] | None = None) -> NamesView:
        """A live sequence of the names (see :class:`NamesView`)."""
        return NamesView(self, where)

    def get(self, name: object, default: Any = ..., *, field: str | None = None,
            among: Sequence[str] | None = None) -> MethodInfo:
        """The method ``name``; an unknown name is a :class:`MethodError` that starts with
        ``field`` (e.g. ``build.weights``), lists the known names (or ``among``) and suggests a
        close one."""
        if among is None and isinstance(name, str) and name in self._items:
            return self._items[name]  # the hot path (the sensitivity engine's kernel look-ups)
        known = tuple(among) if among is not None else self.names()
        if isinstance(name, str) and name in self._items and name in known:
            return self._items[name]
        if default is not ...:
            return default
        where = f"{field}: " if field else ""
        noun = self.noun["en"]
        article = "an" if noun[:1] in "aeiou" else "a"
        raise MethodError(f"{where}{name!r} is not {article} {noun}; {self.known(name, known)}")

    def known(self, name: object = None, among: Sequence[str] | None = None) -> str:
        """``"known: a, b, c; did you mean 'b'?"`` for error messages about ``name``."""
        names = tuple(among) if among is not None else self.names()
        return f"known: {', '.join(names)}{suggest(name, names)}"

    def check(self, name: object, *, field: str | None = None,
              among: Sequence[str] | None = None) -> str:
        """``name`` if registered (else the error of :meth:`get`)."""
        return self.get(name, field=field, among=among).name

    def labels(self, lang: str = "en", *, long: bool = False) -> dict[str, str]:
        """``{name: label}`` in ``lang`` (short or long)."""
        what = "label_long" if long else "label"
        return {n: i.text(what, lang) for n, i in self._items.items()}

    def formulas(self, lang: str = "en") -> dict[str, str]:
        return {n: i.text("formula", lang) for n, i in self._items.items()}

    def to_frame(self, lang: str = "en") -> Any:
        """One row per method: label, long label, formula, parameters (with defaults), needs."""
        import pandas as pd

        rows = [{"method": n, "label": i.text("label", lang),
                 "label_long": i.text("label_long", lang), "formula": i.text("formula", lang),
                 "parameters": ", ".join(f"{p.name}={p.default!r}" for p in i.params),
                 "needs": i.needs} for n, i in self._items.items()]
        return pd.DataFrame(rows).set_index("method")


def registry(family: str) -> Registry:
    """The registry of ``family`` (one of :data:`FAMILIES`), importing its module."""
    if family not in FAMILIES:
        raise MethodError(
            f"registry: {family!r} is not a family of methods; known: {', '.join(FAMILIES)}"
            f"{suggest(family, list(FAMILIES))}"
        )
    mod, attr = FAMILIES[family]
    reg: Registry = getattr(importlib.import_module(mod), attr)
    return reg


def registries() -> dict[str, Registry]:
    """Every family's registry, ``{family: Registry}``."""
    return {f: registry(f) for f in FAMILIES}
