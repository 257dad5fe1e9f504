"""Tests for crmlib.plots.feedback (and the Indic fonts of crmlib.plots.style): feedback figures.

They stay next to the feedback corpus fixture (tests/feedback/conftest.py)."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import crmlib.indic_fonts as indic  # noqa: E402
from crmlib.feedback import language  # noqa: E402
from crmlib.plots import feedback as pf  # noqa: E402
from crmlib.plots import style  # noqa: E402
from crmlib.feedback import drivers, nps_by, nps_category, themes  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_bundled_fonts_cover_devanagari_and_bengali():
    assert indic.covers(style.FONTS_DIR / "Lohit-Devanagari.ttf", "डिलीवरी गुणवत्ता")
    assert indic.covers(style.FONTS_DIR / "Lohit-Bengali.ttf", "ডেলিভারি")
    assert not indic.covers(style.FONTS_DIR / "Lohit-Bengali.ttf", "डि")
    support = style.indic_fonts()
    assert {"hi", "bn"} <= support.scripts  # system fonts, else the bundled Lohit
    assert not any(indic.is_placeholder(name) for name in support.families.values())


def test_use_indic_fonts_is_scoped_and_draws_without_missing_glyphs(tmp_path):
    before = list(mpl.rcParams["font.family"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would fail here
        with style.use_indic_fonts() as fonts:
            assert len(mpl.rcParams["font.family"]) >= 3  # DejaVu Sans, Devanagari, Bengali
            assert not any(indic.is_placeholder(f) for f in mpl.rcParams["font.family"])
            fig, ax = plt.subplots()
            ax.set_title("डिलीवरी गुणवत्ता / ডেলিভারি / delivery")
            fig.savefig(tmp_path / "fonts.png")
    assert list(mpl.rcParams["font.family"]) == before
    assert fonts.can_draw("डिलीवरी ডেলিভারি delivery")


@pytest.mark.slow
def test_figures_render_without_warnings(corpus, tmp_path):
    table = drivers(corpus["comment"], nps_category(corpus["nps"]))
    found = themes(corpus["comment"], n_themes=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        axes = [pf.trend(nps_by(corpus, period="M", min_n=40)),
                pf.by_group(nps_by(corpus, by="channel", min_n=30), group="channel"),
                pf.drivers(table, k=5), pf.themes(found)]
        for i, ax in enumerate(axes):
            ax.figure.savefig(tmp_path / f"fig{i}.png")
    trend, groups = axes[0], axes[1]
    assert trend.get_ylabel().startswith("NPS (points")
    # small cells are drawn hollow and labelled, not as facts
    notes = [t.get_text() for t in groups.texts]
    assert any("too few" in s for s in notes) and any("too few" not in s for s in notes)
    labels = [t.get_text() for t in axes[2].get_yticklabels()]
    scripts = {language(s.split()[0]) for s in labels}
    assert {"hi", "bn"} <= scripts  # Indic terms are drawn when a font covers them


@pytest.mark.slow
def test_without_indic_fonts_figures_leave_indic_words_out(corpus, monkeypatch, tmp_path):
    """No Indic font at all: Indic terms are left out of figures, never drawn as boxes."""
    monkeypatch.setattr(indic, "indic_fonts", lambda: style.FontSupport({}))
    table = drivers(corpus["comment"], nps_category(corpus["nps"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = pf.drivers(table, k=8)
        ax.figure.savefig(tmp_path / "latin.png")
        th = pf.themes(themes(corpus["comment"], n_themes=4))
        th.figure.savefig(tmp_path / "themes.png")
    labels = " ".join(t.get_text() for t in ax.get_yticklabels())
    assert labels and all(language(w) in ("en", "unknown") for w in labels.split())
    assert "in the table" in ax.get_xlabel()
    assert "(see table)" in " ".join(t.get_text() for t in th.get_yticklabels())


def test_by_group_draws_tiny_one_sided_groups_and_intervals_that_miss_their_estimate():
    """A group of one promoter used to give xerr < 0 ('xerr' must not contain negative values)."""
    import pandas as pd

    answers = pd.DataFrame({"city": ["Pune"] + ["Dhaka"] * 3 + ["Delhi"] * 40,
                            "nps": [10] + [0, 0, 0] + [10, 9, 7, 5] * 10})
    table = nps_by(answers, by="city", min_n=30)
    assert (table["lower"] <= table["score"]).all() and (table["score"] <= table["upper"]).all()
    # a table from elsewhere whose interval misses its estimate is drawn, not refused
    table.loc[table["city"] == "Pune", "upper"] = 87.3
    ax = pf.by_group(table, group="city")
    assert len(ax.get_yticklabels()) == 3


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_by_group_keeps_counts_right_of_the_frame_and_the_nps_axis_on_its_scale(lang):
    """Before: "n=7 (too few)" stood at the end of the interval, so a group whose interval reached +100 had its
    label across the right frame (and one reaching 0 across the zero line), and the axis ran to -150 and 150,
    beyond the -100 to 100 its label names. The counts now stand in a column right of the frame, inside the
    figure, and the axis shows the scale."""
    import pandas as pd

    from crmlib.formats import Formats
    from crmlib.words import Words

    style.use_page_fonts()
    table = pd.DataFrame({"city": ["Pune", "Delhi", "Dhaka"], "metric": "nps", "n": [7, 80, 12],
                          "score": [71.4, 20.0, -60.0], "lower": [14.0, 5.0, -100.0], "upper": [100.0, 35.0, -5.0],
                          "too_few": [True, False, True]})
    ax = pf.by_group(table, group="city", words=Words(lang), fmt=Formats(lang, digits="native"))
    low, high = ax.get_xlim()
    assert -110 < low <= -100 and 100 <= high < 110
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame, page = ax.get_window_extent(renderer), fig.bbox
    counts = [t for t in ax.texts if t.get_text()]
    assert len(counts) == 3
    for text in counts:
        box = text.get_window_extent(renderer)
        assert frame.x1 < box.x0 and box.x1 <= page.x1, (text.get_text(), box, frame, page)
    plt.close(fig)


# --------------------------------------------------------------------------- the y label clear of the ticks
#: long group names in each language (a Bengali segment page's labels ran into its y-axis label)
LONG_NAMES = {
    "en": ["Customers we cannot afford to lose at any price", "About to sleep", "Champions", "Hibernating"],
    "hi": ["इन्हें किसी भी कीमत पर खो नहीं सकते", "सुस्त होने वाले ग्राहक", "चैंपियन", "निष्क्रिय"],
    "bn": ["এদের কোনো মূল্যেই হারানো চলবে না এমন গ্রাহক", "নিষ্ক্রিয় হওয়ার পথে", "চ্যাম্পিয়ন", "ঘুমন্ত"],
}


def label_gaps(ax) -> list[tuple[str, float]]:
    """(text, pixels from the y label's right edge to the tick label's left edge) for every drawn y
    tick label, from the renderer's extents, and the least clear gap: half the tick labels' size."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    label = ax.yaxis.label.get_window_extent(renderer)
    return [(t.get_text(), t.get_window_extent(renderer).x0 - label.x1)
            for t in ax.get_yticklabels() if t.get_visible() and t.get_text().strip()]


