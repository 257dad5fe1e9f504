"""One customer table per batch of reports (crmlib.shared_table): written by the first report, read by the
others bit for bit, named by the log's files (or a frame's content) and every option, and never used outside
a batch."""

import pickle
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlib import TransactionLog, config, rfm, shared_table
from crmlib.customers import customer_table as built
from crmlib.datasets import make_transactions


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    return make_transactions(6_000, tmp_path_factory.mktemp("shared") / "log.parquet", seed=5, chunk_rows=3_000)


@pytest.fixture
def work(tmp_path, monkeypatch):
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.setenv(config.WORK_ENV, str(folder))
    return folder


def assert_same_table(got, want):
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for column in got.columns:
        if got[column].dtype == float:
            np.testing.assert_array_equal(got[column].to_numpy(), want[column].to_numpy())
    assert sorted(got.attrs) == sorted(want.attrs)
    for key in got.attrs:
        if key in ("fitted_model", "spend_model"):
            a, b = got.attrs[key], want.attrs[key]
            assert type(a) is type(b) and (a is None or a.params_.equals(b.params_))
        else:
            assert repr(got.attrs[key]) == repr(want.attrs[key]), key


@pytest.mark.slow
def test_a_second_report_reads_the_table_the_first_wrote_bit_for_bit(log_path, work, monkeypatch):
    first = shared_table.customer_table(TransactionLog(log_path), freq="W")
    assert len(list(work.glob("table-*.pickle"))) == 2  # the scored summary and the finished table
    assert_same_table(first, built(TransactionLog(log_path), freq="W"))

    def refuse(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(shared_table, "scored_summary", refuse)
    monkeypatch.setattr(shared_table, "complete_table", refuse)
    again = shared_table.customer_table(TransactionLog(log_path), freq="W")
    assert_same_table(again, first)
    assert again is not first and again.attrs["fitted_model"].params_.equals(first.attrs["fitted_model"].params_)


@pytest.mark.slow
def test_the_overview_and_a_report_with_the_end_date_share_the_scored_summary(log_path, work, monkeypatch):
    """The overview passes no observation end and no model; the others the last date and a model:
    the summary and scores are the same table, built once."""
    log = TransactionLog(log_path)
    overview = shared_table.customer_table(log, freq="W", model=None)
    assert_same_table(overview, built(TransactionLog(log_path), freq="W", model=None))
    calls = []
    original = shared_table.scored_summary
    monkeypatch.setattr(shared_table, "scored_summary", lambda *a, **k: calls.append(1) or original(*a, **k))
    segments = shared_table.customer_table(TransactionLog(log_path), observation_end=log.last_date, freq="W")
    assert calls == []
    assert_same_table(segments, built(TransactionLog(log_path), observation_end=log.last_date, freq="W"))
    assert len(list(work.glob("table-*.pickle"))) == 3


@pytest.mark.slow
def test_the_segments_reports_default_scheme_shares_the_table_of_no_scheme(log_path, work):
    """The segments report passes rfm.scheme_for(None) (the default scheme with its limits), the others
    no scheme: the same table, shared; a scheme without the limits is another table."""
    log = TransactionLog(log_path)
    plain = shared_table.customer_table(log, freq="W")
    default = shared_table.customer_table(TransactionLog(log_path), freq="W", scheme=rfm.scheme_for(None, 5))
    assert len(list(work.glob("table-*.pickle"))) == 2
    assert_same_table(default, built(TransactionLog(log_path), freq="W", scheme=rfm.scheme_for(None, 5)))
    assert_same_table(plain, default)
    shared_table.customer_table(TransactionLog(log_path), freq="W", scheme=rfm.scheme_for("quantile", 5))
    assert len(list(work.glob("table-*.pickle"))) == 4


def test_other_options_or_a_changed_file_get_a_table_of_their_own(log_path, work, tmp_path):
    log = TransactionLog(log_path)
    keys = {shared_table.fingerprint(log, dict(freq=f, bins=b)) for f in ("W", "D") for b in (4, 5)}
    assert len(keys) == 4
    scheme = pd.DataFrame([["All", 1, 5, 1, 5]], columns=["segment", "r_min", "r_max", "f_min", "f_max"])
    assert shared_table.fingerprint(log, dict(scheme=scheme)) != shared_table.fingerprint(
        log, dict(scheme=scheme.assign(r_max=4)))
    limited = rfm.default_scheme(5)
    assert shared_table.fingerprint(log, dict(scheme=limited)) != shared_table.fingerprint(
        log, dict(scheme=rfm.default_scheme(5, limits=None)))  # the same rows, without recency limits
    assert shared_table.fingerprint(log, dict(observation_end=pd.Timestamp("2024-06-30"))) != \
        shared_table.fingerprint(log, dict(observation_end=pd.Timestamp("2024-06-29")))
    copy = tmp_path / "copy.parquet"
    copy.write_bytes(log_path.read_bytes())
    before = shared_table.fingerprint(TransactionLog(copy), {})
    pd.read_parquet(copy).head(100).to_parquet(copy)
    assert shared_table.fingerprint(TransactionLog(copy), {}) != before
    assert shared_table.fingerprint(TransactionLog(copy, observation_end="2024-01-31"), {}) != \
        shared_table.fingerprint(TransactionLog(copy), {})


@pytest.mark.slow
def test_outside_a_batch_nothing_is_written(log_path, tmp_path, monkeypatch):
    folder = tmp_path / "gone"
    monkeypatch.setenv(config.WORK_ENV, str(folder))  # the runner removed it: the batch is over
    table = shared_table.customer_table(TransactionLog(log_path), freq="W", model=None)
    frame = pd.read_parquet(log_path)[["customer_id", "date", "amount"]]
    shared_table.customer_table(frame, freq="W", model=None)
    assert not folder.exists() and config.work_dir() is None
    monkeypatch.delenv(config.WORK_ENV)
    assert_same_table(table, built(TransactionLog(log_path), freq="W", model=None))


@pytest.mark.slow
def test_a_frame_is_shared_by_its_content_and_read_back_bit_for_bit(log_path, work, monkeypatch):
    """Reports of a batch on CSV files each load the same frame: the first builds the table, the
    others read it; a frame differing in one value, one type or its attrs gets a table of its own."""
    frame = pd.read_parquet(log_path)[["customer_id", "date", "amount"]].head(1500)
    first = shared_table.customer_table(frame, freq="W")
    assert len(list(work.glob("table-*.pickle"))) == 2  # the scored summary and the finished table
    assert_same_table(first, built(frame, freq="W"))

    def refuse(*args, **kwargs):
        raise AssertionError("built again")

    with monkeypatch.context() as m:
        m.setattr(shared_table, "scored_summary", refuse)
        m.setattr(shared_table, "complete_table", refuse)
        again = shared_table.customer_table(frame.copy(), freq="W")  # another process's equal frame
    assert_same_table(again, first)
    assert shared_table.customer_table(frame, freq="W", model=None).attrs["model"] is None
    assert len(list(work.glob("table-*.pickle"))) == 3  # the scored summary shared, another finished table

    key = shared_table.frame_fingerprint
    changed = frame.copy()
    changed.loc[changed.index[-1], "amount"] += 0.01
    typed = frame.astype({"amount": "float32"})
    noted = frame.copy()
    noted.attrs["note"] = "another read"
    texts = frame.astype({"amount": object})
    numbers = texts.assign(amount=texts["amount"].map(str).astype(object))  # pandas alone hashes 1.5 and "1.5" alike
    assert len({key(frame), key(frame.copy()), key(changed), key(typed), key(noted), key(texts), key(numbers)}) == 6
    assert_same_table(shared_table.customer_table(changed, freq="W"), built(changed, freq="W"))
    assert len(list(work.glob("table-*.pickle"))) == 5


def test_a_frame_that_cannot_be_hashed_builds_its_own_table(log_path, work):
    frame = pd.read_parquet(log_path)[["customer_id", "date", "amount"]].head(1500)
    frame.attrs["reader"] = lambda: None  # attrs that do not pickle: no name for the frame
    assert shared_table.frame_fingerprint(frame) is None
    assert_same_table(shared_table.customer_table(frame, freq="W", model=None), built(frame, freq="W", model=None))
    assert list(work.iterdir()) == []


def test_a_broken_table_file_is_built_again_and_replaced(log_path, work):
    want = shared_table.customer_table(TransactionLog(log_path), freq="W", model=None)
    for path in work.glob("table-*.pickle"):
        path.write_bytes(b"half a file")
    got = shared_table.customer_table(TransactionLog(log_path), freq="W", model=None)
    assert_same_table(got, want)
    for path in work.glob("table-*.pickle"):
        with open(path, "rb") as fh:
            assert isinstance(pickle.load(fh), pd.DataFrame)


def test_the_work_folder_lives_while_a_batch_of_several_reports_runs():
    from crmlib.reports import runner
    from crmlib.reports.kernels import work_folder

    folder = work_folder()
    assert folder == work_folder() and folder.parent.stat().st_mode & 0o077 == 0  # private, one per process
    with runner._shared_work(False):
        assert not folder.exists()  # a report alone builds its own table
    with runner._shared_work(True):
        assert folder.is_dir()
        with runner._shared_work(True):  # a second run of the same process
            (folder / "table-x.pickle").write_bytes(b"x")
        assert (folder / "table-x.pickle").exists()
    assert not folder.exists()


@pytest.mark.slow
def test_a_batch_builds_the_table_once_and_writes_the_pages_a_report_alone_writes(log_path, tmp_path, monkeypatch):
    """overview then segments in one batch: segments reads the overview's scored summary (3 tables
    written: scored summary, overview's table, segments' table with the model) and its page and files
    are those of segments run alone."""
    from crmlib.reports import runner
    from crmlib.reports.kernels import work_folder

    seen, original = [], shutil.rmtree

    def remove(path, **kw):  # shutil is everyone's: note only the batch's work folder
        if Path(path) == work_folder():
            seen.extend(sorted(p.name for p in Path(path).glob("table-*.pickle")))
        return original(path, **kw)

    monkeypatch.setattr(shutil, "rmtree", remove)
    inputs = {"transactions": log_path}
    batch = runner.run_reports(["overview", "segments"], tmp_path / "batch", inputs=inputs, progress=False)
    alone = runner.run_reports(["segments"], tmp_path / "alone", inputs=inputs, progress=False)
    assert batch.ok and alone.ok and len(seen) == 3
    files = sorted(p.relative_to(tmp_path / "alone") for p in (tmp_path / "alone" / "segments").rglob("*.csv"))
    assert files
    for name in files:
        assert (tmp_path / "batch" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name

    def page(folder):
        text = (folder / "segments.html").read_text(encoding="utf-8").replace(str(folder), "OUT")
        return re.sub(r"<footer.*</footer>", "", text, flags=re.S)

    assert page(tmp_path / "batch") == page(tmp_path / "alone")


def test_work_folders_of_killed_processes_are_swept_and_live_ones_kept(tmp_path):
    """A batch's work folder holds raw customer ids; a process killed with SIGKILL never runs its exit
    handler, so the next process to make a work folder removes such leftovers (never a live process's)."""
    import os
    import subprocess
    import sys

    from crmlib.reports.kernels import WORK_PREFIX, sweep_work_folders

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{WORK_PREFIX}{gone.stdout.strip()}-abc"
    alive = tmp_path / f"{WORK_PREFIX}{os.getppid()}-def"
    mine = tmp_path / f"{WORK_PREFIX}{os.getpid()}-ghi"
    other = tmp_path / "crmlib-work-notapid"
    for folder in (dead, alive, mine, other):
        (folder / "shared").mkdir(parents=True)
        (folder / "shared" / "ids.pkl").write_bytes(b"raw ids")
    assert sweep_work_folders(tmp_path) == [dead]
    assert not dead.exists() and alive.exists() and mine.exists() and other.exists()
