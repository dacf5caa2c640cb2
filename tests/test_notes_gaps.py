"""Gaps found by the programs of tests/test_pytorch_programs_notes.py (PyTorch's "Notes" pages and
"Tensor Attributes"), each mended and checked here: in-place casting between integer dtypes,
`tg.is_inference_mode_enabled`, `nn.Linear(device=...)` and `nn.utils.skip_init`,
`tg.backends.cuda.matmul`, gradcheck's `fast_mode`, and `tg.layout` / `Tensor.layout`.
Each test checks known values without torch; the `_torch` tests compare with PyTorch."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


# ---- in-place ops store any integer result in any integer tensor (PyTorch's canCast) ---------------
def test_inplace_integer_results_wrap_into_smaller_integer_dtypes():
    t = tg.tensor([200], dtype=tg.uint8)
    t *= tg.tensor([3], dtype=tg.int32)  # 600 wraps modulo 256, as in C and PyTorch
    assert t.dtype == tg.uint8 and t.tolist() == [600 % 256]
    s = tg.tensor([1], dtype=tg.int8)
    s += tg.tensor([300], dtype=tg.int64)
    assert s.dtype == tg.int8 and s.tolist() == [(301 + 128) % 256 - 128]
    u = tg.ones(2, dtype=tg.uint8)
    u.mul_(tg.tensor([2, 3], dtype=tg.int16))
    assert u.tolist() == [2, 3] and u.dtype == tg.uint8


def test_inplace_refuses_a_result_of_a_higher_category():
    for target, source in ((tg.int32, tg.float32), (tg.bool, tg.int32), (tg.bool, tg.uint8), (tg.int64, tg.float64)):
        t = tg.ones(1, dtype=target)
        with pytest.raises(RuntimeError, match="cannot be stored in place"):
            t *= tg.ones(1, dtype=source)
        assert t.dtype == target and t.tolist() == [1]  # untouched


def test_inplace_casting_matches_torch():
    torch = pytest.importorskip("torch")
    names = ("uint8", "int8", "int16", "int32", "int64", "bool", "float32", "float64")
    for target in names:
        for source in names:
            results = []
            for lib in (tg, torch):
                t = lib.tensor([7, 1], dtype=getattr(lib, target))
                try:
                    t *= lib.tensor([100, 3], dtype=getattr(lib, source))
                    results.append((str(t.dtype).replace("torch.", ""), t.tolist()))
                except RuntimeError:
                    results.append("RuntimeError")
            assert results[0] == results[1], (target, source, results)


# ---- tg.is_inference_mode_enabled ---------------------------------------------------------------
def test_is_inference_mode_enabled_follows_the_context():
    assert tg.is_inference_mode_enabled() is False
    with tg.inference_mode():
        assert tg.is_inference_mode_enabled() is True
        with tg.inference_mode(False):
            assert tg.is_inference_mode_enabled() is False
        assert tg.is_inference_mode_enabled() is True
    with tg.no_grad():
        assert tg.is_inference_mode_enabled() is False

    @tg.inference_mode()
    def inside():
        return tg.is_inference_mode_enabled()

    assert inside() is True and tg.is_inference_mode_enabled() is False


# ---- nn.Linear(device=...), nn.utils.skip_init ----------------------------------------------------
def test_linear_takes_device_cpu_meta_and_refuses_cuda():
    layer = nn.Linear(5, 3, device="cpu", dtype=tg.float32)
    assert layer.weight.dtype == tg.float32 and layer.weight.device == tg.device("cpu")
    layer = nn.Linear(5, 3, True, tg.device("cpu"), tg.float64)  # PyTorch's positional order
    assert layer.bias.dtype == tg.float64
    meta = nn.Linear(5, 3, device="meta")
    assert meta.weight.is_meta and meta.weight.shape == (3, 5) and meta.weight.requires_grad
    meta.to_empty(device="cpu")
    assert meta.weight.device.type == "cpu" and meta(tg.ones(2, 5)).shape == (2, 3)
    with pytest.raises(RuntimeError, match="cuda"):
        nn.Linear(5, 3, device="cuda")


def test_skip_init_makes_the_module_for_a_custom_initialization():
    m = nn.utils.skip_init(nn.Linear, 5, 3)
    assert isinstance(m, nn.Linear) and m.weight.shape == (3, 5)
    nn.init.orthogonal_(m.weight)
    np.testing.assert_allclose((m.weight @ m.weight.T).data, np.eye(3), atol=1e-12)
    m2 = nn.utils.skip_init(nn.Linear, in_features=6, out_features=1, dtype=tg.float32)
    assert m2.weight.shape == (1, 6) and m2.weight.dtype == tg.float32
    with pytest.raises(RuntimeError, match="device"):
        nn.utils.skip_init(nn.ReLU)  # no device argument
    with pytest.raises(RuntimeError, match="Module"):
        nn.utils.skip_init(len, 3)


def test_linear_device_and_skip_init_match_torch():
    torch = pytest.importorskip("torch")
    import inspect

    ours = inspect.signature(nn.Linear).parameters
    theirs = inspect.signature(torch.nn.Linear).parameters
    assert list(ours) == list(theirs)
    assert str(torch.nn.Linear(5, 3, device="meta").weight.device) == str(nn.Linear(5, 3, device="meta").weight.device)
    with pytest.raises(RuntimeError):
        torch.nn.utils.skip_init(torch.nn.ReLU)


# ---- tg.backends.cuda.matmul ------------------------------------------------------------------------
def test_backends_cuda_matmul_flags():
    matmul = tg.backends.cuda.matmul
    assert tg.backends.cuda.is_built() is False
    assert matmul.allow_tf32 is False and tg.get_float32_matmul_precision() == "highest"
    try:
        matmul.allow_tf32 = True  # the same switch as set_float32_matmul_precision
        assert tg.get_float32_matmul_precision() == "high"
        matmul.allow_tf32 = False
        assert tg.get_float32_matmul_precision() == "highest"
        tg.set_float32_matmul_precision("medium")
        assert matmul.allow_tf32 is True
    finally:
        tg.set_float32_matmul_precision("highest")
    assert matmul.allow_fp16_reduced_precision_reduction is True
    matmul.allow_bf16_reduced_precision_reduction = False
    assert matmul.allow_bf16_reduced_precision_reduction is False
    matmul.allow_bf16_reduced_precision_reduction = True
    with pytest.raises(AttributeError, match="Unknown attribute"):
        matmul.allow_tf23 = True  # a typo is not silently a new flag
    with pytest.raises(AttributeError, match="Unknown attribute"):
        matmul.allow_tf23  # noqa: B018


def test_backends_cuda_matmul_matches_torch():
    torch = pytest.importorskip("torch")
    before = torch.get_float32_matmul_precision()
    try:
        for precision in ("highest", "high", "medium"):
            torch.set_float32_matmul_precision(precision)
            tg.set_float32_matmul_precision(precision)
            assert tg.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
    finally:
        torch.set_float32_matmul_precision(before)
        tg.set_float32_matmul_precision("highest")
    assert tg.backends.cuda.is_built() == torch.backends.cuda.is_built()


# ---- gradcheck(fast_mode=True) --------------------------------------------------------------------
class _HalfSquare(tg.Function):
    """y = x², with a backward that forgets the 2: every Jacobian entry is half the truth."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x


