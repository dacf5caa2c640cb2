"""PyTorch's names for namespaces, dtypes, devices, making tensors, numpy interop and printing:
each is compared with PyTorch itself when it is installed (values, dtypes, exception types,
printed text), and checked on its own otherwise."""
from __future__ import annotations

import importlib.util
import math
import timeit

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn

HAVE_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAVE_TORCH, reason="PyTorch is not installed")


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


# ---- namespaces ------------------------------------------------------------------------------

def test_submodules_are_reachable_as_attributes():
    import tinygrad_edu as torch  # what a ported program does

    assert torch.nn.functional.relu is nn.functional.relu
    assert callable(torch.nn.init.xavier_uniform_) and callable(torch.optim.SGD)
    assert torch.autograd.grad is tg.grad and torch.autograd.Function is tg.Function
    assert torch.autograd.gradcheck is tg.gradcheck and torch.autograd.gradgradcheck is tg.gradgradcheck
    assert torch.autograd.detect_anomaly is tg.detect_anomaly and torch.autograd.no_grad is tg.no_grad
    from tinygrad_edu.autograd import Function, Variable, backward, grad  # noqa: F401
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        torch.autograd.nope  # noqa: B018


def test_custom_function_through_the_autograd_namespace():
    class Cube(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return 3 * x ** 2 * grad

    x = tg.tensor([1.0, 2.0], requires_grad=True, dtype=tg.float64)
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"  # a user's Function: no 0, as in PyTorch
    assert tg.autograd.gradcheck(Cube.apply, (x,))
    dy, = tg.autograd.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(dy.data, [3.0, 12.0])


@needs_torch
def test_autograd_backward_of_several_outputs_like_torch(torch):
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = (x * w).sum()
        z = x * x
        lib.autograd.backward([y, z], [None, lib.ones(3)])
        only_w = lib.tensor([0.0, 1.0, 2.0], requires_grad=True)
        u = (only_w * x.detach() * w).sum()
        lib.autograd.backward(u, inputs=[only_w])
        return x.grad.tolist(), w.grad.tolist(), only_w.grad.tolist()

    assert run(tg) == run(torch)


def test_autograd_backward_errors():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        tg.autograd.backward([tg.tensor(1.0)])
    with pytest.raises(RuntimeError, match="one element"):
        tg.autograd.backward(x * 2)
    with pytest.raises(RuntimeError, match="1 grad_tensors for 2 outputs"):
        tg.autograd.backward([x.sum(), x.sum()], [None])


def test_autograd_backward_create_graph_gives_second_derivatives():
    x = tg.tensor(2.0, requires_grad=True)
    tg.autograd.backward(x ** 3, create_graph=True)
    first = x.grad  # 3x² = 12, recorded
    x.grad = None
    first.backward()
    assert first.item() == 12.0 and x.grad.item() == 12.0  # 6x


def test_variable_and_set_detect_anomaly():
    from tinygrad_edu.autograd import Variable

    data = tg.tensor([1.0, 2.0])
    v = Variable(data, requires_grad=True)
    assert v.requires_grad and v.is_leaf and isinstance(data, Variable) and np.shares_memory(v.data, data.data)
    with tg.autograd.set_detect_anomaly(True):
        assert tg.is_anomaly_enabled()
    assert not tg.is_anomaly_enabled()
    tg.autograd.set_detect_anomaly(True)
    assert tg.is_anomaly_enabled()
    tg.autograd.set_detect_anomaly(False)
    assert not tg.is_anomaly_enabled()


def test_inference_mode_records_nothing():
    x = tg.tensor([1.0], requires_grad=True)
    with tg.inference_mode():
        assert not (x * 2).requires_grad
    with tg.inference_mode(False):
        assert (x * 2).requires_grad

    @tg.inference_mode()
    def f(t):
        return t * 2

    assert not f(x).requires_grad


# ---- dtypes ----------------------------------------------------------------------------------
DTYPE_NAMES = ["float32", "float64", "float16", "float", "double", "half", "int64", "long", "int32",
               "int", "int16", "short", "int8", "uint8", "bool"]


@needs_torch
@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_names_match_torch(torch, name):
    ours, theirs = getattr(tg, name), getattr(torch, name)
    assert str(theirs) == f"torch.{ours.name}"
    t = tg.zeros(2, dtype=ours)
    assert t.dtype == ours and t.dtype is ours
    assert tg.is_floating_point(t) == t.is_floating_point() == theirs.is_floating_point


def test_dtype_names_are_numpy_dtypes():
    x = tg.tensor([1.0, 2.0], dtype=np.float64)
    assert x.dtype == tg.float64 and x.dtype == tg.double and x.dtype is tg.float64
    assert tg.tensor([1, 2]).dtype == tg.long and tg.tensor([True]).dtype == tg.bool
    assert np.zeros(2, dtype=tg.float32).dtype == np.float32
    assert isinstance(tg.float32, np.dtype) and tg.get_default_dtype() == tg.float64
    tg.set_default_dtype(tg.float32)
    assert tg.tensor([1.5]).dtype == tg.float32 and tg.get_default_dtype() is tg.float32
    with pytest.raises(TypeError, match="floating"):
        tg.set_default_dtype(tg.int64)


@needs_torch
def test_finfo_and_iinfo_match_torch(torch):
    for name in ["float16", "float32", "float64"]:
        ours, theirs = tg.finfo(getattr(tg, name)), torch.finfo(getattr(torch, name))
        assert (ours.eps, ours.max, ours.min, ours.tiny, ours.bits) == (theirs.eps, theirs.max, theirs.min,
                                                                         theirs.tiny, theirs.bits)
    for name in ["int8", "int16", "int32", "int64", "uint8"]:
        ours, theirs = tg.iinfo(getattr(tg, name)), torch.iinfo(getattr(torch, name))
        assert (ours.min, ours.max, ours.bits) == (theirs.min, theirs.max, theirs.bits)
    assert tg.finfo().eps == np.finfo(tg.get_default_dtype()).eps


@needs_torch
@pytest.mark.parametrize("method", ["float", "double", "half", "long", "int", "short", "char", "byte", "bool"])
def test_conversion_methods_match_torch(torch, method):
    values = [-1.5, 0.0, 2.7]
    ours = getattr(tg.tensor(values), method)()
    theirs = getattr(torch.tensor(values, dtype=torch.float64), method)()
    assert str(theirs.dtype) == f"torch.{ours.dtype.name}"
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@needs_torch
def test_to_type_and_type_as_match_torch(torch):
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float32)
        assert x.to(lib.float64).dtype == lib.float64
        assert x.to("cpu", lib.float64).dtype == lib.float64
        assert x.to(device="cpu", dtype=lib.int64).dtype == lib.int64
        assert x.to(lib.tensor([1])).dtype == lib.int64  # another tensor's dtype
        assert x.to(lib.float32) is x and x.to("cpu") is x
        assert x.to(lib.float32, copy=True) is not x
        assert x.type_as(lib.tensor([1], dtype=lib.int32)).dtype == lib.int32
        assert x.type(lib.float64).dtype == lib.float64
    assert tg.tensor([1.0], dtype=tg.float32).type() == "tinygrad_edu.FloatTensor"
    assert torch.tensor([1.0]).type() == "torch.FloatTensor"
    assert tg.tensor([1]).type("torch.DoubleTensor").dtype == tg.float64
    assert tg.tensor([1]).type(tg.FloatTensor).dtype == tg.float32


