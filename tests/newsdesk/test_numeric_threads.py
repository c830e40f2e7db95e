"""BLAS runs one thread per process unless the operator sets the thread variables (README, "Measurements")."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO

from newsdesk.numeric_threads import THREAD_VARIABLES

SHOW_THREADS = ("import newsdesk.cli, json, numpy\n"
                "from threadpoolctl import threadpool_info\n"
                "print(json.dumps({i['internal_api']: i['num_threads'] for i in threadpool_info()}))")


def threads_after_importing_the_entry_point(**variables: str) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    env.update(variables)
    result = subprocess.run([sys.executable, "-c", SHOW_THREADS], capture_output=True, text=True, env=env,
                            cwd=REPO, timeout=120, check=True)
    return json.loads(result.stdout)


def test_the_newsdesk_command_runs_blas_with_one_thread():
    threads = threads_after_importing_the_entry_point()
    assert threads and set(threads.values()) == {1}, threads


def test_an_operator_can_give_blas_more_threads():
    assert threads_after_importing_the_entry_point(OPENBLAS_NUM_THREADS="2")["openblas"] == 2


def test_the_test_run_itself_uses_one_blas_thread_unless_told_otherwise():
    import numpy  # noqa: F401 -- loads BLAS, so that threadpoolctl lists it
    from threadpoolctl import threadpool_info

    variable = {"openblas": "OPENBLAS_NUM_THREADS", "openmp": "OMP_NUM_THREADS", "mkl": "MKL_NUM_THREADS"}
    libraries = threadpool_info()
    assert libraries
    for library in libraries:
        assert library["num_threads"] == int(os.environ[variable[library["internal_api"]]]), library
