r"""Reliability of scales and agreement of raters.

One public function per statistic; pandas in, frozen dataclasses (or labelled DataFrames) out.
Every function states its missing-data policy and the R call whose numbers it reproduces; the
reference values and the R scripts that produced them are in ``tests/reference/``.

======================  ==========================================================  ============
function                matches                                                      tolerance
======================  ==========================================================  ============
:func:`cronbach_alpha`  ``psych::alpha`` (raw/std alpha, pairwise) + Feldt CI        1e-10
:func:`item_analysis`   ``psych::alpha`` ``$item.stats`` and ``$alpha.drop``         1e-10
:func:`split_half`      Spearman-Brown / Guttman by hand in base R                   1e-12
:func:`omega`           ``psych::omega`` (Schmid-Leiman of minres + oblimin)         2e-5
:func:`icc`             ``psych::ICC(x, lmer = FALSE)`` (Shrout & Fleiss 1979)       1e-10
:func:`kendall_w`       the tie-corrected formula (as ``irr::kendall(correct=TRUE)``) 1e-12
======================  ==========================================================  ============
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from methods._checks import as_item_frame
from methods._errors import MethodError, MethodTypeError, MethodWarning
from methods._meta import hierarchy_from_meta
from methods.psychometrics._linalg import cov2cor, moments, reverse_items, smc
from methods.psychometrics.efa_core import dof as _efa_dof
from methods.psychometrics.efa_core import fit_correlation
from methods.psychometrics.rotation import oblimin
from methods.summary import Result, Summary, one_row

__all__ = [
    "AlphaResult",
    "KendallResult",
    "OmegaResult",
    "SplitHalfResult",
    "alpha_label",
    "cronbach_alpha",
    "icc_label",
    "kendall_label",
    "delphi_agreement",
    "icc",
    "indicator_blocks",
    "item_analysis",
    "kendall_w",
    "omega",
    "recode_reverse",
    "reliability_table",
    "split_half",
]


# --------------------------------------------------------------------------------------------------
# Cronbach's alpha and item analysis
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult(Result):
    """Cronbach's alpha of a scale.

    ``alpha`` (raw, from covariances), ``std_alpha`` (from correlations), ``ci`` (Feldt interval of
    the raw alpha at level ``ci_level``), ``se`` (asymptotic standard error, Duhachek & Iacobucci
    2004, psych's ``ase``), ``average_r`` (mean inter-item correlation), ``g6`` (Guttman's λ6),
    ``n_items``, ``n_obs`` (rows with at least one answer), ``n_complete``, ``reversed`` (items
    reverse-keyed), ``negative_items`` (items correlating negatively with the rest, which probably
    need reversing).
    """

    alpha: float
    std_alpha: float
    ci: tuple[float, float]
    ci_level: float
    se: float
    average_r: float
    g6: float
    n_items: int
    n_obs: int
    n_complete: int
    reversed: tuple[str, ...]
    negative_items: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row: alpha, its interval and standard error, std alpha, average r, λ6, counts."""
        return one_row(alpha=self.alpha, ci_low=self.ci[0], ci_high=self.ci[1], se=self.se,
                       std_alpha=self.std_alpha, average_r=self.average_r, g6=self.g6,
                       n_items=self.n_items, n_obs=self.n_obs, n_complete=self.n_complete)

    def summary(self) -> Summary:
        """Alpha with its Feldt interval, and the items that seem to need reversing."""
        lo, hi = self.ci
        lines = [f"alpha = {self.alpha:.3f} [{lo:.3f}, {hi:.3f}] ({self.ci_level:.0%} Feldt), "
                 f"std alpha = {self.std_alpha:.3f}, {self.n_items} items, n = {self.n_obs}"]
        if self.negative_items:
            lines.append(f"correlating negatively with the rest: {', '.join(self.negative_items)}")
        return Summary("Cronbach's alpha", lines, [self.to_frame()])


def _prepare(items: pd.DataFrame | np.ndarray, reverse: Sequence[str] | str | None,
             likert: tuple[float, float] | None, what: str, min_items: int
             ) -> tuple[pd.DataFrame, tuple[str, ...]]:
    frame = as_item_frame(items, what=what, min_items=min_items)
    if isinstance(reverse, str):
        reverse = [reverse]
    return reverse_items(frame, reverse, likert, what=what)


def _alpha_parts(c: np.ndarray, r: np.ndarray) -> dict[str, float]:
    """psych's alpha.1 on a covariance matrix and its correlation matrix."""
    k = c.shape[0]
    sum_c = c.sum()
    sum_r = r.sum()
    raw = (1.0 - np.trace(c) / sum_c) * k / (k - 1)
    std = (1.0 - k / sum_r) * k / (k - 1)
    g6 = 1.0 - (k - smc(r).sum()) / sum_r
    av_r = (sum_r - k) / (k * (k - 1))
    cc = c @ c
    q = (2 * k**2 / ((k - 1) ** 2 * sum_c**3)) * (
        sum_c * (np.trace(cc) + np.trace(c) ** 2) - 2 * np.trace(c) * cc.sum()
    )
    return {"raw": float(raw), "std": float(std), "g6": float(g6), "av_r": float(av_r),
            "q": float(q)}


def feldt_ci(alpha: float, n_obs: int, n_items: int, level: float = 0.95) -> tuple[float, float]:
    r"""Feldt (1965) confidence interval of Cronbach's alpha.

    .. math:: \left[1 - (1-\alpha)F_{1-a/2}(n-1, (n-1)(k-1)),\; 1 - (1-\alpha)F_{a/2}(n-1, (n-1)(k-1))\right]

    with :math:`a = 1 - \mathrm{level}` (pingouin's ``cronbach_alpha`` interval, unrounded; psych's
    ``alpha.ci``).
    """
    a = 1.0 - level
    d1, d2 = n_obs - 1, (n_obs - 1) * (n_items - 1)
    lo = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - a / 2.0, d1, d2)
    hi = 1.0 - (1.0 - alpha) * stats.f.ppf(a / 2.0, d1, d2)
    return float(lo), float(hi)


