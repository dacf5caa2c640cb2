"""Regressions found by the modules fuzz (tests/fuzz/modules_fuzz.py). Each test checks the
property by hand (numpy or gradcheck), and against PyTorch where it is installed."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu.gradcheck import gradcheck

try:
    import torch
except ImportError:  # the hand checks still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


# ---- cross_entropy with probability targets: the class weights get their gradient ------------


def _soft_ce_weight_grad(lib, x, t, w, smoothing):
    xs = lib.tensor(x, requires_grad=True)
    ws = lib.tensor(w, requires_grad=True)
    lib.nn.functional.cross_entropy(xs, lib.tensor(t), weight=ws, label_smoothing=smoothing).backward()
    return np.asarray(ws.grad.numpy())


@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_probability_targets_give_the_weight_its_gradient(smoothing):
    rng = np.random.default_rng(0)
    x, t, w = rng.normal(size=(2, 3)), rng.uniform(size=(2, 3)), rng.uniform(0.1, 2, size=3)
    got = _soft_ce_weight_grad(tg, x, t, w, smoothing)
    # loss = -(1/N) Σ_n Σ_c w_c·t'_nc·log_softmax(x)_nc, so ∂loss/∂w_c = -(1/N) Σ_n t'_nc·log_softmax(x)_nc
    t_s = t * (1 - smoothing) + smoothing / 3
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    np.testing.assert_allclose(got, -(t_s * logp).sum(0) / 2, rtol=1e-12)
    wt = tg.tensor(w, requires_grad=True)
    assert gradcheck(lambda ww: F.cross_entropy(tg.tensor(x), tg.tensor(t), weight=ww), (wt,))
    if torch is not None:
        torch.set_default_dtype(torch.float64)
        try:
            np.testing.assert_allclose(got, _soft_ce_weight_grad(torch, x, t, w, smoothing), rtol=1e-12)
        finally:
            torch.set_default_dtype(torch.float32)


def test_class_index_losses_refuse_weights_that_require_grad():
    """As PyTorch: no gradient reaches the weight with class-index targets, so asking for one is an
    error rather than a silent None."""
    x, w = tg.randn(2, 3, requires_grad=True), tg.ones(3, requires_grad=True)
    for loss in (lambda: F.cross_entropy(x, tg.tensor([0, 2]), weight=w),
                 lambda: F.nll_loss(x, tg.tensor([0, 2]), weight=w)):
        with pytest.raises(RuntimeError, match="weight"):
            loss()
    with tg.no_grad():
        F.nll_loss(x, tg.tensor([0, 2]), weight=w)   # nothing to differentiate: fine
    F.cross_entropy(x, tg.tensor([0, 2]), weight=w.detach()).backward()
    assert x.grad is not None


# ---- avg_pool3d: PyTorch refuses an input smaller than the kernel before padding -------------


def test_avg_pool3d_refuses_an_input_smaller_than_the_kernel():
    x = tg.randn(1, 1, 2, 4, 4)
    with pytest.raises(RuntimeError, match="smaller than the kernel"):
        F.avg_pool3d(x, 3, padding=1)
    with pytest.raises(RuntimeError, match="smaller than the kernel"):
        tg.nn.LPPool3d(2, (3, 1, 1))(x.abs())
    assert F.avg_pool3d(x, (2, 3, 3), padding=(0, 1, 1)).shape == (1, 1, 1, 2, 2)
    if torch is not None:
        with pytest.raises(RuntimeError):
            torch.nn.functional.avg_pool3d(torch.randn(1, 1, 2, 4, 4), 3, padding=1)


# ---- interpolate: an axis whose size the scale factor keeps ---------------------------------


def _interp(lib, x, **kw):
    return np.asarray(lib.nn.functional.interpolate(lib.tensor(x), **kw).numpy())


@pytest.mark.parametrize("mode,shape", [("linear", (1, 1, 3)), ("bilinear", (1, 1, 5, 3)),
                                        ("trilinear", (1, 1, 2, 3, 5))])
def test_linear_modes_copy_an_axis_whose_size_is_kept(mode, shape):
    x = np.random.default_rng(1).random(shape)
    out = _interp(tg, x, mode=mode, scale_factor=1.3)
    # 5 -> 6 is resampled, 2 -> 2 and 3 -> 3 (⌊n·1.3⌋ = n) are copied, as PyTorch's linear kernels do
    keep = [ax for ax in range(2, len(shape)) if out.shape[ax] == shape[ax]]
    assert keep
    ref = x
    for ax in range(2, len(shape)):
        if ax not in keep:
            ref = _interp(tg, ref, mode=mode, size=None, scale_factor=tuple(
                1.3 if a == ax else 1.0 for a in range(2, len(shape))))
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    if mode == "linear":   # nothing resampled: the input itself
        np.testing.assert_array_equal(out, x)
    if torch is not None:
        np.testing.assert_allclose(out, _interp(torch, x, mode=mode, scale_factor=1.3), rtol=1e-12)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_nearest_uses_the_scale_outside_2d(dims):
    """PyTorch's 2-D nearest kernel copies a kept axis (and repeats each element for a doubled one)
    whatever the scale; its 1-D and 3-D kernels index with the scale: ⌊i / 1.3⌋ = 0, 0, 1."""
    x = np.arange(3.0 ** dims).reshape((1, 1) + (3,) * dims)
    out = _interp(tg, x, mode="nearest", scale_factor=1.3)
    index = np.arange(3) if dims == 2 else np.array([0, 0, 1])
    ref = x
    for ax in range(2, 2 + dims):
        ref = ref.take(index, axis=ax)
    np.testing.assert_array_equal(out, ref)
    if torch is not None:
        np.testing.assert_array_equal(out, _interp(torch, x, mode="nearest", scale_factor=1.3))


def test_bicubic_gradient_through_a_kept_axis_is_the_forwards_derivative():
    """PyTorch's bicubic backward copies the gradient through such an axis although its forward
    interpolates (its gradcheck fails there); ours is the forward's derivative."""
    x = tg.tensor(np.random.default_rng(2).random((1, 1, 3, 1)), requires_grad=True)
    assert gradcheck(lambda t: F.interpolate(t, mode="bicubic", scale_factor=1.3), (x,))
    if torch is not None:   # the forwards agree
        np.testing.assert_allclose(_interp(tg, x.detach().numpy(), mode="bicubic", scale_factor=1.3),
                                   _interp(torch, x.detach().numpy(), mode="bicubic", scale_factor=1.3),
                                   rtol=1e-12)


# ---- F.pad: crops that remove more than a dimension has -------------------------------------


def test_constant_pad_refuses_crops_larger_than_the_dimension():
    """(-2, 3) on a length-1 axis would be a length of 2, but the crop takes 2 of 1 elements:
    PyTorch refuses (narrow with a negative length); so do we. Crops within the axis still work."""
    with pytest.raises(RuntimeError, match="removes more"):
        F.pad(tg.ones(1, 1), (-2, 3))
    with pytest.raises(RuntimeError, match="removes more"):
        F.pad(tg.ones(1, 1), (2, -2))
    assert F.pad(tg.tensor([[1.0, 2.0]]), (-1, 2), value=5.0).tolist() == [[2.0, 5.0, 5.0]]
    if torch is not None:
        with pytest.raises(RuntimeError):
            torch.nn.functional.pad(torch.ones(1, 1), (-2, 3))
