"""Runs crmlib/notebooks/feedback.ipynb with papermill on small files made here."""

import json

import nbformat
import papermill
import pytest

from crmlib import config

NOTEBOOK = config.report_notebook("feedback")


def _outputs(nb) -> tuple[str, str]:
    """(all text/HTML/markdown outputs, all stream output) of an executed notebook."""
    shown, streams = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                streams.append(out["text"])
            for kind in ("text/html", "text/markdown", "text/plain"):
                if kind in out.get("data", {}):
                    shown.append(out["data"][kind])
    return "\n".join(shown), "\n".join(streams)


def test_notebook_is_committed_clean_with_one_parameters_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("feedback", "customers", "transactions", "period", "min_responses", "lexicon"):
        assert f"{name} = " in tagged[0].source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["kernelspec"]["name"] == "python3"


def _run(tmp_path, **params):
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=params, cwd=str(tmp_path),
                               kernel_name="python3", progress_bar=False)
    return nbformat.read(out, as_version=4)


@pytest.mark.slow
def test_report_runs_on_a_feedback_file_alone(tmp_path, feedback_csv):
    nb = _run(tmp_path, feedback=str(feedback_csv), min_responses=10)
    shown, streams = _outputs(nb)
    assert "No transactions file was given" in shown  # the value section says what would enable it
    assert "Glyph" not in streams and "Traceback" not in streams
    # themes and driver terms in all three languages, shown in HTML tables
    for word in ("डिलीवरी", "ডেলিভারি", "refund"):
        assert word in shown, word
    # no PII: the planted email and phone never appear, the redaction marks do
    assert "example.com" not in shown and "98765" not in shown and "C0001" not in shown
    assert "[phone]" in shown


@pytest.mark.slow
def test_report_with_transactions_shows_segments_and_value(tmp_path, feedback_csv,
                                                            transactions_csv):
    nb = _run(tmp_path, feedback=str(feedback_csv), transactions=str(transactions_csv),
              min_responses=10)
    shown, _ = _outputs(nb)
    assert "No transactions file was given" not in shown
    assert "expected spend per purchase from the Gamma-Gamma model" in shown  # lifetime value was computed
    assert "Share of lifetime value" in shown  # the value held by detractors, passives and promoters
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 7
    json.dumps(nb)  # the executed notebook is valid JSON for nbconvert


@pytest.mark.slow
def test_report_runs_on_small_demo_with_one_answer_cities(tmp_path):
    """make_crm_dataset(300, seed=3) has cities with a single promoter's answer; the city cell
    used to fail with "'xerr' must not contain negative values"."""
    from crmlib.datasets import make_crm_dataset

    files = make_crm_dataset(n_customers=300, seed=3).write(tmp_path / "demo")
    nb = _run(tmp_path, feedback=str(files["feedback"]), customers=str(files["customers"]),
              transactions=str(files["transactions"]))
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    shown, _ = _outputs(nb)
    assert "No customers file with cities" not in shown  # the city section really ran


@pytest.mark.slow
def test_report_says_when_no_survey_customer_is_found_among_the_transactions(tmp_path, feedback_csv,
                                                                           transactions_csv):
    """Issue 18: feedback ids that match no transaction gave 'detractors, passives and promoters hold
    a lifetime value of 0.00'. Then the page said "0 of 150 survey customers found" above a figure of one segment
    "–" titled "too few answers to compare" of 400 answers: it now says that none was found, of how many, and shows
    no value, no segment and no figure."""
    import pandas as pd

    fb = pd.read_csv(feedback_csv, dtype=str)
    fb["customer_id"] = "S" + fb["customer_id"]  # ids of another system: none is found
    fb.to_csv(feedback_csv, index=False)
    nb = _run(tmp_path, feedback=str(feedback_csv), transactions=str(transactions_csv), min_responses=10)
    shown, _ = _outputs(nb)
    n, held = fb["customer_id"].nunique(), pd.read_csv(transactions_csv)["customer_id"].nunique()
    assert (f"None of the {n} customers who gave {len(fb)} answers is among the {held} customers with transactions"
            in shown)
    section = [o for c in nb.cells if "page.best_customers()" in c.source for o in c.get("outputs", [])]
    assert not any("image/png" in o.get("data", {}) or "text/html" in o.get("data", {}) for o in section)
    assert "0.00" not in shown


@pytest.mark.slow
def test_report_on_a_thin_trilingual_survey_pools_and_themes_across_languages(tmp_path):
    """Issue 20, finding 14: 320 answers over 24 months, no month with 30. The page shows a trend on
    quarters and says why, themes hold all three languages with their NPS, praise stays praise."""
    from trilingual_survey import make_survey  # tests/feedback/trilingual_survey.py

    path = tmp_path / "survey.csv"
    make_survey().to_csv(path, index=False)
    nb = _run(tmp_path, feedback=str(path), output_dir=str(tmp_path / "out"))
    shown, streams = _outputs(nb)
    assert "Traceback" not in streams
    assert "Months hold too few answers" in shown and "quarters are used" in shown
    assert "too few periods with enough answers to show a trend" not in shown
    assert "Q4 2025" in shown
    themes = (tmp_path / "out" / "nps-by-theme.csv").read_text(encoding="utf-8")
    assert "delivery" in themes and "English" in themes and "Bengali" in themes and "Hindi" in themes
    assert "example.com" not in shown and "S0001" not in shown