def cronbach_alpha(
    items: pd.DataFrame | np.ndarray,
    *,
    ci: float = 0.95,
    reverse: Sequence[str] | str | None = None,
    likert: tuple[float, float] | None = None,
) -> AlphaResult:
    r"""Cronbach's alpha (raw and standardized) with Feldt's confidence interval.

    .. math:: \alpha = \frac{k}{k-1}\left(1 - \frac{\mathrm{tr}\,C}{\mathbf 1^\top C\,\mathbf 1}\right),
              \qquad \alpha_{std} = \frac{k}{k-1}\left(1 - \frac{k}{\mathbf 1^\top R\,\mathbf 1}\right)

    with :math:`C` the item covariance matrix and :math:`R = \mathrm{cov2cor}(C)`. The interval is
    Feldt's F-based one (see :func:`feldt_ci`; pingouin's, unrounded) with :math:`n` = ``n_obs``.

    Reverse keying: items in ``reverse`` are recoded :math:`\min + \max - x` with ``likert =
    (min, max)``, or the observed minimum and maximum over all items (psych's rule) when ``likert``
    is None.

    For binary (0/1) items alpha is Kuder & Richardson's (1937) KR-20,
    :math:`\frac{k}{k-1}\bigl(1 - \sum_i p_i q_i / \sigma^2_X\bigr)` (:math:`p_i` the proportion of 1s,
    :math:`q_i = 1 - p_i`, :math:`\sigma^2_X` the variance of the total score): on the 16 ICAR
    ability items it equals psych's alpha and the KR-20 formula to 1e-12 (tests/test_reliability.py).

    Missing data: pairwise-complete covariances (psych's ``use = "pairwise"``; every pair must share
    at least 3 rows); ``n_obs`` counts the rows with at least one answer (psych counts all rows).
    Bad input: fewer than 2 items, constant items, non-numeric columns raise :class:`MethodError` /
    :class:`MethodTypeError`; items correlating negatively with the total warn (MethodWarning) and
    are listed in ``negative_items``.

    Matches ``psych::alpha`` 2.2.9 (``$total`` raw_alpha, std.alpha, G6(smc), average_r, ase;
    ``$feldt``) to 1e-10 on bfi (5 scales, with keys, pairwise) and Holzinger-Swineford.

    References
    ----------
    1. Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       Psychometrika 16, 297-334.
    2. Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability
       coefficient twenty. Psychometrika 30, 357-370.
    3. Duhachek, A., & Iacobucci, D. (2004). Alpha's standard error (ASE). Journal of Applied
       Psychology 89, 792-808.
    """
    if not 0 < ci < 1:
        raise MethodError(f"cronbach_alpha: ci must be a level in (0, 1), got {ci!r}")
    frame, rev = _prepare(items, reverse, likert, "cronbach_alpha", 2)
    mom = moments(frame, what="cronbach_alpha")
    c = mom.cov
    r = cov2cor(c)
    k = c.shape[0]
    parts = _alpha_parts(c, r)
    n_obs = mom.n_obs
    negative = _negative_items(c, mom.names)
    if negative:
        warnings.warn(
            f"cronbach_alpha: items {list(negative)} correlate negatively with the rest of the "
            "scale; they probably need reverse keying (reverse=[...])", MethodWarning, stacklevel=2,
        )
    if k == 2:
        warnings.warn("cronbach_alpha: a 2-item scale; alpha is a lower bound that depends "
                      "heavily on the single inter-item correlation", MethodWarning, stacklevel=2)
    return AlphaResult(
        alpha=parts["raw"], std_alpha=parts["std"], ci=feldt_ci(parts["raw"], n_obs, k, ci),
        ci_level=float(ci), se=float(np.sqrt(parts["q"] / n_obs)), average_r=parts["av_r"],
        g6=parts["g6"], n_items=k, n_obs=n_obs, n_complete=n_obs if mom.complete else int(frame.notna().all(axis=1).sum()),
        reversed=rev, negative_items=negative,
    )


