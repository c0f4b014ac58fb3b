"""Fuzzy comprehensive evaluation (模糊综合评价).

A comment set (评语集) such as 优/良/中/差 is given; for every factor (indicator, survey item)
a membership row says how far the object belongs to each comment. The membership matrix
:math:`R` (factors × comments) comes either from expert or survey ratings
(:func:`membership_from_ratings`: the share of raters choosing each comment) or from measured
values and comment thresholds (:func:`membership_from_values`: piecewise-linear membership
functions). :func:`fuzzy_evaluation` composes the factor weights :math:`A` with :math:`R`
through a fuzzy operator, gives the evaluation vector :math:`B = A \\circ R`, the verdict by the
maximum-membership principle (最大隶属度原则) and a score (weighted mean of comment scores).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from methods._checks import complete_frame, weight_vector
from methods._errors import MethodError, MethodTypeError, MethodWarning
from methods.summary import Result, Summary, ranking_line

__all__ = [
    "FuzzyEvaluationResult",
    "OPERATORS",
    "membership_from_ratings",
    "membership_from_values",
    "fuzzy_evaluation",
]

Operator = Literal["weighted_average", "min_max", "product_max", "bounded_min_sum"]

OPERATORS: dict[str, str] = {
    "weighted_average": "M(·,⊕): b_k = Σ_j a_j r_jk (加权平均型, uses all factors)",
    "min_max": "M(∧,∨): b_k = max_j min(a_j, r_jk) (主因素决定型)",
    "product_max": "M(·,∨): b_k = max_j a_j r_jk (主因素突出型)",
    "bounded_min_sum": "M(∧,⊕): b_k = min(1, Σ_j min(a_j, r_jk)) (取小上界和型)",
}


def membership_from_ratings(
    ratings: pd.DataFrame,
    grades: Sequence[object],
    *,
    allow_missing: bool = False,
    by: str | pd.Series | None = None,
) -> pd.DataFrame:
    """Membership matrix from expert or survey ratings on a comment set.

    :math:`r_{jk}` = share of the raters of factor :math:`j` who chose comment :math:`k`
    (the usual statistical membership of 模糊统计法).

    Parameters
    ----------
    ratings : pd.DataFrame
        Raters × factors; each cell one comment of ``grades`` (a label such as "优", or a
        level code).
    grades : sequence
        The comment set, in the order the result's columns should have.
    allow_missing : bool, default False
        If True, a missing rating is skipped (shares over the raters who answered);
        otherwise a missing rating raises MethodError naming rater and factor.
    by : str or pd.Series, optional
        The object each rater rated (a column of ``ratings`` or a Series on its index), e.g.
        the locality a survey respondent used: one membership matrix per object, stacked with
        an (object, factor) index as :func:`fuzzy_evaluation` takes it.

    Returns
    -------
    pd.DataFrame
        Factors × comments, rows summing to 1 (indexed by (object, factor) with ``by``).
    """
    if not isinstance(ratings, pd.DataFrame):
        raise MethodTypeError(f"ratings must be a pandas DataFrame, got {type(ratings).__name__}")
    if ratings.shape[0] == 0:
        raise MethodError("ratings has no rater (row)")
    if by is not None:
        if isinstance(by, str):
            if by not in ratings.columns:
                raise MethodError(f"by={by!r} is not a column of ratings")
            key = ratings[by]
            ratings = ratings.drop(columns=by)
        elif isinstance(by, pd.Series):
            lost = ratings.index.difference(by.index)
            if len(lost):
                raise MethodError(f"by has no object for rater(s) {list(lost[:5])}")
            key = by.reindex(ratings.index)
        else:
            raise MethodTypeError(
                "by must be a column name of ratings or a pandas Series indexed like ratings, "
                f"got {type(by).__name__}"
            )
        if key.isna().any():
            raise MethodError(f"rater(s) {list(key.index[key.isna()][:5])} have no object in by")
        parts = {}
        for obj, grp in ratings.groupby(key, sort=True):
            try:
                parts[obj] = membership_from_ratings(grp, grades, allow_missing=allow_missing)
            except MethodError as err:
                raise MethodError(f"object {obj!r}: {err}") from None
        out = pd.concat(parts, names=[key.name if key.name is not None else "object", "factor"])
        return out
    levels = list(grades)
    if len(levels) < 2 or len(set(levels)) != len(levels):
        raise MethodError(f"grades must list at least two distinct comments, got {levels}")
    rows = {}
    for factor in ratings.columns:
        col = ratings[factor]
        missing = col.isna()
        if missing.any() and not allow_missing:
            rater = col[missing].index[0]
            raise MethodError(
                f"rating of factor {factor!r} by rater {rater!r} is missing; pass "
                "allow_missing=True to use the raters who answered"
            )
        given = col[~missing]
        unknown = given[~given.isin(levels)]
        if len(unknown):
            rater = unknown.index[0]
            raise MethodError(
                f"rating {unknown.iloc[0]!r} of factor {factor!r} by rater {rater!r} is not in "
                f"the comment set {levels}"
            )
        if len(given) == 0:
            raise MethodError(f"factor {factor!r} has no rating")
        counts = given.value_counts().reindex(levels, fill_value=0).astype(float)
        rows[factor] = counts / counts.sum()
    out = pd.DataFrame(rows).T
    out.columns = pd.Index(levels, name="grade")
    out.index.name = "factor"
    return out


def _ramp(x: np.ndarray, a: float, b: float) -> np.ndarray:
    """0 at a, 1 at b, linear between, clipped."""
    return np.clip((x - a) / (b - a), 0.0, 1.0)


def membership_from_values(
    x: pd.DataFrame,
    knots: Sequence[float],
    grades: Sequence[object],
) -> pd.DataFrame:
    r"""Piecewise-linear membership of measured values in ordered comments.

    ``knots`` :math:`c_1 < \dots < c_K` are the characteristic values of the comments
    ``grades`` (same order, e.g. ``[40, 60, 80, 95]`` for 差/中/良/优 on a 0–100 scale). The
    first comment is a left shoulder (1 below :math:`c_1`, falling to 0 at :math:`c_2`), the last
    a right shoulder (0 below :math:`c_{K-1}`, 1 from :math:`c_K`), the others triangles peaking
    at their knot and reaching 0 at the neighbours. Memberships of a value sum to 1 (a
    partition of unity).

    Parameters
    ----------
    x : pd.DataFrame
        Units × indicators on the scale of the knots (oriented: higher is better).
    knots : sequence of float
        Strictly increasing characteristic values, one per comment.
    grades : sequence
        Comment labels aligned with ``knots``.

    Returns
    -------
    pd.DataFrame
        Index (unit, indicator), one column per comment.

    Notes
    -----
    Matches ``mathmodels::compute_mf(.builder = "tri")`` (R, 0.0.11) to 1e-12.
    """
    data = complete_frame(x, name="x", min_rows=1)
    c = np.asarray(list(knots), dtype=float)
    levels = list(grades)
    if c.ndim != 1 or len(c) < 2:
        raise MethodError(f"knots must be at least two increasing numbers, got {list(knots)}")
    if not np.all(np.diff(c) > 0):
        raise MethodError(f"knots must be strictly increasing, got {list(knots)}")
    if len(levels) != len(c) or len(set(levels)) != len(levels):
        raise MethodError(
            f"grades must be {len(c)} distinct labels aligned with the knots, got {levels}"
        )
    v = data.to_numpy().ravel()
    k = len(c)
    mem = np.empty((v.size, k))
    mem[:, 0] = 1.0 - _ramp(v, c[0], c[1])
    mem[:, k - 1] = _ramp(v, c[k - 2], c[k - 1])
    for i in range(1, k - 1):
        mem[:, i] = np.minimum(_ramp(v, c[i - 1], c[i]), 1.0 - _ramp(v, c[i], c[i + 1]))
    index = pd.MultiIndex.from_product(
        [data.index, data.columns], names=[data.index.name or "unit", "factor"]
    )
    return pd.DataFrame(mem, index=index, columns=pd.Index(levels, name="grade"))


@dataclass(frozen=True)
class FuzzyEvaluationResult(Result):
    """Fuzzy comprehensive evaluation of one or several objects.

    Attributes
    ----------
    b : pd.DataFrame
        Evaluation vectors (objects × comments), normalised to sum 1 if ``normalised``.
    verdict : pd.Series
        Comment of maximum membership (最大隶属度原则) per object.
    verdict_ties : pd.Series
        True where two or more comments share the maximum membership (then ``verdict`` is the
        first of them in comment order and deserves no confidence).
    score : pd.Series or None
        :math:`\\sum_k b_k s_k / \\sum_k b_k` with the comment scores, if given.
    weights : pd.Series
        Factor weights used (sum 1 unless ``rescale_weights=False``).
    operator : str
        Composition operator.
    normalised : bool
        Whether ``b`` was rescaled to sum 1.
    """

    b: pd.DataFrame
    verdict: pd.Series
    verdict_ties: pd.Series
    score: pd.Series | None
    weights: pd.Series
    operator: str
    normalised: bool

    def to_frame(self) -> pd.DataFrame:
        """Per object: the evaluation vector, verdict, tie flag and score."""
        out = self.b.copy()
        out["verdict"] = self.verdict
        out["verdict_tie"] = self.verdict_ties
        if self.score is not None:
            out["score"] = self.score
        return out

    @property
    def scores(self) -> pd.Series:
        """The comment-weighted scores (the shared name of evaluation scores); needs comment
        scores."""
        if self.score is None:
            raise MethodError("fuzzy evaluation: no scores; pass comment scores to "
                              "fuzzy_evaluate to score and rank the objects")
        return self.score

    @property
    def ranks(self) -> pd.Series:
        """Ranks of :attr:`scores`, 1 = best (ties "min"); needs comment scores."""
        return self.scores.rank(ascending=False, method="min")

    def summary(self) -> Summary:
        """Verdicts (and the ranking by score, if scored); the evaluation vectors."""
        counts = self.verdict.value_counts()
        lines = ["verdicts: " + ", ".join(f"{k} {v}" for k, v in counts.items())
                 + (f" ({int(self.verdict_ties.sum())} tied)" if self.verdict_ties.any() else "")]
        if self.score is not None:
            lines.append(ranking_line(self.score, self.ranks))
        lines.append(f"operator {self.operator}, {len(self.weights)} factors")
        return Summary("Fuzzy comprehensive evaluation", lines, [self.to_frame()])


def _compose(a: np.ndarray, r: np.ndarray, operator: str) -> np.ndarray:
    """B = A ∘ R for one object; a (factors,), r (factors, comments)."""
    if operator == "weighted_average":
        return a @ r
    if operator == "min_max":
        return np.minimum(a[:, None], r).max(axis=0)
    if operator == "product_max":
        return (a[:, None] * r).max(axis=0)
    if operator == "bounded_min_sum":
        return np.minimum(1.0, np.minimum(a[:, None], r).sum(axis=0))
    raise MethodError(f"operator must be one of {sorted(OPERATORS)}, got {operator!r}")


def fuzzy_evaluation(
    membership: pd.DataFrame,
    weights: Mapping[object, float] | pd.Series | Sequence[float] | None = None,
    *,
    operator: Operator = "weighted_average",
    grade_scores: Mapping[object, float] | pd.Series | Sequence[float] | None = None,
    normalise: bool = True,
    rescale_weights: bool = True,
) -> FuzzyEvaluationResult:
    r"""First-level fuzzy comprehensive evaluation :math:`B = A \circ R`.

    The operators (``operator``):

    * ``"weighted_average"`` — :math:`M(\cdot,\oplus)`, :math:`b_k=\sum_j a_j r_{jk}`; every
      factor contributes (the usual choice for an index; default);
    * ``"min_max"`` — Zadeh's :math:`M(\wedge,\vee)`, :math:`b_k=\max_j \min(a_j, r_{jk})`;
      the main factor decides, the rest of the information is lost;
    * ``"product_max"`` — :math:`M(\cdot,\vee)`, :math:`b_k=\max_j a_j r_{jk}`;
    * ``"bounded_min_sum"`` — :math:`M(\wedge,\oplus)`,
      :math:`b_k=\min(1,\sum_j\min(a_j,r_{jk}))`.

    The verdict is the comment of maximum :math:`b_k` (flagged when tied); the score is
    :math:`\sum_k b_k s_k/\sum_k b_k` for comment scores :math:`s_k` (e.g. 优 95, 良 85, 中 70,
    差 50).

    Parameters
    ----------
    membership : pd.DataFrame
        Either factors × comments (one object) or a frame indexed by (object, factor) with
        one column per comment (several objects, as :func:`membership_from_values` returns).
        Entries in [0, 1].
    weights : optional
        Factor weights :math:`A` (mapping/Series by factor, or a sequence in factor order);
        equal by default. Rescaled to sum 1 unless ``rescale_weights=False``.
    operator : str, default "weighted_average"
        See above.
    grade_scores : optional
        Score of each comment (mapping/Series by comment or sequence in column order).
    normalise : bool, default True
        Rescale each :math:`B` to sum 1 (for ``weighted_average`` with rows of :math:`R`
        summing to 1 it already does).
    rescale_weights : bool, default True
        Rescale :math:`A` to sum 1 first. The operators built on ∧ (``min_max``,
        ``bounded_min_sum``) are not scale-equivariant, so a textbook's fuzzy linear transform
        :math:`B = A\circ R` with :math:`A` a fuzzy set (entries in [0, 1], any sum) needs
        ``rescale_weights=False, normalise=False`` to reproduce its printed :math:`B`. With
        ``weighted_average`` and weights summing to more than 1, :math:`B` then exceeds 1
        unless ``normalise=True``.

    Returns
    -------
    FuzzyEvaluationResult

    Notes
    -----
    Missing data: none allowed in the membership matrix. An object whose :math:`B` is all zero
    cannot be normalised or given a verdict: MethodError names it.

    Matches ``mathmodels::fuzzy_eval`` types 1–4 (R, 0.0.11; that function always
    normalises) to 1e-12 (``tests/reference/cn_fuzzy_mathmodels.json``). Reproduces printed
    examples (``tests/test_published_examples.py``): SPSSAU's clothing case (weighted average, B and verdict), a clothing
    example with two customer classes (M(∧,∨)), and 陈水利's fuzzy linear transform with a
    fuzzy set A (``rescale_weights=False``).

    Examples
    --------
    SPSSAU's clothing case (weighted average; comment scores 95/80/65/40):

    >>> import pandas as pd
    >>> from methods.evaluation.fuzzy import fuzzy_evaluation
    >>> mem = pd.DataFrame([[0.2, 0.5, 0.3, 0.0], [0.1, 0.3, 0.5, 0.1], [0.0, 0.1, 0.6, 0.3],
    ...                     [0.0, 0.4, 0.5, 0.1], [0.5, 0.3, 0.2, 0.0]],
    ...                    index=["花色", "式样", "价格", "耐用度", "舒适度"],
    ...                    columns=["很欢迎", "欢迎", "一般", "不欢迎"])
    >>> res = fuzzy_evaluation(mem, [0.1, 0.1, 0.15, 0.3, 0.35], grade_scores=[95, 80, 65, 40])
    >>> res.to_frame().round(4)
    grade     很欢迎    欢迎    一般    不欢迎 verdict  verdict_tie   score
    object  0.205  0.32  0.39  0.085      一般        False  73.825

    References
    ----------
    1. Zadeh, L. A. (1965). Fuzzy sets. *Information and Control* 8(3), 338–353.
    2. 汪培庄 (1983). 《模糊集合论及其应用》, 上海科学技术出版社.
    3. 司守奎, 孙玺菁 (2015). 《数学建模算法与应用》第 2 版, 第 11 章 (模糊综合评价).
    """
    if not isinstance(membership, pd.DataFrame):
        raise MethodTypeError(
            f"membership must be a pandas DataFrame, got {type(membership).__name__}"
        )
    if operator not in OPERATORS:
        raise MethodError(f"operator must be one of {sorted(OPERATORS)}, got {operator!r}")
    mem, multi = _membership_frame(membership)
    values = mem.to_numpy()
    levels = list(mem.columns)
    objects, factors = _objects_and_factors(mem, multi)
    a = weight_vector(weights, factors, rescale=rescale_weights)
    if not rescale_weights and operator != "weighted_average" and (a > 1).any():
        over = {f: float(w) for f, w in zip(factors, a, strict=True) if w > 1}
        raise MethodError(
            f"with rescale_weights=False the weights of operator {operator!r} must lie in "
            f"[0, 1] (a fuzzy set); got {over}"
        )
    s = _grade_scores(grade_scores, levels) if grade_scores is not None else None
    rows = []
    for obj in objects:
        r = mem.xs(obj, level=0).reindex(factors).to_numpy() if multi else values
        rows.append(_compose(a, r, operator))
    b = np.vstack(rows)
    sums = b.sum(axis=1)
    if (sums <= 0).any():
        bad = objects[int(np.argmax(sums <= 0))]
        raise MethodError(
            f"object {bad!r} has an all-zero evaluation vector (no membership in any comment)"
        )
    if normalise:
        b = b / sums[:, None]
    index = pd.Index(objects, name=mem.index.names[0]) if multi else pd.Index(["object"])
    bframe = pd.DataFrame(b, index=index, columns=pd.Index(levels, name="grade"))
    top = b.max(axis=1)
    ties = (np.isclose(b, top[:, None], rtol=0, atol=1e-12)).sum(axis=1) > 1
    verdict = pd.Series([levels[i] for i in b.argmax(axis=1)], index=index, name="verdict")
    tie_s = pd.Series(ties, index=index, name="verdict_tie")
    if ties.any():
        warnings.warn(
            f"{int(ties.sum())} object(s) have two or more comments sharing the maximum "
            f"membership (e.g. {list(index[ties])[:3]}); their verdict is not unique",
            MethodWarning,
            stacklevel=2,
        )
    score = None
    if s is not None:
        score = pd.Series((b @ s) / b.sum(axis=1), index=index, name="score")
    return FuzzyEvaluationResult(
        b=bframe,
        verdict=verdict,
        verdict_ties=tie_s,
        score=score,
        weights=pd.Series(a, index=factors, name="weight"),
        operator=operator,
        normalised=normalise,
    )


def _membership_frame(membership: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The complete membership frame (entries checked to lie in [0, 1]) and whether it holds
    several objects (a 2-level (object, factor) index)."""
    multi = isinstance(membership.index, pd.MultiIndex)
    if multi and membership.index.nlevels != 2:
        raise MethodError("a multi-object membership frame must be indexed by (object, factor)")
    mem = complete_frame(membership.reset_index(drop=True), name="membership", min_rows=1)
    mem.index = membership.index
    values = mem.to_numpy()
    if (values < 0).any() or (values > 1).any():
        pos = np.argwhere((values < 0) | (values > 1))[0]
        raise MethodError(
            f"membership {values[pos[0], pos[1]]!r} of {mem.index[pos[0]]!r} in comment "
            f"{mem.columns[pos[1]]!r} is outside [0, 1]"
        )
    return mem, multi


