"""Hindi and Bengali in figures are shaped, not only drawn with a font that has the letters.

matplotlib before 3.11 lays text out one code point after another (issues #15597, #23082): the
i-matra of "किसान" lands after क instead of before it, and the conjuncts of "দৃষ্টিভঙ্গি" fall apart
into consonant + virama + consonant. 3.11 shapes with libraqm (HarfBuzz). These tests lay the words
out as matplotlib's Agg renderer does (``RendererAgg.draw_text`` draws exactly the glyphs and x
positions of the font's layout), with the font a figure gets under crmlib's font registration,
and read the glyph ids and x positions that are drawn.
"""

import re
import tomllib
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib._text_helpers import layout  # noqa: E402

from crmlib.indic_fonts import bundled_font, use_indic_fonts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KISAN = "किसान"          # क ि स ा न: the i-matra (U+093F) is written after क, drawn before it
DRISHTI = "দৃষ্টিভঙ্গি"  # দ ৃ ষ ্ ট ি ভ ঙ ্ গ ি: two conjuncts (ষ্ট, ঙ্গ), each with an i-matra before it
I_MATRA = {"hi": "\u093f", "bn": "\u09bf"}
VIRAMA = {"hi": "\u094d", "bn": "\u09cd"}


def _figure_font(word):
    """The font (with its fallback chain) a figure text draws ``word`` with under crmlib's fonts."""
    with use_indic_fonts() as support:
        fig = plt.figure()
        try:
            text = fig.text(0.1, 0.5, word)
            renderer = fig.canvas.get_renderer()
            font = renderer._prepare_font(text.get_fontproperties())
        finally:
            plt.close(fig)
    return font, support


def _drawn(word, font):
    """(glyph id, x, font) of each glyph drawn for ``word``, in the layout's (visual) order."""
    # glyph_idx: matplotlib < 3.11 names it so (and lays out one glyph per code point)
    return [(getattr(it, "glyph_index", getattr(it, "glyph_idx", None)), it.x, it.ft_object)
            for it in layout(word, font)]


def _unshaped(word, font):
    """What matplotlib 3.10 drew: one glyph per code point, from the character map, in logical order."""
    x, out = 0.0, []
    for ch in word:
        glyph = font.get_char_index(ord(ch))
        out.append((glyph, x, font))
        font.load_glyph(glyph)
        x += font.get_width_height()[0] / 64 + 1
    return out


def _check_kisan(drawn):
    """The i-matra's glyph is drawn first, before क's: the vowel sign sits left of its consonant."""
    font = drawn[0][2]
    ka, i_sign = font.get_char_index(ord("क")), font.get_char_index(ord(I_MATRA["hi"]))
    glyphs = [g for g, _, _ in drawn]
    assert ka in glyphs, "क is not drawn with its own glyph"
    assert glyphs[0] != ka, f"the first glyph drawn is क: the i-matra comes after it (unshaped), glyphs {glyphs}"
    assert glyphs.index(ka) == 1, f"the i-matra is not drawn just before क: glyphs {glyphs}"
    assert drawn[0][1] < drawn[1][1], "the i-matra's glyph is not left of क's"
    assert font.get_glyph_name(glyphs[0]) == font.get_glyph_name(i_sign) or glyphs[0] == i_sign


def _check_drishti(drawn):
    """Conjuncts form (fewer glyphs than code points, no visible virama, no isolated ষ or ঙ) and each
    i-matra is drawn before its conjunct."""
    font = drawn[0][2]
    glyphs = [g for g, _, _ in drawn]
    isolated = {ch: font.get_char_index(ord(ch)) for ch in DRISHTI}
    assert len(glyphs) < len(DRISHTI), f"{len(glyphs)} glyphs for {len(DRISHTI)} code points: no conjunct formed"
    assert isolated[VIRAMA["bn"]] not in glyphs, "a virama is drawn: the conjunct did not form"
    assert isolated["ষ"] not in glyphs and isolated["ঙ"] not in glyphs, "ষ or ঙ drawn on its own, not in a conjunct"
    i_sign = isolated[I_MATRA["bn"]]
    places = [k for k, g in enumerate(glyphs) if g == i_sign]
    assert len(places) == 2, f"expected two i-matras drawn, glyphs {glyphs}"
    for k in places:
        after = glyphs[k + 1] if k + 1 < len(glyphs) else None
        assert after is not None and after not in isolated.values(), (
            f"the i-matra at {k} is not followed by a conjunct glyph (drawn after its consonants?): {glyphs}")
        assert drawn[k][1] < drawn[k + 1][1], "an i-matra is not left of its conjunct"


CHECKS = {"hi": (KISAN, _check_kisan), "bn": (DRISHTI, _check_drishti)}


@pytest.mark.parametrize("script", ["hi", "bn"])
def test_figure_text_is_shaped(script):
    word, check = CHECKS[script]
    font, support = _figure_font(word)
    drawn = _drawn(word, font)
    families = {f.family_name for _, _, f in drawn}
    assert families == {support.families[script]}, f"{word} drawn with {families}, not a real {script} font"
    check(drawn)


@pytest.mark.parametrize("script", ["hi", "bn"])
def test_the_bundled_font_is_shaped_too(script):
    """With no Indic font on the system, crmlib registers its Lohit file: shaped the same way."""
    word, check = CHECKS[script]
    font = font_manager.get_font(bundled_font(script))
    font.set_size(12, 72)
    check(_drawn(word, font))


@pytest.mark.parametrize("script", ["hi", "bn"])
def test_the_checks_reject_an_unshaped_layout(script):
    """matplotlib 3.10's layout (one cmap glyph per code point, in logical order) fails each check."""
    word, check = CHECKS[script]
    font = font_manager.get_font(bundled_font(script))
    font.set_size(12, 72)
    with pytest.raises(AssertionError):
        check(_unshaped(word, font))


def test_matplotlib_that_shapes_is_required():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    bound = next(re.match(r"matplotlib>=([\d.]+)", d).group(1) for d in deps if d.startswith("matplotlib"))
    assert tuple(map(int, bound.split(".")[:2])) >= (3, 11)
    assert tuple(map(int, matplotlib.__version__.split(".")[:2])) >= (3, 11)
