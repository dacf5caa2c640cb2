"""The activations, losses, shaping functions, their modules and nn.LSTM, against PyTorch when it
is installed (values, gradients, reductions, dtypes, exception types), and known values without it."""
import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.nn.functional.erf import erf_array

try:
    import torch
    import torch.nn.functional as TF
except ImportError:  # the comparisons skip; the known-value tests below still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
X = np.array([-1000.0, -30.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5, 15.0, 30.0, 1000.0])


def _both(fn_tg, fn_torch, *arrays, grads=True, **kwargs):
    """Run the same function on tinygrad_edu and torch tensors; compare outputs and input grads."""
    ours = [tg.tensor(a, requires_grad=grads) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=grads) for a in arrays]
    out, ref = fn_tg(*ours, **kwargs), fn_torch(*theirs, **kwargs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert out.dtype == np.dtype(str(ref.dtype).replace("torch.", ""))
    if grads:
        weights = np.linspace(-1.0, 2.0, max(out.data.size, 1)).reshape(out.shape)
        (out * tg.tensor(weights)).sum().backward()
        (ref * torch.tensor(weights)).sum().backward()
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-10, atol=1e-14)
    return out


# ---- activations ---------------------------------------------------------------------------------
ACTIVATIONS = [("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("elu", {}), ("elu", {"alpha": 2.0}),
               ("silu", {}), ("softplus", {}), ("softplus", {"beta": 2.0, "threshold": 3.0}), ("logsigmoid", {}),
               ("gelu", {}), ("gelu", {"approximate": "tanh"})]


@needs_torch
@pytest.mark.parametrize("name,kwargs", ACTIVATIONS, ids=[f"{n}{k or ''}" for n, k in ACTIVATIONS])
def test_activation_matches_torch(name, kwargs):
    _both(getattr(F, name), getattr(TF, name), X, **kwargs)


@needs_torch
@pytest.mark.parametrize("name,kwargs", ACTIVATIONS, ids=[f"{n}{k or ''}" for n, k in ACTIVATIONS])
def test_activation_keeps_float32_and_refuses_ints(name, kwargs):
    x = np.array([-2.0, 0.3, 4.0], dtype=np.float32)
    out = getattr(F, name)(tg.tensor(x), **kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, getattr(TF, name)(torch.tensor(x), **kwargs).numpy(), rtol=2e-6,
                               atol=1e-7)
    with pytest.raises(RuntimeError, match=name):  # PyTorch: NotImplementedError for Long
        getattr(F, name)(tg.tensor([1, 2]), **kwargs)
    with pytest.raises(TypeError, match="floating point"):
        getattr(F, name)(tg.tensor([1, 2]), **kwargs)


def test_gelu_bad_approximate_and_known_values():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got 'fast'"):
        F.gelu(tg.ones(2), approximate="fast")
    with pytest.raises(RuntimeError):
        F.gelu(tg.ones(2), approximate="fast")
    x = np.array([-2.0, 0.0, 1.0, 3.0])
    expected = [v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x]
    np.testing.assert_allclose(F.gelu(tg.tensor(x)).data, expected, rtol=1e-15, atol=0)


def test_erf_is_math_erf():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 2, 2000), [0.0, -0.0, 1e-300, 0.46875, 4.0, 6.0, 27.0, np.inf, -np.inf]])
    expected = np.array([math.erf(v) for v in x])
    np.testing.assert_array_equal(erf_array(x), expected)
    assert erf_array(np.float32([0.5])).dtype == np.float32
    assert np.isnan(erf_array(np.array([np.nan])))[0]


def test_activations_at_extremes_are_finite():
    x = tg.tensor([-1000.0, 1000.0], requires_grad=True)
    for fn in (F.softplus, F.logsigmoid, F.silu, F.elu, F.gelu):
        x.grad = None
        out = fn(x)
        out.sum().backward()
        assert np.isfinite(out.data).all() and np.isfinite(x.grad.data).all(), fn.__name__
    np.testing.assert_array_equal(F.logsigmoid(tg.tensor([-1000.0, 1000.0])).data, [-1000.0, -0.0])
    np.testing.assert_array_equal(F.softplus(tg.tensor([-1000.0, 1000.0])).data, [0.0, 1000.0])


