"""What PyTorch's autograd tutorials use beyond the basics ("Extending PyTorch", "Double Backward
with Custom Functions", "Hooks for autograd saved tensors", "Forward-mode Automatic
Differentiation"): PyTorch 2's setup_context, once_differentiable, set_materialize_grads,
mark_non_differentiable, saved_tensors_hooks and grad_fn._saved_*, tg.grad's only_inputs /
materialize_grads / is_grads_batched, forward_ad, is_inference, and how grad_fn prints.

Each part has checks with hand-computed values (no torch needed) and, where torch is installed,
the same program run by both."""
from __future__ import annotations

import doctest
import importlib
import re
import threading
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.autograd.forward_ad as fwAD
from tinygrad_edu.autograd import function as function_module
from tinygrad_edu.autograd.function import once_differentiable


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def leaf(values, dtype=np.float64) -> tg.Tensor:
    return tg.tensor(np.array(values, dtype=dtype), requires_grad=True)


@pytest.mark.parametrize("module", ["tinygrad_edu.autograd.function", "tinygrad_edu.autograd.graph",
                                    "tinygrad_edu.autograd.forward_ad", "tinygrad_edu.autograd.differentiate",
                                    "tinygrad_edu.autograd.api"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ==== 1. PyTorch 2's setup_context ===============================================================
def linear_function(lib):
    """The LinearFunction of "Extending PyTorch", PyTorch 2 style, for tinygrad_edu or torch."""

    class LinearFunction(lib.autograd.Function):
        @staticmethod
        def forward(input, weight, bias=None):
            output = input.mm(weight.t())
            if bias is not None:
                output = output + bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def setup_context(ctx, inputs, output):
            input, weight, bias = inputs
            ctx.save_for_backward(input, weight, bias)

        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    return LinearFunction


def test_setup_context_style_values_gradients_and_gradcheck():
    rng = np.random.default_rng(0)
    x, w, b = (leaf(rng.standard_normal(s)) for s in [(4, 3), (2, 3), (2,)])
    out = linear_function(tg).apply(x, w, b)
    np.testing.assert_allclose(out.data, x.data @ w.data.T + b.data)
    assert out.grad_fn.name() == "LinearFunctionBackward"
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.ones((4, 2)) @ w.data)
    np.testing.assert_allclose(b.grad.data, [4.0, 4.0])
    assert tg.gradcheck(linear_function(tg).apply, (x.detach().requires_grad_(), w, b))


def test_setup_context_gets_the_arguments_and_forwards_own_result_with_grad_mode_off():
    seen = {}

    class Scale(tg.autograd.Function):
        @staticmethod
        def forward(x, k):
            seen["forward_grad_mode"] = tg.is_grad_enabled()
            seen["result"] = x * k
            return seen["result"]

        @staticmethod
        def setup_context(ctx, inputs, output):
            seen.update(inputs=inputs, output=output, needs=ctx.needs_input_grad,
                        setup_grad_mode=tg.is_grad_enabled(), output_requires_grad=output.requires_grad)
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.k, None

    x = leaf([1.0, 2.0])
    y = Scale.apply(x, 3.0)
    assert seen["inputs"][0] is x and seen["inputs"][1] == 3.0 and seen["output"] is seen["result"]
    assert seen["needs"] == (True, False) and not seen["forward_grad_mode"] and not seen["setup_grad_mode"]
    assert not seen["output_requires_grad"] and y.requires_grad  # forward's raw result, before wrapping
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    with tg.no_grad():  # nothing recorded: setup_context still runs, with all-False needs_input_grad
        z = Scale.apply(x, 2.0)
    assert seen["needs"] == (False, False) and not z.requires_grad and z.tolist() == [2.0, 4.0]
    assert Scale.apply(tg.tensor([1.0]), 2.0).grad_fn is None


def test_setup_context_style_saving_the_output_and_double_backward():
    class Exp(tg.autograd.Function):
        @staticmethod
        def forward(x):
            return x.exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, grad):
            result, = ctx.saved_tensors
            return grad * result

    x = leaf([0.0, 1.0])
    g, = tg.grad(Exp.apply(x).sum(), x, create_graph=True)
    g2, = tg.grad(g.sum(), x)
    np.testing.assert_allclose(g2.data, np.exp([0.0, 1.0]))
    assert tg.gradgradcheck(Exp.apply, (leaf([0.3, -0.2]),))


