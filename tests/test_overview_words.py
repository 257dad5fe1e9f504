"""Issue 21 for the overview report and the data-quality table: every word from crmlib.words in
English, Hindi and Bengali; issue 19 finding 8: the spend histogram counts purchases (customer-days)."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib import overview  # noqa: E402
from crmlib.customers import customer_table  # noqa: E402
from crmlib.formats import Formats  # noqa: E402
from crmlib.io import read_customers, read_transactions  # noqa: E402
from crmlib.ledger import ledger_table as english_ledger_table  # noqa: E402
from crmlib.plots import overview as plots  # noqa: E402
from crmlib.words import Words, quality  # noqa: E402
from crmlib.words import overview as ow  # noqa: E402
from crmlib.words.check import stray_english  # noqa: E402

SCRIPT = {"hi": re.compile("[\u0900-\u097f]"), "bn": re.compile("[\u0980-\u09ff]")}

MESSY = """customer_id,date,amount,order_id,category
1,2024-01-03,10.0,o1,tea
1,2024-01-03,10.0,o1,tea
2.0,2024-01-04,20.0,o2,tea
3,2024-01-05,-5.0,o3,coffee
4,2024-01-06,0.0,o4,coffee
,2024-01-07,12.0,o5,tea
5,2024-01-08,30.0,,tea
5,2024-01-08,30.0,,tea
6,2024-01-09,40.0,o7,tea
6,2024-01-09,-60.0,o8,tea
7,2099-01-01,10.0,o9,tea
a1,2024-02-01,11.0,o10,tea
A1,2024-02-02,11.0,o11,tea
"""

CUSTOMERS = "customer_id,city,note\n" + "".join(
    f"{i},{'Pune' if i % 2 else 'Delhi'},mail me at x{i}@example.com\n" for i in range(1, 30)) + "30,Asha Rao,\n"


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("messy")
    (tmp / "t.csv").write_text(MESSY)
    (tmp / "c.csv").write_text(CUSTOMERS)
    return [read_transactions(tmp / "t.csv", observation_end="2024-12-31"), read_customers(tmp / "c.csv")]


def test_english_data_quality_table_is_the_ledger_table_unchanged(frames):
    frame = quality.ledger_frame(*frames)
    assert len(frame) >= 8
    pd.testing.assert_frame_equal(quality.ledger_table(frame), english_ledger_table(*frames))


def test_every_reason_and_detail_of_the_loaders_is_a_declared_message_in_hindi_and_bengali(frames):
    frame = quality.ledger_frame(*frames)
    keys = set(frame["key"]) | set(frame["detail_key"]) - {""}
    assert keys <= quality.KEYS, keys - quality.KEYS
    for lang in ("hi", "bn"):
        table = quality.ledger_table(frame, fmt=Formats(lang, digits="native"))
        for column in ("table", "reason", "action", "detail"):
            assert all(SCRIPT[lang].search(v) for v in table[column] if v), (lang, column, table[column].tolist())
        assert not stray_english(" ".join(table[["table", "reason", "action", "detail"]].stack()),
                                 allowed={"customer_id", "city", "note", "duplicates", "NaN", "crmlib report",
                                          "--refuse-blank-amounts", "email", "phone", "id", "CDNOW"})


def test_ledger_fields_are_written_by_formats_in_the_language(frames):
    frame = quality.ledger_frame(*frames)
    bn = quality.ledger_table(frame, fmt=Formats("bn", digits="native"))
    late = bn[frame["key"] == "date after observation end"]["detail"].iloc[0]
    assert "২০২৪" in late and "2024" not in late  # the date in Bengali digits and month name
    assert quality.biggest_issue(frame, w=Words("hi"), fmt=Formats("hi")).startswith("डेटा गुणवत्ता की सबसे बड़ी समस्या")


@pytest.mark.slow
def test_spend_histogram_counts_purchases_as_customer_days():
    """Issue 19 finding 8: a customer's three lines of one day are one purchase of 30, not three of 10."""
    tx = pd.DataFrame({"customer_id": ["a"] * 3 + ["b", "c"], "amount": [10.0, 10.0, 10.0, 40.0, 50.0],
                       "date": pd.to_datetime(["2024-01-01"] * 3 + ["2024-01-02", "2024-01-03"])})
    assert sorted(overview.purchase_days(tx)) == [30.0, 40.0, 50.0]
    ax = plots.spend_distribution(tx, currency="INR")
    assert ax.get_title() == "Half of all purchases (customer-days) are below INR\xa040.00"
    assert ax.patches and sum(p.get_height() for p in ax.patches) == 3
    plt.close("all")


