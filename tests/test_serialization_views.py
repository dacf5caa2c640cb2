"""tg.save / tg.load keep views and storages, as PyTorch's note "Serialization semantics" says:
tensors saved sharing memory load sharing memory, and a view is saved with its whole storage."""
from __future__ import annotations

import importlib
import io
import json
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


def roundtrip(obj, library=tg, **load_kwargs):
    buffer = io.BytesIO()
    library.save(obj, buffer)
    buffer.seek(0)
    return library.load(buffer, **load_kwargs)


def same_memory(a, b) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


# ---- the note's two examples -------------------------------------------------------------------

def test_a_tensor_and_its_view_load_sharing_memory():
    numbers = tg.arange(1, 10)
    evens = numbers[1::2]
    loaded_numbers, loaded_evens = roundtrip([numbers, evens])
    loaded_evens *= 2
    assert loaded_numbers.tolist() == [1, 4, 3, 8, 5, 12, 7, 16, 9]
    assert loaded_evens.tolist() == [4, 8, 12, 16]
    assert numbers.tolist() == list(range(1, 10))  # the saved tensors are not touched
    assert same_memory(loaded_numbers, loaded_evens)
    assert loaded_evens.stride() == (2,) and loaded_evens.storage_offset() == 1


def test_a_view_is_saved_with_its_whole_storage_and_a_clone_with_its_elements():
    large = tg.arange(1, 1000)
    small = large[0:5]
    loaded = roundtrip(small)
    assert loaded.tolist() == [1, 2, 3, 4, 5]
    assert loaded.untyped_storage().nbytes() // 8 == 999
    assert roundtrip(small.clone()).untyped_storage().nbytes() // 8 == 5
    late = roundtrip(large[990:])  # a view at the end: its offset into the storage is kept
    assert late.storage_offset() == 990 and late.tolist() == list(range(991, 1000))


def test_the_file_holds_each_storage_once():
    x = tg.arange(12.0).reshape(3, 4)
    buffer = io.BytesIO()
    tg.save({"x": x, "row": x[1], "col": x[:, 1], "t": x.t(), "other": tg.ones(2)}, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        names = sorted(archive.namelist())
        structure = json.loads(np.load(io.BytesIO(archive.read("__structure__.npy"))).tobytes())
    assert names == ["__structure__.npy", "s0.npy", "s1.npy"]
    assert structure["format"] == "tinygrad_edu.save/2"
    assert structure["tensors"][2] == {"storage": 0, "dtype": "<f8", "shape": [3], "stride": [4], "offset": 1}


# ---- layouts ------------------------------------------------------------------------------------

def test_a_transposed_matrix_loads_transposed():
    x = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    loaded = roundtrip(x.t())
    assert loaded.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert loaded.stride() == (1, 3) and not loaded.is_contiguous()
    assert (loaded @ tg.ones(2)).tolist() == [5.0, 7.0, 9.0]  # ops read it as the transpose


def test_a_dict_of_a_tensor_and_two_views():
    x = tg.arange(12.0).reshape(3, 4)
    loaded = roundtrip({"x": x, "corner": x[::2, 1:], "column": x.t()[2]})
    assert loaded["corner"].tolist() == [[1.0, 2.0, 3.0], [9.0, 10.0, 11.0]]
    assert loaded["corner"].stride() == (8, 1) and loaded["corner"].storage_offset() == 1
    assert loaded["column"].tolist() == [2.0, 6.0, 10.0] and loaded["column"].storage_offset() == 2
    loaded["column"].fill_(-1.0)
    assert loaded["x"][:, 2].tolist() == [-1.0, -1.0, -1.0]
    assert loaded["corner"].tolist() == [[1.0, -1.0, 3.0], [9.0, -1.0, 11.0]]
    assert all(same_memory(loaded["x"], v) for v in loaded.values())


def test_expanded_tensors_keep_stride_zero_and_stay_read_only():
    e = tg.tensor([1.0, 2.0]).expand(3, 2)
    loaded = roundtrip(e)
    assert loaded.stride() == (0, 1) and loaded.untyped_storage().nbytes() == 16
    assert loaded.tolist() == [[1.0, 2.0]] * 3
    with pytest.raises(RuntimeError, match="read-only"):  # PyTorch: "more than one element ... refers to"
        loaded.add_(1.0)


def test_negative_strides_are_saved_as_their_own_copy():
    base = np.arange(5.0)
    flipped = tg.from_numpy(base[::-1])  # numpy's negative strides: PyTorch has none
    assert flipped.data.strides == (-8,)
    loaded_base, loaded_flipped = roundtrip([tg.from_numpy(base), flipped])
    assert loaded_flipped.tolist() == [4.0, 3.0, 2.0, 1.0, 0.0] and loaded_flipped.stride() == (1,)
    assert not same_memory(loaded_base, loaded_flipped)
    x = tg.arange(6.0).reshape(2, 3)
    loaded_x, loaded_flip = roundtrip([x, x.flip(0)])  # flip makes a copy here, as in PyTorch
    assert loaded_flip.tolist() == [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]] and not same_memory(loaded_x, loaded_flip)


