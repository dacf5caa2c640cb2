"""Regression tests for what the autograd API fuzz (tests/fuzz/autograd_api_fuzz.py) found.

Each scenario is a function of the library (`tg`), so that it is checked against exact numbers
here and, when PyTorch is installed, run with `torch` as well for the same observations.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg


def _warned(fn) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [w.category.__name__ for w in caught]


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def _torch():
    torch = pytest.importorskip("torch")
    return torch


# ---- .grad of a non-leaf warns (tensor.py: Tensor.grad is a property) ---------------------------

def grad_warnings(lib) -> dict:
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    y = a * 2
    kept = a * 3
    kept.retain_grad()
    return {"leaf": _warned(lambda: a.grad), "non-leaf": _warned(lambda: y.grad),
            "retained": _warned(lambda: kept.grad), "value": _quiet(lambda: y.grad) is None}


def test_reading_grad_of_a_non_leaf_warns() -> None:
    assert grad_warnings(tg) == {"leaf": [], "non-leaf": ["UserWarning"], "retained": [], "value": True}


def test_reading_grad_of_a_non_leaf_warns_as_in_pytorch() -> None:
    assert grad_warnings(_torch()) == grad_warnings(tg)


def test_a_graph_picture_with_gradients_does_not_warn() -> None:
    """viz reads the gradient of every value it draws, intermediate results included."""
    pytest.importorskip("graphviz")
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (a * 2).sum()
    y.backward()
    assert _warned(lambda: tg.viz.to_dot(y, show_grads=True)) == []


# ---- backward(inputs=[non-leaf]) (autograd/api.py) ------------------------------------------------

def backward_to_an_intermediate(lib) -> dict:
    a = lib.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    x = a * 2
    y = x * 3
    y.sum().backward(inputs=[x], retain_graph=True)
    first = (x.grad.tolist(), x.retains_grad, a.grad, _warned(lambda: x.grad))
    y.sum().backward(inputs=[x, a])
    return {"first": first, "second": (x.grad.tolist(), a.grad.tolist())}


def test_backward_inputs_gives_a_non_leaf_its_grad_as_a_retained_one() -> None:
    """x.grad after backward(inputs=[x]) was set, but x did not retain it: reading it warned."""
    assert backward_to_an_intermediate(tg) == {"first": ([[3.0, 3.0, 3.0]], True, None, []),
                                               "second": ([[6.0, 6.0, 6.0]], [[6.0, 6.0, 6.0]])}


def test_backward_inputs_to_a_non_leaf_as_in_pytorch() -> None:
    assert backward_to_an_intermediate(_torch()) == backward_to_an_intermediate(tg)


def post_accumulate_with_inputs(lib) -> list:
    seen = []
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    a.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (a * 3).sum().backward(inputs=[a])
    return seen


def test_post_accumulate_grad_hook_runs_for_backward_inputs() -> None:
    """It ran for backward() but not for backward(inputs=[leaf])."""
    assert post_accumulate_with_inputs(tg) == [[3.0, 3.0]]


def test_post_accumulate_grad_hook_with_inputs_as_in_pytorch() -> None:
    assert post_accumulate_with_inputs(_torch()) == post_accumulate_with_inputs(tg)


# ---- retain_grad follows an in-place change (tensor.py: Tensor._rebase) --------------------------

def retain_through_in_place(lib) -> dict:
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    x = a * 2
    x.retain_grad()
    y = x * 5                                  # uses the old x
    x.mul_(3)                                  # x is now 6a
    (y.sum() + (x * lib.tensor([1.0, 10.0])).sum()).backward()
    b = a * 1
    v = b[0:1]
    v.retain_grad()
    b.add_(1)                                  # v's base changed: v's history is taken again
    (v * 7).sum().backward()
    return {"x": (x.grad.tolist(), x.retains_grad), "a": a.grad.tolist(), "v": (v.grad.tolist(), v.retains_grad)}


def test_retain_grad_moves_to_the_new_history_after_an_in_place_change() -> None:
    """d/dx of the new x is [1, 10]; a gets 5·2 + 6·[1, 10] = [16, 70] from the first backward
    (plus 7 on a[0] from the second). Before, x.grad stayed None (and warned), as did v.grad."""
    assert retain_through_in_place(tg) == {"x": ([1.0, 10.0], True), "a": [23.0, 70.0], "v": ([7.0], True)}


def test_retain_grad_after_in_place_as_in_pytorch() -> None:
    assert retain_through_in_place(_torch()) == retain_through_in_place(tg)


# ---- inference tensors change in place only in inference mode (tensor.py) ------------------------

def test_in_place_on_an_inference_tensor_outside_inference_mode_raises() -> None:
    a = tg.ones(3, requires_grad=True)
    with tg.inference_mode():
        b = a * 2
        b.add_(1)                              # inside: allowed
    for change in (lambda: b.add_(1), lambda: b.__setitem__(0, 5.0), lambda: b.zero_(), lambda: b.mul_(2)):
        with pytest.raises(RuntimeError, match="inference"):
            change()
        with tg.no_grad(), pytest.raises(RuntimeError, match="inference"):
            change()
    assert b.tolist() == [3.0, 3.0, 3.0]       # unchanged (PyTorch changes it, then raises)
    c = a * 2
    c.add_(1)                                  # a normal tensor: fine
    assert c.tolist() == [3.0, 3.0, 3.0]


def test_in_place_on_an_inference_tensor_raises_as_in_pytorch() -> None:
    torch = _torch()
    with torch.inference_mode():
        b = torch.ones(3) * 2
    with pytest.raises(RuntimeError):
        b.add_(1)


# ---- tg.grad and autograd.backward on a view whose base changed in place (differentiate.py) ------

def grad_through_a_stale_view(lib) -> dict:
    a = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
    v1 = a.expand(2, 3) * 1.0
    v2 = v1.squeeze()                          # a view of v1 (nothing to squeeze)
    v1 += 1                                    # v2's history is stale until it is taken again
    w = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    g, = lib.autograd.grad(v2, [v1], grad_outputs=w, retain_graph=True)
    lib.autograd.backward([v2], [w], inputs=[a])
    return {"g": g.tolist(), "a": a.grad.tolist()}


def test_grad_of_a_view_whose_base_changed_in_place() -> None:
    """dv2/dv1 is the identity; before, tg.grad raised that v1 was not used (the old history of
    v2 does not reach the new v1)."""
    assert grad_through_a_stale_view(tg) == {"g": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "a": [5.0, 7.0, 9.0]}


def test_grad_of_a_stale_view_as_in_pytorch() -> None:
    assert grad_through_a_stale_view(_torch()) == grad_through_a_stale_view(tg)


def test_the_same_gradient_by_gradcheck() -> None:
    """The view's path after the base's in-place change, checked by finite differences."""
    def f(a):
        v1 = a.expand(2, 3) * a
        v2 = v1.squeeze()
        v1 += a.sin()
        return (v2 * v2).sum()
    assert tg.gradcheck(f, (tg.tensor(np.array([0.3, -1.1, 0.7]), requires_grad=True),))


def test_requires_grad_on_an_inference_tensor_outside_inference_mode_raises() -> None:
    a = tg.ones(2)
    with tg.inference_mode():
        b = a * 2
        inside = (a * 3).requires_grad_()          # inside the mode: allowed
    assert inside.requires_grad
    with pytest.raises(RuntimeError, match="inference"):
        b.requires_grad_()
    assert not b.requires_grad
    b.requires_grad_(False)                        # (turning it off is fine)


def test_requires_grad_on_an_inference_tensor_raises_as_in_pytorch() -> None:
    torch = _torch()
    with torch.inference_mode():
        b = torch.ones(2) * 2
    with pytest.raises(RuntimeError):
        b.requires_grad_()


# ---- a view made inside inference_mode of a normal tensor stays normal (autograd/api.py) ---------

def index_view_in_inference_mode(lib) -> dict:
    a = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x = lib.tensor([1.0, -1.0, 2.0], requires_grad=True)
    with lib.inference_mode():
        row, rows, picked = a[0], a[1:], a[[0, 1]]
    (row * x * x).sum().backward()                 # row is saved for backward: a normal tensor
    return {"inference": (row.is_inference(), rows.is_inference(), picked.is_inference()),
            "grad": x.grad.tolist()}


def test_an_index_view_made_in_inference_mode_of_a_normal_tensor_is_normal() -> None:
    """a[0] inside inference_mode is a view of a normal tensor: not an inference tensor (PyTorch's
    rule for views). Before, it was marked one, and saving it for backward was refused."""
    assert index_view_in_inference_mode(tg) == {"inference": (False, False, True), "grad": [2.0, -4.0, 12.0]}


def test_an_index_view_in_inference_mode_as_in_pytorch() -> None:
    assert index_view_in_inference_mode(_torch()) == index_view_in_inference_mode(tg)


# ---- the engine (autograd/engine.py) ------------------------------------------------------------

def test_grad_runs_only_the_nodes_on_a_path_to_an_input() -> None:
    """tg.grad(c, [b]) ran every node reachable from c, freeing what b's own node saved: a later
    backward through b then raised 'a second time'. PyTorch runs only the nodes on a path to an
    input, and so does the engine now."""
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = a.exp()
    g, = tg.grad((b * 3).sum(), [b])
    assert g.tolist() == [3.0, 3.0] and a.grad is None
    b.sum().backward()  # ExpBackward0 did not run: what it saved is still there
    np.testing.assert_allclose(a.grad.numpy(), np.exp([1.0, 2.0]), rtol=1e-15)


def test_a_backward_that_raises_changes_no_grad() -> None:
    """The leaves' gradients are written when the pass ends: a pass that raises part way (here at a
    freed node) leaves every .grad as it was."""
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.sum().backward()
    before = x.grad.tolist()
    with pytest.raises(RuntimeError, match="second time"):
        ((x * 2).sum() + y.sum()).backward()
    assert x.grad.tolist() == before


def test_node_hooks_see_gradients_in_their_inputs_shapes() -> None:
    """grad_fn.register_hook(hook(grad_inputs, grad_outputs)): grad_inputs are reduced to each
    input's shape (broadcasting undone), and None for an input that needs no gradient."""
    a = tg.ones(2, 2, requires_grad=True)
    b = tg.ones(2, 2, 2)
    y = a * b
    seen = []
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: seen.append(
        [None if g is None else g.shape for g in grad_inputs]))
    y.sum().backward()
    assert seen == [[(2, 2), None]] and a.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_a_leaf_detached_in_place_after_recording_gets_no_grad() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).sum()
    x.detach_()
    y.backward()
    assert x.grad is None


