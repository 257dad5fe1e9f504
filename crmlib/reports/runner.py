"""Run a batch of report notebooks with papermill, write their pages, and keep the index.

For each planned report the runner writes ``OUT/STEM.ipynb`` (executed notebook) and
``OUT/STEM.html`` (the page), even when the notebook fails, then records the run in
``OUT/index.json`` and rewrites ``OUT/index.html`` from it. A failing report never stops the others.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html as _html
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat

import crmlib
from crmlib import config
from crmlib.config import SECRET_ENV
from crmlib.reports import html as pages
from crmlib.reports.params import INPUT_PARAMETERS, OUTPUT_DIR_PARAMETER, ReportPlan, plan_reports
from crmlib.reports.record import read_records

#: Set in every report kernel's environment so that runs repeat exactly and draw without a display.
#: The inline backend is headless like Agg and, unlike Agg, puts each figure in the notebook as a PNG.
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0"}
KERNEL_NAME = "python3"
MANIFEST = "index.json"
INDEX = "index.html"


@dataclass
class ReportResult:
    """What happened to one report."""

    name: str  # notebook name
    stem: str  # file stem of the outputs
    parameters: dict[str, Any]
    status: str  # "ok" or "failed"
    html_path: Path
    notebook_path: Path
    title: str = ""
    error: str | None = None  # e.g. "ValueError: no customers in region 'Nowhere'"
    cell: int | None = None  # 1-based position of the failing cell in the report notebook
    line: int | None = None  # line of the failing cell
    duration: float = 0.0  # seconds
    data_period: str | None = None
    fingerprint: str | None = None
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    run_at: str = ""
    recorded: dict[str, Any] = field(default_factory=dict)
    default_key: bool = False  # the kernel had no CRMLIB_SECRET: pseudonyms used the public key

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def describe_failure(self) -> str:
        return f"{self.stem}: {pages.failure_place(self.cell, self.line)}: {self.error}"


@dataclass
class BatchResult:
    """The reports of one :func:`run_reports` call and where the index page is."""

    reports: list[ReportResult]
    index_path: Path

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.reports if not r.ok]

    def summary(self) -> str:
        n_ok = sum(r.ok for r in self.reports)
        lines = [f"{len(self.reports)} report(s): {n_ok} ok, {len(self.failed)} failed; index: {self.index_path}"]
        lines += [f"FAILED {r.describe_failure()}" for r in self.failed]
        return "\n".join(lines)


def _kernel_manager_class(log_file: Path):
    """A kernel manager class whose kernels write their own stdout/stderr to ``log_file``."""
    return type("ReportKernelManager", (_base_kernel_manager_class(),), {"log_file": str(log_file)})


@functools.cache
def _base_kernel_manager_class():
    """An AsyncKernelManager that always starts this interpreter's ipykernel, with KERNEL_ENV set.

    ``python3`` is looked up in no kernelspec directory, so a stale global kernelspec can never
    send reports to another Python: the kernel is ``sys.executable -m ipykernel_launcher``.
    The kernel process's own messages (start-up warnings, crashes) go to ``log_file``, not to the
    terminal where they would break the progress bar.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class OwnKernelSpecManager(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name == KERNEL_NAME:
                return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
            return super().get_kernel_spec(kernel_name)

    class ReportKernelManager(AsyncKernelManager):
        log_file: str | None = None

        @default("kernel_spec_manager")
        def _own_kernel_spec_manager(self):
            return OwnKernelSpecManager(data_dir=self.data_dir)

        async def _async_pre_start_kernel(self, **kw):
            env = dict(kw.pop("env", None) or os.environ)
            env.update(KERNEL_ENV)
            kw["env"] = env
            return await super()._async_pre_start_kernel(**kw)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if not self.log_file:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            with open(self.log_file, "ab") as log:  # the kernel process keeps its own copy
                kw["stdout"] = kw["stderr"] = log
                return await super()._async_launch_kernel(kernel_cmd, **kw)

    return ReportKernelManager


def kernels_use_default_key() -> bool:
    """Whether report kernels, started with this process's environment plus KERNEL_ENV, lack
    CRMLIB_SECRET and so pseudonymise with crmlib's public default key."""
    return not (os.environ.get(SECRET_ENV) or KERNEL_ENV.get(SECRET_ENV))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(plan: ReportPlan) -> dict[str, Path]:
    """The input files a report reads: those passed, else the demo files its ``None`` defaults stand for."""
    files = {}
    for key in INPUT_PARAMETERS:
        if key not in plan.spec.parameters:
            continue
        value = plan.parameters.get(key) or plan.inputs.get(key)
        if value is None:
            default = plan.spec.parameters[key].default
            value = default if isinstance(default, str) and default else config.DEMO_DIR / f"{key}.csv"
        path = Path(value)
        if path.is_file():
            files[key] = path.resolve()
    return files


def fingerprint(files: dict[str, Path]) -> tuple[str | None, dict[str, dict[str, str]]]:
    """One short hash over all input files, and each file's path and sha256."""
    info = {k: {"path": str(p), "sha256": file_sha256(p)} for k, p in sorted(files.items())}
    if not info:
        return None, info
    joined = "\n".join(f"{k}:{v['sha256']}" for k, v in info.items())
    return hashlib.sha256(joined.encode()).hexdigest()[:12], info


def _failure(nb, exc) -> dict[str, Any]:
    """Cell (1-based, as in the report notebook), line and error line of a failed run."""
    from papermill.exceptions import PapermillExecutionError

    if not isinstance(exc, PapermillExecutionError):
        text = str(exc).strip().splitlines()
        return {"error": f"{type(exc).__name__}: {text[0] if text else ''}", "traceback": "\n".join(text)}
    traceback = pages.strip_ansi("\n".join(exc.traceback))
    position, cell_no = 0, None
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"injected-parameters", "papermill-error-cell-tag"}:
            continue
        position += 1
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            cell_no = position
            break
    m = re.search(r"Cell In\[\d+\], line (\d+)", traceback)
    return {
        "error": f"{exc.ename}: {exc.evalue}".strip(),
        "cell": cell_no,
        "line": int(m.group(1)) if m else None,
        "traceback": traceback,
    }