def test_inplace_activation_changes_the_input():
    x = tg.tensor([-2.0, 3.0])
    out = F.leaky_relu(x, 0.5, inplace=True)
    np.testing.assert_array_equal(x.data, [-1.0, 3.0])
    np.testing.assert_array_equal(out.data, [-1.0, 3.0])
    w = tg.tensor([-2.0, 3.0], requires_grad=True)
    h = w * 1.0
    F.elu(h, inplace=True).sum().backward()  # gradient flows through the in-place op
    np.testing.assert_allclose(w.grad.data, [math.exp(-2.0), 1.0])


# ---- losses --------------------------------------------------------------------------------------
REDUCTIONS = ["mean", "sum", "none"]


@needs_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs", [("l1_loss", {}), ("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.0}),
                                         ("smooth_l1_loss", {"beta": 2.5}), ("huber_loss", {}),
                                         ("huber_loss", {"delta": 0.3}), ("mse_loss", {})])
def test_regression_losses_match_torch(name, kwargs, reduction):
    rng = np.random.default_rng(1)
    x, y = rng.normal(0, 2, (4, 3)), rng.normal(0, 2, (4, 3))
    x[0, 0] = y[0, 0]  # d = 0 exactly: PyTorch's gradient there is 0
    _both(getattr(F, name), getattr(TF, name), x, y, reduction=reduction, **kwargs)


@needs_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_l1_and_huber_match_torch(reduction):
    rng = np.random.default_rng(2)
    x, y, w = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.uniform(0.1, 2, (3, 2))
    for name in ("l1_loss", "huber_loss"):
        ours = getattr(F, name)(tg.tensor(x), tg.tensor(y), reduction=reduction, weight=tg.tensor(w))
        ref = getattr(TF, name)(torch.tensor(x), torch.tensor(y), reduction=reduction, weight=torch.tensor(w))
        np.testing.assert_allclose(ours.data, ref.numpy(), rtol=1e-12)


def test_regression_loss_errors():
    with pytest.raises(RuntimeError, match="beta must be >= 0"):
        F.smooth_l1_loss(tg.ones(2), tg.zeros(2), beta=-1.0)
    with pytest.raises(ValueError, match="delta must be > 0, got 0"):
        F.huber_loss(tg.ones(2), tg.zeros(2), delta=0)
    with pytest.raises(ValueError, match=r"input of shape \(2,\) and target of shape \(2, 1\)"):
        F.l1_loss(tg.ones(2), tg.zeros(2, 1))
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'batchmean'"):
        F.l1_loss(tg.ones(2), tg.zeros(2), reduction="batchmean")
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert F.l1_loss(tg.ones(2), tg.zeros(2), size_average=False).item() == 2.0


def test_smooth_l1_and_huber_known_values():
    d = tg.tensor([0.5, -3.0])
    np.testing.assert_allclose(F.smooth_l1_loss(d, tg.zeros(2), reduction="none").data, [0.125, 2.5])
    np.testing.assert_allclose(F.huber_loss(d, tg.zeros(2), reduction="none", delta=2.0).data, [0.125, 4.0])
    assert F.l1_loss(tg.tensor([1.0, 5.0]), tg.tensor([2.0, 2.0])).item() == 2.0


