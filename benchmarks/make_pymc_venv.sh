#!/usr/bin/env bash
# Build the throwaway virtual environment holding pymc-marketing for the covariate comparison
# (benchmarks/compare_pymc.py): crmlib's maximum-likelihood fit of BG/NBD and Pareto/NBD with
# covariates against pymc-marketing's MAP fit on the same data.
#
# pymc-marketing pulls in pymc and pytensor (which compiles C with the system's g++), so it gets
# its own venv and never enters crmlib's. The venv lives in benchmarks/.venv-pymc/ (gitignored).
# crmlib itself is not installed there: compare_pymc.py runs crmlib's fit in crmlib's own venv
# and pymc-marketing's in this one, passing the data through a file. Re-running is a no-op.
#
# Usage: benchmarks/make_pymc_venv.sh [PYTHON]     (default: python3.11 or python3)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv-pymc"
python="${1:-$(command -v python3.11 || command -v python3)}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import pymc_marketing" 2>/dev/null; then
    echo "pymc-marketing venv already built: $venv"
    exit 0
fi

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "pymc-marketing" "pyarrow"
"$venv/bin/python" -c "import pymc_marketing, pymc, pytensor, numpy, pandas; print('pymc-marketing', pymc_marketing.__version__, 'pymc', pymc.__version__, 'pytensor', pytensor.__version__, 'numpy', numpy.__version__, 'pandas', pandas.__version__)"
