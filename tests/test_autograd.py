"""The engine: tape order, depth, accumulation, freeing, higher derivatives, tg.grad, hooks,
grad mode, anomaly mode, custom Functions and in-place checks."""
from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu import Tensor
from tinygrad_edu.autograd.function import edge_source


def leaf(array) -> Tensor:
    return tg.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


# ---- acceptance: depth, diamonds, long recurrences -------------------------------------------

def test_chain_of_200000_ops_has_no_recursion_error():
    x = tg.tensor(1.5, requires_grad=True)
    y = x
    factor = 1.0000001
    for _ in range(200_000):
        y = y * factor
    y.backward()
    # y = x·f^N  =>  dy/dx = f^N
    assert y.item() == pytest.approx(1.5 * factor ** 200_000, rel=1e-9)
    assert x.grad.item() == pytest.approx(factor ** 200_000, rel=1e-9)
    del y
    gc.collect()  # tearing down the deep graph must not recurse either


def test_alternating_add_mul_chain_gradient():
    x = tg.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(5_000):
        y = y * 0.9999 + 0.001
    y.backward()
    assert x.grad.item() == pytest.approx(0.9999 ** 5_000, rel=1e-9)


def test_diamond_accumulates():
    x = leaf(3.0)
    a = x * 2      # used twice below
    b = a.exp()
    c = a * a
    out = b + c    # d/dx = 2·e^(2x) + 2·(2·2x)
    out.backward()
    assert x.grad.item() == pytest.approx(2 * np.exp(6.0) + 8 * 3.0)


def test_value_used_many_times_in_one_op():
    x = leaf([1.0, 2.0])
    (x * x * x + x).sum().backward()
    assert x.grad.tolist() == [4.0, 13.0]


def test_recurrence_of_2000_steps_matches_finite_differences():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal(2000) * 0.5
    w0, h0 = 0.8, 0.1

    def run(w, h, inputs):
        total = 0.0
        for t in range(len(inputs)):
            h = (w * h + inputs[t]).tanh()
            total = total + h
        return total

    w, h = leaf(w0), leaf(h0)
    x = leaf(xs)
    loss = run(w, h, x)
    loss.backward()

    def loss_np(w_, h_, xs_):
        total, state = 0.0, h_
        for x_t in xs_:
            state = np.tanh(w_ * state + x_t)
            total += state
        return total

    eps = 1e-6
    dw = (loss_np(w0 + eps, h0, xs) - loss_np(w0 - eps, h0, xs)) / (2 * eps)
    dh = (loss_np(w0, h0 + eps, xs) - loss_np(w0, h0 - eps, xs)) / (2 * eps)
    assert w.grad.item() == pytest.approx(dw, rel=1e-6)
    assert h.grad.item() == pytest.approx(dh, rel=1e-6)
    for t in (0, 1, 1000, 1998, 1999):
        bumped = [xs.copy(), xs.copy()]
        bumped[0][t] += eps
        bumped[1][t] -= eps
        dx = (loss_np(w0, h0, bumped[0]) - loss_np(w0, h0, bumped[1])) / (2 * eps)
        assert x.grad.numpy()[t] == pytest.approx(dx, rel=1e-5, abs=1e-9)


def test_recurrence_matches_tg_numerical_grad():
    rng = np.random.default_rng(1)
    xs = tg.tensor(rng.standard_normal(200))

    def run(w):
        h = tg.tensor(0.0)
        for t in range(200):
            h = (w * h + xs[t]).tanh()
        return h

    w = leaf(0.9)
    run(w).backward()
    numeric, = tg.numerical_grad(run, tg.tensor(0.9))
    assert w.grad.item() == pytest.approx(float(numeric), rel=1e-6)


# ---- acceptance: freeing saved values, second backward ----------------------------------------

def test_saved_tensor_released_after_backward_while_loss_alive():
    x = leaf(np.ones(1000))
    hidden = x * 2            # an intermediate, saved by sin below
    loss = hidden.sin().sum()
    watch = weakref.ref(hidden)
    del hidden
    gc.collect()
    assert watch() is not None  # the graph keeps it for backward
    loss.backward()
    gc.collect()
    assert watch() is None      # ... and lets go of it afterwards
    assert loss.grad_fn is not None


def test_saved_output_array_released_after_backward():
    x = leaf(np.ones(10))
    y = x.exp()               # exp saves its output array
    loss = (y * 1.0).sum()
    node = y.grad_fn
    assert node._saved_output is not None
    del y
    loss.backward()
    assert node._saved_output is None and node._saved is None


def test_every_node_releases_saved_values():
    x = leaf(np.linspace(0.5, 2.0, 6).reshape(2, 3))
    loss = ((x.log() * x.sqrt()).tanh() @ x.T).amax(1).logsumexp(0)
    nodes, stack = [], [loss.grad_fn]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(s[0] for s in map(edge_source, node.edges) if s is not None)
    assert any(n._saved is not None or n._saved_output is not None for n in nodes)
    loss.backward()
    assert all(n._saved is None and n._saved_output is None for n in nodes)


