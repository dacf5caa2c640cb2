"""tril/triu, repeat, flip, unbind, Tensor.where, isnan/isinf/isfinite, rounding (floor, ceil,
trunc, round, frac), log2/log10/exp2/rsqrt and layer normalization:
values against numpy, and against PyTorch where it is installed (values, gradients, dtypes,
shapes, reprs, error types). Their gradients are also in the gradcheck registry (layout.py)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


X = np.arange(24.0).reshape(2, 3, 4) / 5 - 2

EXPRESSIONS = ["t.tril()", "t.triu(1)", "t.tril(-1)", "lib.tril(t, 2)", "lib.triu(t, -1)", "t.repeat(2, 1, 3)",
               "t.repeat(2, 2, 1, 1)", "t[0, 0].repeat(3)", "t.flip(0, 2)", "lib.flip(t, (1,))", "t.flip(-1)",
               "t.unbind(1)[2]", "lib.unbind(t)[1]", "t.where(t > 0.5, t * 2)", "t.sum(axis=2, keepdims=True)",
               "t.floor() + t", "lib.ceil(t) * t", "t.trunc() - t", "(t * 1.25).round()",
               "lib.round(t, decimals=1) * t", "t.frac()", "t.sigmoid().round()", "t.exp().log2()",
               "lib.log10(t.exp())", "t.exp2()", "lib.rsqrt(t.exp())"]


def test_values():
    t = tg.tensor(X)
    assert np.array_equal(t.tril().numpy(), np.tril(X))
    assert np.array_equal(t.triu(1).numpy(), np.triu(X, 1))
    assert np.array_equal(t.repeat(2, 1, 3).numpy(), np.tile(X, (2, 1, 3)))
    assert np.array_equal(t.flip(0, 2).numpy(), X[::-1, :, ::-1])
    assert [u.shape for u in t.unbind(2)] == [(2, 3)] * 4
    assert tg.tensor([1, 2]).repeat(2).tolist() == [1, 2, 1, 2]
    mask = tg.tril(tg.ones(3, 3))  # the causal mask of attention, as in a GPT tutorial
    scores = tg.zeros(3, 3).masked_fill(mask == 0, float("-inf")).softmax(-1)
    assert np.allclose(scores.numpy(), np.tril(np.ones((3, 3))) / np.arange(1, 4)[:, None])


def test_flip_copies_and_unbind_views():
    t = tg.tensor(X.copy())
    flipped = t.flip(0)
    t.data[0, 0, 0] = 100.0
    assert flipped.data[1, 0, 0] != 100.0  # a copy, as in PyTorch
    first = t.unbind(0)[0]
    assert first.data[0, 0] == 100.0  # a view


def test_gradients_flow_where_values_were_kept():
    x = tg.tensor(X, requires_grad=True)
    (x.tril() + x.repeat(1, 2, 1)[:, :3] * 2).sum().backward()
    expected = np.tril(np.ones((3, 4))) + 2 * np.ones((3, 4))
    assert np.array_equal(x.grad.numpy(), np.broadcast_to(expected, X.shape))


def test_errors():
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tg.ones(3).tril()
    with pytest.raises(RuntimeError, match="can not be smaller"):
        tg.ones(2, 2).repeat(2)
    with pytest.raises(RuntimeError, match="can not be negative"):
        tg.ones(2).repeat(-1)
    with pytest.raises(RuntimeError, match="more than once"):
        tg.ones(2, 2).flip(0, -2)
    with pytest.raises(IndexError):
        tg.ones(2, 2).flip(2)


def test_rounding_keeps_integers_and_rounds_halves_to_even():
    assert tg.tensor([0.5, 1.5, 2.5, -0.5]).round().tolist() == [0.0, 2.0, 2.0, -0.0]
    assert tg.tensor([3, -2]).floor().dtype == tg.int64 and tg.tensor([3, -2]).round().tolist() == [3, -2]
    assert str(tg.tensor([1.5], requires_grad=True).floor().grad_fn).startswith("<FloorBackward0 object at 0x")
    assert np.floor(tg.tensor([1.5], requires_grad=True)).grad_fn is not None  # numpy's ufunc runs ours


def test_log2_and_log10_are_exact_at_powers():
    assert tg.tensor([1.0, 100.0, 1000.0]).log10().tolist() == [0.0, 2.0, 3.0]
    assert tg.tensor([8.0]).log2().item() == 3.0 and repr(tg.tensor([1, 100]).log10()) == "tensor([0., 2.])"


def test_masks():
    t = tg.tensor([1.0, float("nan"), float("inf"), -float("inf")])
    assert t.isnan().tolist() == [False, True, False, False] and t.isnan().dtype == tg.bool
    assert tg.isinf(t).tolist() == [False, False, True, True]
    assert tg.isfinite(t).tolist() == [True, False, False, False]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_matches_pytorch(torch, expr):
    ours_in, theirs_in = tg.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    ours = eval(expr, {"t": ours_in, "lib": tg})
    theirs = eval(expr, {"t": theirs_in, "lib": torch})
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-14)  # (rsqrt: 1 ulp)
    (ours * ours).sum().backward()
    (theirs * theirs).sum().backward()
    np.testing.assert_allclose(ours_in.grad.numpy(), theirs_in.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("expr", ["lib.ones(3).tril()", "lib.ones(2, 2).repeat(2)", "lib.ones(2).repeat(-1)",
                                  "lib.ones(2, 2).flip(0, 0)"])
def test_errors_have_pytorchs_type(torch, expr):
    with pytest.raises(RuntimeError):
        eval(expr, {"lib": torch})
    with pytest.raises(RuntimeError):
        eval(expr, {"lib": tg})


# ---- layer normalization -------------------------------------------------------------------------

def test_layer_norm_normalizes_the_last_dims():
    x = tg.tensor(np.random.default_rng(0).normal(3.0, 2.0, (4, 5, 6)))
    y = F.layer_norm(x, (5, 6))
    flat = y.numpy().reshape(4, 30)
    assert np.allclose(flat.mean(1), 0, atol=1e-12) and np.allclose(flat.var(1), 1, atol=1e-4)
    ln = nn.LayerNorm(6)
    assert [n for n, _ in ln.named_parameters()] == ["weight", "bias"]
    assert np.array_equal(ln.weight.numpy(), np.ones(6)) and np.array_equal(ln.bias.numpy(), np.zeros(6))
    assert ln(x).shape == (4, 5, 6)
    assert list(nn.LayerNorm(6, elementwise_affine=False).parameters()) == []
    assert [n for n, _ in nn.LayerNorm(6, bias=False).named_parameters()] == ["weight"]


def test_layer_norm_errors():
    with pytest.raises(RuntimeError, match=r"expected input with shape \[\*, 4\]"):
        F.layer_norm(tg.ones(2, 3), 4)
    with pytest.raises(RuntimeError, match="weight must have shape"):
        F.layer_norm(tg.ones(2, 3), 3, weight=tg.ones(2))
    with pytest.raises(ValueError, match="normalized_shape"):
        nn.LayerNorm(-1)
    assert F.layer_norm(tg.ones(3, 0), (0,)).shape == (3, 0)  # empty in, empty out, as PyTorch
    assert F.batch_norm(tg.ones(0, 3), None, None, training=True).shape == (0, 3)
    with pytest.raises(TypeError, match="floating point"):
        F.layer_norm(tg.ones(2, 3, dtype=tg.int64), 3)


@pytest.mark.parametrize("shape,normalized", [((2, 3, 4), (4,)), ((2, 3, 4), (3, 4)), ((5, 2), 2)])
def test_layer_norm_matches_pytorch(torch, shape, normalized):
    rng = np.random.default_rng(3)
    ours, theirs = nn.LayerNorm(normalized, eps=1e-3), torch.nn.LayerNorm(normalized, eps=1e-3).double()
    state = {k: rng.standard_normal(v.shape) for k, v in ours.state_dict().items()}
    ours.load_state_dict(state)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    x = rng.standard_normal(shape)
    xa, xb = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yb = ours(xa), theirs(xb)
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-10, atol=1e-12)
    (ya * ya.sin()).sum().backward()
    (yb * yb.sin()).sum().backward()
    np.testing.assert_allclose(xa.grad.numpy(), xb.grad.numpy(), rtol=1e-9, atol=1e-11)
    for a, b in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-11)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("module", ["tinygrad_edu.nn.functional.normalization", "tinygrad_edu.nn.normalization"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ---- batch normalization -------------------------------------------------------------------------

BN_CASES = [("BatchNorm1d", (8, 3), {}), ("BatchNorm1d", (4, 3, 5), {"momentum": None}),
            ("BatchNorm2d", (2, 3, 4, 4), {"affine": False}), ("BatchNorm1d", (8, 3), {"track_running_stats": False}),
            ("BatchNorm1d", (6, 3), {"bias": False, "eps": 1e-3})]


def test_batch_norm_uses_batch_statistics_while_training_and_running_ones_after():
    bn = nn.BatchNorm1d(2)
    x = tg.tensor([[1.0, 10.0], [3.0, 30.0]])
    y = bn(x)
    assert np.allclose(y.numpy(), [[-1.0, -1.0], [1.0, 1.0]], atol=1e-4)
    assert np.allclose(bn.running_mean.numpy(), [0.2, 2.0])  # 0.9 · 0 + 0.1 · mean
    assert np.allclose(bn.running_var.numpy(), [0.9 + 0.1 * 2.0, 0.9 + 0.1 * 200.0])  # unbiased variance
    assert bn.num_batches_tracked.item() == 1
    bn.eval()
    assert np.allclose(bn(x).numpy(), (x.numpy() - [0.2, 2.0]) / np.sqrt(bn.running_var.numpy() + 1e-5))
    assert bn.num_batches_tracked.item() == 1


def test_batch_norm_errors():
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(tg.ones(2, 3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(tg.ones(1, 3))
    with pytest.raises(ValueError, match="num_features"):
        nn.BatchNorm1d(-1)
    nn.BatchNorm1d(3).eval()(tg.ones(1, 3))  # one sample is fine for evaluation


@pytest.mark.parametrize("kind,shape,kwargs", BN_CASES, ids=[f"{k}{s}{w}" for k, s, w in BN_CASES])
def test_batch_norm_matches_pytorch(torch, kind, shape, kwargs):
    ours, theirs = getattr(nn, kind)(3, **kwargs), getattr(torch.nn, kind)(3, **kwargs).double()
    assert list(ours.state_dict()) == list(theirs.state_dict()) and repr(ours) == repr(theirs)
    rng = np.random.default_rng(5)
    for _ in range(3):
        x = rng.standard_normal(shape) * 2 + 1
        xa, xb = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ya, yb = ours(xa), theirs(xb)
        (ya * ya.sin()).sum().backward()
        (yb * yb.sin()).sum().backward()
        np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(xa.grad.numpy(), xb.grad.numpy(), rtol=1e-9, atol=1e-11)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(np.asarray(ours.state_dict()[key].data), value.numpy(), rtol=1e-12, err_msg=key)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(ours(tg.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10)


def test_flip_of_a_0d_tensor_is_a_copy():
    assert tg.tensor(1).flip(-1).item() == 1 and tg.tensor(2.0).flip(0).item() == 2.0
    with pytest.raises(IndexError):
        tg.tensor(1.0).flip(1)


def test_repeat_is_a_copy():
    """numpy's reshape of the expanded tensor could keep a view of the input, so zeroing the
    input in place changed the repeated tensor (found by the differential fuzz)."""
    x = tg.tensor([[[1.0]], [[2.0]], [[3.0]]])
    tiled, same = x.repeat(2, 1, 2, 2), x.repeat(1, 1, 1)
    x.transpose(0, -1).zero_()
    assert tiled[0, 2].tolist() == [[3.0, 3.0], [3.0, 3.0]] and same.tolist() == [[[1.0]], [[2.0]], [[3.0]]]
