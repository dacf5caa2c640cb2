"""Places where existing names behaved differently from PyTorch 2.13, now fixed: loss signatures
(positional order, the legacy size_average/reduce, mse_loss's weight), dropout's `inplace`,
Conv1d/Conv2d's padding modes, module reprs (ModuleList groups repeated children), numpy's
axis/keepdims on every `F` function that takes dim/keepdim, exact `%` / remainder, `tg.clip`, and
BatchNorm/InstanceNorm with zero features. Checked against PyTorch where it is installed, and
against numpy or a hand computation where it is not."""
from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _t(torch, array, requires_grad=False):
    return torch.tensor(np.asarray(array), requires_grad=requires_grad)


def _params(fn) -> list[tuple]:
    """(name, kind, default) of each parameter, defaults compared by repr."""
    return [(p.name, p.kind, repr(p.default)) for p in inspect.signature(fn).parameters.values()]


# ---- 1. loss signatures ------------------------------------------------------------------------
LOSSES = ["mse_loss", "nll_loss", "binary_cross_entropy", "cross_entropy", "l1_loss", "smooth_l1_loss",
          "huber_loss", "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss", "gaussian_nll_loss",
          "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss",
          "triplet_margin_with_distance_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
          "multi_margin_loss", "multilabel_margin_loss"]


@pytest.mark.parametrize("name", LOSSES)
def test_loss_signatures_equal_pytorchs(torch, name):
    assert _params(getattr(F, name)) == _params(getattr(torch.nn.functional, name))


def test_losses_take_pytorchs_positional_order():
    x, y = tg.tensor([1.0, 3.0]), tg.tensor([0.0, 1.0])
    assert F.mse_loss(x, y, None, None, "sum").item() == 5.0  # (input, target, size_average, reduce, reduction)
    logp = tg.tensor([[-0.5, -1.0], [-2.0, -0.25]])
    t = tg.tensor([1, -100])
    # (input, target, weight, size_average, ignore_index, reduce, reduction)
    assert F.nll_loss(logp, t, None, None, -100, None, "sum").item() == 1.0
    p = tg.tensor([0.5, 0.5])
    # (input, target, weight, size_average, reduce, reduction)
    assert np.isclose(F.binary_cross_entropy(p, y, None, None, None, "sum").item(), 2 * np.log(2))


@pytest.mark.parametrize("call", [
    lambda **kw: F.mse_loss(tg.tensor([1.0, 3.0]), tg.tensor([0.0, 1.0]), **kw),
    lambda **kw: F.nll_loss(tg.tensor([[-0.5, -1.0], [-2.0, -0.25]]), tg.tensor([1, 0]), **kw),
    lambda **kw: F.binary_cross_entropy(tg.tensor([0.25, 0.5]), tg.tensor([0.0, 1.0]), **kw),
])
def test_legacy_size_average_and_reduce(call):
    with pytest.warns(UserWarning, match="reduction='sum'"):
        summed = call(size_average=False)
    with pytest.warns(UserWarning, match="reduction='none'"):
        each = call(reduce=False)
    assert summed.item() == call(reduction="sum").item()
    assert each.tolist() == call(reduction="none").tolist()


# ---- mse_loss(weight=) -------------------------------------------------------------------------
def test_mse_loss_weight_by_hand():
    x, y, w = tg.tensor([1.0, 3.0, -1.0]), tg.tensor([0.0, 1.0, 1.0]), tg.tensor([2.0, 1.0, 0.5])
    # squared errors 1, 4, 4; weighted 2, 4, 2
    assert F.mse_loss(x, y, weight=w, reduction="none").tolist() == [2.0, 4.0, 2.0]
    assert F.mse_loss(x, y, weight=w, reduction="sum").item() == 8.0
    assert F.mse_loss(x, y, weight=w).item() == 8.0 / 3.5  # 'mean' divides by Σ w, not by N
    with pytest.raises(ValueError, match="weight"):
        F.mse_loss(x, y, weight=tg.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(x, y, weight=w, reduction="average")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(3, 4), (5,), ()])
