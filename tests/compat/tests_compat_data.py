"""Data for the ported lifetimes tests (a helper module, not a test file)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clv"))
from clv_published import DONATION_PATTERNS  # noqa: E402,F401
