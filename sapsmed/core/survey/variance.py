"""The variance step: Taylor-linearised variances from the small PSU-level table, in NumPy.

Method (as R's survey package, `svyrecvar` with one stage):
- A statistic is estimated per domain as A_d (total) or R_d = A_d / B_d (mean, proportion, ratio),
  where A_d and B_d are weighted sums of the numerator and denominator values over the domain.
- Its linearised value summed over a PSU i of stratum h is U_hi = A_hi for a total and
  U_hi = (A_hi - R_d B_hi) / B_d otherwise; outside the domain it is zero, so the domain is estimated
  over the full design (R's svyby) and never by cutting the design down to the domain.
- Var = sum over strata of f_h n_h / (n_h - 1) * sum_i (U_hi - mean_h U)^2, where n_h counts the PSUs
  of the stratum in the whole sample (PSUs without domain rows count, with U = 0) and f_h = 1 - n_h/N_h
  is the finite population correction (1 without FPC). This is the with-replacement approximation of
  PSU sampling within strata. A stratum where f_h < 1e-7 (all PSUs taken) adds nothing, as in R.
- A stratum with one PSU in the whole sample adds nothing under `certainty`, and f_h U_h1^2 (its PSU
  total measured from zero) under `adjust`.
- When each row is its own PSU the sum of squares comes from second moments:
  sum_i U_i^2 - (sum_i U_i)^2 / n_h. This difference loses digits when the linearised values of a
  (domain, stratum) barely vary compared with their size; below 1e-12 of the size of its terms it is
  rounding noise and is taken as zero. Designs with a PSU column centre exactly instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sapsmed.core.survey.design import LonelyPsu

# Relative size under which a difference of second moments is rounding noise (see row_variance).
_NOISE = 1e-12
# R's onestrat treats a stratum whose sampling fraction is this close to 1 as fully enumerated.
_FULLY_ENUMERATED = 1e-7


@dataclass(frozen=True)
class StrataInfo:
    """Per stratum: PSUs in the whole sample, and f = 1 - sampling fraction (1 without FPC)."""

    n_psu: np.ndarray
    f: np.ndarray

    def scale(self, lonely: LonelyPsu) -> np.ndarray:
        n = self.n_psu.astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(n > 1, self.f * n / (n - 1), self.f)
        if lonely is not LonelyPsu.ADJUST:
            # Under `fail` a lonely stratum never gets here: the design is refused first.
            scale = np.where(n > 1, scale, 0.0)
        return np.where(self.f < _FULLY_ENUMERATED, 0.0, scale)


def fpc_factor(n_psu: np.ndarray, fpc: np.ndarray | None) -> np.ndarray:
    """f_h from the FPC column, read as counts when any value exceeds 1, else as sampling fractions."""
    if fpc is None:
        return np.ones(len(n_psu))
    n = n_psu.astype(float)
    with np.errstate(divide="ignore"):
        popsize = fpc if np.any(fpc > 1) else n / fpc
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(popsize), 1.0, (popsize - n) / popsize)


def linearisation_weights(
    kind_total: bool, a_dom: np.ndarray, b_dom: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimate per domain and (c1, c2) such that U = c1 * A + c2 * B for any group's sums."""
    if kind_total or b_dom is None:
        return a_dom, np.ones_like(a_dom), np.zeros_like(a_dom)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = a_dom / b_dom
        return ratio, 1.0 / b_dom, -ratio / b_dom


def psu_variance(
    dom: np.ndarray,
    stratum: np.ndarray,
    u: np.ndarray,
    strata: StrataInfo,
    lonely: LonelyPsu,
    n_domains: int,
) -> np.ndarray:
    """Variance per domain from one linearised total per (domain, stratum, PSU) group."""
    n_strata = len(strata.n_psu)
    cell, cell_of = np.unique(dom.astype(np.int64) * n_strata + stratum, return_inverse=True)
    cell_dom, cell_h = cell // n_strata, cell % n_strata
    n_h = strata.n_psu[cell_h].astype(float)
    total = np.bincount(cell_of, weights=u, minlength=len(cell))
    present = np.bincount(cell_of, minlength=len(cell))
    centre = total / n_h
    # Centring before squaring keeps precision; absent PSUs (U = 0) add (n_h - present) * centre^2.
    ss = np.bincount(cell_of, weights=(u - centre[cell_of]) ** 2, minlength=len(cell))
    ss += (n_h - present) * centre**2
    if lonely is LonelyPsu.ADJUST:
        ss = np.where(n_h == 1, total**2, ss)
    return np.bincount(cell_dom, weights=ss * strata.scale(lonely)[cell_h], minlength=n_domains)


def row_variance(
    dom: np.ndarray,
    stratum: np.ndarray,
    u_sum: np.ndarray,
    u_sq_sum: np.ndarray,
    u_sq_size: np.ndarray,
    strata: StrataInfo,
    lonely: LonelyPsu,
    n_domains: int,
) -> np.ndarray:
    """Variance per domain when rows are PSUs, from sum U and sum U^2 per (domain, stratum) group.

    `u_sq_size` is the sum of the magnitudes of the terms that make up sum U^2: a sum of squares
    below 1e-12 of it is rounding noise of the cancellation (as when all values of the group are
    equal), and is taken as the zero it is.
    """
    n_h = strata.n_psu[stratum].astype(float)
    ss = u_sq_sum - u_sum**2 / n_h
    if lonely is LonelyPsu.ADJUST:
        ss = np.where(n_h == 1, u_sq_sum, ss)
    ss = np.where(ss > _NOISE * u_sq_size, ss, 0.0)
    return np.bincount(dom, weights=ss * strata.scale(lonely)[stratum], minlength=n_domains)
