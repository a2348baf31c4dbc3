"""Empirical-Bayes shrinkage: sparse sites borrow strength from their level (issue 12, item 3).

Why: a village station with 4 consultations a year says little about its own rate or pattern; the
level's pooled figure says a lot. Each estimator below puts a prior centred on the level's figure,
estimates the prior's spread across sites from the data (method of moments), and returns the
posterior mean and standard deviation per site. A big site's own data dominate; a sparse site
moves toward its level. The heterogeneity between sites is estimated, never assumed: when the sites
differ no more than chance would make them, every site gets its level's figure.

* counts: Poisson-gamma. ``N_s ~ Poisson(T lambda_s)``, ``lambda_s ~ Gamma(k, k / m_s)`` with the
  prior mean ``m_s`` (the level's yearly volume split as the scenario splits it);
* shares: beta-binomial. ``x_s ~ Bin(n_s, p_s)``, ``p_s ~ Beta(kappa p_L, kappa (1 - p_L))``;
* monthly patterns: Dirichlet-multinomial with the level's pattern as the prior mean.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["poisson_gamma", "beta_binomial", "dirichlet_pattern", "MAX_CONCENTRATION"]

MAX_CONCENTRATION = 1e6  # "no heterogeneity found": the prior is (almost) a point mass on the level figure


def poisson_gamma(counts, prior_means, years: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Posterior mean and SD of each site's yearly rate, and the gamma shape ``k`` (large = alike).

    ``counts``: matters per site in ``years``; ``prior_means``: expected yearly rate per site.
    """
    n = np.asarray(counts, dtype=float)
    m = np.asarray(prior_means, dtype=float)
    mu = m * years
    ok = mu > 0
    # Var(N) = mu + mu^2 / k  ->  1/k = sum((N - mu)^2 - mu) / sum(mu^2)
    denom = float(np.sum(mu[ok] ** 2))
    inv_k = float(np.sum((n[ok] - mu[ok]) ** 2 - n[ok])) / denom if denom > 0 else 0.0
    k = MAX_CONCENTRATION if inv_k <= 1.0 / MAX_CONCENTRATION else 1.0 / inv_k
    rate = np.where(ok, k / np.where(ok, m, 1.0) + years, years)
    shape = np.where(ok, k + n, n)
    mean = shape / rate
    sd = np.sqrt(shape) / rate
    return mean, sd, k


def beta_binomial(hits, trials, prior_mean: float | None = None) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Posterior mean and SD of each site's share, the pooled share and the prior concentration ``kappa``."""
    x = np.asarray(hits, dtype=float)
    n = np.asarray(trials, dtype=float)
    total = float(n.sum())
    p = float(x.sum() / total) if prior_mean is None and total > 0 else (prior_mean if prior_mean is not None else math.nan)
    if math.isnan(p):
        return np.full(len(n), math.nan), np.full(len(n), math.nan), p, math.nan
    has = n > 0
    # between-site variance of the raw shares beyond the binomial part (method of moments)
    kappa = MAX_CONCENTRATION
    if has.sum() >= 2 and 0 < p < 1:
        w = n[has]
        raw = x[has] / w
        s2 = float(np.sum(w * (raw - p) ** 2) / w.sum())
        binom = p * (1 - p) * len(w) / float(w.sum())  # the binomial part of s2
        tau2 = s2 - binom
        if tau2 > 0:
            rho = tau2 / (p * (1 - p))  # intra-site correlation = 1 / (1 + kappa)
            kappa = min(MAX_CONCENTRATION, max(1e-3, 1.0 / max(rho, 1e-12) - 1.0))
    a, b = kappa * p, kappa * (1 - p)
    post_a, post_b = a + x, b + (n - x)
    mean = post_a / (post_a + post_b)
    sd = np.sqrt(post_a * post_b / ((post_a + post_b) ** 2 * (post_a + post_b + 1)))
    return mean, sd, p, kappa


def dirichlet_pattern(counts: np.ndarray, level_pattern: np.ndarray) -> tuple[np.ndarray, float]:
    """Monthly shares per site (rows of ``counts``: sites x 12) shrunk toward ``level_pattern``; and alpha."""
    c = np.asarray(counts, dtype=float)
    p = np.asarray(level_pattern, dtype=float)
    tot = c.sum(axis=1)
    use = tot > 1
    alpha = MAX_CONCENTRATION
    pos = p > 0
    if use.sum() >= 2 and pos.sum() >= 2:
        exp = tot[use, None] * p[None, pos]
        chi2 = float(np.sum((c[use][:, pos] - exp) ** 2 / exp))
        dof = pos.sum() - 1
        excess = chi2 - dof * use.sum()
        if excess > 0:
            rho = excess / (dof * float(np.sum(tot[use] - 1)))
            alpha = min(MAX_CONCENTRATION, max(1e-3, 1.0 / min(max(rho, 1e-12), 0.999) - 1.0))
    post = c + alpha * p[None, :]
    shares = post / post.sum(axis=1, keepdims=True)
    return shares, alpha
