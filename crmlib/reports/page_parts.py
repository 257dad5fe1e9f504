"""What every report page module shares: where a report's extra files go, and how a section's items
are shown in a notebook (a ``str`` is Markdown, a matplotlib ``Figure`` is drawn where it stands,
anything else, such as a table of :func:`crmlib.reports.tables.show`, is displayed)."""

from __future__ import annotations

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
            display(item)
            plt.close(item)
        else:
            display(item)


def ledger_item(frame, show, words, fmt, **show_options):
    """The data-quality section's item: the ledger table of ``frame`` (:func:`crmlib.words.quality.ledger_frame`)
    shown by ``show`` with ``show_options``, or for a clean file (nothing dropped, changed or flagged) the
    sentence that says so instead of an empty table."""
    from crmlib.words import quality

    if frame is None or not len(frame):
        return words(quality.NOTHING)
    return show(quality.ledger_table(frame, w=words, fmt=fmt), **show_options)


__all__ = ["ledger_item", "output_folder", "show_items"]
