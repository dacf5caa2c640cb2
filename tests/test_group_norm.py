"""group_norm, instance_norm, rms_norm, local_response_norm and their modules: values and
gradients against PyTorch when it is installed (also running statistics, reprs, state_dict keys,
error types), and against numpy without it. Gradients are also gradchecked in the registry
(tests/registry/losses_more.py)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
RNG = np.random.default_rng(11)
X = RNG.standard_normal((2, 6, 5)) * 2 + 1
X4 = RNG.standard_normal((2, 4, 3, 3))
W6, B6 = RNG.standard_normal(6), RNG.standard_normal(6)
W5 = RNG.standard_normal(5)

# name: (call(F, *tensors), arrays)
CASES = {
    "group_norm": (lambda F, x: F.group_norm(x, 3), [X]),
    "group_norm(affine)": (lambda F, x, w, b: F.group_norm(x, 2, w, b, eps=1e-3), [X, W6, B6]),
    "group_norm(one group, 4-d)": (lambda F, x: F.group_norm(x, 1), [X4]),
    "group_norm(2-d)": (lambda F, x, w: F.group_norm(x, 6, weight=w), [X[:, :, 0] + X[:, :1, 1], W6]),
    "instance_norm": (lambda F, x: F.instance_norm(x), [X]),
    "instance_norm(affine, 4-d)": (lambda F, x, w, b: F.instance_norm(x, weight=w, bias=b, eps=0.1),
                                   [X4, W6[:4], B6[:4]]),
    "rms_norm": (lambda F, x: F.rms_norm(x, [5]), [X]),
    "rms_norm(weight, eps)": (lambda F, x, w: F.rms_norm(x, (5,), w, eps=0.5), [X, W5]),
    "rms_norm(2 dims)": (lambda F, x: F.rms_norm(x, (3, 3), eps=1e-3), [X4]),
    "local_response_norm": (lambda F, x: F.local_response_norm(x, 3), [X]),
    "local_response_norm(4-d, even size)": (lambda F, x: F.local_response_norm(x, 2, alpha=0.5, beta=0.6, k=2.0),
                                            [X4]),
    "local_response_norm(size > C)": (lambda F, x: F.local_response_norm(x, 9, alpha=1.0, beta=1.2), [X]),
}


@needs_torch
@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    call, arrays = CASES[name]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = call(F, *ours), call(torch.nn.functional, *theirs)
    assert out.shape == tuple(ref.shape) and out.dtype == np.float64
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = np.cos(np.arange(out.data.size)).reshape(out.shape)
    (out * tg.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for i, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-8, atol=1e-10, err_msg=f"input {i}")


@needs_torch
@pytest.mark.parametrize("name", ["group_norm(affine)", "instance_norm", "rms_norm", "local_response_norm"])
def test_float32_stays_float32(name):
    call, arrays = CASES[name]
    out = call(F, *[tg.tensor(a.astype(np.float32)) for a in arrays])
    ref = call(torch.nn.functional, *[torch.tensor(a.astype(np.float32)) for a in arrays])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, ref.numpy(), rtol=1e-4, atol=1e-5)


def test_against_numpy():
    x = X
    g = x.reshape(2, 3, -1)
    expected = ((g - g.mean(2, keepdims=True)) / np.sqrt(g.var(2, keepdims=True) + 1e-5)).reshape(x.shape)
    np.testing.assert_allclose(F.group_norm(tg.tensor(x), 3).data, expected, rtol=1e-12)
    expected = (x - x.mean(2, keepdims=True)) / np.sqrt(x.var(2, keepdims=True) + 1e-5)
    np.testing.assert_allclose(F.instance_norm(tg.tensor(x)).data, expected, rtol=1e-12)
    eps = np.finfo(np.float64).eps
    np.testing.assert_allclose(F.rms_norm(tg.tensor(x), [5]).data,
                               x / np.sqrt((x * x).mean(2, keepdims=True) + eps), rtol=1e-12)
    squares = np.pad(x * x, ((0, 0), (1, 1), (0, 0)))
    window = (squares[:, :-2] + squares[:, 1:-1] + squares[:, 2:]) / 3
    np.testing.assert_allclose(F.local_response_norm(tg.tensor(x), 3, alpha=0.1).data,
                               x / (1 + 0.1 * window) ** 0.75, rtol=1e-12)


def test_rms_norm_eps_follows_dtype():
    tiny32 = F.rms_norm(tg.tensor(np.full((1, 2), 1e-9, dtype=np.float32)), [2])
    assert tiny32.dtype == np.float32
    expected = 1e-9 / np.sqrt(1e-18 + np.finfo(np.float32).eps)
    np.testing.assert_allclose(tiny32.data, expected, rtol=1e-4)
    tiny64 = F.rms_norm(tg.tensor(np.full((1, 2), 1e-9)), [2])
    np.testing.assert_allclose(tiny64.data, 1e-9 / np.sqrt(1e-18 + np.finfo(np.float64).eps), rtol=1e-12)
    zeros = tg.zeros(2, 3, requires_grad=True)
    out = F.rms_norm(zeros, 3)
    assert out.tolist() == [[0.0] * 3] * 2


def test_instance_norm_running_stats():
    rm, rv = tg.zeros(6), tg.ones(6)
    F.instance_norm(tg.tensor(X), rm, rv, momentum=0.2)
    np.testing.assert_allclose(rm.data, 0.2 * X.mean(2).mean(0), rtol=1e-12)
    np.testing.assert_allclose(rv.data, 0.8 + 0.2 * X.var(2, ddof=1).mean(0), rtol=1e-12)
    out = F.instance_norm(tg.tensor(X), rm, rv, use_input_stats=False)
    np.testing.assert_allclose(out.data, (X - rm.data[:, None]) / np.sqrt(rv.data[:, None] + 1e-5), rtol=1e-12)


@needs_torch
def test_instance_norm_module_running_stats_match_torch():
    ours = nn.InstanceNorm1d(6, momentum=0.3, affine=True, track_running_stats=True)
    theirs = torch.nn.InstanceNorm1d(6, momentum=0.3, affine=True, track_running_stats=True).double()
    for batch in (X, X[::-1] * 0.5 + 1, X[:1]):
        np.testing.assert_allclose(ours(tg.tensor(batch.copy())).data,
                                   theirs(torch.tensor(batch.copy())).detach().numpy(), rtol=1e-10, atol=1e-12)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].data, value.numpy(), rtol=1e-12, err_msg=key)
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(ours(tg.tensor(X)).data, theirs(torch.tensor(X)).detach().numpy(), rtol=1e-10)
    unbatched = X[0]
    np.testing.assert_allclose(ours(tg.tensor(unbatched)).data, theirs(torch.tensor(unbatched)).detach().numpy(),
                               rtol=1e-10)


MODULES = ["GroupNorm(3, 6)", "GroupNorm(2, 6, eps=1e-3, affine=False)", "GroupNorm(2, 6, bias=False)",
           "InstanceNorm1d(6)", "InstanceNorm1d(6, affine=True)", "InstanceNorm1d(6, track_running_stats=True)",
           "InstanceNorm2d(4, eps=1e-3, momentum=None, affine=True, bias=False, track_running_stats=True)",
           "InstanceNorm3d(2)", "RMSNorm(5)", "RMSNorm([3, 3], eps=1e-4, elementwise_affine=False)", "RMSNorm((5,))",
           "LocalResponseNorm(3)", "LocalResponseNorm(2, alpha=0.5, beta=0.6, k=2.0)"]
INPUTS = {"GroupNorm": X, "InstanceNorm1d": X, "InstanceNorm2d": X4, "InstanceNorm3d": X4[:, :2, None],
          "RMSNorm(5)": X, "RMSNorm((5,))": X, "RMSNorm([3": X4, "LocalResponseNorm": X4}


@needs_torch
@pytest.mark.parametrize("expression", MODULES)
def test_modules_match_torch(expression):
    ours = eval(f"nn.{expression}", {"nn": nn})
    theirs = eval(f"nn.{expression}", {"nn": torch.nn}).double()
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    x = next(v for k, v in INPUTS.items() if expression.startswith(k))
    for p, q in zip(ours.parameters(), theirs.parameters()):  # not the initial ones: check the affine part
        values = np.linspace(0.5, 1.5, p.numel()).reshape(p.shape)
        p.data[...] = values
        with torch.no_grad():
            q.copy_(torch.tensor(values))
    xt, tt = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(xt), theirs(tt)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    (out * tg.tensor(np.sin(x))).sum().backward()
    (ref * torch.tensor(np.sin(x))).sum().backward()
    np.testing.assert_allclose(xt.grad.data, tt.grad.numpy(), rtol=1e-8, atol=1e-10)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-8, atol=1e-10, err_msg=name)


def test_state_dict_round_trip_and_defaults():
    gn = nn.GroupNorm(2, 4)
    assert gn.weight.tolist() == [1.0] * 4 and gn.bias.tolist() == [0.0] * 4
    inorm = nn.InstanceNorm2d(3)
    assert list(inorm.state_dict()) == [] and inorm.weight is None and inorm.running_mean is None
    tracked = nn.InstanceNorm1d(6, track_running_stats=True)
    tracked(tg.tensor(X))
    assert int(tracked.num_batches_tracked.item()) == 0  # PyTorch does not count batches here
    copy = nn.InstanceNorm1d(6, track_running_stats=True)
    copy.load_state_dict(tracked.state_dict())
    np.testing.assert_array_equal(copy.running_var.data, tracked.running_var.data)
    rms = nn.RMSNorm([2, 3], dtype=np.float32)
    assert rms.weight.dtype == np.float32 and rms.weight.shape == (2, 3)


def test_module_errors_and_warning():
    with pytest.raises(ValueError, match="divisible"):
        nn.GroupNorm(4, 6)
    with pytest.raises(ValueError, match="3D or 4D"):
        nn.InstanceNorm2d(3)(tg.zeros(2, 3))
    with pytest.raises(ValueError, match="num_features"):
        nn.InstanceNorm1d(4, affine=True)(tg.tensor(X))
    with pytest.warns(UserWarning, match="num_features"):
        nn.InstanceNorm1d(4)(tg.tensor(X))


ERRORS = [
    ("group_norm(tg.zeros(2, 6, 5), 4)", RuntimeError, "divisible"),
    ("group_norm(tg.zeros(6), 2)", RuntimeError, "at least 2 dims"),
    ("group_norm(tg.zeros(1, 4), 4)", ValueError, "more than 1 value"),
    ("group_norm(tg.zeros(2, 6, 5), 2, weight=tg.ones(3))", RuntimeError, "one entry per channel"),
    ("instance_norm(tg.zeros(2, 3, 1))", ValueError, "more than 1"),
    ("instance_norm(tg.zeros(2, 3))", ValueError, "more than 1"),
    ("instance_norm(tg.zeros(2, 3, 4), use_input_stats=False)", RuntimeError, "running_mean"),
    ("instance_norm(tg.zeros(2, 3, 4), tg.zeros(2), tg.ones(2))", RuntimeError, "one entry per channel"),
    ("rms_norm(tg.zeros(2, 4), [3])", RuntimeError, "last dims"),
    ("rms_norm(tg.zeros(2, 4), [4], weight=tg.ones(3))", RuntimeError, "weight"),
    ("local_response_norm(tg.zeros(2, 3), 2)", ValueError, "3 or more dims"),
]


@pytest.mark.parametrize("expression,error,words", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(expression, error, words):
    with pytest.raises(error, match=words):
        eval(f"F.{expression}", {"F": F, "tg": tg})


@needs_torch
@pytest.mark.parametrize("expression,error,words", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_have_torch_types(expression, error, words):
    with pytest.raises(error), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eval(f"F.{expression}", {"F": torch.nn.functional, "tg": torch})


def test_empty_inputs():
    assert F.group_norm(tg.zeros(0, 4, 3), 2).shape == (0, 4, 3)
    assert F.instance_norm(tg.zeros(0, 3, 4)).shape == (0, 3, 4)
    assert F.rms_norm(tg.zeros(0, 4), [4]).shape == (0, 4)
    assert F.local_response_norm(tg.zeros(0, 4, 3), 2).shape == (0, 4, 3)


@pytest.mark.parametrize("module", ["tinygrad_edu.nn.functional.group_normalization",
                                    "tinygrad_edu.nn.group_normalization"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
