"""F.pad's reflect/replicate/circular modes, the padding modules, F.interpolate / nn.Upsample,
pixel_shuffle / pixel_unshuffle and adaptive max pooling (nn/functional/resampling.py,
nn/resampling.py): values and gradients against PyTorch, module reprs, errors; plus checks by hand
that run without PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _both(call: str, x: np.ndarray, torch, rtol: float = 1e-12, grads: bool = True):
    """Evaluate `call` with F/nn = ours and torch's on x; compare values, dtypes, shapes, grads."""
    import torch.nn.functional as TF

    ours = tg.tensor(x, requires_grad=grads and x.dtype.kind == "f")
    theirs = torch.tensor(x, requires_grad=grads and x.dtype.kind == "f")
    out = eval(call, {"F": F, "nn": nn, "x": ours})
    ref = eval(call, {"F": TF, "nn": torch.nn, "x": theirs})
    out, ref = (out[0], ref[0]) if isinstance(out, tuple) else (out, ref)
    assert out.shape == tuple(ref.shape), call
    assert out.dtype == np.dtype(str(ref.dtype).replace("torch.", "")), call
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=rtol, atol=1e-6 if rtol > 1e-9 else 1e-13,
                               err_msg=call)
    if ours.requires_grad:
        weights = np.cos(np.arange(out.data.size)).reshape(out.shape)
        (out * tg.tensor(weights.astype(out.dtype))).sum().backward()
        (ref * torch.tensor(weights.astype(out.dtype))).sum().backward()
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=rtol,
                                   atol=1e-5 if rtol > 1e-9 else 1e-13, err_msg=call)
    return out


X3 = np.random.default_rng(0).normal(size=(2, 3, 5))
X4 = np.random.default_rng(1).normal(size=(2, 3, 4, 5))
X5 = np.random.default_rng(2).normal(size=(1, 2, 3, 4, 3))


# ---- padding -------------------------------------------------------------------------------------

PADS = [(2, 1), (0, 4), (-1, 2), (3, -2), (-2, -1), (0, 0)]


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad", PADS)
def test_pad_modes_1d_match_torch(mode, pad, torch):
    if mode == "reflect" and max(pad) >= 5:
        pytest.skip("reflect needs padding < size")
    if mode == "circular" and min(pad) < 0 < max(pad):
        pytest.skip("PyTorch 2 fails here with an internal memory-overlap error")
    _both(f"F.pad(x, {pad}, mode={mode!r})", X3, torch)
    _both(f"F.pad(x, {pad}, mode={mode!r})", X3[0], torch)  # unbatched (C, W)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad", [(1, 2, 3, 0), (0, 0, 2, 2), (2, 2, -1, 3), (-1, 0, 0, 1)])
def test_pad_modes_2d_and_3d_match_torch(mode, pad, torch):
    if mode == "circular" and any(p < 0 for p in pad):
        pytest.skip("PyTorch 2 fails with negative circular padding mixed with positive")
    _both(f"F.pad(x, {pad}, mode={mode!r})", X4, torch)
    _both(f"F.pad(x, {pad}, mode={mode!r})", X4[0], torch)
    _both(f"F.pad(x, {pad} + (1, 2), mode={mode!r})", X5, torch)
    _both(f"F.pad(x, {pad} + (2, 1), mode={mode!r})", X5[0], torch)


def test_pad_by_hand():
    x = tg.tensor([[[0.0, 1.0, 2.0, 3.0]]])
    assert F.pad(x, (2, 3), "reflect").tolist() == [[[2, 1, 0, 1, 2, 3, 2, 1, 0]]]
    assert F.pad(x, (2, 3), "replicate").tolist() == [[[0, 0, 0, 1, 2, 3, 3, 3, 3]]]
    assert F.pad(x, (2, 3), "circular").tolist() == [[[2, 3, 0, 1, 2, 3, 0, 1, 2]]]
    assert F.pad(x, (-1, 2), "circular").tolist() == [[[1, 2, 3, 1, 2]]]  # cropped, then wrapped
    y = tg.tensor([[[1.0, 2.0, 3.0]]], requires_grad=True)
    F.pad(y, (2, 2), "replicate").sum().backward()
    assert y.grad.tolist() == [[[3.0, 1.0, 3.0]]]  # the edges are used three times
    assert F.pad(tg.tensor([[1, 2, 3]]), (1, 1), "reflect").tolist() == [[2, 1, 2, 3, 2]]  # ints too


