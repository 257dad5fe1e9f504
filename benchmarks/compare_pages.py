"""Whether two runs of the reports show the same numbers: every page's text (sentences, table cells,
headings) and every CSV file written beside the pages, compared line by line.

    .venv/bin/python benchmarks/compare_pages.py BEFORE_DIR AFTER_DIR

Run the same reports twice into two folders (e.g. ``crmlib demo --out DIR`` and ``crmlib report overview
segments clv retention --dataset cdnow --out DIR``, once with the code before a change and once after);
this walks BEFORE_DIR for ``*.html`` and ``*.csv`` files and compares each with the file of the same
relative path in AFTER_DIR. A page's text is what a reader sees (scripts, styles and images left out);
the lines that change with every run (the run's duration and date on the index, the kernel's timings)
are masked, and so are the two folders and their parents (``crmlib demo`` writes its data beside its
pages), which pages name in their parameters (only the "Run at" and "Run time" rows of a
page's footer match the masks). Prints each difference; exits 1 when there is one, 0 when all are the same.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

#: Text that changes with every run of the same code: durations and run dates (index and page footers).
VOLATILE = [re.compile(p) for p in (
    r"\b\d+(?:\.\d+)? ?s\b",  # seconds a report took
    r"[\d०-९০-৯]+(?:\.[\d०-९০-৯]+)? (?:सेकंड|সেকেন্ড)",  # the same in Hindi and Bengali
    r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\+00:00| UTC)?",  # run timestamps
    r"[\d०-९০-৯]{1,2} \S+ [\d०-९০-৯]{4},? [\d०-९০-৯]{2}:[\d०-९০-৯]{2}",  # as pages show them: 4 Dec 2026, 11:07
)]
#: Files that describe the run rather than the data (the index lists durations and paths).
SKIP = ("index.html",)


class _Text(HTMLParser):
    """The visible text of a page, one line per block; script, style and image data left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self._skip, self._line = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag in ("p", "tr", "li", "h1", "h2", "h3", "h4", "div", "br", "table", "caption"):
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag in ("td", "th"):
            self._line.append(" | ")

    def handle_data(self, data):
        if not self._skip:
            self._line.append(data)

    def _flush(self):
        text = " ".join("".join(self._line).split())
        if text:
            self.lines.append(text)
        self._line = []

    def close(self):
        super().close()
        self._flush()


def page_lines(path: Path, root: Path | None = None, folder: Path | None = None) -> list[str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return [_mask(line, root, folder) for line in parser.lines]


def _mask(line: str, root: Path | None = None, folder: Path | None = None) -> str:
    for path, name in ((folder, "<pages>"), (root, "<run folder>")):
        if path is not None:
            line = line.replace(str(path), name)
    for pattern in VOLATILE:
        line = pattern.sub("<volatile>", line)
    return line


def compare(before: Path, after: Path) -> list[str]:
    """Every difference between the pages and CSV files of ``before`` and ``after`` (empty: the same)."""
    problems, files = [], sorted(p for p in before.rglob("*") if p.suffix in (".html", ".csv") and p.name not in SKIP)
    for old in files:
        rel = old.relative_to(before)
        new = after / rel
        if not new.exists():
            problems.append(f"{rel}: missing after")
            continue
        masks = [(before.resolve().parent, before.resolve()), (after.resolve().parent, after.resolve())]
        if old.suffix == ".html":
            a, b = page_lines(old, *masks[0]), page_lines(new, *masks[1])
        else:
            a = [_mask(x, *masks[0]) for x in old.read_text(encoding="utf-8").splitlines()]
            b = [_mask(x, *masks[1]) for x in new.read_text(encoding="utf-8").splitlines()]
        if a != b:
            diff = list(difflib.unified_diff(a, b, str(rel), str(rel), n=0, lineterm=""))
            problems.append("\n".join(diff[:40]) + (f"\n... {len(diff) - 40} more lines" if len(diff) > 40 else ""))
    extra = sorted(p.relative_to(after) for p in after.rglob("*") if p.suffix in (".html", ".csv")
                   and p.name not in SKIP and not (before / p.relative_to(after)).exists())
    problems += [f"{rel}: only after" for rel in extra]
    return problems + ([] if files else [f"{before}: no pages or CSV files"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    problems = compare(args.before, args.after)
    n = sum(1 for p in args.before.rglob("*") if p.suffix in (".html", ".csv") and p.name not in SKIP)
    for p in problems:
        print(p)
    print(f"{n} pages and CSV files compared: {'the same' if not problems else f'{len(problems)} differ'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