def test_graph_is_freed_by_reference_counting_alone():
    """No reference cycles: dropping the last tensor frees every node at once, without the gc."""
    x = leaf(np.linspace(0.5, 2.0, 6).reshape(2, 3))
    gc.disable()
    try:
        h = x * 2
        h.retain_grad()
        h.register_hook(lambda g: g)
        loss = ((h.log() * h.sqrt()).tanh() @ x.T).amax(1).logsumexp(0) + h[[0, 0], [1, 2]].sum()
        loss = loss + tg.cat([h, x]).sigmoid().mean()
        nodes, stack = [], [loss.grad_fn]
        while stack:
            node = stack.pop()
            nodes.append(weakref.ref(node))
            stack.extend(s[0] for s in map(edge_source, node.edges) if s is not None)
        del node
        loss.backward()
        assert all(ref() is not None for ref in nodes)
        del loss, h
        assert all(ref() is None for ref in nodes)
        g, = tg.grad((x.exp() * x).sum(), x, create_graph=True)
        second_order = weakref.ref(g.grad_fn)
        del g
        assert second_order() is None
    finally:
        gc.enable()


def test_second_backward_raises_mentioning_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_retain_graph_allows_second_backward_and_accumulates():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    assert x.grad.tolist() == [2.0, 4.0]
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_grad_accumulates_across_graphs_and_zeroing():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    assert x.grad.tolist() == [5.0, 7.0]
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_leaf_grad_does_not_alias_other_tensors():
    x, y = leaf([1.0]), leaf([1.0])
    (x + y).sum().backward()
    x.grad.data += 10  # in-place change of one leaf's grad
    assert y.grad.tolist() == [1.0]


def test_backward_with_gradient_argument():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(tg.tensor([1.0, 0.0, -1.0]))
    assert x.grad.tolist() == [2.0, 0.0, -6.0]
    z = leaf([1.0, 2.0])
    (z * 2).backward(np.array([1.0, 1.0]))  # an array works too
    assert z.grad.tolist() == [2.0, 2.0]


def test_backward_on_a_leaf_sets_its_grad():
    x = leaf(2.0)
    x.backward()
    assert x.grad.item() == 1.0


def test_grad_dtype_follows_leaf():
    x = tg.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.dtype == np.float32


def test_unused_branch_gets_no_grad():
    x, unused = leaf([1.0]), leaf([2.0])
    _ = unused * 3
    (x * 2).sum().backward()
    assert unused.grad is None


# ---- higher derivatives ---------------------------------------------------------------------

def test_create_graph_third_derivative_of_cube():
    x = leaf(2.0)
    y = x ** 3
    d1, = tg.grad(y, x, create_graph=True)
    assert d1.item() == pytest.approx(12.0) and d1.requires_grad   # 3x²
    d2, = tg.grad(d1, x, create_graph=True)
    assert d2.item() == pytest.approx(12.0)                        # 6x
    d3, = tg.grad(d2, x)
    assert d3.item() == pytest.approx(6.0)                         # 6
    assert not d3.requires_grad


def test_backward_create_graph_gives_differentiable_grad():
    x = leaf([1.0, 2.0])
    (x.sin() * x).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    xs = np.array([1.0, 2.0])
    np.testing.assert_allclose(g.numpy(), np.cos(xs) * xs + np.sin(xs))
    second, = tg.grad(g.sum(), x)
    np.testing.assert_allclose(second.numpy(), -np.sin(xs) * xs + 2 * np.cos(xs))


def test_hessian_vector_product():
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = leaf([1.0, -1.0])
    f = (x @ tg.tensor(a) @ x) / 2   # ∇f = A x, Hessian = A
    g, = tg.grad(f, x, create_graph=True)
    v = tg.tensor([1.0, 2.0])
    hv, = tg.grad((g * v).sum(), x)
    np.testing.assert_allclose(hv.numpy(), a @ v.numpy())


def test_second_derivative_through_sigmoid_and_tanh():
    x = leaf([0.3, -1.2])
    s = x.sigmoid()
    g, = tg.grad(s.sum(), x, create_graph=True)
    gg, = tg.grad(g.sum(), x)
    sig = 1 / (1 + np.exp(-np.array([0.3, -1.2])))
    np.testing.assert_allclose(gg.numpy(), sig * (1 - sig) * (1 - 2 * sig))


# ---- tg.grad -----------------------------------------------------------------------------

def test_grad_does_not_touch_dot_grad():
    x = leaf([1.0, 2.0])
    g, = tg.grad((x * x).sum(), x)
    assert g.tolist() == [2.0, 4.0]
    assert x.grad is None


def test_grad_several_inputs_and_outputs():
    x, y = leaf([1.0, 2.0]), leaf(3.0)
    a = (x * y).sum()
    b = (x * x).sum()
    gx, gy = tg.grad([a, b], [x, y])
    assert gx.tolist() == [3.0 + 2.0, 3.0 + 4.0] and gy.item() == 3.0


def test_grad_allow_unused():
    x, z = leaf([1.0]), leaf([2.0])
    gx, gz = tg.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gx.tolist() == [2.0] and gz is None
    with pytest.raises(RuntimeError, match="allow_unused"):
        tg.grad((x * 2).sum(), [x, z])


def test_grad_outputs():
    x = leaf([1.0, 2.0])
    y = x * x
    g, = tg.grad(y, x, grad_outputs=tg.tensor([10.0, 100.0]))
    assert g.tolist() == [20.0, 400.0]
    with pytest.raises(RuntimeError, match="shape"):
        tg.grad(x * x, x)  # non-scalar output without grad_outputs


