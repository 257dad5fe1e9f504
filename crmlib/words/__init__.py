"""Every sentence, label, title and note of the report pages, in English, Hindi and Bengali.

The words sit on the floor of the figures and of :mod:`crmlib.formats` (floor 4 in
``DESIGN.md``): the reports and the command line above use them, and no model, loader or summary
below may import them (models return numbers and names; the page says them in words).

One module per subject (:mod:`crmlib.words.page` holds the page's header, footer and index). A
subject module declares its messages as constants: whole sentences with named placeholders, never
fragments glued together, because Hindi and Bengali order a sentence differently::

    DATA_PERIOD = N_("Data period: {period}")
    ROWS = NP_("{rows} row", "{rows} rows")

The English text is the gettext message id and the fallback; the Hindi and Bengali catalogues are
``crmlib/locale/{hi,bn}/LC_MESSAGES/crmlib.po``, compiled to ``.mo`` files shipped in the wheel.
``make messages`` extracts the messages (``pybabel extract``), merges them into the catalogues
(``pybabel update``: a changed English message turns fuzzy until its translation is checked) and
compiles them (``pybabel compile``). Numbers go in already formatted by :class:`crmlib.formats.Formats`.

How a subject is translated (the API every report uses)
-------------------------------------------------------
1. **Messages**: a module per subject, ``crmlib/words/<subject>.py`` (``page``, ``tables``, ...), holds
   ``NAME = N_("Whole sentence with {placeholders}")`` and ``NAME = NP_("{n} customer", "{n} customers")``;
   a ``#:`` comment above a message reaches the translators. No fragments glued together.
2. **In a report notebook** the parameters cell has ``lang`` and ``digits`` and the import cell makes
   ``fmt = Formats(lang, currency=currency, digits=digits)`` and ``w = Words(lang)``, and binds
   ``show = functools.partial(show, fmt=fmt)``. A cell writes ``w(overview.CUSTOMERS_SEEN,
   customers=fmt.count(n), period=fmt.date_range(first, last))`` and ``w.plural(MSG, n, n=fmt.count(n))``;
   numbers, money, shares and dates go in already written by ``fmt``, never with f-string formats.
   (retention.ipynb reuses the name ``fmt`` for a dict of column formats in its basket cell: rename it.)
3. **Tables**: ``show(frame, fmt=fmt)`` (:mod:`crmlib.reports.tables`) translates the column labels of
   :data:`crmlib.words.tables.LABELS` (add a column's label there) and writes the numbers with ``fmt``.
4. **Catalogues**: ``make messages`` adds the new messages to ``crmlib/locale/{hi,bn}/LC_MESSAGES/crmlib.po``;
   write each ``msgstr`` (the glossary's everyday word first, the English term in brackets where
   practitioners say it, data values and model names untouched), run ``make messages`` again and
   ``pytest tests/test_words.py`` (complete, placeholders kept, .mo in step, glossary agreement).
5. **Checking**: :func:`crmlib.words.check.stray_english` lists the English words left on a page.
6. The page's header, footer, failed-report box and the index follow the report's ``lang`` by
   themselves (:mod:`crmlib.reports.html`); ``crmlib report/demo --lang hi|bn --digits native`` sets them.

>>> from crmlib.words import Words, page
>>> Words("en")(page.DATA_PERIOD, period="2026")
'Data period: 2026'
>>> Words("hi")(page.DATA_PERIOD, period="2026")
'डेटा की अवधि: 2026'
>>> Words("bn").plural(page.ROWS, 1, rows="১")
'১টি সারি'
"""

from __future__ import annotations

import functools
import gettext
import re
from importlib.resources import files

__all__ = ["DOMAIN", "LANGS", "N_", "NP_", "Words", "catalogue_path", "translator"]

#: The gettext domain: crmlib/locale/<lang>/LC_MESSAGES/crmlib.mo
DOMAIN = "crmlib"
#: The page languages; English is the message ids themselves.
LANGS = ("en", "hi", "bn")
LOCALE_DIR = files("crmlib") / "locale"


def N_(message: str) -> str:
    """Mark ``message`` for extraction (``pybabel extract``); it is translated where it is shown."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural (extracted with ``-k NP_:1,2``), shown by :meth:`Words.plural`."""
    return singular, plural


