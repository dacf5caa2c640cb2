"""tg.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp -- values and the nesting of
results (Tensor or tuple) as PyTorch's, create_graph, strict mode, and errors."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.autograd import functional as AF

try:
    import torch
    import torch.autograd.functional as TF
except ImportError:
    torch = TF = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 2))
B = rng.standard_normal(3)
C = rng.standard_normal((2, 2))


def to_numpy(result):
    """The same nesting, with arrays at the leaves (and the leaf's kind recorded)."""
    if isinstance(result, tuple):
        return tuple(to_numpy(r) for r in result)
    assert not isinstance(result, (list, tuple))
    return ("tensor", np.asarray(result.detach().numpy()), tuple(result.shape))


def assert_same(ours, theirs):
    a, b = to_numpy(ours), to_numpy(theirs)
    assert _nesting(a) == _nesting(b)
    for (_, x, shape_x), (_, y, shape_y) in zip(_leaves(a), _leaves(b)):
        assert shape_x == shape_y
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)


def _nesting(value):
    return tuple(_nesting(v) for v in value) if isinstance(value, tuple) and value[0] != "tensor" else "T"


def _leaves(value):
    if isinstance(value, tuple) and value[0] != "tensor":
        for v in value:
            yield from _leaves(v)
    else:
        yield value


# functions written once for both libraries: `lib` is tinygrad_edu or torch
FUNCTIONS = {
    "tensor->tensor": (lambda lib, x: lib.tanh(x) * x.sum(), (A,), False),
    "tensor->0d": (lambda lib, x: (x ** 3).sum() + x.prod(), (A,), False),
    "tuple->tensor": (lambda lib, x, y: lib.tanh(x.sum(1)) * y ** 2, (A, B), True),
    "tuple->tuple": (lambda lib, x, y: (x.sum(1) * y, (y ** 2).sum(), x * 2), (A, B), True),
    "tensor->tuple": (lambda lib, x: (x.exp().sum(0), x.sin()), (C,), False),
    "one-tuple->one-tuple": (lambda lib, x: (x ** 2,), (B,), True),
    "0d->0d": (lambda lib, x: x.sin() * x, (np.array(0.7),), False),
    "unused-input": (lambda lib, x, y: x * 3, (B, C), True),
}


def make_inputs(lib, arrays, as_tuple, requires_grad=False):
    tensors = tuple(lib.tensor(a.copy(), requires_grad=requires_grad) for a in arrays)
    return tensors if as_tuple else tensors[0]


def bind(lib, fn):
    return lambda *xs: fn(lib, *xs)


def like_outputs(lib, fn, arrays, as_tuple, seed=1):
    """Random vectors shaped like fn's outputs (same numbers for both libraries)."""
    outputs = fn(tg, *make_inputs(tg, arrays, True))
    vr = np.random.default_rng(seed)
    if isinstance(outputs, tuple):
        return tuple(lib.tensor(vr.standard_normal(o.shape)) for o in outputs)
    return lib.tensor(vr.standard_normal(outputs.shape))


def like_inputs(lib, arrays, as_tuple, seed=2):
    vr = np.random.default_rng(seed)
    values = tuple(lib.tensor(vr.standard_normal(a.shape)) for a in arrays)
    return values if as_tuple else values[0]


@needs_torch
@pytest.mark.parametrize("name", FUNCTIONS)
def test_jacobian_matches_torch(name):
    fn, arrays, as_tuple = FUNCTIONS[name]
    ours = AF.jacobian(bind(tg, fn), make_inputs(tg, arrays, as_tuple))
    theirs = TF.jacobian(bind(torch, fn), make_inputs(torch, arrays, as_tuple))
    assert_same(ours, theirs)