def run_one(plan: ReportPlan, out_dir: Path, *, timeout: float | None = None) -> ReportResult:
    """Execute one planned report and write its notebook and page; never raises for a failing notebook."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb_path = out_dir / f"{plan.stem}.ipynb"
    html_path = out_dir / f"{plan.stem}.html"
    params = dict(plan.parameters)
    params.update({k: str(v) for k, v in plan.inputs.items()})
    if OUTPUT_DIR_PARAMETER in plan.spec.parameters and OUTPUT_DIR_PARAMETER not in params:
        extra = out_dir / plan.stem
        extra.mkdir(parents=True, exist_ok=True)
        params[OUTPUT_DIR_PARAMETER] = str(extra)
    fp, inputs = fingerprint(input_files(plan))
    run_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    for stale in (nb_path, html_path):
        stale.unlink(missing_ok=True)
    start = time.perf_counter()
    failure = None
    log_fd, log_name = tempfile.mkstemp(prefix=f"crmlib-kernel-{plan.stem[:40]}-", suffix=".log")
    os.close(log_fd)
    try:
        papermill.execute_notebook(
            str(plan.spec.path),
            str(nb_path),
            parameters=params,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            kernel_manager_class=_kernel_manager_class(Path(log_name)),
            # the kernel's working directory, set without papermill's process-wide chdir
            resources={"metadata": {"path": str(out_dir)}},
        )
    except PapermillExecutionError as exc:
        failure = exc
    except Exception as exc:  # kernel died, timeout, ...: the report fails, the batch goes on
        failure = exc
    duration = time.perf_counter() - start
    kernel_log = Path(log_name).read_text(encoding="utf-8", errors="replace")
    Path(log_name).unlink(missing_ok=True)
    if nb_path.is_file():
        nb = nbformat.read(nb_path, as_version=4)
    else:
        nb = nbformat.read(plan.spec.path, as_version=4)
        nbformat.write(nb, nb_path)
    error = _failure(nb, failure) if failure is not None else None
    if error and not error.get("cell") and kernel_log.strip():  # the kernel itself failed: show why
        error["traceback"] += "\n\nKernel log (last lines):\n" + "\n".join(kernel_log.splitlines()[-20:])
    if error:  # a DataError quotes offending values (emails, phones): never onto a page or the index
        error["error"], error["traceback"] = pages.redact_error(error["error"]), pages.redact_error(error["traceback"])
    default_key = kernels_use_default_key()
    recorded = read_records(nb)
    if isinstance(recorded.get("inputs"), dict):  # what the notebook says it read beats our guess
        read = {k: Path(v) for k, v in recorded["inputs"].items() if Path(str(v)).is_file()}
        fp, inputs = fingerprint(read)
    title = str(recorded.get("title") or plan.spec.title)
    result = ReportResult(
        name=plan.name,
        stem=plan.stem,
        parameters=dict(plan.parameters),
        status="failed" if error else "ok",
        html_path=html_path,
        notebook_path=nb_path,
        title=title,
        error=error["error"] if error else None,
        cell=error.get("cell") if error else None,
        line=error.get("line") if error else None,
        duration=round(duration, 2),
        data_period=recorded.get("data_period"),
        fingerprint=fp,
        inputs=inputs,
        run_at=run_at,
        recorded={k: v for k, v in recorded.items() if k not in {"title", "data_period", "inputs"}},
        default_key=default_key,
    )
    provenance = {
        "notebook": str(plan.spec.path.name),
        "parameters": params,
        "inputs": inputs,
        "fingerprint": fp,
        "crmlib_version": crmlib.__version__,
        "run_at": run_at,
        "duration": duration,
        "status": result.status,
        "pseudonym_key": "crmlib's public default key" if default_key else SECRET_ENV,
    }
    try:
        page = pages.render(
            nb, title=title, parameters=params, data_period=result.data_period, provenance=provenance, error=error,
            default_key=default_key,
        )
    except Exception as exc:  # a page that cannot be rendered is a failed report, not a crashed batch
        result.status, result.error = "failed", pages.redact_error(f"HTML export: {type(exc).__name__}: {exc}")
        page = pages.header_html(
            title, params, result.data_period, {"error": result.error}, default_key
        ) + pages.footer_html(provenance)
    pages.write(html_path, page)
    return result


def run_reports(
    names,
    out_dir=None,
    params: dict[str, Any] | None = None,
    grid=None,
    inputs: dict[str, Any] | None = None,
    jobs: int = 1,
    progress: bool | None = None,
    timeout: float | None = None,
) -> BatchResult:
    """Run report notebooks into ``out_dir`` (default ``crmlib.config.REPORTS_DIR``).

    ``names``: report names (notebooks/reports/NAME.ipynb) or paths to .ipynb files.
    ``params``: name -> value, or name -> list of values (one report per value).
    ``grid``: name -> list of values (their product), a list of mappings, or a YAML file path.
    ``inputs``: ``transactions``/``customers``/``feedback`` -> file, passed to notebooks that declare them.
    ``jobs``: kernels run at once. ``progress``: tqdm bar; None shows it only on a terminal.
    ``timeout``: seconds a single cell may run (None: no limit).

    The whole request is checked first (:func:`crmlib.reports.params.plan_reports`); a bad request
    raises :class:`crmlib.exceptions.DataError` before any kernel starts. A failing notebook does
    not raise: its result has ``status == "failed"`` and ``BatchResult.ok`` is False.
    """
    from tqdm.auto import tqdm

    plans = plan_reports(names, params=params, grid=grid, inputs=inputs)
    out = Path(out_dir if out_dir is not None else config.REPORTS_DIR).resolve()
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, ReportResult] = {}
    bar = tqdm(
        total=len(plans), desc="reports", unit="report", disable=None if progress is None else not progress,
        file=sys.stderr, dynamic_ncols=True, leave=True,
    )
    with bar, ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        futures = {pool.submit(run_one, plan, out, timeout=timeout): plan for plan in plans}
        for future in as_completed(futures):
            result = future.result()
            results[result.stem] = result
            bar.set_postfix_str(f"{result.stem} {result.status}", refresh=False)
            bar.update(1)
    ordered = [results[p.stem] for p in plans]
    index_path = update_index(out, ordered)
    return BatchResult(ordered, index_path)


def _entry(result: ReportResult, out: Path) -> dict[str, Any]:
    entry = asdict(result)
    entry["html_path"] = os.path.relpath(result.html_path, out)
    entry["notebook_path"] = os.path.relpath(result.notebook_path, out)
    entry["crmlib_version"] = crmlib.__version__
    return json.loads(json.dumps(entry, default=str))


def update_index(out: Path, results: list[ReportResult]) -> Path:
    """Merge ``results`` into ``OUT/index.json`` (one entry per report file) and rewrite ``OUT/index.html``."""
    manifest_path = out / MANIFEST
    entries: dict[str, Any] = {}
    if manifest_path.is_file():
        try:
            entries = json.loads(manifest_path.read_text(encoding="utf-8")).get("reports", {})
        except (json.JSONDecodeError, AttributeError):
            entries = {}  # a damaged manifest is rebuilt from this run rather than stopping it
    for r in results:
        entries[r.stem] = _entry(r, out)
    entries = {k: v for k, v in entries.items() if (out / v["html_path"]).is_file()}
    pages.write(manifest_path, json.dumps({"reports": entries}, indent=2, sort_keys=True, ensure_ascii=False))
    return pages.write(out / INDEX, index_html(list(entries.values())))


def index_html(entries: list[dict[str, Any]]) -> str:
    """The index page: one row per report with parameters, data period, status, fingerprint, version, run time."""
    esc = _html.escape
    entries = sorted(entries, key=lambda e: (e["name"], e["stem"]))
    n_ok = sum(e["status"] == "ok" for e in entries)
    on_default_key = sum(bool(e.get("default_key")) for e in entries)
    notice = (f'<p class="key-notice" role="note"><strong>Note:</strong> {on_default_key} of {len(entries)} '
              f"report(s) ran without {SECRET_ENV}. {esc(pages.DEFAULT_KEY_NOTICE)}</p>\n" if on_default_key else "")
    rows = []
    for e in entries:
        params = "<br>".join(f"{esc(k)} = {esc(repr(v))}" for k, v in sorted(e["parameters"].items())) or "defaults"
        if e["status"] == "ok":
            status = '<span class="ok">ok</span>'
        else:
            where = pages.failure_place(e.get("cell"), e.get("line"))
            status = f'<span class="failed">failed</span><div class="error">{esc(where)}: {esc(e.get("error") or "")}</div>'
        rows.append(
            f'<tr class="report" data-status="{esc(e["status"])}">'
            f'<td><a href="{esc(e["html_path"])}">{esc(e.get("title") or e["name"])}</a>'
            f'<div class="stem">{esc(e["stem"])} · <a href="{esc(e["notebook_path"])}">notebook</a></div></td>'
            f"<td>{params}</td><td>{esc(str(e.get('data_period') or ''))}</td><td>{status}</td>"
            f"<td><code>{esc(str(e.get('fingerprint') or 'none'))}</code></td>"
            f"<td>{esc(str(e.get('crmlib_version')))}</td><td>{esc(str(e.get('run_at')))}</td>"
            f"<td>{float(e.get('duration') or 0):.1f} s</td></tr>"
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>crmlib reports</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
  table {{ border-collapse: collapse; width: 100%; font-size: 0.92em; }}
  th, td {{ border-bottom: 1px solid #ddd; padding: 6px 10px; text-align: left; vertical-align: top; }}
  th {{ background: #f3f3f3; }}
  .ok {{ color: #1b5e20; font-weight: bold; }}
  .failed {{ color: #b00020; font-weight: bold; }}
  .error {{ color: #b00020; font-size: 0.9em; max-width: 40em; }}
  .stem {{ color: #666; font-size: 0.85em; }}
  .key-notice {{ background: #fff3cd; border: 1px solid #e0a800; padding: 0.5em 1em; }}
</style>
</head>
<body>
<h1>crmlib reports</h1>
{notice}<p id="counts">{len(entries)} report(s): {n_ok} ok, {len(entries) - n_ok} failed.</p>
<table>
<thead><tr><th>Report</th><th>Parameters</th><th>Data period</th><th>Status</th><th>Input fingerprint</th>
<th>crmlib</th><th>Run at (UTC)</th><th>Run time</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p>Input fingerprint: the first 12 hex digits of a SHA-256 over the report's input files; equal
fingerprints mean the same data. Each report's footer lists its files.</p>
</body>
</html>
"""
