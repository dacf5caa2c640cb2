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


# ---- hand-crafted damage: each case used to escape as something other than LoadError -------------

def _saved(tmp_path, obj=None):
    """A valid file written by tg.save, as (path, bytes)."""
    path = tmp_path / "m.npz"
    tg.save({"w": tg.ones(2, 3), "step": 1} if obj is None else obj, path)
    return path, path.read_bytes()


def _central_records(data: bytes) -> list[int]:
    """Offsets of the zip central-directory records (signature PK\\1\\2)."""
    offsets, start = [], 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        offsets.append(found)
        start = found + 4
    assert offsets, "no central directory found"
    return offsets


def _patch_central(data: bytes, field_offset: int, value: int) -> bytes:
    """Set a 2-byte field of every central-directory record (6: version needed, 8: flags,
    10: compression method)."""
    out = bytearray(data)
    for record in _central_records(data):
        out[record + field_offset:record + field_offset + 2] = value.to_bytes(2, "little")
    return bytes(out)


def test_zip_version_needed_too_new(tmp_path):
    path, data = _saved(tmp_path)
    path.write_bytes(_patch_central(data, 6, 99))  # "needs zip version 9.9"
    _assert_load_error(path, "damaged", "zip")


def test_unknown_zip_compression_method(tmp_path):
    path, data = _saved(tmp_path)
    path.write_bytes(_patch_central(data, 10, 99))
    _assert_load_error(path, "damaged", "compression method 99")


def test_encryption_flag(tmp_path):
    path, data = _saved(tmp_path)
    flags = int.from_bytes(data[_central_records(data)[0] + 8:][:2], "little")
    path.write_bytes(_patch_central(data, 8, flags | 0x1))
    _assert_load_error(path, "damaged", "encrypted")


def _npz_with_members(path, members: dict[str, bytes]):
    """A zip written member by member (stored, correct CRCs), so only the content is wrong."""
    with zipfile.ZipFile(path, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)


def _npy_bytes(header: str, data: bytes = b"") -> bytes:
    """A version-1.0 .npy member with exactly this header text."""
    text = header.encode("latin1") + b"\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + data


def _structure_member(text: str) -> bytes:
    return _npy_bytes(f"{{'descr': '|u1', 'fortran_order': False, 'shape': ({len(text.encode())},), }}",
                      text.encode())


_ONE_TENSOR = json.dumps({"format": "tinygrad_edu.save/1", "root": {"dict": [["w", {"tensor": 0}]]}})


@pytest.mark.parametrize("header", [
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,",      # unclosed: numpy's tokenizer fails
    "{'descr': '<f8', 'fortran_order': False, 'shape': '''(3,)",  # unterminated string
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': __import__('os')}",
    "{'descr': '<f8', 'fortran_order': False}",
    "{'descr': 'O', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '<f8', 'fortran_order': 2, 'shape': (3,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}",      # 24 bytes of data for 16
    "(" * 5000 + ")" * 5000,
    "\x00\x01 binary junk",
])
def test_damaged_npy_header(tmp_path, header):
    path = tmp_path / "bad.npz"
    _npz_with_members(path, {"a0.npy": _npy_bytes(header, bytes(24)),
                             "__structure__.npy": _structure_member(_ONE_TENSOR)})
    _assert_load_error(path, "damaged")


def test_header_claiming_terabytes_is_refused_before_allocating(tmp_path):
    path = tmp_path / "huge.npz"
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({2**40},), }}"  # 8 TiB
    _npz_with_members(path, {"a0.npy": _npy_bytes(header, bytes(16)),
                             "__structure__.npy": _structure_member(_ONE_TENSOR)})
    _assert_load_error(path, "damaged", str(8 * 2**40))


def test_header_claiming_a_gigabyte_allocates_nothing_big(tmp_path):
    """A claim that would fit in memory must not be allocated either: the real size decides."""
    import tracemalloc

    path = tmp_path / "big.npz"
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({2**27},), }}"  # 1 GiB
    _npz_with_members(path, {"a0.npy": _npy_bytes(header, bytes(16)),
                             "__structure__.npy": _structure_member(_ONE_TENSOR)})
    tracemalloc.start()
    try:
        _assert_load_error(path, "damaged")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"load allocated {peak} bytes for a 16-byte array"


