"""The simulated, linked CRM data set whose true parameters are known (:func:`make_crm_dataset`, the
demo data of :func:`write_demo`); the model is described in :mod:`crmlib.datasets`. Part of
:mod:`crmlib.datasets`.

>>> ds = make_crm_dataset(n_customers=200, seed=1)
>>> sorted(ds.customers.columns)[:4], ds.truth["time_unit"]
(['city', 'customer_id', 'email', 'loyalty_tier'], 'W')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import special, stats

from crmlib.config import PACKAGE_DATA_DIR, demo_dir
from crmlib.contacts import normalise_phone

CATEGORIES = ["electronics", "fashion", "grocery", "home", "beauty", "books", "sports"]
CHANNELS = ["store", "web", "app", "phone"]
SURVEY_CHANNELS = CHANNELS + ["email", "sms"]
THEMES = ["delivery", "price", "quality", "support", "app"]
LANGUAGES = ["en", "hi", "bn"]

#: True parameters of the simulation; the BG/NBD ones are per week.
DEFAULT_TRUTH = {
    "time_unit": "W",
    "r": 0.9, "alpha": 7.0, "a": 0.7, "b": 3.5,   # BG/NBD
    "p": 6.0, "q": 4.0, "v": 1000.0,               # gamma-gamma, rupees: mean spend p*v/(q-1) = 2000
}
#: Effect of each problem on a response's latent satisfaction (standard-normal scale).
THEME_EFFECTS = {"delivery": -1.3, "price": -0.7, "quality": -1.2, "support": -1.5, "app": -0.8}
#: How often each problem happens on a purchase (before the channel and customer adjustments).
THEME_RATES = {"delivery": 0.14, "price": 0.12, "quality": 0.10, "support": 0.07, "app": 0.03}


@dataclass
class CRMDataset:
    """A simulated CRM data set: three linked tables and the truth behind them.

    ``customers``, ``transactions`` and ``feedback`` use crmlib's canonical columns.
    ``truth`` holds the true simulation parameters (BG/NBD per week, gamma-gamma in rupees,
    the feedback effects); ``imperfections`` counts the planted flaws; ``latent`` has the hidden
    values per customer (purchase rate ``lambda`` per week, dropout probability ``p``, weeks
    observed ``T`` and true repeat purchases ``x``, spend scale ``nu``), indexed by ``customer_id``;
    ``experience`` has one row per feedback response with its hidden drivers (trait, problems)
    for checking driver analysis.
    """

    customers: pd.DataFrame
    transactions: pd.DataFrame
    feedback: pd.DataFrame
    truth: dict
    imperfections: dict = field(default_factory=dict)
    latent: pd.DataFrame | None = None
    experience: pd.DataFrame | None = None
    comment_pii: list[str] = field(default_factory=list)

    def write(self, directory) -> dict[str, Path]:
        """Write ``customers.csv``, ``transactions.csv``, ``feedback.csv`` (UTF-8, ISO dates) as a
        CRM export would look (no derived ``is_return`` column); return their paths by name."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        tables = {"customers": self.customers,
                  "transactions": self.transactions.drop(columns=["is_return"], errors="ignore"),
                  "feedback": self.feedback}
        paths = {}
        for name, frame in tables.items():
            path = directory / f"{name}.csv"
            frame.to_csv(path, index=False, encoding="utf-8", date_format="%Y-%m-%d")
            paths[name] = path
        return paths

    def pii_values(self) -> set[str]:
        """Every raw name, email and phone number planted anywhere: the customers' PII (also
        each phone in E.164 form) and the exact strings planted in comments. A report that
        contains any of these strings leaks personal data."""
        values = set()
        for col in ("name", "email", "phone"):
            values.update(self.customers[col].dropna().astype(str))
        for phone in self.customers["phone"].dropna():
            e164 = normalise_phone(phone, "BD" if str(phone).lstrip("+").startswith(("880", "01")) else "IN")
            if e164:
                values.add(e164)
        values.update(self.comment_pii)
        return values

    def __repr__(self) -> str:
        return (f"CRMDataset({len(self.customers):,} customers, {len(self.transactions):,} transactions, "
                f"{len(self.feedback):,} feedback responses)")