def catalogue_path(lang: str, suffix: str = ".mo"):
    """The catalogue of ``lang`` (``.mo`` compiled or ``.po`` source) inside the installed package."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.lru_cache(maxsize=None)
def translator(lang: str = "en") -> gettext.NullTranslations:
    """gettext translations for ``lang``: ``.gettext(msgid)`` and ``.ngettext(singular, plural, n)``.

    English returns the message ids unchanged; Hindi and Bengali read the shipped ``.mo`` file,
    falling back to English for a message it lacks.
    """
    if lang not in LANGS:
        raise ValueError(f"Language {lang!r} is not one crmlib writes pages in; use one of {', '.join(LANGS)}.")
    if lang == "en":
        return gettext.NullTranslations()
    mo = catalogue_path(lang)
    if not mo.is_file():
        raise FileNotFoundError(f"The {lang} catalogue {mo} is missing: run `make messages` in a checkout to "
                                "compile it, or reinstall crmlib.")
    with mo.open("rb") as fp:
        t = gettext.GNUTranslations(fp)
    t.add_fallback(gettext.NullTranslations())
    return t


#: A number written in a message's own text ("95 %", "0-10", "দশমাংশ 1", "5-এর মধ্যে 4-5"), not part of a name,
#: a version, a setting, a date format or a phone prefix (``SHA-256``, ``UTF-8``, ``cp1252``, ``country=BD``,
#: ``31/01/2024``, ``+880``, ``81.0``): written in the page's digits when they are native.
_PROSE_NUMBER = re.compile(r"(?<![A-Za-z0-9_+=/.:@#\\])(?<![A-Za-z]-)\d+(?![A-Za-z0-9_]|[./,]\d)")
_NATIVE_ZERO = {"hi": "०", "bn": "০"}


class Words:
    """The messages of one page language, with their placeholders filled.

    ``words(MESSAGE, **values)`` translates a message and fills its named placeholders;
    ``words.plural((singular, plural), n, **values)`` picks the form for ``n`` as the language does.
    With ``digits="native"`` (as the page's :class:`crmlib.formats.Formats`), the numbers a translation
    writes in its own text are in the language's digits too, as the formatted values are.

    >>> Words("bn", digits="native").text("CSAT (5-এর মধ্যে 4-5 দেওয়া উত্তরদাতার %)")
    'CSAT (৫-এর মধ্যে ৪-৫ দেওয়া উত্তরদাতার %)'
    >>> Words("bn", digits="native").text("SHA-256, UTF-8, cp1252, -p country=BD, (31/01/2024), +880, 81.0")
    'SHA-256, UTF-8, cp1252, -p country=BD, (31/01/2024), +880, 81.0'
    """

    def __init__(self, lang: str = "en", digits: str = "latin"):
        self.lang = lang
        self.digits = digits
        self._t = translator(lang)
        zero = _NATIVE_ZERO.get(lang) if digits == "native" else None
        self._native = str.maketrans({str(k): chr(ord(zero) + k) for k in range(10)}) if zero else None

    @classmethod
    def of(cls, fmt) -> Words:
        """The words of the language and digits of ``fmt`` (a :class:`crmlib.formats.Formats`)."""
        return cls(fmt.lang, digits=getattr(fmt, "digits", "latin"))

    def __repr__(self) -> str:
        digits = "" if self.digits == "latin" else f", digits={self.digits!r}"
        return f"Words({self.lang!r}{digits})"

    def _own(self, text: str) -> str:
        """A translation's own numbers in the page's digits (outside its {placeholders})."""
        if self._native is None or not any(ch.isdigit() for ch in text):
            return text
        parts = re.split(r"(\{[^{}]*\})", text)  # the placeholders, kept as they are
        return "".join(p if i % 2 else _PROSE_NUMBER.sub(lambda m: m.group().translate(self._native), p)
                       for i, p in enumerate(parts))

    def __call__(self, message: str, /, **values) -> str:
        return self._own(self._t.gettext(message)).format(**values)

    def text(self, message: str, /) -> str:
        """``message`` translated as it is, without filling placeholders (Markdown prose, which may
        hold braces)."""
        return self._own(self._t.gettext(message))

    def plural(self, message: tuple[str, str], n: int, /, **values) -> str:
        singular, plural = message
        return self._own(self._t.ngettext(singular, plural, int(n))).format(**values)
