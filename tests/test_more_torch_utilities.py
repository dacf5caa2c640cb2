"""PyTorch utilities that training scripts call: tg.compile, the float32 matmul precision,
tg.testing (assert_close, make_tensor), the promotion functions (result_type, can_cast,
promote_types), tg.asarray, tg.typename, tg.vmap, and tg.amp (autocast, GradScaler). Each is
compared with PyTorch when it is installed and checked by hand otherwise."""
from __future__ import annotations

import doctest
import importlib
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import amp as tg_amp


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("module", ["promotion", "arrays", "compiling", "amp", "testing"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(f"tinygrad_edu.{module}"),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def _raised(fn, *args, **kwargs):
    """(exception type name, message) of what fn raises, or None."""
    try:
        fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
    return None


# ---- tg.compile ----------------------------------------------------------------------------------

def test_compile_returns_the_function_or_module_itself():
    model = tg.nn.Linear(2, 3)
    assert tg.compile(model) is model
    assert tg.compile(model, mode="reduce-overhead", fullgraph=True, dynamic=False) is model
    assert sorted(tg.compile(model).state_dict()) == ["bias", "weight"]  # no "_orig_mod." prefix

    def f(x):
        return x * 2

    assert tg.compile(f) is f and tg.compile(f, disable=True) is f and tg.compile(f, backend="eager") is f

    @tg.compile
    def g(x):
        return x + 1

    @tg.compile(mode="max-autotune")
    def h(x):
        return x - 1

    assert g(tg.tensor([1.0])).tolist() == [2.0] and h(tg.tensor([1.0])).tolist() == [0.0]


def test_compile_errors():
    with pytest.raises(RuntimeError, match="Unrecognized mode=fast, should be one of: default"):
        tg.compile(lambda x: x, mode="fast")
    with pytest.raises(RuntimeError, match="Either mode or options"):
        tg.compile(lambda x: x, mode="default", options={"a": 1})
    decorate = tg.compile(mode="bogus")  # the decorator form checks when it is applied, as torch's
    with pytest.raises(RuntimeError, match="Unrecognized mode=bogus"):
        decorate(lambda x: x)
    with pytest.raises(RuntimeError, match="Unrecognized mode"):
        tg.compile(3, mode="bogus")  # mode is checked before the callable, as torch
    with pytest.raises(AssertionError, match="A callable function is expected"):
        tg.compile(3)
    with pytest.raises(RuntimeError, match="Invalid backend: 'nonsense'"):  # (InvalidBackend, as torch's)
        tg.compile(lambda x: x, backend="nonsense")
    decorate = tg.compile(backend="nonsense")  # checked when applied, as torch's
    with pytest.raises(RuntimeError, match="Invalid backend"):
        decorate(lambda x: x)
    for backend in tg.compiler.list_backends(exclude_tags=()):
        assert tg.compile(abs, backend=backend) is abs


def test_compile_errors_match_torch(torch):
    for kwargs in [{"mode": "fast"}, {"mode": "default", "options": {"a": 1}}]:
        assert _raised(tg.compile, tg.nn.Linear(1, 1), **kwargs) == _raised(torch.compile, torch.nn.Linear(1, 1),
                                                                              **kwargs)
    assert _raised(tg.compile, 3)[0] == _raised(torch.compile, 3)[0] == "AssertionError"
    bad = _raised(tg.compile, tg.nn.Linear(1, 1), backend="nonsense")
    assert bad[0] == _raised(torch.compile, torch.nn.Linear(1, 1), backend="nonsense")[0] == "InvalidBackend"
    compiled = torch.compile(torch.nn.Linear(1, 1), backend="eager")  # what torch does, documented in compile
    assert list(compiled.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]


def test_float32_matmul_precision():
    assert tg.get_float32_matmul_precision() == "highest"
    try:
        for value in ["high", "medium", "highest"]:
            tg.set_float32_matmul_precision(value)
            assert tg.get_float32_matmul_precision() == value
        tg.set_float32_matmul_precision("medium")
        with pytest.warns(UserWarning, match="bad is not one of 'highest', 'high', or 'medium'"):
            tg.set_float32_matmul_precision("bad")
        assert tg.get_float32_matmul_precision() == "medium"  # unchanged
        with pytest.raises(RuntimeError, match="expects a str, but got int"):
            tg.set_float32_matmul_precision(3)
    finally:
        tg.set_float32_matmul_precision("highest")


def test_float32_matmul_precision_matches_torch(torch):
    assert tg.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    assert _raised(tg.set_float32_matmul_precision, 3) == _raised(torch.set_float32_matmul_precision, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.set_float32_matmul_precision("bad")
        tg.set_float32_matmul_precision("bad")
    assert [w.category for w in caught] == [UserWarning, UserWarning]
    assert tg.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"


# ---- tg.testing.assert_close ---------------------------------------------------------------------

def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_assert_close_passes_within_the_dtype_tolerance():
    tg.testing.assert_close(tg.tensor([1.0, 2.0], dtype=tg.float32), tg.tensor([1.0, 2.0 + 5e-6], dtype=tg.float32))
    tg.testing.assert_close(tg.tensor([1.0], dtype=tg.float16), tg.tensor([1.001], dtype=tg.float16))
    tg.testing.assert_close(tg.tensor([np.nan]), tg.tensor([np.nan]), equal_nan=True)
    tg.testing.assert_close(tg.tensor([np.inf]), tg.tensor([np.inf]))
    tg.testing.assert_close(tg.tensor([1.0]), tg.tensor([1.1]), rtol=0.2, atol=0)
    tg.testing.assert_close(tg.tensor([1.0], dtype=tg.float32), tg.tensor([1.0]), check_dtype=False)
    tg.testing.assert_close([1.0, (2, {"a": tg.tensor([3])})], (1.0, [2, {"a": tg.tensor([3])}]))
    tg.testing.assert_close(np.array([1.0]), np.array([1.0 + 1e-9]))
    tg.testing.assert_close(tg.tensor([1.0], requires_grad=True), tg.tensor([1.0]))
    tg.testing.assert_close(None, None)


def test_assert_close_messages_by_hand():
    text = _message(tg.testing.assert_close, tg.tensor([[1.0, 2.0], [3.0, 4.0]]), tg.tensor([[1.0, 2.0], [3.5, 5.0]]))
    assert text == ("Tensor-likes are not close!\n\nMismatched elements: 2 / 4 (50.0%)\n"
                    "Greatest absolute difference: 1.0 at index (1, 1) (up to 1e-07 allowed)\n"
                    "Greatest relative difference: 0.2 at index (1, 1) (up to 1e-07 allowed)")
    assert _message(tg.testing.assert_close, 1, 2) == ("Scalars are not equal!\n\nExpected 2 but got 1.\n"
                                                       "Absolute difference: 1\nRelative difference: 0.5")
    assert "The failure occurred for item [1]['b']" in _message(
        tg.testing.assert_close, [1, {"b": tg.tensor([2.0])}], [1, {"b": tg.tensor([3.0])}])
    assert _message(tg.testing.assert_close, tg.tensor([1.0]), tg.tensor([2.0]), msg="mine") == "mine"
    assert _message(tg.testing.assert_close, tg.tensor([1.0]), tg.tensor([2.0]),
                    msg=lambda m: "X" + m[:5]) == "XTenso"
    assert "attribute 'shape' do not match: (1,) != (2,)" in _message(
        tg.testing.assert_close, tg.tensor([1.0]), tg.tensor([1.0, 2.0]))
    assert "attribute 'dtype' do not match: float32 != float64" in _message(
        tg.testing.assert_close, tg.tensor([1.0], dtype=tg.float32), tg.tensor([1.0]))
    assert "Greatest absolute difference: nan at index (0,)" in _message(
        tg.testing.assert_close, tg.tensor([np.nan]), tg.tensor([np.nan]))
    assert "Relative difference: inf" in _message(tg.testing.assert_close, 1.0, 0.0)
    assert "stride()" in _message(tg.testing.assert_close, tg.ones(2, 3).t(), tg.ones(3, 2), check_stride=True)


def test_assert_close_errors():
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol' must be either specified or omitted, but got no atol"):
        tg.testing.assert_close(tg.tensor([1.0]), tg.tensor([1.0]), rtol=0.1)
    with pytest.raises(TypeError, match="No comparison pair"):
        tg.testing.assert_close(tg.tensor([1.0]), [1.0])
    with pytest.raises(TypeError, match="No comparison pair"):
        tg.testing.assert_close(tg.tensor(1.0), 1.0)
    with pytest.raises(TypeError, match="No comparison pair"):
        tg.testing.assert_close("a", "a")
    with pytest.raises(AssertionError, match="The length of the sequences mismatch: 2 != 3"):
        tg.testing.assert_close([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(AssertionError, match=r"Missing keys in the actual mapping: \['b'\]"):
        tg.testing.assert_close({"a": 1}, {"b": 1})
    with pytest.raises(AssertionError, match=r"The \(d\)types do not match"):
        tg.testing.assert_close(1.0, 1)
    with pytest.raises(AssertionError, match="Booleans mismatch: True is not False"):
        tg.testing.assert_close(True, False)
    with pytest.raises(AssertionError, match="None mismatch: None is not 1"):
        tg.testing.assert_close(None, 1)

    class Sub(tg.Tensor):
        pass

    tg.testing.assert_close(Sub([1.0]), tg.tensor([1.0]))  # a subclass is allowed by default
    with pytest.raises(TypeError, match="No comparison pair"):
        tg.testing.assert_close(Sub([1.0]), tg.tensor([1.0]), allow_subclasses=False)


ASSERT_CLOSE_CASES = [  # (actual, expected, kwargs); values given as (list, dtype name) for tensors
    (([1.0, 2.0, 3.0], "float32"), ([1.0, 2.1, 3.0], "float32"), {}),
    (([[1.0, 2.0], [3.0, 4.0]], "float64"), ([[1.0, 2.0], [3.5, 5.0]], "float64"), {}),
    (([1, 2, 3], "int64"), ([1, 2, 7], "int64"), {}),
    (([True, False], "bool"), ([False, False], "bool"), {}),
    (([0.0, 1.0], "float32"), ([1.0, 1.0], "float32"), {}),
    (([np.inf], "float32"), ([-np.inf], "float32"), {}),
    (([np.nan, 1.0], "float64"), ([np.nan, 1.0], "float64"), {}),
    (([1.0], "float16"), ([1.01], "float16"), {}),
    ((2.0, "float32"), (1.0, "float32"), {}),  # 0-d: reported as scalars
    (([1.0], "float32"), ([1.0], "float64"), {}),
    (([1.0], "float32"), ([1.1], "float64"), {"check_dtype": False}),
    (([1.0], "float32"), ([1.0, 2.0], "float32"), {}),
    (([1.0], "float32"), ([1.5], "float32"), {"rtol": 0.1, "atol": 0.01}),
    (1.0, 1.1, {}), (1, 2, {}), (1.0, 1, {}), (True, False, {}),
    ([1.0, 2.0], [1.0, 2.0, 3.0], {}),
    ({"a": ([1.0], "float32"), "b": ([2.0], "float32")}, {"a": ([1.0], "float32"), "b": ([3.0], "float32")}, {}),
    ({"a": 1}, {"b": 1}, {}),
    ([([1.0], "float32"), [2, ([3.0], "float32")]], [([1.0], "float32"), [2, ([4.0], "float32")]], {}),
]


def _build(lib, spec):
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], str):
        return lib.as_tensor(np.array(spec[0], dtype=spec[1]))  # (numpy: exact float64 values)
    if isinstance(spec, dict):
        return {k: _build(lib, v) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_build(lib, v) for v in spec]
    return spec


def _torch_names(text: str) -> str:
    """torch's message with our spellings of sizes and dtypes."""
    import re
    def size(match):
        return str(tuple(int(x) for x in match.group(1).split(",") if x))

    text = re.sub(r"torch\.Size\(\[([^\]]*)\]\)", size, text)
    return text.replace("torch.", "")


@pytest.mark.parametrize("case", range(len(ASSERT_CLOSE_CASES)))
def test_assert_close_matches_torch(torch, case):
    tg.set_default_dtype(tg.float32)  # torch's default: relative differences of ints are computed in it
    actual, expected, kwargs = ASSERT_CLOSE_CASES[case]
    ours = _raised(tg.testing.assert_close, _build(tg, actual), _build(tg, expected), **kwargs)
    theirs = _raised(torch.testing.assert_close, _build(torch, actual), _build(torch, expected), **kwargs)
    assert ours is not None or theirs is None
    assert (ours and ours[0]) == (theirs and theirs[0])
    if theirs is not None:
        assert ours[1] == _torch_names(theirs[1])


def test_make_tensor():
    tg.manual_seed(0)
    t = tg.testing.make_tensor(3, 4, dtype=tg.float32, device="cpu")
    assert t.shape == (3, 4) and t.dtype == tg.float32 and float(t.abs().max()) <= 9
    i = tg.testing.make_tensor((50,), dtype=tg.int64, device="cpu", low=-2, high=3)
    assert i.dtype == tg.int64 and set(i.tolist()) <= {-2, -1, 0, 1, 2}
    assert tg.testing.make_tensor(50, dtype=tg.uint8, device="cpu").numpy().max() < 10
    assert tg.testing.make_tensor(4, dtype=tg.bool, device="cpu").dtype == tg.bool
    nz = tg.testing.make_tensor(200, dtype=tg.int64, device="cpu", low=-1, high=2, exclude_zero=True)
    assert 0 not in nz.tolist()
    g = tg.testing.make_tensor(2, dtype=tg.float64, device="cpu", requires_grad=True)
    assert g.requires_grad and g.is_leaf
    assert not tg.testing.make_tensor(2, 3, dtype=tg.float32, device="cpu", noncontiguous=True).is_contiguous()
    with pytest.raises(ValueError, match="`low` must be less than `high`, but got 5 >= 1"):
        tg.testing.make_tensor(2, dtype=tg.float32, device="cpu", low=5, high=1)
    with pytest.raises(RuntimeError, match="CPU"):
        tg.testing.make_tensor(2, dtype=tg.float32, device="cuda")


def test_make_tensor_error_matches_torch(torch):
    theirs = _raised(torch.testing.make_tensor, 2, dtype=torch.float32, device="cpu", low=5, high=1)
    assert _raised(tg.testing.make_tensor, 2, dtype=tg.float32, device="cpu", low=5, high=1) == theirs


# ---- promotion -----------------------------------------------------------------------------------
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def test_promotion_by_hand():
    long, i32, f32, f16 = tg.tensor([1]), tg.tensor([1], dtype=tg.int32), tg.tensor([1.0], dtype=tg.float32), \
        tg.tensor([1.0], dtype=tg.float16)
    assert tg.result_type(long, 2.0) == tg.get_default_dtype()  # numpy-free rule: a float number -> default
    tg.set_default_dtype(tg.float32)
    assert tg.result_type(long, 2.0) == tg.float32  # numpy would say float64
    assert tg.result_type(i32, 2) == tg.int32
    assert tg.result_type(i32, tg.tensor(2.0, dtype=tg.float64)) == tg.float64  # higher category: promotes
    assert tg.result_type(f32, tg.tensor(2.0, dtype=tg.float64)) == tg.float32  # same category: dims win
    assert tg.result_type(f16, tg.tensor(2)) == tg.float16
    assert tg.result_type(tg.tensor([True]), 2) == tg.int64 and tg.result_type(tg.tensor([True]), True) == tg.bool
    assert tg.result_type(tg.tensor(1), 2.5) == tg.float32 and tg.result_type(2, 3.0) == tg.float32
    assert tg.result_type(tg.tensor([1], dtype=tg.uint8), -1) == tg.uint8
    assert tg.result_type(tg.tensor(1, dtype=tg.int8), tg.tensor(1, dtype=tg.uint8)) == tg.int16
    assert tg.promote_types(tg.int64, tg.float16) == tg.float16 and tg.promote_types(tg.bool, tg.uint8) == tg.uint8
    assert tg.can_cast(tg.float64, tg.float16) and tg.can_cast(tg.bool, tg.int8)
    assert not tg.can_cast(tg.float16, tg.int64) and not tg.can_cast(tg.uint8, tg.bool)
    with pytest.raises(TypeError, match="result_type"):
        tg.result_type(long, "x")
    with pytest.raises(TypeError, match="argument 'to'"):
        tg.can_cast(tg.int64, "x")
    with pytest.raises(TypeError, match="argument 'type2'"):
        tg.promote_types(tg.int64, float)


def test_promote_types_and_can_cast_match_torch(torch):
    for a in DTYPES:
        for b in DTYPES:
            ours = tg.promote_types(getattr(tg, a), getattr(tg, b))
            assert f"torch.{ours.name}".replace("torch.bool", "torch.bool") == str(
                torch.promote_types(getattr(torch, a), getattr(torch, b))), (a, b)
            assert tg.can_cast(getattr(tg, a), getattr(tg, b)) == torch.can_cast(getattr(torch, a), getattr(torch, b))


def _operand(lib, kind: str, name: str):
    """A 1-d tensor, a 0-d tensor or a Python number of dtype `name`."""
    value = {"bool": True, "float16": 1.5, "float32": 1.5, "float64": 1.5}.get(name, 3)
    if kind == "number":
        return value
    return lib.tensor([value] if kind == "dims" else value, dtype=getattr(lib, name))


@pytest.mark.parametrize("kinds", [("dims", "dims"), ("dims", "zero"), ("zero", "dims"), ("dims", "number"),
                                   ("number", "dims"), ("zero", "zero"), ("zero", "number"), ("number", "number")])
def test_result_type_matches_torch(torch, kinds):
    tg.set_default_dtype(tg.float32)  # torch's default
    numbers = {"bool": "bool", "int64": "int64", "float64": "float32"}  # a number's kind stands for these
    for a in DTYPES if kinds[0] != "number" else numbers:
        for b in DTYPES if kinds[1] != "number" else numbers:
            ours = tg.result_type(_operand(tg, kinds[0], a), _operand(tg, kinds[1], b))
            theirs = torch.result_type(_operand(torch, kinds[0], a), _operand(torch, kinds[1], b))
            assert f"torch.{ours.name}" == str(theirs), (kinds, a, b)
            if kinds[0] != "number" or kinds[1] != "number":  # and the ops themselves agree with it
                assert (_operand(tg, kinds[0], a) * _operand(tg, kinds[1], b)).dtype == ours or "bool" in (a, b)


# ---- asarray, typename, vmap ---------------------------------------------------------------------

def test_asarray_shares_memory_when_it_can():
    a = np.arange(3.0)
    t = tg.asarray(a)
    t[0] = 9.0
    assert a[0] == 9.0 and t.dtype == tg.float64
    assert tg.asarray(t) is t and tg.asarray(t, dtype=tg.float64, copy=False) is t
    copied = tg.asarray(a, copy=True)
    copied[1] = -1.0
    assert a[1] == 1.0
    assert tg.asarray(t, dtype=tg.float32).dtype == tg.float32
    assert tg.asarray([1.0, 2]).dtype == tg.get_default_dtype() and tg.asarray([1, 2]).dtype == tg.int64
    assert tg.asarray(np.float32(2.5)).dtype == tg.float32 and tg.asarray(np.float32(2.5)).shape == ()
    assert tg.asarray(True).dtype == tg.bool
    with pytest.raises(ValueError, match="can't alias tensor with dtype 'Double' into dtype 'Float'"):
        tg.asarray(a, dtype=tg.float32, copy=False)
    with pytest.raises(ValueError, match="can't alias arbitrary sequence into a tensor"):
        tg.asarray([1.0], copy=False)
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        tg.asarray(np.array([1]), requires_grad=True)
    with pytest.raises(RuntimeError, match="CPU"):
        tg.asarray([1.0], device="cuda")


def test_asarray_requires_grad():
    leaf = tg.tensor([1.0], requires_grad=True)
    y = leaf * 2
    with pytest.warns(UserWarning, match="unspecified requires_grad now defaults to obj.requires_grad"):
        assert tg.asarray(y) is y
    detached = tg.asarray(y, requires_grad=False)
    assert detached is not y and not detached.requires_grad and np.shares_memory(detached.data, y.data)
    plain = tg.tensor([1.0])
    assert tg.asarray(plain, requires_grad=True) is plain and plain.requires_grad
    copy = tg.asarray(y, copy=True, requires_grad=True)
    assert copy.requires_grad and copy.grad_fn is not None  # a copy stays in the graph, as torch's clone
    from_ints = tg.asarray(tg.tensor([1, 2]), dtype=tg.float32, requires_grad=True)
    assert from_ints.requires_grad and from_ints.is_leaf


def test_asarray_matches_torch(torch):
    for lib in (tg, torch):
        leaf = lib.tensor([1.0], requires_grad=True)
        y = leaf * 2
        assert lib.asarray(y, requires_grad=False) is not y
        assert lib.asarray(y, dtype=lib.float64, requires_grad=True).grad_fn is not None
        assert lib.asarray(np.array(2)).shape == ()
    assert _raised(tg.asarray, np.arange(3), dtype=tg.float64, copy=False) == _raised(
        torch.asarray, np.arange(3), dtype=torch.float64, copy=False)
    assert _raised(tg.asarray, [1.0], copy=False) == _raised(torch.asarray, [1.0], copy=False)
    assert _raised(tg.asarray, np.array([1]), requires_grad=True) == _raised(
        torch.asarray, np.array([1]), requires_grad=True)


def test_typename():
    assert tg.typename(tg.zeros(2)) == "tinygrad_edu.DoubleTensor" == tg.zeros(2).type()
    assert tg.typename(tg.zeros(2, dtype=tg.int64)) == "tinygrad_edu.LongTensor"
    assert tg.typename(3) == "int" and tg.typename(None) == "NoneType" and tg.typename("s") == "str"
    assert tg.typename(tg.nn.Linear) == tg.typename(tg.nn.Linear(1, 1)) == "tinygrad_edu.nn.layers.Linear"
    assert tg.typename(test_typename) == f"{__name__}.test_typename"


def test_typename_matches_torch_for_non_tensors(torch):
    for obj in [3, None, "s", 2.5, [1], torch_free_class := type("K", (), {})]:
        assert tg.typename(obj) == torch.typename(obj)
    assert torch_free_class.__name__ == "K"
    assert torch.typename(torch.zeros(2, dtype=torch.float64)).replace("torch", "tinygrad_edu") == \
        tg.typename(tg.zeros(2, dtype=tg.float64))


def test_vmap_alias():
    assert tg.vmap is tg.func.vmap
    out = tg.vmap(lambda row: row.sum())(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert out.tolist() == [3.0, 7.0]


# ---- autocast ------------------------------------------------------------------------------------

@pytest.fixture
def fresh_warning(monkeypatch):
    monkeypatch.setattr(tg_amp, "_warned_no_cast", False)


def test_autocast_disabled_does_nothing(fresh_warning):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with tg.autocast("cpu", enabled=False) as ctx:
            y = tg.ones(2, 2, dtype=tg.float32) @ tg.ones(2, 2, dtype=tg.float32)
        with tg.autocast("cuda", enabled=False):
            pass
    assert y.dtype == tg.float32 and not ctx._enabled
    assert tg.amp.autocast is tg.autocast


def test_autocast_cpu_warns_once_and_casts_nothing(fresh_warning):
    with pytest.warns(UserWarning, match="nothing is cast to bfloat16"):
        region = tg.autocast("cpu")
    with region:
        x = tg.ones(2, 2, dtype=tg.float32)
        assert (x @ x).dtype == tg.float32 and tg.nn.Linear(2, 2)(tg.ones(1, 2)).dtype == tg.float64
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once only
        tg.amp.autocast("cpu", dtype=tg.float16)

    @tg.autocast("cpu")
    def f(x):
        return x * 2

    assert f(tg.tensor([1.0])).tolist() == [2.0] and f.__name__ == "f"


def test_autocast_disables_itself_like_torch(fresh_warning):
    with pytest.warns(UserWarning, match="target dtype is not supported. Disabling autocast"):
        assert not tg.autocast("cpu", dtype=tg.float32)._enabled
    with pytest.warns(UserWarning, match="CUDA is not available.*Disabling autocast"):
        assert not tg.autocast("cuda")._enabled
    with pytest.raises(RuntimeError, match="device type at start of device string: bogus"):
        tg.autocast("bogus")
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        tg.autocast(3)
    with pytest.raises(TypeError):
        tg.autocast()  # device_type is required


def test_autocast_warnings_and_errors_match_torch(torch, fresh_warning):
    for args, kwargs in [(("cuda",), {}), (("cpu",), {"dtype": "float32"})]:
        kwargs_t = {k: getattr(torch, v) for k, v in kwargs.items()}
        kwargs_g = {k: getattr(tg, v) for k, v in kwargs.items()}
        with warnings.catch_warnings(record=True) as theirs:
            warnings.simplefilter("always")
            torch.autocast(*args, **kwargs_t)
        with warnings.catch_warnings(record=True) as ours:
            warnings.simplefilter("always")
            tg.autocast(*args, **kwargs_g)
        assert [w.category for w in ours] == [w.category for w in theirs]
        assert all("Disabling autocast" in str(w.message) for w in ours + theirs)
    for bad in ["bogus", 3]:
        assert _raised(tg.autocast, bad)[0] == _raised(torch.autocast, bad)[0]


# ---- GradScaler ----------------------------------------------------------------------------------

def test_grad_scaler_defaults_and_disabled():
    with pytest.warns(UserWarning, match="GradScaler is enabled, but CUDA is not available.  Disabling."):
        cuda_scaler = tg.amp.GradScaler()
    assert not cuda_scaler.is_enabled() and cuda_scaler.get_scale() == 1.0 and cuda_scaler.state_dict() == {}
    loss = tg.tensor(3.0)
    assert cuda_scaler.scale(loss) is loss
    scaler = tg.amp.GradScaler("cpu")
    assert scaler.is_enabled() and scaler.get_scale() == 65536.0
    assert scaler.state_dict() == {"scale": 65536.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                                   "growth_interval": 2000, "_growth_tracker": 0}
    assert scaler.get_growth_factor() == 2.0 and scaler.get_backoff_factor() == 0.5
    assert scaler.get_growth_interval() == 2000
    scaled = scaler.scale([tg.tensor(1.0), (tg.tensor(2.0),)])
    assert scaled[0].item() == 65536.0 and scaled[1][0].item() == 131072.0
    with pytest.raises(ValueError, match="outputs must be a Tensor"):
        scaler.scale(3.0)


def test_grad_scaler_errors():
    w = tg.nn.Parameter(tg.tensor([1.0]))
    opt = tg.optim.SGD([w], lr=0.1)
    scaler = tg.amp.GradScaler("cpu")
    with pytest.raises(AssertionError, match="Attempted step but _scale is None"):
        scaler.step(opt)
    scaler.scale((w * 2).sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called since the last update"):
        scaler.step(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) is being called after step"):
        scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(opt, closure=lambda: None)
    scaler.update()
    with pytest.raises(AssertionError, match="No inf checks were recorded prior to update"):
        scaler.update()
    with pytest.raises(RuntimeError, match="state dict is empty"):
        scaler.load_state_dict({})
    half = tg.nn.Parameter(tg.tensor([1.0], dtype=tg.float16))
    half.grad = tg.tensor([1.0], dtype=tg.float16)
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients"):
        scaler.unscale_(tg.optim.SGD([half], lr=0.1))


def _scaler_loop(lib, inf_steps, steps=8, **scaler_kwargs):
    """A tiny linear model trained with a GradScaler; at `inf_steps` the loss is inf."""
    tg.set_default_dtype(tg.float32)  # float32 parameters, as torch's
    weight = np.array([[0.5, -0.25], [0.125, 1.0]], dtype=np.float32)
    model = lib.nn.Linear(2, 2)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(weight))
        model.bias.zero_()
    opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scaler = lib.amp.GradScaler("cpu", **scaler_kwargs)
    x = lib.tensor([[1.0, 2.0], [0.5, -1.0]], dtype=lib.float32)
    with np.errstate(invalid="ignore", over="ignore"):  # (inf × 0 in the backward of the inf steps)
        return _scaler_steps(lib, model, opt, scaler, x, inf_steps, steps)


def _scaler_steps(lib, model, opt, scaler, x, inf_steps, steps):
    history, skipped = [], []
    for i in range(steps):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        if i in inf_steps:
            loss = loss * float("inf")
        scaler.scale(loss).backward()
        before = model.weight.detach().clone().numpy()
        scaler.step(opt)
        skipped.append(bool(np.array_equal(before, model.weight.detach().numpy())))
        scaler.update()
        history.append(scaler.get_scale())
    return history, skipped, model.weight.detach().numpy(), scaler.state_dict()


def test_grad_scaler_loop_by_hand():
    history, skipped, _, state = _scaler_loop(tg, inf_steps={1, 2}, init_scale=8.0, growth_interval=2)
    # step 0 clean (tracker 1), steps 1-2 inf (halve twice), steps 3-4 clean (double at 2 in a row), ...
    assert history == [8.0, 4.0, 2.0, 2.0, 4.0, 4.0, 8.0, 8.0]
    assert skipped == [False, True, True, False, False, False, False, False]
    assert state["_growth_tracker"] == 1 and state["scale"] == 8.0  # step 7: one clean step since doubling


def test_grad_scaler_loop_matches_torch(torch):
    for inf_steps, kwargs in [({1, 2}, {"init_scale": 8.0, "growth_interval": 2}), ({0, 5}, {"growth_interval": 3}),
                              (set(), {"init_scale": 2.0**127, "growth_interval": 1})]:  # growth stops before inf
        ours = _scaler_loop(tg, inf_steps, **kwargs)
        theirs = _scaler_loop(torch, inf_steps, **kwargs)
        assert ours[0] == theirs[0] and ours[1] == theirs[1] and ours[3] == theirs[3]
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)


def test_grad_scaler_unscale_before_clipping_matches_torch(torch):
    tg.set_default_dtype(tg.float32)

    def run(lib):
        w = lib.nn.Parameter(lib.tensor([3.0, 4.0]))
        opt = lib.optim.SGD([w], lr=1.0)
        scaler = lib.amp.GradScaler("cpu", init_scale=1024.0)
        scaler.scale((w * w).sum()).backward()
        scaler.unscale_(opt)
        grad = w.grad.clone()
        lib.nn.utils.clip_grad_norm_([w], 1.0)
        scaler.step(opt)
        scaler.update(new_scale=16.0)
        return grad.tolist(), w.tolist(), scaler.get_scale()

    assert run(tg) == run(torch)


def test_grad_scaler_state_dict_round_trip(torch):
    scaler = tg.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3)
    scaler.load_state_dict({"scale": 32.0, "growth_factor": 3.0, "backoff_factor": 0.25, "growth_interval": 5,
                            "_growth_tracker": 2})
    assert scaler.get_scale() == 32.0 and scaler.state_dict()["_growth_tracker"] == 2
    theirs = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3)
    theirs.load_state_dict(scaler.state_dict())
    assert theirs.state_dict() == scaler.state_dict()


def test_cuda_amp_deprecated_names():
    from tinygrad_edu import _cuda_amp

    with pytest.warns(FutureWarning, match="is deprecated"):
        with pytest.warns(UserWarning, match="CUDA is not available"):
            scaler = _cuda_amp.GradScaler()
    assert not scaler.is_enabled()
    with pytest.warns(FutureWarning, match="torch.amp.autocast\\('cuda', args...\\)"):
        with pytest.warns(UserWarning, match="Disabling autocast"):
            region = _cuda_amp.autocast()
    assert not region._enabled
    if hasattr(tg.cuda, "amp"):  # once tinygrad_edu/cuda.py exposes it
        assert tg.cuda.amp.GradScaler is _cuda_amp.GradScaler


def test_public_names_are_exported():
    for name in ["compile", "set_float32_matmul_precision", "get_float32_matmul_precision", "result_type",
                 "can_cast", "promote_types", "asarray", "typename", "vmap", "autocast"]:
        assert callable(getattr(tg, name)), name
    assert callable(tg.testing.assert_close) and callable(tg.testing.make_tensor)
    assert callable(tg.amp.GradScaler) and callable(tg.amp.autocast)