def test_fortran_ordered_memory():
    x = tg.from_numpy(np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    loaded_x, loaded_row = roundtrip([x, x[1]])
    assert loaded_x.stride() == (1, 2) and loaded_row.stride() == (2,) and loaded_row.storage_offset() == 1
    loaded_row.zero_()
    assert loaded_x.tolist() == [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]


def test_zero_d_and_zero_element_tensors():
    x = tg.arange(12.0).reshape(3, 4)
    loaded_x, element, nothing = roundtrip([x, x[1, 2], x[2:2]])
    assert element.shape == () and element.item() == 6.0 and same_memory(loaded_x, element)
    element.fill_(-6.0)
    assert loaded_x[1, 2].item() == -6.0
    assert nothing.shape == (0, 4) and same_memory(loaded_x, nothing)
    for t in (tg.tensor(3.5), tg.zeros(0), tg.zeros(0, 5), tg.ones(2, 0, 3)):
        loaded = roundtrip(t)
        assert loaded.shape == t.shape and loaded.tolist() == t.tolist() and loaded.dtype == t.dtype


@pytest.mark.parametrize("dtype", [tg.bool, tg.uint8, tg.int8, tg.int16, tg.int32, tg.int64, tg.float16,
                                   tg.float32, tg.float64])
def test_views_of_every_dtype(dtype):
    base = tg.tensor(np.arange(6) % 2 == 0 if dtype == tg.bool else np.arange(6)).to(dtype)
    loaded_base, loaded_view = roundtrip([base, base[1::2]])
    assert loaded_base.dtype == dtype and loaded_view.dtype == dtype
    assert loaded_base.tolist() == base.tolist() and loaded_view.tolist() == base[1::2].tolist()
    loaded_view.fill_(True if dtype == tg.bool else 7)
    assert loaded_base.tolist()[1::2] == loaded_view.tolist() and same_memory(loaded_base, loaded_view)


def test_views_of_one_memory_as_two_dtypes_are_refused():
    f = tg.arange(4, dtype=tg.float32)
    with pytest.raises(RuntimeError, match=r"different dtypes: the object\[1\] is int32, .* is float32"):
        roundtrip([f, f.view(tg.int32)])
    assert roundtrip(f.view(tg.int32)).tolist() == f.view(tg.int32).tolist()  # one of them alone is fine


# ---- tensors as objects: identity, requires_grad, Parameter, version counters --------------------

def test_one_tensor_saved_twice_loads_as_one_object():
    t = tg.arange(4.0)
    a, b = roundtrip([t, t])
    assert a is b
    a, b = roundtrip([t, t.detach()])  # two tensors on one memory: two objects sharing it
    assert a is not b and same_memory(a, b)


def test_parameters_and_requires_grad_come_back():
    p = nn.Parameter(tg.arange(6.0).reshape(2, 3))
    frozen = nn.Parameter(tg.ones(2), requires_grad=False)
    w = tg.ones(3, requires_grad=True)
    lp, row, lf, lw, computed = roundtrip([p, p[1], frozen, w, w * 2])
    assert isinstance(lp, nn.Parameter) and lp.requires_grad and lp.grad_fn is None
    assert not isinstance(row, nn.Parameter) and row.requires_grad and row.grad_fn is None
    assert same_memory(lp, row) and row.tolist() == [3.0, 4.0, 5.0]
    assert isinstance(lf, nn.Parameter) and not lf.requires_grad
    assert not isinstance(lw, nn.Parameter) and lw.requires_grad
    assert computed.requires_grad and computed.grad_fn is None and computed.tolist() == [2.0, 2.0, 2.0]
    (lp * lp).sum().backward()
    assert lp.grad.tolist() == (2 * lp).tolist()


def test_loaded_tensors_on_one_storage_share_a_version_counter():
    numbers, evens, other = roundtrip([tg.arange(6.0), tg.arange(6.0)[::2], tg.arange(3.0)])
    loaded_numbers, loaded_evens = roundtrip([numbers, numbers[::2]])
    before = loaded_numbers._version
    loaded_evens.mul_(2)
    assert loaded_numbers._version == before + 1
    assert other._version == 0  # another storage: its own counter
    # so autograd notices a change through one of them to what another saved for backward
    w = tg.ones(3, requires_grad=True)
    y = (w * loaded_evens).sum()
    loaded_numbers.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an in-place"):
        y.backward()


def test_state_dicts_and_optimizer_states_round_trip():
    model = nn.Linear(3, 2)
    state = roundtrip(model.state_dict(), weights_only=True, map_location="cpu")
    fresh = nn.Linear(3, 2)
    fresh.load_state_dict(state)
    assert fresh.weight.tolist() == model.weight.tolist() and not state["weight"].requires_grad
    kept = roundtrip(model.state_dict(keep_vars=True))
    assert isinstance(kept["weight"], nn.Parameter)


# ---- files of the first format, damaged tables -------------------------------------------------

def _file(structure: dict, **arrays) -> io.BytesIO:
    buffer = io.BytesIO()
    payload = dict(arrays)
    payload["__structure__"] = np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8)
    np.savez(buffer, **payload)
    buffer.seek(0)
    return buffer


