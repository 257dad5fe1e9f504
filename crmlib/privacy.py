"""Keep personal data out of analytics: find PII columns, pseudonymise ids, redact free text.

What counts as PII here is what identifies a person directly: names, email addresses, phone
numbers, postal addresses, government ids and dates of birth. Analytics needs none of them:

* identifiers are replaced by a **keyed hash** (HMAC-SHA256). The key comes from the
  ``CRMLIB_SECRET`` environment variable (or the ``key`` argument). Without one crmlib's public
  :data:`DEFAULT_KEY` is used, and then the pseudonyms protect nothing: anyone who has crmlib
  can hash every plausible customer id and re-identify the customers. A
  :class:`DefaultKeyWarning` says so the first time a process pseudonymises with it;
  :func:`default_key_warning` gives the same text for a command line to print, and
  :func:`pseudonym_note` the sentence that files describing pseudonyms carry.
* emails, phone numbers and Indian government ids inside free text (survey comments) are
  replaced by ``[email]``, ``[phone]`` and ``[id]``. Indian, Bangladeshi and international phone
  formats are recognised, also inside Hindi and Bengali sentences, written with Devanagari or
  Bengali digits, or inside links such as ``wa.me/919812345678``; Aadhaar numbers and PAN are
  the ids. Amounts, dates, years and short order numbers are left alone.
* :func:`drop_pii` applies both to a whole table and records what it did in the table's ledger.

This module holds the keys, the pseudonyms and :func:`drop_pii`; the parts it puts together live in
modules of their own and are re-exported here: :mod:`crmlib.contacts` (email and phone normal forms),
:mod:`crmlib.redaction` (free text) and :mod:`crmlib.pii_columns` (which columns are PII).

>>> redact_text("Call me on +91 98765 43210 or mail ravi@example.com about order 4521")
'Call me on [phone] or mail [email] about order 4521'
>>> normalise_phone("098765-43210")
'+919876543210'
>>> normalise_phone("01712-345678", default_region="BD")
'+8801712345678'
>>> pseudonymise(["C000001"], key="k").tolist()
['c_ab5eff3a38f4fc40']
"""

from __future__ import annotations

import copy
import hashlib
import os
import warnings

import numpy as np
import pandas as pd

from crmlib.config import SECRET_ENV
from crmlib.contacts import normalise_email, normalise_phone
from crmlib.ledger import attach, ledger_of
from crmlib.pii_columns import PII_KINDS, find_pii_columns
from crmlib.redaction import RULES, redact, redact_text

__all__ = [
    "DEFAULT_KEY", "PII_KINDS", "DefaultKeyWarning", "PrivacyWarning", "default_key_warning", "drop_pii",
    "find_pii_columns", "normalise_email", "normalise_phone", "pseudonym_note", "pseudonymise", "redact",
    "RULES", "redact_text", "using_default_key",
]

#: The key used when neither ``key=`` nor ``CRMLIB_SECRET`` is given. It is public, so
#: pseudonyms made with it are stable but NOT secret.
DEFAULT_KEY = "crmlib-public-default-key"


class PrivacyWarning(UserWarning):
    """Personal data may be less protected than intended."""


class DefaultKeyWarning(PrivacyWarning):
    """Pseudonyms are being made with crmlib's public default key, so they can be re-identified.

    A :class:`PrivacyWarning`, hence a ``UserWarning``. crmlib issues it once per process and adds
    no warning filter; an application that has told the user already can filter it out itself.
    """


# ----------------------------------------------------------------------------- keyed hashing

_warned_default_key = False  # a DefaultKeyWarning was issued in this process


def _key_source(key: str | bytes | None) -> tuple[bytes, str]:
    """The key as bytes and where it came from: ``"argument"``, ``"environment"`` or ``"default"``.

    A given key (argument or ``CRMLIB_SECRET``) that equals :data:`DEFAULT_KEY` counts as the
    default: it is just as public.
    """
    source = "argument"
    if key is None or (isinstance(key, (str, bytes)) and not key):
        key, source = os.environ.get(SECRET_ENV) or None, "environment"
    if key is None:
        key, source = DEFAULT_KEY, "default"
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    return raw, "default" if raw == DEFAULT_KEY.encode("utf-8") else source