def test_forward_with_ctx_and_a_setup_context_is_a_type_error():
    class Both(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        Both.apply(leaf([1.0]))


def test_setup_context_matches_torch(torch):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in [(5, 3), (2, 3), (2,)]]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out_ours, out_theirs = linear_function(tg).apply(*ours), linear_function(torch).apply(*theirs)
    out_ours.pow(2).sum().backward()
    out_theirs.pow(2).sum().backward()
    np.testing.assert_allclose(out_ours.data, out_theirs.detach().numpy(), rtol=1e-12)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-12)


# ==== 2. once_differentiable =====================================================================
def clip_function(lib, once):
    class Clip(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(-1.0, 1.0)

        @staticmethod
        @once
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            seen.append(lib.is_grad_enabled())
            return grad_output * (x.abs() <= 1.0).to(grad_output.dtype)

    seen = []
    Clip.seen = seen
    return Clip


def test_once_differentiable_first_derivative_and_grad_mode_off_inside():
    clip = clip_function(tg, once_differentiable)
    c = leaf([-2.0, -0.5, 0.25, 3.0])
    clip.apply(c).sum().backward()
    assert c.grad.tolist() == [0.0, 1.0, 1.0, 0.0]
    z = leaf([0.5, -0.5])
    g, = tg.grad(clip.apply(z).pow(2).sum(), z, create_graph=True)  # 2·clip(z)
    assert g.tolist() == [1.0, -1.0] and clip.seen == [False, False]


def test_once_differentiable_double_backward_raises_and_the_node_is_named_error():
    clip = clip_function(tg, once_differentiable)
    z = leaf([0.5, -0.5])
    g, = tg.grad(clip.apply(z).pow(2).sum(), z, create_graph=True)
    assert g.requires_grad and g.grad_fn.name() == "Error" and repr(g.grad_fn).startswith("<Error object at 0x")
    with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was marked with "
                                           "@once_differentiable"):
        g.sum().backward()
    # a seed that does not require grad: nothing asks for a second derivative, no Error node
    g, = tg.grad(clip.apply(z).sum(), z, create_graph=True)
    assert not g.requires_grad


def test_once_differentiable_keeps_nones_and_works_with_xp_backward():
    class ScaleArrays(tg.autograd.Function):
        xp_backward = True

        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x.data * k

        @staticmethod
        @once_differentiable
        def backward(ctx, grad):
            assert isinstance(grad, np.ndarray)  # arrays, even under create_graph
            return grad * ctx.k, None

    x = leaf([1.0, 2.0])
    g, = tg.grad((ScaleArrays.apply(x, 3.0) ** 2).sum(), x, create_graph=True)  # 2·(3x)·3 = 18x
    assert g.tolist() == [18.0, 36.0] and g.grad_fn.name() == "Error"
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()
    with pytest.raises(RuntimeError, match="was not used"):  # as in PyTorch: the Error node leads to no input
        tg.grad(g.sum(), x)


def test_once_differentiable_matches_torch(torch):
    from torch.autograd.function import once_differentiable as torch_once

    results = []
    for lib, once in ((tg, once_differentiable), (torch, torch_once)):
        clip = clip_function(lib, once)
        z = lib.tensor([0.5, -0.5, 2.0], requires_grad=True)
        g, = lib.autograd.grad(clip.apply(z).pow(2).sum(), z, create_graph=True)
        with pytest.raises(RuntimeError) as err:
            g.sum().backward()
        printed = re.sub(r" object at 0x[0-9a-f]+", "", repr(g.grad_fn))
        results.append((g.detach().numpy().tolist(), printed, str(err.value)))
    assert results[0] == results[1]  # (PyTorch's grad_fn.name() is "torch::autograd::Error", ours "Error")