def test_mse_loss_weight_against_torch(torch, reduction, shape):
    rng = np.random.default_rng(1)
    x, y, w = rng.standard_normal(shape), rng.standard_normal(shape), rng.uniform(0.1, 2.0, shape)
    ours = [tg.tensor(v, requires_grad=True) for v in (x, y, w)]
    theirs = [_t(torch, v, True) for v in (x, y, w)]
    out = F.mse_loss(*ours[:2], weight=ours[2], reduction=reduction)
    ref = torch.nn.functional.mse_loss(*theirs[:2], weight=theirs[2], reduction=reduction)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError):
        torch.nn.functional.mse_loss(theirs[0], theirs[1], weight=_t(torch, np.ones((7,))))
    with pytest.raises(ValueError):
        F.mse_loss(ours[0], ours[1], weight=tg.ones(7))


def test_mse_loss_weight_keeps_float32():
    x = tg.tensor([1.0, 2.0], dtype=tg.float32)
    assert F.mse_loss(x, tg.zeros(2, dtype=tg.float32), weight=tg.ones(2, dtype=tg.float32)).dtype == np.float32


# ---- 2. dropout's inplace ----------------------------------------------------------------------
def test_dropout_signatures(torch):
    assert _params(F.dropout) == _params(torch.nn.functional.dropout)
    assert _params(nn.Dropout.__init__) == _params(torch.nn.Dropout.__init__)


def test_dropout_inplace_changes_the_input_and_keeps_the_gradient():
    tg.manual_seed(0)
    w = tg.tensor(np.arange(1.0, 9.0), requires_grad=True)
    h = w * 2
    out = F.dropout(h, 0.5, True, True)
    assert out is h
    kept = h.data != 0
    assert 0 < kept.sum() < 8
    np.testing.assert_array_equal(h.data[kept], 4 * np.arange(1.0, 9.0)[kept])  # 2w / (1 - p)
    out.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.where(kept, 4.0, 0.0))
    with pytest.raises(RuntimeError, match="leaf"):
        F.dropout(w, 0.5, inplace=True)


def test_dropout_module_inplace_only_in_training():
    tg.manual_seed(1)
    layer = nn.Dropout(p=0.5, inplace=True)
    x = tg.ones(100)
    assert layer(x) is x and (x.data == 0).any()
    y = tg.ones(10)
    layer.eval()
    assert layer(y) is y and (y.data == 1).all()
    z = tg.ones(100)
    nn.Dropout(0.5).train()(z)
    assert (z.data == 1).all()  # not in place by default


def test_dropout_repr(torch):
    for args in [(), (0.3,), (0.2, True)]:
        assert repr(nn.Dropout(*args)) == repr(torch.nn.Dropout(*args))
    assert repr(nn.Dropout()) == "Dropout(p=0.5, inplace=False)"


# ---- 3. Conv padding modes ---------------------------------------------------------------------
def test_circular_padding_by_hand():
    conv = nn.Conv1d(1, 1, 3, padding=1, padding_mode="circular", bias=False)
    with tg.no_grad():
        conv.weight.copy_(tg.tensor([[[1.0, 0.0, 0.0]]]))  # out[i] = x[i - 1], wrapping around
    assert conv(tg.tensor([[[1.0, 2.0, 3.0, 4.0]]])).tolist() == [[[4.0, 1.0, 2.0, 3.0]]]
    conv.padding_mode = "reflect"  # x[-1] mirrors to x[1]
    assert conv(tg.tensor([[[1.0, 2.0, 3.0, 4.0]]])).tolist() == [[[2.0, 1.0, 2.0, 3.0]]]
    conv.padding_mode = "replicate"
    assert conv(tg.tensor([[[1.0, 2.0, 3.0, 4.0]]])).tolist() == [[[1.0, 1.0, 2.0, 3.0]]]


