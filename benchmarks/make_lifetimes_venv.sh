#!/usr/bin/env bash
# Build the throwaway virtual environment holding lifetimes 0.11.3 for the CLV benchmark.
#
# lifetimes 0.11.3 (2020) does not run on the numpy 2 / pandas 3 stack crmlib uses, so it
# gets its own venv with the older versions it needs (see /work/shared/STACK.md).
# The venv lives in benchmarks/.venv-lifetimes/ (gitignored). Re-running is a no-op once built.
#
# Usage: benchmarks/make_lifetimes_venv.sh [PYTHON]     (default: python3.11 or python3)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv-lifetimes"
python="${1:-$(command -v python3.11 || command -v python3)}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import lifetimes" 2>/dev/null; then
    echo "lifetimes venv already built: $venv"
    exit 0
fi

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet \
    "lifetimes==0.11.3" "numpy==1.26.*" "pandas==1.5.*" "scipy==1.11.*" \
    "autograd" "setuptools<81" "pyarrow<18"
"$venv/bin/python" -c "import lifetimes, numpy, pandas, scipy; print('lifetimes', lifetimes.__version__, 'numpy', numpy.__version__, 'pandas', pandas.__version__, 'scipy', scipy.__version__)"
