"""The words of the tables on every page: column labels and the notes under a table.

:data:`LABELS` maps crmlib's common column names to their English labels (message ids);
:func:`crmlib.reports.tables.show` translates them with ``Words(fmt.lang)``. A money column's label
gets the currency code in brackets after the translated label (``राजस्व (INR)``), so no label
message holds the currency. Data values (segment names from a file, channels, comments) are never
labels and are never translated.
"""

from crmlib.words import N_, NP_

#: crmlib's common column names -> labels with units (shares are shown as %, money gets the currency).
LABELS: dict[str, str] = {
    # data quality ledger
    "table": N_("Table"), "source": N_("Source"), "reason": N_("Reason"), "rows": N_("Rows"),
    "detail": N_("Detail"), "example rows": N_("Example rows"),
    # per-customer table and segments
    "customer": N_("Customer (pseudonym)"), "customer_id": N_("Customer"), "user_id": N_("Customer (pseudonym)"),
    "segment": N_("Segment"), "customers": N_("Customers"), "customer_share": N_("Share of customers"),
    "revenue": N_("Revenue"), "revenue_share": N_("Share of revenue"), "repeat_revenue": N_("Repeat revenue"),
    "frequency": N_("Repeat purchases"), "recency": N_("Recency"), "T": N_("Age"), "purchases": N_("Purchases"),
    "monetary_value": N_("Mean repeat spend"), "mean_spend": N_("Mean spend per purchase"),
    "days_since_last_purchase": N_("Days since last purchase"),
    "mean_days_since_last_purchase": N_("Mean days since last purchase"),
    "mean_time_since_last": N_("Mean days since last purchase"),
    "time_since_last": N_("Days since last purchase"), "spend": N_("Spend per purchase"),
    "mean_repeat_purchases": N_("Mean repeat purchases"), "mean_mean_spend": N_("Mean spend per purchase"),
    "mean_predicted_clv": N_("Mean lifetime value"), "predicted_clv": N_("Lifetime value"),
    "R": N_("R score"), "F": N_("F score"), "M": N_("M score"), "r_score": N_("R score"), "f_score": N_("F score"),
    "m_score": N_("M score"), "RFM": N_("RFM score"), "score": N_("Score"), "cluster": N_("Cluster"),
    "description": N_("Description"), "action": N_("Action"), "recommendation": N_("Recommendation"),
    "basis": N_("Basis"),
    "rule": N_("Rule"), "median_days_since_last_purchase": N_("Median days since last purchase"),
    "median_repeat_purchases": N_("Median repeat purchases"), "median_spend": N_("Median spend per purchase"),
    "segment before": N_("Segment before"), "segment after": N_("Segment now"),
    "last_purchase_date": N_("Last purchase"), "loyalty_tier": N_("Loyalty tier"), "city": N_("City"),
    "kind": N_("Kind"), "file": N_("File"), "skipped": N_("Skipped"),
    # lifetime value
    "model": N_("Model"), "params": N_("Parameters"), "parameter": N_("Parameter"), "estimate": N_("Estimate"),
    "meaning": N_("What it measures"), "log_likelihood": N_("Log-likelihood"), "note": N_("Note"),
    "MAE": N_("MAE (purchases)"), "RMSE": N_("RMSE (purchases)"),
    "actual": N_("Actual purchases (mean)"), "predicted": N_("Predicted purchases (mean)"),
    "p_alive": N_("P(alive)"), "median_p_alive": N_("Median P(alive)"),
    "expected_purchases": N_("Expected purchases"), "expected_spend": N_("Expected spend per purchase"),
    "clv": N_("Lifetime value"), "clv_share": N_("Share of lifetime value"), "clv_mean": N_("Mean lifetime value"),
    "clv_decile": N_("Lifetime-value decile"),
    "clv_lower": N_("Lifetime value, lower 90 %"), "clv_upper": N_("Lifetime value, upper 90 %"),
    "decile": N_("Decile"), "rank": N_("Rank"),
    "total": N_("Total"), "mean": N_("Mean"), "min": N_("Min"), "max": N_("Max"),
    "share": N_("Share"), "cumulative_share": N_("Cumulative share"),
    # feedback
    "channel": N_("Channel"), "metric": N_("Score"), "n": N_("Answers"), "lower": N_("Lower 95 %"),
    "upper": N_("Upper 95 %"), "promoters": N_("Promoters"), "passives": N_("Passives"),
    "detractors": N_("Detractors"), "too_few": N_("Too few answers"), "nps": N_("NPS"), "csat": N_("CSAT"),
    "ces": N_("CES"), "nps_responses": N_("NPS answers"), "nps_group": N_("NPS group"), "term": N_("Term"),
    "z": N_("z (log-odds)"), "language": N_("Language"), "side": N_("Side"), "theme": N_("Theme"),
    "label": N_("Label"), "comments": N_("Comments"), "languages": N_("Languages"), "top_terms": N_("Top terms"),
    "comment": N_("Comment"), "date": N_("Date"),
    # retention
    "likely_lost_share": N_("Share likely lost (P(alive))"), "inactive_share": N_("Share inactive (rule)"),
    "both_share": N_("Share flagged by both"), "flagged_by": N_("Flagged by"), "offer": N_("Offer"),
    "because": N_("Because"), "roc_auc": N_("ROC AUC"), "roc_auc_low": N_("ROC AUC, lower 95 %"),
    "roc_auc_high": N_("ROC AUC, upper 95 %"), "average_precision": N_("Average precision"),
    "ap_low": N_("Average precision, lower 95 %"), "ap_high": N_("Average precision, upper 95 %"),
    "brier": N_("Brier score"), "roc_auc_repeat_buyers": N_("ROC AUC, repeat buyers"),
    "antecedent": N_("Baskets holding"), "consequent": N_("Also hold"),
    "support": N_("Share of baskets (support)"), "confidence": N_("Confidence"), "lift": N_("Lift"),
    "baskets": N_("Baskets"), "category": N_("Category"), "second": N_("Second choice"),
    "spend (mean_spend)": N_("Spend per purchase"), "spend (monetary_value)": N_("Mean repeat spend"),
    "count_a": N_("Uses by detractors"), "count_b": N_("Uses by promoters"),
}

# ----------------------------------------------------------------------------- cells and notes
#: A true/false cell.
YES = N_("yes")
NO = N_("no")
#: Under a cut table with its CSV: {shown} and {total} are counts, {link} the CSV file's link.
ROWS_SHOWN_ALL_IN = NP_("{shown} of {total} row shown; all rows: {link}.",
                        "{shown} of {total} rows shown; all rows: {link}.")
#: Under a cut table without a CSV.
FIRST_ROWS = NP_("The first {shown} of {total} row.", "The first {shown} of {total} rows.")
#: Under a whole table with its CSV.
AS_CSV = N_("As a CSV file: {link}.")
#: Under a table with an empty cell: {dash} is the dash shown for it.
NO_VALUE = N_("{dash} no value.")

#: The overview report's tables (revenue by month, category mix, customers by attribute).
LABELS.update({
    "month": N_("Month"), "period": N_("Period"), "transactions": N_("Transaction lines"), "orders": N_("Orders"),
    "revenue_per_order": N_("Revenue per order"), "revenue_per_customer": N_("Revenue per customer"),
    "buyers": N_("Buyers"), "revenue_per_buyer": N_("Revenue per buyer"), "mean_clv": N_("Mean lifetime value"),
})