@needs_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", ["plain", "pos_weight", "weight", "both"])
def test_bce_with_logits_matches_torch(options, reduction):
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(0, 3, (4, 3)), [[1000.0, -1000.0, 0.0]]])
    y = rng.uniform(0, 1, (5, 3))
    y[4] = [0.0, 1.0, 1.0]
    extra = {}
    if options in ("pos_weight", "both"):
        extra["pos_weight"] = np.array([2.0, 0.5, 1.0])
    if options in ("weight", "both"):
        extra["weight"] = rng.uniform(0, 1, (5, 3)) if options == "weight" else rng.uniform(0, 1, 3)
    ours = [tg.tensor(x, requires_grad=True), tg.tensor(y, requires_grad=True)]
    theirs = [torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)]
    out = F.binary_cross_entropy_with_logits(*ours, reduction=reduction, **{k: tg.tensor(v) for k, v in extra.items()})
    ref = TF.binary_cross_entropy_with_logits(*theirs, reduction=reduction,
                                              **{k: torch.tensor(v) for k, v in extra.items()})
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_bce_with_logits_is_stable_and_checks_shapes():
    loss = F.binary_cross_entropy_with_logits(tg.tensor([1000.0, -1000.0, 1000.0, 0.0]),
                                              tg.tensor([0.0, 0.0, 1.0, 1.0]), reduction="none")
    np.testing.assert_allclose(loss.data, [1000.0, 0.0, 0.0, math.log(2)])
    x = tg.tensor([1000.0, -1000.0], requires_grad=True)
    F.binary_cross_entropy_with_logits(x, tg.tensor([0.0, 1.0]), reduction="sum").backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, -1.0])  # σ(x) - y
    pos = F.binary_cross_entropy_with_logits(tg.tensor([0.0]), tg.tensor([1.0]), pos_weight=tg.tensor([3.0]))
    assert pos.item() == pytest.approx(3 * math.log(2))
    with pytest.raises(ValueError, match=r"target size \(2, 1\) must be the same as input size \(2,\)"):
        F.binary_cross_entropy_with_logits(tg.ones(2), tg.zeros(2, 1))


@needs_torch
@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(reduction, log_target):
    rng = np.random.default_rng(4)
    logq = np.log(rng.dirichlet(np.ones(4), 3))
    p = rng.dirichlet(np.ones(4), 3)
    target = np.log(p) if log_target else p
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _both(F.kl_div, TF.kl_div, logq, target, reduction=reduction, log_target=log_target)


def test_kl_div_known_value_zero_target_and_warning():
    q = F.log_softmax(tg.tensor([[0.0, 0.0]]), dim=1)
    target = tg.tensor([[1.0, 0.0]], requires_grad=True)
    loss = F.kl_div(q, target, reduction="batchmean")
    assert loss.item() == pytest.approx(math.log(2))
    loss.backward()
    assert np.isfinite(target.grad.data).all()  # 0 · log 0 = 0, and no nan in its gradient
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(q, target)
    with pytest.raises(ValueError, match="'batchmean'"):
        F.kl_div(q, target, reduction="avg")


def test_cross_entropy_float_class_targets_say_int64():
    with pytest.raises(TypeError, match=r"integer class indices \(int64\)") as err:
        F.cross_entropy(tg.ones(2, 3), tg.tensor([1.0, 0.0]))
    assert isinstance(err.value, RuntimeError)  # PyTorch's type for this mistake
    assert "probabilit" not in str(err.value)


# ---- one_hot, pad, normalize, cosine_similarity -----------------------------------------------------
def test_one_hot():
    out = F.one_hot(tg.tensor([2, 0]), num_classes=3)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.data, [[0, 0, 1], [1, 0, 0]])
    assert F.one_hot(tg.tensor([[1], [3]])).shape == (2, 1, 4)
    assert F.one_hot(tg.tensor(np.zeros(0, dtype=np.int64)), 3).shape == (0, 3)
    for bad, words in [(lambda: F.one_hot(tg.tensor([0.0, 1.0])), "int64"),
                       (lambda: F.one_hot(tg.tensor([0, 1], dtype=np.int32)), "int64"),
                       (lambda: F.one_hot(tg.tensor([0, -1])), "non-negative"),
                       (lambda: F.one_hot(tg.tensor([0, 3]), 3), "smaller than num_classes=3"),
                       (lambda: F.one_hot(tg.tensor(np.zeros(0, dtype=np.int64))), "empty")]:
        with pytest.raises(RuntimeError, match=words):
            bad()


@needs_torch
@pytest.mark.parametrize("pad,value", [((1, 1), None), ((1, -1), 2.5), ((0, 0, 2, 1), None),
                                       ((1, 2, 0, 1, 1, 0), 3.0), ((-1, -1, -1, 0), None)])
def test_pad_matches_torch(pad, value):
    x = np.random.default_rng(5).normal(size=(2, 3, 4))
    _both(F.pad, TF.pad, x, pad=pad, value=value)


