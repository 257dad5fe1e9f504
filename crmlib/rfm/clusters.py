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


#: The level names of a cluster per feature (low, middle, high mean).
LEVELS = {"recency": ("recent", "mid recency", "lapsed"), "frequency": ("one-off", "occasional", "frequent"),
          "spend": ("low spend", "mid spend", "high spend")}
#: A cluster is "one-off" only when its customers make fewer repeat purchases than this on average.
ONE_OFF_BELOW = 1.0


def _words(z: float, low: str, mid: str, high: str, cut: float = 0.5) -> str:
    return high if z > cut else low if z < -cut else mid


def _levels(means: pd.DataFrame, raw: np.ndarray) -> pd.DataFrame:
    """Each cluster's level per feature, from the plain means the page shows (``means``: one row per
    cluster, columns days since last purchase, frequency, spend) against all customers' values (``raw``):
    more than half a standard deviation above or below the customers' mean is high or low. So a cluster
    with more days since its last purchase is never called more recent than one with fewer. Frequency is
    "one-off" exactly when the mean is below :data:`ONE_OFF_BELOW` repeat purchase (so never for a
    cluster that buys again on average), else "frequent" when high and "occasional" otherwise.

    >>> raw = np.array([[10, 40, 200], [15, 40, 180], [300, 0, 50], [310, 3, 60]], dtype=float)
    >>> means = pd.DataFrame(raw[[0, 2, 3]], index=[1, 2, 3])
    >>> _levels(means, raw).apply(", ".join, axis=1).tolist()
    ['recent, frequent, high spend', 'lapsed, one-off, low spend', 'lapsed, occasional, low spend']
    """
    m = means.to_numpy(float)
    sd = raw.std(axis=0)
    z = (m - raw.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    rows = {}
    for c, zc, mc in zip(means.index, z, m):
        row = {feature: _words(zc[i], *LEVELS[feature]) for i, feature in enumerate(LEVELS)}
        once, sometimes, often = LEVELS["frequency"]
        row["frequency"] = once if mc[1] < ONE_OFF_BELOW else often if zc[1] > 0.5 else sometimes
        rows[c] = row
    return pd.DataFrame.from_dict(rows, orient="index")


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
    ``centers`` holds (:func:`_levels`: against all customers' mean, more than half a standard deviation
    above or below), e.g. ``"recent, frequent, high spend"``: the words follow the numbers shown beside them.
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
