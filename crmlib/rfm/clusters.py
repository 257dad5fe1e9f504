"""k-means clusters of customers on recency gap, frequency and spend, k chosen by silhouette."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.exceptions import DataError
from crmlib.rfm.scores import _check_summary, _features, spend_column
from crmlib.units import UNIT_DAYS

@dataclass
class RFMClusters:
    """Result of :func:`cluster`: labels, the chosen k, silhouette per k, centres and words."""

    labels: pd.Series
    k: int
    silhouette: pd.Series
    centers: pd.DataFrame
    descriptions: pd.Series
    #: Per cluster, the level of each feature (columns ``recency``, ``frequency``, ``spend``; values
    #: from :data:`LEVELS`): the keys the page says in its language (:mod:`crmlib.words.segments`).
    levels: pd.DataFrame | None = None

    def named(self) -> pd.Series:
        """Label per customer as text, e.g. ``"1: recent, frequent, high spend"``."""
        return self.labels.map(lambda c: f"{c}: {self.descriptions[c]}").rename("cluster")


def days_since_last(summary: pd.DataFrame) -> np.ndarray:
    """Days since each customer's last purchase: ``days_since_last_purchase`` when the table has it
    (:func:`crmlib.customer_table`), else ``T - recency`` converted from the unit ``attrs["freq"]``
    (days when unset) - never weeks or months under a days label."""
    if "days_since_last_purchase" in summary.columns:
        return summary["days_since_last_purchase"].astype(float).to_numpy()
    freq = summary.attrs.get("freq") or "D"
    return (summary["T"].astype(float) - summary["recency"].astype(float)).to_numpy() * UNIT_DAYS[freq]


#: The words for a cluster's mean per feature, from the fewest days / repeat purchases / least spend up.
LEVELS = {"recency": ("very recent", "recent", "mid recency", "lapsed", "long lapsed"),
          "frequency": ("one-off", "occasional", "regular", "frequent", "very frequent"),
          "spend": ("very low spend", "low spend", "mid spend", "high spend", "very high spend")}
#: A cluster is "one-off" only when its customers make fewer repeat purchases than this on average.
ONE_OFF_BELOW = 1.0
#: Cluster means within this factor of each other (compared as 1 + value, so 0 repeat purchases is
#: 1 purchase) are close and may share a word; a group sharing one word spans less than :data:`WIDE`.
CLOSE = 1.25
WIDE = 2.0
#: One word away from the middle one per this many standard deviations of the customers' log values.
STEP_SD = 1.0


def _groups(values: np.ndarray, split_at: float | None = None) -> list[list[int]]:
    """Positions of ``values`` (>= 0) in groups of close values, lowest first: a new group starts where
    the next value is at least :data:`CLOSE` times the one before (on 1 + value) or crosses ``split_at``;
    a group spanning :data:`WIDE` times or more is split at its widest gap until none does."""
    order = [int(i) for i in np.argsort(values, kind="stable")]
    v = 1.0 + np.asarray(values, dtype=float)
    groups, current = [], [order[0]]
    for a, b in zip(order, order[1:]):
        crosses = split_at is not None and (values[a] < split_at) != (values[b] < split_at)
        if v[b] / v[a] >= CLOSE or crosses:
            groups.append(current)
            current = []
        current.append(b)
    groups.append(current)
    done = []
    while groups:
        g = groups.pop(0)
        if len(g) > 1 and v[g[-1]] / v[g[0]] >= WIDE:
            cut = 1 + int(np.argmax([v[b] / v[a] for a, b in zip(g, g[1:])]))
            groups[:0] = [g[:cut], g[cut:]]
        else:
            done.append(g)
    return done


def _merge_closest(groups: list[list[int]], values: np.ndarray, keep_apart: float | None) -> list[list[int]]:
    """``groups`` with the two neighbouring groups whose union spans the least (on 1 + value) made one
    (never across ``keep_apart`` while another pair can merge): for more groups than words."""
    v = 1.0 + np.asarray(values, dtype=float)
    pairs = [(v[b[-1]] / v[a[0]], i) for i, (a, b) in enumerate(zip(groups, groups[1:]))]
    if keep_apart is not None:
        below = [values[g[0]] < keep_apart for g in groups]
        pairs = [(r, i) for r, i in pairs if below[i] == below[i + 1]] or pairs
    i = min(pairs)[1]
    return groups[:i] + [groups[i] + groups[i + 1]] + groups[i + 2:]


def _ladder(position: np.ndarray, lowest: np.ndarray, words: int) -> list[int]:
    """Strictly increasing word indices, one per group (lowest group first), nearest to ``position``
    (the groups' places on the word scale) in total; group ``i`` may take word 0 only where ``lowest[i]``."""
    g = len(position)
    cost = np.full((g, words), np.inf)
    back = np.zeros((g, words), dtype=int)
    for i in range(g):
        for level in range(words):
            if level == 0 and not lowest[i]:
                continue
            here = abs(level - position[i])
            if i == 0:
                cost[i, level] = here
            elif level > 0 and np.isfinite(cost[i - 1, :level]).any():
                prev = int(np.argmin(cost[i - 1, :level]))
                cost[i, level], back[i, level] = cost[i - 1, prev] + here, prev
    level = int(np.argmin(cost[-1]))
    out = [level]
    for i in range(g - 1, 0, -1):
        level = int(back[i, level])
        out.append(level)
    return out[::-1]


def _feature_levels(means: np.ndarray, raw: np.ndarray, words: tuple, one_off_below: float | None = None) -> list:
    """The word of each cluster mean of one feature (see :func:`_levels`)."""
    means = np.clip(np.asarray(means, dtype=float), 0, None)
    logs = np.log1p(np.clip(raw, 0, None))
    sd = logs.std()
    place = 2 + (np.log1p(means) - logs.mean()) / (sd if sd > 0 else 1.0) / STEP_SD  # 2: the middle word
    groups = _groups(means, one_off_below)

    def fits(gs):
        above = sum(1 for g in gs if one_off_below is None or means[g[0]] >= one_off_below)
        return len(gs) <= len(words) and (one_off_below is None or above <= len(words) - 1)

    while not fits(groups):
        groups = _merge_closest(groups, means, one_off_below)
    position = np.array([np.clip(place[g].mean(), 0, len(words) - 1) for g in groups])
    lowest = np.array([one_off_below is None or means[g[-1]] < one_off_below for g in groups])
    if one_off_below is not None:  # the first word is an absolute band: below it always, above it never
        position = np.where(lowest, 0.0, np.maximum(position, 1.0))
    out = [None] * len(means)
    for g, level in zip(groups, _ladder(position, lowest, len(words))):
        for i in g:
            out[i] = words[level]
    return out


def _levels(means: pd.DataFrame, raw: np.ndarray) -> pd.DataFrame:
    """Each cluster's word per feature (:data:`LEVELS`), from the plain means the page shows (``means``:
    one row per cluster, columns days since last purchase, frequency, spend) and all customers' values
    (``raw``, the same columns).

    The clusters' means of a feature are put in groups of close values (within :data:`CLOSE` times of
    each other on 1 + value, no group spanning :data:`WIDE` times), and the groups take words in the
    order of their means, a different word per group: so a cluster with more days since its last
    purchase is never called more recent than one with fewer, two clusters share a word only where
    their means are close, and means 5 times apart never do (while there are no more groups than
    words). Which words: those nearest to each group's place among the customers (the middle word at
    the customers' mean on the log scale, one word per :data:`STEP_SD` standard deviations). Frequency
    has an absolute band too: "one-off" only where the mean is below :data:`ONE_OFF_BELOW` repeat
    purchase (so never for a cluster that buys again on average), and always for the lowest such group.

    >>> raw = np.array([[10, 40, 200], [15, 40, 180], [300, 0, 50], [310, 3, 60]], dtype=float)
    >>> means = pd.DataFrame(raw[[0, 2, 3]], index=[1, 2, 3])
    >>> _levels(means, raw).apply(", ".join, axis=1).tolist()
    ['recent, frequent, high spend', 'lapsed, one-off, low spend', 'lapsed, occasional, low spend']
    """
    m = means.to_numpy(float)
    cols = {feature: _feature_levels(m[:, i], raw[:, i], LEVELS[feature],
                                     ONE_OFF_BELOW if feature == "frequency" else None)
            for i, feature in enumerate(LEVELS)}
    return pd.DataFrame(cols, index=means.index)


def cluster(summary: pd.DataFrame, k_range=range(2, 9), monetary: str | None = None,
            random_state: int = 0, sample_size: int = 2000) -> RFMClusters:
    """k-means on log-scaled, standardised recency gap, frequency and spend; k by silhouette.

    Features are ``log1p`` of the days since the last purchase (:func:`days_since_last`), of ``frequency`` and of the
    spend column (``mean_spend`` if present, else ``monetary_value``; negative spend counts
    as 0), each standardised. For each k in ``k_range`` k-means is fitted and the silhouette
    computed on a fixed random sample of ``sample_size`` customers (all of them when fewer),
    which keeps large customer bases fast; the k with the highest silhouette wins and every
    customer is assigned to the nearest centre of that fit. Clusters are numbered 1..k from the most valuable (highest mean
    of standardised -gap, frequency and spend) down, and described in words from the plain means that
    ``centers`` holds (:func:`_levels`: in the order of the means, the same word only for close means),
    e.g. ``"recent, frequent, high spend"``: the words follow the numbers shown beside them.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    if monetary is None:
        monetary = spend_column(summary)
    _check_summary(summary, monetary)
    ks = [int(k) for k in k_range]
    if not ks or min(ks) < 2:
        raise DataError(f"k_range must hold numbers of clusters >= 2, got {list(k_range)}.")
    _, freq, spend = _features(summary, monetary)
    raw = np.column_stack([days_since_last(summary), freq, np.clip(spend, 0, None)])
    X = StandardScaler().fit_transform(np.log1p(raw))
    n_distinct = len(np.unique(X, axis=0))
    ks = [k for k in ks if k < n_distinct]
    if not ks:
        raise DataError(f"Only {n_distinct} distinct customers (R/F/M points): too few to cluster "
                        f"with k in {list(k_range)}.",
                        reason=("too_few_distinct", {"distinct": n_distinct, "ks": [int(k) for k in k_range]}))
    rng = np.random.default_rng(random_state)
    idx = rng.choice(len(X), size=min(sample_size, len(X)), replace=False)
    sil, fits = {}, {}
    # One thread: on a few thousand points OpenMP threads only add overhead, and on a busy
    # machine (parallel report runs) they thrash - 24 s instead of 0.7 s for 2,000 customers.
    with threadpool_limits(limits=1):
        for k in ks:
            km = KMeans(n_clusters=k, n_init=4, random_state=random_state).fit(X[idx])
            fits[k] = km
            sil[k] = float(silhouette_score(X[idx], km.labels_)) if len(np.unique(km.labels_)) > 1 else -1.0
        best = max(sil, key=lambda k: (sil[k], -k))
        km = fits[best]
        assigned = km.predict(X)
    zc = km.cluster_centers_
    order = np.argsort(-(-zc[:, 0] + zc[:, 1] + zc[:, 2]), kind="stable")
    relabel = {int(old): new + 1 for new, old in enumerate(order)}
    labels = pd.Series([relabel[int(c)] for c in assigned], index=summary.index, name="cluster")
    frame = pd.DataFrame(raw, index=summary.index, columns=["days_since_last_purchase", "frequency", "spend"])
    centers = frame.groupby(labels.to_numpy()).mean()
    centers.insert(0, "customers", labels.value_counts().sort_index().to_numpy())
    centers.index.name = "cluster"
    levels = _levels(centers[["days_since_last_purchase", "frequency", "spend"]], raw).sort_index()
    levels.index.name = "cluster"
    desc = levels.apply(", ".join, axis=1).rename("description")
    desc.index.name = "cluster"
    centers["description"] = desc
    return RFMClusters(labels=labels, k=best, silhouette=pd.Series(sil, name="silhouette").rename_axis("k"),
                       centers=centers, descriptions=desc, levels=levels)


def cluster_or_reason(summary: pd.DataFrame, **kwargs) -> tuple[RFMClusters | None, DataError | None]:
    """:func:`cluster`, or ``(None, why)`` when the data cannot be clustered (too few distinct
    customers), so that a report leaves the section out with a sentence instead of failing (``why``:
    the error, whose ``reason`` the page says in its language with :func:`crmlib.words.reasons.reason_text`
    inside :data:`crmlib.words.segments.CLUSTERS_LEFT_OUT`)."""
    try:
        return cluster(summary, **kwargs), None
    except DataError as err:
        return None, err