def test_pad_errors_match_torch(torch):
    import torch.nn.functional as TF

    cases = [
        ("F.pad(x[0, 0], (1, 1), 'reflect')", NotImplementedError, "padding size 2 is not supported for a 1D"),
        ("F.pad(x, (1, 1, 1, 1, 1, 1), 'replicate')", NotImplementedError, "padding size 6 is not supported for a 3D"),
        ("F.pad(x, (6, 0), 'reflect')", RuntimeError, "must be less than its size 5"),
        ("F.pad(x, (6, 0), 'circular')", RuntimeError, "more than once"),
        ("F.pad(x, (1,), 'reflect')", RuntimeError, "even number"),
        ("F.pad(x, (1, 1), 'reflect', 3.0)", RuntimeError, "doesn't take a value"),
        ("F.pad(x, (1, 1), 'wrap')", NotImplementedError, "unknown padding mode 'wrap'"),
        ("F.pad(x[:, :0], (1, 1), 'reflect')", RuntimeError, "non-empty"),
        ("F.pad(x, (-6, 0), 'replicate')", RuntimeError, "negative"),
    ]
    for expr, exc, message in cases:
        with pytest.raises(exc):
            eval(expr, {"F": TF, "x": torch.tensor(X3)})
        with pytest.raises(exc, match=message):
            eval(expr, {"F": F, "x": tg.tensor(X3)})


PAD_MODULES = ["nn.ZeroPad1d(2)", "nn.ZeroPad1d((1, 3))", "nn.ZeroPad2d(1)", "nn.ZeroPad2d((1, 2, 0, 3))",
               "nn.ZeroPad3d(1)", "nn.ConstantPad1d(2, 3.5)", "nn.ConstantPad2d((1, 2, 3, 0), 1)",
               "nn.ConstantPad3d(1, -2.0)", "nn.ReflectionPad1d(2)", "nn.ReflectionPad2d((1, 0, 2, 0))",
               "nn.ReflectionPad3d(1)", "nn.ReplicationPad1d((3, 1))", "nn.ReplicationPad2d(2)",
               "nn.ReplicationPad3d((1, 0, 0, 1, 1, 0))", "nn.CircularPad1d(2)", "nn.CircularPad2d((1, 2, 2, 1))",
               "nn.CircularPad3d(1)"]


@pytest.mark.parametrize("expr", PAD_MODULES)
def test_padding_modules_match_torch(expr, torch):
    ours, theirs = eval(expr, {"nn": nn}), eval(expr, {"nn": torch.nn})
    assert repr(ours) == repr(theirs)
    assert ours.padding == theirs.padding
    dims = int(expr.split("Pad")[1][0])
    x = {1: X3, 2: X4, 3: X5}[dims]
    _both(expr + "(x)", x, torch)
    _both(expr + "(x)", x[0], torch)  # unbatched


def test_padding_module_errors(torch):
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.CircularPad1d(1)(tg.ones(2, 2, 2, 2))
    with pytest.raises(ValueError):
        torch.nn.CircularPad1d(1)(torch.ones(2, 2, 2, 2))
    with pytest.raises(NotImplementedError):
        nn.ReflectionPad2d(1)(tg.ones(2, 2))
    with pytest.raises(TypeError, match="padding must be an int or a tuple"):
        nn.ZeroPad2d(1.5)
    assert nn.ZeroPad1d(1)(tg.ones(2, 2, 2, 2)).shape == (2, 2, 2, 4)  # constant padding takes any rank


# ---- interpolate ---------------------------------------------------------------------------------