def test_cast_between_floats_is_differentiable():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.float().half().double().to("cpu", tg.float32).type_as(x)
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0])
    assert not x.long().requires_grad


# ---- devices ---------------------------------------------------------------------------------

@needs_torch
def test_device_objects_match_torch(torch):
    for text in ["cpu", "cpu:0", "cuda", "cuda:1", "mps"]:
        ours, theirs = tg.device(text), torch.device(text)
        assert (repr(ours), str(ours), ours.type, ours.index) == (repr(theirs), str(theirs), theirs.type,
                                                                  theirs.index)
        assert (ours == text) == (theirs == text)  # False in both: compare .type with a string
    assert repr(tg.device("cpu", 0)) == repr(torch.device("cpu", 0))
    assert tg.device("cpu") == tg.device("cpu") and tg.device("cpu") != tg.device("cpu", 0)
    assert hash(tg.device("cpu")) == hash(tg.device("cpu"))
    with pytest.raises(RuntimeError):
        torch.device("gpu")
    with pytest.raises(RuntimeError, match="cpu, cuda"):
        tg.device("gpu")


def test_set_default_tensor_type_and_device_block():
    tg.set_default_tensor_type(tg.FloatTensor)
    assert tg.tensor([1.5]).dtype == tg.float32
    tg.set_default_tensor_type("torch.DoubleTensor")
    assert tg.get_default_dtype() == tg.float64
    with pytest.raises(TypeError, match="DoubleTensor"):
        tg.set_default_tensor_type(tg.float64)
    with tg.device("cpu"):
        assert tg.zeros(1).device.type == "cpu"
    with pytest.raises(RuntimeError, match="got device 'cuda'"):
        with tg.device("cuda"):
            pass


def test_tensor_device_and_moves():
    x = tg.tensor([1.0, 2.0])
    assert x.device == tg.device("cpu") and x.device.type == "cpu" and repr(x.device) == "device(type='cpu')"
    assert x.is_cuda is False and x.is_cpu and x.cpu() is x and x.get_device() == -1
    dev = tg.device("cuda" if tg.cuda.is_available() else "cpu")
    assert x.to(dev) is x and x.to(x.device) is x
    assert tg.cuda.is_available() is False and tg.cuda.device_count() == 0
    assert tg.backends.mps.is_available() is False
    tg.backends.cudnn.deterministic = True  # programs set these; they change nothing here
    tg.backends.cudnn.benchmark = False
    tg.cuda.manual_seed(0)
    tg.cuda.manual_seed_all(0)


