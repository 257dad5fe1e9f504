"""Tests for crmlib.indic_fonts: Hindi and Bengali drawn with real glyphs on any machine.

The machine these run on may or may not have Indic system fonts (Debian's fonts-lohit-*, Noto).
The ``font_list`` fixture runs each check twice: with matplotlib's font list as it is, and with
every font that is not matplotlib's own hidden (DejaVu, STIX, Computer Modern and the "Last
Resort" placeholder font remain), as on a machine without Indic fonts. Which font draws which
letter is checked glyph by glyph, not trusted from a missing-glyph warning: a placeholder font
named in ``font.family`` draws boxes without any warning.
"""

import copy
import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile

import matplotlib

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager as fm  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

import crmlib.indic_fonts as indic  # noqa: E402

LABELS = {"hi": "ग्राहक संबंध प्रबंधन", "bn": "গ্রাহক সম্পর্ক ব্যবস্থাপনা"}
MPL_FONTS = os.path.realpath(os.path.join(mpl.get_data_path(), "fonts"))
LAST_RESORT = os.path.join(MPL_FONTS, "ttf", "LastResortHE-Regular.ttf")


def _reset_font_lookups():
    fm.fontManager._findfont_cached.cache_clear()
    indic.indic_fonts.cache_clear()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def indic_fonts_hidden():
    """matplotlib's font list holding only matplotlib's own fonts, Last Resort among them."""
    manager = fm.fontManager
    saved = manager.ttflist
    manager.ttflist = [e for e in saved if os.path.realpath(e.fname).startswith(MPL_FONTS + os.sep)]
    assert os.path.realpath(LAST_RESORT) in {os.path.realpath(e.fname) for e in manager.ttflist}
    _reset_font_lookups()
    yield manager.ttflist
    manager.ttflist = saved
    _reset_font_lookups()


@pytest.fixture(params=["as installed", "Indic system fonts hidden"])
def font_list(request):
    if request.param == "as installed":
        _reset_font_lookups()
        yield request.param
        _reset_font_lookups()
    else:
        request.getfixturevalue("indic_fonts_hidden")
        yield request.param


def _fallback_files() -> list[str]:
    """The font files behind rcParams['font.family'], in order, then matplotlib's own last resort."""
    files = []
    for family in mpl.rcParams["font.family"]:
        found = fm.fontManager.findfont(fm.FontProperties(family=[family]),
                                        fallback_to_default=False)
        files.append(os.path.realpath(getattr(found, "path", found)))
    if mpl.rcParams.get("font.enable_last_resort", False):
        files.append(os.path.realpath(LAST_RESORT))
    return files


def _first_font_per_letter(text: str) -> dict[str, str]:
    """For each letter, the first file of the fallback list whose charmap maps it to a glyph."""
    fonts = {path: FT2Font(path) for path in _fallback_files()}
    return {ch: next((p for p, f in fonts.items() if f.get_char_index(ord(ch))), "nothing")
            for ch in text if not ch.isspace()}


def _is_real_indic_font(path: str, script: str) -> bool:
    """Judged here, not by crmlib: not Last Resort or DejaVu, and a glyph of its own per letter."""
    if os.path.basename(path).startswith(("LastResort", "DejaVu")):
        return False
    font = FT2Font(path)
    glyphs = [font.get_char_index(ord(ch)) for ch in indic.PROBES[script]]
    return 0 not in glyphs and len(set(glyphs)) == len(glyphs)


def test_placeholder_fonts_never_count_as_covering_a_script(tmp_path):
    last_resort = FT2Font(LAST_RESORT)
    # its charmap claims the letters, with one box glyph for a whole block
    assert last_resort.get_char_index(ord("क")) == last_resort.get_char_index(ord("ष")) != 0
    assert indic.is_placeholder(LAST_RESORT)
    assert indic.is_placeholder("Last Resort High-Efficiency")
    assert not indic.covers(LAST_RESORT, "क")
    # renamed, it is still refused: two letters sharing one glyph give it away
    disguised = tmp_path / "Innocent-Regular.ttf"
    shutil.copy(LAST_RESORT, disguised)
    assert not indic.covers(disguised, "कष")
    assert not indic.covers(disguised, "কষ")
    assert not indic.covers(os.path.join(MPL_FONTS, "ttf", "DejaVuSans.ttf"), "क")
    assert not indic.covers(tmp_path / "no-such-font.ttf", "a")


