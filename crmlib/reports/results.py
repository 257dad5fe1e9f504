"""What a report run ends as: :class:`ReportResult` for one report, :class:`BatchResult` for a batch,
and :class:`Interrupted`, raised when Ctrl-C or SIGTERM stops a batch (see :mod:`crmlib.reports.runner`)."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmlib.reports import html as pages


class Interrupted(KeyboardInterrupt):
    """A batch stopped by Ctrl-C (SIGINT) or SIGTERM; ``batch`` holds what was done, ``exit_status``
    is what a command exits with (128 + the signal number)."""

    def __init__(self, signum: int = signal.SIGINT, batch: BatchResult | None = None):
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)
        self.batch = batch

    @property
    def exit_status(self) -> int:
        return 128 + self.signum

    def describe(self) -> str:
        """One line: what stopped the batch and what it left, e.g. for ``crmlib report``."""
        what = "Ctrl-C" if self.signum == signal.SIGINT else signal.Signals(self.signum).name
        if self.batch is None:
            return f"stopped by {what} before any report ran"
        counts = self.batch.counts()
        return (f"stopped by {what}: {counts['ok'] + counts['failed']} report(s) finished, "
                f"{counts['interrupted']} interrupted (previous pages, if any, kept), "
                f"{self.batch.not_started} not started; index: {self.batch.index_path}")


@dataclass
class ReportResult:
    """What happened to one report."""

    name: str  # notebook name
    stem: str  # file stem of the outputs
    parameters: dict[str, Any]
    status: str  # "ok", "failed" or "interrupted"
    html_path: Path
    notebook_path: Path
    title: str = ""
    error: str | None = None  # first line, redacted, e.g. "ValueError: no customers in region 'Nowhere'"
    step: str | None = None  # the section of the page the report failed in (its heading)
    cell: int | None = None  # 1-based position of the failing cell in the report notebook
    line: int | None = None  # line of the failing cell
    duration: float = 0.0  # seconds
    data_period: str | None = None
    fingerprint: str | None = None
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> name, path, size, sha256
    run_at: str = ""
    recorded: dict[str, Any] = field(default_factory=dict)
    default_key: bool = False  # the kernel had no CRMLIB_SECRET: pseudonyms used the public key
    lang: str = "en"  # the language of the page (--lang or -p lang), and of the index it is listed on
    digits: str = "latin"  # the page's digits (--digits or -p digits), and the index's
    files: list[dict[str, Any]] = field(default_factory=list)  # written beside the page: path (relative), size, rows
    unsaved: str | None = None  # why this run's page and notebook are not on disk, e.g. "no space left on device"

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def describe_failure(self) -> str:
        if self.status == "interrupted":
            return f"{self.stem}: interrupted"
        if self.unsaved:
            return f"{self.stem}: {self.error}"
        return f"{self.stem}: {pages.failure_place(self.cell, self.line, step=self.step)}: {self.error}"


@dataclass
class BatchResult:
    """The reports of one :func:`run_reports` call and where the index page is."""

    reports: list[ReportResult]
    index_path: Path
    not_started: int = 0  # reports dropped because the batch was stopped
    unlisted: int = 0  # reports the index could not take: the disk was full

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports) and not self.not_started and not self.unlisted

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.reports if not r.ok]

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.reports) for s in ("ok", "failed", "interrupted")}

    def summary(self) -> str:
        c = self.counts()
        stopped = f", {c['interrupted']} interrupted" if c["interrupted"] else ""
        lines = [f"{len(self.reports)} report(s): {c['ok']} ok, {c['failed']} failed{stopped}; "
                 f"index: {self.index_path}"]
        lines += [f"FAILED {r.describe_failure()}" for r in self.failed]
        if self.unlisted:
            lines.append(f"{self.unlisted} report(s) are missing from the index: it could not be saved "
                         "(no space left on device?); free space and run them again")
        return "\n".join(lines)
