"""Memory formats (tg.contiguous_format, channels_last, channels_last_3d, preserve_format) and
storage constructors (tg.TypedStorage, tg.UntypedStorage).

A memory format changes a tensor's strides, never its shape or values: checked against strides
computed by hand and with numpy, and -- where torch is installed -- against PyTorch's strides,
aliasing rules, values and gradients on tensors of many layouts."""
from __future__ import annotations

import doctest
import importlib
import pickle
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


def _nhwc_strides(shape: tuple) -> tuple:
    """channels_last strides the numpy way: an (N, H, W, C) array seen as (N, C, H, W)."""
    n, c, h, w = shape
    array = np.empty((n, h, w, c)).transpose(0, 3, 1, 2)
    return tuple(s // array.itemsize for s in array.strides)


# ---- the format objects ------------------------------------------------------------------------
def test_formats_are_named_singletons():
    formats = [tg.contiguous_format, tg.channels_last, tg.channels_last_3d, tg.preserve_format]
    assert [repr(f) for f in formats] == ["tinygrad_edu.contiguous_format", "tinygrad_edu.channels_last",
                                          "tinygrad_edu.channels_last_3d", "tinygrad_edu.preserve_format"]
    assert all(isinstance(f, tg.memory_format) for f in formats) and len(set(map(id, formats))) == 4
    assert all(pickle.loads(pickle.dumps(f)) is f for f in formats)  # (a copy is the same object)


def test_module_docstrings_run():
    for name in ("tinygrad_edu.memory_formats", "tinygrad_edu.storage", "tinygrad_edu.linspace_values"):
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0 and result.attempted > 0, name


# ---- strides of new tensors --------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(2, 3, 5, 7), (1, 3, 4, 4), (2, 1, 4, 5), (4, 8, 1, 1)])
def test_channels_last_strides_are_nhwc(shape):
    x = tg.empty(*shape, memory_format=tg.channels_last)
    assert x.shape == shape and x.stride() == _nhwc_strides(shape)
    assert x.is_contiguous(memory_format=tg.channels_last)


def test_empty_strides_by_hand():
    assert tg.empty((2, 3, 5, 7), memory_format=tg.channels_last).stride() == (105, 1, 21, 3)
    assert tg.empty(2, 3, 4, 5, 6, memory_format=tg.channels_last_3d).stride() == (360, 1, 90, 18, 3)
    assert tg.empty(2, 3, 4, 5, memory_format=tg.contiguous_format).stride() == (60, 20, 5, 1)
    assert tg.empty(2, 3, memory_format=None).stride() == (3, 1)
    # sizes 0 as PyTorch counts them: channels_last uses them as they are, row-major as 1
    assert tg.empty(2, 0, 4, 5, memory_format=tg.channels_last).stride() == (0, 1, 0, 0)
    assert tg.empty(2, 3, 4, 5, 0, memory_format=tg.channels_last_3d).stride() == (0, 1, 0, 0, 3)
    assert tg.empty(0, 3, 2).stride() == (6, 2, 1)


def test_empty_permuted_and_dim_order():
    assert tg.empty_permuted((2, 3, 5, 7), (0, 2, 3, 1)).stride() == (105, 1, 21, 3)
    assert tg.empty_permuted((2, 3, 5, 7), (0, 2, 3, 1)).dim_order() == (0, 2, 3, 1)
    assert tg.empty_permuted((0, 0, 1, 4), (0, 2, 3, 1)).stride() == (4, 1, 4, 1)  # (PyTorch's, sizes 0 as 1)
    assert tg.empty(2, 3, 5, 7, memory_format=tg.channels_last).dim_order() == (0, 2, 3, 1)
    assert tg.empty(2, 3, 4, 5, 6, memory_format=tg.channels_last_3d).dim_order() == (0, 2, 3, 4, 1)
    ones_c = tg.empty((1, 2, 3, 4))
    with pytest.raises(RuntimeError, match="unique dim order"):
        ones_c.dim_order(ambiguity_check=True)
    # a list of formats: ambiguous orders are fine when exactly one format fits
    assert ones_c.dim_order(ambiguity_check=[tg.contiguous_format, tg.channels_last]) == (0, 1, 2, 3)
    both = tg.empty((2, 1, 4, 5))  # contiguous and channels_last at once (C is 1)
    with pytest.raises(RuntimeError, match="exact one of the given memory formats"):
        both.dim_order(ambiguity_check=[tg.contiguous_format, tg.channels_last])
    with pytest.raises(TypeError, match="a bool or a list of memory formats"):
        ones_c.dim_order(ambiguity_check=["channels_last"])


# ---- is_contiguous, contiguous, clone, to ------------------------------------------------------
def test_is_contiguous_per_format():
    x = tg.arange(120.0).reshape(2, 3, 4, 5)
    cl = x.contiguous(memory_format=tg.channels_last)
    assert x.is_contiguous() and not x.is_contiguous(memory_format=tg.channels_last)
    assert cl.is_contiguous(memory_format=tg.channels_last) and not cl.is_contiguous()
    assert cl.is_contiguous(memory_format=tg.preserve_format) is False  # (PyTorch asks row-major for it)
    assert not x.is_contiguous(memory_format=tg.channels_last_3d)  # (the wrong rank: False, no error)
    one_channel = tg.zeros(2, 1, 4, 5)  # size-1 dims may have any stride: both formats fit
    assert one_channel.is_contiguous() and one_channel.is_contiguous(memory_format=tg.channels_last)
    assert tg.zeros(3, 4).is_contiguous(memory_format=tg.channels_last) is False


def test_contiguous_copies_only_when_needed_and_keeps_values():
    x = tg.tensor(np.random.default_rng(0).standard_normal((2, 3, 4, 5)))
    cl = x.contiguous(memory_format=tg.channels_last)
    assert cl.stride() == (60, 1, 15, 3) and np.array_equal(cl.numpy(), x.numpy())
    assert cl.contiguous(memory_format=tg.channels_last) is cl and x.contiguous() is x
    back = cl.contiguous()
    assert back.stride() == (60, 20, 5, 1) and np.array_equal(back.numpy(), x.numpy())
    assert not np.shares_memory(cl.numpy(), x.numpy())


def test_clone_preserves_layout():
    x = tg.arange(24.0).reshape(2, 3, 4)
    assert x.permute(2, 0, 1).clone().stride() == (1, 12, 4)  # dense: the same strides
    assert x.transpose(0, 2)[::2].clone().stride() == (1, 2, 6)  # gaps: dense, in the same order
    assert tg.zeros(3, 1, 5).expand(3, 4, 5).clone().stride() == (20, 5, 1)  # overlaps: row-major
    m = tg.arange(6.0).reshape(2, 3).t()
    assert m.clone().stride() == (1, 3) and m.clone(memory_format=tg.contiguous_format).stride() == (2, 1)
    assert tg.clone(m, memory_format=tg.contiguous_format).is_contiguous()
    assert tg.tensor(3.0).clone().stride() == ()


def test_like_functions_keep_or_set_the_layout():
    cl = tg.empty(2, 3, 4, 5, memory_format=tg.channels_last)
    for make in (tg.empty_like, tg.zeros_like, tg.ones_like, tg.rand_like, tg.randn_like,
                 lambda t, **kw: tg.full_like(t, 7.0, **kw), lambda t, **kw: tg.randint_like(t, 5, **kw)):
        assert make(cl).stride() == (60, 1, 15, 3)
        assert make(cl, memory_format=tg.contiguous_format).stride() == (60, 20, 5, 1)
        assert make(tg.zeros(2, 3, 4, 5), memory_format=tg.channels_last).stride() == (60, 1, 15, 3)
    assert np.all(tg.ones_like(cl).numpy() == 1) and np.all(tg.full_like(cl, 7.0).numpy() == 7)
    tg.manual_seed(3)
    a = tg.rand_like(cl)
    tg.manual_seed(3)
    b = tg.rand_like(cl, memory_format=tg.contiguous_format)
    assert np.array_equal(a.numpy(), b.numpy())  # the same numbers in the same places, only laid out apart


def test_to_memory_format_aliases_as_pytorch():
    x = tg.randn(2, 3, 4, 5, requires_grad=True)
    cl = x.to(memory_format=tg.channels_last)
    assert cl.stride() == (60, 1, 15, 3) and cl.grad_fn.name() == "ToCopyBackward0"
    assert cl.to(memory_format=tg.channels_last) is cl  # already suggests channels_last
    rows = cl[:, :, ::2]  # every other row of a channels-last tensor still suggests channels_last
    assert rows.to(memory_format=tg.channels_last) is rows
    channels = cl[:, ::2]  # every other channel does not: a copy
    assert channels.to(memory_format=tg.channels_last) is not channels
    assert x.to(memory_format=tg.preserve_format) is x
    m = tg.zeros(2, 3).t()
    assert m.to(memory_format=tg.contiguous_format) is m  # a 2-D tensor suggests contiguous_format: no copy
    both = x.to(tg.float32, memory_format=tg.channels_last)
    assert both.dtype == tg.float32 and both.stride() == (60, 1, 15, 3)
    ints = x.detach().to(tg.int64, memory_format=tg.channels_last)
    assert ints.dtype == tg.int64 and ints.stride() == (60, 1, 15, 3) and not ints.requires_grad
    assert x.to(memory_format=tg.channels_last, copy=True) is not x
    assert x.cpu() is x and x.cpu(memory_format=tg.channels_last).stride() == (60, 1, 15, 3)


def test_gradients_pass_through_layout_copies():
    x = tg.tensor(np.random.default_rng(1).standard_normal((2, 3, 4, 5)), requires_grad=True)
    y = (x.contiguous(memory_format=tg.channels_last) * x.to(memory_format=tg.channels_last)
         + x.clone(memory_format=tg.channels_last) ** 3)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy() + 3 * x.detach().numpy() ** 2)
    assert tg.gradcheck(lambda t: t.contiguous(memory_format=tg.channels_last).sin(), (x,))
    assert tg.gradgradcheck(lambda t: t.to(memory_format=tg.channels_last) ** 2, (x,))