def test_pad_values_and_errors():
    np.testing.assert_array_equal(F.pad(tg.ones(1, 2), (1, 2), value=7.0).data, [[7, 1, 1, 7, 7]])
    np.testing.assert_array_equal(F.pad(tg.tensor([[1, 2]]), (1, 0), value=2.5).data, [[2, 1, 2]])
    # (reflect, replicate and circular: tests/test_resampling.py)
    with pytest.raises(NotImplementedError, match="unknown padding mode 'foo'"):
        F.pad(tg.ones(2, 3), (1, 1), mode="foo")
    with pytest.raises(RuntimeError, match="even number"):
        F.pad(tg.ones(2, 3), (1,))
    with pytest.raises(RuntimeError, match="only 2 dimensions"):
        F.pad(tg.ones(2, 3), (1, 1, 1, 1, 1, 1))
    with pytest.raises(RuntimeError, match="negative size"):
        F.pad(tg.ones(2, 3), (-2, -2))


@needs_torch
@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("dim", [1, -1, 0])
def test_normalize_matches_torch(p, dim):
    x = np.random.default_rng(6).normal(size=(2, 3, 4))
    x[0, :, 0] = 0.0  # zero vectors along dim 1 ...
    x[1, 0, :] = 0.0  # ... and along dim -1
    _both(F.normalize, TF.normalize, x, p=p, dim=dim)