def _objects_and_factors(mem: pd.DataFrame, multi: bool) -> tuple[list[object], list[object]]:
    """The objects (``[None]`` for a single one) and factors of a membership frame, checked to
    give one row per (object, factor)."""
    if multi:
        objects = list(dict.fromkeys(mem.index.get_level_values(0)))
        factors = list(dict.fromkeys(mem.index.get_level_values(1)))
        if len(mem) != len(objects) * len(factors) or mem.index.duplicated().any():
            raise MethodError(
                "membership must have exactly one row per (object, factor); found duplicated "
                "or missing pairs"
            )
    else:
        objects = [None]
        factors = list(mem.index)
        if mem.index.duplicated().any():
            raise MethodError(f"membership has duplicated factor(s) {list(mem.index[mem.index.duplicated()])}")
    return objects, factors


def _grade_scores(
    grade_scores: Mapping[object, float] | pd.Series | Sequence[float], levels: list[object]
) -> np.ndarray:
    if isinstance(grade_scores, Mapping):
        grade_scores = pd.Series(grade_scores)
    if isinstance(grade_scores, pd.Series):
        missing = [g for g in levels if g not in grade_scores.index]
        if missing:
            raise MethodError(f"grade_scores lacks a score for comment(s) {missing}")
        vals = [grade_scores[g] for g in levels]
    else:
        vals = list(grade_scores)
        if len(vals) != len(levels):
            raise MethodError(
                f"grade_scores has {len(vals)} entries for {len(levels)} comments {levels}"
            )
    out = np.asarray(vals, dtype=float)
    if not np.isfinite(out).all():
        raise MethodError(f"grade_scores must be finite numbers, got {vals}")
    return out
