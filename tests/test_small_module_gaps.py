"""Small names of PyTorch's submodules that programs use: tg.random.fork_rng,
tg.amp.custom_fwd / custom_bwd / is_autocast_available (and the deprecated tg.cuda.amp ones),
tg.testing.assert_allclose (deprecated), nn.init.constant_(t, val=...)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


def test_fork_rng_restores_the_sequence():
    tg.manual_seed(3)
    with tg.random.fork_rng():
        inside = tg.rand(3)
        tg.randn(10)
    after = tg.rand(3)
    np.testing.assert_array_equal(inside.numpy(), after.numpy())
    tg.manual_seed(3)
    with tg.random.fork_rng(enabled=False):
        first = tg.rand(3)
    assert not np.array_equal(first.numpy(), tg.rand(3).numpy())
    tg.manual_seed(4)
    expected = tg.rand(2).numpy()
    tg.manual_seed(4)
    with pytest.raises(ZeroDivisionError):  # (restored also when the block raises)
        with tg.random.fork_rng(devices=[]):
            tg.rand(5)
            1 / 0
    np.testing.assert_array_equal(tg.rand(2).numpy(), expected)


class _Product(tg.autograd.Function):
    @staticmethod
    @tg.amp.custom_fwd(device_type="cpu", cast_inputs=tg.float32)
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a.mm(b)

    @staticmethod
    @tg.amp.custom_bwd(device_type="cpu")
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad.mm(b.t()), a.t().mm(grad)


def test_custom_fwd_casts_only_under_autocast_and_keeps_float64():
    a64 = tg.randn(2, 3, dtype=tg.float64, requires_grad=True)
    b64 = tg.randn(3, 2, dtype=tg.float64, requires_grad=True)
    a16, b16 = a64.detach().half(), b64.detach().half()
    assert _Product.apply(a16, b16).dtype == tg.float16  # (no autocast: as it is)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ("autocast casts nothing here")
        with tg.autocast("cpu"):
            assert _Product.apply(a16, b16).dtype == tg.float32
            out = _Product.apply(a64, b64)  # float64 is not cast, as in PyTorch
    assert out.dtype == tg.float64
    out.sum().backward()
    np.testing.assert_allclose(a64.grad.numpy(), np.ones((2, 2)) @ b64.data.T)


def test_autocast_availability_and_the_deprecated_cuda_spellings():
    assert tg.amp.is_autocast_available("cpu") and tg.amp.is_autocast_available("cuda")
    assert not tg.amp.is_autocast_available("meta")
    with pytest.raises(TypeError):
        tg.amp.is_autocast_available(3)
    with pytest.warns(FutureWarning, match="custom_fwd"):
        f = tg.cuda.amp.custom_fwd(lambda x: x + 1)
    with pytest.warns(FutureWarning, match="custom_bwd"):
        g = tg.cuda.amp.custom_bwd(lambda x: x * 2)
    assert f(1) == 2 and g(3) == 6


def test_assert_allclose_is_deprecated_and_looser():
    with pytest.warns(FutureWarning, match="assert_close"):
        tg.testing.assert_allclose(tg.tensor([1.0], dtype=tg.float32), [1.00005])  # rtol 1e-4 for float32
    with pytest.warns(FutureWarning):
        tg.testing.assert_allclose(tg.tensor([1.0, float("nan")]), tg.tensor([1.0, float("nan")]))
    with pytest.warns(FutureWarning):
        tg.testing.assert_allclose(tg.tensor([1.0]), tg.tensor([1]))  # (dtypes need not match)
    with pytest.warns(FutureWarning), pytest.raises(AssertionError, match="not close"):
        tg.testing.assert_allclose(tg.tensor([1.0]), [1.1])


def test_constant_takes_val():
    layer = nn.Linear(2, 3)
    nn.init.constant_(layer.bias, val=0.5)
    assert layer.bias.tolist() == [0.5] * 3


def test_same_as_torch():
    torch = pytest.importorskip("torch")
    for device in ("cpu", "cuda", "mps", "xpu", "meta", "hpu"):
        assert tg.amp.is_autocast_available(device) == torch.amp.is_autocast_available(device), device
    x = np.array([1.0, 2.0], dtype=np.float32)
    for y in ([1.00005, 2.0001], [1.01, 2.0]):
        outcomes = []
        for lib, make in ((tg.testing, tg.tensor), (torch.testing, torch.tensor)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                try:
                    lib.assert_allclose(make(x), y)
                    outcomes.append(True)
                except AssertionError:
                    outcomes.append(False)
        assert outcomes[0] == outcomes[1], y


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv", "expit", "logit", "log_ndtr", "ndtr", "ndtri", "sinc",
                                  "entr", "i0", "i1", "log1p", "expm1", "exp2", "gammaln", "digamma", "psi"])
def test_special_functions_write_into_out(name):
    x = tg.tensor([0.1, 0.5, 0.9, 0.25]) if name in ("erfinv", "logit", "ndtri") else tg.tensor([-30.0, -1.0, 0.5, 2.0])
    fn = getattr(tg.special, name)
    out = tg.empty(4)
    assert fn(x, out=out) is out
    np.testing.assert_array_equal(out.numpy(), fn(x).numpy())
    with pytest.raises(RuntimeError, match="out="):
        fn(tg.tensor([0.5], requires_grad=True), out=tg.empty(1))


def test_special_functions_with_more_arguments_write_into_out():
    x, out = tg.tensor([1.5, 2.0, 3.0]), tg.empty(3)
    for call, expected in ((lambda o: tg.special.xlog1py(x, x, out=o), tg.special.xlog1py(x, x)),
                           (lambda o: tg.special.polygamma(1, x, out=o), tg.special.polygamma(1, x)),
                           (lambda o: tg.special.multigammaln(x + 1, 2, out=o), tg.special.multigammaln(x + 1, 2)),
                           (lambda o: tg.special.round(x, out=o), tg.special.round(x))):
        assert call(out) is out
        np.testing.assert_array_equal(out.numpy(), expected.numpy())
    total = tg.empty(())
    assert tg.special.logsumexp(x, 0, out=total) is total
    np.testing.assert_allclose(total.item(), np.log(np.exp(x.numpy()).sum()))


def test_real_tensor_flags_and_no_gpu_memory_methods():
    t = tg.ones(2, requires_grad=True)
    assert t.is_conj() is False and t.is_neg() is False and tg.is_conj(t) is False and tg.is_neg(t) is False
    assert t.is_pinned() is False and t.pin_memory() is t and t.record_stream(None) is None
    same = tg.conj_physical(t)  # a real tensor's conjugate: the tensor itself (PyTorch 2.13 returns it too)
    assert same is t
    same.sum().backward()
    assert t.grad.tolist() == [1.0, 1.0]
    x = tg.tensor([1.0, 2.0])
    assert x.conj_physical_() is x and tg.conj_physical_(x) is x
    out = tg.empty(2)
    assert tg.conj_physical(x, out=out) is out and out.tolist() == [1.0, 2.0]
    assert tg.is_vulkan_available() is False and tg.init_num_threads() is None