def test_bundled_lohit_fonts_draw_their_own_script_only():
    hi, bn = indic.bundled_font("hi"), indic.bundled_font("bn")
    assert os.path.basename(hi) == "Lohit-Devanagari.ttf"
    assert indic.covers(hi, indic.PROBES["hi"] + LABELS["hi"])
    assert indic.covers(bn, indic.PROBES["bn"] + LABELS["bn"])
    assert not indic.covers(bn, indic.PROBES["hi"]) and not indic.covers(hi, indic.PROBES["bn"])


@pytest.mark.parametrize("script", ["hi", "bn"])
def test_every_letter_of_an_indic_label_is_drawn_by_a_real_indic_font(font_list, script):
    """Glyph by glyph: the first font of the fallback list holding each letter is Indic."""
    with indic.use_indic_fonts() as fonts:
        families = list(mpl.rcParams["font.family"])
        drawn_by = _first_font_per_letter(LABELS[script])
        font = fm.get_font(fm.fontManager._find_fonts_by_props(fm.FontProperties()))
        font.set_size(12, 72)
        from matplotlib._text_helpers import layout

        laid_out = [(item.char, item.glyph_index, os.path.realpath(item.ft_object.fname))
                    for item in layout(LABELS[script], font) if not item.char.isspace()]
    assert not any("last resort" in f.lower() for f in families), families
    assert script in fonts.scripts
    bad = {ch: os.path.basename(p) for ch, p in drawn_by.items() if not _is_real_indic_font(p, script)}
    assert not bad, f"{font_list}: letters not drawn by a real {script} font: {bad}"
    # the glyphs matplotlib lays out (shaped clusters) come from that font too, none is .notdef
    assert laid_out and all(g and _is_real_indic_font(p, script) for _, g, p in laid_out), laid_out
    if font_list == "Indic system fonts hidden":  # only crmlib's own Lohit is left to draw them
        bundled = os.path.realpath(indic.bundled_font(script))
        assert set(drawn_by.values()) == {bundled} and fonts.files[script] == indic.bundled_font(script)


@pytest.mark.slow
def test_figure_with_hindi_and_bengali_labels_renders_without_warnings(font_list, tmp_path):
    before = dict(mpl.rcParams)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would fail here
        with indic.use_indic_fonts():
            fig, ax = plt.subplots()
            ax.set_title(LABELS["hi"])
            ax.set_xlabel(LABELS["bn"])
            ax.set_yticks([0, 1], [LABELS["hi"], LABELS["bn"]])
            fig.savefig(tmp_path / "labels.png")
            fig.savefig(tmp_path / "labels.pdf")
    assert dict(mpl.rcParams) == before


def test_registering_the_bundled_fonts_is_idempotent(indic_fonts_hidden):
    def registered():
        return sorted(os.path.basename(e.fname) for e in fm.fontManager.ttflist
                      if e.fname.startswith(os.fspath(indic.FONTS_DIR)))

    first = indic.indic_fonts()
    for _ in range(3):
        indic.indic_fonts.cache_clear()
        assert indic.indic_fonts() == first
        with indic.use_indic_fonts():
            pass
    assert registered() == ["Lohit-Bengali.ttf", "Lohit-Devanagari.ttf"]


def test_a_script_without_any_font_is_left_out(indic_fonts_hidden, monkeypatch, tmp_path):
    """No system font and no bundled one: the script is missing, Last Resort never stands in."""
    monkeypatch.setattr(indic, "FONTS_DIR", tmp_path)
    with indic.use_indic_fonts() as fonts:
        assert list(mpl.rcParams["font.family"]) == ["DejaVu Sans"]
    assert fonts.families == {} and fonts.scripts == {"en"}
    assert not fonts.can_draw(LABELS["hi"]) and not fonts.can_draw(LABELS["bn"])
    assert fonts.can_draw("delivery 42")


