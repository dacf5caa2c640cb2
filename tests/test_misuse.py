"""Misuse: every mistake a learner is likely to make raises PyTorch's exception type with a
message that names the operation and the shapes, dtypes or values involved."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg


def leaf(array) -> tg.Tensor:
    return tg.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def raises(exc_type, fn, *words):
    """Call fn, check the exception type and that every word occurs in the message."""
    with pytest.raises(exc_type) as info:
        fn()
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return info.value


# ---- shapes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "minimum"])
def test_non_broadcastable_shapes(op):
    a, b = tg.ones(2, 3), tg.ones(3, 2)
    fn = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
          "pow": lambda: a ** b, "maximum": lambda: tg.maximum(a, b), "minimum": lambda: tg.minimum(a, b)}[op]
    err = raises(tg.ShapeError, fn, op, "(2, 3)", "(3, 2)", "broadcast")
    assert isinstance(err, ValueError) and isinstance(err, RuntimeError)


def test_integer_to_negative_integer_power():
    raises(ValueError, lambda: tg.tensor([1, 2]) ** -1, "pow", "negative integer powers", "float")
    raises(tg.ShapeError, lambda: tg.tensor([1, 2]) ** tg.tensor([-1, 2, 3]), "pow", "(2,)", "(3,)")


def test_where_non_broadcastable():
    raises(tg.ShapeError, lambda: tg.where(tg.ones(3) > 0, tg.ones(2), tg.ones(3)), "where", "(2,)", "(3,)")


@pytest.mark.parametrize("sa, sb, words", [
    ((2, 3), (4, 5), ["(2, 3)", "(4, 5)", "3 != 4"]),
    ((3,), (4,), ["(3,)", "(4,)", "3 != 4"]),
    ((2, 3), (2,), ["(2, 3)", "(2,)", "3 != 2"]),
    ((5, 2, 3), (5, 4, 2), ["(5, 2, 3)", "(5, 4, 2)", "3 != 4"]),
])
def test_misaligned_matmul(sa, sb, words):
    raises(tg.ShapeError, lambda: tg.ones(*sa) @ tg.ones(*sb), "matmul", "aligned", *words)


def test_matmul_batch_axes_not_broadcastable():
    raises(tg.ShapeError, lambda: tg.ones(2, 2, 3) @ tg.ones(3, 3, 4), "matmul", "(2, 2, 3)", "(3, 3, 4)",
           "broadcast")


def test_matmul_of_a_scalar():
    raises(tg.ShapeError, lambda: tg.tensor(2.0) @ tg.ones(2), "matmul", "1 dimension")


def test_bad_reshape():
    raises(tg.ShapeError, lambda: tg.ones(2, 3).reshape(4, 2), "reshape", "(2, 3)", "6 elements", "(4, 2)")
    raises(tg.ShapeError, lambda: tg.ones(6).view(-1, -1), "reshape")
    raises(TypeError, lambda: tg.ones(6).reshape("a", 2), "reshape", "ints")


@pytest.mark.parametrize("call, op", [
    (lambda t: t.sum(2), "sum"), (lambda t: t.mean(-3), "mean"), (lambda t: t.max(5), "max"),
    (lambda t: t.transpose(0, 2), "transpose"), (lambda t: t.unsqueeze(4), "unsqueeze"),
    (lambda t: t.squeeze(2), "squeeze"), (lambda t: t.size(2), "size"), (lambda t: t.argmax(2), "argmax"),
    (lambda t: t.logsumexp(-3), "logsumexp"), (lambda t: t.split(1, dim=2), "split"),
    (lambda t: tg.cat([t, t], dim=2), "cat"), (lambda t: t.flatten(0, 3), "flatten"),
])
def test_dim_out_of_range(call, op):
    raises(IndexError, lambda: call(tg.ones(2, 3)), op, "out of range", "2 dimensions")


def test_new_axis_out_of_range_names_the_real_ndim():
    raises(IndexError, lambda: tg.ones(2, 3).unsqueeze(-4), "unsqueeze", "2 dimensions", "-3 to 2")
    raises(IndexError, lambda: tg.stack([tg.ones(2), tg.ones(2)], dim=2), "stack", "1 dimension", "-2 to 1")


def test_dim_of_wrong_type_and_repeated():
    raises(TypeError, lambda: tg.ones(2, 3).sum(1.0), "sum", "dim", "float")
    raises(ValueError, lambda: tg.ones(2, 3).sum((1, -1)), "sum", "twice")


def test_cat_of_mismatched_tensors():
    raises(tg.ShapeError, lambda: tg.cat([tg.ones(2, 3), tg.ones(2, 4)]), "cat", "(2, 4)", "(2, 3)")
    raises(tg.ShapeError, lambda: tg.cat([tg.ones(2, 3), tg.ones(2, 3, 1)], dim=1), "cat", "(2, 3, 1)")
    raises(tg.ShapeError, lambda: tg.stack([tg.ones(2), tg.ones(3)]), "stack", "(3,)", "(2,)")


def test_cat_of_no_tensors():
    raises(tg.ShapeError, lambda: tg.cat([]), "cat", "empty")
    raises(tg.ShapeError, lambda: tg.stack([]), "stack", "empty")


def test_cat_of_a_tensor_instead_of_a_list():
    raises(TypeError, lambda: tg.cat(tg.ones(2)), "cat", "list")
    raises(ValueError, lambda: tg.cat([tg.tensor(1.0), tg.tensor(2.0)]), "cat", "zero-dimensional")


def test_permute_with_wrong_dims():
    raises(ValueError, lambda: tg.ones(2, 3).permute(0), "permute", "1 dims", "2 dimensions")
    raises(ValueError, lambda: tg.ones(2, 3).permute(0, 0), "permute", "(0, 0)", "ordering")
    raises(IndexError, lambda: tg.ones(2, 3).permute(0, 2), "permute", "out of range")


def test_expand_to_incompatible_shape():
    raises(tg.ShapeError, lambda: tg.ones(2, 3).expand(4, 3), "expand", "(2, 3)", "(4, 3)")
    raises(tg.ShapeError, lambda: tg.ones(2, 3).expand(3), "expand", "(2, 3)", "fewer")


def test_split_and_chunk_arguments():
    raises(ValueError, lambda: tg.ones(5).split([2, 2]), "split", "[2, 2]", "5")
    raises(ValueError, lambda: tg.ones(5).split(0), "split", "positive")
    raises(ValueError, lambda: tg.ones(5).chunk(0), "chunk", "positive")


def test_flatten_and_T_misuse():
    raises(ValueError, lambda: tg.ones(2, 3, 4).flatten(2, 1), "flatten", "start_dim")
    raises(RuntimeError, lambda: tg.ones(2, 2, 2).t(), "t", "at most 2 dimensions", "(2, 2, 2)")
    raises(RuntimeError, lambda: tg.ones(3).mT, "mT", "(3,)")


def test_setitem_value_of_wrong_shape():
    x = tg.zeros(3)
    raises(tg.ShapeError, lambda: x.__setitem__(slice(None), tg.ones(2)), "setitem", "(2,)", "(3,)")


def test_in_place_result_of_wrong_shape_or_dtype():
    raises(RuntimeError, lambda: tg.zeros(2).add_(tg.ones(2, 2)), "add_", "(2, 2)", "(2,)")
    raises(tg.ShapeError, lambda: tg.zeros(2).add_(tg.ones(3)), "add", "(2,)", "(3,)")
    raises(TypeError, lambda: tg.tensor([1, 2]).add_(1.5), "add_", "float64", "int64")


# ---- indices -------------------------------------------------------------------------------

@pytest.mark.parametrize("index, words", [
    (5, ["(2, 3)", "5", "out of bounds"]),
    (-3, ["(2, 3)", "-3", "out of bounds"]),
    ((0, 7), ["7", "out of bounds"]),
    ((0, 0, 0), ["too many indices"]),
    ([0, 5], ["5", "out of bounds"]),
])
def test_index_out_of_range(index, words):
    raises(IndexError, lambda: tg.ones(2, 3)[index], "indexing", *words)


def test_float_index():
    raises(IndexError, lambda: tg.ones(3)[1.0], "float", "integers")
    raises(IndexError, lambda: tg.ones(3)[tg.tensor([0.0, 1.0])], "integer or bool", "float64")
    raises(IndexError, lambda: tg.ones(3)["a"], "indexing")


def test_bool_mask_of_wrong_shape():
    raises(IndexError, lambda: tg.ones(3)[tg.tensor([True, False])], "indexing", "boolean", "3", "2")


# ---- graph misuse ------------------------------------------------------------------------

def test_backward_on_non_scalar_without_gradient():
    y = leaf([1.0, 2.0]) * 2
    raises(RuntimeError, y.backward, "backward", "one element", "(2,)", "gradient")


def test_backward_with_wrongly_shaped_gradient():
    y = leaf([1.0, 2.0]) * 2
    raises(RuntimeError, lambda: y.backward(tg.ones(3)), "backward", "(3,)", "(2,)")
    raises(RuntimeError, lambda: y.backward(tg.ones(2, 1)), "backward", "(2, 1)", "(2,)")


def test_backward_on_tensor_that_needs_no_grad():
    raises(RuntimeError, lambda: tg.ones(2).sum().backward(), "backward", "does not require grad")
    with tg.no_grad():
        y = (leaf([1.0]) * 2).sum()
    raises(RuntimeError, y.backward, "does not require grad", "no_grad")
    raises(RuntimeError, lambda: tg.tensor([1, 2]).sum().backward(), "does not require grad")


def test_second_backward():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    raises(RuntimeError, y.backward, "second time", "retain_graph=True")


def test_second_tg_grad():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    tg.grad(y, x)
    raises(RuntimeError, lambda: tg.grad(y, x), "retain_graph")


def test_in_place_change_of_a_saved_tensor():
    x = leaf([1.0, 2.0])
    a = x * 1
    b = a.log()
    a.mul_(2)
    raises(RuntimeError, lambda: b.sum().backward(), "LogBackward", "modified by an in-place operation",
           "version 0", "version 1")


def test_in_place_op_on_a_leaf_that_requires_grad():
    w = leaf([1.0, 2.0])
    raises(RuntimeError, lambda: w.add_(1), "add_", "leaf", "requires grad", "no_grad")
    raises(RuntimeError, lambda: w.__setitem__(0, 5.0), "setitem", "leaf")
    raises(RuntimeError, lambda: w.__imul__(2), "mul_", "leaf")


def test_tg_grad_on_an_unused_input():
    x, unused = leaf([1.0]), leaf([2.0])
    raises(RuntimeError, lambda: tg.grad((x * 2).sum(), [x, unused]), "grad", "input 1", "not used",
           "allow_unused")


def test_tg_grad_on_inputs_that_do_not_require_grad():
    x = leaf([1.0])
    raises(RuntimeError, lambda: tg.grad((x * 2).sum(), tg.ones(1)), "grad", "input 0", "does not require grad")
    raises(TypeError, lambda: tg.grad((x * 2).sum(), [1.0]), "grad", "input 0", "float")
    raises(RuntimeError, lambda: tg.grad(tg.ones(1).sum(), x), "grad", "output 0", "does not require grad")
    raises(ValueError, lambda: tg.grad([x * 2, x * 3], x, grad_outputs=[tg.ones(1)]), "grad", "grad_outputs")


def test_requires_grad_false_on_a_non_leaf():
    y = leaf([1.0]) * 2
    raises(RuntimeError, lambda: y.requires_grad_(False), "requires_grad_", "detach")


def test_hooks_and_retain_grad_on_constants():
    raises(RuntimeError, lambda: tg.ones(1).register_hook(print), "register_hook", "require grad")
    raises(RuntimeError, lambda: tg.ones(1).retain_grad(), "retain_grad", "require grad")


# ---- conversions ------------------------------------------------------------------------

def test_item_on_many_elements():
    raises(RuntimeError, lambda: tg.ones(2, 3).item(), "item", "one element", "(2, 3)", "6 elements")
    raises(RuntimeError, lambda: tg.ones(0).item(), "item", "0 elements")


def test_bool_of_multi_element_tensor():
    raises(RuntimeError, lambda: bool(tg.ones(2)), "bool", "ambiguous", "2 elements", "any()")

    def use_in_if():
        if tg.tensor([1.0, 2.0]) > 0:
            pass
    raises(RuntimeError, use_in_if, "ambiguous")


def test_len_of_zero_dim():
    raises(TypeError, lambda: len(tg.tensor(1.0)), "0-d")


def test_requires_grad_on_int_or_bool_tensor():
    raises(TypeError, lambda: tg.tensor([1, 2], requires_grad=True), "requires_grad", "int64", "floating")
    raises(TypeError, lambda: tg.tensor([True], requires_grad=True), "bool")
    raises(TypeError, lambda: tg.arange(3).requires_grad_(), "int64")
    raises(TypeError, lambda: tg.zeros(2, dtype=np.int32, requires_grad=True), "int32")


@pytest.mark.parametrize("data, words", [
    ("abc", ["str"]),
    (object(), ["object"]),
    (None, ["NoneType"]),
    ({"a": 1}, ["dict"]),
    ([1, "a"], ["dtype"]),
    (np.array(["x"]), ["dtype"]),
    (np.ones(2, dtype=complex), ["complex128"]),
])
def test_non_numeric_input(data, words):
    raises(TypeError, lambda: tg.tensor(data), "Tensor", *words)


def test_non_numeric_operand():
    raises(TypeError, lambda: tg.ones(2) * "a", "str")
    raises(TypeError, lambda: tg.ones(2) + None, "NoneType")


def test_ragged_list():
    raises(ValueError, lambda: tg.tensor([[1.0, 2.0], [3.0]]), "Tensor", "ragged")


def test_dtype_restrictions_of_ops():
    raises(TypeError, lambda: tg.tensor([1, 2]).mean(), "mean", "int64")
    raises(TypeError, lambda: ~tg.ones(2), "~", "bool", "float64")
    raises(TypeError, lambda: tg.set_default_dtype(np.int64), "set_default_dtype", "int64")


def test_reductions_of_empty_tensors():
    # PyTorch's rules: no max or argmin of nothing (RuntimeError); the mean of nothing is nan
    raises(RuntimeError, lambda: tg.ones(0).max(), "max", "empty", "(0,)")
    raises(RuntimeError, lambda: tg.ones(0).argmin(), "argmin", "empty")
    assert np.isnan(tg.ones(2, 0).mean(1).numpy()).all() and tg.ones(2, 0).mean(1).shape == (2,)
    assert tg.ones(0, 3).argmax(1).shape == (0,)


def test_bad_creation_arguments():
    raises(ValueError, lambda: tg.zeros(2, -1), "zeros", "negative")
    raises(ValueError, lambda: tg.arange(0, 5, 0), "arange", "step")
    raises(TypeError, lambda: tg.ones(2.5), "ones", "ints")
    raises(ValueError, lambda: tg.ones(2).clamp(), "clamp", "min", "max")
    raises(TypeError, lambda: tg.manual_seed("seed"), "manual_seed", "str")


def test_tensor_as_index_must_be_one_int():
    raises(TypeError, lambda: [1, 2][tg.tensor(0.0)], "integer")
    raises(TypeError, lambda: [1, 2][tg.tensor([0, 1])], "integer")


# ---- custom Functions ---------------------------------------------------------------------

def test_custom_function_returning_too_many_gradients():
    class Double(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return x.data * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2, grad * 2, grad

    raises(RuntimeError, lambda: Double.apply(leaf([1.0])).sum().backward(), "DoubleBackward",
           "3 gradients", "1 arguments")


def test_custom_function_gradient_of_wrong_shape():
    class Total(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return x.data.sum()

        @staticmethod
        def backward(ctx, grad):
            return tg.ones(3, 1)

    raises(RuntimeError, lambda: Total.apply(leaf([1.0, 2.0])).backward(), "TotalBackward", "(3, 1)", "(2,)")


def test_saved_tensors_read_after_free():
    class Square(tg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 2

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 2 * x

    y = Square.apply(leaf([3.0]))
    node = y.grad_fn
    y.sum().backward()
    raises(RuntimeError, lambda: node.saved_tensors, "SquareBackward", "retain_graph")


def test_gradcheck_on_a_wrong_custom_function():
    class WrongSin(tg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return np.sin(x.data)

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * x.sin()  # should be cos

    x = leaf([0.3, 1.1])
    err = raises(tg.GradcheckError, lambda: tg.gradcheck(WrongSin.apply, (x,)), "input 0", "analytical",
                 "numerical", "element")
    assert isinstance(err, RuntimeError)
    table = str(err)
    assert f"{np.sin(0.3):.6g}" in table and f"{np.cos(0.3):.6g}" in table


def test_gradcheck_without_inputs_that_require_grad():
    raises(ValueError, lambda: tg.gradcheck(lambda t: t * 2, (tg.ones(2),)), "gradcheck", "requires grad")


# ---- saving --------------------------------------------------------------------------------

def test_damaged_save_file(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"this is not a zip file")
    err = raises(tg.LoadError, lambda: tg.load(path), "load", str(path), "damaged")
    assert isinstance(err, ValueError) and isinstance(err, RuntimeError)


def test_missing_save_file(tmp_path):
    raises(FileNotFoundError, lambda: tg.load(tmp_path / "nope.npz"), "load", "nope.npz")


def test_saving_an_unsupported_object(tmp_path):
    raises(TypeError, lambda: tg.save({"layer": object()}, tmp_path / "x.npz"), "save", "'layer'", "object")
    raises(TypeError, lambda: tg.save({1.5: tg.ones(1)}, tmp_path / "x.npz"), "save", "keys", "1.5")
    assert not list(tmp_path.iterdir())  # nothing written, no temporary files left


def test_float32_input_through_a_default_dtype_layer_names_the_default_dtype():
    """The usual way code written for PyTorch meets this: `.float()` makes float32, while a layer
    made with the default float dtype is float64 here (float32 in PyTorch). The message says so
    and gives the one line that fixes it, for F.linear as for matmul."""
    x = tg.ones(1, 3, dtype=tg.float32)
    for call in (lambda: tg.nn.Linear(3, 2)(x), lambda: x @ tg.ones(3, 2)):
        with pytest.raises(RuntimeError, match=r"float32.*float64.*tg\.set_default_dtype\(tg\.float32\)"):
            call()
    with pytest.raises(RuntimeError) as info:  # other dtype pairs: no such hint
        tg.nn.Linear(3, 2)(tg.ones(1, 3, dtype=tg.float16))
    assert "set_default_dtype" not in str(info.value)