CREATORS = {
    "tensor": lambda d: tg.tensor([1.0], device=d), "zeros": lambda d: tg.zeros(2, device=d),
    "ones": lambda d: tg.ones(2, device=d), "empty": lambda d: tg.empty(2, device=d),
    "full": lambda d: tg.full((2,), 3.0, device=d), "zeros_like": lambda d: tg.zeros_like(tg.ones(2), device=d),
    "ones_like": lambda d: tg.ones_like(tg.ones(2), device=d),
    "empty_like": lambda d: tg.empty_like(tg.ones(2), device=d),
    "full_like": lambda d: tg.full_like(tg.ones(2), 7, device=d),
    "rand_like": lambda d: tg.rand_like(tg.ones(2), device=d),
    "randn_like": lambda d: tg.randn_like(tg.ones(2), device=d),
    "randint_like": lambda d: tg.randint_like(tg.ones(2), 5, device=d),
    "arange": lambda d: tg.arange(3, device=d), "linspace": lambda d: tg.linspace(0, 1, 3, device=d),
    "logspace": lambda d: tg.logspace(0, 1, 3, device=d), "eye": lambda d: tg.eye(2, device=d),
    "rand": lambda d: tg.rand(2, device=d), "randn": lambda d: tg.randn(2, device=d),
    "randint": lambda d: tg.randint(0, 3, (2,), device=d), "randperm": lambda d: tg.randperm(3, device=d),
    "as_tensor": lambda d: tg.as_tensor([1.0], device=d), "Tensor": lambda d: tg.Tensor([1.0], device=d),
    "FloatTensor": lambda d: tg.FloatTensor([1.0], device=d),
    "new_zeros": lambda d: tg.ones(1).new_zeros(2, device=d),
    "new_tensor": lambda d: tg.ones(1).new_tensor([2.0], device=d),
    "to": lambda d: tg.ones(1).to(d),
}


@pytest.mark.parametrize("name", sorted(CREATORS))
def test_every_creation_function_takes_a_device(name):
    make = CREATORS[name]
    for cpu in (None, "cpu", "cpu:0", tg.device("cpu")):
        assert make(cpu).device.type == "cpu"
    for other in ("cuda", "cuda:0", tg.device("mps"), 0):
        with pytest.raises(RuntimeError, match="tinygrad_edu runs on the CPU \\(numpy\\); got device 'cuda|mps"):
            make(other)


def test_cuda_method_refuses():
    with pytest.raises(RuntimeError, match="got device 'cuda'"):
        tg.ones(2).cuda()


def test_module_to_device_and_dtype():
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    weight = model[0].weight
    assert model.to("cpu") is model and model.cpu() is model
    assert model.to(tg.device("cpu"), tg.float32) is model and weight.dtype == tg.float32
    assert model[0].weight is weight  # the same tensor, its array replaced
    assert model.double()[2].bias.dtype == tg.float64 and model.half()[2].bias.dtype == tg.float16
    assert model.float()[0].weight.dtype == tg.float32
    assert model.to(dtype=tg.float64)[0].weight.dtype == tg.float64
    assert model.to(tg.zeros(1, dtype=tg.float32))[0].weight.dtype == tg.float32
    with pytest.raises(RuntimeError, match="got device 'cuda'"):
        model.to("cuda")
    with pytest.raises(RuntimeError, match="got device 'cuda'"):
        model.cuda()
    with pytest.raises(TypeError, match="floating point"):
        model.to(tg.int64)


# ---- making tensors --------------------------------------------------------------------------