def using_default_key(key: str | bytes | None = None) -> bool:
    """Whether pseudonyms made with ``key`` (None: the ``CRMLIB_SECRET`` environment variable)
    would use crmlib's public default key, and so could be re-identified by anyone.

    >>> using_default_key("a-long-random-secret")
    False
    >>> using_default_key(DEFAULT_KEY)
    True
    """
    return _key_source(key)[1] == "default"


def default_key_warning(key: str | bytes | None = None) -> str | None:
    """The warning to show a user when pseudonyms would use the public default key, else None.

    A command line prints it once (to stderr); :func:`pseudonymise` issues the same text as a
    :class:`DefaultKeyWarning`. It says what is wrong and how to fix it.

    >>> default_key_warning("a-long-random-secret") is None
    True
    >>> print(default_key_warning(DEFAULT_KEY))  # doctest: +ELLIPSIS
    crmlib is pseudonymising customer ids with its public default key ... set CRMLIB_SECRET ...
    """
    if not using_default_key(key):
        return None
    return (f"crmlib is pseudonymising customer ids with its public default key ({SECRET_ENV} is not "
            f"set). Anyone who has crmlib can re-identify these pseudonyms by hashing every plausible "
            f"customer id. To fix it, set {SECRET_ENV} to a long random secret, e.g. export "
            f"{SECRET_ENV}=$(python -c \"import secrets; print(secrets.token_hex(32))\"), keep it "
            f"private and the same across runs, make the files again and delete those written with "
            f"the default key.")


def pseudonym_note(key: str | bytes | None = None) -> str:
    """How pseudonyms made with ``key`` are protected, for manifests and any text describing them.

    >>> pseudonym_note("s3cret")  # doctest: +ELLIPSIS
    'keyed HMAC-SHA256 with the secret given as key=; without that secret ... cannot be recomputed ...'
    >>> "re-identified by anyone who has crmlib" in pseudonym_note(DEFAULT_KEY)
    True
    """
    source = _key_source(key)[1]
    if source == "default":
        return (f"HMAC-SHA256 with crmlib's PUBLIC default key ({SECRET_ENV} was not set): these "
                f"pseudonyms are NOT protected and can be re-identified by anyone who has crmlib, by "
                f"hashing every plausible customer id. Set {SECRET_ENV} to a long random secret, make "
                f"the file again and delete this one.")
    where = f"the environment variable {SECRET_ENV}" if source == "environment" else "key="
    return (f"keyed HMAC-SHA256 with the secret given as {where}; without that secret the pseudonyms "
            f"cannot be recomputed from customer ids, so keep it private.")


def _resolve_key(key: str | bytes | None) -> bytes:
    global _warned_default_key
    raw, source = _key_source(key)
    if source == "default" and not _warned_default_key:
        _warned_default_key = True
        warnings.warn(default_key_warning(raw), DefaultKeyWarning, stacklevel=3)
    return raw


def pseudonymise(values, key: str | bytes | None = None, prefix: str = "c_") -> pd.Series:
    """Replace identifiers by ``prefix + first 16 hex digits of HMAC-SHA256(key, str(value))``.

    ``values`` may be a Series (the result keeps its index and name), an Index (the result is
    indexed by the original values, handy for ``.map``) or any list/array (a RangeIndex).
    Missing values stay missing. The key is ``key``, else the ``CRMLIB_SECRET`` environment
    variable, else :data:`DEFAULT_KEY` with a :class:`DefaultKeyWarning` (once per process):
    such pseudonyms can be re-identified by anyone who has crmlib, see :func:`pseudonym_note`.
    Equal inputs give equal pseudonyms, so joins across tables still work.

    >>> pseudonymise(pd.Series(["a", None, "a"]), key="secret").tolist()
    ['c_4048c44911916043', nan, 'c_4048c44911916043']
    """
    k = _resolve_key(key)
    if isinstance(values, pd.Series):
        s = values
    elif isinstance(values, pd.Index):
        s = pd.Series(values, index=values, name=values.name)
    else:
        s = pd.Series(list(values) if not isinstance(values, np.ndarray) else values)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    dtype = s.dtype if isinstance(s.dtype, pd.StringDtype) else pd.StringDtype(na_value=np.nan)  # "str"
    # a block of values at a time into the string type: 4.1 million pseudonyms as Python strings first took
    # 0.96 GB at their peak, for a result of about 0.1 GB
    parts = [pd.array(_hmac_hex16(k, uniques[start:start + PSEUDONYM_BLOCK].tolist(), prefix), dtype=dtype)
             for start in range(0, len(uniques), PSEUDONYM_BLOCK)] or [pd.array([], dtype=dtype)]
    hashed = type(parts[0])._concat_same_type(parts)
    if len(uniques) < len(s):  # repeated or missing values (-1 stays missing); else the codes are 0, 1, 2, ...
        hashed = hashed.take(codes, allow_fill=True)
    return pd.Series(hashed, index=s.index, name=s.name)