def _leaf(rng, *shape):
    return tg.tensor(rng.standard_normal(shape), requires_grad=True)


def test_fast_mode_passes_correct_gradients(rng):
    x, w = _leaf(rng, 3, 4), _leaf(rng, 4, 2)

    def f(x, w):
        return tg.tanh(x @ w) * x.sum(1, keepdim=True), (x * x).sum()

    assert tg.gradcheck(f, (x, w), fast_mode=True) is True
    assert tg.gradgradcheck(lambda x, w: tg.tanh(x @ w), (x, w), fast_mode=True) is True
    assert tg.gradcheck(lambda t: t.sin(), (_leaf(rng),), fast_mode=True)  # a 0-d input
    assert tg.gradcheck(lambda x, w: x @ w, (x, w.detach()), fast_mode=True, nondet_tol=1e-12)
    assert x.data.shape == (3, 4) and np.isfinite(x.data).all()  # the input is restored


def test_fast_mode_catches_a_wrong_backward(rng):
    x = _leaf(rng, 3, 4)
    before = x.data.copy()
    assert tg.gradcheck(_HalfSquare.apply, (x,), fast_mode=True, raise_exception=False) is False
    with pytest.raises(tg.GradcheckError, match="output 0 with respect to input 0") as info:
        tg.gradcheck(_HalfSquare.apply, (x,), fast_mode=True)
    assert "fast_mode=False" in str(info.value)
    np.testing.assert_array_equal(x.data, before)  # perturbations undone
    # the second derivative of a first derivative that is wrong is caught too
    assert tg.gradgradcheck(lambda t: _HalfSquare.apply(t) * t, (x,), fast_mode=True, raise_exception=False) is False