@needs_torch
def test_creation_functions_match_torch(torch):
    tg.set_default_dtype(tg.float32)  # torch's default, so dtypes compare one to one
    cases = [
        lambda m: m.zeros(2, 3), lambda m: m.zeros((2, 3), dtype=m.int64), lambda m: m.zeros(size=(2, 1)),
        lambda m: m.ones(3, dtype=m.float64), lambda m: m.empty(2, 2).shape, lambda m: m.full((2,), 7),
        lambda m: m.full((2,), 1.5), lambda m: m.full((1,), True), lambda m: m.zeros_like(m.ones(2, dtype=m.int32)),
        lambda m: m.ones_like(m.ones(2), dtype=m.float64), lambda m: m.full_like(m.ones(2), 3),
        lambda m: m.empty_like(m.ones(2, 3)).shape, lambda m: m.arange(5), lambda m: m.arange(1, 2.5, 0.5),
        lambda m: m.arange(0, 1, 0.1), lambda m: m.arange(5, dtype=m.float64), lambda m: m.linspace(0, 1, 5),
        lambda m: m.linspace(-3, 7, 11, dtype=m.float64), lambda m: m.linspace(0.1, 0.9, 7),
        lambda m: m.linspace(2, 2, 1), lambda m: m.linspace(0, 1, 0), lambda m: m.logspace(0, 2, 3),
        lambda m: m.logspace(-1, 1, 5, base=2.0, dtype=m.float64), lambda m: m.eye(3), lambda m: m.eye(2, 3),
        lambda m: m.tensor([1, 2]), lambda m: m.tensor([[1.5], [2.0]]), lambda m: m.tensor(True),
        lambda m: m.tensor([m.tensor(1.0), m.tensor(2.0)]),
        lambda m: m.tensor([m.tensor(1.0, dtype=m.float64), m.tensor(2.0)]),
        lambda m: m.tensor([[m.tensor(1), 2], [3, 4]]), lambda m: m.as_tensor([1, 2], dtype=m.float64),
        lambda m: m.randn(()).shape, lambda m: m.randn(2, 3, dtype=m.float64).dtype, lambda m: m.rand(4).shape,
        lambda m: m.randint(10, (3,)).dtype, lambda m: m.randint(3, 10, (2, 2)).shape,
        lambda m: m.randint(low=0, high=5, size=(2,)).shape, lambda m: m.randint(high=5, size=(4,)).dtype,
        lambda m: m.randperm(5).sort().values, lambda m: m.randint_like(m.ones(3), 4).dtype,
        lambda m: m.rand_like(m.ones(2, dtype=m.float64)).dtype, lambda m: m.randn_like(m.ones(2, 1)).shape,
        lambda m: m.ones(2, dtype=m.int32).new_zeros((2, 2)), lambda m: m.ones(2).new_ones(3),
        lambda m: m.ones(2).new_full((2,), 4), lambda m: m.ones(2, dtype=m.int64).new_tensor([1.7, 2.2]),
        lambda m: m.ones(2).new_tensor([1, 2]), lambda m: m.ones(2).new_empty(3).shape,
        lambda m: m.ones(2, dtype=m.float64).new(2, 3).shape, lambda m: m.ones(2).new([1, 2]),
        lambda m: m.ones(2).new().shape, lambda m: m.FloatTensor(2, 3).shape, lambda m: m.FloatTensor([1, 2]),
        lambda m: m.DoubleTensor([1, 2]), lambda m: m.LongTensor([1.7, 2]), lambda m: m.IntTensor(3).shape,
        lambda m: m.BoolTensor([1, 0]), lambda m: m.FloatTensor().shape, lambda m: m.Tensor(2, 3).shape,
        lambda m: m.Tensor(2, 3).dtype, lambda m: m.Tensor().shape,
        lambda m: m.zeros(2, requires_grad=True).requires_grad,
    ]
    for i, case in enumerate(cases):
        ours, theirs = case(tg), case(torch)
        if hasattr(theirs, "numpy"):
            assert str(theirs.dtype) == f"torch.{ours.dtype.name}", (i, ours, theirs)
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=str(i))
        else:
            assert (tuple(ours) if isinstance(theirs, torch.Size) else str(ours).replace("tinygrad_edu", "torch")) \
                == (tuple(theirs) if isinstance(theirs, torch.Size) else str(theirs).replace("torch.", "")
                    if isinstance(theirs, torch.dtype) else str(theirs)), i


def test_linspace_and_logspace_are_exact_at_both_ends():
    x = tg.linspace(0.1, 0.7, 7, dtype=tg.float32)
    assert x.dtype == tg.float32 and x[0].item() == np.float32(0.1) and x[-1].item() == np.float32(0.7)
    assert tg.logspace(0, 3, 4).tolist() == [1.0, 10.0, 100.0, 1000.0]
    with pytest.raises(RuntimeError, match="non-negative"):  # (PyTorch's error type)
        tg.linspace(0, 1, -1)


def test_randint_signatures_and_ranges():
    tg.manual_seed(0)
    a = tg.randint(10, (1000,))
    b = tg.randint(-3, 3, (1000,))
    assert a.dtype == tg.int64 and 0 <= a.min().item() and a.max().item() <= 9
    assert -3 <= b.min().item() and b.max().item() <= 2 and set(b.tolist()) == set(range(-3, 3))
    assert tg.randint(5, size=(2, 3)).shape == (2, 3) and tg.randint(0, 2, (3,), dtype=tg.float32).dtype == tg.float32
    assert sorted(tg.randperm(6).tolist()) == list(range(6))
    with pytest.raises(ValueError, match="low < high"):
        tg.randint(5, 5, (2,))
    with pytest.raises(TypeError, match="size"):
        tg.randint(5)


def test_random_functions_follow_manual_seed():
    tg.manual_seed(3)
    first = [tg.randn(2).tolist(), tg.rand_like(tg.ones(2)).tolist(), tg.randperm(5).tolist()]
    tg.manual_seed(3)
    assert first == [tg.randn(2).tolist(), tg.rand_like(tg.ones(2)).tolist(), tg.randperm(5).tolist()]
    g = np.random.default_rng(7)
    assert tg.rand(3, generator=g).tolist() == np.random.default_rng(7).random(3).tolist()


