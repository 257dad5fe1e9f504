"""crmlib.findings: the sentences a report opens with (issue 11, point 1), on fixtures where the right
sentence is known, and the trend judged on all periods (crmlib.feedback.trend)."""

import numpy as np
import pandas as pd
import pytest

from crmlib import feedback as fb
from crmlib import findings, rfm
from crmlib.words.retention import summary_sentences
from crmlib.feedback.trend import last_change, score_trend
from crmlib.words.feedback import change_sentence, trend_sentence, trend_title


def _answers(shares, n=40, seed=42, start="2024-03-01", metric="csat"):
    """Monthly survey answers: in month i a share shares[i] answer 4-5 (CSAT) or 9-10 (NPS)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, p in enumerate(shares):
        month = pd.Timestamp(start) + pd.DateOffset(months=i)
        good = rng.random(n) < p
        if metric == "csat":
            values = np.where(good, rng.integers(4, 6, n), rng.integers(1, 4, n))
        else:
            values = np.where(good, rng.integers(9, 11, n), rng.integers(0, 7, n))
        rows += [{"customer_id": f"C{i}-{k}", "date": month + pd.Timedelta(days=int(k % 27)), metric: int(v)}
                 for k, v in enumerate(values)]
    return pd.DataFrame(rows)


def _table(scores, half, start="2024-01-01", metric="nps", too_few=None):
    k = len(scores)
    t = pd.DataFrame({"period": pd.date_range(start, periods=k, freq="MS"), "metric": metric, "n": 100,
                      "score": np.asarray(scores, float)})
    t["lower"], t["upper"] = t["score"] - half, t["score"] + half
    t["too_few"] = False if too_few is None else too_few
    t.attrs.update(metric=metric, period="M", confidence=0.95, min_n=30)
    return t


def test_noise_only_is_not_called_a_rise():
    """24 months of NPS around 30, each month off by less than its own interval: no clear change,
    even though the last month is the highest of all."""
    rng = np.random.default_rng(42)
    scores = 30 + rng.normal(0, 4, 24)
    scores[-1], scores[0] = 42, 22  # end points 20 points apart, inside the noise
    trend = score_trend(_table(scores, half=12))
    assert trend.direction == "flat"
    assert trend.lower < 0 < trend.upper
    assert trend_sentence(trend).startswith("NPS shows no clear change from Jan 2024 to Dec 2025")
    assert "rose" not in trend_sentence(trend)


def test_steady_rise_is_found_where_the_end_points_mislead():
    """NPS up 1 point a month for 20 months, but the first month is high and the last low by chance:
    end points alone would say 'held steady' (their intervals overlap); all periods say 'rose'."""
    scores = 20 + np.arange(20.0)
    scores[0], scores[-1] = 30.0, 28.0
    table = _table(scores, half=8)
    first, last = table.iloc[0], table.iloc[-1]
    assert first["upper"] > last["lower"]  # end points overlap
    trend = score_trend(table)
    assert trend.direction == "rising"
    assert 0.5 < trend.slope < 1.2 and trend.lower > 0  # the two odd end months pull it below 1
    assert trend_sentence(trend).startswith("NPS rose by about")
    assert trend_title(trend).startswith("NPS rose by about")


def test_steady_fall_over_weeks():
    table = _table(50 - 0.5 * np.arange(30.0), half=5)
    table["period"] = pd.date_range("2025-01-06", periods=30, freq="W-MON")
    table.attrs["period"] = "W"
    trend = score_trend(table)
    assert trend.direction == "falling" and trend.unit == "week"
    assert trend.slope == pytest.approx(-0.5)
    assert "fell by about 0.5 points a week" in trend_sentence(trend)


def test_demo_case_from_issue_csat_rising_55_to_85_is_not_held_steady():
    """Issue 11: CSAT rising from about 55 (March 2024) to 85 (October 2025), about 40 answers a
    month, was called 'held steady at about 64'. Judged on all 20 months it rose."""
    table = fb.csat_by(_answers(np.linspace(0.55, 0.85, 20)), period="M", min_n=30)
    trend = score_trend(table)
    assert trend.direction == "rising", trend_sentence(trend)
    assert 0.8 < trend.slope < 2.5  # true slope 30 points / 19 months = 1.6
    words = trend_sentence(trend)
    assert words.startswith("CSAT rose by about") and "percentage points a month" in words
    assert "steady" not in words and "Mar 2024 to Oct 2025" in words
    assert trend_title(fb.score_trend(table)).startswith("CSAT rose by about")


def test_too_few_periods_and_greyed_periods_are_left_out():
    table = _table([10.0, 40.0, 14.0, 16.0], half=5, too_few=[False, True, False, False])
    trend = score_trend(table)
    assert trend.periods == 3 and trend.slope == pytest.approx(2.0)
    short = score_trend(_table([10.0, 20.0], half=5))
    assert short.direction == "unknown" and "too few periods" in trend_sentence(short)


def test_last_change_is_a_rise_only_when_its_interval_excludes_zero():
    same = last_change(_table([30.0, 38.0], half=8))  # difference 8, interval +/- 11.3
    assert same.direction == "same" and "within the noise" in change_sentence(same)
    assert "up" not in change_sentence(same).split(";")[1]
    up = last_change(_table([30.0, 50.0], half=8))
    assert up.direction == "up" and up.lower > 0
    assert change_sentence(up) == "NPS was +50 in Feb 2024 (interval +42 to +58), up 20.0 points (interval 8.7 to 31.3) on Jan 2024."


def test_feedback_findings_read_the_tables_the_page_shows():
    answers = _answers([0.3] * 12, n=120, metric="nps", start="2025-01-01")
    nps_trend = fb.nps_by(answers, period="M", min_n=30)
    headline = [fb.nps(answers["nps"])]
    words = findings.feedback(headline, nps_trend)
    s = headline[0]
    assert words[0] == (f"NPS is {s.score:+.0f} (95% interval {s.lower:+.0f} to {s.upper:+.0f}) from 1,440 answers: "
                        f"{s.promoters:.0%} promoters and {s.detractors:.0%} detractors.")
    assert words[1].startswith("NPS shows no clear change from Jan 2025 to Dec 2025")
    assert words[2].startswith("NPS was") and "Dec 2025" in words[2]
    assert 3 <= len(words) <= 5


def _customers():
    """10 customers: 8 spend 10, 2 spend 460; 6 bought once."""
    return pd.DataFrame({"frequency": [0, 0, 0, 0, 0, 0, 1, 3, 5, 9],
                         "revenue": [10.0] * 8 + [460.0, 460.0]},
                        index=pd.Index([f"c{i}" for i in range(10)], name="customer_id"))


def test_overview_findings():
    ledger = pd.DataFrame({"table": ["transactions", "transactions", "customers"],
                           "source": ["t.csv", "t.csv", "c.csv"],
                           "reason": ["missing date", "zero amount", "duplicate customer id"],
                           "rows": [3, 12, 2], "action": ["dropped", "flagged", "dropped"],
                           "detail": ["", "", "kept the first"], "example rows": ["", "", ""]})
    words = findings.overview(_customers(), ledger, currency="INR")
    # money written one way, by crmlib.formats (issue 21): the code, a no-break space, the amount
    assert words[0] == ("10 customers made 28 purchases worth INR\xa01,000 in all (INR\xa0100 per customer), counting "
                        "a customer's transactions of one day as one purchase, as every model here does.")
    assert words[1] == "60% of customers have bought only once; the repeat buyers made 4 repeat purchases each (median)."
    assert words[2] == "The top 20% of customers by revenue bring 92% of all revenue."
    assert words[3] == ("Biggest data-quality issue: 12 transactions rows were flagged (kept) for \u201czero amount\u201d "
                        "(the data-quality table gives the details). In all, 5 rows were dropped.")
    assert findings.data_quality(ledger.iloc[:0]).startswith("Nothing was dropped")


def test_segments_findings_from_the_profile_table():
    t = _customers()
    t["days_since_last_purchase"] = [400, 300, 350, 20, 10, 200, 30, 15, 5, 2]
    t["segment"] = pd.Categorical(["Lost", "Lost", "Lost", "New", "New", "Lost", "Loyal", "Loyal",
                                   "Champions", "Champions"], categories=["Champions", "Loyal", "New", "Lost"])
    t["mean_spend"] = t["revenue"] / (t["frequency"] + 1)
    prof = rfm.profile(t.assign(recency=0.0, T=0.0, monetary_value=0.0))
    words = findings.segments(prof, t)
    assert words[0] == "The largest segment is Lost: 4 customers (40% of all) bringing 4% of revenue."
    assert words[1] == "The Champions segment brings the most revenue: 92% of it with 20% of customers."
    assert "top 20% of customers by revenue bring 92%" in words[-1]


def test_top_sentence_names_the_share_of_customers_it_sums():
    """On 6 customers the top fifth rounds up to 2 customers: the sentence says 33%, not "the top 20%"."""
    t = pd.DataFrame({"frequency": [1, 0, 0, 0, 0, 0], "revenue": [50.0, 18.0, 10.0, 10.0, 6.0, 6.0]})
    assert findings.top_shares(t["revenue"], 0.2) == (pytest.approx(1 / 3), pytest.approx(0.68))
    assert "The top 33% of customers by revenue bring 68% of all revenue." in findings.overview(t)
    t["segment"] = pd.Categorical(["Champions", "Lost", "Lost", "Lost", "Lost", "Lost"], categories=["Champions", "Lost"])
    t["days_since_last_purchase"], t["mean_spend"] = 10, t["revenue"] / (t["frequency"] + 1)
    prof = rfm.profile(t.assign(recency=0.0, T=0.0, monetary_value=0.0))
    assert "top 33% of customers by revenue bring 68%" in findings.segments(prof, t)[-1]


def test_top_share_counts_at_least_one_customer():
    assert findings.top_share(pd.Series([5.0, 5.0, 5.0]), 0.2) == pytest.approx(1 / 3)
    assert np.isnan(findings.top_share(pd.Series([], dtype=float)))


def test_retention_findings_reuse_summary_sentences():
    trend = {"cohorts": 0}
    assert findings.retention(trend) == summary_sentences(trend)


@pytest.fixture(scope="module")
def demo_table():
    from crmlib import datasets
    from crmlib.customers import customer_table

    tx = datasets.make_crm_dataset(300, seed=3).transactions
    return customer_table(tx, freq="W")


def test_clv_findings_quote_the_page_tables(demo_table):
    from crmlib.customers import clv_deciles
    from crmlib.clv import clv_by_segment

    table = demo_table
    deciles = clv_deciles(table["clv"])
    by_segment = clv_by_segment(table["clv"], table["segment"])
    holdout = pd.DataFrame({"MAE": [0.4321]}, index=pd.Index([table.attrs["model"]], name="model"))
    words = findings.clv(table, holdout=holdout, deciles=deciles, by_segment=by_segment, currency="INR")
    assert words[0].startswith(f"The {findings.MODEL_NAMES[table.attrs['model']]} model is used, the lowest BIC")
    assert "by 0.43 on average (mean absolute error)" in words[0]
    assert words[1].startswith("An active customer buys about once every") and "weeks" in words[1]
    assert f"INR\xa0{table['clv'].sum():,.0f} over the next 52 weeks" in words[2]
    assert words[3] == f"The most valuable 20% of customers hold {deciles['cumulative_share'].iloc[1]:.0%} of that value."
    top = by_segment.index[0]
    assert words[4] == (f"The {top} segment holds {by_segment['clv_share'].iloc[0]:.0%} of the value with "
                        f"{by_segment['customer_share'].iloc[0]:.0%} of customers.")
    assert "BetaGeo" not in " ".join(words) and "_" not in " ".join(words)


def test_model_and_value_sentences_use_the_papers_names(demo_table):
    name = findings.MODEL_NAMES[demo_table.attrs["model"]]
    assert findings.model_sentence(demo_table).startswith(f"The {name} model is used: the lowest BIC")
    value = findings.value_sentence(demo_table, 0.10)
    assert value.startswith(f"Lifetime value is each customer's expected purchases from the {name} model over the "
                            "next 52 weeks") and "discounted at 10% a year" in value
    bare = demo_table.drop(columns=["clv"])
    bare.attrs = dict(demo_table.attrs, model=None, comparison={})
    assert findings.model_sentence(bare).startswith("No purchase model could be fitted")
    # the segments page gives both in one paragraph: the reason for leaving them out is said once
    both = findings.model_and_value_sentence(bare, 0.10)
    assert both.count("No purchase model could be fitted") == 1
    assert findings.model_and_value_sentence(demo_table, 0.10) == f"{findings.model_sentence(demo_table)} {value}"


def test_issue_demo_data_csat_and_nps_rise():
    """The demo data of issue 11 (``crmlib demo``: make_crm_dataset(2000, seed=42)): CSAT climbs from about 54
    (March 2024) to the 80s, with end months whose intervals touch, which the end-point rule called
    'held steady at about 64'. Judged on all 22 reliable months both scores rose."""
    from crmlib import datasets

    answers = datasets.make_crm_dataset(2000, seed=42).feedback
    csat = score_trend(fb.csat_by(answers, period="M", min_n=30))
    assert csat.direction == "rising" and csat.periods == 22 and csat.lower > 0, trend_sentence(csat)
    assert trend_sentence(csat).startswith("CSAT rose by about") and "steady" not in trend_sentence(csat)
    nps = score_trend(fb.nps_by(answers, period="M", min_n=30))
    assert nps.direction == "rising" and trend_sentence(nps).startswith("NPS rose by about")
    # the last month against the one before: a +11 point CSAT jump inside the noise is not called a rise
    change = last_change(fb.csat_by(answers, period="M", min_n=30))
    assert change.direction == "same" and "within the noise" in change_sentence(change)


@pytest.mark.slow
def test_clv_findings_when_no_model_fits_name_the_models_in_words():
    """Data without dropout (purchases spread evenly, everyone active): no transaction model can be
    fitted; the summary says so in one sentence with the papers' model names, no class names or
    parameter values (the model table carries the details)."""
    from crmlib import customer_table

    rng = np.random.default_rng(5)
    rows = [(f"c{c}", pd.Timestamp("2025-01-01") + pd.Timedelta(days=int(d)), 100.0)
            for c in range(250) for d in np.unique(rng.integers(0, 365, rng.integers(1, 8)))]
    table = customer_table(pd.DataFrame(rows, columns=["customer_id", "date", "amount"]))
    assert table.attrs["model"] is None  # the premise: no model fits these data
    words = findings.clv(table)
    assert len(words) == 1 and words[0].startswith("No lifetime-value model could be fitted to these data (")
    assert "BetaGeo" not in words[0] and "BG/NBD" in words[0] and "{" not in table.attrs["model_reason"]


def test_money_in_one_table_keeps_one_number_of_decimals():
    """Issue 19 finding 7: CDNOW's CLV deciles read "Lowest USD 4.11 | Highest USD 4" because each
    column chose its decimals alone. money_kinds gives every money column of a table the same
    decimals, so no row shows its lowest above its highest."""
    from crmlib.customers import clv_deciles

    values = pd.Series(np.r_[np.linspace(0.5, 4.11, 90), np.linspace(4.2, 900.0, 10)])
    deciles = clv_deciles(values)
    kinds = findings.money_kinds(deciles, ["mean", "min", "max"], "USD")
    for _, row in deciles.iterrows():
        low, high = kinds["min"](row["min"]), kinds["max"](row["max"])
        number = lambda text: float(text.replace("USD", "").replace(",", ""))
        assert number(low) <= number(high)
        assert len(low.split(".")[-1]) == len(high.split(".")[-1]) or "." not in low + high
    assert kinds["min"](4.114) == "USD 4.11" and kinds["max"](900.0) == "USD 900.00"
    assert findings.money_decimals([1339.21, 1522.92, 20.0]) == 0
    assert findings.money_text(-4.5, "INR", 2) == "-INR 4.50"


def test_money_columns_of_a_translated_page_are_written_as_the_page_writes_money():
    """Before: the clv page's decile and segment tables wrote "BDT 25,397" on Bengali pages (English
    order and grouping, Latin digits) beside "২৫,৩৯৭ BDT" in the sentences."""
    from crmlib.formats import Formats

    frame = pd.DataFrame({"mean": [25397.4, 1200.0], "n": [1, 2]})
    fmt = Formats("bn", currency="BDT", digits="native")
    kinds = findings.money_kinds(frame, ["mean", "other"], "BDT", fmt=fmt)
    assert list(kinds) == ["mean"] and kinds["mean"](25397.4) == fmt.money(25397.4, 0) == "২৫,৩৯৭\xa0BDT"
    assert findings.money_kinds(frame, ["mean"], "BDT")["mean"](25397.4) == "BDT 25,397"  # no page: as before


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_a_page_without_the_model_table_points_to_the_one_that_has_it(lang):
    """Before: the segments page said "Pareto/NBD could not be fitted (the table says why)", and no table on that
    page says why; only the lifetime-value report shows the models' table."""
    from crmlib.formats import Formats
    from crmlib.words import Words
    from crmlib.words import clv as clv_words

    w = Words(lang)
    table = pd.DataFrame({"customer_id": ["a"], "p_alive": [0.5]})  # no lifetime value: the spend model failed
    table.attrs.update(model="BetaGeo", comparison={"BetaGeo": {"BIC": 100.0}, "ParetoNBD": {"BIC": None}})
    here = findings.model_sentence(table, w=w, fmt=Formats(lang))
    there = findings.model_and_value_sentence(table, w=w, fmt=Formats(lang), model_table=False)
    assert w(clv_words.NOT_FITTED, models="Pareto/NBD") in here
    assert w(clv_words.NOT_FITTED_ELSEWHERE, models="Pareto/NBD") in there and here not in there