#: Distinct values pseudonymised at a time by :func:`pseudonymise` (bounded memory: their Python strings).
PSEUDONYM_BLOCK = 1 << 18


def _hmac_hex16(key: bytes, values: list, prefix: str) -> list[str]:
    """``prefix`` + the first 16 hex digits of HMAC-SHA256(key, str(value)) of each value: RFC 2104
    with the key's inner and outer pads hashed once (``hmac.new`` hashes them again for every value,
    twice the work), then copied for each value. Equal to ``hmac.new`` (tests/test_privacy.py); RFC 4231
    test case 2 (HMAC-SHA256 5bdcc146bf60754e...):

    >>> _hmac_hex16(b"Jefe", ["what do ya want for nothing?"], "")
    ['5bdcc146bf60754e']
    """
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    out = []
    for value in values:
        h = inner.copy()
        h.update(str(value).encode("utf-8"))
        o = outer.copy()
        o.update(h.digest())
        out.append(prefix + o.hexdigest()[:16])
    return out


def drop_pii(df: pd.DataFrame, keep_id: str = "customer_id", key: str | bytes | None = None) -> pd.DataFrame:
    """A copy of ``df`` fit for analytics: PII columns dropped, the id pseudonymised if it is
    PII itself, free text redacted.

    * **dropped**: every column :func:`find_pii_columns` calls ``name``, ``email``, ``phone``,
      ``address``, ``government_id`` or ``birth_date`` (except ``keep_id``);
    * **masked**: ``keep_id`` when it looks like PII (e.g. customers keyed by email or phone):
      replaced by :func:`pseudonymise` of the normalised value, so the same person keeps one
      pseudonym across tables; ``free_text`` columns: emails and phones replaced by
      ``[email]`` / ``[phone]``.

    Each action is recorded in a copy of the frame's ledger (``df`` itself is not changed).

    >>> out = drop_pii(pd.DataFrame({"customer_id": ["C1"], "name": ["Asha Rao"],
    ...                              "comment": ["ring 9876543210"]}))
    >>> out.to_dict("list")
    {'customer_id': ['C1'], 'comment': ['ring [phone]']}
    """
    pii = find_pii_columns(df)
    out = df.copy()
    led = ledger_of(df)
    led = copy.deepcopy(led) if led is not None else None
    actions = []  # (reason, count, detail)
    to_drop = []
    for col, kind in pii.items():
        present = int(df[col].notna().sum())
        if col == keep_id:
            if kind == "free_text":
                continue
            norm = {"email": normalise_email, "phone": normalise_phone}.get(kind)
            values = df[col].map(lambda v: (norm(v) or v) if isinstance(v, str) else v) if norm else df[col]
            out[col] = pseudonymise(values, key=key)
            actions.append((f"'{col}' looks like PII ({kind})", present,
                            "replaced by pseudonyms: " + pseudonym_note(key)))
        elif kind == "free_text":
            red = redact(df[col])
            changed = int((red.fillna("").astype(str) != df[col].fillna("").astype(str)).sum())
            out[col] = red
            actions.append((f"email or phone in '{col}'", changed, "replaced by [email] / [phone]"))
        else:
            to_drop.append(col)
            actions.append((f"PII column '{col}' ({kind}) removed", present, "column dropped"))
    out = out.drop(columns=to_drop)
    if led is not None:
        for reason, count, detail in actions:
            led.add(reason, count, action="changed", detail=detail)
        attach(out, led)
    return out