def test_bundled_fonts_are_found_in_a_zipped_install(monkeypatch, tmp_path):
    archive = tmp_path / "crmlib.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(indic.bundled_font("hi"), "crmlib/fonts/Lohit-Devanagari.ttf")
    monkeypatch.setattr(indic, "FONTS_DIR", zipfile.Path(archive, "crmlib/fonts/"))
    indic._extracted.cache_clear()
    path = indic.bundled_font("hi")
    assert os.path.isfile(path) and indic.covers(path, indic.PROBES["hi"])
    assert indic.bundled_font("bn") is None
    indic._extracted.cache_clear()


STALE_CACHE_RUN = r"""
import json, os
import matplotlib
matplotlib.use("Agg")
import matplotlib as mpl
from matplotlib import font_manager as fm

rc, n = dict(mpl.rcParams), len(fm.fontManager.ttflist)
listed = lambda: sorted({e.name for e in fm.fontManager.ttflist if "Lohit" in e.name})
lohit_before = listed()
import crmlib, crmlib.plots.style as pf
import_changed_nothing = dict(mpl.rcParams) == rc and len(fm.fontManager.ttflist) == n
support = pf.indic_fonts()
with pf.use_indic_fonts():
    paths = fm.fontManager._find_fonts_by_props(fm.FontProperties())
    font = fm.get_font(paths)
    font.set_size(12, 72)
    from matplotlib._text_helpers import layout
    drawn = {script: sorted({os.path.basename(i.ft_object.fname) for i in layout(text, font)
                             if not i.char.isspace()})
             for script, text in json.loads(os.environ["LABELS"]).items()}
print(json.dumps({"lohit_before": lohit_before, "lohit_after": listed(), "files": support.files,
                  "import_changed_nothing": import_changed_nothing, "drawn": drawn}))
"""


@pytest.mark.slow
def test_stale_font_cache_still_ends_with_lohit_registered(tmp_path):
    """A font cache written before any Indic font was installed, read by a fresh process.

    The fonts are on disk (crmlib's own, and on some machines the system's) but not in the
    cached list, which holds only matplotlib's own fonts, Last Resort among them.
    """
    stale = copy.copy(fm.fontManager)
    stale.ttflist = [e for e in fm.fontManager.ttflist
                     if os.path.realpath(e.fname).startswith(MPL_FONTS + os.sep)]
    fm.json_dump(stale, tmp_path / f"fontlist-v{fm.FontManager.__version__}.json")
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path), "LABELS": json.dumps(LABELS)}
    run = subprocess.run([sys.executable, "-c", STALE_CACHE_RUN], env=env, capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["lohit_before"] == []  # the cache was used, not rebuilt
    assert out["import_changed_nothing"]
    assert out["lohit_after"] == ["Lohit Bengali", "Lohit Devanagari"]
    assert {s: os.path.realpath(p) for s, p in out["files"].items()} == {
        s: os.path.realpath(indic.bundled_font(s)) for s in ("hi", "bn")}
    assert out["drawn"] == {"hi": ["Lohit-Devanagari.ttf"], "bn": ["Lohit-Bengali.ttf"]}


def test_the_context_restores_only_the_font_family():
    """Leaving the context must not reset other settings: restoring every rcParam switched
    interactive mode off when a kernel's first figure was made inside it (later figures hid)."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from crmlib.indic_fonts import use_indic_fonts

    was = mpl.is_interactive()
    family = list(mpl.rcParams["font.family"])
    try:
        plt.ion()
        with use_indic_fonts():
            mpl.rcParams["font.size"] = 17.0  # a change made inside by the caller stays theirs
        assert mpl.is_interactive() and mpl.rcParams["font.size"] == 17.0
        assert list(mpl.rcParams["font.family"]) == family
    finally:
        mpl.rcParams["font.size"] = mpl.rcParamsDefault["font.size"]
        mpl.interactive(was)