def _figure_text(ax) -> str:
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    legend = ax.get_legend()
    if legend is not None:
        texts += [t.get_text() for t in legend.get_texts()]
    return " ".join(texts)


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_overview_figures_and_tables_in_the_language(lang):
    from crmlib import datasets

    data = datasets.make_crm_dataset(80, seed=3)
    tx, cu = data.transactions, data.customers
    table = customer_table(tx, model=None)
    w, fmt = Words(lang), Formats(lang, currency="INR")
    months = overview.revenue_by_period(tx)
    values = set(tx["channel"].dropna().astype(str)) | set(tx["category"].dropna().astype(str))
    values |= set(cu["city"].dropna().astype(str)) | {"city"}
    axes = [plots.customer_base(tx, words=w, fmt=fmt), plots.frequency_distribution(table, words=w, fmt=fmt),
            plots.spend_distribution(tx, words=w, fmt=fmt), plots.channel_mix(tx, words=w, fmt=fmt),
            plots.revenue_over_time(months, words=w, fmt=fmt), plots.orders_over_time(months, words=w, fmt=fmt),
            plots.category_mix(overview.category_mix(tx), words=w, fmt=fmt),
            plots.attribute_value(overview.attribute_value(cu, table, "city"), words=w, fmt=fmt)]
    for ax in axes:
        text = _figure_text(ax)
        assert SCRIPT[lang].search(ax.get_title()) and not stray_english(text, values), text
    plt.close("all")
    head = ow.headline(overview.headline_numbers(tx, table), w=w, fmt=fmt)
    assert all(SCRIPT[lang].search(v) for v in head["measure"]) and not stray_english(" ".join(head.stack()))
    sentences = ow.findings(table, quality.ledger_frame(tx), w=w, fmt=fmt)
    assert len(sentences) == 4 and not stray_english(" ".join(sentences))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_overview_report_in_the_language(lang, tmp_path):
    """The overview page on the demo data in Hindi and Bengali: <html lang>, every table header in the
    script, no English left but data values, file and parameter names."""
    import html

    from crmlib import cli, datasets

    paths = datasets.write_demo(tmp_path / "data", n_customers=120, seed=5)
    out = tmp_path / "reports"
    assert cli.main(["report", "overview", "--transactions", str(paths["transactions"]), "--customers",
                     str(paths["customers"]), "--currency", "INR", "--lang", lang, "--out", str(out), "-q"]) == 0
    page = (out / "overview.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    heads = [re.sub(r"<[^>]+>", "", h).strip()
             for h in re.findall(r'<th class="col_heading[^"]*"[^>]*>(.*?)</th>', page, re.S)]
    assert heads and all(SCRIPT[lang].search(h) for h in heads), heads
    main = page[page.index("</header>"):page.index('<footer class="crmlib-footer">')]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>|<img[^>]*>", " ", main, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", main))
    tx = pd.read_csv(paths["transactions"])
    cu = pd.read_csv(paths["customers"])
    values = {str(v) for c in ("category", "channel") if c in tx for v in tx[c].dropna()}
    values |= {str(v) for c in ("city", "loyalty_tier") if c in cu for v in cu[c].dropna()}
    values |= {"city", "loyalty_tier", "customer_id", "CDNOW", "duplicates", "--customers"}
    assert stray_english(text, values) == []


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_findings_and_revenue_title_of_data_without_repeats_or_with_one_period(lang):
    """Before: everyone bought once and the page said "the repeat buyers made 0 repeat purchases each
    (median)"; one month of data and the revenue title said "peaks in Jun 2024 ... 0% above the mean period"."""
    import matplotlib.pyplot as plt

    from crmlib.plots.overview import revenue_over_time
    from crmlib.words import overview as ow

    w, fmt = Words(lang), Formats(lang)
    once = pd.DataFrame({"frequency": [0, 0, 0], "revenue": [10.0, 20.0, 30.0]})
    said = ow.findings(once, w=w, fmt=fmt)
    assert w(ow.FINDING_ALL_ONCE) in said
    fixed = max(w(ow.FINDING_ONCE, share="\x00", median="\x00").split("\x00"), key=len)  # its longest words
    assert not any(fixed in s for s in said)
    mixed = pd.DataFrame({"frequency": [0, 2, 4], "revenue": [10.0, 20.0, 30.0]})
    assert w(ow.FINDING_ALL_ONCE) not in ow.findings(mixed, w=w, fmt=fmt)
    one = pd.DataFrame({"revenue": [150.0]}, index=pd.DatetimeIndex(["2024-06-01"]))
    title = revenue_over_time(one, words=w, fmt=fmt).get_title()
    assert title == w(ow.TITLE_REVENUE_ONE_PERIOD, month=fmt.month(one.index[0]), revenue=fmt.money(150.0, 0))
    two = pd.DataFrame({"revenue": [100.0, 300.0]}, index=pd.DatetimeIndex(["2024-05-01", "2024-06-01"]))
    assert revenue_over_time(two, words=w, fmt=fmt).get_title() == w(
        ow.TITLE_REVENUE_PEAK, month=fmt.month(two.index[1]), revenue=fmt.money(300.0, 0), share=fmt.share(0.5, 0))
    plt.close("all")


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_revenue_titles_leave_a_partial_month_out_in_every_language(lang):
    """Before: one whole month and three days of the next made "Revenue peaks in May 2024 ..., 64% above the mean
    period", the three days pulling the mean down; the title now says May is the one complete period, and a
    month alone that the data end inside of is said to be partial, with the data's last day in the page's digits."""
    import matplotlib.pyplot as plt

    from crmlib.plots.overview import revenue_over_time

    fmt = Formats(lang, digits="native")
    w = Words.of(fmt)
    starts = pd.DatetimeIndex(["2024-05-01", "2024-06-01"])
    coverage = overview.period_coverage(starts, "M", "2024-06-03")
    two = pd.DataFrame({"revenue": [900.0, 200.0]}, index=starts).join(coverage)
    assert revenue_over_time(two, fmt=fmt).get_title() == w(ow.TITLE_REVENUE_ONE_COMPLETE, month=fmt.month(starts[0]),
                                                            revenue=fmt.money(900.0, 0))
    one = two.iloc[1:]
    title = revenue_over_time(one, fmt=fmt).get_title()
    assert title == w(ow.TITLE_REVENUE_PARTIAL, month=fmt.month(starts[1]), date=fmt.date("2024-06-03", "medium"),
                      revenue=fmt.money(200.0, 0))
    if lang != "en":
        assert SCRIPT[lang].search(title) and not re.search("[0-9]", title)
    assert ow.period_name(starts[0], "W", fmt) == fmt.date_range("2024-04-29", "2024-05-05")
    plt.close("all")
