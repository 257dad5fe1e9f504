"""Build notebooks/reports/clv.ipynb (the customer-lifetime-value report) without outputs.

Run: .venv/bin/python notebooks/_build/clv.py
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "reports" / "clv.ipynb"


def md(text):
    return new_markdown_cell(text.strip())


def code(text, **metadata):
    return new_code_cell(text.strip(), metadata=metadata)


cells = [
    md("""
# Customer lifetime value: who will buy again, and what they are worth

A buy-till-you-die model learns, from each customer's number of repeat purchases, the age of their
last purchase and how long we have known them, how often customers buy and how likely they are to
have quietly left. The report checks the model on a holdout period it has not seen, then predicts
each customer's purchases and discounted value over the coming horizon, by decile and by RFM segment.
Customer ids appear only as keyed pseudonyms.
"""),
    code("""
# Parameters (papermill sets these; None means the demo data in crmlib.config.DEMO_DIR)
transactions = None      # path to transactions.csv
model = "BetaGeo"        # "BetaGeo" (BG/NBD), "ModifiedBetaGeo" (MBG/NBD) or "ParetoNBD"
time_unit = "W"          # "D" days, "W" weeks, "M" months (of 30.44 days): the unit of T, horizon and rate
calibration_end = None   # YYYY-MM-DD; None: two thirds of the way through the data
observation_end = None   # YYYY-MM-DD; None: the last transaction date
horizon_days = 365       # CLV horizon in days; converted to time_unit periods (52 weeks, 12 months)
annual_discount = 0.10   # discount rate per year; converted to a rate per time_unit period
currency = "INR"         # label for money axes
top_n = 20               # rows in the top-customers table
""", tags=["parameters"]),
    code("""
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from crmlib import ConvergenceError, clv, config, plots_clv, rfm
from crmlib.io import read_transactions
from crmlib.ledger import ledger_table
from crmlib.reports import record
from crmlib.summary import rfm_summary

unit = plots_clv.unit_name(time_unit)
horizon, rate = clv.periods_and_rate(horizon_days, annual_discount, time_unit)
source = transactions if transactions is not None else config.DEMO_DIR / "transactions.csv"
tx = read_transactions(source, observation_end=observation_end)
end = pd.Timestamp(observation_end) if observation_end is not None else tx["date"].max()
cal_end = (pd.Timestamp(calibration_end) if calibration_end is not None
           else plots_clv.default_calibration_end(tx, observation_end=end))
calibration = rfm_summary(tx, observation_end=end, freq=time_unit, calibration_end=cal_end)
summary = rfm_summary(tx, observation_end=end, freq=time_unit)
record(data_period=(tx["date"].min(), end))
print(f"{len(tx):,} transactions of {tx['customer_id'].nunique():,} customers, "
      f"{tx['date'].min():%Y-%m-%d} to {end:%Y-%m-%d}; calibration up to {cal_end:%Y-%m-%d}, "
      f"holdout {calibration['duration_holdout'].iloc[0]:.1f} {unit}.")
ledger_table(tx, calibration, summary)
"""),
    md("""
## Which model describes these customers best

Three models are fitted to the calibration period and scored on the holdout period. Lower BIC means a
better fit for the number of parameters; MAE and RMSE are the per-customer errors of the predicted
holdout purchases. The rest of the report uses the model chosen in the parameters.
"""),
    code("""
cal_fit = plots_clv.fittable(calibration)
candidates = {name: plots_clv.transaction_model(name) for name in plots_clv.TRANSACTION_MODELS}
comparison = clv.compare_models(candidates, cal_fit[["frequency", "recency", "T"]], holdout=cal_fit)
print(f"Chosen model: {model}; lowest BIC: {comparison.index[0]}.")
failed = comparison.index[comparison["note"] != ""].tolist()
for name in failed:
    print(f"{name} could not be fitted on these data: {comparison.loc[name, 'note']}")
holdout_model = model if model not in failed else comparison.index[0]
if holdout_model != model:
    print(f"The holdout check below uses {holdout_model}, the best model that could be fitted.")
comparison.style.format(precision=3)
"""),
    md("""
## Does the model predict the holdout period?

Customers are grouped by their repeat purchases in the calibration period. Where the two lines sit
close together the model ranks customers well; a gap in the right-hand groups means heavy buyers are
over- or under-predicted.
"""),
    code("""
holdout_table = clv.calibration_holdout(candidates[holdout_model], cal_fit)
plots_clv.calibration_holdout_figure(holdout_table, holdout_model, cal_fit["duration_holdout"].iloc[0],
                                     time_unit)