def test_gradcheck_extra_arguments_are_keyword_only(rng):
    x = _leaf(rng, 2)
    with pytest.raises(TypeError):
        tg.gradcheck(lambda t: t * 2, (x,), 1e-6, 1e-5, 1e-3, True, 0.0)


def test_fast_mode_matches_torch(rng):
    torch = pytest.importorskip("torch")

    class HalfSquareTorch(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * x

    data = rng.standard_normal((3, 4))
    ours = tg.tensor(data, requires_grad=True)
    theirs = torch.tensor(data, requires_grad=True)
    for fast in (False, True):
        assert (tg.gradcheck(_HalfSquare.apply, (ours,), fast_mode=fast, raise_exception=False)
                == torch.autograd.gradcheck(HalfSquareTorch.apply, (theirs,), fast_mode=fast, raise_exception=False))
        assert (tg.gradcheck(lambda t: t.exp() * t, (ours,), fast_mode=fast)
                == torch.autograd.gradcheck(lambda t: t.exp() * t, (theirs,), fast_mode=fast))


# ---- tg.layout, Tensor.layout ------------------------------------------------------------------------
def test_every_tensor_is_strided():
    x = tg.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
    assert x.layout is tg.strided and x.t().layout is tg.strided and x[:, ::2].layout is tg.strided
    assert x.layout != tg.sparse_coo and isinstance(tg.sparse_csr, tg.layout)
    assert x.stride() == (5, 1) and x.t().stride() == (1, 5)
    assert repr(tg.strided) == "tinygrad_edu.strided" and str(tg.sparse_coo) == "tinygrad_edu.sparse_coo"
    assert pickle.loads(pickle.dumps(tg.strided)) is tg.strided and copy.deepcopy(tg.sparse_coo) is tg.sparse_coo
    assert nn.Parameter(tg.ones(2)).layout is tg.strided


def test_layout_matches_torch():
    torch = pytest.importorskip("torch")
    for name in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc"):
        assert str(getattr(torch, name)).split(".")[-1] == str(getattr(tg, name)).split(".")[-1] == name
    assert torch.ones(2).layout == torch.strided and tg.ones(2).layout == tg.strided


# ---- fill_uninitialized_memory (the "Reproducibility" note) ------------------------------------------
def test_deterministic_mode_fills_uninitialized_memory():
    """With deterministic algorithms on, memory handed out unwritten is NaN (floats), the largest
    value (integers) or True (bool), as PyTorch fills it; tg.utils.deterministic switches it off."""
    tg.use_deterministic_algorithms(True)
    try:
        assert tg.utils.deterministic.fill_uninitialized_memory is True
        assert np.isnan(tg.empty(3).numpy()).all() and np.isnan(tg.empty(2, dtype=tg.float16).numpy()).all()
        assert tg.empty(2, dtype=tg.int64).tolist() == [np.iinfo(np.int64).max] * 2
        assert tg.empty(2, dtype=tg.uint8).tolist() == [255, 255] and tg.empty(1, dtype=tg.bool).tolist() == [True]
        for made in (tg.empty_like(tg.ones(2)), tg.ones(2).new_empty(3), tg.empty_strided((2, 2), (1, 2)),
                     tg.empty_permuted((2, 3), (1, 0))):
            assert np.isnan(made.numpy()).all()
        assert tg.zeros(2).resize_(4).tolist()[:2] == [0.0, 0.0]  # the kept elements stay
        assert np.isnan(tg.zeros(2).resize_(4).numpy()[2:]).all()  # the new ones are filled
        tg.utils.deterministic.fill_uninitialized_memory = False
        assert tg.empty(2).tolist() == [0.0, 0.0]
    finally:
        tg.utils.deterministic.fill_uninitialized_memory = True
        tg.use_deterministic_algorithms(False)
    assert tg.empty(2).tolist() == [0.0, 0.0]  # (off: zeros, as before)