def test_ops_on_channels_last_give_the_same_values():
    rng = np.random.default_rng(2)
    x = tg.tensor(rng.standard_normal((2, 3, 4, 5)))
    w = tg.tensor(rng.standard_normal((4, 3, 3, 3)))
    cl = x.contiguous(memory_format=tg.channels_last)
    pairs = [
        (lambda t: t * 2 + t.exp(), "elementwise"), (lambda t: t.sum(1), "sum"), (lambda t: t.mean((2, 3)), "mean"),
        (lambda t: t.softmax(1), "softmax"), (lambda t: t.reshape(2, -1), "reshape"),
        (lambda t: t[:, 1:, ::2], "slice"),
        (lambda t: t @ tg.ones(5, 2), "matmul"), (lambda t: t.permute(0, 2, 3, 1).flatten(0, 2), "permute"),
        (lambda t: F.conv2d(t, w, padding=1), "conv2d"),
        (lambda t: t.amax(1), "amax"), (lambda t: t.cumsum(3), "cumsum"), (lambda t: t.sort(1).values, "sort"),
    ]
    for fn, name in pairs:
        np.testing.assert_allclose(fn(cl).numpy(), fn(x).numpy(), rtol=1e-12, atol=1e-12, err_msg=name)
    assert (cl + 1).stride() == (60, 1, 15, 3)  # elementwise results keep the layout, as in PyTorch