def least_gap(ax) -> float:
    """Half the y tick labels' font size, in pixels: closer than that a label reads as touching."""
    size = ax.get_yticklabels()[0].get_fontsize()
    return 0.5 * size * ax.figure.dpi / 72


def segment_table(lang: str, names: str):
    """A score table of four groups: the page's real segment keys, or long names in ``lang``."""
    import pandas as pd

    groups = (["Can't Lose Them", "About To Sleep", "Potential Loyalist", "Need Attention"] if names == "segments"
              else LONG_NAMES[lang])
    return pd.DataFrame({"segment" if names == "segments" else "city": groups, "metric": "nps",
                         "score": [-8.0, 12.0, 30.0, 34.0], "lower": [-25.0, 0.0, 20.0, 21.0],
                         "upper": [10.0, 23.0, 40.0, 45.0], "n": [63, 179, 242, 150], "too_few": False})


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
@pytest.mark.parametrize("names", ["segments", "long names"])
def test_by_group_tick_labels_keep_clear_of_the_y_label(lang, names):
    """Before: the y label stood matplotlib's 4 points left of the widest tick label, which on a
    Bengali page shown at half size (retina) read as touching ('এদের হারানো চলবে না' against
    'গ্রাহকগোষ্ঠী (সেগমেন্ট)'); every tick label now keeps at least half its size clear of it."""
    from crmlib.formats import Formats
    from crmlib.words import Words

    style.use_page_fonts()
    group = "segment" if names == "segments" else "city"
    ax = pf.by_group(segment_table(lang, names), group=group, words=Words(lang), fmt=Formats(lang))
    gaps = label_gaps(ax)
    assert len(gaps) == 4 and ax.get_ylabel()
    assert [(text, gap) for text, gap in gaps if gap < least_gap(ax)] == []