@cache
def _resource(name: str) -> dict:
    with open(PACKAGE_DATA_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category index per row of a matrix of row-wise probabilities."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return (u[:, None] > cum).sum(axis=1)


def _make_people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    people = _resource("fake_people.yaml")
    bd = rng.random(n) < 0.2
    out = {"city": np.empty(n, dtype=object), "name": np.empty(n, dtype=object),
           "email": np.empty(n, dtype=object), "phone": np.empty(n, dtype=object)}
    domains = people["email_domains"]
    for country, mask in (("india", ~bd), ("bangladesh", bd)):
        spec, idx = people[country], np.flatnonzero(mask)
        w = np.asarray(spec["city_weights"], float)
        out["city"][idx] = np.asarray(spec["cities"], dtype=object)[rng.choice(len(w), len(idx), p=w / w.sum())]
        given = np.asarray(spec["given_names"], dtype=object)[rng.integers(len(spec["given_names"]), size=len(idx))]
        family = np.asarray(spec["family_names"], dtype=object)[rng.integers(len(spec["family_names"]), size=len(idx))]
        out["name"][idx] = given + " " + family
        style = rng.integers(3, size=len(idx))
        dom = rng.integers(len(domains), size=len(idx))
        for k, i in enumerate(idx):
            g, f = given[k].lower(), family[k].lower()
            local = (f"{g}.{f}", f"{g}_{f}", f"{g[0]}{f}")[style[k]]
            out["email"][i] = f"{local}{i + 1}@{domains[dom[k]]}"
        if country == "india":
            first = rng.integers(6, 10, size=len(idx))
            rest = rng.integers(0, 10**9, size=len(idx))
            fmt = rng.integers(4, size=len(idx))
            for k, i in enumerate(idx):
                d = f"{first[k]}{rest[k]:09d}"
                out["phone"][i] = (f"+91 {d[:5]} {d[5:]}", f"0{d[:5]}-{d[5:]}", d, f"+91-{d[:5]}-{d[5:]}")[fmt[k]]
        else:
            op = rng.choice([3, 4, 5, 6, 7, 8, 9], size=len(idx))
            rest = rng.integers(0, 10**8, size=len(idx))
            fmt = rng.integers(2, size=len(idx))
            for k, i in enumerate(idx):
                d = f"01{op[k]}{rest[k]:08d}"
                out["phone"][i] = (f"+880 {d[1:5]}-{d[5:]}", d)[fmt[k]]
    out["email"][rng.random(n) < 0.04] = None
    out["phone"][rng.random(n) < 0.06] = None
    frame = pd.DataFrame(out)
    frame["country"] = np.where(bd, "BD", "IN")
    return frame


def _simulate_purchases(rng, n, truth, horizon_days):
    """First purchase day and repeat purchase days (BG/NBD), spend (gamma-gamma)."""
    lam = rng.gamma(truth["r"], 1 / truth["alpha"], n) / 7.0            # per day
    p_drop = rng.beta(truth["a"], truth["b"], n)
    first = rng.integers(0, int(0.75 * horizon_days) + 1, size=n)      # acquisition in the first 3/4
    T = horizon_days + 1 - first                                        # days observed, end day included
    alive_repeats = rng.geometric(p_drop)                               # repeat purchases before dropout
    m = rng.poisson(lam * T)                                            # Poisson arrivals if always alive
    x = np.minimum(m, alive_repeats)
    owner = np.repeat(np.arange(n), m)
    u = rng.random(len(owner)) * T[owner]
    order = np.lexsort((u, owner))
    owner, u = owner[order], u[order]
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(m) - m, m)
    keep = rank < x[owner]
    rep_owner, rep_day = owner[keep], first[owner[keep]] + np.floor(u[keep]).astype(int)
    cust = np.concatenate([np.arange(n), rep_owner])
    day = np.concatenate([first, rep_day])
    is_first = np.concatenate([np.ones(n, bool), np.zeros(len(rep_owner), bool)])
    nu = rng.gamma(truth["q"], 1 / truth["v"], n)
    amount = np.round(rng.gamma(truth["p"], 1 / nu[cust]), 2)
    return cust, day, is_first, amount, {"lambda": lam * 7, "p": p_drop, "T_weeks": T / 7.0, "x": x, "nu": nu}