def test_grad_with_respect_to_non_leaf():
    x = leaf([1.0, 2.0])
    y = x * 3
    z = (y * y).sum()
    gy, gx = tg.grad(z, [y, x])
    assert gy.tolist() == [6.0, 12.0]      # 2y
    assert gx.tolist() == [18.0, 36.0]     # 2y·3
    with pytest.warns(UserWarning, match="not a leaf"):  # (y is not a leaf: as in PyTorch)
        assert y.grad is None
    assert x.grad is None


def test_grad_retain_graph_semantics():
    x = leaf(2.0)
    y = x * x
    tg.grad(y, x, retain_graph=True)
    g, = tg.grad(y, x)
    assert g.item() == 4.0
    with pytest.raises(RuntimeError, match="retain_graph"):
        tg.grad(y, x)


def test_grad_input_must_require_grad():
    x = leaf(1.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.grad(x * 2, tg.tensor(1.0))


# ---- hooks, retain_grad -------------------------------------------------------------------

def test_hook_on_leaf_replaces_grad():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    x.register_hook(lambda g: g * 10)
    (x * 3).sum().backward()
    assert seen == [[3.0, 3.0]]
    assert x.grad.tolist() == [30.0, 30.0]


def test_hook_on_non_leaf_changes_what_flows_back():
    x = leaf([1.0, 2.0])
    y = x * 2
    seen = []

    def double(g):
        seen.append(g.tolist())
        return g * 2

    handle = y.register_hook(double)
    (y * y).sum().backward()
    assert seen == [[4.0, 8.0]]                    # dL/dy = 2y
    assert x.grad.tolist() == [16.0, 32.0]         # doubled, times dy/dx = 2
    handle.remove()
    x.grad = None
    y2 = x * 2
    (y2 * y2).sum().backward()
    assert x.grad.tolist() == [8.0, 16.0]
    assert len(seen) == 1


def test_hook_handle_remove_on_leaf():
    x = leaf([1.0])
    handle = x.register_hook(lambda g: g * 0)
    handle.remove()
    handle.remove()  # twice is harmless
    (x * 5).sum().backward()
    assert x.grad.tolist() == [5.0]


def test_hook_sees_summed_gradient_once():
    x = leaf([1.0])
    y = x * 1
    calls = []
    y.register_hook(lambda g: calls.append(g.item()))
    (y * 2 + y * 3).sum().backward()
    assert calls == [5.0]


def test_leaf_hook_sees_the_total_gradient_once():
    x = leaf([1.0])
    calls = []
    x.register_hook(lambda g: calls.append(g.item()))
    x.register_hook(lambda g: g.clamp(-1.0, 1.0))   # a nonlinear hook: clip(3) + clip(2) != clip(5)
    (x * 2 + x * 3).sum().backward()
    assert calls == [5.0]
    assert x.grad.tolist() == [1.0]
    calls.clear()
    g, = tg.grad((x * 2 + x * 3).sum(), x)
    assert calls == [5.0] and g.tolist() == [1.0]


def test_leaf_hook_against_pytorch():
    torch = pytest.importorskip("torch")
    x, xt = leaf([0.5, -2.0]), torch.tensor([0.5, -2.0], dtype=torch.float64, requires_grad=True)
    for t, clamp in ((x, lambda g: g.clamp(-1.0, 1.0)), (xt, lambda g: g.clamp(-1.0, 1.0))):
        t.register_hook(clamp)
        (t * t * 3 + t.exp()).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())


def test_hooks_also_run_in_tg_grad():
    x = leaf([1.0])
    x.register_hook(lambda g: g + 1)
    g, = tg.grad((x * 2).sum(), x)
    assert g.tolist() == [3.0]


def test_register_hook_needs_grad():
    with pytest.raises(RuntimeError, match="require grad"):
        tg.tensor([1.0]).register_hook(lambda g: g)


def test_retain_grad_on_non_leaf():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * 3
    y.retain_grad()
    z.sum().backward()
    assert y.grad.tolist() == [3.0, 3.0]
    with pytest.warns(UserWarning, match="retain_grad"):  # not retained: reading it warns, as in PyTorch
        assert z.grad is None
    x.retain_grad()        # harmless on a leaf
    with pytest.raises(RuntimeError, match="require grad"):
        tg.tensor([1.0]).retain_grad()


def test_retain_grad_accumulates_and_sees_hooked_grad():
    x = leaf([1.0])
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    z = y * 3
    z.sum().backward(retain_graph=True)
    assert y.grad.tolist() == [30.0]
    z.sum().backward()
    assert y.grad.tolist() == [60.0]


# ---- grad mode ---------------------------------------------------------------------------

def test_no_grad_context_manager():
    x = leaf([1.0])
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        y = x * 2
        with tg.enable_grad():
            assert tg.is_grad_enabled()
            z = x * 2
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_restored_after_exception():
    with pytest.raises(ZeroDivisionError):
        with tg.no_grad():
            1 / 0
    assert tg.is_grad_enabled()


def test_no_grad_and_enable_grad_as_decorators():
    x = leaf([1.0])

    @tg.no_grad()
    def evaluate(t):
        return t * 2, tg.is_grad_enabled()

    @tg.enable_grad()
    def train(t):
        return t * 2

    y, enabled = evaluate(x)
    assert not y.requires_grad and not enabled
    assert tg.is_grad_enabled()
    with tg.no_grad():
        assert train(x).requires_grad
    assert evaluate.__name__ == "evaluate"


