"""Fonts that let matplotlib draw Devanagari and Bengali, and a scoped context that uses them.

matplotlib's default DejaVu Sans has no Indic glyphs. :func:`indic_fonts` looks through
matplotlib's font list for a genuine font per script (Noto Sans Devanagari/Bengali, Lohit,
Mukta, ... judged by their glyphs, not by name). When a script has none it registers, by path,
the Lohit font shipped in ``crmlib/fonts`` (SIL Open Font License), so a matplotlib font cache
built before the system fonts were installed cannot leave a script without a font.

A placeholder font never counts. matplotlib >= 3.10 ships "Last Resort High-Efficiency", whose
character map claims every code point and draws one box per Unicode block: asking "does the
charmap hold this letter?" picks it. Here a font counts for a script only when each probe
letter maps to a glyph of its own that has an outline; Last Resort is also refused by name.

:func:`use_indic_fonts` sets a per-glyph fallback list in ``font.family`` (matplotlib >= 3.6)
for the figures made inside it. Importing this module changes no global state: fonts are looked
up and registered on the first call, and rcParams change only inside the context.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
from dataclasses import dataclass, field
from importlib.resources import as_file, files

import matplotlib as mpl

from crmlib.feedback.text import language

FONTS_DIR = files("crmlib") / "fonts"
# Letters, vowel signs and the virama of each script; a real font draws each with its own glyph.
PROBES = {"hi": "कखगघचछजझटठडढणतथदधनपफबभमयरलवशषसहािीुूेैोौंः्",
          "bn": "কখগঘচছজঝটঠডঢণতথদধনপফবভমযরলশষসহািীুূেৈোৌংঃ্"}
BUNDLED = {"hi": "Lohit-Devanagari.ttf", "bn": "Lohit-Bengali.ttf"}
_PREFERRED = ("Noto Sans Devanagari", "Noto Sans Bengali", "Lohit Devanagari", "Lohit Bengali")
_PLACEHOLDERS = ("lastresort", "adobenotdef")  # family or file names, lower case, no separators


@dataclass(frozen=True)
class FontSupport:
    """Which font families (and files) draw which scripts ('hi' Devanagari, 'bn' Bengali)."""

    families: dict
    files: dict = field(default_factory=dict)

    @property
    def scripts(self) -> set[str]:
        return {"en", *self.families}

    def can_draw(self, text) -> bool:
        """True when every letter of ``text`` is in a script with a font."""
        lang = language(text)
        if lang == "mixed":
            return all(language(w) in self.scripts for w in str(text).split())
        return lang in self.scripts or lang == "unknown"


def is_placeholder(name: str) -> bool:
    """True for a placeholder font (Last Resort, Adobe NotDef) given its family or file name."""
    key = "".join(ch for ch in os.path.basename(str(name)).lower() if ch.isalnum())
    return any(p in key for p in _PLACEHOLDERS)


def covers(path, text: str, face_index: int = 0) -> bool:
    """True when the font file at ``path`` draws every letter of ``text`` with a real glyph.

    Real means: the charmap maps the letter to a glyph other than .notdef, no two different
    letters share a glyph (a placeholder font maps a whole block to one box), and the glyph has
    an outline. Placeholder fonts are refused by file and family name as well.
    """
    from matplotlib import ft2font

    if is_placeholder(path):
        return False
    try:
        font = ft2font.FT2Font(os.fspath(path), face_index=face_index)
    except Exception:  # unreadable or missing font file: not a candidate
        return False
    if is_placeholder(font.family_name):
        return False
    letters = {ch for ch in text if not ch.isspace()}
    glyphs = {font.get_char_index(ord(ch)) for ch in letters}
    if 0 in glyphs or len(glyphs) < len(letters):
        return False
    flags = getattr(ft2font, "LoadFlags", None)
    flags = flags.NO_HINTING if flags is not None else ft2font.LOAD_NO_HINTING
    for glyph in glyphs:
        font.load_glyph(glyph, flags=flags)
        if len(font.get_path()[0]) == 0:
            return False
    return True


def bundled_font(script: str) -> str | None:
    """Path of the Lohit font crmlib ships for ``script``, or None when it is not installed."""
    res = FONTS_DIR / BUNDLED[script]
    if not res.is_file():
        return None
    if isinstance(res, os.PathLike):
        return os.fspath(res)
    return _extracted(BUNDLED[script])


@functools.lru_cache(maxsize=None)
def _extracted(name: str) -> str:
    """A zipped install: copy the font out once; matplotlib opens it again at draw time."""
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return os.fspath(stack.enter_context(as_file(FONTS_DIR / name)))


def _register(path: str):
    """The font list entry for ``path``, adding the file to matplotlib's font list if needed."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    real = _realpath(path)

    def entry():
        return next((e for e in manager.ttflist if _realpath(e.fname) == real), None)

    if entry() is None:
        manager.addfont(path)
    return entry()


