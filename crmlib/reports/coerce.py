"""A parameter value typed like its default: ``-p bins=4`` is an int for a notebook whose default is 5.

Numbers are refused when not finite or beyond :func:`max_magnitude`, with a one-line
:class:`~crmlib.exceptions.DataError` naming the notebook, the parameter and its default.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from typing import Any

from crmlib.exceptions import DataError
from crmlib.reports.notebook_spec import NO_DEFAULT, NotebookSpec

#: Largest magnitude a numeric parameter may take (also numbers inside list or dict values).
#: A typo such as ``-p bins=99999999999999999999999`` would otherwise run for minutes and fill
#: memory. Raise it with the environment variable below, e.g. ``CRMLIB_MAX_PARAMETER=1e9``.
MAX_MAGNITUDE = 1_000_000
MAX_MAGNITUDE_ENV = "CRMLIB_MAX_PARAMETER"

_FAIL = object()  # a value that could not be typed

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
_INT = re.compile(r"^[+-]?\d+$")


def coerce(spec: NotebookSpec, name: str, value: Any) -> Any:
    """Type ``value`` (a string from ``-p`` or a YAML scalar) like the default of parameter ``name``.

    A parameter whose default is None takes a string, a number, None, or a list/mapping written as
    ``[...]``/``{...}``. Numbers must be finite and within :func:`max_magnitude`.
    """
    if name not in spec.parameters:
        raise DataError(
            f"Report {spec.name!r} has no parameter {name!r}; "
            f"its parameters (with defaults) are: {spec.describe_parameters()}."
        )
    param = spec.parameters[name]
    default = param.default
    kind = type(default) if default is not None and default is not NO_DEFAULT else None
    if kind is None and param.type_name in {"int", "float", "bool", "str"}:
        kind = {"int": int, "float": float, "bool": bool, "str": str}[param.type_name]
    text = value.strip() if isinstance(value, str) else None
    out: Any = _FAIL
    if kind is bool:
        if isinstance(value, bool):
            out = value
        elif text is not None and text.lower() in _TRUE | _FALSE:
            out = text.lower() in _TRUE
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            out = value
        elif text is not None and _INT.match(text):
            try:
                out = int(text)
            except ValueError:  # more digits than Python converts: far beyond any limit
                raise _beyond_limit(spec, name, text) from None
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out = float(value)
        elif text is not None:
            try:
                out = float(text)
            except ValueError:
                pass
    elif kind is str:
        if isinstance(value, str):
            out = value
        elif isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            out = value.isoformat() if isinstance(value, dt.date) else str(value)
    elif kind in (list, dict, tuple):
        parsed = value
        if text is not None:
            import yaml

            try:
                parsed = yaml.safe_load(text)
            except yaml.YAMLError:
                parsed = None
        if isinstance(parsed, (list, tuple) if kind is not dict else dict):
            out = list(parsed) if kind is list else parsed
    else:  # default None or not a literal: a string, a number, None, or a list/dict literal
        if value is None or (text is not None and text in {"None", "null", ""}):
            out = None
        elif text is not None and text[:1] in "[{":
            out = _literal(spec, name, text)
        elif isinstance(value, dt.date):
            out = value.isoformat()
        elif isinstance(value, (str, int, float, list, dict)) and not isinstance(value, bool):
            out = value
    if out is _FAIL:
        want = kind.__name__ if kind else "str or None"
        raise DataError(
            f"Report {spec.name!r}: parameter {name!r} must be {want} (default {param.source}), "
            f"got {value!r}; its parameters (with defaults) are: {spec.describe_parameters()}."
        )
    _check_magnitude(spec, name, out)
    return out


def _literal(spec: NotebookSpec, name: str, text: str) -> Any:
    """A ``[...]`` or ``{...}`` value for a parameter whose default is None, parsed as YAML (which
    reads Python and JSON lists too); refused with the parameter's name when it does not parse."""
    import yaml

    kind = "list" if text.startswith("[") else "mapping"
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise DataError(
            f"Report {spec.name!r}: parameter {name!r} looks like a {kind} but is not one ({reason}): "
            f"{text[:60]!r}; close every bracket and quote, e.g. -p {name}='[a, b]', "
            f"or leave it out for the default {spec.parameters[name].source}."
        ) from None
    if not isinstance(parsed, (list, dict)):
        raise DataError(f"Report {spec.name!r}: parameter {name!r} looks like a {kind} but reads as "
                        f"{type(parsed).__name__}: {text[:60]!r}.")
    return parsed


def max_magnitude() -> float:
    """The largest magnitude a numeric parameter may take: ``$CRMLIB_MAX_PARAMETER`` or :data:`MAX_MAGNITUDE`."""
    raw = os.environ.get(MAX_MAGNITUDE_ENV, "").strip()
    if not raw:
        return MAX_MAGNITUDE
    try:
        limit = float(raw)
    except ValueError:
        raise DataError(f"{MAX_MAGNITUDE_ENV}={raw!r} is not a number; set it to e.g. 1e9.") from None
    return limit if limit > 0 else MAX_MAGNITUDE


def _numbers(value: Any):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)


def _check_magnitude(spec: NotebookSpec, name: str, value: Any) -> None:
    """Refuse NaN, infinity and numbers beyond :func:`max_magnitude`, naming how to raise the limit."""
    limit = max_magnitude()
    for number in _numbers(value):
        if isinstance(number, float) and not math.isfinite(number):
            raise DataError(f"Report {spec.name!r}: parameter {name!r} is {number!r}; give a finite number.")
        if abs(number) > limit:
            huge = isinstance(number, int) and number.bit_length() > 256  # str() refuses > 4300 digits
            shown = f"a number of about {int(number.bit_length() * 0.30103)} digits" if huge else str(number)
            raise _beyond_limit(spec, name, shown, limit)


def _beyond_limit(spec: NotebookSpec, name: str, shown: str, limit: float | None = None) -> DataError:
    limit = max_magnitude() if limit is None else limit
    shown = shown if len(shown) <= 30 else f"{shown[:27]}..."
    words = f"{limit:,.0f}" if limit < 1e15 and limit == int(limit) else f"{limit:g}"
    return DataError(
        f"Report {spec.name!r}: parameter {name!r} = {shown} is beyond the limit of {words} for numeric "
        f"parameters (default {spec.parameters[name].source}); if you really need it, set the "
        f"environment variable {MAX_MAGNITUDE_ENV} to a larger limit (e.g. {MAX_MAGNITUDE_ENV}=1e9) and run again."
    )