def recode_reverse(
    items: pd.DataFrame,
    reverse: Sequence[str] | str | None,
    likert: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """The items with the reverse-keyed ones recoded as ``min + max - x`` (float columns).

    ``likert = (min, max)``; without it the observed minimum and maximum over all the items. The
    same recoding every function of this module applies with ``reverse=``; use it to hand a survey
    to :mod:`methods.psychometrics.factor` (which has no ``reverse=``). Missing values stay missing.
    """
    as_item_frame(items, what="recode_reverse", min_items=1, min_obs=1, allow_constant=True)
    frame = items.astype("float64")  # every row kept, so the result aligns with the input
    if isinstance(reverse, str):
        reverse = [reverse]
    return reverse_items(frame, reverse, likert, what="recode_reverse")[0]


def _negative_items(c: np.ndarray, names: Sequence[str]) -> tuple[str, ...]:
    rest = c.sum(axis=1) - np.diag(c)
    return tuple(n for n, v in zip(names, rest, strict=True) if v < 0)


def item_analysis(
    items: pd.DataFrame | np.ndarray,
    *,
    reverse: Sequence[str] | str | None = None,
    likert: tuple[float, float] | None = None,
    r_drop_min: float = 0.3,
) -> pd.DataFrame:
    r"""Item statistics and alpha-if-deleted, as psych::alpha's ``$item.stats`` and ``$alpha.drop``.

    Columns (index: items, reverse-keyed ones recoded first as in :func:`cronbach_alpha`):

    - ``n``, ``mean``, ``sd`` of the (recoded) item;
    - ``raw_r``: correlation of the item with the scale mean (psych ``raw.r``);
    - ``std_r``: :math:`\sum_j r_{ij}/\sqrt{\mathbf 1^\top R\mathbf 1}` (``std.r``);
    - ``r_cor``: the same with SMCs on the diagonal (``r.cor``, corrected for overlap);
    - ``r_drop``: corrected item-total correlation, item vs the sum of the other items,
      :math:`\sum_{j\neq i} c_{ij}/\sqrt{c_{ii}\,\mathbf 1^\top C_{-i}\mathbf 1}` (``r.drop``);
    - ``alpha_if_deleted`` / ``std_alpha_if_deleted`` / ``average_r_if_deleted``: alpha of the
      other items (``alpha.drop`` raw_alpha, std.alpha, average_r);
    - ``reversed``; flags ``low_r_drop`` (r_drop < ``r_drop_min``, default .3) and ``alpha_rises``
      (alpha_if_deleted > the scale's alpha).

    Missing data: pairwise-complete covariances; ``raw_r`` uses the mean of each row's answered
    items (psych's total score) and pairwise-complete rows. Needs at least 3 items.

    Matches ``psych::alpha`` 2.2.9 to 1e-10 (tests/reference/psych_reference.R).
    """
    frame, rev = _prepare(items, reverse, likert, "item_analysis", 3)
    mom = moments(frame, what="item_analysis")
    c = mom.cov
    r = cov2cor(c)
    k = c.shape[0]
    names = list(mom.names)
    full = _alpha_parts(c, r)
    drop = np.empty((k, 3))
    r_drop = np.empty(k)
    for i in range(k):
        keep = [j for j in range(k) if j != i]
        sub_c, sub_r = c[np.ix_(keep, keep)], r[np.ix_(keep, keep)]
        parts = _alpha_parts(sub_c, sub_r)
        drop[i] = parts["raw"], parts["std"], parts["av_r"]
        r_drop[i] = (c[:, i].sum() - c[i, i]) / np.sqrt(c[i, i] * sub_c.sum())
    sum_r = r.sum()
    std_r = r.sum(axis=0) / np.sqrt(sum_r)
    rc = r.copy()
    np.fill_diagonal(rc, smc(r))
    r_cor = rc.sum(axis=0) / np.sqrt(rc.sum())
    if mom.complete:
        # total = row mean; cov(total, x_i) = sum_j c_ij / k, var(total) = 1'C1 / k^2
        raw_r = c.sum(axis=0) / np.sqrt(np.diag(c) * c.sum())
    else:
        x = frame.to_numpy()
        total = np.nanmean(x, axis=1)
        raw_r = np.empty(k)
        for i in range(k):
            ok = ~np.isnan(x[:, i])
            raw_r[i] = np.corrcoef(total[ok], x[ok, i])[0, 1]
    out = pd.DataFrame(
        {
            "n": np.diag(mom.n_pair),
            "mean": mom.mean,
            "sd": np.sqrt(np.diag(c)),
            "raw_r": raw_r,
            "std_r": std_r,
            "r_cor": r_cor,
            "r_drop": r_drop,
            "alpha_if_deleted": drop[:, 0],
            "std_alpha_if_deleted": drop[:, 1],
            "average_r_if_deleted": drop[:, 2],
            "reversed": [n in rev for n in names],
        },
        index=pd.Index(names, name="item"),
    )
    out["low_r_drop"] = out["r_drop"] < r_drop_min
    out["alpha_rises"] = out["alpha_if_deleted"] > full["raw"]
    return out


@dataclass(frozen=True)
class SplitHalfResult(Result):
    """Split-half reliability of one split.

    ``r`` (correlation of the half scores), ``spearman_brown`` (:math:`2r/(1+r)`), ``guttman``
    (Flanagan-Rulon, :math:`2(1 - (s_1^2+s_2^2)/s_X^2)`), ``half1``/``half2`` (items), ``split``,
    ``n_obs`` (complete cases).
    """

    r: float
    spearman_brown: float
    guttman: float
    half1: tuple[str, ...]
    half2: tuple[str, ...]
    split: str
    n_obs: int

    def to_frame(self) -> pd.DataFrame:
        """One row: r, Spearman-Brown, Guttman (Flanagan-Rulon), n."""
        return one_row(r=self.r, spearman_brown=self.spearman_brown, guttman=self.guttman,
                       n_obs=self.n_obs)

    def summary(self) -> Summary:
        """The split and its three coefficients."""
        line = (f"{self.split} split ({len(self.half1)} + {len(self.half2)} items, n = {self.n_obs}): "
                f"r = {self.r:.3f}, Spearman-Brown = {self.spearman_brown:.3f}, "
                f"Guttman = {self.guttman:.3f}")
        return Summary("Split-half reliability", [line], [self.to_frame()])


def split_half(
    items: pd.DataFrame | np.ndarray,
    *,
    split: str = "odd_even",
    reverse: Sequence[str] | str | None = None,
    likert: tuple[float, float] | None = None,
) -> SplitHalfResult:
    r"""Split-half reliability with the Spearman-Brown step-up (and Guttman's split-half).

    ``split="odd_even"`` puts items 1, 3, 5, ... in one half and 2, 4, ... in the other;
    ``"first_second"`` the first :math:`\lfloor k/2\rfloor` items and the rest (column order).
    Half scores are sums; :math:`r` their Pearson correlation, Spearman-Brown :math:`2r/(1+r)`
    (exact for equal halves; with an odd number of items the halves differ by one item) and
    Guttman/Flanagan-Rulon :math:`2(1 - (s^2_1 + s^2_2)/s^2_{1+2})`, which does not assume equal
    halves.

    Missing data: complete cases (a sum score needs every item). Needs at least 2 items.

    Matches the formulas written out in base R (tests/reference/base_reference.R) to 1e-12.

    References
    ----------
    1. Spearman, C. (1910); Brown, W. (1910). British Journal of Psychology 3, 271-295; 296-322.
    2. Guttman, L. (1945). A basis for analyzing test-retest reliability. Psychometrika 10, 255-282.
    """
    if split not in ("odd_even", "first_second"):
        raise MethodError(f"split_half: split must be 'odd_even' or 'first_second', got {split!r}")
    frame, _ = _prepare(items, reverse, likert, "split_half", 2)
    complete = frame.dropna()
    complete = as_item_frame(complete, what="split_half (complete cases)", min_items=2)
    k = complete.shape[1]
    cols = list(complete.columns)
    if split == "odd_even":
        h1, h2 = cols[0::2], cols[1::2]
    else:
        h1, h2 = cols[: k // 2], cols[k // 2:]
    s1 = complete[h1].sum(axis=1).to_numpy()
    s2 = complete[h2].sum(axis=1).to_numpy()
    r = float(np.corrcoef(s1, s2)[0, 1])
    v1, v2, vt = np.var(s1, ddof=1), np.var(s2, ddof=1), np.var(s1 + s2, ddof=1)
    return SplitHalfResult(
        r=r, spearman_brown=2 * r / (1 + r), guttman=float(2 * (1 - (v1 + v2) / vt)),
        half1=tuple(map(str, h1)), half2=tuple(map(str, h2)), split=split,
        n_obs=int(complete.shape[0]),
    )


# --------------------------------------------------------------------------------------------------
# McDonald's omega (Schmid-Leiman)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OmegaResult(Result):
    r"""McDonald's omega from a Schmid-Leiman transformation (as psych::omega).

    ``omega_total`` (:math:`\omega_t`), ``omega_hierarchical`` (:math:`\omega_h`), ``omega_limit``
    (:math:`\omega_h` of a test of infinitely many items, psych's omega.lim /
    "omega asymptotic"), ``alpha`` (standardized), ``ecv`` (explained common variance of g),
    ``general_loadings`` (Series), ``group_loadings`` (items x F1*..Fk*), ``communalities`` (h2),
    ``uniquenesses`` (u2), ``oblique_loadings`` and ``phi`` of the oblimin solution,
    ``group_table`` (omega total / general / group per group factor, psych's ``omega.group``),
    ``flipped`` (items whose sign was reversed because they load negatively on g), ``heywood``.
    """

    omega_total: float
    omega_hierarchical: float
    omega_limit: float
    alpha: float
    ecv: float
    general_loadings: pd.Series
    group_loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    oblique_loadings: pd.DataFrame
    phi: pd.DataFrame
    higher_order_loadings: pd.Series
    group_table: pd.DataFrame
    n_factors: int
    n_obs: int
    flipped: tuple[str, ...]
    reversed: tuple[str, ...]
    heywood: bool

    def to_frame(self) -> pd.DataFrame:
        """Schmid-Leiman loadings as psych prints them: g, F1*..Fk*, h2, u2."""
        out = self.group_loadings.copy()
        out.insert(0, "g", self.general_loadings)
        out["h2"] = self.communalities
        out["u2"] = self.uniquenesses
        return out

    def summary(self) -> Summary:
        """Omega total and hierarchical with alpha; the loadings and the per-group table."""
        lines = [f"omega_t = {self.omega_total:.3f}, omega_h = {self.omega_hierarchical:.3f}, "
                 f"alpha = {self.alpha:.3f} ({self.n_factors} group factors, n = {self.n_obs})",
                 f"omega_limit = {self.omega_limit:.3f}, ECV = {self.ecv:.3f}"
                 + (", Heywood case" if self.heywood else "")]
        return Summary("McDonald's omega", lines, [self.to_frame(), self.group_table])


def omega(
    items: pd.DataFrame | np.ndarray,
    n_factors: int = 3,
    *,
    reverse: Sequence[str] | str | None = None,
    likert: tuple[float, float] | None = None,
    method: str = "minres",
) -> OmegaResult:
    r"""McDonald's omega (total, hierarchical, limit) by Schmid-Leiman, exactly as psych::omega.

    Steps (psych ``omegah``/``schmid`` with ``fm = "minres"``, ``rotate = "oblimin"``):
    the correlation matrix :math:`R` is factored (minres, ``n_factors``), rotated by varimax, then
    by oblimin (GPArotation, from the varimax solution) giving pattern :math:`F` and factor
    correlations :math:`\Phi`; a one-factor minres solution of :math:`\Phi` gives the higher-order
    loadings :math:`g` (two factors: :math:`g_1 = g_2 = \sqrt{|\phi_{12}|}`, psych's
    ``option = "equal"``; one factor: :math:`g = 1`). Then general loadings :math:`F g`, group
    loadings :math:`\mathrm{sign}(F)\sqrt{\max(F^2(1 - g^2), 0)}`, :math:`h^2` the communalities of
    the varimax solution, :math:`u^2 = 1 - h^2`. Items with negative general loadings are flipped
    (``flipped``). With :math:`V_t = \mathbf 1^\top R\,\mathbf 1`:

    .. math:: \omega_t = \frac{V_t - \sum u^2_i}{V_t},\quad
              \omega_h = \frac{(\sum_i g_i)^2}{V_t},\quad
              \omega_{lim} = \frac{(\sum_i g_i)^2}{V_t - \sum u^2_i}.

    Missing data: pairwise-complete correlations (psych). Reverse keying as :func:`cronbach_alpha`.
    Bad input: fewer than 3 items, constant items, or more factors than the degrees of freedom
    allow (:math:`p(p-1)/2 - p m + m(m-1)/2 < 0`; e.g. 3 group factors need at least 6 items)
    raise :class:`MethodError`; a Heywood case (a higher-order loading > 1 or an item communality
    >= 1) warns and sets ``heywood``. Two group factors warn (omega_h is then not identified
    without the equal-loadings assumption).

    Matches ``psych::omega`` 2.2.9 (omega_h, omega.lim, omega.tot to 1e-5; schmid$sl loadings to
    2e-5; alpha to 1e-15) on Holzinger-Swineford (3 factors), bfi conscientiousness (1 and 2 factors)
    and bfi 25 items (5 factors). The residual differences are psych's optimiser tolerance: our
    minres objective is lower than at psych's solution.

    References
    ----------
    1. McDonald, R. P. (1999). Test Theory: A Unified Treatment. Erlbaum.
    2. Schmid, J., & Leiman, J. M. (1957). The development of hierarchical factor solutions.
       Psychometrika 22, 53-61.
    3. Zinbarg, R. E., Revelle, W., Yovel, I., & Li, W. (2005). Cronbach's alpha, Revelle's beta,
       and McDonald's omega_h. Psychometrika 70, 123-133.
    """
    if method not in ("minres", "ml", "pa"):
        raise MethodError(f"omega: method must be 'minres', 'ml' or 'pa', got {method!r}")
    if not isinstance(n_factors, int | np.integer) or isinstance(n_factors, bool) or n_factors < 1:
        raise MethodError(f"omega: n_factors must be a positive integer, got {n_factors!r}")
    nf = int(n_factors)
    frame, rev = _prepare(items, reverse, likert, "omega", 3)
    p = frame.shape[1]
    if nf >= p or _efa_dof(p, nf) < 0:
        raise MethodError(
            f"omega: {nf} group factors are too many for {p} items (degrees of freedom "
            f"{_efa_dof(p, nf):g} < 0); use fewer factors (3 group factors need at least 6 items)"
        )
    mom = moments(frame, what="omega")
    r = mom.cor
    names = list(mom.names)
    heywood = False
    fit = fit_correlation(r, nf, method, "varimax")
    orth = fit.loadings
    heywood |= bool(fit.heywood.any())
    fload, phi, gload, hi_heywood = _omega_higher_order(orth, nf, method)
    heywood |= hi_heywood
    if (np.abs(gload) > 1).any():
        heywood = True
    g = fload @ gload
    h2 = (orth * orth).sum(axis=1)
    u2 = 1.0 - h2
    uniq2 = fload**2 - (fload * gload[None, :]) ** 2
    uniq2 = np.maximum(uniq2, 0.0)
    group = np.sign(fload) * np.sqrt(uniq2)
    m, g, group, flipped = _omega_flip(r, g, group, names)
    vt = m.sum()
    gsq = g.sum() ** 2
    om_tot = (vt - u2.sum()) / vt
    alpha_std = (vt - np.trace(m)) / vt * p / (p - 1)
    ev = np.concatenate([[np.sum(g**2)], (group**2).sum(axis=0)])
    ecv = ev[0] / ev.sum()
    gcols = [f"F{k + 1}*" for k in range(nf)]
    group_table = _omega_group_table(m, g, group, om_tot, gcols)
    if (h2 >= 1.0).any():
        heywood = True
    if heywood:
        warnings.warn("omega: Heywood case (a communality or higher-order loading >= 1); the "
                      "factor solution is improper — use fewer group factors", MethodWarning,
                      stacklevel=2)
    fcols = [f"F{k + 1}" for k in range(nf)]
    return OmegaResult(
        omega_total=float(om_tot), omega_hierarchical=float(gsq / vt),
        omega_limit=float(gsq / (vt - u2.sum())), alpha=float(alpha_std), ecv=float(ecv),
        general_loadings=pd.Series(g, index=names, name="g"),
        group_loadings=pd.DataFrame(group, index=names, columns=gcols),
        communalities=pd.Series(h2, index=names, name="h2"),
        uniquenesses=pd.Series(u2, index=names, name="u2"),
        oblique_loadings=pd.DataFrame(fload, index=names, columns=fcols),
        phi=pd.DataFrame(phi, index=fcols, columns=fcols),
        higher_order_loadings=pd.Series(gload, index=fcols, name="g"),
        group_table=group_table, n_factors=nf, n_obs=mom.n_obs, flipped=flipped, reversed=rev,
        heywood=heywood,
    )


def _omega_higher_order(orth: np.ndarray, nf: int, method: str
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Oblimin pattern, factor correlations and higher-order loadings of ``omega`` (one factor:
    g = 1; two: equal loadings, with a warning; more: one-factor fit of Φ), and whether the
    higher-order fit is a Heywood case."""
    if nf == 1:
        return orth, np.ones((1, 1)), np.array([1.0]), False
    ob = oblimin(orth)
    fload, phi = ob.loadings, ob.phi
    if nf > 2:
        hi = fit_correlation(phi, 1, method, None)
        return fload, phi, hi.loadings[:, 0], bool(hi.heywood.any())
    g1 = np.sqrt(abs(phi[0, 1]))
    gload = np.array([g1, np.sign(phi[0, 1]) * g1])
    warnings.warn("omega: with 2 group factors the general factor is not identified; the "
                  "two higher-order loadings are set equal (psych's option='equal')",
                  MethodWarning, stacklevel=3)
    return fload, phi, gload, False


def _omega_flip(r: np.ndarray, g: np.ndarray, group: np.ndarray, names: list[str]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    """Flip the items with a negative general loading: the re-keyed correlation matrix, general
    and group loadings, and the flipped items' names."""
    key = np.sign(g)
    key[key == 0] = 1.0
    m = r.copy()
    flipped: tuple[str, ...] = ()
    if (key < 0).any():
        m = r * key[:, None] * key[None, :]
        g = g * key
        group = group * key[:, None]
        flipped = tuple(n for n, k_ in zip(names, key, strict=True) if k_ < 0)
    return m, g, group, flipped


def _omega_group_table(m: np.ndarray, g: np.ndarray, group: np.ndarray, om_tot: float,
                       gcols: list[str]) -> pd.DataFrame:
    """Omega total / general / group per group factor (psych's ``omega.group``), each item
    assigned to the group factor of its largest absolute loading."""
    vt = m.sum()
    sub = np.argmax(np.abs(group), axis=1)
    rows = {"g": (om_tot, g.sum() ** 2 / vt, np.nan)}
    grs = 0.0
    for k in range(len(gcols)):
        idx = np.flatnonzero(sub == k)
        if idx.size == 0:
            continue
        vgr = m[np.ix_(idx, idx)].sum()
        gr = group[idx, k].sum()
        grs += gr**2
        gen = g[idx].sum() ** 2
        rows[gcols[k]] = ((gr**2 + gen) / vgr, gen / vgr, gr**2 / vgr)
    rows["g"] = (om_tot, g.sum() ** 2 / vt, grs / vt)
    return pd.DataFrame(rows, index=["total", "general", "group"]).T


# --------------------------------------------------------------------------------------------------
# Raters: ICC and Kendall's W
# --------------------------------------------------------------------------------------------------


def _ratings_frame(ratings: pd.DataFrame | np.ndarray, what: str) -> tuple[np.ndarray, int]:
    if isinstance(ratings, np.ndarray):
        if ratings.ndim != 2:
            raise MethodTypeError(f"{what}: expected a 2-D array (targets x raters)")
        ratings = pd.DataFrame(ratings, columns=[f"rater{j + 1}" for j in range(ratings.shape[1])])
    if not isinstance(ratings, pd.DataFrame):
        raise MethodTypeError(
            f"{what}: expected a DataFrame (targets x raters), got {type(ratings).__name__}"
        )
    bad = [str(c) for c in ratings.columns if not pd.api.types.is_numeric_dtype(ratings[c].dtype)]
    if bad:
        raise MethodTypeError(f"{what}: rater columns {bad} are not numeric")
    x = ratings.to_numpy(dtype=np.float64)
    if np.isinf(x).any():
        raise MethodError(f"{what}: ratings contain infinite values")
    if x.shape[1] < 2:
        raise MethodError(f"{what}: needs at least 2 raters (columns), got {x.shape[1]}")
    ok = ~np.isnan(x).any(axis=1)
    dropped = int((~ok).sum())
    if dropped:
        labels = [str(v) for v in ratings.index[~ok][:5]]
        warnings.warn(
            f"{what}: {dropped} targets with a missing rating were dropped (complete cases only), "
            f"e.g. {labels}", MethodWarning, stacklevel=3,
        )
    x = x[ok]
    if x.shape[0] < 3:
        raise MethodError(f"{what}: needs at least 3 fully rated targets (rows), got {x.shape[0]}")
    return x, dropped


def icc(ratings: pd.DataFrame | np.ndarray, *, ci: float = 0.95) -> pd.DataFrame:
    r"""Intraclass correlations ICC(1), ICC(2), ICC(3) and their k-rater averages.

    From the two-way ANOVA of targets (rows, :math:`n`) x raters (columns, :math:`k`) with mean
    squares :math:`MS_B` (targets), :math:`MS_J` (raters), :math:`MS_E` (residual) and
    :math:`MS_W = (SS_J + SS_E)/(n(k-1))`:

    .. math::
        \mathrm{ICC1} = \frac{MS_B - MS_W}{MS_B + (k-1)MS_W},\quad
        \mathrm{ICC2} = \frac{MS_B - MS_E}{MS_B + (k-1)MS_E + k(MS_J - MS_E)/n},\quad
        \mathrm{ICC3} = \frac{MS_B - MS_E}{MS_B + (k-1)MS_E},

    and ICC1k :math:`= (MS_B - MS_W)/MS_B`, ICC2k :math:`= (MS_B - MS_E)/(MS_B + (MS_J - MS_E)/n)`,
    ICC3k :math:`= (MS_B - MS_E)/MS_B`. F tests and confidence intervals (including the
    Satterthwaite-type interval of ICC2) as Shrout & Fleiss (1979) / McGraw & Wong (1996), exactly
    as psych::ICC computes them. ICC1: one-way random (absolute agreement, different raters per
    target); ICC2: two-way random, absolute agreement; ICC3: two-way mixed, consistency.

    Returns a DataFrame indexed ``ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k`` with columns ``icc, F,
    df1, df2, p, ci_low, ci_high`` (unrounded).

    Missing data: complete cases (targets with any missing rating are dropped with a
    :class:`MethodWarning`; psych::ICC(lmer = FALSE) stops). Bad input: fewer than 2 raters or 3
    targets, or no residual variance (ratings identical up to rater offsets, F undefined) raise
    :class:`MethodError`.

    Matches ``psych::ICC(x, lmer = FALSE)`` 2.2.9 to 1e-10 on Shrout & Fleiss's 6 x 4 example and
    the irr ``anxiety`` data.

    References
    ----------
    1. Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
       reliability. Psychological Bulletin 86, 420-428.
    2. McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation
       coefficients. Psychological Methods 1, 30-46.
    """
    if not 0 < ci < 1:
        raise MethodError(f"icc: ci must be a level in (0, 1), got {ci!r}")
    x, _ = _ratings_frame(ratings, "icc")
    n, k = x.shape
    msb, msj, mse, msw = _icc_mean_squares(x)
    icc1 = (msb - msw) / (msb + (k - 1) * msw)
    icc2 = (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n)
    icc3 = (msb - mse) / (msb + (k - 1) * mse)
    icc1k = (msb - msw) / msb
    icc2k = (msb - mse) / (msb + (msj - mse) / n)
    icc3k = (msb - mse) / msb
    f11 = msb / msw
    df11n, df11d = n - 1, n * (k - 1)
    p11 = stats.f.sf(f11, df11n, df11d)
    f21 = msb / mse
    df21n, df21d = n - 1, (n - 1) * (k - 1)
    p21 = stats.f.sf(f21, df21n, df21d)
    a = 1.0 - ci
    f1l = f11 / stats.f.ppf(1 - a / 2, df11n, df11d)
    f1u = f11 * stats.f.ppf(1 - a / 2, df11d, df11n)
    f3l = f21 / stats.f.ppf(1 - a / 2, df21n, df21d)
    f3u = f21 * stats.f.ppf(1 - a / 2, df21d, df21n)
    l2, u2 = _icc2_interval(icc2, msb, msj, mse, n, k, a)
    table = pd.DataFrame(
        {
            "icc": [icc1, icc2, icc3, icc1k, icc2k, icc3k],
            "F": [f11, f21, f21, f11, f21, f21],
            "df1": [df11n, df21n, df21n, df11n, df21n, df21n],
            "df2": [df11d, df21d, df21d, df11d, df21d, df21d],
            "p": [p11, p21, p21, p11, p21, p21],
            "ci_low": [(f1l - 1) / (f1l + k - 1), l2, (f3l - 1) / (f3l + k - 1), 1 - 1 / f1l,
                       l2 * k / (1 + l2 * (k - 1)), 1 - 1 / f3l],
            "ci_high": [(f1u - 1) / (f1u + k - 1), u2, (f3u - 1) / (f3u + k - 1), 1 - 1 / f1u,
                        u2 * k / (1 + u2 * (k - 1)), 1 - 1 / f3u],
        },
        index=pd.Index(["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"], name="type"),
    )
    table.attrs.update({"n_targets": n, "n_raters": k, "ci_level": ci})
    return table.astype({"df1": float, "df2": float})


def _icc_mean_squares(x: np.ndarray) -> tuple[float, float, float, float]:
    """Two-way ANOVA mean squares of targets (rows), raters (columns), residual and within
    targets; raises when the residual or the between-targets variance is zero."""
    n, k = x.shape
    gm = x.mean()
    ss_t = ((x - gm) ** 2).sum()
    ss_b = k * ((x.mean(axis=1) - gm) ** 2).sum()
    ss_j = n * ((x.mean(axis=0) - gm) ** 2).sum()
    ss_e = ss_t - ss_b - ss_j
    msb = ss_b / (n - 1)
    msj = ss_j / (k - 1)
    mse = ss_e / ((n - 1) * (k - 1))
    msw = (ss_j + ss_e) / (n * (k - 1))
    scale = max(ss_t, 1e-300)
    if ss_e <= 1e-12 * scale or msw <= 0:
        raise MethodError(
            "icc: the ratings have no residual variance (every rater gives the same ratings up "
            "to a constant); the F tests and intervals are undefined"
        )
    if ss_b <= 1e-12 * scale:
        raise MethodError("icc: all targets have the same mean rating; ICC is undefined")
    return msb, msj, mse, msw


def _icc2_interval(icc2: float, msb: float, msj: float, mse: float, n: int, k: int, a: float
                   ) -> tuple[float, float]:
    """The Satterthwaite-type interval of ICC(2,1) (McGraw & Wong 1996; psych::ICC)."""
    fj = msj / mse
    vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = vn / vd
    f2u = stats.f.ppf(1 - a / 2, n - 1, v)
    f2l = stats.f.ppf(1 - a / 2, v, n - 1)
    l2 = n * (msb - f2u * mse) / (f2u * (k * msj + (k * n - k - n) * mse) + n * msb)
    u2 = n * (f2l * msb - mse) / (k * msj + (k * n - k - n) * mse + n * f2l * msb)
    return l2, u2


@dataclass(frozen=True)
class KendallResult(Result):
    """Kendall's coefficient of concordance W (tie-corrected) and its chi-square test.

    ``w``, ``w_uncorrected``, ``chi2`` (:math:`m(n-1)W`), ``dof`` (:math:`n-1`), ``p_value``,
    ``n_objects``, ``n_raters``, ``n_dropped`` (objects with a missing rating).
    """

    w: float
    w_uncorrected: float
    chi2: float
    dof: int
    p_value: float
    n_objects: int
    n_raters: int
    n_dropped: int

    def to_frame(self) -> pd.DataFrame:
        """One row: W (corrected and not), chi-square, dof, p, counts."""
        return one_row(w=self.w, w_uncorrected=self.w_uncorrected, chi2=self.chi2, dof=self.dof,
                       p_value=self.p_value, n_objects=self.n_objects, n_raters=self.n_raters,
                       n_dropped=self.n_dropped)

    def summary(self) -> Summary:
        """W with its chi-square test."""
        line = (f"W = {self.w:.3f}, chi2({self.dof}) = {self.chi2:.2f}, p = {self.p_value:.3g} "
                f"({self.n_raters} raters, {self.n_objects} objects)")
        return Summary("Kendall's W", [line], [self.to_frame()])


def kendall_w(ratings: pd.DataFrame | np.ndarray) -> KendallResult:
    r"""Kendall's W for :math:`m` raters (columns) ranking :math:`n` objects (rows), tie-corrected.

    Each rater's scores are ranked (mid-ranks for ties); with :math:`R_i` the rank sum of object
    :math:`i` and :math:`S = \sum_i (R_i - \bar R)^2`,

    .. math:: W = \frac{12\,S}{m^2(n^3 - n) - m\sum_j\sum_g (t_{jg}^3 - t_{jg})},\qquad
              \chi^2 = m(n-1)W \sim \chi^2_{n-1},

    :math:`t_{jg}` the sizes of the groups of tied scores of rater :math:`j`.

    Missing data: complete cases (objects with a missing rating are dropped with a
    :class:`MethodWarning`). Bad input: fewer than 2 raters or 3 objects; raters who all give every
    object the same score (denominator 0) raise :class:`MethodError`.

    Matches the formula in base R (tests/reference/base_reference.R; irr::kendall(correct = TRUE)
    uses the same formula) to 1e-12: anxiety data W = 0.5397, chi2(19) = 30.76.

    References
    ----------
    1. Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. Annals of
       Mathematical Statistics 10, 275-287.
    2. Siegel, S., & Castellan, N. J. (1988). Nonparametric Statistics for the Behavioral
       Sciences, 2nd ed., §9.4.
    """
    x, dropped = _ratings_frame(ratings, "kendall_w")
    n, m = x.shape
    ranks = np.apply_along_axis(stats.rankdata, 0, x)
    rs = ranks.sum(axis=1)
    s = float(((rs - rs.mean()) ** 2).sum())
    ties = 0.0
    for j in range(m):
        _, counts = np.unique(x[:, j], return_counts=True)
        ties += float((counts**3 - counts).sum())
    denom = m**2 * (n**3 - n) - m * ties
    if denom <= 0:
        raise MethodError("kendall_w: every rater gives all objects the same score; W is undefined")
    w = 12 * s / denom
    chi2 = m * (n - 1) * w
    return KendallResult(
        w=float(w), w_uncorrected=float(12 * s / (m**2 * (n**3 - n))), chi2=float(chi2),
        dof=n - 1, p_value=float(stats.chi2.sf(chi2, n - 1)), n_objects=n, n_raters=m,
        n_dropped=dropped,
    )


def kendall_label(w: float, lang: str = "en") -> str:
    """Schmidt's (1997) verbal label of Kendall's W: very weak (< .1), weak (< .3), moderate (< .5),
    strong (< .7), very strong (< .9), unusually strong (>= .9); en or zh."""
    cuts = ((0.9, "unusually strong", "极强"), (0.7, "very strong", "很强"), (0.5, "strong", "强"),
            (0.3, "moderate", "中等"), (0.1, "weak", "弱"))
    for cut, en, zh in cuts:
        if w >= cut:
            return zh if lang == "zh" else en
    return "极弱" if lang == "zh" else "very weak"


def icc_label(value: float, lang: str = "en") -> str:
    """Koo & Li's (2016) verbal label of an ICC: poor (< .5), moderate (< .75), good (< .9),
    excellent (>= .9); en or zh."""
    cuts = ((0.9, "excellent", "优秀"), (0.75, "good", "良好"), (0.5, "moderate", "中等"))
    for cut, en, zh in cuts:
        if value >= cut:
            return zh if lang == "zh" else en
    return "较差" if lang == "zh" else "poor"


def delphi_agreement(delphi: pd.DataFrame) -> pd.DataFrame:
    """Expert agreement per Delphi round: Kendall's W and ICC of experts' indicator scores.

    ``delphi`` is long: columns ``expert, round, indicator, score``. For each round the scores are
    pivoted to indicators (objects) x experts (raters); indicators not scored by every expert of
    that round are dropped (complete cases; counted in ``n_dropped``). Columns: ``n_experts``,
    ``n_indicators``, ``n_dropped``, ``kendall_w``, ``chi2``, ``dof``, ``p_value``, ``icc2``
    (single expert, absolute agreement), ``icc2k`` (panel mean), ``icc2k_ci_low``,
    ``icc2k_ci_high``, ``icc3k`` (consistency of the panel mean), and the verbal labels
    ``w_label_en/zh`` (:func:`kendall_label`) and ``icc2k_label_en/zh`` (:func:`icc_label`).
    """
    if not isinstance(delphi, pd.DataFrame):
        raise MethodTypeError("delphi_agreement: expected a DataFrame (expert, round, indicator, score)")
    need = ["expert", "round", "indicator", "score"]
    miss = [c for c in need if c not in delphi.columns]
    if miss:
        raise MethodError(f"delphi_agreement: missing columns {miss}; expected {need}")
    dup = delphi.duplicated(["expert", "round", "indicator"])
    if dup.any():
        row = delphi.loc[dup].iloc[0]
        raise MethodError(
            f"delphi_agreement: expert {row['expert']!r} scored indicator {row['indicator']!r} "
            f"twice in round {row['round']!r}"
        )
    rows = []
    for rnd, part in delphi.groupby("round", sort=True):
        wide = part.pivot(index="indicator", columns="expert", values="score")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MethodWarning)
            kw = kendall_w(wide)
            tab = icc(wide)
        rows.append({
            "round": rnd, "n_experts": kw.n_raters, "n_indicators": kw.n_objects,
            "n_dropped": kw.n_dropped, "kendall_w": kw.w, "chi2": kw.chi2, "dof": kw.dof,
            "p_value": kw.p_value, "icc2": tab.loc["ICC2", "icc"], "icc2k": tab.loc["ICC2k", "icc"],
            "icc2k_ci_low": tab.loc["ICC2k", "ci_low"], "icc2k_ci_high": tab.loc["ICC2k", "ci_high"],
            "icc3k": tab.loc["ICC3k", "icc"],
            "w_label_en": kendall_label(kw.w, "en"), "w_label_zh": kendall_label(kw.w, "zh"),
            "icc2k_label_en": icc_label(tab.loc["ICC2k", "icc"], "en"),
            "icc2k_label_zh": icc_label(tab.loc["ICC2k", "icc"], "zh"),
        })
    return pd.DataFrame(rows).set_index("round")


# --------------------------------------------------------------------------------------------------
# Helpers for whole frameworks: indicator blocks and the verdict table
# --------------------------------------------------------------------------------------------------


def indicator_blocks(
    x: pd.DataFrame,
    meta: pd.DataFrame,
    *,
    level: int | None = None,
    by: Mapping[str, str] | None = None,
    orient: bool = True,
    standardise: bool = True,
) -> dict[str, pd.DataFrame]:
    """Split an indicator matrix into the blocks of indicators under each node of ``level``.

    ``meta`` is the meta frame (``code, parent, level, direction``; level 1 = indicator). For every
    node of the given level (default 3: dimensions of a four-level framework; 2 = sub-dimensions)
    the indicators below it are collected in framework order. Alternatively ``by`` maps indicator
    code → block label (e.g. each indicator's dimension, the index's child that holds it, or the
    index itself for an indicator directly under the index, as ``Framework.dimension_of`` gives):
    one block per label, in the order of its first indicator in ``meta``, indicators in ``meta``
    order. Give ``level`` or ``by``, not both. With ``orient`` each indicator is multiplied by its
    direction (+1/-1, so that higher is better) and with ``standardise`` z-scored (mean 0, sd 1,
    ddof 1, NaN kept), which is what reliability and factor analyses of indicator sets need.
    Indicators missing from ``x`` are skipped; blocks with fewer than 2 available indicators are
    left out. An indicator of ``by`` that is not an indicator of ``meta`` is an error.
    """
    if not isinstance(x, pd.DataFrame):
        raise MethodTypeError(f"indicator_blocks: x must be a DataFrame, got {type(x).__name__}")
    h = hierarchy_from_meta(meta)
    if by is not None and level is not None:
        raise MethodError("indicator_blocks: give level or by, not both")
    members: dict[str, list[str]] = {}
    if by is not None:
        if not isinstance(by, Mapping):
            raise MethodTypeError(
                f"indicator_blocks: by must map indicator code to block label, got {type(by).__name__}"
            )
        unknown = [str(c) for c in by if c not in h.indicators]
        if unknown:
            raise MethodError(
                f"indicator_blocks: by names {unknown}, which are not indicators (level 1) of meta"
            )
        for c in h.indicators:
            if c in by:
                members.setdefault(str(by[c]), []).append(c)
    else:
        level = 3 if level is None else level
        if level not in h.levels:
            raise MethodError(
                f"indicator_blocks: meta has no nodes of level {level} (levels {list(h.levels)})"
            )
        members = {str(code): list(h.descendants(code)) for code in h.nodes_at(level)}
    blocks: dict[str, pd.DataFrame] = {}
    for code, inds in members.items():
        cols = [c for c in inds if c in x.columns]
        if len(cols) < 2:
            continue
        block = x[cols].astype("float64")
        if orient:
            block = block * pd.Series({c: float(h.direction[c]) for c in cols})
        if standardise:
            sd = block.std(ddof=1)
            const = [str(c) for c in sd.index[~(sd > 0)]]
            if const:
                raise MethodError(
                    f"indicator_blocks: indicators {const} under {code!r} are constant; "
                    "they cannot be standardised"
                )
            block = (block - block.mean()) / sd
        blocks[code] = block
    return blocks


_ALPHA_LABELS = (
    (0.9, "excellent", "优秀"),
    (0.8, "good", "良好"),
    (0.7, "acceptable", "可接受"),
    (0.6, "questionable", "存疑"),
    (0.5, "poor", "较差"),
)


def alpha_label(value: float, lang: str = "en") -> str:
    """George & Mallery's (2003) verbal label of a reliability coefficient (en or zh)."""
    for cut, en, zh in _ALPHA_LABELS:
        if value >= cut:
            return zh if lang == "zh" else en
    return "不可接受" if lang == "zh" else "unacceptable"


def reliability_table(
    scales: Mapping[str, pd.DataFrame],
    *,
    reverse: Mapping[str, Sequence[str]] | None = None,
    likert: Mapping[str, tuple[float, float] | None] | None = None,
    omega_factors: int | None = None,
    r_drop_min: float = 0.3,
    ci: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reliability verdicts for several scales (survey constructs or framework dimensions).

    For each scale: alpha with its Feldt CI, standardized alpha, omega total/hierarchical
    (``omega_factors`` group factors; default 3 for 9 or more items, else 1, in which case only
    omega total is reported and ``omega_h`` is None), and item flags (``low_r_drop``: r_drop < ``r_drop_min``;
    ``alpha_rises``: alpha if deleted > alpha). Returns ``(verdicts, items)``: one row per scale
    (``n_items, n_obs, alpha, ci_low, ci_high, std_alpha, omega_total, omega_h, label_en, label_zh,
    flagged_items, verdict_en, verdict_zh``) and the concatenated item analyses (index scale, item).
    Scales that cannot be analysed (fewer than 3 items, constant items) get a row with the reason.
    """
    reverse = reverse or {}
    likert = likert or {}
    rows, item_tables = [], []
    for code, items in scales.items():
        rev = list(reverse.get(code, []) or [])
        lik = likert.get(code)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MethodWarning)
                a = cronbach_alpha(items, ci=ci, reverse=rev, likert=lik)
                ia = item_analysis(items, reverse=rev, likert=lik, r_drop_min=r_drop_min)
                nf = omega_factors or (3 if items.shape[1] >= 9 else 1)
                om = omega(items, nf, reverse=rev, likert=lik)
        except MethodError as exc:
            rows.append({"scale": code, "n_items": items.shape[1], "verdict_en": f"not analysed: {exc}",
                         "verdict_zh": f"无法分析：{exc}"})
            continue
        flagged = list(ia.index[ia["low_r_drop"] | ia["alpha_rises"]])
        label_en, label_zh = alpha_label(a.alpha, "en"), alpha_label(a.alpha, "zh")
        v_en = f"alpha {a.alpha:.2f} ({label_en}), 95% CI [{a.ci[0]:.2f}, {a.ci[1]:.2f}]"
        v_zh = f"α = {a.alpha:.2f}（{label_zh}），95% 置信区间 [{a.ci[0]:.2f}, {a.ci[1]:.2f}]"
        if flagged:
            v_en += f"; review items {', '.join(flagged)}"
            v_zh += f"；需复核题项 {'、'.join(flagged)}"
        rows.append({
            "scale": code, "n_items": a.n_items, "n_obs": a.n_obs, "alpha": a.alpha,
            "ci_low": a.ci[0], "ci_high": a.ci[1], "std_alpha": a.std_alpha,
            "omega_total": om.omega_total,
            "omega_h": om.omega_hierarchical if om.n_factors >= 3 else None,
            "omega_factors": om.n_factors, "label_en": label_en, "label_zh": label_zh,
            "flagged_items": ", ".join(flagged), "verdict_en": v_en, "verdict_zh": v_zh,
        })
        item_tables.append(ia.assign(scale=code).reset_index().set_index(["scale", "item"]))
    verdicts = pd.DataFrame(rows).set_index("scale")
    if "omega_h" in verdicts.columns:  # None (not estimated) stays None, not NaN
        verdicts["omega_h"] = verdicts["omega_h"].astype(object).where(
            verdicts["omega_h"].notna(), None)
    items_df = pd.concat(item_tables) if item_tables else pd.DataFrame()
    return verdicts, items_df