def test_decorators_without_parentheses_like_pytorch():
    x = leaf([1.0])

    @tg.no_grad
    def evaluate(t):
        return t * 2

    @tg.enable_grad
    def train(t):
        return t * 2

    assert not evaluate(x).requires_grad and evaluate.__name__ == "evaluate"
    with tg.no_grad():
        assert train(x).requires_grad
    assert tg.is_grad_enabled()


def test_set_grad_enabled():
    x = leaf([1.0])
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    with tg.set_grad_enabled(True):
        assert (x * 2).requires_grad


def test_set_grad_enabled_as_a_call_takes_effect_at_once():
    """PyTorch's own docstring example: `torch.set_grad_enabled(False)` without `with` turns
    recording off until it is turned on again (it used to wait for a `with`)."""
    x = leaf([1.0])
    try:
        tg.set_grad_enabled(False)
        assert not tg.is_grad_enabled() and not (x * 2).requires_grad
        tg.set_grad_enabled(True)
        assert (x * 2).requires_grad
        with tg.no_grad():  # a `with` restores the mode from before the call
            with tg.set_grad_enabled(True):
                assert (x * 2).requires_grad
            assert not tg.is_grad_enabled()

        @tg.set_grad_enabled(False)  # as a decorator it changes nothing until called
        def evaluate(t):
            return t * 2

        assert tg.is_grad_enabled()
        assert not evaluate(x).requires_grad and tg.is_grad_enabled()
    finally:
        tg.set_grad_enabled(True)


def test_grad_mode_is_per_thread():
    x = leaf([1.0])
    inside = threading.Event()
    checked = threading.Event()
    result = {}

    def worker():
        with tg.no_grad():
            inside.set()
            checked.wait(5)
            result["worker"] = (x * 2).requires_grad

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(5)
    result["main"] = (x * 2).requires_grad, tg.is_grad_enabled()  # while the worker is in no_grad
    checked.set()
    thread.join(5)
    assert result == {"main": (True, True), "worker": False}


def test_new_thread_starts_with_grad_enabled():
    result = []
    with tg.no_grad():
        thread = threading.Thread(target=lambda: result.append(tg.is_grad_enabled()))
        thread.start()
        thread.join(5)
    assert result == [True]


# ---- anomaly mode --------------------------------------------------------------------------

def test_detect_anomaly_names_op_and_forward_line():
    x = leaf([0.0, 1.0])
    with tg.detect_anomaly():
        y = x.sqrt()  # the line the message must show
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
    message = str(info.value)
    assert "SqrtBackward" in message
    assert "nan" in message or "inf" in message
    assert "test_autograd.py" in message
    assert "y = x.sqrt()" in message


def test_detect_anomaly_zero_times_log_zero():
    x = leaf([0.0, 2.0])
    with tg.detect_anomaly():
        y = x * x.log()
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
    assert "LogBackward" in str(info.value) or "MulBackward" in str(info.value)
    assert "y = x * x.log()" in str(info.value)


def test_without_anomaly_mode_nan_passes_silently():
    x = leaf([0.0])
    with np.errstate(divide="ignore"):
        x.sqrt().sum().backward()
    assert np.isinf(x.grad.item())
    assert not tg.is_anomaly_enabled()


def test_detect_anomaly_restores_state():
    with tg.detect_anomaly():
        assert tg.is_anomaly_enabled()
    assert not tg.is_anomaly_enabled()


# ---- custom Functions ----------------------------------------------------------------------

class Cube(tg.Function):
    """x³ with backward 3x²·g in Tensor ops, so it can be differentiated again."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data ** 3

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * 3 * x * x


class ScaledPower(tg.Function):
    """scale·x^p with a non-tensor power and scale; backward returns only x's gradient."""

    @staticmethod
    def forward(ctx, x, power, scale=1.0):
        ctx.save_for_backward(x)
        ctx.power, ctx.scale = power, scale
        return tg.tensor(scale * x.data ** power)  # a Tensor result is fine too

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * ctx.scale * ctx.power * x ** (ctx.power - 1)  # trailing Nones left out


class MulAdd(tg.Function):
    """a·b + c, recording needs_input_grad seen in backward."""

    seen: list = []

    @staticmethod
    def forward(ctx, a, b, c):
        ctx.save_for_backward(a, b)
        return a.data * b.data + c.data

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        MulAdd.seen.append(ctx.needs_input_grad)
        need_a, need_b, need_c = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None), (grad if need_c else None)


def test_custom_function_forward_backward():
    x = leaf([1.0, -2.0])
    y = Cube.apply(x)
    assert y.tolist() == [1.0, -8.0]
    assert y.grad_fn.name() == "CubeBackward"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 12.0]


def test_custom_function_double_backward():
    x = leaf(2.0)
    d1, = tg.grad(Cube.apply(x), x, create_graph=True)
    d2, = tg.grad(d1, x)
    assert d1.item() == 12.0 and d2.item() == 12.0


def test_custom_function_gradcheck_and_gradgradcheck():
    x = leaf(np.random.default_rng(0).standard_normal((2, 3)))
    assert tg.gradcheck(Cube.apply, (x,))
    assert tg.gradgradcheck(Cube.apply, (x,))
    assert tg.gradcheck(lambda t: ScaledPower.apply(t, 3, 0.5), (x,))


