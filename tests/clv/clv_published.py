"""Published data sets used by the CLV tests (a helper module, not a test file)."""

import numpy as np
import pandas as pd

# Fader, Hardie & Shang (2010), Marketing Science 29(6): the donation data, 11,104 donors of the
# 1995 cohort, 6 opportunities (1996-2001): (x, t_x) patterns and number of donors.
DONATION_PATTERNS = [
    (0, 0, 3464), (1, 1, 1091), (1, 2, 277), (1, 3, 129), (1, 4, 78), (1, 5, 119), (1, 6, 129),
    (2, 2, 613), (2, 3, 255), (2, 4, 155), (2, 5, 173), (2, 6, 234), (3, 3, 322), (3, 4, 181),
    (3, 5, 225), (3, 6, 357), (4, 4, 240), (4, 5, 284), (4, 6, 512), (5, 5, 335), (5, 6, 728),
    (6, 6, 1203),
]

# Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing 21(1):
# customers surviving of 1000 at years 0..12.
SURVIVAL_REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
SURVIVAL_HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]



def survival_to_cohort(survivors: list[int], years: int) -> pd.DataFrame:
    """Churn counts at years 1..years and the survivors censored at ``years``, as weighted rows."""
    s = np.asarray(survivors[: years + 1])
    lost = -np.diff(s)
    return pd.DataFrame({
        "T": list(range(1, years + 1)) + [years],
        "churned": [True] * years + [False],
        "weight": list(lost) + [int(s[-1])],
    })