@pytest.mark.parametrize("lang", ["hi", "bn"])
@pytest.mark.slow
def test_drivers_and_themes_tick_labels_keep_clear_of_the_y_label(corpus, lang):
    """The other horizontal-label feedback figures get the same gap (crmlib.plots.style.axes)."""
    from crmlib.formats import Formats
    from crmlib.words import Words

    style.use_page_fonts()
    w, fmt = Words(lang), Formats(lang)
    axes = [pf.drivers(drivers(corpus["comment"], nps_category(corpus["nps"])), k=5, words=w, fmt=fmt),
            pf.themes(themes(corpus["comment"], n_themes=4), words=w, fmt=fmt)]
    for ax in axes:
        assert [(text, gap) for text, gap in label_gaps(ax) if gap < least_gap(ax)] == []


def _driver_table(z_values: dict[str, float]):
    import pandas as pd

    rows = [{"term": t, "z": z, "side": "detractor" if z > 0 else "promoter", "count_a": 5, "count_b": 3,
             "language": "en"} for t, z in z_values.items()]
    return pd.DataFrame(rows).sort_values("z", ascending=False).reset_index(drop=True)


def test_the_drivers_title_names_only_terms_that_lean_beyond_chance():
    """Before: the title named the three top terms of each side whatever their z ("Detractors mention call,
    refund, easy" at z = 0.08-0.47 on a survey whose comments had nothing to do with the scores). Monroe,
    Colaresi & Quinn (2008) read |z| > 1.96 as a term that tells the sides apart; below it the title says
    nothing distinctive, and dashed lines at +-1.96 show the bound."""
    from crmlib.feedback.text import SIGNIFICANT_Z

    noise = pf.drivers(_driver_table({"call": 0.47, "refund": 0.3, "good": -0.5, "late": -0.2}))
    assert " ".join(noise.get_title().split()) == ("Detractors mention nothing distinctive; "
                                                   "promoters mention nothing distinctive")  # wrapped
    lines = sorted(round(line.get_xdata()[0], 2) for line in noise.get_lines() if line.get_linestyle() == "--")
    assert lines == [-SIGNIFICANT_Z, SIGNIFICANT_Z]
    legend = noise.figure.legends[0]
    assert "1.96" in legend.get_texts()[0].get_text()
    noise.figure.canvas.draw()
    box = legend.get_window_extent()
    assert not [p for p in noise.patches if p.get_window_extent().overlaps(box)]  # over no bar
    mixed = pf.drivers(_driver_table({"never": 2.47, "order": 2.38, "promised": 1.9586, "great": -3.03,
                                      "overall": -2.22, "fine": -1.2}))
    assert " ".join(mixed.get_title().split()) == "Detractors mention never, order; promoters mention great, overall"


@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_the_title_reads_a_gap_within_the_intervals_as_possibly_chance(lang):
    """The title named the highest and lowest channel as if they differed; with 40 answers each, NPS 20 against 5
    lies within each other's intervals (the notebook says only channels whose intervals do not overlap really
    differ), so the title says the gap may be chance. Far apart, it names them as before."""
    import pandas as pd

    from crmlib.formats import Formats
    from crmlib.words import Words
    from crmlib.words import feedback as fw

    w, fmt = Words(lang), Formats(lang)
    close = pd.DataFrame({"channel": ["store"] * 40 + ["app"] * 40,
                          "nps": [10] * 16 + [7] * 16 + [0] * 8 + [10] * 14 + [7] * 14 + [0] * 12})
    far = pd.DataFrame({"channel": ["store"] * 200 + ["app"] * 200,
                        "nps": [10] * 140 + [7] * 40 + [0] * 20 + [10] * 20 + [7] * 40 + [0] * 140})
    for answers, message in ((close, fw.TITLE_BY_OVERLAP), (far, fw.TITLE_BY)):
        table = nps_by(answers, by="channel", min_n=30)
        hi, lo = table.sort_values("score").iloc[-1], table.sort_values("score").iloc[0]
        assert (hi["lower"] <= lo["upper"]) == (message is fw.TITLE_BY_OVERLAP)  # the data are what they claim
        title = pf.by_group(table, group="channel", words=w, fmt=fmt).get_title().replace("\n", " ")
        # what the overlap's title says after the lowest score, in the page's language
        said = w(fw.TITLE_BY_OVERLAP, metric="NPS", by=w(fw.BY["channel"]), best="store", worst="app",
                 best_score="[b]", worst_score="[w]")
        caution = said.rsplit("([w])", 1)[1].strip(" ,")
        assert caution and (caution in title) == (message is fw.TITLE_BY_OVERLAP), title
        assert "store" in title and "app" in title
    plt.close("all")
