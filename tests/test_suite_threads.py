"""The test processes run numerical libraries on one thread (``conftest.THREAD_LIMITS``).

pytest-xdist gives each core one worker; OpenMP or OpenBLAS pools on top of that made scikit-learn's
gradient-boosting fits spin for the other worker's core (the churn-score fixture: 69 s instead of 0.8 s).
Report kernels and command-line runs started by tests inherit the environment, so they run on one thread too.
"""

import os

from threadpoolctl import threadpool_info


def test_thread_pools_of_the_test_process_hold_one_thread():
    import numpy  # noqa: F401 (loads OpenBLAS)
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads  # loads the OpenMP runtime

    pools = threadpool_info()
    assert {pool["user_api"] for pool in pools} >= {"openmp", "blas"}
    assert {pool["num_threads"] for pool in pools} == {1}, pools
    assert _openmp_effective_n_threads() == 1
    assert os.environ["OMP_NUM_THREADS"] == "1"  # what child processes inherit