@needs_torch
@pytest.mark.parametrize("name", FUNCTIONS)
def test_vjp_and_jvp_match_torch(name):
    fn, arrays, as_tuple = FUNCTIONS[name]
    ours = AF.vjp(bind(tg, fn), make_inputs(tg, arrays, as_tuple), like_outputs(tg, fn, arrays, as_tuple))
    theirs = TF.vjp(bind(torch, fn), make_inputs(torch, arrays, as_tuple), like_outputs(torch, fn, arrays, as_tuple))
    assert_same(ours, theirs)
    ours = AF.jvp(bind(tg, fn), make_inputs(tg, arrays, as_tuple), like_inputs(tg, arrays, as_tuple))
    theirs = TF.jvp(bind(torch, fn), make_inputs(torch, arrays, as_tuple), like_inputs(torch, arrays, as_tuple))
    assert_same(ours, theirs)


SCALAR_FUNCTIONS = {
    "tensor": (lambda lib, x: (lib.tanh(x) ** 2).sum() * x.sum(), (A,), False),
    "tuple": (lambda lib, x, y: (lib.tanh(x.sum(1)) * y ** 3).sum(), (A, B), True),
    "one-tuple": (lambda lib, x: (x.exp() * x).sum(), (B,), True),
    "0d": (lambda lib, x: x.sin() * x ** 2, (np.array(0.3),), False),
    "one-element-output": (lambda lib, x: (x ** 3).sum().reshape(1), (B,), False),
    "linear-in-one-input": (lambda lib, x, y: (x ** 2).sum() + y.sum(), (B, C), True),
}


@needs_torch
@pytest.mark.parametrize("name", SCALAR_FUNCTIONS)
def test_hessian_vhp_hvp_match_torch(name):
    fn, arrays, as_tuple = SCALAR_FUNCTIONS[name]
    assert_same(AF.hessian(bind(tg, fn), make_inputs(tg, arrays, as_tuple)),
                TF.hessian(bind(torch, fn), make_inputs(torch, arrays, as_tuple)))
    for ours_fn, torch_fn in ((AF.vhp, TF.vhp), (AF.hvp, TF.hvp)):
        ours = ours_fn(bind(tg, fn), make_inputs(tg, arrays, as_tuple), like_inputs(tg, arrays, as_tuple))
        theirs = torch_fn(bind(torch, fn), make_inputs(torch, arrays, as_tuple), like_inputs(torch, arrays, as_tuple))
        assert_same(ours, theirs)


@needs_torch
def test_create_graph_results_can_be_differentiated_as_in_torch():
    results = []
    for lib, F in ((tg, AF), (torch, TF)):
        x = lib.tensor(A.copy(), requires_grad=True)
        jac = F.jacobian(lambda x: (x ** 3).sum(1), x, create_graph=True)
        _, v = F.vjp(lambda x: lib.tanh(x), x, lib.ones(3, 2), create_graph=True)
        _, j = F.jvp(lambda x: x.exp() * x, x, lib.ones(3, 2), create_graph=True)
        h = F.hessian(lambda x: (x ** 4).sum(), x, create_graph=True)
        assert jac.requires_grad and v.requires_grad and j.requires_grad and h.requires_grad
        (jac.sum() + v.sum() + j.sum() + h.sum()).backward()
        results.append(x.grad.numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


@needs_torch
def test_results_without_create_graph_are_not_differentiable_and_outputs_are_returned():
    x = tg.tensor(B.copy(), requires_grad=True)
    out, v = AF.vjp(lambda x: x ** 2, x, tg.ones(3))
    assert not out.requires_grad and not v.requires_grad
    out_t, _ = TF.vjp(lambda x: x ** 2, torch.tensor(B.copy(), requires_grad=True), torch.ones(3))
    np.testing.assert_allclose(out.numpy(), out_t.numpy())
    assert not AF.jacobian(lambda x: x ** 2, x).requires_grad


# ---- without torch: values by hand -------------------------------------------------------------
def test_values_by_hand():
    x = tg.tensor([1.0, 2.0, 3.0])
    np.testing.assert_allclose(AF.jacobian(lambda x: x ** 2, x).numpy(), np.diag([2.0, 4.0, 6.0]))
    np.testing.assert_allclose(AF.hessian(lambda x: (x ** 3).sum(), x).numpy(), np.diag([6.0, 12.0, 18.0]))
    _, jv = AF.jvp(lambda x: x ** 2, x, tg.tensor([1.0, 0.0, -1.0]))
    np.testing.assert_allclose(jv.numpy(), [2.0, 0.0, -6.0])
    out, hv = AF.hvp(lambda x: (x ** 3).sum(), x, tg.tensor([1.0, 1.0, 1.0]))
    assert out.item() == 36.0
    np.testing.assert_allclose(hv.numpy(), [6.0, 12.0, 18.0])
    # mixed second derivatives: f = x0 · x1² → H = [[0, 2 x1], [2 x1, 2 x0]]
    h = AF.hessian(lambda x, y: x * y ** 2, (tg.tensor(2.0), tg.tensor(3.0)))
    assert isinstance(h, tuple) and all(isinstance(row, tuple) for row in h)
    np.testing.assert_allclose([[float(e) for e in row] for row in h], [[0.0, 6.0], [6.0, 4.0]])


def test_structures_without_torch():
    x, y = tg.ones(2), tg.ones(3)
    assert isinstance(AF.jacobian(lambda x: x * 2, x), tg.Tensor)
    assert AF.jacobian(lambda x: x * 2, x).shape == (2, 2)
    jac = AF.jacobian(lambda x, y: (x.sum() * y, x * 2), (x, y))
    assert [[j.shape for j in row] for row in jac] == [[(3, 2), (3, 3)], [(2, 2), (2, 3)]]
    assert isinstance(AF.jacobian(lambda x: (x,), x), tuple)
    _, v = AF.vjp(lambda x: x.sum(), x)  # v may be left out for a one-element output
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])
    empty = AF.jacobian(lambda x: x[:0] * 2, x)
    assert empty.shape == (0, 2)
    assert tg.autograd.functional is AF


