"""The activations of nn/functional/piecewise.py and their modules (nn/activation.py), the channel
and alpha dropouts, pairwise_distance, Softmax2d/CosineSimilarity and nn.Embedding's padding_idx:
values and gradients against PyTorch (also exactly at the kinks), module reprs, error types; plus
checks by hand that run without PyTorch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


# Inputs that include every kink of the functions below (0, ±0.5, ±1, ±3, 6, the threshold 0.3).
KINKS = np.array([-4.0, -3.0, -2.2, -1.0, -0.5, -0.3, 0.0, 0.3, 0.5, 0.7, 1.0, 2.5, 3.0, 5.0, 6.0, 7.0])

# (ours, torch's): the same expression over F / torch.nn.functional
ELEMENTWISE = [
    "F.relu6(x)", "F.hardtanh(x)", "F.hardtanh(x, -0.5, 3.0)", "F.hardsigmoid(x)", "F.hardswish(x)",
    "F.selu(x)", "F.celu(x)", "F.celu(x, 2.0)", "F.celu(x, 0.5)", "F.mish(x)", "F.softsign(x)", "F.tanhshrink(x)",
    "F.threshold(x, 0.3, -2.0)", "F.threshold(x, 1.0, 20.0)", "F.softshrink(x)", "F.softshrink(x, 1.0)",
    "F.hardshrink(x)", "F.hardshrink(x, 3.0)", "F.rrelu(x)", "F.rrelu(x, 0.2, 0.4)", "F.rrelu(x, 0.2, 0.4, False)",
]


def _compare(expr: str, x: np.ndarray, torch, extra: dict | None = None, rtol: float = 1e-12) -> None:
    """Evaluate expr with F = ours and with F = torch's; values, dtypes and input grads must agree.
    (A float made from integers has the default float dtype: float64 here, float32 in PyTorch.)"""
    import torch.nn.functional as TF

    ours = tg.tensor(x, requires_grad=x.dtype.kind == "f")
    theirs = torch.tensor(x, requires_grad=x.dtype.kind == "f")
    env_ours = {"F": F, "x": ours, "tg": tg, **{k: v[0] for k, v in (extra or {}).items()}}
    env_theirs = {"F": TF, "x": theirs, "tg": torch, **{k: v[1] for k, v in (extra or {}).items()}}
    out, ref = eval(expr, env_ours), eval(expr, env_theirs)
    if x.dtype.kind != "f" and ref.dtype == torch.float32:
        assert out.dtype == np.float64, expr
        rtol = max(rtol, 1e-6)
    else:
        assert out.dtype == np.dtype(str(ref.dtype).replace("torch.", "")), expr
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=rtol, atol=1e-14, err_msg=expr)
    assert out.shape == tuple(ref.shape)
    if ours.requires_grad and ref.requires_grad:
        weights = np.linspace(-1.0, 2.0, out.data.size).reshape(out.shape)
        (out * tg.tensor(weights)).sum().backward()
        (ref * torch.tensor(weights)).sum().backward()
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=rtol, atol=1e-14, err_msg=expr)


@pytest.mark.parametrize("expr", ELEMENTWISE)
def test_values_and_gradients_match_torch_also_at_the_kinks(expr, torch):
    rtol = 1e-7 if "hardsigmoid" in expr else 1e-12  # (PyTorch's backward uses 1/6 rounded to float32)
    _compare(expr, KINKS, torch, rtol=rtol)
    _compare(expr, np.random.default_rng(1).normal(size=(2, 3, 4)) * 3, torch, rtol=rtol)
    _compare(expr, np.array(-0.5), torch, rtol=rtol)  # 0-d
    _compare(expr, np.zeros((0, 3)), torch)  # empty


@pytest.mark.parametrize("expr", ["F.relu6(x)", "F.hardtanh(x, -2.0, 2.0)", "F.threshold(x, 1, 5)",
                                  "F.threshold(x, 0.5, 1.5)", "F.softsign(x)", "F.tanhshrink(x)"])
def test_integer_inputs_as_torch(expr, torch):
    _compare(expr, np.array([-7, -2, 0, 1, 3, 8]), torch)


@pytest.mark.parametrize("expr", ["F.hardsigmoid(x)", "F.hardswish(x)", "F.selu(x)", "F.celu(x)", "F.mish(x)",
                                  "F.softshrink(x)", "F.hardshrink(x)"])
def test_integer_inputs_rejected_as_torch(expr, torch):
    import torch.nn.functional as TF

    with pytest.raises(NotImplementedError):
        eval(expr, {"F": TF, "x": torch.tensor([1, 2])})
    with pytest.raises(NotImplementedError, match="dtype int64"):
        eval(expr, {"F": F, "x": tg.tensor([1, 2])})


def test_second_derivatives_match_torch(torch):
    import torch.nn.functional as TF

    x = np.array([-2.5, -0.7, 0.2, 1.3, 2.9])
    for expr in ["F.selu(x)", "F.celu(x, 0.7)", "F.mish(x)", "F.softsign(x)", "F.tanhshrink(x)", "F.hardswish(x)"]:
        ours = tg.tensor(x, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        g, = tg.grad(eval(expr, {"F": F, "x": ours}).sum(), ours, create_graph=True)
        (gg,) = tg.grad(g.sum(), ours)
        t_g, = torch.autograd.grad(eval(expr, {"F": TF, "x": theirs}).sum(), theirs, create_graph=True)
        (t_gg,) = torch.autograd.grad(t_g.sum(), theirs)
        rtol = 1e-7 if "celu" in expr else 1e-10  # (PyTorch's double backward of celu rounds 1/α to float32)
        np.testing.assert_allclose(gg.data, t_gg.numpy(), rtol=rtol, atol=1e-14, err_msg=expr)


@pytest.mark.parametrize("expr", ["F.softmin(x, 1)", "F.softmin(x, dim=-1)", "F.softmin(x, 0)", "F.glu(x)",
                                  "F.glu(x, 0)", "F.glu(x, dim=-3)", "F.glu(x, 1)"])
def test_dim_functions_match_torch(expr, torch):
    _compare(expr, np.random.default_rng(2).normal(size=(4, 2, 6)), torch)


def test_softmin_implicit_dim_and_dtype(torch):
    import torch.nn.functional as TF

    x = np.random.default_rng(3).normal(size=(2, 3))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        ours = F.softmin(tg.tensor(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_allclose(ours.data, TF.softmin(torch.tensor(x)).numpy(), rtol=1e-12)
    assert F.softmin(tg.tensor(x), 1, dtype=tg.float32).dtype == np.float32


@pytest.mark.parametrize("weight", [[0.25], [0.1, -0.3, 2.0], 0.4])
@pytest.mark.parametrize("shape", [(2, 3, 4), (5, 3), (1, 3, 2, 2)])
def test_prelu_matches_torch(weight, shape, torch):
    x = np.random.default_rng(4).normal(size=shape)
    x.flat[0] = 0.0  # the kink: torch's derivative there is the slope
    ours_w = tg.tensor(np.array(weight, dtype=np.float64), requires_grad=True)
    theirs_w = torch.tensor(np.array(weight, dtype=np.float64), requires_grad=True)
    _compare("F.prelu(x, w)", x, torch, {"w": (ours_w, theirs_w)})
    np.testing.assert_allclose(ours_w.grad.data, theirs_w.grad.numpy(), rtol=1e-12)


def test_prelu_of_one_channel_inputs(torch):
    w = (tg.tensor([0.3], requires_grad=True), torch.tensor([0.3], dtype=torch.float64, requires_grad=True))
    for x in (np.array([-2.0, 0.0, 1.5]), np.array(-2.0)):
        _compare("F.prelu(x, w)", x, torch, {"w": w})


def test_errors_match_torch(torch):
    import torch.nn.functional as TF

    cases = [
        ("F.celu(x, 0.0)", RuntimeError, "alpha cannot be 0"),
        ("F.softshrink(x, -1.0)", RuntimeError, "lambd must be at least 0"),
        ("F.glu(x[0, 0])", RuntimeError, "dimension 0 .* has size 3"),
        ("F.glu(x, 2)", RuntimeError, "dimension 2 of the input of shape \\(2, 3, 3\\) has size 3"),
        ("F.glu(x.sum())", RuntimeError, "0-d"),
        ("F.glu(x, 3)", IndexError, "out of range"),
        ("F.prelu(x, w2)", RuntimeError, "2 slopes, but the input of shape \\(2, 3, 3\\) has 3 channels"),
        ("F.prelu(x, w2.reshape(2, 1))", RuntimeError, "scalar or a 1-D tensor"),
        ("F.rrelu(x, 0.5, 0.2)", RuntimeError, "lower bound must be at most the upper bound"),
        ("F.hardtanh(x, 2.0, 1.0)", ValueError, "min_val cannot be greater than max_val"),
    ]
    for expr, exc, message in cases:
        with pytest.raises(exc):
            eval(expr, {"F": TF, "x": torch.ones(2, 3, 3), "w2": torch.ones(2)})
        with pytest.raises(exc, match=message):
            eval(expr, {"F": F, "x": tg.ones(2, 3, 3), "w2": tg.ones(2)})


MODULES = ["nn.ReLU6()", "nn.ReLU6(True)", "nn.Hardtanh()", "nn.Hardtanh(-2, 3, True)", "nn.Hardsigmoid()",
           "nn.Hardsigmoid(inplace=True)", "nn.Hardswish(True)", "nn.SELU()", "nn.SELU(inplace=True)", "nn.CELU()",
           "nn.CELU(2.0, True)", "nn.Mish()", "nn.Softsign()", "nn.Softmin()", "nn.Softmin(dim=1)",
           "nn.Threshold(0.1, 20)", "nn.Threshold(0.1, 20.0, inplace=True)", "nn.Tanhshrink()", "nn.Softshrink()",
           "nn.Hardshrink(0.3)", "nn.GLU()", "nn.GLU(0)", "nn.PReLU()", "nn.PReLU(3, 0.1)", "nn.RReLU()",
           "nn.RReLU(0.1, 0.3, True)", "nn.CosineSimilarity()", "nn.PairwiseDistance()",
           "nn.PairwiseDistance(1, 1e-3, True)", "nn.Softmax2d()", "nn.Dropout1d()", "nn.Dropout2d(0.3)",
           "nn.Dropout3d(inplace=True)", "nn.AlphaDropout()", "nn.AlphaDropout(0.2, True)",
           "nn.FeatureAlphaDropout(0.1)"]


@pytest.mark.parametrize("expr", MODULES)
def test_module_repr_and_state_dict_match_torch(expr, torch):
    ours, theirs = eval(expr, {"nn": nn}), eval(expr, {"nn": torch.nn})
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("expr", [m for m in MODULES if "Dropout" not in m and "inplace" not in m and "True" not in m
                                  and "Similarity" not in m and "Distance" not in m])
def test_modules_compute_their_function(expr, torch):
    x = np.random.default_rng(5).normal(size=(2, 3, 4, 2)) * 3
    ours, theirs = eval(expr, {"nn": nn}), eval(expr, {"nn": torch.nn}).double()
    ours.eval()
    theirs.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, ref = ours(tg.tensor(x)), theirs(torch.tensor(x))
    rtol = 1e-7 if "PReLU" in expr else 1e-12  # (torch's init value is a float32 number)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=rtol, atol=1e-14)


def test_prelu_module_learns_per_channel_slopes(torch):
    ours, theirs = nn.PReLU(3, 0.1), torch.nn.PReLU(3, 0.1, dtype=torch.float64)
    assert isinstance(ours.weight, nn.Parameter) and ours.weight.shape == (3,)
    x = np.random.default_rng(6).normal(size=(4, 3, 2))
    ours(tg.tensor(x)).sum().backward()
    theirs(torch.tensor(x)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-12)
    ours.load_state_dict({"weight": tg.tensor(theirs.weight.detach().numpy() * 2)})
    np.testing.assert_allclose(ours.weight.data, [0.2, 0.2, 0.2])
    assert nn.PReLU(dtype=tg.float32).weight.dtype == np.float32


def test_modules_forward_inplace():
    x = tg.tensor([-4.0, 0.5, 8.0])
    y = nn.ReLU6(inplace=True)(x)
    assert y is x and x.tolist() == [0.0, 0.5, 6.0]
    x = tg.tensor([-1.0, 2.0])
    nn.Threshold(0.0, 9.0, True)(x)
    assert x.tolist() == [9.0, 2.0]
    leaf = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        F.hardswish(leaf, inplace=True)


# ---- without torch -------------------------------------------------------------------------------

def test_values_by_hand():
    x = tg.tensor([-4.0, -1.5, 0.0, 1.5, 4.0, 7.0])
    np.testing.assert_allclose(F.relu6(x).data, [0, 0, 0, 1.5, 4, 6])
    np.testing.assert_allclose(F.hardsigmoid(x).data, [0, 0.25, 0.5, 0.75, 1, 1])
    np.testing.assert_allclose(F.hardswish(x).data, x.data * np.array([0, 0.25, 0.5, 0.75, 1, 1]))
    np.testing.assert_allclose(F.softshrink(x, 1.0).data, [-3, -0.5, 0, 0.5, 3, 6])
    np.testing.assert_allclose(F.hardshrink(x, 1.5).data, [-4, 0, 0, 0, 4, 7])
    np.testing.assert_allclose(F.softsign(x).data, x.data / (1 + np.abs(x.data)))
    np.testing.assert_allclose(F.mish(x).data, x.data * np.tanh(np.log1p(np.exp(x.data))))
    np.testing.assert_allclose(F.celu(x, 2.0).data, np.where(x.data > 0, x.data, 2 * np.expm1(x.data / 2)))
    selu_neg = 1.0507009873554805 * 1.6732632423543772 * np.expm1(-4.0)
    assert F.selu(x).data[0] == pytest.approx(selu_neg)
    np.testing.assert_allclose(F.glu(tg.tensor([[1.0, 2.0, 0.0, 3.0]])).data,
                               [[1 / (1 + np.exp(0.0)), 2 / (1 + np.exp(-3.0))]])


def test_kink_derivatives_by_hand():
    def grad(f, points):
        x = tg.tensor(points, requires_grad=True)
        f(x).sum().backward()
        return x.grad.tolist()

    assert grad(F.relu6, [0.0, 6.0, 3.0]) == [0.0, 0.0, 1.0]
    assert grad(F.hardsigmoid, [-3.0, 3.0, 0.0]) == [0.0, 0.0, pytest.approx(1 / 6)]
    assert grad(F.hardswish, [-3.0, 3.0, 0.0]) == [0.0, 1.0, 0.5]
    assert grad(lambda x: F.threshold(x, 1.0, 5.0), [1.0, 1.5]) == [0.0, 1.0]
    assert grad(F.softshrink, [-0.5, 0.5, 0.6]) == [0.0, 0.0, 1.0]
    assert grad(F.selu, [0.0]) == [pytest.approx(1.7580993408473766)]
    assert grad(lambda x: F.prelu(x, tg.tensor([0.3])), [0.0]) == [pytest.approx(0.3)]


def test_rrelu_training_draws_one_slope_per_negative_element():
    tg.manual_seed(0)
    x = tg.tensor(-np.linspace(0.5, 3, 1000), requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = y.data / x.data
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and len(np.unique(slopes.round(12))) > 900
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, slopes)  # the gradient is each element's slope
    positive = tg.tensor([1.0, 2.0])
    assert F.rrelu(positive, training=True).tolist() == [1.0, 2.0]
    module = nn.RReLU(0.1, 0.3)
    module.eval()
    np.testing.assert_allclose(module(tg.tensor([-1.0])).data, [-0.2])


def test_gumbel_softmax():
    tg.manual_seed(1)
    logits = tg.tensor(np.log([[0.7, 0.2, 0.1]] * 4000), requires_grad=True)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.data.sum(1), 1.0)
    tg.manual_seed(1)
    hard = F.gumbel_softmax(logits, tau=0.5, hard=True)
    assert set(np.unique(hard.data)) <= {0.0, 1.0} and (hard.data.sum(1) == 1).all()
    assert np.array_equal(hard.data.argmax(1), soft.data.argmax(1))
    freq = hard.data.mean(0)
    np.testing.assert_allclose(freq, [0.7, 0.2, 0.1], atol=0.03)  # samples the categorical distribution
    w = tg.tensor(np.random.default_rng(0).normal(size=(4000, 3)))
    (g_soft,) = tg.grad((soft * w).sum(), logits)
    (g_hard,) = tg.grad((hard * w).sum(), logits)
    np.testing.assert_allclose(g_hard.data, g_soft.data)  # straight-through


# ---- dropouts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn,shape,lead", [(F.dropout1d, (6, 50, 7), 2), (F.dropout1d, (50, 7), 1),
                                           (F.dropout2d, (6, 50, 3, 3), 2), (F.dropout2d, (50, 3, 3, 1), 2),
                                           (F.dropout3d, (4, 50, 2, 2, 2), 2), (F.dropout3d, (50, 2, 2, 2), 1)])
def test_channel_dropout_zeroes_whole_channels(fn, shape, lead):
    """`lead` axes name a channel: (N, C) for a batched input, (C,) for an unbatched one."""
    tg.manual_seed(2)
    x = tg.ones(*shape, requires_grad=True)
    y = fn(x, 0.4)
    channels = y.data.reshape(int(np.prod(shape[:lead])), -1)
    assert all(set(np.unique(c)) in ({0.0}, {1 / 0.6}) for c in channels)
    assert 0.2 < (channels[:, 0] == 0).mean() < 0.6
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, y.data)  # d(x·m/(1-p))/dx = m/(1-p)
    assert fn(x, 0.4, training=False) is x
    assert (fn(x, 1.0).data == 0).all()


def test_channel_dropout_shapes_and_errors(torch):
    with pytest.raises(RuntimeError, match="2D .* or 3D"):
        F.dropout1d(tg.ones(2, 3, 4, 5))
    with pytest.raises(RuntimeError):
        torch.nn.functional.dropout1d(torch.ones(2, 3, 4, 5))
    with pytest.warns(UserWarning, match="3D input to dropout2d"):
        F.dropout2d(tg.ones(2, 3, 4))
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout3d"):
        F.dropout3d(tg.ones(3, 4))
    with pytest.raises(ValueError, match="between 0 and 1, got 1.5"):
        F.dropout2d(tg.ones(2, 3, 4, 4), 1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout1d(-0.1)
    module = nn.Dropout2d(0.5)
    module.eval()
    x = tg.ones(1, 2, 2, 2)
    assert module(x) is x


def test_alpha_dropout_formula_and_statistics():
    tg.manual_seed(3)
    p, alpha = 0.2, 1.7580993408473766
    a = 1 / np.sqrt((alpha ** 2 * p + 1) * (1 - p))
    x = tg.tensor(np.random.default_rng(0).normal(size=200_000), requires_grad=True)
    y = F.alpha_dropout(x, p, training=True)
    kept = np.isclose(y.data, a * x.data + a * alpha * p)
    dropped = np.isclose(y.data, a * alpha * (p - 1))
    assert (kept | dropped).all() and abs(dropped.mean() - p) < 0.01
    assert abs(y.data.mean()) < 0.01 and abs(y.data.var() - 1) < 0.02  # selu's fixed point is kept
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.where(kept, a, 0.0))
    assert F.alpha_dropout(x, p) is x  # training=False by default, as PyTorch
    assert (F.alpha_dropout(x, 1.0, True).data == 0).all()
    tg.manual_seed(4)
    z = F.feature_alpha_dropout(tg.ones(40, 30, 5), 0.5, True)
    assert all(len(np.unique(c.round(12))) == 1 for c in z.data.reshape(1200, 5))


# ---- distances and similarity ---------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"p": 1.0}, {"p": 3.0, "keepdim": True}, {"p": float("inf")},
                                    {"eps": 0.1}, {"p": 0.5}])
@pytest.mark.parametrize("shapes", [((4, 5), (4, 5)), ((4, 5), (5,)), ((5,), (5,)), ((2, 3, 4), (3, 4))])
def test_pairwise_distance_matches_torch(shapes, kwargs, torch):
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    tb = (tg.tensor(b, requires_grad=True), torch.tensor(b, requires_grad=True))
    _compare("F.pairwise_distance(x, y, **kw)", a, torch, {"y": tb, "kw": (kwargs, kwargs)}, rtol=1e-10)
    np.testing.assert_allclose(tb[0].grad.data, tb[1].grad.numpy(), rtol=1e-10)
    ours = nn.PairwiseDistance(**kwargs)(tg.tensor(a), tg.tensor(b))
    theirs = torch.nn.PairwiseDistance(**kwargs)(torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-10)


def test_pairwise_distance_edge_cases(torch):
    TF = torch.nn.functional
    for a, b in [(2.0, 5.0), ([[1, 2]], [[3, 7]])]:
        ours = F.pairwise_distance(tg.tensor(a), tg.tensor(b))
        theirs = TF.pairwise_distance(torch.tensor(a), torch.tensor(b))
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)  # (ints: float32 in PyTorch)
        assert ours.shape == tuple(theirs.shape) and ours.dtype == np.float64
    with pytest.raises(RuntimeError, match="cannot be broadcast"):
        F.pairwise_distance(tg.ones(2, 3), tg.ones(4, 3))
    assert F.pairwise_distance(tg.tensor([3.0, 0.0]), tg.tensor([0.0, 4.0]), eps=0.0).item() == 5.0


def test_cosine_similarity_and_softmax2d_modules(torch):
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2))
    for kwargs in ({}, {"dim": 2}, {"dim": -1, "eps": 0.5}):
        np.testing.assert_allclose(nn.CosineSimilarity(**kwargs)(tg.tensor(a), tg.tensor(b)).data,
                                   torch.nn.CosineSimilarity(**kwargs)(torch.tensor(a), torch.tensor(b)).numpy(),
                                   rtol=1e-12)
    for x in (rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(3, 4, 5))):
        np.testing.assert_allclose(nn.Softmax2d()(tg.tensor(x)).data, torch.nn.Softmax2d()(torch.tensor(x)).numpy(),
                                   rtol=1e-12)
    assert np.allclose(nn.Softmax2d()(tg.tensor(a)).data.sum(0), 1.0)
    with pytest.raises(ValueError, match="3D or 4D"):
        nn.Softmax2d()(tg.ones(3, 4))


# ---- nn.Embedding's padding_idx ----------------------------------------------------------------------

@pytest.mark.parametrize("padding_idx", [0, 2, -1, -5])
def test_embedding_padding_idx_matches_torch(padding_idx, torch):
    ours = nn.Embedding(5, 3, padding_idx=padding_idx)
    theirs = torch.nn.Embedding(5, 3, padding_idx=padding_idx, dtype=torch.float64)
    assert ours.padding_idx == theirs.padding_idx
    assert repr(ours) == repr(theirs)
    row = padding_idx % 5
    assert (ours.weight.data[row] == 0).all() and (ours.weight.data[(row + 1) % 5] != 0).any()
    theirs.weight.data[:] = torch.tensor(ours.weight.data + np.arange(15).reshape(5, 3))
    ours.weight.data[:] = theirs.weight.detach().numpy()
    idx = np.array([[0, 2, 4], [2, 2, 1]])
    out, ref = ours(tg.tensor(idx)), theirs(torch.tensor(idx))
    np.testing.assert_allclose(out.data, ref.detach().numpy())  # the padding row's value is still returned
    weights = np.linspace(-1, 2, out.data.size).reshape(out.shape)
    (out * tg.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy())
    assert (ours.weight.grad.data[row] == 0).all()


def test_embedding_padding_idx_errors_and_functional(torch):
    for bad in (5, -6):
        with pytest.raises(AssertionError):
            torch.nn.Embedding(5, 2, padding_idx=bad)
        with pytest.raises(AssertionError, match="padding_idx must be within num_embeddings"):
            nn.Embedding(5, 2, padding_idx=bad)
        with pytest.raises(AssertionError, match="within num_embeddings"):
            F.embedding(tg.tensor([1]), tg.ones(5, 2), padding_idx=bad)
    w = tg.tensor(np.arange(8.0).reshape(4, 2), requires_grad=True)
    out = F.embedding(tg.tensor([3, 1, 3]), w, padding_idx=-1)
    assert out.tolist() == [[6.0, 7.0], [2.0, 3.0], [6.0, 7.0]]
    out.sum().backward()
    assert w.grad.tolist() == [[0, 0], [1, 1], [0, 0], [0, 0]]
    emb = nn.Embedding.from_pretrained(tg.ones(3, 2), padding_idx=1)
    assert emb.weight.data[1].tolist() == [1.0, 1.0] and repr(emb) == "Embedding(3, 2, padding_idx=1)"
    assert repr(nn.Embedding(5, 2, max_norm=1.0, norm_type=1.0, sparse=True)) == repr(
        torch.nn.Embedding(5, 2, max_norm=1.0, norm_type=1.0, sparse=True))


def test_embedding_max_norm_matches_torch(torch):
    table = np.random.default_rng(9).normal(size=(6, 3)) * 2
    ours, theirs = tg.tensor(table.copy(), requires_grad=True), torch.tensor(table.copy(), requires_grad=True)
    idx = np.array([0, 2, 2, 5])
    out = F.embedding(tg.tensor(idx), ours, max_norm=1.5, norm_type=1.0)
    ref = torch.nn.functional.embedding(torch.tensor(idx), theirs, max_norm=1.5, norm_type=1.0)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)  # renormed in place, both


def test_numpy_argument_names_and_docstring_examples():
    import doctest

    import tinygrad_edu.nn.activation
    import tinygrad_edu.nn.functional.channel_dropout
    import tinygrad_edu.nn.functional.distance
    import tinygrad_edu.nn.functional.piecewise

    x = tg.tensor(np.random.default_rng(10).normal(size=(2, 4)))
    np.testing.assert_array_equal(F.softmin(x, axis=0).data, F.softmin(x, dim=0).data)
    np.testing.assert_array_equal(F.glu(x, axis=1).data, F.glu(x, 1).data)
    assert F.pairwise_distance(x, x * 2, keepdims=True).shape == (2, 1)
    for module in (tinygrad_edu.nn.functional.piecewise, tinygrad_edu.nn.functional.channel_dropout,
                   tinygrad_edu.nn.functional.distance, tinygrad_edu.nn.activation):
        assert doctest.testmod(module).failed == 0, module.__name__


@pytest.mark.parametrize("expr", ["F.hardtanh_(x * 1, -0.5, 2.0)", "F.threshold_(x * 1, 0.3, -2.0)",
                                  "F.rrelu_(x * 1, 0.1, 0.2)"])
def test_in_place_forms_match_torch(expr, torch):
    _compare(expr, KINKS, torch)
    x = tg.tensor(KINKS.copy())
    assert eval(expr.replace("x * 1", "x"), {"F": F, "x": x}) is x  # overwritten and returned