def _plant_flaws(rng, tx: pd.DataFrame, horizon_end: pd.Timestamp) -> tuple[pd.DataFrame, dict]:
    n = len(tx)
    repeat_rows = np.flatnonzero(~tx["_first"].to_numpy())
    zero = rng.choice(repeat_rows, size=min(2, len(repeat_rows)), replace=False)
    tx.loc[tx.index[zero], "amount"] = 0.0
    n_ret = max(1, int(round(0.01 * n)))
    src = tx.iloc[rng.choice(n, size=n_ret, replace=False)]
    src = src[src["amount"] > 0]
    ret = src.copy()
    ret["date"] = ret["date"] + pd.to_timedelta(rng.integers(2, 21, size=len(ret)), unit="D")
    ret = ret[ret["date"] <= horizon_end]
    partial = rng.random(len(ret)) < 0.3
    ret["amount"] = -np.where(partial, np.round(ret["amount"] * 0.5, 2), ret["amount"])
    ret["_first"] = False
    n_dup = max(3, int(round(0.002 * n)))
    dup = tx.iloc[rng.choice(n, size=n_dup, replace=False)]
    out = pd.concat([tx, ret, dup], ignore_index=True)
    out = out.sort_values(["date", "order_id", "amount"], ascending=[True, True, False], kind="stable")
    flaws = {"duplicate_rows": int(n_dup), "returns": int(len(ret)), "zero_amounts": int(len(zero))}
    return out.reset_index(drop=True), flaws