def test_normalize_known_values():
    out = F.normalize(tg.tensor([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out.data, [[0.6, 0.8], [0.0, 0.0]])
    with pytest.raises(IndexError):
        F.normalize(tg.ones(3))  # dim=1 does not exist, as in PyTorch


@needs_torch
@pytest.mark.parametrize("s1,s2,dim", [((2, 3), (2, 3), 1), ((2, 3), (3,), 1), ((4, 1, 3), (5, 3), -1),
                                        ((3,), (3,), 0)])
def test_cosine_similarity_matches_torch(s1, s2, dim):
    rng = np.random.default_rng(7)
    _both(F.cosine_similarity, TF.cosine_similarity, rng.normal(size=s1), rng.normal(size=s2), dim=dim)


@needs_torch
@pytest.mark.parametrize("scale", [1e-5, 1e-9, 0.0])
def test_cosine_similarity_tiny_vectors_match_torch(scale):
    _both(F.cosine_similarity, TF.cosine_similarity, np.full((1, 3), scale), np.array([[1.0, 2.0, 3.0]]))


def test_cosine_similarity_known_value_and_errors():
    assert F.cosine_similarity(tg.tensor([[1.0, 0.0]]), tg.tensor([[1.0, 1.0]])).item() == pytest.approx(
        1 / math.sqrt(2))
    with pytest.raises(RuntimeError, match="cannot be broadcast"):
        F.cosine_similarity(tg.ones(2, 3), tg.ones(4, 3))


# ---- modules -------------------------------------------------------------------------------------
MODULES = ["Softmax(dim=1)", "LogSoftmax(dim=1)", "Softmax()", "LeakyReLU()", "LeakyReLU(0.2, True)", "GELU()",
           "GELU('tanh')", "ELU()", "ELU(alpha=2.0)", "SiLU()", "Softplus()", "Softplus(2, 10)", "LogSigmoid()",
           "Flatten()", "Flatten(0, 1)", "Identity(54, unused='x')", "Unflatten(1, (2, 3))", "L1Loss()",
           "SmoothL1Loss()", "HuberLoss()", "KLDivLoss()", "BCEWithLogitsLoss()", "LSTM(3, 4)",
           "LSTM(3, 4, 2, batch_first=True)", "LSTM(3, 4, bidirectional=True, bias=False)"]


@needs_torch
@pytest.mark.parametrize("expr", MODULES)
def test_module_repr_matches_torch(expr):
    assert repr(eval("nn." + expr)) == repr(eval("torch.nn." + expr))


@needs_torch
@pytest.mark.parametrize("expr", [m for m in MODULES if "Loss" not in m and "LSTM" not in m])
def test_activation_modules_match_torch(expr):
    x = np.random.default_rng(8).normal(size=(2, 6, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Softmax() warns about the implicit dim
        # copies: an inplace=True module changes its input
        ours, ref = eval("nn." + expr)(tg.tensor(x.copy())), eval("torch.nn." + expr)(torch.tensor(x.copy()))
    np.testing.assert_allclose(ours.data, ref.numpy(), rtol=1e-12, atol=1e-15)


@needs_torch
@pytest.mark.parametrize("expr,target", [("L1Loss(reduction='sum')", "real"), ("SmoothL1Loss(beta=0.5)", "real"),
                                         ("HuberLoss(delta=2.0)", "real"), ("KLDivLoss(reduction='batchmean')", "prob"),
                                         ("BCEWithLogitsLoss(pos_weight=W)", "prob"),
                                         ("BCEWithLogitsLoss(weight=W, reduction='none')", "prob")])
def test_loss_modules_match_torch(expr, target):
    rng = np.random.default_rng(9)
    x, w = rng.normal(size=(4, 3)), rng.uniform(0.5, 2, 3)
    y = rng.uniform(0, 1, (4, 3)) if target == "prob" else rng.normal(size=(4, 3))
    ours = eval("nn." + expr, {"nn": nn, "W": tg.tensor(w)})(tg.tensor(x), tg.tensor(y))
    ref = eval("torch.nn." + expr, {"torch": torch, "W": torch.tensor(w)})(torch.tensor(x), torch.tensor(y))
    np.testing.assert_allclose(ours.data, ref.numpy(), rtol=1e-12)


def test_loss_modules_keep_weights_as_buffers():
    criterion = nn.BCEWithLogitsLoss(weight=tg.ones(3), pos_weight=tg.full((3,), 2.0))
    assert sorted(criterion.state_dict()) == ["pos_weight", "weight"]
    with pytest.raises(ValueError, match="reduction"):
        nn.L1Loss(reduction="avg")
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.MSELoss(reduce=False).reduction == "none"


def test_softmax_module_implicit_dim_warns():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = nn.Softmax()(tg.ones(2, 4))
    np.testing.assert_allclose(out.data, np.full((2, 4), 0.25))


def test_unflatten():
    assert nn.Unflatten(-1, (2, -1))(tg.ones(4, 6)).shape == (4, 2, 3)
    with pytest.raises(RuntimeError, match=r"don't multiply up to the size of dim 1 \(3\)"):
        nn.Unflatten(1, (2, 2))(tg.ones(2, 3))


# ---- LSTM ----------------------------------------------------------------------------------------
# (nn.LSTM against torch.nn.LSTM, with GRU and RNN: tests/test_rnn.py)


def test_lstm_shapes_parameters_and_errors():
    lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True)
    out, (h, c) = lstm(tg.ones(4, 7, 3))
    assert (out.shape, h.shape, c.shape) == ((4, 7, 5), (2, 4, 5), (2, 4, 5))
    assert [n for n, _ in lstm.named_parameters()][:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert lstm.weight_ih_l1.shape == (20, 5)
    assert all(abs(p.data).max() <= 1 / math.sqrt(5) for p in lstm.parameters())
    with pytest.raises(ValueError, match="2-D .* or 3-D"):
        lstm(tg.ones(3))
    with pytest.raises(RuntimeError, match="expected 3, got 4"):
        lstm(tg.ones(2, 7, 4))
    with pytest.raises(RuntimeError, match=r"hidden\[0\] of shape \(2, 4, 5\)"):
        lstm(tg.ones(4, 7, 3), (tg.zeros(1, 4, 5), tg.zeros(2, 4, 5)))
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 5, proj_size=5)
    with pytest.warns(UserWarning, match="dropout"):
        nn.LSTM(3, 5, dropout=0.5)


def test_lstm_learns_to_sum_a_sequence():
    """A short training run: the loss goes down (the LSTM's gradients are usable)."""
    tg.manual_seed(0)
    lstm, head = nn.LSTM(1, 8, batch_first=True), nn.Linear(8, 1)
    params = list(lstm.parameters()) + list(head.parameters())
    opt = tg.optim.Adam(params, lr=0.05)
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, (16, 5, 1))
    y = tg.tensor(x.sum(axis=1))
    losses = []
    for _ in range(40):
        out, _ = lstm(tg.tensor(x))
        loss = F.mse_loss(head(out[:, -1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]


@pytest.mark.parametrize("module", ["pointwise", "regression_losses", "binary_losses", "divergence", "shaping",
                                    "similarity", "../rnn"])
def test_docstring_examples(module):
    import doctest
    import importlib

    name = "tinygrad_edu.nn.rnn" if module == "../rnn" else f"tinygrad_edu.nn.functional.{module}"
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
