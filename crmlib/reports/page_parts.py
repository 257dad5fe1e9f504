"""What every report page module shares: where a report's extra files go, and how a section's items
are shown in a notebook (a ``str`` is Markdown, a matplotlib ``Figure`` is drawn where it stands,
anything else, such as a table of :func:`crmlib.reports.tables.show`, is displayed)."""

from __future__ import annotations

import base64
from pathlib import Path


def output_folder(report: str, output_dir=None) -> Path:
    """Where the report ``report`` writes the tables and files behind its page: ``output_dir``, else
    ``reports/<report>`` of the working folder.

    >>> output_folder("clv", "/tmp/mine")
    PosixPath('/tmp/mine')
    """
    from crmlib import config

    return Path(output_dir) if output_dir is not None else config.reports_dir() / report


def show_items(items) -> None:
    """Show a section's items in a notebook: Markdown text, figures (each where it stands), tables."""
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display
    from matplotlib.figure import Figure

    for item in items:
        if item is None:
            continue
        if isinstance(item, str):
            display(Markdown(item))
        elif isinstance(item, Figure):  # this figure, here: plt.show() would draw every open one at once
            show_figure(item)
            plt.close(item)
        else:
            display(item)


def show_figure(fig) -> None:
    """Display the figure ``fig`` as IPython would, its PNG a palette PNG drawn once
    (:func:`crmlib.reports.png.figure_png`): the output holds what :func:`display` gives (the
    ``text/plain`` line, the display size of a retina figure) with the page's PNG in place of matplotlib's.
    Outside IPython's inline figures (another backend, SVG, no IPython) it is :func:`display` itself."""
    from IPython import get_ipython
    from IPython.display import display, publish_display_data

    from crmlib.reports.png import figure_png

    shell = get_ipython()
    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", {})
    drawn = figure_png(fig, _printer(formatters.get("image/png"), fig)) if _only_png(formatters, fig) else None
    if drawn is None:
        display(fig)
        return
    data, metadata = shell.display_formatter.format(fig, exclude=["image/png"])
    data["image/png"], image_metadata = base64.b64encode(drawn[0]).decode("ascii"), drawn[1]
    if image_metadata:
        metadata["image/png"] = image_metadata
    publish_display_data(data, metadata=metadata)


def _printer(formatter, fig):
    """The function ``formatter`` (IPython's) would call for ``fig``, or None."""
    if formatter is None or not getattr(formatter, "enabled", True):
        return None
    try:
        return formatter.lookup(fig)
    except KeyError:
        return None


def _only_png(formatters, fig) -> bool:
    """Whether PNG is the only picture IPython would make of ``fig`` (text/plain aside)."""
    return not any(_printer(formatter, fig) for mime, formatter in formatters.items()
                   if mime not in ("image/png", "text/plain"))


def ledger_item(frame, show, words, fmt, **show_options):
    """The data-quality section's item: the ledger table of ``frame`` (:func:`crmlib.words.quality.ledger_frame`)
    shown by ``show`` with ``show_options``, or for a clean file (nothing dropped, changed or flagged) the
    sentence that says so instead of an empty table."""
    from crmlib.words import quality

    if frame is None or not len(frame):
        return words(quality.NOTHING)
    return show(quality.ledger_table(frame, w=words, fmt=fmt), **show_options)


__all__ = ["ledger_item", "output_folder", "show_figure", "show_items"]