CONV_CASES = [(1, (2, 3, 7), dict(padding=2)), (1, (3, 7), dict(padding="same", dilation=2)),
              (1, (2, 3, 8), dict(padding=1, stride=2, groups=3)), (2, (2, 3, 6, 5), dict(padding=(1, 2))),
              (2, (3, 6, 5), dict(padding="same")), (2, (1, 3, 5, 5), dict(padding=1, stride=2, dilation=(1, 2))),
              (2, (1, 3, 4, 4), dict(padding="valid"))]


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "zeros"])
@pytest.mark.parametrize("dims,shape,kwargs", CONV_CASES)
def test_conv_padding_modes_against_torch(torch, mode, dims, shape, kwargs):
    out_channels = 6 if kwargs.get("groups") else 4
    theirs = getattr(torch.nn, f"Conv{dims}d")(3, out_channels, 3, padding_mode=mode, **kwargs).double()
    ours = getattr(nn, f"Conv{dims}d")(3, out_channels, 3, padding_mode=mode, **kwargs)
    ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(2).standard_normal(shape)
    xo, xt = tg.tensor(x, requires_grad=True), _t(torch, x, True)
    yo, yt = ours(xo), theirs(xt)
    np.testing.assert_allclose(yo.numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(3).standard_normal(yt.shape)
    yo.backward(tg.tensor(g))
    yt.backward(_t(torch, g))
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_conv_padding_mode_errors(torch):
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError):
        torch.nn.Conv2d(1, 1, 3, padding_mode="mirror")
    for mode in ("reflect", "replicate", "circular"):  # transposed convolutions pad with zeros only
        with pytest.raises(ValueError, match="zeros"):
            nn.ConvTranspose2d(1, 1, 3, padding_mode=mode)
        with pytest.raises(ValueError):
            torch.nn.ConvTranspose2d(1, 1, 3, padding_mode=mode)


# ---- 4. reprs ------------------------------------------------------------------------------------
def test_modulelist_groups_repeated_children():
    layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 3),
                            nn.Sequential(nn.ReLU(), nn.Tanh()), nn.Sequential(nn.ReLU(), nn.Tanh())])
    assert repr(layers) == (  # PyTorch's documented layout
        "ModuleList(\n"
        "  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n"
        "  (3): ReLU()\n"
        "  (4): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (5-6): 2 x Sequential(\n"
        "    (0): ReLU()\n"
        "    (1): Tanh()\n"
        "  )\n"
        ")"
    )
    assert repr(nn.ModuleList()) == "ModuleList()"
    # Sequential does not group (as in PyTorch)
    assert "(1): Linear" in repr(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2)))


def test_multiline_extra_repr_is_indented():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.ReLU()

        def extra_repr(self):
            return "first\nsecond"

    assert repr(Two()) == "Two(\n  first\n  second\n  (inner): ReLU()\n)"