def test_custom_function_non_tensor_args_and_omitted_trailing_nones():
    x = leaf([2.0])
    y = ScaledPower.apply(x, 3, 0.5)
    assert y.tolist() == [4.0]
    y.backward(tg.ones(1))
    assert x.grad.tolist() == [6.0]


def test_custom_function_needs_input_grad():
    MulAdd.seen.clear()
    a, b, c = leaf([1.0]), tg.tensor([2.0]), leaf([3.0])
    out = MulAdd.apply(a, b, c)
    assert out.tolist() == [5.0]
    out.sum().backward()
    assert MulAdd.seen == [(True, False, True)]
    assert a.grad.tolist() == [2.0] and c.grad.tolist() == [1.0] and b.grad is None


def test_custom_function_broadcasting_is_reduced_by_engine():
    a, b, c = leaf(np.ones((2, 3))), leaf(np.full((3,), 2.0)), leaf(1.0)
    MulAdd.apply(a, b, c).sum().backward()
    assert b.grad.shape == (3,) and b.grad.tolist() == [2.0, 2.0, 2.0]
    assert c.grad.shape == () and c.grad.item() == 6.0


def test_custom_function_without_grad_inputs_records_nothing():
    y = Cube.apply(tg.tensor([2.0]))
    assert y.grad_fn is None and not y.requires_grad
    with tg.no_grad():
        assert Cube.apply(leaf([2.0])).grad_fn is None


def test_custom_function_returning_its_input_gives_a_new_tensor():
    class Twice(tg.Function):  # identity forward, gradient doubled
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    x = leaf([1.0, 2.0])
    y = Twice.apply(x)
    assert y is not x and x.grad_fn is None and y.grad_fn.name() == "TwiceBackward"
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_custom_function_forward_may_use_tensor_ops():
    class ExpSquare(tg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return (x * x).exp()  # not recorded: forward runs with grad mode off

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 2 * x * (x * x).exp()

    x = leaf([0.3, -0.2])
    y = ExpSquare.apply(x)
    assert y.grad_fn.name() == "ExpSquareBackward" and y.grad_fn.next_functions[0][0].variable is x
    assert tg.gradcheck(ExpSquare.apply, (x,)) and tg.gradgradcheck(ExpSquare.apply, (x,))


def test_custom_function_too_many_gradients_is_an_error():
    class TwoGrads(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return x.data * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2, grad

    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="TwoGradsBackward.*2 gradients"):
        TwoGrads.apply(x).sum().backward()


def test_custom_function_wrong_gradient_shape_is_an_error():
    class BadShape(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return x.data.sum()

        @staticmethod
        def backward(ctx, grad):
            return tg.ones(5)

    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"BadShapeBackward.*\(5,\).*\(2,\)"):
        BadShape.apply(x).backward()


def test_custom_function_several_outputs():
    class SplitHalves(tg.Function):
        @staticmethod
        def forward(ctx, x):
            n = x.shape[0] // 2
            return x.data[:n] * 1.0, x.data[n:] * 2.0

        @staticmethod
        def backward(ctx, g1, g2):
            return tg.cat([g1, g2 * 2])

    x = leaf([1.0, 2.0, 3.0, 4.0])
    a, b = SplitHalves.apply(x)
    assert a.tolist() == [1.0, 2.0] and b.tolist() == [6.0, 8.0]
    b.sum().backward()  # the unused output's gradient arrives as zeros
    assert x.grad.tolist() == [0.0, 0.0, 2.0, 2.0]


def test_saved_tensors_after_release_raise():
    x = leaf([1.0])
    y = Cube.apply(x)
    node = y.grad_fn
    y.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        node.saved_tensors


# ---- in-place checks ------------------------------------------------------------------------

def test_in_place_change_of_saved_tensor_makes_backward_raise():
    x = leaf([1.0, 2.0])
    a = x * 1
    b = a * a        # saves a
    a.add_(1)
    with pytest.raises(RuntimeError) as info:
        b.sum().backward()
    assert "MulBackward" in str(info.value) and "in-place" in str(info.value)
    assert "version" in str(info.value)


def test_in_place_change_of_saved_output_makes_backward_raise():
    x = leaf([1.0, 2.0])
    y = x.exp()      # saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match="ExpBackward.*in-place"):
        y.sum().backward()


def test_setitem_on_saved_tensor_makes_backward_raise():
    x = leaf([1.0, 2.0])
    a = x * 1
    b = a.sin()
    a[0] = 5.0
    with pytest.raises(RuntimeError, match="SinBackward"):
        b.sum().backward()


def test_in_place_change_of_unsaved_tensor_is_fine():
    x = leaf([1.0, 2.0])
    a = x + 1        # add saves nothing
    b = a + 1
    a.mul_(3)
    b.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_in_place_on_leaf_requiring_grad_raises_unless_no_grad():
    w = leaf([1.0])
    for op in (lambda: w.add_(1), lambda: w.mul_(2), lambda: w.zero_(), lambda: w.fill_(1.0),
               lambda: w.__setitem__(0, 3.0)):
        with pytest.raises(RuntimeError, match="leaf"):
            op()
    assert w.tolist() == [1.0] and w._version == 0
    with tg.no_grad():
        w.add_(1)
        w[0] = w[0] * 4
    assert w.tolist() == [8.0]


def test_version_counter_counts_each_in_place_op():
    t = tg.zeros(3)
    for i, op in enumerate([lambda: t.add_(1), lambda: t.sub_(1), lambda: t.mul_(2), lambda: t.div_(2),
                            lambda: t.zero_(), lambda: t.fill_(3), lambda: t.__setitem__(0, 1.0)], start=1):
        op()
        assert t._version == i


# ---- detach, requires_grad_, is_leaf, grad_fn --------------------------------------------

def test_detach_cuts_graph_and_shares_data():
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.data, y.data)
    (d * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]  # d is a constant: no gradient through y