INTERPOLATIONS = [
    # 3-D
    ("size=7", 3), ("size=3", 3), ("scale_factor=2", 3), ("scale_factor=1.7", 3), ("scale_factor=0.5", 3),
    ("size=7, mode='linear'", 3), ("size=2, mode='linear'", 3), ("scale_factor=2.3, mode='linear'", 3),
    ("size=8, mode='linear', align_corners=True", 3), ("size=1, mode='linear', align_corners=True", 3),
    ("scale_factor=1.5, mode='linear', align_corners=True", 3), ("size=9, mode='nearest-exact'", 3),
    ("scale_factor=0.6, mode='nearest-exact'", 3), ("size=3, mode='area'", 3),
    ("scale_factor=1.7, mode='linear', recompute_scale_factor=True", 3),
    # 4-D
    ("scale_factor=2", 4), ("size=(7, 3)", 4), ("scale_factor=(1.5, 0.7)", 4), ("size=(5, 9), mode='bilinear'", 4),
    ("scale_factor=2, mode='bilinear'", 4), ("scale_factor=(0.5, 1.3), mode='bilinear'", 4),
    ("size=(6, 6), mode='bilinear', align_corners=True", 4), ("size=(3, 2), mode='bilinear', align_corners=False", 4),
    ("size=(7, 8), mode='nearest-exact'", 4), ("size=(3, 2), mode='area'", 4), ("scale_factor=(3, 1)", 4),
    ("scale_factor=(1.5, 2.5), mode='bilinear', recompute_scale_factor=True", 4),
    # 5-D
    ("scale_factor=2", 5), ("size=(2, 5, 4), mode='trilinear'", 5),
    ("size=(4, 3, 5), mode='trilinear', align_corners=True", 5), ("size=(5, 2, 4), mode='nearest-exact'", 5),
]


@pytest.mark.parametrize("args,dims", INTERPOLATIONS)
def test_interpolate_matches_torch(args, dims, torch):
    x = {3: X3, 4: X4, 5: X5}[dims]
    _both(f"F.interpolate(x, {args})", x, torch)
    _both(f"F.interpolate(x, {args})", x.astype(np.float32), torch, rtol=1e-5)


@pytest.mark.parametrize("n_in,n_out", [(3, 5), (5, 3), (7, 11), (10, 7), (6, 13), (9, 4), (29, 30)])
def test_nearest_indices_match_torch_in_float32(n_in, n_out, torch):
    """The source index ⌊i·n_in/n_out⌋ is computed in float32 as in PyTorch: where i·s is
    (nearly) an integer, float64 would pick another pixel."""
    x = np.arange(n_in, dtype=np.float64).reshape(1, 1, n_in)
    for mode in ("nearest", "nearest-exact"):
        _both(f"F.interpolate(x, size={n_out}, mode={mode!r})", x, torch)
        _both(f"F.interpolate(x, scale_factor={n_out / n_in!r}, mode={mode!r})", x, torch)


def test_interpolate_by_hand():
    x = tg.tensor([[[1.0, 2.0, 4.0]]])
    assert F.interpolate(x, scale_factor=2).tolist() == [[[1, 1, 2, 2, 4, 4]]]
    assert F.interpolate(x, size=5, mode="linear", align_corners=True).tolist() == [[[1, 1.5, 2, 3, 4]]]
    # align_corners=False: output pixel i samples input position (i + ½)·3/6 - ½, clamped at 0
    np.testing.assert_allclose(F.interpolate(x, size=6, mode="linear").data,
                               [[[1, 1.25, 1.75, 2.5, 3.5, 4]]])
    y = tg.tensor([[[1.0, 2.0]]], requires_grad=True)
    F.interpolate(y, size=3, mode="linear", align_corners=True).sum().backward()
    assert y.grad.tolist() == [[[1.5, 1.5]]]