def test_view_of_channels_last_needs_a_compatible_shape():
    cl = tg.zeros(2, 3, 4, 5).contiguous(memory_format=tg.channels_last)
    with pytest.raises(RuntimeError, match="view"):
        cl.view(2, 60)  # the elements are not row-major (PyTorch refuses too)
    assert cl.reshape(2, 60).shape == (2, 60)


# ---- errors --------------------------------------------------------------------------------------
def test_rank_and_type_errors():
    with pytest.raises(RuntimeError, match="required rank 4 tensor to use channels_last format"):
        tg.empty(2, 3, memory_format=tg.channels_last)
    with pytest.raises(RuntimeError, match="required rank 5 tensor to use channels_last_3d format"):
        tg.zeros(2, 3, 4, 5).contiguous(memory_format=tg.channels_last_3d)
    with pytest.raises(RuntimeError, match="required rank 4"):
        tg.zeros(3, 4, 5).clone(memory_format=tg.channels_last)
    with pytest.raises(RuntimeError, match="required rank 4"):
        tg.zeros(3, 4).to(memory_format=tg.channels_last)
    with pytest.raises(RuntimeError, match="required rank 4"):
        tg.zeros_like(tg.zeros(3, 4), memory_format=tg.channels_last)
    with pytest.raises(RuntimeError, match="unsupported memory format Preserve"):
        tg.empty(2, 3, memory_format=tg.preserve_format)
    with pytest.raises(RuntimeError, match="preserve memory format is unsupported by the contiguous operator"):
        tg.zeros(2, 3).t().contiguous(memory_format=tg.preserve_format)
    with pytest.raises(TypeError, match="memory_format"):
        tg.empty(2, 3, memory_format="channels_last")
    with pytest.raises(TypeError, match="memory_format"):
        tg.zeros(2, 3).contiguous(memory_format=None)
    with pytest.raises(TypeError):
        tg.zeros(2, 3).is_contiguous(tg.channels_last)  # (keyword-only, as in PyTorch)
    with pytest.raises(TypeError, match="memory_format"):
        nn.Linear(2, 3).to(memory_format="channels_last")


