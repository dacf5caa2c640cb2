"""Every `>>>` example in the package's docstrings runs and prints what it shows, so that no
example a learner copies from `help(...)` is stale. (Some test files also doctest their own
modules; this one covers all of them at once.)"""
from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import pytest

import tinygrad_edu

MODULES = sorted(info.name for info in pkgutil.walk_packages(tinygrad_edu.__path__, "tinygrad_edu.")
                 if not info.name.endswith("__main__"))  # (__main__ runs the command line)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (examples of deprecated names warn, as in PyTorch)
        try:
            result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
        finally:  # (an example may change the default dtype or grad mode for the process)
            tinygrad_edu.set_default_dtype(tinygrad_edu.float64)
            tinygrad_edu.set_grad_enabled(True)
            tinygrad_edu.use_deterministic_algorithms(False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples in {name} fail"


def test_the_package_has_docstring_examples():
    assert len(MODULES) > 100
