"""Record today's fits (before the speed work) as the reference of test_fit_speed_keeps_numbers."""
import json, sys
import numpy as np, pandas as pd
from crmlib.clv import BetaGeo, ModifiedBetaGeo, ParetoNBD
from crmlib.config import CDNOW_DIR
from crmlib.datasets import make_crm_dataset
from crmlib.io import read_transactions
from crmlib.summary import rfm_summary

cdnow = pd.read_csv(CDNOW_DIR / "cdnow_customers_summary.csv", index_col="ID")
cdnow.attrs["freq"] = "W"
ds = make_crm_dataset(n_customers=2000, seed=42)
out = {}
for freq in ("W", "D"):
    summ = rfm_summary(ds.transactions, freq=freq)
    for cls in (BetaGeo, ModifiedBetaGeo, ParetoNBD):
        for name, data in (("cdnow", cdnow), (f"demo_{freq}", summ)):
            if name == "cdnow" and freq == "D":
                continue
            m = cls().fit(data[["frequency", "recency", "T"]])
            out[f"{cls.__name__}/{name}"] = {
                "params": m.params_.to_dict(), "se": m.standard_errors_.to_dict(),
                "log_likelihood": m.log_likelihood_}
json.dump(out, open(sys.argv[1], "w"), indent=1)
print(json.dumps(out, indent=1)[:1500])
