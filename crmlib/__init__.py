"""crmlib: CRM analytics for Jupyter - loaders, RFM, lifetime value, feedback and reports."""

from crmlib.exceptions import ConvergenceError, DataError, NotFittedError
from crmlib.ledger import Ledger, ledger_of

__version__ = "0.1.0"

__all__ = ["ConvergenceError", "DataError", "Ledger", "NotFittedError", "ledger_of", "__version__"]