def test_requires_grad_flag_and_is_leaf():
    t = tg.tensor([1.0])
    assert not t.requires_grad and t.is_leaf
    assert t.requires_grad_() is t and t.requires_grad
    t.requires_grad_(False)
    assert not t.requires_grad
    y = leaf([1.0]) * 2
    assert not y.is_leaf and y.requires_grad
    with pytest.raises(RuntimeError, match="detach"):
        y.requires_grad_(False)
    with tg.no_grad():
        z = leaf([1.0]) * 2
    assert z.is_leaf and not z.requires_grad


def test_grad_fn_name_and_next_functions():
    x, y = leaf([1.0]), leaf([2.0])
    z = x * y + 3
    assert z.grad_fn.name() == "AddBackward0"  # PyTorch's name
    (mul_node, nr), = z.grad_fn.next_functions  # a Python number is no input, as in PyTorch
    assert mul_node.name() == "MulBackward0" and nr == 0
    (_, _), (const, _) = (x * y + tg.tensor(3.0)).grad_fn.next_functions  # a constant tensor is
    assert const is None
    (acc_x, _), (acc_y, _) = mul_node.next_functions
    assert acc_x.name() == "AccumulateGrad" and acc_x.variable is x and acc_y.variable is y
    assert acc_x.next_functions == ()
    assert repr(z.grad_fn) == f"<AddBackward0 object at {hex(id(z.grad_fn))}>"  # PyTorch's form


@pytest.mark.parametrize("make, name", [
    (lambda x: x - 1, "SubBackward0"), (lambda x: x / 2, "DivBackward0"), (lambda x: x ** 2, "PowBackward0"),
    (lambda x: -x, "NegBackward0"), (lambda x: x.exp(), "ExpBackward0"), (lambda x: x.sum(), "SumBackward0"),
    (lambda x: x.mean(), "MeanBackward0"), (lambda x: x.max(), "MaxBackward0"),
    (lambda x: x.reshape(2, 1), "ViewBackward0"), (lambda x: x[0], "SelectBackward0"),
    (lambda x: x[1:], "SliceBackward0"), (lambda x: x[[1, 0]], "IndexBackward0"),
    (lambda x: x[None], "UnsqueezeBackward0"),
    (lambda x: x.reshape(1, 2) @ x.reshape(2, 1), "MmBackward0"), (lambda x: x.relu(), "ReluBackward0"),
    (lambda x: x.reshape(1, 2).sum(1), "SumBackward1"), (lambda x: x.float(), "ToCopyBackward0"),
    (lambda x: x.clamp(0, 1), "ClampBackward1"),
    (lambda x: x ** x, "PowBackward1"), (lambda x: tg.stack([x, x]), "StackBackward0"),
])
def test_grad_fn_names(make, name):
    """PyTorch's names (checked against torch 2.13 where it is installed)."""
    assert make(leaf([1.0, 2.0])).grad_fn.name() == name


def test_nodes_are_numbered_in_creation_order():
    x = leaf([1.0])
    a = x * 2
    b = a + 1
    c = b.exp()
    assert a.grad_fn.seq < b.grad_fn.seq < c.grad_fn.seq


def test_constant_op_result_is_a_leaf_without_grad():
    y = tg.tensor([1.0]) * 2
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


# ---- in-place through views: views share their base's version counter -----------------------


def test_in_place_on_a_view_of_a_leaf_that_requires_grad_raises():
    x = leaf([1.0, 2.0, 3.0])
    view = x[0:2]
    with pytest.raises(RuntimeError, match="view of a leaf"):
        view.add_(1)  # PyTorch: "a view of a leaf Variable that requires grad is being used in an in-place operation"


def test_in_place_on_a_recorded_view_rebases_its_base_as_pytorch_does():
    x = leaf([1.0, 2.0, 3.0])
    a = x * 1
    a[0:2].mul_(2)  # a = [2x0, 2x1, x2]: a's history now goes through the in-place op
    (a * leaf([1.0, 10.0, 100.0])).sum().backward()
    assert a.tolist() == [2.0, 4.0, 3.0] and x.grad.tolist() == [2.0, 20.0, 100.0]