def test_a_hook_on_a_product_recorded_under_saved_tensors_hooks() -> None:
    """MatMul's node name read the shapes of what it saved, which a saved-tensor hook had packed:
    a hook on the product's result then failed ('Packed' object has no attribute 'shape')."""
    a = tg.ones(2, 2, requires_grad=True)
    with tg.autograd.graph.saved_tensors_hooks(lambda t: t.clone(), lambda t: t):
        y = a @ a
    y.register_hook(lambda g: g * 2)
    y.sum().backward()
    assert a.grad.tolist() == [[8.0, 8.0], [8.0, 8.0]] and y.grad_fn.name() == "MmBackward0"


def test_assigning_a_grad_is_checked_as_in_pytorch() -> None:
    x = tg.zeros(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"gradient of shape \(3,\) to a tensor of shape \(2, 3\)"):
        x.grad = tg.zeros(3)
    with pytest.raises(RuntimeError, match="dtype float32 to a tensor of dtype float64"):
        x.grad = tg.zeros(2, 3, dtype=tg.float32)
    with pytest.raises(TypeError, match="Tensor or None"):
        x.grad = [0.0]
    x.grad = tg.ones(2, 3)
    assert x.grad.tolist() == [[1.0] * 3] * 2


# ---- custom Functions' mark_dirty and detach_() of a saved tensor (autograd/function.py) ----------

