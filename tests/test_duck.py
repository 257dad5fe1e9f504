"""crmlib.duck: every connection is a cursor of one DuckDB database per process (issue 22.5).

A new in-memory database cost 10 ms of CPU, paid several times by every summary of a frame (11 times
in one churn comparison); a cursor costs 0.4 ms. What must not change: each connection's temporary
tables and registered frames are its own, spill files go to a temporary folder, memory is bounded,
and a process forked after DuckDB was used still ends cleanly.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from crmlib import duck


def test_connections_share_one_database_but_not_their_tables():
    with duck.Connection() as first, duck.Connection() as second:
        first.execute("CREATE TEMP TABLE crmlib_test_rows AS SELECT 1 AS x")
        first.register("crmlib_test_frame", pd.DataFrame({"x": [1, 2]}))
        assert first.execute("SELECT COUNT(*) FROM crmlib_test_frame").fetchone() == (2,)
        seen = second.execute("SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = 'crmlib_test_rows'").fetchone()
        assert seen == (0,)
        views = second.execute("SELECT COUNT(*) FROM duckdb_views() WHERE view_name = 'crmlib_test_frame'").fetchone()
        assert views == (0,)
    with duck.Connection() as later:  # the same name again: nothing was left behind
        later.execute("CREATE TEMP TABLE crmlib_test_rows AS SELECT 2 AS x")
        assert later.execute("SELECT x FROM crmlib_test_rows").fetchall() == [(2,)]
    assert duck.database() is duck.database()


def test_spill_files_go_to_a_temporary_folder_and_memory_is_bounded_and_given_back():
    with duck.Connection() as con:
        folder, limit, ordered, background = con.execute(
            "SELECT current_setting('temp_directory'), current_setting('memory_limit'), "
            "current_setting('preserve_insertion_order'), current_setting('allocator_background_threads')"
        ).fetchone()
    assert Path(folder).parent == Path(tempfile.gettempdir()) and Path(folder).name.startswith("crmlib-duckdb-")
    assert limit.endswith("GiB") and float(limit.split()[0]) < 3.0
    assert ordered is False
    assert background is True  # freed memory returned to the system between queries (crmlib.duck.database)


CHILD = """
import os, sys
from crmlib import duck
with duck.Connection() as con:
    con.execute("SELECT 1")
folder = duck._DATABASE["folder"]
made = os.path.exists(folder)  # made by DuckDB only when it spills: a killed kernel leaves no folder
pid = os.fork()
if pid == 0:
    with duck.Connection() as con:  # its own database
        assert con.execute("SELECT 42").fetchone() == (42,)
    sys.exit(0)  # the interpreter ends normally, freeing what it holds
_, status = os.waitpid(pid, 0)
print(status, duck._DATABASE["folder"] == folder, made)
"""


@pytest.mark.slow
def test_a_forked_child_ends_cleanly_after_its_parent_used_duckdb():
    """Without care the child freed the parent's database at exit and died of SIGSEGV (status 11); the
    parent keeps its own database. A process that spilled nothing has no spill folder on disk."""
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "True", "False"], out.stderr


def test_memory_lowered_lowers_the_bound_for_the_block_then_restores_it_as_configured():
    """A large result about to enter pandas lowers DuckDB's bound by its size (never below a quarter);
    afterwards the bound is the configured one again, not DuckDB's rounded reading of it."""
    with duck.Connection() as con:
        def limit():
            return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]

        before = limit()
        with duck.memory_lowered(con, 2 * 2 ** 30):
            inside = limit()
            assert float(inside.split()[0]) < float(before.split()[0]) - 1.5 or inside.endswith("MiB")
        assert limit() == before
        with duck.memory_lowered(con, 100 * 2 ** 30):  # more than the bound: a quarter of it stays
            assert inside.endswith("MiB") and 600 < float(limit().split()[0]) < 800
        with duck.memory_lowered(con, 0):
            assert limit() == before
        assert limit() == before


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="resident memory is read from Linux's /proc")
def test_held_outside_counts_what_python_holds_and_not_duckdbs_own_tables():
    """What the process holds outside DuckDB, by which the kept lines' grouping lowers DuckDB's bound
    (crmlib.log_tables.lines): 200 MB of numpy count (and stop counting when freed); a DuckDB table of
    160 MB does not (it is DuckDB's own memory, already within the bound). The margins leave room for
    memory DuckDB's allocator returns in the background meanwhile."""
    import numpy as np

    with duck.Connection() as con:
        block = np.ones(25_000_000)  # 200 MB, touched
        holding = duck.held_outside(con)
        del block
        freed = duck.held_outside(con)
        con.execute("CREATE TEMP TABLE crmlib_held AS SELECT i, i * 2 AS j FROM range(10000000) t(i)")
        with_table = duck.held_outside(con)
    assert 150e6 < holding - freed < 400e6
    assert with_table - freed < 80e6  # not subtracting DuckDB's own would count the table's 160 MB


KILLED = """
import os, signal
from crmlib import duck
with duck.Connection() as con:  # spill: a temporary table of 320 MB under a bound of 64 MB
    con.execute("SET memory_limit = '64MB'")
    con.execute("CREATE TEMP TABLE crmlib_big AS SELECT i, i * 2 AS j FROM range(20000000) t(i)")
    print(duck._DATABASE["folder"], os.path.isdir(duck._DATABASE["folder"]), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no exit handler runs: DuckDB cannot remove its spill folder
"""


@pytest.mark.slow
def test_a_spill_folder_left_by_a_killed_process_is_removed_by_the_next_one(tmp_path):
    """DuckDB's spill files hold rows of the files read; a process killed with SIGKILL leaves them, so the
    next process to open the database removes the spill folders of processes that are gone."""
    env = {**__import__("os").environ, "TMPDIR": str(tmp_path)}
    killed = subprocess.run([sys.executable, "-c", KILLED], capture_output=True, text=True, env=env)
    folder, made = killed.stdout.split()
    assert killed.returncode == -9 and made == "True" and Path(folder).is_dir(), killed.stderr
    later = subprocess.run([sys.executable, "-c", "from crmlib import duck; duck.database(); "
                            "import os; print(os.path.isdir(duck._DATABASE['folder']))"],
                           capture_output=True, text=True, env=env)
    assert later.returncode == 0 and later.stdout.split() == ["False"], later.stderr
    assert not Path(folder).exists()
