"""The overview figures keep their data visible."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib.plots.overview import category_mix  # noqa: E402


@pytest.mark.parametrize("customer_shares", [[0.37, 0.38, 0.39, 0.40], [0.9, 0.1, 0.5, 0.95]])
def test_the_category_legend_covers_no_bar(customer_shares):
    """Before: the legend sat at the lower right over the last category's share-of-customers bar
    (the demo data's 'books', 39%), hiding where the bar ends."""
    mix = pd.DataFrame({"revenue_share": [0.3, 0.25, 0.25, 0.2], "customer_share": customer_shares},
                       index=pd.Index(["electronics", "beauty", "sports", "books"], name="category"))
    ax = category_mix(mix)
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    bars = [p.get_window_extent() for p in ax.patches if p.get_width() > 0]
    assert len(bars) == 8
    assert not [b for b in bars if b.overlaps(legend)]
    plt.close("all")