def test_in_place_on_a_reshaped_or_permuted_view_rebases_its_base():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    a = x * 1
    a.reshape(2, 2).mul_(leaf([[1.0, 2.0], [3.0, 4.0]]))  # a = x * [1, 2, 3, 4]
    a.reshape(2, 2).T.add_(1)
    (a * leaf([1.0, 10.0, 100.0, 1000.0])).sum().backward()
    assert a.tolist() == [2.0, 5.0, 10.0, 17.0] and x.grad.tolist() == [1.0, 20.0, 300.0, 4000.0]
    c = tg.zeros(4)
    c.reshape(2, 2).add_(x.reshape(2, 2))  # a constant's view, changed by a tensor that requires grad
    assert c.requires_grad and c.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_in_place_on_an_expanded_view_refuses():
    a = leaf([1.0, 2.0]) * 1
    with pytest.raises(RuntimeError, match="view of another tensor"):
        a.unsqueeze(0).expand(3, 2).mul_(2)


def test_in_place_through_a_view_of_a_saved_tensor_makes_backward_raise():
    x = leaf([1.0, 2.0, 3.0])
    a = x * 1
    b = a.sin()              # saves a
    with tg.no_grad():
        a[0:2].add_(1)       # changes a's memory through a view
    with pytest.raises(RuntimeError, match="in-place"):
        b.sum().backward()


@pytest.mark.parametrize("make_view", [lambda a: a.reshape(2, 1), lambda a: a.unsqueeze(0).expand(3, 2),
                                       lambda a: a.permute(0), lambda a: a[::2]])
def test_every_view_op_shares_the_version_counter(make_view):
    a = tg.tensor([1.0, 2.0])
    view = make_view(a)
    a.add_(1)  # a change through the base is a change of the view's memory too
    assert view._version == a._version == 1


def test_a_copy_made_by_advanced_indexing_does_not_share_the_counter():
    a = tg.tensor([1.0, 2.0, 3.0])
    copy = a[[0, 1]]
    copy.add_(1)
    assert a._version == 0 and a.tolist() == [1.0, 2.0, 3.0]


def test_in_place_on_a_detached_alias_of_a_saved_tensor_makes_backward_raise():
    x = leaf([1.0, 2.0])
    a = x * 1
    b = a * a                # saves a
    a.detach().add_(1)       # same memory as a (PyTorch shares the version counter too)
    with pytest.raises(RuntimeError, match="in-place"):
        b.sum().backward()


# ---- second derivatives against PyTorch ---------------------------------------------------

SECOND_ORDER_CASES = {
    "poly": (lambda x: (x ** 3 - 2 * x * x + x).sum(), lambda x: (x ** 3 - 2 * x * x + x).sum()),
    "trig": (lambda x: (x.sin() * x.cos() + x.tanh()).sum(), lambda x: (x.sin() * x.cos() + x.tanh()).sum()),
    "exp_log_sqrt": (lambda x: ((x * x + 1).log() + (x * x + 1).sqrt() + (-x).exp()).sum(),
                     lambda x: ((x * x + 1).log() + (x * x + 1).sqrt() + (-x).exp()).sum()),
    "sigmoid_div": (lambda x: (x.sigmoid() / (x * x + 2)).sum(), lambda x: (x.sigmoid() / (x * x + 2)).sum()),
    "matmul": (lambda x: (x.reshape(2, 3) @ x.reshape(3, 2)).tanh().sum(),
               lambda x: (x.reshape(2, 3) @ x.reshape(3, 2)).tanh().sum()),
    "reductions": (lambda x: x.reshape(2, 3).logsumexp(1).sum() + x.var() + x.mean() ** 2,
                   lambda x: x.reshape(2, 3).logsumexp(1).sum() + x.var() + x.mean() ** 2),
    "indexing": (lambda x: (x[[0, 0, 5]] ** 2).sum() * x[1:4].sum(),
                 lambda x: (x[[0, 0, 5]] ** 2).sum() * x[1:4].sum()),
}


@pytest.mark.parametrize("case", sorted(SECOND_ORDER_CASES))
def test_hessian_vector_products_against_pytorch(case):
    torch = pytest.importorskip("torch")
    ours, theirs = SECOND_ORDER_CASES[case]
    data = np.random.default_rng(5).uniform(-1.5, 1.5, 6)
    v = np.random.default_rng(6).standard_normal(6)
    x = leaf(data)
    g, = tg.grad(ours(x), x, create_graph=True)
    hv, = tg.grad((g * tg.tensor(v)).sum(), x)
    xt = torch.tensor(data, requires_grad=True)
    gt, = torch.autograd.grad(theirs(xt), xt, create_graph=True)
    hvt, = torch.autograd.grad((gt * torch.tensor(v)).sum(), xt)
    np.testing.assert_allclose(g.numpy(), gt.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hv.numpy(), hvt.numpy(), rtol=1e-9, atol=1e-12)


def test_a_saved_python_number_is_kept_as_its_array():
    """x * 0.5 saves 0.5 for the gradient of x as a plain array: the saved tuple then holds no
    Python objects and the garbage collector stops scanning it (bench/memory.py), while first and
    second derivatives are unchanged."""
    import gc

    x = tg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * 0.5
    saved = y.grad_fn._saved
    assert any(s.__class__ is np.ndarray for s in saved)
    gc.collect()
    assert not gc.is_tracked(saved)
    (g,) = tg.grad((y * y).sum(), [x], create_graph=True)
    np.testing.assert_allclose(g.numpy(), 0.5 * x.numpy())
    (gg,) = tg.grad(g.sum(), [x])
    np.testing.assert_allclose(gg.numpy(), [0.5, 0.5, 0.5])
    assert tg.gradgradcheck(lambda t: (t * 0.5) * (2.0 / t), (tg.tensor([1.5, -0.7], dtype=np.float64,
                                                                    requires_grad=True),))