# ---- Module.to ---------------------------------------------------------------------------------
def test_module_to_channels_last():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
    weight, bias, linear = model[0].weight, model[0].bias, model[3].weight
    values = weight.detach().numpy().copy()
    x = tg.randn(2, 3, 8, 8)
    before = model(x).detach().numpy()
    model(x).sum().backward()
    assert model.to(memory_format=tg.channels_last) is model
    assert model[0].weight is weight and weight.stride() == (27, 1, 9, 3) and np.array_equal(weight.numpy(), values)
    assert weight.grad.stride() == (27, 1, 9, 3)  # the gradient too, as PyTorch's Module.to
    assert bias.stride() == (1,) and linear.stride() == (144, 1)  # not 4-D: as they were
    np.testing.assert_allclose(model(x.to(memory_format=tg.channels_last)).detach().numpy(), before, rtol=1e-12)
    with pytest.raises(RuntimeError, match="required rank 4"):
        nn.Conv3d(2, 3, 2).to(memory_format=tg.channels_last)
    conv3d = nn.Conv3d(2, 3, 2).to(memory_format=tg.channels_last_3d)
    assert conv3d.weight.stride() == (16, 1, 8, 4, 2)


# ---- storages ----------------------------------------------------------------------------------
def test_storage_constructors():
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        typed = tg.TypedStorage(5, dtype=tg.float32)
        values = tg.TypedStorage([1.5, -2.7, 3], dtype=tg.int64)
        empty = tg.TypedStorage(dtype=tg.float64)
        wrapped = tg.TypedStorage(wrap_storage=tg.UntypedStorage(6), dtype=tg.float32)
    assert tg.is_storage(typed) and typed.size() == len(typed) == 5 and typed.nbytes() == 20
    assert typed.dtype == tg.float32 and typed.tolist() == [0.0] * 5 and typed.device == tg.device("cpu")
    assert values.tolist() == [1, -2, 3] and empty.size() == 0 and wrapped.size() == 1
    untyped = tg.UntypedStorage([1, 2, 300])
    assert tg.is_storage(untyped) and untyped.tolist() == [1, 2, 44]  # bytes: 300 mod 256
    assert len(tg.UntypedStorage(4)) == 4 and tg.UntypedStorage().nbytes() == 0
    assert not tg.is_storage(tg.tensor([1, 2, 3])) and not tg.is_storage([1, 2, 3])


