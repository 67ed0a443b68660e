"""Calibration (docs/rules.md, 校准分析; DOMAIN §8): which units, and which raters when the workbook
names them, score more leniently or more severely than the batch, before the results are used.

For each group j (a unit, or a rater) of values y (a total, or one competency's score):

    μ = mean of every value of the batch,  SD = their standard deviation (n − 1)
    ȳ_j, s_j = the group's mean and standard deviation,  σ_j² = s_j² / n_j
    τ² = max(0, Var(ȳ) − mean σ_j²)            over the groups with at least 2 values (≥ 3 groups)
    B_j = σ_j² / (τ² + σ_j²)                   how far a group's mean is pulled toward μ
    θ_j = (1 − B_j)·ȳ_j + B_j·μ                the shrunk ("empirical Bayes") mean
    d_j = (θ_j − μ) / SD                       the leniency index

A small or noisy group is pulled toward the batch, so one lenient rater of three people does not
read as a lenient unit. A group under `min_shown` people is not listed; one under `min_judged` is
样本不足; from there on |d| ≥ `leniency` is 偏宽 (higher) or 偏严 (lower), else 正常. With fewer
than `min_groups` groups τ² cannot be estimated: the means are not shrunk (B = 0), which the sheet
says. The thresholds are rules data (the framework's [calibration] table).

cmxl only suggests: nothing here changes a result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from cmxl.core.model.framework import CalibrationRules

LENIENT, SEVERE, NORMAL, TOO_FEW = "偏宽", "偏严", "正常", "样本不足"
UNIT, RATER = "单位", "测评人"
TOTAL = "加权总分"


# the thresholds are the rules data's [calibration] table, defaults and all (written once, there)
Thresholds = CalibrationRules


@dataclass
class Group:
    """One group's figures for one measure (the total or an item)."""

    kind: str  # UNIT or RATER
    name: str
    measure: str  # TOTAL or a competency's name
    n: int
    mean: float
    sd: float | None  # None with one value
    shrinkage: float  # B_j
    shrunk: float  # θ_j
    d: float
    verdict: str
    levels: dict[str, float] = field(default_factory=dict)  # share of the group at each level


@dataclass
class Measure:
    """The batch's figures for one measure, and every group shown."""

    measure: str
    n: int
    mean: float
    sd: float
    tau2: float | None  # None: fewer than min_groups groups, no shrinkage
    groups: list[Group]
    hidden: int  # groups under min_shown, not listed
    levels: dict[str, float] = field(default_factory=dict)  # share of the batch at each level


class _Index(dict):
    """Label -> number; what is not a label (None, '') is −1."""

    def __missing__(self, key: object) -> int:
        return -1


def _codes(labels: Sequence[str | None]) -> tuple[np.ndarray, list[str]]:
    """Each label's group number (−1 for none), and the groups' names in order of appearance."""
    names = [g for g in dict.fromkeys(labels) if g]
    index = _Index((g, i) for i, g in enumerate(names))
    return np.fromiter(map(index.__getitem__, labels), dtype=int, count=len(labels)), names


def shrink(
    values: Sequence[float | None], groups: Sequence[str], th: Thresholds
) -> tuple[dict, float, float, float | None]:
    """Per group (n, mean, sd, B, θ, d) of the values that are present, with μ, SD and τ².
    Vectorised over people (a batch of 10,000 is measured some forty times: per item and kind)."""
    return _shrink(np.array(values, dtype=float), *_codes(groups), th)


def _shrink(
    y: np.ndarray, codes: np.ndarray, names: list[str], th: Thresholds
) -> tuple[dict, float, float, float | None]:
    """shrink() of values as an array (NaN: not present) and groups as numbers (−1: none)."""
    keep = ~np.isnan(y) & (codes >= 0)
    if not keep.any():
        return {}, float("nan"), float("nan"), None
    y, codes = y[keep], codes[keep]
    mu = float(y.mean())
    sd = float(y.std(ddof=1)) if len(y) > 1 else 0.0
    n = np.bincount(codes, minlength=len(names))
    means = np.bincount(codes, weights=y, minlength=len(names)) / np.maximum(n, 1)
    squares = np.bincount(codes, weights=(y - means[codes]) ** 2, minlength=len(names))
    stats = {}
    for j in np.flatnonzero(n):
        size = int(n[j])
        s = float(np.sqrt(squares[j] / (size - 1))) if size > 1 else None
        stats[names[j]] = [size, float(means[j]), s, (s * s / size) if s is not None else None]
    usable = [st for st in stats.values() if st[3] is not None]
    tau2 = None
    if len(usable) >= th.min_groups:
        group_means = np.array([st[1] for st in usable])
        tau2 = max(0.0, float(group_means.var(ddof=1)) - float(np.mean([st[3] for st in usable])))
    out = {}
    for g, (size, mean, s, var) in stats.items():
        if tau2 is None or var is None:
            b = 0.0 if tau2 is None else 1.0  # one value: nothing says how far to trust it
        else:
            b = var / (tau2 + var) if tau2 + var > 0 else 1.0  # no spread between groups: all of it is noise
        theta = (1 - b) * mean + b * mu
        d = (theta - mu) / sd if sd > 0 else 0.0
        out[g] = (size, mean, s, b, theta, d)
    return out, mu, sd, tau2


def verdict(n: int, d: float, th: Thresholds) -> str:
    if n < th.min_judged:
        return TOO_FEW
    if d >= th.leniency:
        return LENIENT
    if d <= -th.leniency:
        return SEVERE
    return NORMAL


def measure(
    name: str,
    kind: str,
    values: Sequence[float | None],
    groups: Sequence[str],
    levels: Sequence[str | None],
    level_names: Sequence[str],
    th: Thresholds,
) -> Measure:
    """One measure (the total, or one item) judged group by group; groups in name order."""
    y = np.array(values, dtype=float)  # None is NaN: not present
    codes, names = _codes(groups)
    found, mu, sd, tau2 = _shrink(y, codes, names, th)
    present = ~np.isnan(y) & (codes >= 0)
    level_of = _Index((lv, i) for i, lv in enumerate(level_names))
    rated = np.fromiter(map(level_of.__getitem__, levels), dtype=int, count=len(levels))
    counted = present & (rated >= 0)
    width = len(level_names)
    # people of each group at each level (a group's row), and of the batch
    table = np.bincount(codes[counted] * width + rated[counted], minlength=len(names) * width).reshape(-1, width)
    shown, hidden = [], 0
    for g in sorted(found):
        n, mean, s, b, theta, d = found[g]
        if n < th.min_shown:
            hidden += 1
            continue
        shares = _shares(table[names.index(g)], level_names)
        shown.append(Group(kind, g, name, n, mean, s, b, theta, d, verdict(n, d, th), shares))
    return Measure(name, int(present.sum()), mu, sd, tau2, shown, hidden, _shares(table.sum(axis=0), level_names))


def _shares(counts: np.ndarray, names: Sequence[str]) -> dict[str, float]:
    total = int(counts.sum())
    return {n: int(counts[i]) / total if total else 0.0 for i, n in enumerate(names)}


def confounded(units: Sequence[str], raters: Sequence[str]) -> bool:
    """Each unit has its own raters (no rater rates in two units): a unit's leniency and its
    raters' severity cannot be told apart."""
    seen: dict[str, set[str]] = {}
    for u, r in zip(units, raters, strict=True):
        if u and r:
            seen.setdefault(r, set()).add(u)
    return bool(seen) and all(len(us) == 1 for us in seen.values())
