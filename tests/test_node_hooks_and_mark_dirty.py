"""Hooks on graph nodes (`grad_fn.register_prehook` / `register_hook`), `ctx.mark_dirty`, and
refusing to save inference tensors for backward -- PyTorch's behaviour, from its "Autograd
mechanics" and "Extending PyTorch" notes."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg


def leaf(values):
    return tg.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


# ---- node hooks -------------------------------------------------------------------------------
def test_hook_order_tensor_hook_then_prehook_then_hook():
    order = []
    a = leaf([1.0, 2.0])
    b = a * tg.tensor([3.0, 4.0])
    b.register_hook(lambda g: order.append("tensor"))
    b.grad_fn.register_prehook(lambda outs: order.append(("pre", [g.tolist() for g in outs])))
    b.grad_fn.register_hook(lambda ins, outs: order.append(
        ("post", [None if g is None else g.tolist() for g in ins], [g.tolist() for g in outs])))
    b.sum().backward()
    # grad_inputs: one per tensor input, None for the constant (as PyTorch's (tensor, None))
    assert order == ["tensor", ("pre", [[1.0, 1.0]]), ("post", [[3.0, 4.0], None], [[1.0, 1.0]])]
    assert a.grad.tolist() == [3.0, 4.0]


def test_hooks_replace_gradients_and_can_be_removed():
    c = leaf([1.0, 2.0])
    d = c.exp()
    handle = d.grad_fn.register_hook(lambda ins, outs: (tg.ones_like(ins[0]),))
    d.sum().backward()
    assert c.grad.tolist() == [1.0, 1.0]
    handle.remove()
    c.grad = None
    e = c.exp()
    e.grad_fn.register_prehook(lambda outs: (outs[0] * 10,))
    e.sum().backward()
    np.testing.assert_allclose(c.grad.data, 10 * np.exp([1.0, 2.0]))


def test_hook_returning_the_wrong_number_of_gradients_is_named():
    x = leaf([1.0])
    y = x.exp()
    y.grad_fn.register_hook(lambda ins, outs: (ins[0], ins[0]))
    with pytest.raises(RuntimeError, match="incorrect number of values \\(got 2, but expected 1\\)"):
        y.sum().backward()


def test_prehook_of_a_multi_output_node_sees_none_for_an_unused_output():
    s = leaf([[1.0, 2.0], [3.0, 4.0]])
    seen = []
    first, second = s.unbind(0) if False else tg.unbind(s, 0)  # noqa: SIM108
    node = first.grad_fn
    node.register_prehook(lambda outs: seen.append([None if g is None else g.tolist() for g in outs]))
    first.sum().backward()
    assert seen and seen[0][0] == [1.0, 1.0]
    assert s.grad.tolist() == [[1.0, 1.0], [0.0, 0.0]]


def test_node_hooks_under_create_graph_and_tg_grad():
    x = leaf([2.0])
    y = x * x
    y.grad_fn.register_hook(lambda ins, outs: tuple(None if g is None else 2 * g for g in ins))
    (g,) = tg.grad(y.sum(), [x], create_graph=True)
    assert g.tolist() == [8.0]  # the hook doubled both halves of 2x: 2·x + 2·x at x = 2 (as PyTorch)
    (gg,) = tg.grad(g.sum(), [x])
    assert gg.tolist() == [4.0]


# ---- mark_dirty -------------------------------------------------------------------------------
class AddOneInPlace(tg.Function):
    @staticmethod
    def forward(ctx, x):
        x.data += 1  # changed in place...
        ctx.mark_dirty(x)  # ...and said so
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad


def test_mark_dirty_returns_the_input_itself_with_new_history():
    a = leaf([1.0, 2.0]).clone()
    version = a._version
    out = AddOneInPlace.apply(a)
    assert out is a and a._version == version + 1
    assert a.grad_fn is not None and a.grad_fn.name() == "AddOneInPlaceBackward"
    root = leaf([5.0])
    b = root * 1.0
    AddOneInPlace.apply(b)
    (b * 3).sum().backward()
    assert root.grad.tolist() == [3.0]


def test_mark_dirty_makes_earlier_uses_of_the_old_value_raise():
    """The notes' example: b = a * a saved a; changing a in place without telling autograd would
    give a wrong gradient; with mark_dirty, backward through b refuses instead."""
    a = leaf([1.0]).clone()
    b = a * a
    AddOneInPlace.apply(a)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        b.backward()


def test_mark_dirty_on_a_leaf_that_requires_grad_raises_and_works_without_grad():
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        AddOneInPlace.apply(x)  # (forward has run by then: x is 2, as in PyTorch)
    with tg.no_grad():
        assert AddOneInPlace.apply(x) is x
    assert x.tolist() == [3.0] and x.grad_fn is None


def test_mark_dirty_of_a_saved_input_keeps_the_changed_value():
    class DoubleInPlace(tg.Function):
        @staticmethod
        def forward(ctx, x):
            x.data *= 2
            ctx.mark_dirty(x)
            ctx.save_for_backward(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors  # the saved value is the changed one: no version error
            return grad * 2 + 0 * x

    root = leaf([3.0])
    y = root * 1.0
    DoubleInPlace.apply(y)
    y.sum().backward()
    assert root.grad.tolist() == [2.0]


class AddOneTimesThree(tg.Function):
    """Adds 1 in place; its (deliberately odd) derivative is 3, so the tests see which path a
    gradient took."""

    @staticmethod
    def forward(ctx, x):
        x.data += 1
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad * 3


def test_mark_dirty_on_a_view_changes_its_base_as_an_in_place_op_would():
    """As PyTorch: the view takes the Function's output as its history, and its base becomes
    "base with the view's elements replaced by that output" -- so gradients through the base pass
    the Function's backward where the view lies, and go straight through elsewhere."""
    root = tg.tensor([1.0, 2.0, 3.0, 4.0], dtype=tg.float64, requires_grad=True)
    a = root * 2
    v = a[1:3]
    assert AddOneTimesThree.apply(v) is v
    assert a.tolist() == [2.0, 5.0, 7.0, 8.0] and v.tolist() == [5.0, 7.0]
    (a * tg.tensor([1.0, 10.0, 100.0, 1000.0], dtype=tg.float64)).sum().backward(retain_graph=True)
    assert root.grad.tolist() == [2.0, 60.0, 600.0, 2000.0]  # (2 everywhere, times 3 inside the view)
    root.grad = None
    v.sum().backward()
    assert root.grad.tolist() == [0.0, 6.0, 6.0, 0.0]
    whole = tg.tensor([1.0, 2.0, 3.0, 4.0], dtype=tg.float64, requires_grad=True)
    b = whole * 1
    AddOneTimesThree.apply(b.view(2, 2))  # (a view of all of b)
    (b * tg.tensor([1.0, 2.0, 3.0, 4.0], dtype=tg.float64)).sum().backward()
    assert b.tolist() == [2.0, 3.0, 4.0, 5.0] and whole.grad.tolist() == [3.0, 6.0, 9.0, 12.0]
    with pytest.raises(RuntimeError, match="view of a leaf tensor that requires grad"):
        AddOneTimesThree.apply(leaf([1.0, 2.0])[0:1])
    with tg.no_grad():
        c = tg.tensor([1.0, 2.0])
        AddOneTimesThree.apply(c[1:])
    assert c.tolist() == [1.0, 3.0]


# ---- inference tensors ------------------------------------------------------------------------
def test_inference_tensors_cannot_be_saved_for_backward():
    x = leaf([1.0, 2.0])
    with tg.inference_mode():
        z = x * x
    with pytest.raises(RuntimeError, match="inference tensors cannot be saved for backward"):
        z * x
    (z.clone() * x).sum().backward()  # a clone is a normal tensor
    assert x.grad.tolist() == [1.0, 4.0]
    (z + x).sum().backward()  # add saves nothing: allowed, as in PyTorch