def test_storage_constructor_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="non-negative"):
            tg.TypedStorage(-1, dtype=tg.float32)
        with pytest.raises(TypeError, match="a size"):
            tg.TypedStorage(2.5, dtype=tg.float32)
        with pytest.raises(RuntimeError, match="too many positional arguments"):
            tg.TypedStorage(5, 6, dtype=tg.float32)
        with pytest.raises(RuntimeError, match="dtype"):
            tg.TypedStorage(wrap_storage=tg.UntypedStorage(8))
        with pytest.raises(TypeError, match="UntypedStorage"):
            tg.TypedStorage(wrap_storage=[1], dtype=tg.float32)
        with pytest.raises(RuntimeError, match="cuda"):
            tg.TypedStorage(5, dtype=tg.float32, device="cuda")
    with pytest.raises(RuntimeError, match="of type float instead of int"):
        tg.UntypedStorage([1.5])
    with pytest.raises(RuntimeError, match="bool"):
        tg.UntypedStorage(True)


# ---- against PyTorch -----------------------------------------------------------------------------
def _strided_pairs(count: int, seed: int = 0):
    """(torch tensor, tinygrad_edu tensor) pairs with the same shape and strides: permuted, sliced
    with steps, expanded and channels-last tensors of 0 to 5 dims, sizes 0 to 4."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    for _ in range(count):
        ndim = int(rng.integers(0, 6))
        shape = tuple(int(n) for n in rng.choice([0, 1, 2, 3, 4], ndim, p=[0.05, 0.25, 0.25, 0.25, 0.2]))
        t = torch.empty(tuple(n * int(rng.choice([1, 2])) for n in shape), dtype=torch.float64)
        if ndim:
            t = t.permute([int(d) for d in rng.permutation(ndim)])
            t = t[tuple(slice(0, n, int(rng.choice([1, 2]))) for n in t.shape)]
            if rng.random() < 0.2 and t.shape[0]:
                t = t.narrow(0, 0, 1).expand(*t.shape)
        if ndim in (4, 5) and rng.random() < 0.3:
            t = torch.empty(t.shape, dtype=torch.float64).contiguous(
                memory_format=torch.channels_last if ndim == 4 else torch.channels_last_3d)
            if rng.random() < 0.5:
                t = t[tuple(slice(0, None, int(rng.choice([1, 2]))) for _ in range(ndim))]
        yield t, tg.empty_strided(tuple(t.shape), t.stride())


def _outcome(fn):
    try:
        out = fn()
    except (RuntimeError, TypeError) as err:
        return type(err).__name__
    return out


def test_layout_rules_match_pytorch():
    torch = pytest.importorskip("torch")
    formats = [(torch.contiguous_format, tg.contiguous_format), (torch.channels_last, tg.channels_last),
               (torch.channels_last_3d, tg.channels_last_3d), (torch.preserve_format, tg.preserve_format)]
    for t, g in _strided_pairs(1500):
        assert g.stride() == t.stride() or 0 in t.shape
        checks = {
            "clone": (lambda x, f: x.clone().stride()),
            "empty_like": (lambda x, f: f.empty_like(x).stride()),
            "full_like": (lambda x, f: f.full_like(x, 2).stride()),
            "to(float32)": (lambda x, f: x.to(f.float32).stride()),
            "contiguous": (lambda x, f: x.contiguous().stride()),
            "dim_order": (lambda x, f: x.dim_order()),
            "dim_order(check)": (lambda x, f: x.dim_order(ambiguity_check=True)),
            "dim_order(list)": (lambda x, f: x.dim_order(ambiguity_check=[f.contiguous_format, f.channels_last])),
        }
        for name, fn in checks.items():
            assert _outcome(lambda: fn(t, torch)) == _outcome(lambda: fn(g, tg)), (name, tuple(t.shape), t.stride())
        for theirs, ours in formats:
            pairs = {
                "is_contiguous": (lambda: t.is_contiguous(memory_format=theirs),
                                  lambda: g.is_contiguous(memory_format=ours)),
                "contiguous": (lambda: t.contiguous(memory_format=theirs).stride(),
                               lambda: g.contiguous(memory_format=ours).stride()),
                "clone": (lambda: t.clone(memory_format=theirs).stride(), lambda: g.clone(memory_format=ours).stride()),
                "zeros_like": (lambda: torch.zeros_like(t, memory_format=theirs).stride(),
                               lambda: tg.zeros_like(g, memory_format=ours).stride()),
                "to": (lambda: (lambda r: (r is t, r.stride()))(t.to(memory_format=theirs)),
                       lambda: (lambda r: (r is g, r.stride()))(g.to(memory_format=ours))),
                "to(int64)": (lambda: t.to(torch.int64, memory_format=theirs).stride(),
                              lambda: g.to(tg.int64, memory_format=ours).stride()),
            }
            for name, (fn_t, fn_g) in pairs.items():
                assert _outcome(fn_t) == _outcome(fn_g), (name, repr(ours), tuple(t.shape), t.stride())


def test_values_and_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    data, weight = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((4, 3, 3, 3))
    results = []
    for lib, fmt in ((torch, torch.channels_last), (tg, tg.channels_last)):
        with lib.enable_grad():  # (in case an earlier test left grad mode off)
            x = lib.tensor(data, requires_grad=True)
            w = lib.tensor(weight)
            y = x.to(memory_format=fmt)
            z = (y.contiguous(memory_format=fmt) * 2).clone(memory_format=fmt)
            out = lib.nn.functional.conv2d(z, w).tanh().sum() + (y ** 2).mean()
            out.backward()
        results.append((out.item(), x.grad.numpy().copy(), y.stride(), z.stride(), y.grad_fn.name()))
    (value_t, grad_t, *strides_t), (value_g, grad_g, *strides_g) = results
    assert strides_t == strides_g
    np.testing.assert_allclose(value_g, value_t, rtol=1e-12)
    np.testing.assert_allclose(grad_g, grad_t, rtol=1e-10, atol=1e-12)


def test_empty_strides_match_pytorch():
    torch = pytest.importorskip("torch")
    for shape in [(2, 3, 5, 7), (1, 1, 1, 1), (2, 0, 4, 5), (0, 3, 4, 5), (2, 3, 4, 0), (2, 1, 1, 3)]:
        assert tg.empty(shape, memory_format=tg.channels_last).stride() == \
            torch.empty(shape, memory_format=torch.channels_last).stride()
        assert tg.empty(shape).stride() == torch.empty(shape).stride()
        for order in [(0, 1, 2, 3), (0, 2, 3, 1), (3, 1, 0, 2)]:
            assert tg.empty_permuted(shape, order).stride() == torch.empty_permuted(shape, order).stride()
    for shape in [(2, 3, 4, 5, 6), (2, 0, 4, 5, 6), (1, 2, 1, 3, 1)]:
        assert tg.empty(shape, memory_format=tg.channels_last_3d).stride() == \
            torch.empty(shape, memory_format=torch.channels_last_3d).stride()


def test_module_to_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.Conv2d(3, 4, 3).to(tg.float32, memory_format=tg.channels_last)
    theirs = torch.nn.Conv2d(3, 4, 3).to(torch.float32, memory_format=torch.channels_last)
    assert ours.weight.stride() == theirs.weight.stride() and ours.weight.dtype == tg.float32
    assert ours.bias.stride() == theirs.bias.stride()


def test_storage_constructors_match_pytorch():
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args, kwargs in [((5,), {}), (([1.5, 2.0, -3.0],), {}), ((), {})]:
            ours = tg.TypedStorage(*args, dtype=tg.float32, **kwargs)
            theirs = torch.TypedStorage(*args, dtype=torch.float32, **kwargs)
            assert (ours.size(), ours.nbytes(), ours.element_size()) == \
                (theirs.size(), theirs.nbytes(), theirs.element_size())
            if args and not isinstance(args[0], int):
                assert ours.tolist() == theirs.tolist()
        assert tg.UntypedStorage([1, 2, 300, 255]).tolist() == torch.UntypedStorage([1, 2, 300, 255]).tolist()
        assert len(tg.UntypedStorage(7)) == len(torch.UntypedStorage(7))