@functools.lru_cache(maxsize=4096)
def _realpath(path: str) -> str:
    return os.path.realpath(path)


def _resolves_to_real_font(name: str, probe: str) -> str | None:
    """The file matplotlib draws family ``name`` from, when that file really covers ``probe``."""
    from matplotlib import font_manager

    try:
        found = font_manager.fontManager.findfont(
            font_manager.FontProperties(family=[name]), fallback_to_default=False,
            rebuild_if_missing=False)
    except ValueError:
        return None
    path = os.fspath(getattr(found, "path", found))
    return path if covers(path, probe, getattr(found, "face_index", 0)) else None


def _system_font(probe: str):
    from matplotlib import font_manager

    entries = sorted(
        (e for e in font_manager.fontManager.ttflist
         if e.style == "normal" and e.variant == "normal" and not is_placeholder(e.name)),
        key=lambda e: (_PREFERRED.index(e.name) if e.name in _PREFERRED else len(_PREFERRED),
                       e.weight != 400, e.name, e.fname))
    for e in entries:
        if covers(e.fname, probe, e.index):
            path = _resolves_to_real_font(e.name, probe)
            if path is not None:
                return e.name, path
    return None


@functools.lru_cache(maxsize=1)
def indic_fonts() -> FontSupport:
    """Font families drawing Devanagari and Bengali: installed ones, else the bundled Lohit.

    A script with neither is absent from the result; figures then leave its words out.
    """
    families, paths = {}, {}
    for script, probe in PROBES.items():
        found = _system_font(probe)
        path = bundled_font(script) if found is None else None
        if path is not None and covers(path, probe):
            entry = _register(path)
            found = (entry.name, _resolves_to_real_font(entry.name, probe))
        if found is not None and found[1] is not None:
            families[script], paths[script] = found
    return FontSupport(families, paths)


def fallback_families(support: FontSupport) -> list[str]:
    """``font.family`` with the Devanagari and Bengali fonts of ``support`` as per-glyph fallbacks."""
    for path in support.files.values():
        _register(path)  # again, in case matplotlib rebuilt its font list since
    base = mpl.rcParams["font.sans-serif"][:1] or ["DejaVu Sans"]
    return list(dict.fromkeys([*base, "DejaVu Sans", *support.families.values()]))


def use_page_fonts() -> FontSupport:
    """For the rest of this process (a report's kernel), every figure falls back to Devanagari and
    Bengali fonts glyph by glyph: pages in Hindi and Bengali title every figure in those scripts, and
    data from any file may hold them. Called by the report notebooks; importing crmlib never does it."""
    support = indic_fonts()
    mpl.rcParams["font.family"] = fallback_families(support)
    return support


@contextlib.contextmanager
def use_indic_fonts():
    """Context in which new figures fall back to Devanagari and Bengali fonts glyph by glyph.

    Yields the :class:`FontSupport` in force. Outside the context rcParams are as before.

    >>> with use_indic_fonts() as fonts:
    ...     "en" in fonts.scripts
    True
    """
    support = indic_fonts()
    families = fallback_families(support)
    # Only font.family is set and restored: rc_context would also restore every other rcParam,
    # switching interactive mode back off when a kernel's first figure is made inside the context
    # (later figures then stay hidden until plt.show()).
    before = list(mpl.rcParams["font.family"])
    mpl.rcParams["font.family"] = families
    try:
        yield support
    finally:
        mpl.rcParams["font.family"] = before
