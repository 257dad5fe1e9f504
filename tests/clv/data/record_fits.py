"""Record the fits made before the speed work of issue 24.1, the reference of test_clv_fit_speed.py.

Run once, on the code before that work: python tests/clv/data/record_fits.py OUT.json
"""
import json
import sys

import pandas as pd

from crmlib.clv import BetaGeo, ModifiedBetaGeo, ParetoNBD
from crmlib.config import CDNOW_DIR
from crmlib.datasets import make_crm_dataset
from crmlib.summary import rfm_summary


def main(path):
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
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)
    print(json.dumps(out, indent=1)[:1500])


if __name__ == "__main__":
    main(sys.argv[1])
