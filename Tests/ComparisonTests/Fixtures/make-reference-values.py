#!/usr/bin/env python3
"""Writes reference-values.json: inputs and SciPy's answers for the Comparison module's tests.

Run from this folder with SciPy installed (made with SciPy 1.17.1, NumPy 2.4.6):
    python3 make-reference-values.py > reference-values.json
The inputs come from NumPy's PCG64 with fixed seeds, so the file is the same on every run.
"""
import json

import numpy as np
from scipy import stats


def pair(seed, n1, n2, shift, tie_step):
    rng = np.random.default_rng(seed)
    baseline = rng.lognormal(mean=0.0, sigma=0.2, size=n1)
    current = rng.lognormal(mean=np.log(shift), sigma=0.2, size=n2)
    if tie_step:
        baseline = np.round(baseline / tie_step) * tie_step
        current = np.round(current / tie_step) * tie_step
    return baseline.tolist(), current.tolist()


def mood(baseline, current, q):
    """Mood's quantile test: counts at or below the pooled nearest-rank q-quantile, Fisher's exact test."""
    pooled = np.sort(np.concatenate([baseline, current]))
    rank = min(len(pooled), max(1, int(np.ceil(q * len(pooled)))))
    m = pooled[rank - 1]
    a = int(np.sum(np.asarray(baseline) <= m))
    c = int(np.sum(np.asarray(current) <= m))
    table = [[a, len(baseline) - a], [c, len(current) - c]]
    return {"quantile": q, "pooled": float(m), "baselineAtOrBelow": a, "currentAtOrBelow": c,
            "pValue": float(stats.fisher_exact(table, alternative="two-sided").pvalue)}


pairs = []
for seed, n1, n2, shift, tie_step in [
    (1, 12, 15, 1.0, 0),
    (2, 40, 40, 1.1, 0),
    (3, 100, 80, 1.05, 0),
    (4, 150, 150, 1.0, 0.05),   # heavy ties
    (5, 60, 90, 1.2, 0.01),
    (6, 200, 200, 0.95, 0),
]:
    b, c = pair(seed, n1, n2, shift, tie_step)
    mw = stats.mannwhitneyu(c, b, alternative="two-sided", method="asymptotic", use_continuity=True)
    ks = stats.ks_2samp(b, c, method="asymp")
    pairs.append({
        "seed": seed,
        "baseline": b,
        "current": c,
        "mannWhitneyU": float(mw.statistic),
        "mannWhitneyP": float(mw.pvalue),
        "kolmogorovSmirnovD": float(ks.statistic),
        "kolmogorovSmirnovP": float(ks.pvalue),
        "kolmogorovSmirnovExactP": float(stats.ks_2samp(b, c, method="exact").pvalue),
        "quantiles": {str(q): float(np.quantile(b, q)) for q in [0.1, 0.25, 0.5, 0.9, 0.99]},
        "mood": [mood(b, c, q) for q in [0.1, 0.5, 0.9, 0.99]],
    })

ranks = []
for n, p, level in [(100, 0.5, 0.95), (100, 0.5, 0.99), (200, 0.9, 0.99), (1000, 0.99, 0.99), (30, 0.5, 0.95),
                    (600, 0.99, 0.99), (50, 0.1, 0.9)]:
    tail = (1 - level) / 2
    cdf = stats.binom.cdf(np.arange(n + 1), n, p)
    below = [k for k in range(n + 1) if cdf[k] <= tail]
    lower = (max(below) + 1) if below else 0          # 1-based rank; 0: no lower bound
    upper = next(k for k in range(n + 1) if cdf[k] >= 1 - tail) + 1   # n + 1: no upper bound
    coverage = (cdf[upper - 1] if upper <= n else 1.0) - (cdf[lower - 1] if lower >= 1 else 0.0)
    ranks.append({"n": n, "p": p, "level": level, "lowerRank": lower, "upperRank": upper,
                  "coverage": float(coverage)})

normal = [{"p": p, "x": float(stats.norm.ppf(p))} for p in [1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.995, 0.999999]]

fisher = []
for a, n1, k, n in [(3, 10, 5, 20), (0, 100, 100, 200), (60, 100, 100, 200), (99, 100, 180, 200), (10, 40, 30, 90),
                    (1985, 2000, 3960, 4000), (1, 1, 1, 2)]:
    table = [[a, n1 - a], [k - a, n - n1 - (k - a)]]
    fisher.append({"a": a, "rowTotal": n1, "columnTotal": k, "total": n,
                   "pValue": float(stats.fisher_exact(table, alternative="two-sided").pvalue)})

kolmogorov = [{"lambda": x, "tail": float(stats.kstwobign.sf(x))} for x in [0.3, 0.5, 0.8, 1.0, 1.1799, 1.18, 1.2238, 1.3581, 1.6276, 2.0, 3.0]]

print(json.dumps({"pairs": pairs, "ranks": ranks, "normalQuantiles": normal, "kolmogorovTail": kolmogorov,
                  "fisher": fisher}, indent=1))