_INDIC_DIGITS = {"hi": str.maketrans("0123456789", "०१२३४५६७८९"), "bn": str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")}


def _rupees(amount: float, lang: str, rng) -> str:
    whole, paise = divmod(int(round(amount * 100)), 100)
    s = str(whole)
    if len(s) > 3:  # Indian grouping: 1,00,000
        head, tail = s[:-3], s[-3:]
        head = re.sub(r"(\d)(?=(\d\d)+$)", r"\1,", head)
        s = f"{head},{tail}"
    text = f"₹{s}" + (f".{paise:02d}" if paise and rng.random() < 0.5 else "")
    if lang == "en" and rng.random() < 0.3:
        text = f"Rs. {whole}.{paise:02d}"
    return text


def _compose(rng, lang: str, sentiment: str, problems: list[str], facts: dict | None, pii: str | None) -> str:
    ph = _resource("feedback_phrases.yaml")[lang]
    choose = lambda options: options[rng.integers(len(options))]  # noqa: E731
    parts = []
    if sentiment == "negative":
        themes = problems or [choose(THEMES[:4])]
        parts += [choose(ph["negative"][t]) for t in themes[:2]]
        if rng.random() < 0.4:
            parts.append(choose(ph["closing_negative"]))
    elif sentiment == "positive":
        good = [t for t in THEMES if t not in problems]
        for t in rng.choice(good, size=min(len(good), 1 + int(rng.random() < 0.4)), replace=False):
            parts.append(choose(ph["positive"][t]))
        if rng.random() < 0.5:
            parts.append(choose(ph["closing_positive"]))
    else:
        parts.append(choose(ph["neutral"]))
        if problems:
            parts.append(choose(ph["negative"][problems[0]]))
    if facts is not None:
        parts.append(choose(ph["facts"]).format(**facts))
    if pii is not None:
        kind, value = pii
        parts.append(choose(ph[f"pii_{kind}"]).format(**{kind: value}))
    end = ph["end"]
    return end.join(parts) + end.strip()


def _simulate_feedback(rng, customers, tx, hidden, truth, horizon_end):
    n = len(customers)
    z_p = -stats.norm.ppf(np.clip(stats.beta.cdf(hidden["p"], truth["a"], truth["b"]), 1e-9, 1 - 1e-9))
    trait = 0.6 * z_p + 0.8 * rng.standard_normal(n)
    responds = rng.random(n) < 0.5
    n_resp = np.where(responds, 1 + rng.poisson(0.35, n), 0)
    purchases = tx[tx["amount"] >= 0].drop_duplicates()
    by_cust = purchases.groupby("_cust").indices
    rows = []
    for i in np.flatnonzero(n_resp):
        own = by_cust[i]
        picks = rng.choice(own, size=min(n_resp[i], len(own)), replace=False)
        for j in picks:
            rows.append((i, j))
    cust = np.array([r[0] for r in rows], dtype=int)
    pidx = np.array([r[1] for r in rows], dtype=int)
    m = len(rows)
    bought = purchases.iloc[pidx]
    date = bought["date"].to_numpy() + pd.to_timedelta(rng.integers(1, 11, size=m), unit="D").to_numpy()
    date = np.minimum(date, np.datetime64(horizon_end, "ns"))
    channel = np.where(rng.random(m) < 0.7, bought["channel"].to_numpy(dtype=object),
                       np.where(rng.random(m) < 0.5, "email", "sms"))
    online = np.isin(bought["channel"].to_numpy(dtype=object), ["web", "app"])
    on_app = bought["channel"].to_numpy(dtype=object) == "app"
    mood = np.where(trait[cust] < 0, 1.3, 0.8)
    problems = {}
    for t, base in THEME_RATES.items():
        rate = base + (0.10 if t == "delivery" else 0.0) * online + (0.15 if t == "app" else 0.0) * on_app
        problems[t] = rng.random(m) < rate * mood
    s = 0.9 + 0.9 * trait[cust] + sum(THEME_EFFECTS[t] * problems[t] for t in THEMES) + 0.5 * rng.standard_normal(m)
    nps = np.clip(np.round(7.5 + 1.5 * s), 0, 10)
    csat = np.clip(np.round(3.7 + 0.8 * (s + 0.4 * rng.standard_normal(m))), 1, 5)
    effort = 0.4 * trait[cust] - 1.5 * problems["support"] - 1.2 * problems["app"] - 0.4 * problems["delivery"]
    ces = np.clip(np.round(5.2 + effort + 0.7 * rng.standard_normal(m)), 1, 7)
    csat_asked = rng.random(m) < 0.85
    ces_asked = rng.random(m) < 0.6

    lang_of = np.empty(n, dtype=object)
    u = rng.random(n)
    bd = customers["country"].to_numpy() == "BD"
    kolkata = customers["city"].to_numpy() == "Kolkata"
    lang_of[:] = np.where(u < 0.4, "hi", "en")
    lang_of[kolkata] = np.where(u[kolkata] < 0.5, "bn", np.where(u[kolkata] < 0.7, "hi", "en"))
    lang_of[bd] = np.where(u[bd] < 0.65, "bn", "en")

    empty = rng.random(m) < 0.22
    with_fact = rng.random(m) < 0.08
    with_pii = rng.random(m) < 0.035
    native = rng.random(m) < 0.4
    comments, planted = [], []
    for k in range(m):
        if empty[k]:
            comments.append(None)
            continue
        lang = lang_of[cust[k]]
        sentiment = "negative" if nps[k] <= 6 else "positive" if nps[k] >= 9 else "neutral"
        probs = [t for t in THEMES if problems[t][k]]
        facts = None
        if with_fact[k]:
            b = bought.iloc[k]
            facts = {"order": b["order_id"].lstrip("O0") or "0", "amount": _rupees(b["amount"], lang, rng),
                     "date": str(pd.Timestamp(b["date"]).date())}
        pii = None
        if with_pii[k]:
            person = customers.iloc[cust[k]]
            by_phone = pd.notna(person["phone"]) and (pd.isna(person["email"]) or rng.random() < 0.6)
            kind = "phone" if by_phone else "email"
            value = person[kind]
            if pd.notna(value):
                value = str(value)
                if kind == "phone" and lang in _INDIC_DIGITS and native[k]:
                    value = value.translate(_INDIC_DIGITS[lang])
                pii = (kind, value)
                planted.append(value)
        comments.append(_compose(rng, lang, sentiment, probs, facts, pii))
    feedback = pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy()[cust],
        "date": date.astype("datetime64[ns]"),
        "nps": pd.array(nps, dtype="Int64"),
        "csat": pd.array(np.where(csat_asked, csat, np.nan), dtype="Float64").astype("Int64"),
        "ces": pd.array(np.where(ces_asked, ces, np.nan), dtype="Float64").astype("Int64"),
        "channel": pd.array(channel, dtype="str"),
        "comment": pd.array(comments, dtype="str"),
    })
    experience = pd.DataFrame({"trait": trait[cust], "satisfaction": s, "language": lang_of[cust],
                               **{f"problem_{t}": problems[t] for t in THEMES}})
    order = np.argsort(feedback["date"].to_numpy(), kind="stable")
    feedback = feedback.iloc[order].reset_index(drop=True)
    experience = experience.iloc[order].reset_index(drop=True)
    return feedback, experience, planted