# ==== 3. set_materialize_grads / 4. mark_non_differentiable =====================================
def simple_func(lib, materialize: bool, seen: list):
    class SimpleFunc(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(materialize)
            return x.clone(), x.clone()

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((None if g1 is None else g1.tolist(), None if g2 is None else g2.tolist()))
            return g1 if g2 is None else (g2 if g1 is None else g1 + g2)

    return SimpleFunc


@pytest.mark.parametrize("materialize, expected", [(True, [([1.0, 1.0], [0.0, 0.0])]), (False, [([1.0, 1.0], None)])])
def test_set_materialize_grads(materialize, expected):
    seen = []
    a = leaf([1.0, 2.0])
    b, _ = simple_func(tg, materialize, seen).apply(a)
    b.sum().backward()
    assert seen == expected and a.grad.tolist() == [1.0, 1.0]


def test_set_materialize_grads_single_output_always_gets_a_gradient():
    seen = []

    class Single(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            seen.append(g.tolist())
            return g * 2

    x = leaf([1.0])
    Single.apply(x).sum().backward()
    assert seen == [[1.0]] and x.grad.tolist() == [2.0]


def sort_function(lib, seen: list, materialize: bool = True):
    class Sort(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(materialize)
            values, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return values, idx

        @staticmethod
        def backward(ctx, g_values, g_idx):
            seen.append(g_idx if g_idx is None else g_idx.tolist())
            idx, = ctx.saved_tensors
            grad = lib.zeros_like(g_values)
            grad[idx] = g_values
            return grad

    return Sort


def test_mark_non_differentiable_outputs_and_their_gradients():
    seen = []
    x = leaf([3.0, -1.0, 2.0])
    values, idx = sort_function(tg, seen).apply(x)
    assert values.requires_grad and values.grad_fn is not None
    assert not idx.requires_grad and idx.grad_fn is None and idx.is_leaf
    (values * tg.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [3.0, 1.0, 2.0] and seen == [[0, 0, 0]]  # zeros for the marked output
    seen.clear()
    values, _ = sort_function(tg, seen, materialize=False).apply(leaf([2.0, 1.0]))
    values.sum().backward()
    assert seen == [None]


def test_mark_non_differentiable_single_output_float_and_identity_matching():
    class Floor(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            out = x.floor()
            ctx.mark_non_differentiable(out)
            return out

        @staticmethod
        def backward(ctx, g):
            return g

    class MarksAnother(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_non_differentiable(x)  # an input, not a result: changes nothing
            return x.clone(), (x > 0).to(x.dtype)

        @staticmethod
        def backward(ctx, g, g_mask):
            return g

    x = leaf([1.5, -0.5])
    y = Floor.apply(x)
    assert y.tolist() == [1.0, -1.0] and not y.requires_grad and y.grad_fn is None
    a, mask = MarksAnother.apply(x)
    assert a.requires_grad and mask.requires_grad  # (nothing was marked among the results)
    with pytest.raises(RuntimeError, match="mark_non_differentiable: only .* tensors can be marked, but got a int"):
        class Bad(tg.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.mark_non_differentiable(3)
                return x * 1

        Bad.apply(x)


def test_mark_non_differentiable_in_setup_context():
    class Split(tg.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2, x * 3

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.mark_non_differentiable(output[1])

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2

    x = leaf([1.0])
    a, b = Split.apply(x)
    assert a.requires_grad and not b.requires_grad and b.grad_fn is None


def test_materialize_and_mark_match_torch(torch):
    results = []
    for lib in (tg, torch):
        seen = []
        x = lib.tensor([3.0, -1.0, 2.0, 0.5], requires_grad=True)
        values, idx = sort_function(lib, seen).apply(x)
        (values * lib.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        seen_materialized = list(seen)
        seen.clear()
        s2, _ = simple_func(lib, False, seen).apply(lib.tensor([1.0, 2.0], requires_grad=True))
        s2.sum().backward()
        results.append((values.tolist(), idx.tolist(), idx.requires_grad, idx.grad_fn is None,
                        x.grad.tolist(), seen_materialized, seen))
    assert results[0] == results[1]


# ==== 5. saved_tensors_hooks and grad_fn._saved_* ================================================
def test_saved_tensors_hooks_pack_and_unpack_in_order():
    log = []

    def pack(t):
        log.append(("pack", t.tolist()))
        return t

    def unpack(t):
        log.append(("unpack", t.tolist()))
        return t

    a = tg.ones(2, requires_grad=True)
    b = tg.ones(2, requires_grad=True) * 2
    with tg.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = a * b
        z = a * 3.0  # a Python number is not a saved tensor; a is not needed (3.0 needs no gradient)
    assert log == [("pack", [1.0, 1.0]), ("pack", [2.0, 2.0])]
    y.sum().backward()
    assert log[2:] == [("unpack", [1.0, 1.0]), ("unpack", [2.0, 2.0])]
    assert a.grad.tolist() == [2.0, 2.0] and function_module._hooks_open == 0
    log.clear()
    z.sum().backward()
    assert log == []


def test_saved_tensors_hooks_to_numpy_and_back_with_double_backward():
    def pack_numpy(t):
        return t.detach().numpy().copy()

    def unpack_numpy(array):
        return tg.from_numpy(array)

    x = leaf([0.5, -1.0, 2.0])
    with tg.autograd.graph.saved_tensors_hooks(pack_numpy, unpack_numpy):
        out = (x.exp() * x * x.tanh()).sum()
    g, = tg.grad(out, x, create_graph=True)
    g2, = tg.grad(g.sum(), x)
    y = leaf([0.5, -1.0, 2.0])
    out_plain = (y.exp() * y * y.tanh()).sum()
    h, = tg.grad(out_plain, y, create_graph=True)
    h2, = tg.grad(h.sum(), y)
    np.testing.assert_allclose(g.data, h.data, rtol=1e-14)
    np.testing.assert_allclose(g2.data, h2.data, rtol=1e-14)


def test_saved_tensors_hooks_rules():
    x = leaf([1.0, 2.0])
    with tg.autograd.graph.saved_tensors_hooks(lambda t: 3, lambda p: p):
        y = x.exp()
    with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor but got result of type int"):
        y.sum().backward()

    def modifies(t):
        t.data[...] = 0  # (.data writes bypass autograd; an in-place op bumps the version)
        t.add_(1)
        return t

    c = x.detach().clone()
    with pytest.raises(RuntimeError, match="pack hook changed its input in place"):
        with tg.autograd.graph.saved_tensors_hooks(modifies, lambda t: t):
            _ = x * c
    assert function_module._hooks_open == 0

    c = x.detach().clone()  # no version check on packed tensors (PyTorch neither)
    with tg.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        y = x * c
    c.add_(1)
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 3.0]

    order = []
    with tg.autograd.graph.saved_tensors_hooks(lambda t: order.append("outer") or t, lambda t: t):
        with tg.autograd.graph.saved_tensors_hooks(lambda t: order.append("inner") or t, lambda t: t):
            x.exp()
        x.exp()
    with tg.no_grad(), tg.autograd.graph.saved_tensors_hooks(lambda t: order.append("no_grad") or t, lambda t: t):
        x.exp()
    assert order == ["inner", "outer"]


def test_saved_tensors_hooks_custom_function_and_none():
    class Keep(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, None)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            x, nothing = ctx.saved_tensors
            assert nothing is None and isinstance(x, tg.Tensor)
            return g * 2

    packed = []
    x = leaf([1.0])
    with tg.autograd.graph.saved_tensors_hooks(lambda t: packed.append(t) or t.detach(), lambda t: t):
        y = Keep.apply(x)
    assert len(packed) == 1 and packed[0] is x
    y.sum().backward()
    assert x.grad.tolist() == [2.0]


def test_disable_saved_tensors_hooks_and_save_on_cpu():
    graph = tg.autograd.graph
    with graph.disable_saved_tensors_hooks("hooks are off here"):
        with pytest.raises(RuntimeError, match="hooks are off here"):
            with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
        with pytest.raises(RuntimeError, match="hooks are off here"):
            with graph.save_on_cpu():
                pass
    with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        with pytest.raises(RuntimeError, match="no hooks"):
            with graph.disable_saved_tensors_hooks("no hooks"):
                pass
    x = leaf([1.0, 2.0])
    with graph.save_on_cpu(pin_memory=True):
        y = (x * x).sum()
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0] and function_module._hooks_open == 0


def test_saved_tensors_hooks_are_per_thread():
    packed, started, release = [], threading.Event(), threading.Event()

    def other_thread():
        with tg.autograd.graph.saved_tensors_hooks(lambda t: packed.append(1) or t, lambda t: t):
            started.set()
            release.wait(10)

    thread = threading.Thread(target=other_thread)
    thread.start()
    started.wait(10)
    x = leaf([1.0])
    (x * x).sum().backward()  # this thread has no hooks: nothing packed
    release.set()
    thread.join()
    assert packed == [] and x.grad.tolist() == [2.0]


def test_saved_attributes_of_mul_pow_exp():
    x, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    y = x * b
    assert y.grad_fn._saved_self is x and y.grad_fn._saved_other is b
    y = x * 2.0  # x is not needed (2.0 needs no gradient), as in PyTorch
    assert y.grad_fn._saved_self is None and y.grad_fn._saved_other.tolist() == 2.0
    y = x.pow(2)
    assert y.grad_fn._saved_self is x and y.grad_fn._saved_exponent == 2
    y = x.exp()
    r = y.grad_fn._saved_result
    assert r is not y and r.tolist() == y.tolist() and r.grad_fn is y.grad_fn
    for op in (tg.sigmoid, tg.tanh):
        y = op(x)
        assert y.grad_fn._saved_result.tolist() == y.tolist()
    with pytest.raises(AttributeError, match="'AddBackward0' object has no attribute '_saved_self'"):
        _ = (x + b).grad_fn._saved_self
    y = x * b
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = y.grad_fn._saved_self
    y = x.exp()
    y.sum().backward()
    with pytest.raises(RuntimeError, match="a second time"):
        _ = y.grad_fn._saved_result
    c = x.detach().clone()
    y = c * b
    c.add_(1)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        _ = y.grad_fn._saved_self


def test_saved_attributes_go_through_unpack_hook():
    log = []
    x = leaf([0.5])
    with tg.autograd.graph.saved_tensors_hooks(lambda t: t.detach().numpy().copy(),
                                               lambda a: log.append("unpack") or tg.from_numpy(a)):
        y = x.exp()
    r = y.grad_fn._saved_result
    assert log == ["unpack"] and r.tolist() == y.tolist() and r.grad_fn is y.grad_fn


def test_saved_tensors_tutorial_matches_torch(torch):
    def program(lib):
        log = []
        x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = x.pow(2)
        saved = [x.equal(y.grad_fn._saved_self), x is y.grad_fn._saved_self]
        y = x.exp()
        saved += [y.equal(y.grad_fn._saved_result), y is y.grad_fn._saved_result]
        a = lib.ones(5, requires_grad=True)
        b = lib.ones(5, requires_grad=True) * 2
        def values(t):
            return [round(v, 5) for v in t.tolist()]

        with lib.autograd.graph.saved_tensors_hooks(lambda t: log.append(("pack", values(t))) or t,
                                                    lambda t: log.append(("unpack", values(t))) or t):
            y = a * b
            z = (x.exp() * x).sum()
        y.sum().backward()
        z.backward()
        return saved, log, a.grad.tolist(), x.grad.tolist()

    ours, theirs = program(tg), program(torch)
    # the same packs and unpacks (within one op the order differs: PyTorch's Mul saves `other` first)
    assert ours[0] == theirs[0] and ours[2] == theirs[2]
    assert sorted(ours[1]) == sorted(theirs[1]) and len(ours[1]) == 10
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-6)


# ==== 6. tg.grad: only_inputs, materialize_grads, is_grads_batched ==============================
def test_grad_only_inputs_is_accepted_and_false_warns():
    x = leaf([1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g, = tg.grad((x * x).sum(), x, only_inputs=True)
    assert g.tolist() == [2.0, 4.0]
    with pytest.warns(FutureWarning, match="only_inputs argument is deprecated"):
        g, = tg.grad((x * x).sum(), x, only_inputs=False)
    assert g.tolist() == [2.0, 4.0]


def test_grad_materialize_grads():
    x, unused = leaf([1.0, 2.0]), leaf([5.0])
    gx, gu = tg.grad((x * x).sum(), [x, unused], materialize_grads=True)
    assert gx.tolist() == [2.0, 4.0] and gu.tolist() == [0.0] and not gu.requires_grad
    _, gu = tg.grad((x * x).sum(), [x, unused], materialize_grads=True, create_graph=True)
    assert gu.requires_grad and gu.is_leaf and gu.dtype == unused.dtype
    _, gu = tg.grad((x * x).sum(), [x, unused], allow_unused=True)
    assert gu is None
    with pytest.raises(ValueError, match="allow_unused to be True or not passed when materialize_grads=True"):
        tg.grad((x * x).sum(), [x, unused], materialize_grads=True, allow_unused=False)
    with pytest.raises(RuntimeError, match="was not used"):
        tg.grad((x * x).sum(), [x, unused])


def test_grad_is_grads_batched_rows_are_vector_jacobian_products():
    x = leaf([1.0, 2.0, 3.0])
    jac, = tg.grad(x ** 2, x, tg.eye(3), is_grads_batched=True, retain_graph=True)
    assert jac.tolist() == [[2.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 6.0]]
    # two outputs: y = x², y2 = Σx·x[:2]; row b is v_b·J_y + w_b·J_y2
    y, y2 = x ** 2, x.sum() * x[:2]
    v, w = tg.eye(3), tg.ones(3, 2)
    rows, = tg.grad([y, y2], x, [v, w], is_grads_batched=True)
    assert rows.tolist() == [[11.0, 9.0, 3.0], [9.0, 13.0, 3.0], [9.0, 9.0, 9.0]]
    with pytest.raises(RuntimeError, match="a second time"):  # the graph is freed after the last row
        tg.grad(y, x, tg.ones(3))
    s = (x ** 2).sum()
    g, = tg.grad(s, x, tg.tensor([1.0, 2.0]), is_grads_batched=True)  # 0-d rows for a 0-d output
    assert g.tolist() == [[2.0, 4.0, 6.0], [4.0, 8.0, 12.0]]


def test_grad_is_grads_batched_create_graph_and_unused():
    x, unused = leaf([1.0, 2.0]), leaf([1.0])
    jac, gu = tg.grad(x ** 3, [x, unused], tg.eye(2), is_grads_batched=True, create_graph=True, allow_unused=True)
    assert gu is None and jac.requires_grad and jac.tolist() == [[3.0, 0.0], [0.0, 12.0]]
    second, = tg.grad(jac.sum(), x)  # d/dx Σ 3x² = 6x
    assert second.tolist() == [6.0, 12.0]
    _, gu = tg.grad(x ** 3, [x, unused], tg.eye(2), is_grads_batched=True, materialize_grads=True)
    assert gu.tolist() == [0.0]  # (not batched: PyTorch's zeros_like(input))


def test_grad_is_grads_batched_errors():
    x = leaf([1.0, 2.0, 3.0])
    y = x ** 2
    with pytest.raises(RuntimeError, match=r"grad_output\[0\] has shape \(3,\) \(rows of shape \(\)\)"):
        tg.grad(y, x, tg.ones(3), is_grads_batched=True, retain_graph=True)
    with pytest.raises(ValueError, match="same batch size"):
        tg.grad([y, y * 2], x, [tg.eye(3), tg.ones(2, 3)], is_grads_batched=True, retain_graph=True)
    with pytest.raises(RuntimeError, match="only be created implicitly"):
        tg.grad(y, x, None, is_grads_batched=True, retain_graph=True)
    with pytest.raises(ValueError, match="needs a batched grad_output"):
        tg.grad(y.sum(), x, None, is_grads_batched=True, retain_graph=True)


def test_grad_options_match_torch(torch):
    rng = np.random.default_rng(3)
    a, v = rng.standard_normal(4), rng.standard_normal((3, 4))
    results = []
    for lib in (tg, torch):
        x, unused = lib.tensor(a, requires_grad=True), lib.tensor([1.0], requires_grad=True)
        y = x.tanh() * x.sum()
        rows, gu = lib.autograd.grad(y, [x, unused], lib.tensor(v), is_grads_batched=True, materialize_grads=True)
        results.append((rows.detach().numpy(), gu.tolist()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    assert results[0][1] == results[1][1]


# ==== 7. forward-mode AD =========================================================================
def test_forward_ad_tutorial_values():
    rng = np.random.default_rng(4)
    primal, tangent = tg.tensor(rng.standard_normal((4, 4))), tg.tensor(rng.standard_normal((4, 4)))
    plain = tg.tensor(rng.standard_normal((4, 4)))
    with fwAD.dual_level() as level:
        assert level == 0
        dual_input = fwAD.make_dual(primal, tangent)
        dual_output = dual_input ** 2 + plain ** 2  # a tensor with no tangent counts as a zero tangent
        unpacked = fwAD.unpack_dual(dual_output)
        assert isinstance(unpacked, fwAD.UnpackedDualTensor) and unpacked._fields == ("primal", "tangent")
        np.testing.assert_allclose(unpacked.tangent.data, 2 * primal.data * tangent.data, rtol=1e-14)
        np.testing.assert_allclose(unpacked.primal.data, primal.data ** 2 + plain.data ** 2)
        assert not unpacked.primal.requires_grad and not unpacked.tangent.requires_grad
        assert fwAD.unpack_dual(dual_input).tangent is tangent
        assert fwAD.unpack_dual(plain).tangent is None
        assert fwAD.unpack_dual(plain * 2).tangent is None
        assert fwAD.unpack_dual(dual_input > 0).tangent is None
        assert fwAD.unpack_dual(dual_input.floor()).tangent.tolist() == np.zeros((4, 4)).tolist()
    assert fwAD.unpack_dual(dual_output).tangent is None  # leaving the level drops the tangents
    assert fwAD.unpack_dual(dual_input).tangent is None


def test_forward_ad_two_duals_and_a_primal_that_requires_grad():
    with fwAD.dual_level():
        d = fwAD.make_dual(tg.tensor([1.0, 2.0]), tg.tensor([0.5, 1.0]))
        e = fwAD.make_dual(tg.tensor([3.0, 4.0]), tg.tensor([1.0, 0.0]))
        assert fwAD.unpack_dual(d * e).tangent.tolist() == [2.5, 4.0]  # t_d·e + d·t_e
        w = leaf([1.0, 2.0])
        dw = fwAD.make_dual(w, tg.tensor([1.0, 1.0]))
        q = leaf([2.0, 3.0])
        out = (q * dw).sum()
        primal, tangent = fwAD.unpack_dual(out)
        assert primal.requires_grad and tangent.tolist() == 5.0  # Σ q·t
        second, = tg.grad(tangent, q)  # the tangent keeps its graph: d(Σ q·t)/dq = t
        assert second.tolist() == [1.0, 1.0]
        out.backward()  # reverse mode still reaches w through the dual
        assert w.grad.tolist() == [2.0, 3.0]
        with pytest.raises(RuntimeError, match="graph of this tensor was freed"):
            fwAD.unpack_dual(out)


def test_forward_ad_errors():
    p = tg.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="no level exists"):
        fwAD.make_dual(p, tg.ones(2))
    with fwAD.dual_level():
        with pytest.raises(RuntimeError, match="Nested forward mode AD is not supported"):  # as PyTorch
            with fwAD.dual_level():
                pass
        with pytest.raises(RuntimeError, match="Nested"):
            fwAD.enter_dual_level()
        with pytest.raises(RuntimeError, match=r"tangent has shape \(3,\) but the primal has shape \(2,\)"):
            fwAD.make_dual(p, tg.ones(3))
        with pytest.raises(ValueError, match="Expected primal to be floating point"):
            fwAD.make_dual(tg.tensor([1, 2]), tg.tensor([1, 2]))
        with pytest.raises(ValueError, match="Expected tangent to be floating point"):
            fwAD.make_dual(p, tg.tensor([1, 2]))
        with pytest.raises(TypeError, match="tangent must be a Tensor"):
            fwAD.make_dual(p, 3.0)
        d = fwAD.make_dual(p, tg.ones(2))
        with pytest.raises(RuntimeError, match="already has a forward gradient"):
            fwAD.make_dual(d, tg.ones(2))
        with pytest.raises(RuntimeError, match="invalid level 1"):
            fwAD.unpack_dual(d, level=1)
        with tg.no_grad():
            d.data[...] = d.data  # (no version change)
            p.add_(1)  # d shares p's memory and version counter
        with pytest.raises(RuntimeError, match="changed in place"):
            fwAD.unpack_dual(d * 2)
    with pytest.raises(RuntimeError, match="no dual level is open"):
        fwAD.exit_dual_level()


def test_forward_ad_matches_torch(torch):
    import torch.autograd.forward_ad as torch_fwAD

    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal(s) for s in [(3, 4), (4, 2), (3, 4), (2,)]]

    def run(lib, ad):
        x, w, t, b = (lib.tensor(a) for a in arrays)
        with ad.dual_level():
            dx = ad.make_dual(x, t)
            out = (dx @ w + b).tanh().sum(1).exp() / (1 + dx.pow(2).mean(1))
            unpacked = ad.unpack_dual(out)
            return unpacked.primal.numpy().copy(), unpacked.tangent.numpy().copy()

    (p1, t1), (p2, t2) = run(tg, fwAD), run(torch, torch_fwAD)
    np.testing.assert_allclose(p1, p2, rtol=1e-12)
    np.testing.assert_allclose(t1, t2, rtol=1e-10)


# ==== 8. is_inference ============================================================================
def test_is_inference():
    x = leaf([1.0, 2.0])
    plain = tg.tensor([1.0, 2.0])
    with tg.inference_mode():
        y = x * 2
        v = plain.reshape(2, 1)  # a view of a normal tensor stays normal
        w = y.reshape(2, 1)  # a view of an inference tensor is one
        with tg.inference_mode(False):
            z = x * 2
    assert y.is_inference() and w.is_inference() and not y.requires_grad
    assert not v.is_inference() and not x.is_inference() and not z.is_inference() and z.requires_grad
    assert not (x * 2).is_inference()

    @tg.inference_mode()
    def double(t):
        return t * 2

    assert double(x).is_inference() and function_module._inference_open == 0


def test_is_inference_matches_torch_for_op_results(torch):
    results = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        plain = lib.tensor([1.0, 2.0])
        with lib.inference_mode():
            made = [x * 2, x.exp(), plain.reshape(2, 1)]
        results.append([t.is_inference() for t in made] + [x.is_inference(), (x * 2).is_inference()])
    assert results[0] == results[1]


# ==== 9. how grad_fn prints, and labels ==========================================================
def test_grad_fn_repr_is_pytorchs_form():
    x = leaf([1.0])
    z = x + 1
    assert repr(z.grad_fn) == f"<AddBackward0 object at {hex(id(z.grad_fn))}>"
    assert repr(z) == "tensor([2.], grad_fn=<AddBackward0>)"  # the tensor's repr keeps the short form
    acc, _ = (x * 2).grad_fn.next_functions[0]
    assert re.fullmatch(r"<AccumulateGrad object at 0x[0-9a-f]+>", repr(acc))

    class Cube(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            return g

    node = Cube.apply(x).grad_fn
    assert repr(node) == f"<tinygrad_edu.autograd.function.CubeBackward object at {hex(id(node))}>"


def test_node_label_renames_the_node():
    x = leaf([1.0, 2.0])
    loss = ((x - 1) ** 2).mean()
    assert loss.grad_fn.name() == "MeanBackward0"
    loss.grad_fn.label = "MseLossBackward0"
    assert loss.grad_fn.name() == "MseLossBackward0" and "grad_fn=<MseLossBackward0>" in repr(loss)
    assert repr(loss.grad_fn).startswith("<MseLossBackward0 object at 0x")
    assert (x * 2).grad_fn.label is None  # other nodes keep their own names


def test_grad_fn_repr_matches_torch(torch):
    def shapes(lib):
        x = lib.tensor([1.0], requires_grad=True)
        z = x + 1
        acc = (x * 2).grad_fn.next_functions[0][0]
        return [re.sub(r"0x[0-9a-f]+", "0x?", repr(node)) for node in (z.grad_fn, z.sum().grad_fn, acc)]

    assert shapes(tg) == shapes(torch)


def test_forward_returning_a_named_tuple_gives_several_results():
    got = []

    class Sort(tg.autograd.Function):
        @staticmethod
        def forward(x):
            return x.sort()

        @staticmethod
        def setup_context(ctx, inputs, output):
            got.append(type(output).__name__)  # forward's own result, as PyTorch passes it
            ctx.mark_non_differentiable(output[1])

        @staticmethod
        def backward(ctx, g, g_idx):
            return g

    x = leaf([3.0, 1.0])
    result = Sort.apply(x)
    assert type(result) is tuple and got == ["sort"] and not result[1].requires_grad
    with tg.no_grad():
        assert type(Sort.apply(x)) is tuple
