"""Data to learn and test with: the real CDNOW transactions and a simulated, linked CRM data set.

:func:`load_cdnow` reads the CDNOW files shipped in ``crmlib/data/cdnow/`` (Fader, Hardie & Lee 2005;
see the README there) as canonical transactions.

:func:`make_crm_dataset` simulates customers, transactions and survey feedback whose true
parameters are known, so every model in crmlib can be checked against the truth:

* **transactions** follow the BG/NBD story (Fader, Hardie & Lee 2005): while alive a customer buys
  as a Poisson process with rate ``lambda ~ Gamma(r, alpha)`` per week; after each repeat purchase
  they drop out with probability ``p ~ Beta(a, b)``. Each purchase is worth
  ``z ~ Gamma(p_gg, nu)`` rupees with ``nu ~ Gamma(q, v)`` per customer: the gamma-gamma spend
  model (Fader, Hardie & Lee 2005, "RFM and CLV", Journal of Marketing Research 42(4)).
  The clock of each customer starts at their first purchase.
* **customers** carry *fake* PII (invented names, emails at the reserved example.* domains,
  random Indian or Bangladeshi mobile numbers) so that crmlib's privacy code has something to do.
* **feedback**: about half of the customers answer a survey after a purchase, some more than once.
  A latent satisfaction per response mixes a customer trait (correlated with staying, i.e. low
  ``p``) with the problems of that purchase (late delivery, price, quality, support, app), and
  drives NPS, CSAT and CES. Comments in English, Hindi and Bengali talk about those problems;
  about 3% of comments contain the customer's own phone number or email.

A few realistic flaws are planted on purpose, rare and counted in ``dataset.imperfections``:
exact duplicate transaction rows, returns (negative amounts carrying the ``order_id`` of the
purchase they return, dated 2-20 days later), a couple of zero amounts, and missing emails/phones.
The BTYD truth refers to the purchases before those flaws (returns and duplicates are extra rows;
the zero amounts replace the spend of two repeat purchases).

>>> ds = make_crm_dataset(n_customers=200, seed=1)
>>> sorted(ds.customers.columns)[:4], ds.truth["time_unit"]
(['city', 'customer_id', 'email', 'loyalty_tier'], 'W')
>>> bool(ds.transactions["customer_id"].isin(ds.customers["customer_id"]).all())
True
"""

from crmlib.datasets.cdnow import load_cdnow
from crmlib.datasets.large import make_transactions
from crmlib.datasets.simulation import (
    CATEGORIES,
    CHANNELS,
    DEFAULT_TRUTH,
    LANGUAGES,
    SURVEY_CHANNELS,
    THEME_EFFECTS,
    THEME_RATES,
    THEMES,
    CRMDataset,
    expected_repeat_purchases,
    make_crm_dataset,
    write_demo,
)

# ``from crmlib.datasets import *`` gives the names it gave before the split; the others are imported by name.
__all__ = ["CRMDataset", "load_cdnow", "make_crm_dataset", "write_demo", "CATEGORIES", "CHANNELS"]