def make_crm_dataset(n_customers: int = 2000, seed: int = 0, start="2024-01-01", end="2025-12-31") -> CRMDataset:
    """Simulate a linked CRM data set with known truth (see the module docstring).

    Customers are acquired (first purchase) in the first three quarters of ``start``-``end`` and
    observed to ``end``; with the defaults a customer makes about five purchases on average.
    The same ``seed`` gives the same data set.

    >>> ds = make_crm_dataset(300, seed=3)
    >>> ds.transactions["channel"].isin(CHANNELS).all(), ds.customers["customer_id"].iloc[0]
    (np.True_, 'C000001')
    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, not {n_customers}")
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end <= start:
        raise ValueError(f"end ({end.date()}) must be after start ({start.date()})")
    rng = np.random.default_rng(seed)
    truth = dict(DEFAULT_TRUTH)
    horizon = (end - start).days
    people = _make_people(rng, n_customers)
    ids = np.array([f"C{i:06d}" for i in range(1, n_customers + 1)], dtype=object)

    cust, day, is_first, amount, hidden = _simulate_purchases(rng, n_customers, truth, horizon)
    m = len(cust)
    pref_cat = rng.dirichlet(np.full(len(CATEGORIES), 0.7), n_customers)
    pref_chan = rng.dirichlet(np.array([3.0, 2.0, 2.0, 0.6]), n_customers)
    tx = pd.DataFrame({
        "_cust": cust, "_first": is_first,
        "customer_id": ids[cust],
        "date": (start + pd.to_timedelta(day, unit="D")).astype("datetime64[ns]"),
        "amount": amount,
        "quantity": 1 + rng.poisson(0.4, m),
        "category": np.asarray(CATEGORIES, dtype=object)[_pick(rng, pref_cat[cust])],
        "channel": np.asarray(CHANNELS, dtype=object)[_pick(rng, pref_chan[cust])],
    })
    tx = tx.sort_values(["date", "_cust"], kind="stable").reset_index(drop=True)
    tx.insert(0, "order_id", [f"O{i:07d}" for i in range(1, m + 1)])
    tx, flaws = _plant_flaws(rng, tx, end)

    net = tx.drop_duplicates().groupby("_cust")["amount"].sum().reindex(range(n_customers), fill_value=0)
    tier = pd.cut(net.rank(pct=True, method="first"), [0, 0.5, 0.8, 0.95, 1.0],
                  labels=["Bronze", "Silver", "Gold", "Platinum"]).astype(str).to_numpy()
    first_day = tx[tx["_first"]].drop_duplicates("_cust").set_index("_cust")["date"].reindex(range(n_customers))
    signup = first_day - pd.to_timedelta(rng.geometric(0.3, n_customers) - 1, unit="D")
    customers = pd.DataFrame({
        "customer_id": pd.array(ids, dtype="str"),
        "signup_date": signup.to_numpy().astype("datetime64[ns]"),
        "city": pd.array(people["city"], dtype="str"),
        "loyalty_tier": pd.array(tier, dtype="str"),
        "name": pd.array(people["name"], dtype="str"),
        "email": pd.array(people["email"], dtype="str"),
        "phone": pd.array(people["phone"], dtype="str"),
    })
    people_full = customers.assign(country=people["country"].to_numpy())
    feedback, experience, planted = _simulate_feedback(rng, people_full, tx, hidden, truth, end)

    transactions = tx.drop(columns=["_cust", "_first"]).reset_index(drop=True)
    for col in ("order_id", "customer_id", "category", "channel"):
        transactions[col] = transactions[col].astype("str")
    transactions["quantity"] = transactions["quantity"].astype("int64")
    transactions["is_return"] = transactions["amount"] < 0
    flaws.update({"missing_email": int(customers["email"].isna().sum()),
                  "missing_phone": int(customers["phone"].isna().sum()),
                  "comments_with_pii": len(planted)})
    truth.update({"start": start, "end": end, "n_customers": n_customers, "seed": seed,
                  "theme_effects": dict(THEME_EFFECTS), "theme_rates": dict(THEME_RATES)})
    latent = pd.DataFrame({"lambda": hidden["lambda"], "p": hidden["p"], "T": hidden["T_weeks"],
                           "x": hidden["x"], "nu": hidden["nu"]},
                          index=pd.Index(ids, dtype="str", name="customer_id"))
    return CRMDataset(customers, transactions, feedback, truth, flaws, latent, experience, planted)


def expected_repeat_purchases(t_weeks, r: float, alpha: float, a: float, b: float) -> np.ndarray:
    """BG/NBD expected number of repeat purchases in ``t`` weeks after the first
    (Fader, Hardie & Lee 2005, equation 9): used to check the simulation against its truth."""
    t = np.asarray(t_weeks, float)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def write_demo(directory=None, n_customers: int = 2000, seed: int = 42) -> dict[str, Path]:
    """Write the demo data set (``crmlib demo``) to ``directory`` (default: ``data/demo`` under the
    working folder, :func:`crmlib.config.demo_dir`); return the file paths by name."""
    directory = demo_dir() if directory is None else directory
    return make_crm_dataset(n_customers=n_customers, seed=seed).write(directory)