def test_zip_member_claiming_more_bytes_than_the_file_has(tmp_path):
    path, data = _saved(tmp_path)
    out = bytearray(data)
    for record in _central_records(data):  # compressed and uncompressed size: 2 GiB each
        out[record + 20:record + 28] = (2**31).to_bytes(4, "little") * 2
    path.write_bytes(bytes(out))
    _assert_load_error(path, "damaged")


def test_deeply_nested_structure(tmp_path):
    depth = 50_000
    root = '{"list": [' * depth + '{"value": 1}' + "]}" * depth
    text = '{"format": "tinygrad_edu.save/1", "root": ' + root + "}"
    path = tmp_path / "deep.npz"
    _npz_with_members(path, {"__structure__.npy": _structure_member(text)})
    _assert_load_error(path, "damaged", "nested")


def test_nesting_limit_is_the_same_for_save_and_load(tmp_path):
    from tinygrad_edu.serialization import MAX_DEPTH

    obj = tg.ones(1)
    for i in range(MAX_DEPTH):
        obj = [obj] if i % 2 else {"k": obj}
    tg.save(obj, tmp_path / "ok.npz")
    loaded = tg.load(tmp_path / "ok.npz")
    for i in reversed(range(MAX_DEPTH)):
        loaded = loaded[0] if i % 2 else loaded["k"]
    assert loaded.tolist() == [1.0]
    with pytest.raises(ValueError, match="nested"):
        tg.save([obj], tmp_path / "too_deep.npz")
    assert not (tmp_path / "too_deep.npz").exists()


@pytest.mark.parametrize("root", [
    {"tensor": -1}, {"tensor": 1}, {"tensor": "0"}, {"tensor": True}, {"tensor": 0.0},
    {"array": None}, {"dict": [["a"]]}, {"dict": [[["a"], {"value": 1}]]}, {"dict": [[True, {"value": 1}]]},
    {"dict": {"a": 1}}, {"list": "abc"}, {"tuple": 5}, {"value": [1, 2]}, {"value": {"a": 1}},
    {"set": [1]}, {}, {"value": 1, "list": []}, [], "text", None,
    {"list": [{"tensor": 0}, {"tensor": 0}]},  # one array used twice: tg.save never writes that
])
def test_malformed_structure(tmp_path, root):
    path = tmp_path / "bad.npz"
    _write_npz_with_structure(path, {"format": "tinygrad_edu.save/1", "root": root}, a0=np.ones(2))
    _assert_load_error(path, "damaged")


@pytest.mark.parametrize("structure", [[1, 2], "format", {"format": "tinygrad_edu.save/1"}, 17])
def test_malformed_structure_document(tmp_path, structure):
    path = tmp_path / "bad.npz"
    _write_npz_with_structure(path, structure)
    _assert_load_error(path)


def test_structure_that_is_not_text(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, __structure__=np.array([0xFF, 0xFE, 0x00], np.uint8))
    _assert_load_error(path, "damaged")
    np.savez(path, __structure__=np.ones((2, 2)))
    _assert_load_error(path, "damaged")