def test_interpolate_errors_match_torch(torch):
    import torch.nn.functional as TF

    cases = [
        ("F.interpolate(x)", ValueError, "either size or scale_factor"),
        ("F.interpolate(x, 2, 2)", ValueError, "only one of size or scale_factor"),
        ("F.interpolate(x, scale_factor=2, align_corners=True)", ValueError, "align_corners option"),
        ("F.interpolate(x, scale_factor=2, mode='linear')", NotImplementedError, "linear mode needs a 3D input"),
        ("F.interpolate(x[0], scale_factor=2, mode='bilinear')", NotImplementedError, "needs a 4D input"),
        ("F.interpolate(x[0, 0], scale_factor=2)", NotImplementedError, "only 3D, 4D and 5D"),
        ("F.interpolate(x, scale_factor=2, mode='foo')", NotImplementedError, "'foo'"),
        ("F.interpolate(x, size=(5,))", ValueError, "2 spatial dimensions"),
        ("F.interpolate(x, scale_factor=(2, 3, 4))", ValueError, "scale_factor has 3 entries"),
        ("F.interpolate(x, size=0)", RuntimeError, "greater than 0"),
        ("F.interpolate(x, scale_factor=0.1)", RuntimeError, "greater than 0"),
        ("F.interpolate(x.long(), scale_factor=2)", NotImplementedError, "dtype int64"),
        ("F.interpolate(x, size=2.5)", TypeError, "size must be an int"),
        ("F.interpolate(x, size=3, recompute_scale_factor=True)", ValueError, "not meaningful"),
    ]
    for expr, exc, message in cases:
        with pytest.raises(exc):
            eval(expr, {"F": TF, "x": torch.tensor(X4)})
        with pytest.raises(exc, match=message):
            eval(expr, {"F": F, "x": tg.tensor(X4)})


@pytest.mark.parametrize("expr", ["nn.Upsample(scale_factor=2)", "nn.Upsample(size=3, mode='bilinear')",
                                  "nn.Upsample(scale_factor=(2, 3), mode='bilinear', align_corners=True)",
                                  "nn.Upsample(size=(3, 7))", "nn.UpsamplingNearest2d(scale_factor=2)",
                                  "nn.UpsamplingBilinear2d(size=4)", "nn.UpsamplingBilinear2d(scale_factor=1.5)"])
def test_upsample_modules_match_torch(expr, torch):
    assert repr(eval(expr, {"nn": nn})) == repr(eval(expr, {"nn": torch.nn}))
    _both(expr + "(x)", X4, torch)


# ---- pixel shuffle ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shape,r", [((1, 8, 2, 3), 2), ((9, 2, 1), 3), ((2, 1, 4, 1, 3), 2), ((1, 5, 2, 2), 1)])
def test_pixel_shuffle_matches_torch_and_inverts(shape, r, torch):
    x = np.random.default_rng(3).normal(size=shape)
    out = _both(f"F.pixel_shuffle(x, {r})", x, torch)
    back = _both(f"F.pixel_unshuffle(x, {r})", out.data, torch)
    np.testing.assert_array_equal(back.data, x)
    _both(f"nn.PixelShuffle({r})(x)", x, torch)
    _both(f"nn.PixelUnshuffle({r})(x)", out.data, torch)
    assert repr(nn.PixelShuffle(r)) == repr(torch.nn.PixelShuffle(r))
    assert repr(nn.PixelUnshuffle(r)) == repr(torch.nn.PixelUnshuffle(r))


def test_pixel_shuffle_by_hand_and_errors(torch):
    x = tg.arange(8).reshape(1, 8, 1, 1)
    assert F.pixel_shuffle(x, 2).tolist() == [[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]]  # ints stay int
    assert F.pixel_shuffle(x, 2).dtype == np.int64
    import torch.nn.functional as TF

    cases = [("F.pixel_shuffle(x, 2)", "divisible by upscale_factor"), ("F.pixel_shuffle(x[0, 0], 2)", "at least 3"),
             ("F.pixel_shuffle(x, 0)", "positive"), ("F.pixel_unshuffle(x, 2)", "height .* divisible"),
             ("F.pixel_unshuffle(x, -1)", "positive")]
    for expr, message in cases:
        with pytest.raises(RuntimeError):
            eval(expr, {"F": TF, "x": torch.ones(1, 5, 3, 4)})
        with pytest.raises(RuntimeError, match=message):
            eval(expr, {"F": F, "x": tg.ones(1, 5, 3, 4)})


