"""tg.save / tg.load: exact round trips, the exact path, atomic writes, clear errors on bad files."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg


def state():
    return {
        "layer1": {"weight": tg.tensor(np.arange(6.0).reshape(2, 3)), "bias": np.array([0.5, -0.5], np.float32)},
        "layers": [tg.tensor([1, 2, 3]), {"scale": 2.5}, None, "tanh"],
        "step": 7,
        "lr": 1e-3,
        "flag": True,
        "name": "model ü",
        "shape": (2, 3),
        "empty": {},
        "nothing": np.zeros((0, 4)),
        3: "int key",
        "np_scalar": np.float32(1.5),
        "mask": np.array([True, False]),
    }


def test_round_trip_of_nested_state(tmp_path):
    path = tmp_path / "state.npz"
    tg.save(state(), path)
    loaded = tg.load(path)
    assert set(loaded) == set(state())
    w = loaded["layer1"]["weight"]
    assert isinstance(w, tg.Tensor) and w.dtype == np.float64 and not w.requires_grad
    np.testing.assert_array_equal(w.numpy(), np.arange(6.0).reshape(2, 3))
    bias = loaded["layer1"]["bias"]
    assert isinstance(bias, np.ndarray) and bias.dtype == np.float32 and bias.tolist() == [0.5, -0.5]
    ints, scale, none, text = loaded["layers"]
    assert isinstance(ints, tg.Tensor) and ints.dtype == np.int64 and ints.tolist() == [1, 2, 3]
    assert scale == {"scale": 2.5} and none is None and text == "tanh"
    assert loaded["step"] == 7 and isinstance(loaded["step"], int)
    assert loaded["lr"] == 1e-3 and loaded["flag"] is True and loaded["name"] == "model ü"
    assert loaded["shape"] == (2, 3) and loaded["empty"] == {}
    assert loaded["nothing"].shape == (0, 4)
    assert loaded[3] == "int key"
    assert loaded["np_scalar"] == 1.5
    assert loaded["mask"].dtype == np.bool_ and loaded["mask"].tolist() == [True, False]


def test_round_trip_keeps_float_bits_exactly(tmp_path, rng):
    data = rng.standard_normal((5, 7))
    data[0, 0], data[0, 1], data[0, 2] = np.nan, np.inf, -0.0
    tg.save({"w": tg.tensor(data), "half": data.astype(np.float16)}, tmp_path / "w.npz")
    loaded = tg.load(tmp_path / "w.npz")
    assert loaded["w"].numpy().tobytes() == data.tobytes()
    assert loaded["half"].dtype == np.float16


def test_dict_order_and_list_vs_tuple_kept(tmp_path):
    obj = {"b": [1, 2], "a": (1, 2), "c": [[1.0], ()]}
    tg.save(obj, tmp_path / "o")
    loaded = tg.load(tmp_path / "o")
    assert list(loaded) == ["b", "a", "c"]
    assert loaded == obj


def test_saving_a_single_tensor_or_list(tmp_path):
    tg.save(tg.ones(3), tmp_path / "t.npz")
    assert tg.load(tmp_path / "t.npz").tolist() == [1.0, 1.0, 1.0]
    tg.save([tg.zeros(1), 5], tmp_path / "l.npz")
    first, second = tg.load(tmp_path / "l.npz")
    assert first.tolist() == [0.0] and second == 5


def test_loaded_tensors_do_not_share_memory_with_saved(tmp_path):
    t = tg.tensor([1.0, 2.0], requires_grad=True)
    tg.save({"t": t}, tmp_path / "t.npz")
    loaded = tg.load(tmp_path / "t.npz")["t"]
    loaded.data[0] = 100.0
    assert t.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("name", ["model.pt", "checkpoint", "weights.npz", "a.b.c"])
def test_exact_path_no_suffix_added(tmp_path, name):
    path = tmp_path / name
    tg.save({"x": tg.ones(1)}, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert tg.load(path)["x"].tolist() == [1.0]
    tg.save({"x": tg.ones(1)}, str(path))  # str paths too
    assert tg.load(str(path))["x"].tolist() == [1.0]


def test_file_is_a_plain_npz_without_pickles(tmp_path):
    path = tmp_path / "m.npz"
    tg.save({"w": tg.ones(2, 2)}, path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = [archive[name] for name in archive.files]
    assert any(a.shape == (2, 2) for a in arrays)


def test_overwrite_replaces_old_content(tmp_path):
    path = tmp_path / "m.npz"
    tg.save({"v": 1}, path)
    tg.save({"v": 2}, path)
    assert tg.load(path) == {"v": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_failed_write_leaves_old_file_intact_and_no_temp_files(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    tg.save({"v": tg.ones(2)}, path)
    before = path.read_bytes()

    def broken_savez(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")  # some bytes reach the disk before the crash
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        tg.save({"v": tg.zeros(2)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert tg.load(path)["v"].tolist() == [1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    def interrupted(file, **arrays):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        tg.save({"v": 1}, tmp_path / "new.npz")
    assert list(tmp_path.iterdir()) == []


def test_unsupported_object_writes_nothing(tmp_path):
    with pytest.raises(TypeError, match="set"):
        tg.save({"a": {1, 2}}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="dtype"):
        tg.save({"a": np.array(["text"])}, tmp_path / "x.npz")
    assert list(tmp_path.iterdir()) == []


def test_save_into_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder") as info:
        tg.save({"v": 1}, tmp_path / "no" / "m.npz")
    assert ".tmp" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        tg.load(tmp_path / "missing.npz")


def _assert_load_error(path, *words):
    with pytest.raises(tg.LoadError) as info:
        tg.load(path)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, RuntimeError)
    assert str(path) in str(err)
    for word in words:
        assert word in str(err), str(err)


def test_truncated_file(tmp_path, rng):
    path = tmp_path / "m.npz"
    tg.save({"w": tg.tensor(rng.standard_normal((50, 50)))}, path)
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 10):
        path.write_bytes(data[:cut])
        _assert_load_error(path, "damaged")


def test_corrupted_bytes(tmp_path, rng):
    path = tmp_path / "m.npz"
    tg.save({"w": tg.tensor(rng.standard_normal((50, 50)))}, path)
    data = bytearray(path.read_bytes())
    data[200:400] = bytes(200)
    path.write_bytes(bytes(data))
    _assert_load_error(path)


def test_garbage_and_empty_files(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_bytes(b"not a save file at all")
    _assert_load_error(path, "damaged")
    path.write_bytes(b"")
    _assert_load_error(path)


def test_foreign_npz(tmp_path):
    path = tmp_path / "foreign.npz"
    np.savez(path, weights=np.ones(3))
    _assert_load_error(path, "not written by tg.save")


def test_foreign_zip(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    _assert_load_error(path)


def test_npy_file_instead_of_npz(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, np.ones(3))
    _assert_load_error(path)


def _write_npz_with_structure(path, structure, **arrays):
    buffer = io.BytesIO()
    payload = dict(arrays)
    payload["__structure__"] = np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8)
    np.savez(buffer, **payload)
    path.write_bytes(buffer.getvalue())


def test_unknown_format_version(tmp_path):
    path = tmp_path / "future.npz"
    _write_npz_with_structure(path, {"format": "tinygrad_edu.save/99", "root": {"value": 1}})
    _assert_load_error(path, "format")


def test_structure_pointing_at_a_missing_array(tmp_path):
    good = tmp_path / "good.npz"
    tg.save({"w": tg.ones(2)}, good)
    with np.load(good) as archive:
        structure = json.loads(archive["__structure__"].tobytes().decode())
    path = tmp_path / "broken.npz"
    _write_npz_with_structure(path, structure)  # the structure, without the array it names
    _assert_load_error(path, "damaged")


def test_pickled_object_arrays_are_refused(tmp_path):
    path = tmp_path / "pickle.npz"
    np.savez(path, __structure__=np.array([{"evil": 1}], dtype=object))
    _assert_load_error(path)


def test_a_directory_is_not_a_save_file(tmp_path):
    with pytest.raises((tg.LoadError, IsADirectoryError, PermissionError)):
        tg.load(tmp_path)