class _AddOne(tg.autograd.Function):
    """x += 1 in place, marked dirty."""

    @staticmethod
    def forward(ctx, x):
        x.add_(1.0)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g


def test_mark_dirty_moves_retain_grad_to_the_new_history_and_starts_it_again() -> None:
    """As PyTorch: after mark_dirty a retained .grad is None and then the new value's gradient
    (a built-in in-place op keeps it and adds to it: tensor.py, _rebase)."""
    x = tg.ones(2, requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.sum().backward(retain_graph=True)
    assert y.grad.tolist() == [1.0, 1.0]
    y = _AddOne.apply(y)
    assert y.retains_grad and y.grad is None
    (y * 3).sum().backward()
    assert y.grad.tolist() == [3.0, 3.0] and x.grad.tolist() == [8.0, 8.0]


def test_a_saved_tensor_detached_in_place_is_refused_by_a_built_in_op() -> None:
    """PyTorch's rule: a non-leaf that a built-in op saved, detach_()ed afterwards, makes that op's
    backward raise; a leaf detached, a tensor saved after its detach_() and a user's Function's
    saved tensor are fine."""
    x = tg.ones(2, requires_grad=True)
    y = x * 2
    z = y * y
    y.detach_()
    with pytest.raises(RuntimeError, match=r"detached in place \(\.detach_\(\)\) after it was saved"):
        z.sum().backward()
    x = tg.ones(2, requires_grad=True)
    (x * x).sum().backward()  # (a leaf: its gradient still goes to it, as in PyTorch)
    x = tg.ones(2, requires_grad=True)
    y = x * 2
    y.detach_()
    w = tg.ones(2, requires_grad=True)
    (y * w).sum().backward()
    assert w.grad.tolist() == [2.0, 2.0]

    class MulS(tg.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * a

    x = tg.ones(2, requires_grad=True)
    y = x * 2
    z = MulS.apply(y, y)
    y.detach_()
    z.sum().backward()
    assert x.grad.tolist() == [8.0, 8.0]  # (PyTorch's numbers too)


def test_mark_dirty_and_detach_as_in_pytorch() -> None:
    torch = _torch()
    for lib in (torch, tg):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        z = y * y
        y.detach_()
        with pytest.raises(RuntimeError, match="detach"):
            z.sum().backward()


# ---- a product with a vector: mv and dot are one node (ops/linalg.py) ---------------------------

def vector_products(lib) -> dict:
    """Node names, and what backward says after the saved operand changed or was detached."""
    def t(*shape):
        n = int(np.prod(shape))
        return lib.tensor(np.linspace(-1.0, 1.0, n).reshape(shape), requires_grad=True)

    A, v, w, u, S = t(3, 4), t(4), t(4), t(3), t(2, 3, 4)
    seen = {"names": [(A @ v).grad_fn.name(), (v @ w).grad_fn.name(), lib.mv(A, v).grad_fn.name(),
                      lib.dot(v, w).grad_fn.name()],
            "shapes": [tuple((A @ v).shape), tuple((v @ w).shape), tuple((u @ A).shape), tuple((S @ v).shape)]}
    for kind in ("detach_", "add_"):
        x = v * 1
        y = (A @ x).sum()
        if kind == "detach_":
            x.detach_()
        else:
            with lib.no_grad():
                x.add_(1)
        try:
            y.backward()
            seen[kind] = "ran"
        except RuntimeError:
            seen[kind] = "raised"
    A.grad = v.grad = None
    (A @ v).sum().backward()
    seen["grads"] = [A.grad.numpy().round(12).tolist(), v.grad.numpy().round(12).tolist()]
    return seen


def test_matrix_times_vector_and_dot_are_one_node_each():
    seen = vector_products(tg)
    assert seen["names"] == ["MvBackward0", "DotBackward0", "MvBackward0", "DotBackward0"]
    assert seen["shapes"] == [(3,), (), (4,), (2, 3)]
    assert seen["detach_"] == "raised" and seen["add_"] == "raised"  # mv saved the operand itself
    v = np.linspace(-1.0, 1.0, 4)
    A = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    np.testing.assert_allclose(seen["grads"][0], np.outer(np.ones(3), v), atol=1e-12)  # ∂A = G vᵀ
    np.testing.assert_allclose(seen["grads"][1], A.T @ np.ones(3), atol=1e-12)  # ∂v = Aᵀ G


def test_vector_products_as_pytorch():
    torch = _torch()
    assert vector_products(tg) == vector_products(torch)


def test_matrix_times_vector_under_autobatch_equals_eager():
    rng = np.random.default_rng(0)
    A = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    vs = [tg.tensor(rng.standard_normal(4), requires_grad=True) for _ in range(5)]
    grads = []
    for batched in (False, True):
        for t in [A, *vs]:
            t.grad = None
        with tg.autobatch(enabled=batched):
            outs = [(A @ v).tanh() for v in vs]
        tg.stack(outs).sum().backward()
        grads.append([t.grad.numpy().copy() for t in [A, *vs]] + [tg.stack(outs).numpy()])
    for eager, batched in zip(*grads):
        np.testing.assert_allclose(batched, eager, rtol=0, atol=1e-12)


def test_inference_tensors_are_those_made_inside_the_mode_and_their_views():
    """tg.ones (any tensor made) inside inference_mode is an inference tensor, and a view of one made
    outside the mode is one too (so an in-place change through it is refused); other results made
    outside, and views of normal tensors made inside, are normal tensors -- as in PyTorch."""
    with tg.inference_mode():
        made = tg.ones(4, 3)
        listed = tg.tensor([1.0, 2.0])
        drawn = tg.multinomial(tg.tensor([0.5, 0.5]), 2)
    outside = tg.ones(4, 3)
    with tg.inference_mode():
        view_of_normal = outside[1:]
    assert made.is_inference() and listed.is_inference() and drawn.is_inference()
    assert not view_of_normal.is_inference()
    views = {"slice": made[1:], "int": made[0], "view": made.view(12), "t": made.t(), "detach": made.detach(),
             "unsqueeze": made.unsqueeze(0), "chunk": made.chunk(2)[0], "diagonal": made.diagonal()}
    for name, view in views.items():
        assert view.is_inference(), name
    for name, result in {"mul": made * 2, "clone": made.clone(), "index list": made[[0, 1]]}.items():
        assert not result.is_inference(), name
    assert not outside[1:].is_inference() and not outside.detach().is_inference()
    with pytest.raises(RuntimeError, match="[Ii]nference"):
        made[1:].add_(1)
    torch = pytest.importorskip("torch")  # (the same in PyTorch)
    if torch is not None:
        with torch.inference_mode():
            theirs = torch.ones(4, 3)
        assert theirs[1:].is_inference() and theirs.detach().is_inference() and not (theirs * 2).is_inference()