def test_from_numpy_and_as_tensor_share_memory_tensor_copies():
    a = np.arange(3.0)
    shared, as_t, copied = tg.from_numpy(a), tg.as_tensor(a), tg.tensor(a)
    a[0] = 10.0
    assert shared[0].item() == 10.0 and as_t[0].item() == 10.0 and copied[0].item() == 0.0
    assert tg.as_tensor(a, dtype=tg.float32).dtype == tg.float32 and tg.as_tensor(shared) is shared
    assert tg.as_tensor([1, 2]).dtype == tg.int64
    with pytest.raises(TypeError, match="expected np.ndarray \\(got list\\)"):
        tg.from_numpy([1, 2])


def test_tensor_of_tensors():
    x = tg.tensor([tg.tensor(1.5), tg.tensor(2.0)])
    assert x.tolist() == [1.5, 2.0] and x.is_leaf
    with pytest.raises(ValueError, match="only one element tensors.*tg.stack"):
        tg.tensor([tg.ones(2), tg.ones(2)])


def test_legacy_constructor_sizes_and_keywords():
    t = tg.Tensor(2, 3)
    assert t.shape == (2, 3) and t.dtype == tg.get_default_dtype() and not t.requires_grad
    assert tg.Tensor(2, 3, requires_grad=True).requires_grad
    assert tg.Tensor(2, 3, dtype=tg.float32).dtype == tg.float32
    assert tg.Tensor(5).shape == () and tg.Tensor(5).item() == 5  # one int stays a number here
    assert tg.Tensor().shape == (0,) and tg.FloatTensor(5).shape == (5,)
    assert tg.Tensor([1.0, 2.0], True).requires_grad  # the documented positional requires_grad
    with pytest.raises(ValueError, match="negative"):
        tg.Tensor(2, -1)
    assert isinstance(tg.tensor([1.0], dtype=tg.float32), tg.FloatTensor)
    assert not isinstance(tg.tensor([1.0]), tg.FloatTensor) and isinstance(tg.tensor([1]), tg.LongTensor)
    assert tg.is_tensor(tg.ones(1)) and not tg.is_tensor(np.ones(1))
    assert tg.zeros(2, 3).shape == tg.Size([2, 3]) and isinstance(tg.zeros(1).shape, tg.Size)


def test_creation_refuses_bad_arguments():
    with pytest.raises(TypeError, match="out="):
        tg.zeros(2, out=tg.zeros(2))
    with pytest.raises(TypeError, match="dtype"):
        tg.zeros(2, dtype="complex64")
    with pytest.raises(TypeError, match="either as arguments or as size="):
        tg.ones(2, size=(3,))
    with pytest.raises(TypeError, match="int"):
        tg.zeros(2, requires_grad=True, dtype=tg.int64)


# ---- numpy interop ---------------------------------------------------------------------------

def test_data_update_idiom_works_outside_autograd():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    array = p.data
    p.data -= 0.1 * p.grad  # PyTorch's manual SGD step through .data
    assert p.data is array and p.tolist() == [0.8, 1.6] and p.is_leaf and p.grad_fn is None
    p.data *= tg.tensor(2.0)
    np.testing.assert_allclose(p.data, [1.6, 3.2])
    out = np.zeros(2)
    np.add(p, p, out=out)
    np.testing.assert_allclose(out, [3.2, 6.4])


def test_numpy_ufuncs_on_tensors_run_our_ops():
    x = tg.tensor([0.5, 1.0], requires_grad=True)
    y = np.exp(x) + np.sin(x) * np.tanh(x) + np.sqrt(x) + np.log(x) + np.abs(-x) + np.negative(x)
    assert isinstance(y, tg.Tensor) and y.requires_grad
    y.sum().backward()
    expected = np.exp(x.data) + np.cos(x.data) * np.tanh(x.data) + np.sin(x.data) / np.cosh(x.data) ** 2 \
        + 0.5 / np.sqrt(x.data) + 1 / x.data + 1 - 1
    np.testing.assert_allclose(x.grad.data, expected)


def test_array_op_tensor_gives_a_tensor():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    a = np.array([3.0, 4.0])
    for result in (a * x, a + x, a - x, a / x, a ** x, np.maximum(a, x), np.matmul(a, x), a @ x, x * a,
                   np.float64(2.0) * x, np.multiply(2, x)):
        assert isinstance(result, tg.Tensor) and result.requires_grad
    assert (a - x).tolist() == [2.0, 2.0] and (a / x).tolist() == [3.0, 2.0]
    assert isinstance(a > x, tg.Tensor) and (a > x).dtype == tg.bool and (a == x).tolist() == [False, False]
    assert (np.float32(2.0) * tg.ones(2, dtype=tg.float32)).dtype == tg.float32