def test_files_of_the_first_format_still_load():
    structure = {"format": "tinygrad_edu.save/1",
                 "root": {"dict": [["w", {"tensor": 0}], ["b", {"tensor": 1}], ["a", {"array": 2}]]}}
    loaded = tg.load(_file(structure, a0=np.arange(6.0).reshape(2, 3), a1=np.array([1, 2]), a2=np.ones(2)))
    assert loaded["w"].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and loaded["b"].dtype == tg.int64
    assert isinstance(loaded["a"], np.ndarray) and not same_memory(loaded["w"], loaded["b"])


def _entry(**changes) -> dict:
    entry = {"storage": 0, "dtype": "<f8", "shape": [2], "stride": [1], "offset": 1}
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


@pytest.mark.parametrize("tensors, words", [
    (None, "not a list"), ({}, "not a list"), ([], "table has 0"),
    ([_entry(offset=2)], "reaches beyond"), ([_entry(stride=[3])], "reaches beyond"),
    ([_entry(offset=4, shape=[0])], "reaches beyond"), ([_entry(offset=-1)], "non-negative"),
    ([_entry(shape=[2, 1])], "2 strides|1 strides"), ([_entry(shape=[2.0])], "non-negative int"),
    ([_entry(stride=[True])], "non-negative int"), ([_entry(offset=2 ** 70)], "non-negative int"),
    ([_entry(shape=[1] * 65, stride=[0] * 65)], "at most 64"),
    ([_entry(dtype="<f3")], "dtype"), ([_entry(dtype="|O")], "dtype"), ([_entry(dtype="float64")], "dtype"),
    ([_entry(dtype="<U8")], "dtype"), ([_entry(dtype=None)], "keys"), ([_entry(name="w")], "keys"),
    ([_entry(storage=1)], "no array named 's1'"), ([_entry(storage="0")], "not an index"),
    ([_entry(requires_grad=1)], "true or false"), ([_entry(dtype="<i8", requires_grad=True)], "requiring grad"),
    (["w"], "not an object"),
])
def test_damaged_tensor_tables_raise_load_error(tensors, words):
    structure = {"format": "tinygrad_edu.save/2", "root": {"tensor": 0}}
    if tensors is not None:
        structure["tensors"] = tensors
    with pytest.raises(tg.LoadError, match=words):
        tg.load(_file(structure, s0=np.arange(3.0)))


def test_a_huge_stride_zero_view_is_not_allocated():
    structure = {"format": "tinygrad_edu.save/2", "root": {"tensor": 0},
                 "tensors": [{"storage": 0, "dtype": "<f8", "shape": [2 ** 40], "stride": [0], "offset": 2}]}
    loaded = tg.load(_file(structure, s0=np.arange(3.0)))
    assert loaded.shape == (2 ** 40,) and loaded.stride() == (0,) and not loaded.data.flags.writeable


