"""Issue 18: tiny and degenerate files through the segments report's functions - each returns its
table or a sentence why its section is left out, never a traceback."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmlib import findings, rfm, segment_words
from crmlib.customers import customer_table, spend_summary
from crmlib.rfm import RFMScale, default_scheme
from crmlib.segment_words import rule_words

DAY = pd.Timestamp("2024-01-01")


def tiny(kind: str, n: int) -> pd.DataFrame:
    """``once``: everyone bought once, on different days; ``one_day``: everyone bought (twice) on one
    day; ``mixed``: issue 18's file - one purchase each, and a second one for half of them."""
    rows = []
    for i in range(n):
        if kind == "once":
            rows.append((f"c{i}", DAY + pd.Timedelta(days=3 * i), 10.0 + i))
        elif kind == "one_day":
            rows += [(f"c{i}", DAY, 10.0 + i), (f"c{i}", DAY, 5.0)]
        else:
            rows.append((f"c{i}", DAY + pd.Timedelta(days=i), 10.0 + i))
            if i % 2 == 0:
                rows.append((f"c{i}", DAY + pd.Timedelta(days=45 + i), 12.0))
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def test_rule_words_of_an_infinite_frequency_cut_say_the_band_is_empty():
    """Issue 18's crash: few distinct frequencies leave the top cut-offs infinite."""
    scale = RFMScale(bins=5, r=np.array([-60.0, -40.0, -20.0, -10.0]), f=np.array([0.0, 1.0, np.inf, np.inf]),
                     m=np.array([1.0, 2.0, 3.0, 4.0]), freq="D")
    words = rule_words(default_scheme(), scale)
    assert words["Champions"].endswith("no customer (empty frequency band)")
    assert words["Potential Loyalist"].endswith("at least 1 repeat purchase")
    assert not any("inf" in w for w in words)


def test_rule_words_of_an_infinite_recency_cut_never_print_infinity():
    scale = RFMScale(bins=5, r=np.array([-5.0, np.inf, np.inf, np.inf]), f=np.array([0.0, 1.0, 2.0, 3.0]),
                     m=np.array([1.0, 2.0, 3.0, 4.0]), freq="D")
    words = rule_words(default_scheme(limits=None), scale)
    assert not any("inf" in w for w in words)
    assert words["Champions"].startswith("no customer (empty recency band)")


@pytest.mark.parametrize("kind", ["once", "one_day", "mixed"])
@pytest.mark.parametrize("n", [1, 2, 10, 60])
def test_segments_report_functions_on_tiny_data(kind, n):
    tx = tiny(kind, n)
    table = customer_table(tx)
    assert len(table) == n and table["segment"].notna().all()
    prof = rfm.profile(table, clv=table["clv"] if "clv" in table.columns else None)
    assert prof["customers"].sum() == n
    assert all(isinstance(s, str) and s for s in findings.segments(prof, table))
    scale = rfm.thresholds_of(table)
    assert len(scale.table()) == 5
    words = segment_words.segment_table(table, prof)
    assert len(words) == len(prof) and not words["rule"].str.contains("inf").any()
    assert int(rfm.rf_grid(table).to_numpy().sum()) == n
    clusters, why = rfm.cluster_or_reason(table)
    assert (clusters is None) != (why is None)
    if clusters is None:
        assert "too few" in str(why) and why.reason[0] == "too_few_distinct"
    book = rfm.value_playbook(table)
    assert book["customers"].sum() == n and book["action"].str.len().gt(0).all()
    earlier = spend_summary(tx, observation_end=table.attrs["observation_end"] - pd.Timedelta(days=90)) \
        if kind != "one_day" and n > 40 else None
    if earlier is not None and len(earlier):
        before = rfm.segment(rfm.score(earlier, thresholds=scale))
        counts, _ = rfm.migration(before, table["segment"])
        assert int(counts.to_numpy().sum()) == len(before.index.union(table.index))
    note = segment_words.cohort_note(tx, table["segment"])
    assert note is None or isinstance(note, str)
    assert math.isfinite(float(prof["customer_share"].sum()))
