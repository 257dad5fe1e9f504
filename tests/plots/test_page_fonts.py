"""Figures on Hindi and Bengali pages draw their words with real fonts, inside every style context."""

from __future__ import annotations

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

from crmlib.plots import style


@pytest.fixture
def page_fonts():
    before = list(mpl.rcParams["font.family"])
    support = style.use_page_fonts()
    yield support
    mpl.rcParams["font.family"] = before


@pytest.mark.parametrize("background", ["whitegrid", "white"])
def test_a_hindi_and_bengali_title_inside_a_style_context_draws_every_glyph(page_fonts, background):
    """seaborn's styles reset font.family: the overview page's figures, made inside style.grid(), drew
    Devanagari as boxes with 'Glyph ... missing from font(s) DejaVu Sans' although the kernel had called
    use_page_fonts()."""
    with style.grid(background):
        assert set(page_fonts.families.values()) <= set(mpl.rcParams["font.family"])
        fig, ax = plt.subplots()
        ax.set_title("ग्राहक आधार · গ্রাহক ভিত্তি")
        ax.set_xlabel("महीना")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    assert not [w for w in caught if "missing from font" in str(w.message)]