MODELS = {
    "Sequential": lambda nn: nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Dropout(0.1)),
    "ModuleList": lambda nn: nn.ModuleList([nn.Linear(2, 2)] * 3 + [nn.ReLU(), nn.Sequential(nn.Tanh())]),
    "TransformerEncoder": lambda nn: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2),
    "TransformerDecoder": lambda nn: nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 2),
    "Transformer": lambda nn: nn.Transformer(8, 2, 2, 1, 16),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_model_reprs_equal_pytorchs(torch, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (torch's note about nested tensors)
        expected = repr(MODELS[name](torch.nn))
    assert repr(MODELS[name](nn)) == expected


# ---- 5. numpy's axis / keepdims on F ---------------------------------------------------------------
def test_functional_takes_axis():
    x = tg.tensor(np.random.default_rng(4).standard_normal((3, 4)))
    assert F.softmax(x, axis=1).tolist() == F.softmax(x, dim=1).tolist()
    assert F.log_softmax(x, axis=0).tolist() == F.log_softmax(x, 0).tolist()
    a, b = x, x.flip(0)
    assert F.cosine_similarity(a, b, axis=0).tolist() == F.cosine_similarity(a, b, dim=0).tolist()
    n = x.numpy()
    np.testing.assert_allclose(F.normalize(x, axis=0).numpy(), n / np.linalg.norm(n, axis=0), rtol=1e-12)
    assert F.pairwise_distance(a, b, keepdims=True).shape == (3, 1)
    assert F.softmin(x, axis=0).shape == (3, 4)
    with pytest.raises(TypeError, match="dim"):
        F.softmax(x, 1, axis=1)


def test_every_functional_with_dim_takes_axis():
    missing = []
    for name, fn in vars(F).items():
        if name.startswith("_") or not inspect.isfunction(fn):
            continue
        parameters = inspect.signature(fn).parameters
        if ("dim" in parameters or "keepdim" in parameters) and not hasattr(fn, "__wrapped__"):
            missing.append(name)
    assert not missing


def test_softmax_signature_and_dtype(torch):
    for name in ("softmax", "log_softmax"):
        assert _params(getattr(F, name)) == _params(getattr(torch.nn.functional, name))
    x = tg.tensor([[1, 2, 4]])
    out = F.softmax(input=x, dim=1, dtype=tg.float32)
    ref = torch.nn.functional.softmax(torch.tensor([[1, 2, 4]]), dim=1, dtype=torch.float32)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6)
    assert F.log_softmax(x, 1, 3, tg.float64).dtype == np.float64


# ---- 6. remainder ----------------------------------------------------------------------------------
EDGE = np.array([0.0, -0.0, 1.0, -1.0, 0.1, 0.3, 2.5, -2.5, 7.3, -7.3, 1e300, -1e300, 1e-300, np.inf, -np.inf,
                 np.nan, 3.0])


def test_remainder_values_are_exact():
    assert (tg.tensor([1.0]) % 0.1).item() == 1.0 % 0.1 == 0.09999999999999995
    a, b = np.meshgrid(EDGE, EDGE, indexing="ij")
    with np.errstate(all="ignore"):
        expected = np.remainder(a, b)
    for requires_grad in (False, True):
        out = tg.tensor(a, requires_grad=requires_grad) % tg.tensor(b, requires_grad=requires_grad)
        np.testing.assert_array_equal(out.numpy(), expected)  # (equal up to the sign of 0)
    assert (tg.tensor([-7, 7]) % 3).tolist() == [2, 1]
    assert (7 % tg.tensor([2.0, -3.0])).tolist() == [1.0, -2.0]
    assert (tg.tensor([1.0], dtype=tg.float32) % 0.1).dtype == np.float32


def test_remainder_gradient_by_hand():
    a = tg.tensor([7.5, -7.5, 1.0], requires_grad=True)
    b = tg.tensor([2.0, 2.0, 0.1], requires_grad=True)
    (a % b).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0, 1.0]
    assert b.grad.tolist() == [-3.0, 4.0, -9.0]  # -floor(a / b); floor(1.0 / 0.1) is 9 in floats


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_remainder_against_torch(torch, dtype):
    a, b = np.meshgrid(EDGE, EDGE, indexing="ij")
    with np.errstate(over="ignore"):  # (1e300 is inf in float32)
        a, b = a.astype(dtype), b.astype(dtype)
    ao, bo = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
    at, bt = _t(torch, a, True), _t(torch, b, True)
    out, ref = ao % bo, at % bt
    assert out.dtype == dtype
    with np.errstate(all="ignore"):  # where a/b overflows PyTorch gives nan; we give the exact remainder
        same = ~(np.isinf(a / b) & np.isfinite(a) & (b != 0))
    np.testing.assert_array_equal(out.numpy()[same], ref.detach().numpy()[same])
    zeros = ref.detach().numpy() == 0
    np.testing.assert_array_equal(np.signbit(out.numpy()[zeros]), np.signbit(ref.detach().numpy()[zeros]))  # -0.0
    out.backward(tg.ones_like(out))
    ref.backward(torch.ones_like(ref))
    np.testing.assert_array_equal(ao.grad.numpy(), at.grad.numpy())
    with np.errstate(all="ignore"):  # our ∂/∂b is 0 where b is inf or nan, or a/b overflows
        finite = np.isfinite(b) & (np.isfinite(a / b) | (b == 0) | np.isnan(a))
    np.testing.assert_array_equal(bo.grad.numpy()[finite], bt.grad.numpy()[finite])