def test_numpy_functions_on_tensors_run_our_ops():
    x = tg.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    results = {
        "sum": np.sum(x), "sum axis": np.sum(x, axis=0, keepdims=True), "mean": np.mean(x, 1),
        "max": np.max(x), "min": np.amin(x, axis=0), "reshape": np.reshape(x, (4,)),
        "transpose": np.transpose(x), "concatenate": np.concatenate([x, x], axis=1), "stack": np.stack([x, x]),
        "where": np.where(x > 0, x, 0.0), "clip": np.clip(x, -1, 1), "squeeze": np.squeeze(x[None]),
        "expand_dims": np.expand_dims(x, 0), "dot": np.dot(x, x), "var": np.var(x), "std": np.std(x, ddof=1),
        "copy": np.copy(x), "ravel": np.ravel(x), "swapaxes": np.swapaxes(x, 0, 1), "prod": np.prod(x),
    }
    for name, result in results.items():
        assert isinstance(result, tg.Tensor) and result.requires_grad, name
    assert np.sum(x).item() == 6.0 and np.max(x).item() == 4.0 and np.amin(x, axis=0).tolist() == [1.0, -2.0]
    assert np.var(x).item() == pytest.approx(np.var(x.data)) and np.std(x, ddof=1).item() == pytest.approx(
        np.std(x.data, ddof=1))
    np.testing.assert_allclose(np.dot(x, x).data, x.data @ x.data)
    assert np.argmax(x).item() == 3 and not np.argmax(x).requires_grad
    np.mean(x).backward()
    np.testing.assert_allclose(x.grad.data, np.full((2, 2), 0.25))


def test_numpy_questions_about_values_are_answered():
    x = tg.tensor([1.0, float("nan")])
    assert np.shape(x) == (2,) and np.ndim(x) == 1 and np.size(x) == 2
    assert np.isnan(x).tolist() == [False, True] and isinstance(np.isfinite(x), tg.Tensor)
    assert np.allclose(tg.tensor([1.0, 2.0]), [1.0, 2.0]) and np.array_equal(tg.tensor([1, 2]), np.array([1, 2]))
    assert isinstance(np.asarray(x), np.ndarray) and np.asarray(x) is x.data
    assert np.array(tg.tensor([1, 2])).tolist() == [1, 2] and np.atleast_2d(tg.tensor(1.0)).shape == (1, 1)
    np.testing.assert_allclose(tg.tensor([1.0, 2.0]), [1.0, 2.0])


def test_numpy_without_a_differentiable_version_is_a_type_error():
    x = tg.tensor([1.5, 2.5], requires_grad=True)
    with pytest.raises(TypeError, match="numpy.round.*tinygrad_edu operation instead"):
        np.round(x)
    with pytest.raises(TypeError, match="numpy.linalg.norm"):
        np.linalg.norm(x, ord=1)
    with pytest.raises(TypeError, match="numpy.arctan2"):
        np.arctan2(x, x)
    with pytest.raises(TypeError, match="numpy.add.reduce"):
        np.add.reduce(x)
    with pytest.raises(TypeError, match="numpy.sum.*out"):
        np.sum(x, out=np.zeros(()))
    with pytest.raises(TypeError, match="detach\\(\\).numpy\\(\\)"):
        np.median(x)


