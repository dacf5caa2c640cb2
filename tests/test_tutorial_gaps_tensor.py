"""Gaps found by running PyTorch's tutorials: `out=` on the function forms and PyTorch's parameter
names, `Tensor.storage()` / `untyped_storage()` / `as_strided` ("Tensor Views"), and the dtype
checks of F.linear and the losses. Each is compared with PyTorch when it is installed and also
checked on its own with hand-computed values."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import tensor_indexing


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _resize_warnings(record) -> list:
    return [w for w in record if issubclass(w.category, UserWarning) and "resized" in str(w.message)]


# =============================================================================================
# 1. out=
# =============================================================================================

def test_the_tensors_tutorial_writes_into_out():
    tensor = tg.ones(4, 4)
    tensor[:, 1] = 0
    y1 = tensor @ tensor.T
    y3 = tg.rand_like(y1)
    assert tg.matmul(tensor, tensor.T, out=y3) is y3
    np.testing.assert_array_equal(y3.numpy(), y1.numpy())
    z3 = tg.rand_like(tensor)
    assert tg.mul(tensor, tensor, out=z3) is z3
    np.testing.assert_array_equal(z3.numpy(), (tensor * tensor).numpy())


def test_out_is_changed_in_place_and_its_version_goes_up_once():
    out = tg.zeros(2)
    before = out._version
    data = out.data
    result = tg.add(tg.tensor([1.0, 2.0]), tg.tensor([10.0, 20.0]), alpha=2, out=out)
    assert result is out and out.data is data  # the same memory, not a new array
    assert out.tolist() == [21.0, 42.0]
    assert out._version == before + 1


def test_views_of_out_see_the_write_and_out_may_be_a_view():
    base = tg.zeros(4)
    tg.exp(tg.zeros(2), out=base[1:3])
    assert base.tolist() == [0.0, 1.0, 1.0, 0.0]
    out = tg.zeros(2, 3)
    view = out.view(6)
    tg.add(tg.ones(2, 3), 1, out=out)
    assert view.tolist() == [2.0] * 6


def test_a_node_that_saved_out_notices_the_write():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0])
    loss = (a * b).sum()  # saves b for a's gradient
    tg.exp(tg.zeros(2), out=b)
    with pytest.raises(RuntimeError, match="modified by an inplace operation|changed in place|version"):
        loss.backward()


def test_out_is_resized_with_a_warning_unless_it_is_empty():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        empty = tg.zeros(0)
        tg.matmul(tg.ones(2, 3), tg.ones(3, 2), out=empty)
    assert empty.shape == (2, 2) and empty.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert not _resize_warnings(record)
    wrong = tg.zeros(3)
    with pytest.warns(UserWarning, match=r"resized since it had shape \[3\].*required output shape \[2, 2\]"):
        tg.matmul(tg.ones(2, 3), tg.ones(3, 2), out=wrong)
    assert wrong.shape == (2, 2) and wrong._version == 1


def test_the_result_is_cast_to_outs_dtype_only_where_pytorch_allows():
    x = tg.tensor([0.5, 1.5], dtype=tg.float32)
    wider = tg.zeros(2, dtype=tg.float64)
    tg.mul(x, 2, out=wider)
    assert wider.dtype == np.float64 and wider.tolist() == [1.0, 3.0]
    with pytest.raises(RuntimeError, match="result type float32 can't be cast to the desired output type int64"):
        tg.add(x, x, out=tg.zeros(2, dtype=tg.int64))
    counts = tg.zeros(2)  # an integer result into a float out: fine
    tg.add(tg.tensor([1, 2]), 1, out=counts)
    assert counts.dtype == np.float64 and counts.tolist() == [2.0, 3.0]
    as_ints = tg.zeros(2, dtype=tg.int64)  # a bool result into an integer out: fine
    tg.eq(x, tg.tensor([0.5, 0.0], dtype=tg.float32), out=as_ints)
    assert as_ints.tolist() == [1, 0]
    with pytest.raises(RuntimeError, match="can't be cast"):
        tg.add(tg.tensor([1, 2]), 1, out=tg.zeros(2, dtype=tg.bool))


def test_some_ops_need_out_of_exactly_the_results_dtype():
    x = tg.tensor([[1.0, -2.0]], dtype=tg.float32)
    for call in (lambda out: tg.matmul(x, x.T, out=out), lambda out: tg.abs(x, out=out),
                 lambda out: tg.clamp(x, 0, 1, out=out), lambda out: tg.where(x > 0, x, x, out=out),
                 lambda out: tg.softmax(x, 1, out=out), lambda out: tg.neg(x, out=out)):
        with pytest.raises(RuntimeError, match="expected out tensor to have dtype float32, but got float64"):
            call(tg.zeros(0, dtype=tg.float64))
    argmax = tg.zeros(0, dtype=tg.int64)
    assert tg.argmax(x, 1, out=argmax).tolist() == [0]


def test_cat_and_stack_refuse_a_lossy_out_with_a_type_error():
    a = tg.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="can't be cast"):
        tg.cat([a, a], out=tg.zeros(0, dtype=tg.int64))
    out = tg.zeros(0, dtype=tg.float32)
    assert tg.stack([a, a], 1, out=out).shape == (2, 2) and out.dtype == np.float32


def test_out_and_autograd():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    message = r"add\(\): functions with out=... arguments don't support automatic differentiation"
    with pytest.raises(RuntimeError, match=message):
        tg.add(x, 1, out=tg.zeros(2))  # an input requires grad
    with pytest.raises(RuntimeError, match=message):
        tg.add(tg.ones(2), 1, out=tg.zeros(2, requires_grad=True))  # out requires grad
    with pytest.raises(RuntimeError, match="floor"):
        tg.floor(x, out=tg.zeros(2))  # differentiable, with gradient 0: still refused
    mask = tg.zeros(2, dtype=tg.bool)
    assert tg.gt(x, 1.5, out=mask).tolist() == [False, True]  # no gradient to lose: fine
    with tg.no_grad():
        out = tg.zeros(2, requires_grad=True)
        tg.add(x, 1, out=out)
    assert out.tolist() == [2.0, 3.0] and out.requires_grad and out.grad_fn is None


def test_reductions_compute_in_outs_dtype():
    x = tg.tensor([[0.6, 0.6], [0.7, 0.7]])
    assert tg.sum(x, 0, out=tg.zeros(2, dtype=tg.int64)).tolist() == [0, 0]  # sum of x.long()
    assert tg.sum(x, 0, dtype=tg.int64).tolist() == [0, 0]
    assert tg.sum(x, 1, out=tg.zeros(2, dtype=tg.bool)).tolist() == [True, True]
    assert tg.cumsum(tg.tensor([1.5, 1.5]), 0, out=tg.zeros(2, dtype=tg.int64)).tolist() == [1, 2]
    assert tg.prod(x + 1, 1, out=tg.zeros(2, dtype=tg.int64)).tolist() == [1, 1]
    with pytest.raises(RuntimeError, match="expected out tensor to have dtype float64, but got float32"):
        tg.sum(x, 0, dtype=tg.float64, out=tg.zeros(2, dtype=tg.float32))
    mean = tg.zeros(0, dtype=tg.float32)
    assert tg.mean(tg.tensor([1, 2]), dtype=tg.float32, out=mean).item() == 1.5


def test_ops_with_several_results_take_a_tuple_of_outs():
    x = tg.tensor([[1.0, 5.0], [2.0, 0.0]])
    values, indices = tg.zeros(0), tg.zeros(0, dtype=tg.int64)
    result = tg.max(x, 1, out=(values, indices))
    assert result.values is values and result.indices is indices
    assert values.tolist() == [5.0, 2.0] and indices.tolist() == [1, 0]
    with pytest.raises(TypeError, match="tuple of 2 tensors"):
        tg.sort(x, out=tg.zeros(0))
    with pytest.raises(RuntimeError, match="dtype int64, but got int32"):
        tg.max(x, 1, out=(tg.zeros(0), tg.zeros(0, dtype=tg.int32)))
    assert tg.max(x, out=tg.zeros(0)).item() == 5.0  # the full reduction: one tensor


def test_out_must_be_a_tensor():
    with pytest.raises(TypeError, match="argument 'out' must be a Tensor, not list"):
        tg.exp(tg.zeros(2), out=[0.0, 0.0])


def test_pytorch_parameter_names_work_as_keywords():
    x, y = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])
    assert tg.add(input=x, other=y, alpha=2).tolist() == [7.0, 10.0]
    assert tg.sub(x, other=y, alpha=2).tolist() == [-5.0, -6.0]
    assert tg.mul(x, other=y).tolist() == [3.0, 8.0]
    assert tg.div(input=y, other=x, rounding_mode="floor").tolist() == [3.0, 2.0]
    assert tg.pow(input=x, exponent=2).tolist() == [1.0, 4.0]
    assert tg.true_divide(input=y, other=x).tolist() == [3.0, 2.0]
    m = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert tg.matmul(input=m, other=m).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert tg.mm(input=m, mat2=m).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert tg.dot(input=x, tensor=y).item() == 11.0
    assert tg.maximum(input=x, other=y).tolist() == [3.0, 4.0]
    assert tg.max(input=x, other=y).tolist() == [3.0, 4.0]
    assert tg.where(condition=x > 1, input=x, other=y).tolist() == [3.0, 2.0]
    assert tg.clamp(input=x, min=1.5).tolist() == [1.5, 2.0]
    assert tg.exp(input=tg.zeros(1)).tolist() == [1.0]
    assert tg.sum(input=m, dim=0).tolist() == [4.0, 6.0]
    assert tg.cat(tensors=[x, y], dim=0).tolist() == [1.0, 2.0, 3.0, 4.0]
    assert [p.tolist() for p in tg.split(tensor=x, split_size_or_sections=1)] == [[1.0], [2.0]]
    with pytest.raises(TypeError):
        tg.mul(a=x, b=y)  # the old names are gone


def test_where_with_the_condition_alone_is_nonzero():
    rows, cols = tg.where(tg.tensor([[0.0, 1.0], [2.0, 0.0]]))
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]


# ---- against PyTorch ------------------------------------------------------------------------
_RNG = np.random.default_rng(0)
_A = (_RNG.random((2, 3)) + 0.5).astype(np.float32)
_B = (_RNG.random((3, 3)) + 0.5).astype(np.float32)
_V = (_RNG.random(3) + 0.5).astype(np.float32)
_C3 = (_RNG.random((2, 3, 3)) + 0.5).astype(np.float32)
_INT = _RNG.integers(0, 3, (2, 3))
_IDX = np.array([0, 1])
_IDX2 = np.array([[1, 0, 2], [2, 1, 0]])

OUT_CASES = [
    ("add", (_A, _A), {}), ("add", (_A, 2.0), {"alpha": 2}), ("sub", (_A, _A), {}), ("mul", (_A, _A), {}),
    ("div", (_A, _A), {}), ("div", (_A, _A), {"rounding_mode": "floor"}), ("pow", (_A, 2), {}), ("pow", (2, _A), {}),
    ("neg", (_A,), {}), ("matmul", (_A, _B), {}), ("mm", (_A, _B), {}), ("bmm", (_C3, _C3), {}), ("mv", (_B, _V), {}),
    ("dot", (_V, _V), {}), ("outer", (_V, _V), {}), ("exp", (_A,), {}), ("log", (_A,), {}), ("sqrt", (_A,), {}),
    ("abs", (_A,), {}), ("sin", (_A,), {}), ("cos", (_A,), {}), ("tanh", (_A,), {}), ("sigmoid", (_A,), {}),
    ("clamp", (_A, 0.6, 0.9), {}), ("clip", (_A, 0.6, 0.9), {}), ("maximum", (_A, _A), {}), ("minimum", (_A, _A), {}),
    ("max", (_A, _A), {}), ("min", (_A,), {}), ("max", (_A, 1), {}), ("sum", (_A, 0), {}), ("sum", (_INT, 1), {}),
    ("mean", (_A, 0), {}), ("mean", (_A, 0), {"dtype": "float64"}), ("prod", (_A, 1), {}), ("cumsum", (_A, 0), {}),
    ("logsumexp", (_A, 1), {}), ("cat", ([_A, _A],), {}), ("stack", ([_A, _A], 1), {}), ("softmax", (_A, 0), {}),
    ("log_softmax", (_A, 1), {}), ("tril", (_B,), {}), ("triu", (_B, 1), {}), ("index_select", (_A, 0, _IDX), {}),
    ("gather", (_A, 1, _IDX2), {}), ("sign", (_A,), {}), ("floor", (_A,), {}), ("round", (_A,), {"decimals": 1}),
    ("reciprocal", (_A,), {}), ("square", (_A,), {}), ("rsqrt", (_A,), {}), ("amax", (_A, 0), {}),
    ("argmax", (_A, 1), {}), ("var", (_A, 0), {}), ("std", (_A,), {}), ("all", (_A, 0), {}), ("any", (_A,), {}),
    ("sort", (_A,), {}), ("topk", (_A, 2), {}), ("where", (_A > 1, _A, _A), {}), ("norm", (_A,), {}),
    ("eq", (_A, _A), {}), ("lt", (_A, 1.0), {}), ("logical_and", (_A, _A), {}), ("atan2", (_A, _A), {}),
    ("lerp", (_A, _A, 0.5), {}), ("addcmul", (_A, _A, _A), {}), ("clamp_min", (_A, 0.7), {}), ("hypot", (_A, _A), {}),
    ("xlogy", (_A, _A), {}), ("fmod", (_A, 0.3), {}), ("remainder", (_A, 0.3), {}), ("true_divide", (_A, _A), {}),
    ("floor_divide", (_A, 0.3), {}), ("addmm", (_B, _B, _B), {}), ("erf", (_A,), {}), ("tan", (_A,), {}),
    ("logical_not", (_A,), {}), ("bitwise_not", (_INT,), {}), ("negative", (_A,), {}), ("absolute", (_A,), {}),
    ("signbit", (_A,), {}), ("multiply", (_A, _A), {}), ("divide", (_A, _A), {}), ("copysign", (_A, _A), {}),
    ("float_power", (_A, 2), {}), ("gcd", (_INT, _INT), {}), ("bitwise_and", (_INT, _INT), {}),
    ("nan_to_num", (_A,), {}), ("frexp", (_A,), {}), ("concat", ([_A, _A],), {}), ("hstack", ([_A, _A],), {}),
    ("vstack", ([_A, _A],), {}), ("column_stack", ([_A, _A],), {}), ("tensordot", (_A, _B), {"dims": 1}),
    ("cumprod", (_A, 0), {}), ("kron", (_A, _A), {}), ("inner", (_A, _A), {}), ("ger", (_V, _V), {}),
    ("vdot", (_V, _V), {}), ("addr", (_B, _V, _V), {}), ("diag", (_B,), {}), ("cross", (_B, _B), {"dim": 1}),
    ("logcumsumexp", (_A, 0), {}), ("nansum", (_A, 0), {}), ("nanmean", (_A, 0), {}), ("diff", (_A,), {}),
    ("msort", (_A,), {}), ("renorm", (_A, 2, 0, 1.0), {}), ("quantile", (_A, 0.5), {}), ("cummax", (_A, 0), {}),
    ("kthvalue", (_A, 2), {}), ("mode", (_A,), {}), ("median", (_A, 1), {}), ("aminmax", (_A,), {"dim": 0}),
    ("scatter", (_A, 1, _IDX2, _A), {}), ("scatter_add", (_A, 1, _IDX2, _A), {}), ("index_add", (_A, 0, _IDX, _A), {}),
    ("index_copy", (_A, 0, _IDX, _A), {}), ("masked_select", (_A, _A > 0.9), {}), ("take", (_A, _IDX), {}),
    ("take_along_dim", (_A, _IDX2, 1), {}), ("nonzero", (_A,), {}), ("histc", (_A,), {}),
    ("bucketize", (_A, np.sort(_V)), {}), ("searchsorted", (np.sort(_V), _A), {}), ("sinc", (_A,), {}),
    ("deg2rad", (_A,), {}), ("lgamma", (_A,), {}), ("logit", (_A / 2,), {}), ("polygamma", (1, _A), {}),
]
# (out dtype or "same", out shape: "right", "empty" or "wrong")
OUT_KINDS = [("same", "right"), ("same", "empty"), ("same", "wrong"), ("float64", "right"), ("float16", "right"),
             ("int64", "right"), ("bool", "right")]
# PyTorch has no kernel for these combinations (a NotImplementedError of its own); here they compute
_NO_TORCH_KERNEL = {("cumsum", "bool"), ("cumprod", "bool"), ("nansum", "int64")}


def _on(lib, value):
    if isinstance(value, np.ndarray):
        return lib.tensor(value)
    if isinstance(value, list):
        return [_on(lib, v) for v in value]
    return value


def _out_like(lib, result, dtype: str, shape: str):
    if isinstance(result, tuple):
        return tuple(_out_like(lib, r, dtype, shape) for r in result)
    dt = result.dtype if dtype == "same" else getattr(lib, dtype)
    size = {"right": tuple(result.shape), "empty": (0,), "wrong": (7,)}[shape]
    return lib.zeros(size, dtype=dt)


def _run_with_out(lib, name: str, args, kwargs, dtype: str, shape: str):
    """What the call with out= does: ('ok', dtypes, values, returned out itself, resize warnings)
    or ('error', kind of exception)."""
    fn = getattr(lib, name)
    args = [_on(lib, a) for a in args]
    kwargs = {k: getattr(lib, v) if k == "dtype" else v for k, v in kwargs.items()}
    out = _out_like(lib, fn(*args, **kwargs), dtype, shape)
    try:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            result = fn(*args, **kwargs, out=out)
    except (RuntimeError, TypeError) as err:
        return "error", "RuntimeError" if isinstance(err, RuntimeError) else "TypeError"
    results = result if isinstance(result, tuple) else (result,)
    outs = out if isinstance(out, tuple) else (out,)
    return ("ok", [str(r.dtype).replace("torch.", "") for r in results],
            [np.asarray(r.tolist(), dtype=np.float64) for r in results],
            all(r is o for r, o in zip(results, outs)), len(_resize_warnings(record)))


@pytest.mark.parametrize("name,args,kwargs", OUT_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(OUT_CASES)])
def test_out_matches_pytorch(torch, name, args, kwargs):
    for dtype, shape in OUT_KINDS:
        if (name, dtype) in _NO_TORCH_KERNEL or (name, shape) == ("narrow_copy", "wrong"):
            continue
        expected = _run_with_out(torch, name, args, kwargs, dtype, shape)
        got = _run_with_out(tg, name, args, kwargs, dtype, shape)
        where = f"{name} with out of dtype {dtype}, shape {shape}"
        assert got[0] == expected[0], f"{where}: PyTorch {expected}, here {got}"
        if expected[0] == "error":
            assert got[1] == expected[1] or got[1] == "RuntimeError" and expected[1] == "RuntimeError", where
            continue
        assert got[1] == expected[1] and got[3] == expected[3] and got[4] == expected[4], (where, expected, got)
        for mine, theirs in zip(got[2], expected[2]):
            np.testing.assert_allclose(mine, theirs, rtol=2e-3, atol=2e-3, err_msg=where)


@pytest.mark.parametrize("name,args", [("add", lambda x, y: (x, y)), ("matmul", lambda x, y: (x, y.T)),
                                       ("exp", lambda x, y: (x,)), ("sum", lambda x, y: (x, 0)),
                                       ("floor", lambda x, y: (x,)), ("eq", lambda x, y: (x, y)),
                                       ("argmax", lambda x, y: (x, 1))])
def test_out_and_autograd_match_pytorch(torch, name, args):
    def run(lib, x_requires_grad: bool, out_requires_grad: bool, grad_mode: bool):
        x = lib.tensor(_A.astype(np.float64), requires_grad=x_requires_grad)
        y = lib.tensor(_A.astype(np.float64))
        plain = getattr(lib, name)(*args(x.detach(), y))
        is_float = plain.dtype.is_floating_point if lib is torch else plain.dtype.kind == "f"
        out = lib.zeros(plain.shape, dtype=plain.dtype, requires_grad=out_requires_grad and is_float)
        with lib.set_grad_enabled(grad_mode):
            try:
                getattr(lib, name)(*args(x, y), out=out)
            except RuntimeError:
                return "refused"
        return "written", out.requires_grad

    for flags in [(True, False, True), (False, True, True), (True, True, False), (False, False, True)]:
        assert run(tg, *flags) == run(torch, *flags), (name, flags)


# =============================================================================================
# 2. storage, untyped_storage, as_strided
# =============================================================================================

def test_views_share_their_storage():
    t = tg.zeros(4, 4)
    b = t.view(2, 8)
    assert t.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
    assert t.T.untyped_storage().data_ptr() == t.untyped_storage().data_ptr()
    assert t[1:].untyped_storage().data_ptr() == t.data_ptr() != t[1:].data_ptr()
    assert t.clone().untyped_storage().data_ptr() != t.untyped_storage().data_ptr()
    storage = t[2:].untyped_storage()
    assert storage.nbytes() == storage.size() == len(storage) == 128 and storage.element_size() == 1
    assert tg.zeros(3).expand(4, 3).untyped_storage().nbytes() == 24  # an expand adds no memory
    assert tg.tensor([1], dtype=tg.int16).untyped_storage().tolist() == [1, 0]  # (little-endian bytes)


def test_storage_is_typed_and_warns_once(monkeypatch):
    monkeypatch.setattr(tensor_indexing, "_TYPED_STORAGE_WARNED", [])
    t = tg.arange(6.0).reshape(2, 3)
    with pytest.warns(UserWarning, match="TypedStorage is deprecated"):
        storage = t[1].storage()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.storage()  # (once per process, as PyTorch)
    assert storage.dtype == np.float64 and storage.size() == len(storage) == 6
    assert storage.nbytes() == 48 and storage.element_size() == 8 and storage.data_ptr() == t.data_ptr()
    assert storage.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and storage[4] == 4.0
    assert storage.untyped().nbytes() == 48 and storage.device == tg.device("cpu")
    assert repr(storage).splitlines()[-1].endswith("of size 6]")


def test_storage_matches_pytorch(torch):
    for lib in (tg, torch):
        lib.manual_seed(0)
    shapes = [((4, 4), lambda t: t.view(2, 8)), ((4, 4), lambda t: t[1:]), ((3, 2), lambda t: t.t()),
              ((3,), lambda t: t.expand(4, 3)), ((2, 3), lambda t: t[:, 1])]
    for shape, view in shapes:
        got = view(tg.zeros(shape, dtype=tg.float32))
        expected = view(torch.zeros(shape))
        assert got.untyped_storage().nbytes() == expected.untyped_storage().nbytes()
        assert got.storage_offset() == expected.storage_offset() and got.stride() == expected.stride()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert got.storage().size() == expected.storage().size()


def test_as_strided_reads_and_writes_through():
    a = tg.arange(9.0)
    s = a.as_strided((2, 2), (3, 1), 1)
    assert s.tolist() == [[1.0, 2.0], [4.0, 5.0]] and s.stride() == (3, 1) and s.storage_offset() == 1
    s.mul_(-1)
    assert a.tolist() == [0.0, -1.0, -2.0, 3.0, -4.0, -5.0, 6.0, 7.0, 8.0]
    assert a._version == s._version == 1
    assert tg.as_strided(a, (3,), (3,)).tolist() == [0.0, 3.0, 6.0]
    assert a[3:].as_strided((2,), (1,)).tolist() == [3.0, -4.0]  # its own offset by default
    assert a[3:].as_strided((2,), (1,), 0).tolist() == [0.0, -1.0]  # the offset is in the storage
    assert tg.as_strided(input=a, size=(2,), stride=(0,), storage_offset=8).tolist() == [8.0, 8.0]
    assert a.as_strided((), (), 3).item() == 3.0 and a.as_strided((0, 2), (1, 1), 20).shape == (0, 2)


def test_as_strided_errors():
    a = tg.arange(9.0)
    with pytest.raises(RuntimeError, match=r"out of bounds for storage of size 72"):
        a.as_strided((2, 2), (3, 1), 6)
    with pytest.raises(RuntimeError, match="mismatch in length of strides and shape"):
        a.as_strided((2, 2), (3,))
    with pytest.raises(RuntimeError, match="Negative strides"):
        a.as_strided((2,), (-1,), 3)
    with pytest.raises(RuntimeError, match="invalid storage offset -1"):
        a.as_strided((2,), (1,), -1)
    with pytest.raises(RuntimeError, match="negative"):
        a.as_strided((-1,), (1,))
    with pytest.raises(TypeError, match="'size' must be a tuple of ints"):
        a.as_strided(2, (1,))
    windows = a.as_strided((3, 2), (1, 1))  # overlapping windows: one place read twice
    with pytest.raises(RuntimeError, match="read-only"):
        windows.mul_(2)
    x = tg.arange(6.0, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="view of another tensor that requires grad"):
        x.as_strided((2,), (2,), 1).mul_(2)


def test_as_strided_gradients():
    x = tg.arange(6.0, requires_grad=True)
    x.as_strided((3, 2), (1, 1)).backward(tg.ones(3, 2))  # overlapping windows add up
    assert x.grad.tolist() == [1.0, 2.0, 2.0, 1.0, 0.0, 0.0]
    x = tg.arange(6.0, requires_grad=True)
    x[2:].as_strided((3,), (1,), 0).backward(tg.tensor([1.0, 2.0, 3.0]))  # places 0, 1 lie outside x[2:]
    assert x.grad.tolist() == [0.0, 0.0, 3.0, 0.0, 0.0, 0.0]
    x = tg.arange(3.0, requires_grad=True)
    x.expand(2, 3).as_strided((3,), (1,)).backward(tg.tensor([1.0, 2.0, 3.0]))  # shared places split
    assert x.grad.tolist() == [1.0, 2.0, 3.0]
    y = tg.randn(2, 3, dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(lambda y: y.t().as_strided((2, 2), (1, 2), 1), (y,))
    assert tg.gradgradcheck(lambda y: tg.as_strided(y, (5, 2), (1, 1)) ** 2, (y,))
    assert x.as_strided((2,), (1,)).grad_fn.name() == "AsStridedBackward0"


def test_as_strided_matches_pytorch(torch):
    geometries = [((2, 2), (3, 1), 1), ((3, 2), (1, 1), None), ((4,), (0,), 2), ((2, 3), (1, 2), 0), ((), (), 5)]
    for view in (lambda t: t, lambda t: t.view(2, 3, 2).transpose(0, 2), lambda t: t[2:]):
        for size, stride, offset in geometries:
            values = np.arange(12.0)
            grads = []
            for lib in (tg, torch):
                x = lib.tensor(values, requires_grad=True)
                y = view(x * 1).as_strided(size, stride, offset)
                weights = lib.tensor(np.arange(1.0, 1.0 + int(np.prod(size))).reshape(size))
                (y * weights).sum().backward()
                grads.append((y.tolist(), x.grad.tolist(), y.storage_offset(), y.stride()))
            assert grads[0] == grads[1], (size, stride, offset)


def test_as_strided_errors_match_pytorch(torch):
    for size, stride, offset in [((2, 2), (3, 1), 6), ((2, 2), (3,), 0), ((2,), (-1,), 3), ((2,), (1,), -1),
                                 ((0,), (1,), 10), ((10,), (1,), 0)]:
        outcomes = []
        for lib in (tg, torch):
            try:
                outcomes.append(tuple(lib.arange(9.0).as_strided(size, stride, offset).shape))
            except RuntimeError:
                outcomes.append("RuntimeError")
        assert outcomes[0] == outcomes[1], (size, stride, offset)


# =============================================================================================
# 3. dtypes that PyTorch does not mix
# =============================================================================================

@pytest.fixture
def float64_default():
    before = tg.get_default_dtype()
    tg.set_default_dtype(tg.float64)
    yield
    tg.set_default_dtype(before)


def test_linear_refuses_a_batch_of_another_dtype(float64_default):
    layer = nn.Linear(5, 2)
    with pytest.raises(RuntimeError, match="linear: input has dtype float32 but weight has dtype float64"):
        layer(tg.ones(1, 5, dtype=tg.float32))
    assert layer(tg.ones(1, 5)).dtype == np.float64
    with pytest.raises(RuntimeError, match="linear: bias has dtype float32 but weight has dtype float64"):
        F.linear(tg.ones(1, 5), layer.weight, tg.zeros(2, dtype=tg.float32))
    with pytest.raises(RuntimeError, match="int64"):
        F.linear(tg.ones(1, 5, dtype=tg.int64), layer.weight)


def test_binary_cross_entropy_needs_the_targets_dtype(float64_default):
    with pytest.raises(RuntimeError, match="cross_entropy: input has dtype float64 but target has dtype float32"):
        F.binary_cross_entropy(tg.full((2,), 0.5), tg.ones(2, dtype=tg.float32))
    with pytest.raises(RuntimeError, match="target has dtype int64"):
        F.binary_cross_entropy(tg.full((2,), 0.5), tg.ones(2, dtype=tg.int64))
    assert F.binary_cross_entropy(tg.full((2,), 0.5), [1.0, 0.0]).item() == pytest.approx(np.log(2))
    weighted = F.binary_cross_entropy(tg.full((2,), 0.5, dtype=tg.float32), tg.ones(2, dtype=tg.float32),
                                      weight=tg.ones(2))
    assert weighted.dtype == np.float32  # the loss keeps the input's dtype


def test_class_losses_need_weights_of_the_inputs_dtype_and_long_targets():
    logits = tg.zeros(2, 3, dtype=tg.float32)
    target = tg.tensor([0, 2])
    for loss in (F.nll_loss, F.cross_entropy):
        with pytest.raises(RuntimeError, match="input has dtype float32 but weight has dtype float64"):
            loss(logits, target, weight=tg.ones(3))
        with pytest.raises(RuntimeError, match="int64 \\(or uint8\\)"):
            loss(logits, target.int())
        assert loss(logits, target.to(tg.uint8)).dtype == np.float32
    with pytest.raises(RuntimeError, match="weight has dtype float64"):
        F.cross_entropy(logits, target, weight=tg.ones(3), label_smoothing=0.1)
    soft = F.cross_entropy(logits, tg.full((2, 3), 1 / 3, dtype=tg.float32), weight=tg.ones(3))
    assert soft.dtype == np.float64 and soft.item() == pytest.approx(np.log(3))  # promoted, as in PyTorch
    assert F.mse_loss(tg.zeros(2, dtype=tg.float32), tg.ones(2)).dtype == np.float64  # mse promotes


def test_embedding_takes_int64_and_int32_indices():
    weight = tg.eye(3)
    assert F.embedding(tg.tensor([2], dtype=tg.int32), weight).tolist() == [[0.0, 0.0, 1.0]]
    for dtype in (tg.int16, tg.uint8, tg.float32):
        with pytest.raises(RuntimeError, match="embedding: indices must be integers of dtype int64 \\(or int32\\)"):
            F.embedding(tg.tensor([0, 1]).to(dtype), weight)


DTYPE_CASES = [
    ("linear", [("float32", (2, 5)), ("float64", (3, 5))], {}),
    ("linear", [("float64", (5,)), ("float32", (3, 5))], {}),
    ("linear", [("float32", (2, 4, 5)), ("float32", (3, 5)), ("float64", (3,))], {}),
    ("linear", [("int64", (2, 5)), ("float32", (3, 5))], {}),
    ("linear", [("float32", (2, 5)), ("float32", (3, 5)), ("float32", (3,))], {}),
    ("binary_cross_entropy", [("float64", (2,)), ("float32", (2,))], {}),
    ("binary_cross_entropy", [("float32", (2,)), ("int64", (2,))], {}),
    ("binary_cross_entropy", [("float32", (2,)), ("float32", (2,))], {"weight": ("float64", (2,))}),
    ("mse_loss", [("float32", (2,)), ("float64", (2,))], {}),
    ("l1_loss", [("float32", (2,)), ("float64", (2,))], {}),
    ("nll_loss", [("float32", (2, 3)), ("int64", (2,))], {"weight": ("float64", (3,))}),
    ("nll_loss", [("float32", (3,)), ("int64", ())], {"weight": ("float64", (3,))}),
    ("nll_loss", [("float32", (2, 3)), ("int32", (2,))], {}),
    ("nll_loss", [("float32", (2, 3)), ("uint8", (2,))], {}),
    ("cross_entropy", [("float64", (2, 3)), ("int64", (2,))], {"weight": ("float32", (3,))}),
    ("cross_entropy", [("float32", (2, 3, 4)), ("int64", (2, 4))], {"weight": ("float64", (3,))}),
    ("cross_entropy", [("float32", (2, 3)), ("int64", (2,))], {"weight": ("float64", (3,)), "label_smoothing": 0.1}),
    ("cross_entropy", [("float32", (2, 3)), ("float64", (2, 3))], {}),
    ("cross_entropy", [("float32", (2, 3)), ("float32", (2, 3))], {"weight": ("float64", (3,))}),
    ("cross_entropy", [("float32", (2, 3)), ("int32", (2,))], {}),
    ("embedding", [("int32", (2,)), ("float32", (3, 2))], {}),
    ("embedding", [("int16", (2,)), ("float32", (3, 2))], {}),
    ("embedding", [("uint8", (2,)), ("float64", (3, 2))], {}),
]


@pytest.mark.parametrize("name,args,kwargs", DTYPE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(DTYPE_CASES)])
def test_dtype_checks_match_pytorch(torch, name, args, kwargs):
    import torch.nn.functional as torch_F

    def make(lib, spec):
        dtype, shape = spec
        values = np.zeros(shape) if dtype[0] in "iu" else np.linspace(0.1, 0.9, int(np.prod(shape))).reshape(shape)
        return lib.tensor(values.astype(dtype))

    outcomes = []
    for lib, functional in ((tg, F), (torch, torch_F)):
        inputs = [make(lib, s) for s in args]
        options = {k: make(lib, v) if isinstance(v, tuple) else v for k, v in kwargs.items()}
        try:
            outcomes.append(str(getattr(functional, name)(*inputs, **options).dtype).replace("torch.", ""))
        except RuntimeError:
            outcomes.append("RuntimeError")
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("module", ["tinygrad_edu.storage", "tinygrad_edu.functions", "tinygrad_edu.tensor_indexing"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