plt.show()
holdout_table.style.format({"actual": "{:.2f}", "predicted": "{:.2f}"})
"""),
    md("""
## Who is still active, and who will buy

The model is refitted on the whole period. Each cell is a customer of the typical age with that many
repeat purchases and last purchase at that age (x axis): frequent buyers who have gone quiet (left side
of the upper rows) are most likely lost, while one purchase long ago still leaves some hope. The first map
shows the probability of being active, the second the purchases expected over the horizon.
"""),
    code("""
fit_data = plots_clv.fittable(summary)
try:
    chosen = plots_clv.transaction_model(model).fit(fit_data[["frequency", "recency", "T"]])
except ConvergenceError as err:
    print(f"{model} could not be fitted on the whole period ({str(err).splitlines()[0]}); "
          "the rest of the report uses BetaGeo.")
    chosen = clv.BetaGeo().fit(fit_data[["frequency", "recency", "T"]])
display(chosen)
age = float(fit_data["T"].median())
top_frequency = int(max(5, fit_data["frequency"].quantile(0.95)))
plots_clv.frequency_recency_heatmap(
    plots_clv.frequency_recency_grid(chosen, age, "probability_alive", max_frequency=top_frequency), time_unit)
plt.show()
plots_clv.frequency_recency_heatmap(
    plots_clv.frequency_recency_grid(chosen, age, "expected_purchases", t=horizon, max_frequency=top_frequency),
    time_unit)
plt.show()
"""),
    md("""
## What customers are worth

Spend per purchase comes from a gamma-gamma model fitted to the repeat buyers who spent something;
each customer's lifetime value is their expected purchases in each period of the next `horizon_days`,
valued at their expected spend and discounted at `annual_discount` a year (converted to a rate per
period, printed below). Values are usually very unequal: the histogram uses a log scale.
"""),
    code("""
repeat, free = clv.spend_data(fit_data)
if free:
    print(f"{free} repeat buyers whose repeat purchases were all free are left out of the spend model.")
spend = clv.GammaGamma().fit(repeat[["frequency", "monetary_value"]])
display(spend)
customers = summary[["frequency", "recency", "T", "monetary_value"]].copy()
customers["p_alive"] = chosen.probability_alive(customers)
purchases_col = f"purchases_next_{horizon}_{unit}"
customers[purchases_col] = chosen.expected_purchases(horizon, customers)
customers["expected_spend"] = spend.expected_spend(customers)
value = clv.predicted_clv(customers, horizon_days, annual_discount, model=chosen, spend_model=spend)
customers["clv"] = value
print(f"Lifetime value: {value.attrs['note']} ({rate:.4%} per {unit.rstrip('s')}).")
record(total_clv=float(customers["clv"].sum()), customers=len(customers))
plots_clv.clv_distribution(customers["clv"], horizon, time_unit, currency)
plt.show()
"""),
    md("""
### Deciles

Customers ranked by lifetime value in ten equal groups, top first; the last column shows how quickly
the value accumulates.
"""),
    code("""
(plots_clv.clv_deciles(customers["clv"])
 .style.format({"mean": "{:,.0f}", "min": "{:,.0f}", "max": "{:,.0f}",
                "share": "{:.1%}", "cumulative_share": "{:.1%}"}))
"""),
    md("""
## Lifetime value by RFM segment

Segments come from `crmlib.rfm` (recency and frequency scores on the same summary). A segment whose
value bar is longer than its customer bar is worth more than its head count; those are the customers
to protect first.
"""),
    code("""
customers["segment"] = rfm.segment(rfm.score(summary))
by_segment = plots_clv.clv_by_segment(customers["clv"], customers["segment"])
plots_clv.clv_by_segment_figure(by_segment)
plt.show()
by_segment.style.format({"total": "{:,.0f}", "mean": "{:,.0f}", "customer_share": "{:.1%}",
                         "clv_share": "{:.1%}"})
"""),
    md("""
## Top customers

The customers with the highest expected value, shown by keyed pseudonym (the key is the
`CRMLIB_SECRET` environment variable, so the same customer gets the same pseudonym in every report).
Their exact purchase history is left out, so the table cannot be matched back to the transactions.
"""),
    code("""
shown = customers[["segment", "p_alive", purchases_col, "expected_spend", "clv"]]
(plots_clv.top_customers(shown, by="clv", n=top_n)
 .style.format({"p_alive": "{:.0%}", purchases_col: "{:.1f}", "expected_spend": "{:,.0f}",
                "clv": "{:,.0f}"}))
"""),
]

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
})
if __name__ == "__main__":
    nbformat.validate(nb)
    nbformat.write(nb, OUT)
    print(f"wrote {OUT}")