def test_numpy_hooks_do_not_slow_tensor_operators():
    """x + y between tensors never goes through numpy's hooks: calling the hook is not on its path.
    (A structural check, not a timing: the operator is Tensor.__add__ and takes no detour.)"""
    x, y = tg.ones(3), tg.ones(3)
    calls = []
    original = tg.Tensor.__array_ufunc__

    def spy(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    tg.Tensor.__array_ufunc__ = spy
    try:
        timeit.timeit(lambda: (x + y, x * y, x - 1.0, 2.0 * x, x / y, x @ y), number=10)
        assert calls == []
        np.ones(3) * x
        assert calls == [np.multiply]
    finally:
        tg.Tensor.__array_ufunc__ = original


# ---- printing --------------------------------------------------------------------------------

def _repr_cases(m):
    return [
        m.tensor([4.5, 1.0]), m.tensor(2.0), m.tensor([1, 2]), m.tensor([[0.12345, 1.0]], requires_grad=True),
        m.tensor([True, False]), m.tensor(True), m.tensor(-3), m.tensor([]), m.zeros(0, 3),
        m.zeros(2, 0, dtype=m.int64),
        m.tensor([1e10, 1.0]), m.tensor(1e10), m.tensor([1e-5, 1.0]), m.tensor([float("nan"), float("inf"), 1.5]),
        m.tensor([float("nan"), -float("inf")]), m.tensor([1.0, 2.0], dtype=m.float64), m.tensor([1, 2], dtype=m.int32),
        m.tensor([1.0, 2.0], dtype=m.float16), m.tensor([-0.0, 0.0]), m.tensor([123456789.0, 1.0]),
        m.tensor([[1, 200], [-30, 4]]), m.tensor([[[1.5, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.25]]]),
        m.arange(2000.0), m.arange(100).reshape(10, 10), m.arange(2000).reshape(20, 100),
        m.linspace(-1, 1, 40).reshape(2, 20), m.tensor([0.1, 0.25, 1000.0]), m.tensor([1e-3, 0.1]),
        m.tensor([100.0, 0.1054]), m.tensor([1.0, 2.0], dtype=m.uint8), m.tensor([2.0, 3.0]) * 1.5,
    ]


@needs_torch
def test_reprs_are_pytorchs(torch):
    tg.set_default_dtype(tg.float32)  # torch's default, so the dtype= suffixes agree
    for ours, theirs in zip(_repr_cases(tg), _repr_cases(torch)):
        assert repr(ours) == repr(theirs).replace("torch.", ""), repr(theirs)
        assert str(ours) == repr(ours)


@needs_torch
def test_repr_with_graph_and_parameters_like_torch(torch):
    tg.set_default_dtype(tg.float32)

    def texts(m):
        x = m.tensor([0.12345, 2.0], requires_grad=True)
        y = (x * 0.5).sum()
        return [repr(x * 2), repr(y), repr(x + 1), repr(x.exp()), repr(x.detach()), repr(x.double() * 2),
                repr(m.nn.Parameter(m.ones(2))), repr(m.nn.Parameter(m.ones(2), requires_grad=False))]

    ours, theirs = texts(tg), texts(torch)
    theirs[5] = theirs[5].replace("torch.", "")
    assert ours == theirs


@needs_torch
def test_print_options_like_torch(torch):
    tg.set_default_dtype(tg.float32)
    makers = [lambda m: m.tensor([1.12345, 2.0]), lambda m: m.arange(10), lambda m: m.tensor([1e-3, 1.0]),
              lambda m: m.linspace(0, 1, 12).reshape(3, 4), lambda m: m.arange(30.0).reshape(2, 15)]
    for options in [dict(precision=2), dict(threshold=5), dict(sci_mode=True), dict(sci_mode=False),
                    dict(edgeitems=1, threshold=3), dict(linewidth=30), dict(profile="short"), dict(profile="full")]:
        with tg.printoptions(**options), torch._tensor_str.printoptions(**options):
            for make in makers:
                assert repr(make(tg)) == repr(make(torch)), options
    assert tg.get_printoptions() == torch._tensor_str.get_printoptions()


def test_repr_of_the_default_float_dtype_and_names():
    assert repr(tg.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"  # float64 is the default here
    assert repr(tg.tensor([1.0], dtype=tg.float32)) == "tensor([1.], dtype=float32)"
    assert repr(tg.tensor([1.0], name="w")) == "tensor([1.], name='w')"
    tg.set_default_dtype(tg.float32)
    assert repr(tg.tensor([1.0], dtype=tg.float64)) == "tensor([1.], dtype=float64)"


@needs_torch
def test_format_and_number_conversions_like_torch(torch):
    for m in (tg, torch):
        t = m.tensor(2.5)
        assert (f"{t:.3f}", f"{t}", f"{t:>6}", float(t), int(t), bool(t)) == ("2.500", "2.5", "   2.5", 2.5, 2, True)
        assert f"{m.tensor([1.0, 2.0])}" == str(m.tensor([1.0, 2.0]))
        assert [10, 20, 30][m.tensor(2)] == 30 and int(m.tensor([7])) == 7 and float(m.tensor([[0.5]])) == 0.5
    for make, error in [(lambda m: f"{m.tensor([1.0, 2.0]):.2f}", TypeError),
                        (lambda m: float(m.tensor([1.0, 2.0])), ValueError),
                        (lambda m: int(m.tensor([1, 2])), ValueError),
                        (lambda m: [1, 2][m.tensor(1.0)], TypeError),
                        (lambda m: bool(m.tensor([1, 2])), RuntimeError),
                        (lambda m: m.tensor([1.0, 2.0]).item(), RuntimeError)]:
        for m in (tg, torch):
            with pytest.raises(error):
                make(m)
    assert f"{tg.tensor([0.25]):.1%}" == "25.0%"  # one element: formatted as its number


def test_format_message_names_the_shape():
    with pytest.raises(TypeError, match="shape \\(2,\\)"):
        format(tg.tensor([1.0, 2.0]), ".2f")
    with pytest.raises(ValueError, match="one element.*\\(2, 2\\)"):
        float(tg.ones(2, 2))


def test_math_constants():
    assert tg.inf == math.inf and math.isnan(tg.nan) and tg.pi == math.pi and tg.e == math.e


# ---- numpy's argument names, and drawing from distributions ------------------------------------

def test_axis_and_keepdims_are_other_names_for_dim_and_keepdim():
    t = tg.arange(12.0).reshape(3, 4)
    assert t.sum(axis=1, keepdims=True).tolist() == t.sum(dim=1, keepdim=True).tolist()
    assert t.sum(1, keepdims=True).shape == (3, 1)  # makemore's counts.sum(1, keepdims=True)
    assert tg.sum(t, axis=0).tolist() == t.sum(0).tolist()
    assert tg.cat([t, t], axis=1).shape == (3, 8) and tg.stack([t, t], axis=2).shape == (3, 4, 2)
    assert t.max(axis=1).indices.tolist() == [3, 3, 3] and t.unsqueeze(axis=0).shape == (1, 3, 4)
    assert t.softmax(axis=1).shape == (3, 4) and t.mean(axis=(0, 1)).item() == 5.5
    with pytest.raises(TypeError, match="multiple values for argument 'dim'"):
        t.sum(axis=1, dim=0)
    x = tg.ones(2, 3, requires_grad=True)
    x.var(axis=1, keepdims=True).sum().backward()  # the gradient goes through the renamed call
    assert x.grad.shape == (2, 3)


@needs_torch
@pytest.mark.parametrize("expr", ["t.sum(axis=1, keepdims=True)", "t.mean(axis=0)", "t.amax(axis=1, keepdims=True)",
                                  "t.std(axis=1)", "t.logsumexp(axis=1)", "t.argmax(axis=0)", "t.cumsum(axis=1)",
                                  "t.softmax(axis=1)", "t.squeeze(axis=0)", "lib.cat([t, t], axis=0)",
                                  "lib.prod(t, axis=1, keepdims=True)", "t.max(axis=1, keepdims=True)[0]"])
def test_numpy_argument_names_match_pytorch(torch, expr):
    x = np.arange(1.0, 13.0).reshape(3, 4) / 7
    ours = eval(expr, {"t": tg.tensor(x), "lib": tg})
    theirs = eval(expr, {"t": torch.tensor(x), "lib": torch})
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_multinomial_draws_by_weight():
    g = tg.Generator().manual_seed(0)
    draws = tg.multinomial(tg.tensor([1.0, 3.0, 0.0]), 4000, replacement=True, generator=g)
    assert draws.dtype == tg.int64 and draws.shape == (4000,)
    counts = np.bincount(draws.numpy(), minlength=3)
    assert counts[2] == 0 and abs(counts[1] / 4000 - 0.75) < 0.03  # σ ≈ 0.007
    rows = tg.tensor([[0.2, 0.3, 0.5, 0.0], [1.0, 1.0, 1.0, 1.0]]).multinomial(3, generator=g)
    assert rows.shape == (2, 3) and 3 not in rows[0].tolist()
    assert all(len(set(r)) == 3 for r in rows.tolist())  # without replacement: no index twice
    zeros_last = tg.multinomial(tg.tensor([0.0, 2.0, 0.0, 1.0]), 4, generator=g).tolist()
    assert sorted(zeros_last[:2]) == [1, 3] and sorted(zeros_last[2:]) == [0, 2]  # as PyTorch
    again = tg.multinomial(tg.tensor([1.0, 3.0, 0.0]), 4000, replacement=True, generator=tg.Generator().manual_seed(0))
    assert again.tolist() == draws.tolist()


@pytest.mark.parametrize("args,match", [((tg.tensor([1.0, -1.0]), 1), "element < 0"),
                                        ((tg.tensor([0.0, 0.0]), 1), "sum of probabilities"),
                                        ((tg.tensor([1.0, 1.0]), 3), "without replacement"),
                                        ((tg.tensor([1, 2]), 1), "floating-point"),
                                        ((tg.ones(2, 2, 2), 1), "1 or 2 dim"),
                                        ((tg.tensor([1.0]), 0), "n_sample <= 0")])
def test_multinomial_errors_are_pytorchs(args, match):
    with pytest.raises(RuntimeError, match=match):
        tg.multinomial(*args)


@needs_torch
@pytest.mark.parametrize("probs,n", [([1.0, -1.0], 1), ([0.0, 0.0], 1), ([1.0, 1.0], 3), ([1.0], 0)])
def test_multinomial_errors_have_pytorchs_type(torch, probs, n):
    with pytest.raises(RuntimeError):
        torch.multinomial(torch.tensor(probs), n)


def test_bernoulli():
    p = tg.full((2000,), 0.25)
    draws = tg.bernoulli(p, generator=tg.Generator().manual_seed(1))
    assert draws.dtype == p.dtype and set(np.unique(draws.numpy())) <= {0.0, 1.0}
    assert abs(draws.numpy().mean() - 0.25) < 0.04
    assert tg.tensor([0.0, 1.0]).bernoulli().tolist() == [0.0, 1.0]
    with pytest.raises(RuntimeError, match="0 <= p <= 1"):
        tg.bernoulli(tg.tensor([1.5]))


def test_sampling_docstring_examples():
    import doctest

    from tinygrad_edu import sampling

    result = doctest.testmod(sampling, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
    assert tg.ones(2, 3).nelement() == 6


def test_matmul_of_float32_and_the_float64_default_says_how_to_agree_with_pytorch():
    with pytest.raises(RuntimeError, match=r"tg.set_default_dtype\(tg.float32\)"):
        tg.ones(2, 3).float() @ tg.ones(3, 2)
