"""Shared fixtures for the whole test suite."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.autograd import anomaly, grad_mode


@pytest.fixture(autouse=True)
def _restore_global_state():
    """A test that changes the default dtype (ours, or PyTorch's in a comparison), grad mode,
    anomaly mode or distributions' argument validation (`Distribution.set_default_validate_args`)
    cannot leak it."""
    dtype = tg.get_default_dtype()
    torch = sys.modules.get("torch")
    torch_dtype = torch.get_default_dtype() if torch is not None else None
    grad_enabled = grad_mode._state.enabled
    anomaly_enabled = anomaly._state.enabled
    validate = tg.distributions.Distribution._validate_args
    yield
    tg.set_default_dtype(dtype)
    if torch_dtype is not None:
        torch.set_default_dtype(torch_dtype)
    elif "torch" in sys.modules:  # (first imported by this test: PyTorch's own default)
        sys.modules["torch"].set_default_dtype(sys.modules["torch"].float32)
    grad_mode._state.enabled = grad_enabled
    anomaly._state.enabled = anomaly_enabled
    tg.distributions.Distribution._validate_args = validate


@pytest.fixture
def rng() -> np.random.Generator:
    """A fixed-seed numpy generator for test data."""
    return np.random.default_rng(1234)
