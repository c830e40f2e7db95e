"""One BLAS/OpenMP thread per process unless the operator says otherwise: set before numpy loads.

Why: the encoder's matrix products are small (a batch of short texts), so extra BLAS threads add little,
and OpenBLAS threads spin while they wait. On a shared 2-core machine a demo crawl took 78.7 s with the
default threads and 19.5 s with one, and the test suite 22 minutes against 8 (README, "Measurements").
The variables are read once, when numpy loads its BLAS, so this must run before anything imports numpy
(sqlite_utils does, through db): it is the first thing the `newsdesk` entry point and the tests do.
"""

from __future__ import annotations

import os

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_numeric_threads(threads: int = 1) -> None:
    """Set each thread variable the environment does not set already (an operator's value wins)."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))