def test_unused_inputs_get_zeros_or_raise_in_strict_mode():
    x, y = tg.ones(2), tg.ones(3)
    jac = AF.jacobian(lambda x, y: x * 2, (x, y))
    np.testing.assert_array_equal(jac[1].numpy(), np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        AF.jacobian(lambda x, y: x * 2, (x, y), strict=True)
    with pytest.raises(RuntimeError, match="does not require gradients"):
        AF.jacobian(lambda x: tg.ones(2), x, strict=True)
    np.testing.assert_array_equal(AF.jacobian(lambda x: tg.ones(2), x).numpy(), np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.vjp(lambda x, y: x * 2, (x, y), tg.ones(2), strict=True)


@pytest.mark.parametrize("call, error, words", [
    (lambda: AF.jacobian(lambda x: x, [tg.ones(2)]), TypeError, "must be either a Tensor or a tuple of Tensors"),
    (lambda: AF.jacobian(lambda x: 3, tg.ones(2)), TypeError, "outputs of the user-provided function"),
    (lambda: AF.vjp(lambda x: x * 2, tg.ones(3)), RuntimeError, "v can only be None"),
    (lambda: AF.vjp(lambda x: x * 2, tg.ones(3), tg.ones(2)), RuntimeError, r"v has invalid size"),
    (lambda: AF.jvp(lambda x, y: x, (tg.ones(3), tg.ones(2)), (tg.ones(3),)), RuntimeError,
     "v is a tuple of invalid length: should be 2 but got 1"),
    (lambda: AF.hessian(lambda x: x * 2, tg.ones(3)), RuntimeError, "should contain a single element"),
    (lambda: AF.hessian(lambda x: (x.sum(),), tg.ones(3)), RuntimeError, "should return a single Tensor"),
    (lambda: AF.vhp(lambda x: x.sum(), tg.ones(3)), RuntimeError, "v can only be None"),
    (lambda: AF.jacobian(lambda x: x, tg.ones(2), strategy="forward-mode"), NotImplementedError, "vectorize=True"),
    (lambda: AF.jacobian(lambda x: x, tg.ones(2), strategy="sideways"), AssertionError, "reverse-mode"),
])
def test_errors_as_torch(call, error, words):
    with pytest.raises(error, match=words):
        call()
