"""benchmarks/compare_pages.py, the before/after check of the speed work (issue 24.3): two runs' pages and CSV
files are the same when only the run's time, date and folder differ, and a changed number, sentence or
file is reported."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("compare_pages", ROOT / "benchmarks" / "compare_pages.py")
compare_pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_pages)

PAGE = """<html><head><style>td {{ color: red }}</style><script>var x = {script};</script></head><body>
<h1>Retention</h1><p>31.0% of new customers buy again{extra}.</p>
<table><tr><th>Score</th><th>ROC AUC</th></tr><tr><td>gradient boosting</td><td>{auc}</td></tr></table>
<table><tr><td>output_dir</td><td>{root}/demo/retention</td></tr><tr><td>Run at (UTC)</td><td>{at}</td></tr>
<tr><td>Run time</td><td>{took}</td></tr></table><img src="data:image/png;base64,{png}"></body></html>"""


def _run(root: Path, auc="0.812", extra="", csv="score,auc\ngb,0.812\n", **kw) -> Path:
    page = dict(script=1, at="2026-12-03 09:00:01", took="12.3 s", png="AAAA") | kw
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "retention.html").write_text(PAGE.format(auc=auc, extra=extra, root=root, **page), "utf-8")
    (root / "demo" / "retention").mkdir()
    (root / "demo" / "retention" / "scores.csv").write_text(csv, "utf-8")
    return root / "demo"


def test_runs_differing_only_in_time_date_folder_scripts_and_images_are_the_same(tmp_path):
    before = _run(tmp_path / "before")
    after = _run(tmp_path / "after", script=2, at="2026-12-03 10:15:59", took="9.8 s", png="BBBB")
    assert compare_pages.compare(before, after) == []
    for at, later in [("3 Dec 2026, 09:00", "3 Dec 2026, 10:15"), ("৩ ডিসেঃ, ২০২৬ ০৯:০০", "৩ ডিসেঃ, ২০২৬ ১০:১৫")]:
        first, second = _run(tmp_path / f"b{at[:1]}", at=at), _run(tmp_path / f"a{at[:1]}", at=later)
        assert compare_pages.compare(first, second) == [], at  # the run time as pages show it
    assert compare_pages.main([str(before), str(after)]) == 0


def test_a_changed_number_sentence_or_file_is_reported(tmp_path):
    before = _run(tmp_path / "before")
    for i, change in enumerate([{"auc": "0.813"}, {"extra": " within a month"}, {"csv": "score,auc\ngb,0.813\n"}]):
        after = _run(tmp_path / f"after{i}", **change)
        problems = compare_pages.compare(before, after)
        assert len(problems) == 1 and ("0.813" in problems[0] or "within a month" in problems[0])
    (after / "retention" / "scores.csv").unlink()
    assert any("missing after" in p for p in compare_pages.compare(before, after))
    assert compare_pages.main([str(before), str(after)]) == 1
