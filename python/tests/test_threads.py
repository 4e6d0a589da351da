"""Threads: set_num_threads, RAYON_NUM_THREADS, results independent of the thread count, and a
forked child process that computes without hanging."""

import multiprocessing
import os
import subprocess
import sys

import numpy as np
import pytest

import edgegrad

BIG = np.random.default_rng(1).standard_normal((700, 300))


@pytest.fixture
def restore_threads():
    before = edgegrad.get_num_threads()
    yield
    edgegrad.set_num_threads(before)


def test_results_do_not_depend_on_the_thread_count(restore_threads):
    edgegrad.set_num_threads(1)
    assert edgegrad.get_num_threads() == 1
    one = edgegrad.gradient(BIG, 0.5, edge_order=2), edgegrad.diff(BIG, axis=0)
    edgegrad.set_num_threads(3)
    assert edgegrad.get_num_threads() == 3
    three = edgegrad.gradient(BIG, 0.5, edge_order=2), edgegrad.diff(BIG, axis=0)
    for a, b in zip([*one[0], one[1]], [*three[0], three[1]]):
        assert np.array_equal(a.view(np.uint64), b.view(np.uint64))


@pytest.mark.parametrize("n", [0, -1, 10**6])
def test_thread_counts_out_of_range(n):
    with pytest.raises(ValueError):
        edgegrad.set_num_threads(n)


def test_rayon_num_threads_sets_the_default():
    env = dict(os.environ, RAYON_NUM_THREADS="3")
    code = "import edgegrad; print(edgegrad.get_num_threads())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "3"


def _child_gradient(queue):
    queue.put(float(edgegrad.gradient(BIG)[0].sum()))


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the Linux default")
def test_a_forked_child_computes_without_hanging():
    edgegrad.gradient(BIG)  # the parent's pool exists before the fork
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_gradient, args=(queue,))
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung")
    assert child.exitcode == 0
    assert queue.get(timeout=5) == float(np.gradient(BIG)[0].sum())
