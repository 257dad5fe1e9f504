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