class _RunsCodeWhenUnpickled:
    """Unpickling this calls exec: proof that a loader ran code from a file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').close()",)


def test_pickles_are_never_loaded_and_run_no_code(tmp_path):
    import pickle

    marker = tmp_path / "code-ran"
    payload = pickle.dumps({"w": _RunsCodeWhenUnpickled(marker)})
    pickle.loads(payload)  # the payload really runs code when unpickled...
    assert marker.exists()
    marker.unlink()

    raw = tmp_path / "model.pt"  # ...a raw pickle, as old torch.save files are
    raw.write_bytes(payload)
    _assert_load_error(raw, "damaged")
    objects = tmp_path / "objects.npz"  # ...and an npz whose arrays are pickled objects
    np.savez(objects, __structure__=np.array([_RunsCodeWhenUnpickled(marker)], dtype=object),
             a0=np.array([_RunsCodeWhenUnpickled(marker)], dtype=object))
    _assert_load_error(objects, "damaged", "pickle")
    with pytest.raises(tg.LoadError):
        tg.load(objects, weights_only=False)  # torch's switch for pickles does not enable them here
    assert not marker.exists()


# ---- a small mutation fuzz: a damaged file loads correctly or raises LoadError, nothing else ------

def _same(a, b) -> bool:
    """Equal structure, types, dtypes and bits."""
    if isinstance(a, (tg.Tensor, np.ndarray)):
        if type(a) is not type(b):
            return False
        x, y = (a.data, b.data) if isinstance(a, tg.Tensor) else (a, b)
        return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
    if isinstance(a, dict):
        return (isinstance(b, dict) and list(a) == list(b)
                and all(_same(a[k], b[k]) for k in a))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


def _mutations(data: bytes, rng, count: int):
    """Damaged copies of data: bit flips, random or boundary bytes, truncation, overwritten runs,
    inserted and deleted bytes; half of the positions fall in the zip and npy headers, where a
    flip changes the parsing rather than (CRC-checked) content."""
    headers = [i for record in (b"PK\x01\x02", b"PK\x03\x04", b"PK\x05\x06", b"PK\x06\x06", b"\x93NUMPY")
               for start in range(len(data)) if data.startswith(record, start)
               for i in range(start, min(start + 64, len(data)))]
    for _ in range(count):
        out = bytearray(data)
        pos = rng.choice(headers) if rng.random() < 0.5 else rng.randrange(len(data))
        kind = rng.randrange(7)
        if kind == 0:
            out[pos] ^= 1 << rng.randrange(8)
        elif kind == 1:
            out[pos] = rng.choice([0x00, 0xFF, 0x7F, 0x80, 0x01, rng.randrange(256)])
        elif kind == 2:
            del out[pos:]
        elif kind == 3:
            out[pos:pos + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\xff\xff\xff\x7f"])
        elif kind == 4:
            out[pos:pos + rng.randrange(1, 40)] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        elif kind == 5:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
        else:
            del out[pos:pos + rng.randrange(1, 8)]
        yield bytes(out)


def test_mutation_fuzz_gives_a_correct_load_or_load_error(tmp_path):
    import os
    import random

    original = {"layer": {"weight": tg.tensor(np.arange(6.0).reshape(2, 3)), "bias": np.ones(2, np.float32)},
                "steps": [1, 2.5, None, "x", (True,)], "mask": np.array([[True], [False]])}
    path = tmp_path / "m.npz"
    tg.save(original, path)
    data = path.read_bytes()
    count = int(os.environ.get("TG_SERIALIZATION_FUZZ", "400"))  # more: TG_SERIALIZATION_FUZZ=100000
    outcomes = {"loaded": 0, "LoadError": 0}
    for mutated in _mutations(data, random.Random(8), count):
        path.write_bytes(mutated)
        try:
            loaded = tg.load(path)
        except tg.LoadError as err:
            assert str(path) in str(err)
            outcomes["LoadError"] += 1
        else:
            assert _same(original, loaded), mutated
            outcomes["loaded"] += 1
    assert outcomes["LoadError"] > count // 2, outcomes  # the mutations really damage the file


# ---- files on disk: permissions, umask, symlinks ---------------------------------------------------

def _only_files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_saving_over_a_read_only_file_is_refused(tmp_path):
    path, before = _saved(tmp_path)
    path.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only"):
        tg.save({"v": 2}, path)
    assert path.read_bytes() == before and _only_files(tmp_path) == ["m.npz"]
    assert path.stat().st_mode & 0o777 == 0o444


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_honour_the_umask(tmp_path, umask, mode):
    import os

    old = os.umask(umask)
    try:
        tg.save({"v": 1}, tmp_path / "new.npz")
    finally:
        os.umask(old)
    assert (tmp_path / "new.npz").stat().st_mode & 0o777 == mode


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o666])
def test_overwriting_keeps_the_files_mode(tmp_path, mode):
    path, _ = _saved(tmp_path)
    path.chmod(mode)
    tg.save({"v": 2}, path)
    assert path.stat().st_mode & 0o777 == mode
    assert tg.load(path) == {"v": 2}


def test_saving_through_a_symlink_writes_the_file_it_points_to(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.npz"
    tg.save({"v": 1}, target)
    target.chmod(0o640)
    link = tmp_path / "latest.npz"
    link.symlink_to("real/model.npz")  # a relative link, as `ln -s` makes
    tg.save({"v": 2}, link)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert tg.load(target) == {"v": 2} and tg.load(link) == {"v": 2}
    assert target.stat().st_mode & 0o777 == 0o640
    assert _only_files(tmp_path / "real") == ["model.npz"]


def test_saving_through_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.npz"
    link.symlink_to(tmp_path / "made.npz")
    tg.save({"v": 3}, link)
    assert link.is_symlink() and tg.load(tmp_path / "made.npz") == {"v": 3}


def test_saving_onto_a_folder(tmp_path):
    with pytest.raises(IsADirectoryError):
        tg.save({"v": 1}, tmp_path)


def _is_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(_is_root(), reason="root may read and write any file")
def test_unreadable_file_is_permission_denied(tmp_path):
    path, _ = _saved(tmp_path)
    path.chmod(0)
    with pytest.raises(PermissionError, match="permission denied"):
        tg.load(path)


@pytest.mark.skipif(_is_root(), reason="root may write into any folder")
def test_saving_into_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match="permission denied"):
            tg.save({"v": 1}, folder / "m.npz")
    finally:
        folder.chmod(0o755)


def test_unreadable_file_is_not_called_damaged(tmp_path, monkeypatch):
    """What open() does for a file this user may not read (also when the tests run as root)."""
    import builtins
    import errno

    path, _ = _saved(tmp_path)
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(builtins, "open", refusing_open)
        with pytest.raises(PermissionError) as info:
            tg.load(path)
    assert "permission denied" in str(info.value) and str(path) in str(info.value)
    assert "damaged" not in str(info.value)


# ---- open binary file objects, as torch.save / torch.load accept ---------------------------------

def test_round_trip_through_bytesio():
    buffer = io.BytesIO()
    tg.save(state(), buffer)
    buffer.seek(0)
    assert _same(tg.load(buffer), _round_trip_by_path(state()))


def _round_trip_by_path(obj):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        tg.save(obj, Path(folder) / "x.npz")
        return tg.load(Path(folder) / "x.npz")


def test_round_trip_through_open_files(tmp_path):
    path = tmp_path / "m.pt"
    with open(path, "wb") as f:
        tg.save(state(), f)
        assert not f.closed  # like torch.save: the caller's file stays open
    with open(path, "rb") as f:
        loaded = tg.load(f)
    assert _same(loaded, tg.load(path))
    assert loaded["layer1"]["weight"].tolist() == np.arange(6.0).reshape(2, 3).tolist()


def test_file_objects_that_cannot_seek():
    class Stream(io.RawIOBase):  # a pipe: read or write in order, no seeking
        def __init__(self, data=b""):
            self.data, self.pos = bytearray(data), 0

        def writable(self):
            return True

        def readable(self):
            return True

        def write(self, b):
            self.data += bytes(b)
            return len(b)

        def readinto(self, b):
            n = min(len(b), len(self.data) - self.pos)
            b[:n] = self.data[self.pos:self.pos + n]
            self.pos += n
            return n

    out = Stream()
    tg.save({"w": tg.ones(2), "n": 3}, out)
    loaded = tg.load(Stream(out.data))
    assert loaded["w"].tolist() == [1.0, 1.0] and loaded["n"] == 3


def test_text_mode_files_are_refused(tmp_path):
    with open(tmp_path / "t.txt", "w") as f, pytest.raises(TypeError, match="binary"):
        tg.save({"v": 1}, f)
    with open(tmp_path / "t.txt") as f, pytest.raises(TypeError, match="binary"):
        tg.load(f)


def test_files_open_in_the_wrong_direction_are_refused_clearly(tmp_path):
    path, _ = _saved(tmp_path)
    with open(path, "ab") as f, pytest.raises(io.UnsupportedOperation, match="not open for reading"):
        tg.load(f)  # not reported as a damaged file
    with open(path, "rb") as f, pytest.raises(io.UnsupportedOperation, match="not open for writing"):
        tg.save({"v": 1}, f)
    assert tg.load(path)["step"] == 1


def test_loaded_arrays_are_aligned_writable_and_keep_fortran_order(tmp_path):
    data = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    tg.save({"f": data, "c": np.arange(3, dtype=">i4"), "z": np.array([1 + 2j])}, tmp_path / "a.npz")
    loaded = tg.load(tmp_path / "a.npz")
    for array in loaded.values():
        assert array.flags.aligned and array.flags.writeable
    assert loaded["f"].flags.f_contiguous and np.array_equal(loaded["f"], data)
    assert loaded["c"].dtype == np.dtype(">i4") and loaded["c"].tolist() == [0, 1, 2]
    assert loaded["z"].tolist() == [1 + 2j]


def test_saving_into_a_file_object_after_other_bytes():
    buffer = io.BytesIO()
    buffer.write(b"a header of my own\n")
    tg.save({"w": tg.ones(3)}, buffer)
    buffer.seek(0)
    assert buffer.readline() == b"a header of my own\n"
    assert tg.load(buffer)["w"].tolist() == [1.0, 1.0, 1.0]


def test_docstring_examples():
    import doctest

    from tinygrad_edu import serialization

    result = doctest.testmod(serialization, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_damaged_file_object_raises_load_error(tmp_path):
    path, data = _saved(tmp_path)
    with pytest.raises(tg.LoadError, match="damaged"):
        tg.load(io.BytesIO(data[: len(data) // 2]))
    path.write_bytes(data[:100])
    with open(path, "rb") as f, pytest.raises(tg.LoadError, match=str(path)):
        tg.load(f)


def test_neither_path_nor_file():
    with pytest.raises(TypeError, match="path or a binary file"):
        tg.save({"v": 1}, 42)
    with pytest.raises(TypeError, match="path or a binary file"):
        tg.load(3.5)


# ---- load_state_dict with values that are not arrays -----------------------------------------------

def test_load_state_dict_with_a_ragged_list_names_the_key():
    layer = tg.nn.Linear(2, 2)
    before = layer.weight.tolist()
    with pytest.raises(RuntimeError, match=r'"weight".*not an array') as info:
        layer.load_state_dict({"weight": [[1.0, 2.0], [3.0]], "bias": [0.0, 0.0]})
    assert not isinstance(info.value, ValueError)
    assert layer.weight.tolist() == before and "nothing was changed" in str(info.value)


def test_torch_load_arguments_are_accepted(tmp_path):
    path, _ = _saved(tmp_path)
    for map_location in (None, "cpu", {"cuda:0": "cpu"}, lambda storage, location: storage):
        assert tg.load(path, map_location=map_location)["step"] == 1
    assert tg.load(path, weights_only=True)["step"] == 1
    assert tg.load(path, map_location="cpu", weights_only=False)["step"] == 1  # still no pickles
    with pytest.raises(RuntimeError, match="CPU.*'cuda'"):
        tg.load(path, map_location="cuda")


def _compressed_save_file(path):
    """What np.savez_compressed makes of a tg.save structure: deflated members."""
    structure = {"format": "tinygrad_edu.save/1", "root": {"dict": [["w", {"tensor": 0}]]}}
    np.savez_compressed(path, a0=np.arange(1000.0),
                        __structure__=np.frombuffer(json.dumps(structure).encode(), np.uint8))


def test_deflated_members_are_read(tmp_path):
    _compressed_save_file(tmp_path / "c.npz")
    assert tg.load(tmp_path / "c.npz")["w"].tolist() == list(np.arange(1000.0))


def test_deflated_member_claiming_more_than_deflate_can_produce(tmp_path):
    path = tmp_path / "bomb.npz"
    _compressed_save_file(path)
    data = bytearray(path.read_bytes())
    for record in _central_records(bytes(data)):  # uncompressed size: 4 GiB - 1
        data[record + 24:record + 28] = b"\xff\xff\xff\x7f"
    path.write_bytes(bytes(data))
    _assert_load_error(path, "damaged", "more than deflate can produce")


def test_saving_a_whole_model_says_to_save_its_state_dict(tmp_path):
    """`torch.save(model, path)` pickles the module; here nothing is pickled (a deliberate
    difference), and the error says what to write instead."""
    with pytest.raises(TypeError, match=r"state_dict\(\) instead.*load_state_dict"):
        tg.save(tg.nn.Linear(2, 1), str(tmp_path / "model.pth"))
    optimizer = tg.optim.SGD(tg.nn.Linear(2, 1).parameters(), lr=0.1)
    with pytest.raises(TypeError, match="of type SGD.*state_dict"):
        tg.save(optimizer, str(tmp_path / "opt.pth"))
    with pytest.raises(TypeError, match="of type object;") as info:
        tg.save(object(), str(tmp_path / "x.pth"))
    assert "state_dict" not in str(info.value).split(";", 1)[1].split("holds")[0]