# ---- compared with PyTorch ------------------------------------------------------------------------

def _patterns(lib):
    """The same tensors and views, built with torch or tinygrad_edu."""
    lib_nn = importlib.import_module(f"{lib.__name__}.nn")
    x = lib.arange(12.0, dtype=lib.float64).reshape(3, 4)
    n = lib.arange(1, 10)
    y = lib.arange(24.0, dtype=lib.float64).reshape(2, 3, 4)
    p = lib_nn.Parameter(lib.arange(6.0, dtype=lib.float64).reshape(2, 3))
    return {
        "slice": [x, x[1:3]], "step slice": [n, n[1::2]], "transpose": [x, x.t()], "transpose alone": [x.t()],
        "row and column": [x, x[1], x[:, 1]], "view": [x, x.view(4, 3)], "reshape alone": [x.reshape(2, 6)],
        "expand": [lib.tensor([1.0, 2.0], dtype=lib.float64).expand(3, 2)], "unsqueeze": [x, x.unsqueeze(1)],
        "dict": {"t": x, "a": x[::2, 1:], "b": x.t()[2]}, "permute": [y.permute(2, 0, 1), y],
        "narrow": [x.narrow(1, 1, 2)], "chunks": list(x.chunk(2, 1)), "detach": [x, x.detach()],
        "parameter and view": [p, p[1]], "small": [lib.arange(1, 1000)[0:5]],
        "clone": [lib.arange(1, 1000)[0:5].clone()], "flip": [x, x.flip(0)], "0-d": [x, x[1, 2]],
        "same twice": [x, x], "as_strided": [x, x.as_strided((2, 2), (1, 4), 1)], "diagonal": [x, x.diagonal()],
        "squeeze": [x.unsqueeze(0), x.unsqueeze(0).squeeze(0)], "contiguous": [x, x.t().contiguous()],
        "split": list(n.split(4)), "float32": [lib.arange(4, dtype=lib.float32)[::3]],
        "requires grad": [lib.ones(3, dtype=lib.float64, requires_grad=True)], "bool": [lib.tensor([True, False])[1:]],
    }


def _describe(lib, obj):
    """What a learner can see of loaded tensors: layout, storage size, values, flags, sharing."""
    items = list(obj.values()) if isinstance(obj, dict) else list(obj)
    parameter = importlib.import_module(f"{lib.__name__}.nn").Parameter
    pointers = [t.untyped_storage().data_ptr() for t in items]
    return [(tuple(t.shape), tuple(t.stride()), t.storage_offset(), t.untyped_storage().nbytes(),
             str(t.dtype).split(".")[-1], np.asarray(t.detach().numpy()).tolist(), t.requires_grad,
             isinstance(t, parameter), [j for j, q in enumerate(pointers) if q == pointers[i]],
             [j for j, u in enumerate(items) if u is t])
            for i, t in enumerate(items)]


@pytest.mark.parametrize("name", list(_patterns(tg)))
def test_loaded_views_match_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = roundtrip(_patterns(tg)[name]), roundtrip(_patterns(torch)[name], torch)
    assert _describe(tg, ours) == _describe(torch, theirs)
    # a write into the last one reaches the same elements of the others
    last = list(ours.values() if isinstance(ours, dict) else ours)[-1]
    their_last = list(theirs.values() if isinstance(theirs, dict) else theirs)[-1]
    if name != "expand":  # (both refuse: test_expanded_tensors_keep_stride_zero_and_stay_read_only)
        with tg.no_grad(), torch.no_grad():
            last.fill_(True if name == "bool" else -1)
            their_last.fill_(True if name == "bool" else -1)
        assert _describe(tg, ours) == _describe(torch, theirs)


def test_views_of_two_dtypes_are_refused_as_in_pytorch():
    torch = pytest.importorskip("torch")
    f = torch.arange(4, dtype=torch.float32)
    with pytest.raises(RuntimeError):
        roundtrip([f, f.view(torch.int32)], torch)
    e = roundtrip(torch.tensor([1.0, 2.0]).expand(3, 2), torch)
    with pytest.raises(RuntimeError):
        e.add_(1.0)
