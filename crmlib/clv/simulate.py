"""Simulated transaction logs from the buy-till-you-die models, with the true alive flag.

:meth:`TransactionModel.sample` gives summaries (frequency, recency, T). :func:`simulate_log`
gives the purchases themselves, one row per purchase, so that anything computed from a log
(summaries by either counting rule, tracking plots, alive paths) can be checked against the model
that made it. Every customer's first purchase is at time 0; repeat purchases follow:

* BG/NBD: a Poisson process with rate ``lambda ~ Gamma(r, alpha)``; after each repeat purchase
  the customer drops out with probability ``p ~ Beta(a, b)``;
* MBG/NBD: the same, and the customer may also drop out right after the first purchase;
* Pareto/NBD: a Poisson process with rate ``lambda ~ Gamma(r, alpha)`` until an exponential
  lifetime with rate ``mu ~ Gamma(s, beta)`` ends.

``alive`` says whether the customer is still active at the end of their observation ``T``, which
is what :meth:`probability_alive` estimates from the history.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.clv.beta_geo import BetaGeo
from crmlib.clv.pareto_nbd import ParetoNBD, draw_customers
from crmlib.exceptions import DataError


def _bg_events(params, shift, rng, T):
    r, alpha, a, b = params
    n = T.size
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    alive = np.ones(n, dtype=bool) if shift == 0 else rng.random(n) >= p
    clock = np.zeros(n)
    rows, times = [], []
    active = np.flatnonzero(alive)  # customers who may still buy before T
    while active.size:
        clock[active] += rng.standard_exponential(active.size) / lam[active]
        bought = active[clock[active] <= T[active]]
        rows.append(bought)
        times.append(clock[bought])
        dies = bought[rng.random(bought.size) < p[bought]]
        alive[dies] = False
        active = bought[alive[bought]]
    return rows, times, alive


def _pareto_events(params, rng, T):
    lam, lifetime, window = draw_customers(params, rng, T)
    counts = rng.poisson(lam * window)
    rows = np.repeat(np.arange(T.size), counts)
    times = rng.random(rows.size) * window[rows]  # given the count, times are uniform
    return [rows], [times], lifetime > T


def simulate_log(model, n: int, T=52.0, seed: int | None = 0) -> pd.DataFrame:
    """Purchases of ``n`` simulated customers: columns ``customer_id`` (0..n-1), ``t`` (time of
    the purchase since the customer's first, in the model's time unit; 0 for the first
    purchase), ``T`` (the customer's observation length) and ``alive`` (active at ``T``).

    ``model`` is a fitted (or :meth:`from_params`) BetaGeo, ModifiedBetaGeo or ParetoNBD; ``T`` a
    number or one value per customer; ``seed`` a seed or a ``numpy.random.Generator`` (drawn from,
    so that a caller can simulate batch after batch from one stream). Rows are sorted by customer
    and time.

    >>> from crmlib.clv import BetaGeo
    >>> log = simulate_log(BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426), 3, T=39.0, seed=1)
    >>> list(log.columns), bool((log.groupby("customer_id")["t"].min() == 0).all())
    (['customer_id', 't', 'T', 'alive'], True)
    """
    params = model._p()
    T = np.broadcast_to(np.asarray(T, dtype=float), (int(n),)).copy()
    if np.any(~np.isfinite(T) | (T < 0)):
        raise DataError("simulate_log: T must be finite and >= 0 for every customer.")
    rng = np.random.default_rng(seed)
    if isinstance(model, BetaGeo):
        rows, times, alive = _bg_events(params, model._shift, rng, T)
    elif isinstance(model, ParetoNBD):
        rows, times, alive = _pareto_events(params, rng, T)
    else:
        raise DataError(f"simulate_log simulates BetaGeo, ModifiedBetaGeo and ParetoNBD; not "
                        f"{type(model).__name__} (BG/BB and spend models have their own sample()).")
    customer = np.concatenate([np.arange(n)] + rows)
    t = np.concatenate([np.zeros(n)] + times)
    order = np.lexsort((t, customer))
    customer, t = customer[order], t[order]
    return pd.DataFrame({"customer_id": customer, "t": t, "T": T[customer], "alive": alive[customer]})


def log_summary(log: pd.DataFrame) -> pd.DataFrame:
    """``frequency, recency, T`` (and the true ``alive``) of a simulated log, one row per customer."""
    grouped = log.groupby("customer_id", sort=True)
    return pd.DataFrame({"frequency": grouped.size().astype(float) - 1, "recency": grouped["t"].max(),
                         "T": grouped["T"].first(), "alive": grouped["alive"].first()})