# ---- adaptive max pooling ----------------------------------------------------------------------------

@pytest.mark.parametrize("call", ["F.adaptive_max_pool2d(x, 2)", "F.adaptive_max_pool2d(x, (3, None))",
                                  "F.adaptive_max_pool2d(x, (5, 7))", "F.adaptive_max_pool2d(x, 1)",
                                  "F.adaptive_max_pool2d(x[0], (2, 3))", "nn.AdaptiveMaxPool2d((3, 2))(x)",
                                  "F.adaptive_max_pool1d(x[0], 3)", "F.adaptive_max_pool1d(x[:, 0], 4)",
                                  "nn.AdaptiveMaxPool1d(2)(x[0])", "F.adaptive_max_pool1d(x[0, 0], 7)"])
def test_adaptive_max_pool_matches_torch(call, torch):
    _both(call, X4, torch)
    ties = np.round(X4 * 1.5)  # many equal values: the gradient must go to the same (first) maximum
    _both(call, ties, torch)


@pytest.mark.parametrize("call", ["F.adaptive_max_pool2d(x, (2, 3), return_indices=True)",
                                  "F.adaptive_max_pool2d(x[0], 3, True)", "F.adaptive_max_pool1d(x[0], 3, True)",
                                  "nn.AdaptiveMaxPool2d(2, return_indices=True)(x)"])
def test_adaptive_max_pool_indices_match_torch(call, torch):
    import torch.nn.functional as TF

    x = np.round(X4 * 1.5)
    values, indices = eval(call, {"F": F, "nn": nn, "x": tg.tensor(x)})
    ref_values, ref_indices = eval(call, {"F": TF, "nn": torch.nn, "x": torch.tensor(x)})
    np.testing.assert_array_equal(values.data, ref_values.numpy())
    np.testing.assert_array_equal(indices.data, ref_indices.numpy())
    assert indices.dtype == np.int64


def test_adaptive_max_pool_by_hand_and_errors(torch):
    x = tg.arange(12.0).reshape(1, 1, 3, 4)
    assert F.adaptive_max_pool2d(x, 2).tolist() == [[[[5.0, 7.0], [9.0, 11.0]]]]
    assert F.adaptive_max_pool2d(x, 0).shape == (1, 1, 0, 0)
    y = tg.tensor([[[1.0, 3.0, 3.0, 0.0]]], requires_grad=True)
    F.adaptive_max_pool1d(y, 1).sum().backward()
    assert y.grad.tolist() == [[[0.0, 1.0, 0.0, 0.0]]]  # the first maximum takes the gradient
    assert repr(nn.AdaptiveMaxPool2d((2, None))) == repr(torch.nn.AdaptiveMaxPool2d((2, None)))
    assert repr(nn.AdaptiveMaxPool1d(3, True)) == repr(torch.nn.AdaptiveMaxPool1d(3, True))
    with pytest.raises(NotImplementedError, match="dtype int64"):
        F.adaptive_max_pool2d(tg.ones(1, 1, 2, 2, dtype=tg.int64), 1)
    with pytest.raises(RuntimeError, match="3D .* or 4D"):
        F.adaptive_max_pool2d(tg.ones(2, 2), 1)
    with pytest.raises(RuntimeError, match="tuple of 2"):
        F.adaptive_max_pool2d(x, (1, 2, 3))


def test_docstring_examples():
    import doctest

    import tinygrad_edu.nn.functional.resampling
    import tinygrad_edu.nn.resampling

    for module in (tinygrad_edu.nn.functional.resampling, tinygrad_edu.nn.resampling):
        assert doctest.testmod(module).failed == 0, module.__name__


@pytest.mark.parametrize("call", ["F.upsample(x, scale_factor=2, mode='bilinear')", "F.upsample(x, size=(3, 7))",
                                  "F.upsample_nearest(x, size=(5, 2))", "F.upsample_bilinear(x, scale_factor=1.5)"])
def test_deprecated_upsample_names_match_torch(call, torch):
    with pytest.warns(UserWarning, match="is deprecated. Use `nn.functional.interpolate` instead"):
        _both(call, X4, torch)
