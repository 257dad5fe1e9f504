"""MBG/NBD: the modified BG/NBD of Batislam, Denizel & Filiztekin (2007).

Like BG/NBD, but a customer may also drop out right after the first purchase (time zero), so
a customer with no repeat purchase is not certainly alive.
"""

from __future__ import annotations

from crmlib.clv.beta_geo import BetaGeo


class ModifiedBetaGeo(BetaGeo):
    """MBG/NBD model. ``fit(data)`` reads ``frequency, recency, T`` (and optional ``weight``).

    Parameters ``r, alpha`` (purchase rate) and ``a, b`` (dropout probability, which applies at
    the first purchase and after every repeat purchase).
    """

    _shift = 1