def test_an_edge_to_output_zero_is_the_node_itself():
    """next_functions still gives PyTorch's (node, output_nr) pairs for every kind of edge."""
    from tinygrad_edu.autograd.function import Node, edge_source

    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    y = (x * 2).sum() + values.sum()
    add = y.grad_fn
    assert all(isinstance(e, Node) for e in add.edges)
    assert [nr for _, nr in add.next_functions] == [0, 0]
    cell = nn.TreeLSTMCell(2, dtype=np.float64)  # one node with two outputs, (h, c)
    h, c = cell((x, x), (x, x))
    z = h * c
    mul = z.grad_fn
    assert isinstance(mul.edges[0], Node) and mul.edges[1] == (h.grad_fn, 1)  # output 1: a pair
    assert [edge_source(e) for e in mul.edges] == [(h.grad_fn, 0), (h.grad_fn, 1)]
    assert [nr for _, nr in mul.next_functions] == [0, 1]
    z.sum().backward()
    assert x.grad is not None


def test_backward_with_inputs_does_not_share_the_given_gradient():
    """tg.autograd.backward(..., inputs=) sums into .grad like backward(): the first gradient is
    copied, so a later accumulation does not write into the tensor the caller passed in."""
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    g = tg.ones(2)
    tg.autograd.backward([x * 1], [g], inputs=[x])
    (x * 1).sum().backward()
    np.testing.assert_array_equal(g.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_grad_mode_decorators_keep_their_mode():
    x = tg.tensor([1.0], requires_grad=True)

    @tg.inference_mode(False)
    def records():
        return (x * 2).requires_grad

    @tg.set_grad_enabled(False)
    def does_not_record():
        return (x * 2).requires_grad

    assert records() and not does_not_record() and tg.is_grad_enabled()


def test_grad_fn_names_are_pytorchs():
    torch = pytest.importorskip("torch")
    ours = leaf([[1.0, 2.0], [3.0, 4.0]])
    theirs = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    weight, bias = np.ones((3, 2)), np.ones(3)
    for make in (lambda m, x: x[0], lambda m, x: x[:, 1], lambda m, x: x[0, 1:], lambda m, x: x[1:],
                 lambda m, x: x.view(4), lambda m, x: x.sum(1), lambda m, x: x.sum(), lambda m, x: x @ x,
                 lambda m, x: x ** 2, lambda m, x: x.clamp(0, 3), lambda m, x: m.stack([x, x]),
                 lambda m, x: m.nn.functional.linear(x, m.tensor(weight), m.tensor(bias)),
                 lambda m, x: m.nn.functional.linear(x, m.tensor(weight)),
                 lambda m, x: m.nn.functional.mse_loss(x, m.zeros(2, 2, dtype=m.float64)),
                 lambda m, x: m.nn.functional.cross_entropy(x, m.tensor([0, 1]))):
        assert make(tg, ours).grad_fn.name() == make(torch, theirs).grad_fn.name()


def test_a_node_with_one_gradient_edge_keeps_no_tuple_of_edges():
    """A node whose only gradient goes along argument 0 (y + 1, y * 0.5, tanh) keeps that edge
    itself: a tuple holding a node would be one more object for the cyclic GC to scan on every
    full collection (bench/memory.py). edges, next_functions and backward read the same.
    (A tanh node also tracks its output's version counter, a list: 2 objects, not 3.)"""
    import gc

    x = tg.tensor([1.0, -2.0], dtype=np.float64, requires_grad=True)
    value, slope = x.numpy().copy(), np.ones(2)  # the chain and its derivative, by hand
    y = x
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        for i in range(300):
            if i % 3 == 0:
                y = y + 1.0
                value = value + 1.0
            elif i % 3 == 1:
                y = y * 0.5
                value, slope = value * 0.5, slope * 0.5
            else:
                y = y.tanh()
                value, slope = np.tanh(value), slope * (1 - np.tanh(value) ** 2)
        gc.collect(0)  # (tuples of shapes and numbers stop being tracked at their first scan)
        per_op = (len(gc.get_objects()) - before) / 300
    finally:
        gc.enable()
    assert per_op < 1.4  # 1, 1 and 2 for +, * and tanh; with a tuple of edges 2, 2 and 3
    y.sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), value, rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), slope, rtol=1e-12)

    a = x + 1.0  # one gradient edge, to a leaf
    assert a.grad_fn.edges == (x, None)
    assert [type(f).__name__ for f, _ in a.grad_fn.next_functions] == ["AccumulateGrad"]  # (1.0: no tensor)
    b = a.tanh()  # one gradient edge, to a node
    assert b.grad_fn.edges == (a.grad_fn,)
    c = a * x  # two gradient edges: a tuple
    assert c.grad_fn.edges == (a.grad_fn, x)
    d = tg.tensor([3.0, 4.0], dtype=np.float64) * a  # one gradient edge, but argument 1's
    assert d.grad_fn.edges == (None, a.grad_fn)
    (ga,) = tg.grad((b + c + d).sum(), [a])
    np.testing.assert_allclose(ga.numpy(), 1 - np.tanh(a.detach().numpy()) ** 2 + x.detach().numpy() + [3, 4])