def test_remainder_broadcasts_and_differentiates_twice(torch):
    rng = np.random.default_rng(5)
    a, b = rng.uniform(-5, 5, (3, 4)), rng.uniform(1, 2, (4,))
    ao, bo = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
    at, bt = _t(torch, a, True), _t(torch, b, True)
    np.testing.assert_array_equal(ao.remainder(bo).numpy(), at.remainder(bt).detach().numpy())
    go = tg.grad((ao % bo * ao).sum(), (ao, bo), create_graph=True)
    gt = torch.autograd.grad((at % bt * at).sum(), (at, bt), create_graph=True)
    for x, y in zip(go, gt):
        np.testing.assert_allclose(x.numpy(), y.detach().numpy(), rtol=1e-12)
    (go[0].sum() + go[1].sum()).backward()
    (gt[0].sum() + gt[1].sum()).backward()
    np.testing.assert_allclose(ao.grad.numpy(), at.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bo.grad.numpy(), bt.grad.numpy(), rtol=1e-12)


def test_remainder_errors(torch):
    with pytest.raises(RuntimeError, match="division by zero"):
        tg.tensor([5, -5]) % 0
    with pytest.raises(RuntimeError):
        torch.tensor([5, -5]) % 0
    with pytest.raises(RuntimeError, match=r"\(2, 3\) and \(4,\)"):
        tg.ones(2, 3) % tg.ones(4)
    with pytest.raises(NotImplementedError, match="bool"):
        tg.tensor([True]) % tg.tensor([True])


# ---- 7. tg.clip ------------------------------------------------------------------------------------
def test_clip():
    x = tg.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    y = tg.clip(x, -1, 1)
    assert y.tolist() == [-1.0, 0.5, 1.0]
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    assert tg.clip(x, max=0.0).tolist() == [-2.0, 0.0, 0.0]
    assert tg.clip(input=x, min=0.0).tolist() == [0.0, 0.5, 3.0]
    assert tg.clip([1.0, 5.0], 2.0, 4.0).tolist() == [2.0, 4.0]


def test_clip_against_torch(torch):
    x = np.array([-2.0, 0.5, 3.0, 1.0])
    assert tg.clip(tg.tensor(x), -1.0, 1.0).tolist() == torch.clip(torch.tensor(x), -1.0, 1.0).tolist()
    assert tg.clip(tg.tensor([1, 7]), 2, 5).tolist() == torch.clip(torch.tensor([1, 7]), 2, 5).tolist()


# ---- 8. zero features --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["BatchNorm1d", "BatchNorm2d", "InstanceNorm1d", "InstanceNorm2d"])
def test_norm_with_zero_features(name):
    layer = getattr(nn, name)(0)
    assert layer.num_features == 0
    assert all(v.shape == (0,) for k, v in layer.state_dict().items() if k != "num_batches_tracked")
    with pytest.raises(ValueError, match="non-negative"):
        getattr(nn, name)(-1)


@pytest.mark.parametrize("name", ["BatchNorm1d", "BatchNorm2d", "InstanceNorm1d", "InstanceNorm2d"])
def test_norm_with_zero_features_like_torch(torch, name):
    ours, theirs = getattr(nn, name)(0), getattr(torch.nn, name)(0)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
