"""Saving and loading state dicts in numpy's `.npz` format.

The file holds the memory behind the saved Tensors (`s0`, `s1`, ...: each storage once, whole,
so that views load sharing memory; see serialization_storages.py), the numpy arrays (`a0`, `a1`,
...) and one JSON description of the structure (`__structure__`): nested dicts and lists of
numbers, strings, None, arrays and Tensors, and a table saying where each Tensor's elements are.
Nothing is pickled, so loading a file cannot run code, and a damaged file is refused with
`LoadError` before anything it claims is allocated. Saving to a path writes a temporary file
next to the target and renames it into place, so a crash never leaves half a file behind.
"""
from __future__ import annotations

import errno
import io
import json
import os
import re
import secrets
import stat
from typing import IO, Union

import numpy as np

from ._npz_reader import DamagedFile, NpzReader
from .serialization_storages import StorageReader, StorageWriter, short_repr
from .tensor import Tensor

_STRUCTURE_KEY = "__structure__"
_FORMAT = "tinygrad_edu.save/2"
# Files written before storages were saved: every Tensor its own array `a<i>`, never shared.
_FORMAT_WITHOUT_STORAGES = "tinygrad_edu.save/1"
MAX_DEPTH = 100
"""How many containers (dicts, lists, tuples) may nest inside one another; a state dict needs a
handful. Saving refuses deeper objects, so every file `save` writes can be loaded."""
# One container adds at most 3 JSON levels ({"dict": [[key, value]]}); the document and a leaf
# add one each.
_MAX_JSON_DEPTH = 3 * MAX_DEPTH + 2

PathOrFile = Union[str, "os.PathLike[str]", IO[bytes]]


class LoadError(ValueError, RuntimeError):
    """A file that `tg.load` cannot read: damaged, truncated, or not written by `tg.save`."""


# ---- saving --------------------------------------------------------------------------------------

class _Encoder:
    """The JSON-able description of an object; arrays and storages are listed aside and referred
    to by number. A Tensor met twice is listed once (it loads as one object, as in PyTorch)."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.storages = StorageWriter()
        self.tensors: list[dict] = []  # where each tensor's elements are (StorageWriter.describe)
        self._listed: dict[int, tuple[int, Tensor]] = {}  # id(tensor) -> (its number, the tensor: kept alive)

    def encode(self, obj, where: str, depth: int = 0):
        if isinstance(obj, Tensor):
            listed = self._listed.get(id(obj))
            if listed is None:
                listed = self._listed[id(obj)] = (len(self.tensors), obj)
                self.tensors.append(self.storages.describe(obj, where))
            return {"tensor": listed[0]}
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind not in "biufc":
                raise TypeError(f"save: {where} is an array of dtype {obj.dtype}; only numeric arrays can be saved")
            self.arrays.append(obj)
            return {"array": len(self.arrays) - 1}
        if isinstance(obj, (dict, list, tuple)) and depth >= MAX_DEPTH:
            raise ValueError(f"save: {where} is nested more than {MAX_DEPTH} containers deep; "
                             f"a state dict needs only a few levels")
        if isinstance(obj, dict):
            items = []
            for key, value in obj.items():
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise TypeError(f"save: dict keys must be str or int, {where} has key {key!r}")
                items.append([key, self.encode(value, f"{where}[{key!r}]", depth + 1)])
            return {"dict": items}
        if isinstance(obj, (list, tuple)):
            kind = "list" if isinstance(obj, list) else "tuple"
            return {kind: [self.encode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(obj)]}
        if isinstance(obj, np.generic):
            obj = obj.item()
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return {"value": obj}
        hint = ""
        if callable(getattr(obj, "state_dict", None)):  # a whole Module or optimizer, as torch.save(model, f)
            hint = ("; save its state_dict() instead, e.g. tg.save(model.state_dict(), f), and load it with "
                    "model.load_state_dict(tg.load(f)) (whole objects are not pickled here, so that loading "
                    "a file cannot run code)")
        raise TypeError(
            f"save: cannot save {where} of type {type(obj).__name__}; a state dict holds dicts, lists, "
            f"numbers, strings, arrays and Tensors{hint}"
        )


def save(obj, f: PathOrFile) -> None:
    """Write a state dict (or any nest of dicts/lists of arrays, Tensors, numbers and strings)
    to `f`: a path (exactly that path, no suffix is added) or a binary file object opened for
    writing (`open(..., "wb")`, `io.BytesIO`), as `torch.save` accepts.

    Saving to a path is atomic: a temporary file in the same folder is renamed over the target.
    A read-only file is refused with `PermissionError`; a symlink is written through (the link
    stays, the file it points to gets the new content); an existing file keeps its permissions
    and a new one gets the usual ones for your umask.

    >>> import tinygrad_edu as tg, io
    >>> buffer = io.BytesIO()
    >>> tg.save({"w": tg.ones(2)}, buffer)
    >>> _ = buffer.seek(0)
    >>> tg.load(buffer)["w"]
    tensor([1., 1.])

    Tensors keep what PyTorch keeps: dtype, shape, strides, `requires_grad`, being an
    `nn.Parameter`, and the memory they share. Each storage (the memory a tensor and its views
    share, `t.untyped_storage()`) is saved once and whole, so a tensor and its view saved together
    load sharing memory, and a saved view brings its whole storage (save `view.clone()` to save
    only its elements).
    """
    encoder = _Encoder()
    root = encoder.encode(obj, "the object")
    structure = {"format": _FORMAT, "tensors": encoder.tensors, "root": root}
    payload = {f"a{i}": a for i, a in enumerate(encoder.arrays)}
    payload.update({f"s{i}": memory for i, memory in enumerate(encoder.storages.storages)})
    payload[_STRUCTURE_KEY] = np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8)
    if hasattr(f, "write"):
        if isinstance(f, io.TextIOBase):
            raise TypeError("save: the file is open in text mode; open it in binary mode ('wb')")
        if hasattr(f, "writable") and not f.writable():
            raise io.UnsupportedOperation("save: the file is not open for writing; open it with 'wb'")
        np.savez(f, **payload)
        if hasattr(f, "flush"):
            f.flush()
        return
    _write_atomically(_as_path(f, "save"), lambda file: np.savez(file, **payload))


def _as_path(f, op: str) -> str:
    try:
        return os.fsdecode(os.fspath(f))
    except TypeError:
        raise TypeError(f"{op}: expected a path or a binary file object, got {type(f).__name__}") from None


def _write_atomically(path: str, write) -> None:
    # Write through symlinks: replacing the link itself would cut it from the file it names.
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT, f"save: the folder {os.path.dirname(path) or '.'} does not "
                                f"exist (saving to {path})")
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None and stat.S_ISDIR(old.st_mode):
        raise IsADirectoryError(errno.EISDIR, f"save: {path} is a folder, not a file")
    # A file with no write bit is write-protected even for root (whom os.access always lets
    # write), as `rm` treats it; open(path, "wb") would refuse it too, so save refuses.
    if old is not None and (not os.access(target, os.W_OK) or not old.st_mode & 0o222):
        raise PermissionError(errno.EACCES, f"save: permission denied: {path} is read-only "
                              f"(Permission denied); nothing was written")
    fd, tmp = _create_temporary(directory, os.path.basename(target), path)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        if old is not None:  # the new file takes the old one's owner and permissions
            if hasattr(os, "chown"):
                try:
                    os.chown(tmp, old.st_uid, old.st_gid)
                except PermissionError:
                    pass  # only root may give a file away; it then stays ours
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _create_temporary(directory: str, name: str, path: str) -> tuple[int, str]:
    """A new file next to the target. Mode 0o666 lets the kernel apply the umask, as open() does
    (tempfile.mkstemp would make it 0o600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except PermissionError:
            raise PermissionError(errno.EACCES, f"save: permission denied: cannot create a file in "
                                  f"{directory} (saving to {path})") from None
    raise FileExistsError(errno.EEXIST, f"save: no free temporary file name in {directory}")


# ---- loading -------------------------------------------------------------------------------------

def load(f: PathOrFile, map_location=None, weights_only: bool | None = None):
    """Read what `save` wrote, from a path or a binary file object opened for reading
    (`open(..., "rb")`, `io.BytesIO`). Tensors come back as Tensors (with their `requires_grad`;
    an `nn.Parameter` as a Parameter) and arrays as arrays; tensors that were saved sharing memory
    share it again (and one version counter). Pickles are never loaded. A damaged or foreign file
    raises `LoadError` saying what is wrong; nothing is returned half-read, and nothing a damaged
    header claims is allocated.

    `map_location` and `weights_only` are accepted so that `torch.load` calls run unchanged:
    everything loads onto the CPU (`map_location` "cpu", a dict or a function change nothing;
    another device raises `RuntimeError`), and a file only ever holds weights, so
    `weights_only=False` does not enable unpickling either.
    """
    _check_map_location(map_location)
    if hasattr(f, "read"):
        if isinstance(f, io.TextIOBase):
            raise TypeError("load: the file is open in text mode; open it in binary mode ('rb')")
        if hasattr(f, "readable") and not f.readable():
            raise io.UnsupportedOperation("load: the file is not open for reading; open it with 'rb'")
        name = getattr(f, "name", None)
        label = f"the file {name}" if isinstance(name, str) else f"the {type(f).__name__} file object"
        if not (hasattr(f, "seekable") and f.seekable()):  # a pipe or socket: zip needs to seek
            f = io.BytesIO(f.read())
        return _load_from(f, label)
    path = _as_path(f, "load")
    try:
        file = open(path, "rb")
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, f"load: no such file: {path}") from None
    except PermissionError as err:
        raise PermissionError(errno.EACCES, f"load: permission denied: cannot read {path} "
                              f"({err.strerror})") from None
    with file:
        return _load_from(file, path)


def _check_map_location(map_location) -> None:
    if map_location is None or callable(map_location) or isinstance(map_location, dict):
        return  # a dict maps devices to devices, a function places storages: all are the CPU here
    device = str(map_location)
    if device != "cpu":
        raise RuntimeError(f"load: tinygrad_edu runs on the CPU (numpy); got map_location {device!r}")


def _load_from(file: IO[bytes], label: str):
    try:
        archive = NpzReader(file)
        if not archive.has(_STRUCTURE_KEY):
            raise LoadError(f"load: {label} is an .npz file but was not written by tg.save "
                            f"(it has no {_STRUCTURE_KEY} entry; if tg.save wrote it, it is damaged)")
        structure = _parse_structure(archive.read(_STRUCTURE_KEY))
        if structure.get("format") not in (_FORMAT, _FORMAT_WITHOUT_STORAGES):
            raise LoadError(f"load: {label} has an unknown format {short_repr(structure.get('format'))} "
                            f"(this version reads {_FORMAT_WITHOUT_STORAGES!r} and {_FORMAT!r})")
        if "root" not in structure:
            raise DamagedFile("its structure has no root")
        tensors = None
        if structure["format"] == _FORMAT:
            tensors = StorageReader(structure.get("tensors"), lambda number: archive.read(f"s{number}"))
        return _Decoder(archive, tensors).decode(structure["root"], 0)
    except DamagedFile as err:
        raise LoadError(f"load: {label} is damaged or is not a tinygrad_edu save file: {err}") from err


def _parse_structure(array: np.ndarray) -> dict:
    if array.dtype != np.uint8 or array.ndim != 1:
        raise DamagedFile(f"its structure is an array of {array.dtype} and shape {array.shape}, "
                          f"not JSON text")
    try:
        text = array.tobytes().decode()
    except UnicodeDecodeError as err:
        raise DamagedFile(f"its structure is not UTF-8 text ({err})") from err
    depth = _json_depth(text)
    if depth > _MAX_JSON_DEPTH:  # checked first: json.loads would recurse that deep
        raise DamagedFile(f"its structure is nested {depth} levels deep; tg.save writes at most "
                          f"{_MAX_JSON_DEPTH}")
    try:
        structure = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise DamagedFile(f"its structure is not valid JSON ({err})") from err
    if not isinstance(structure, dict):
        raise DamagedFile(f"its structure is a JSON {type(structure).__name__}, not an object")
    return structure


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_depth(text: str) -> int:
    """The deepest nesting of [] and {} in JSON text, strings skipped, without recursing."""
    depth = deepest = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    return deepest


class _Decoder:
    """Rebuilds the object from its JSON description, checking every entry, reading each array
    when it is reached and each at most once. `tensors` rebuilds the tensors on their storages;
    None for a file of the first format, where a tensor names an array of its own."""

    def __init__(self, archive: NpzReader, tensors: StorageReader | None):
        self.archive = archive
        self.tensors = tensors
        self.used: set[int] = set()

    def array(self, index) -> np.ndarray:
        if type(index) is not int or index < 0:
            raise DamagedFile(f"its structure names array {index!r}, not an index")
        if index in self.used:
            raise DamagedFile(f"its structure uses array a{index} twice; tg.save writes each once")
        self.used.add(index)
        return self.archive.read(f"a{index}")

    def decode(self, desc, depth: int):
        if not isinstance(desc, dict) or len(desc) != 1:
            raise DamagedFile(f"its structure has an entry {short_repr(desc)}, not a one-key object")
        (kind, value), = desc.items()
        if kind == "tensor":
            return Tensor(self.array(value)) if self.tensors is None else self.tensors.tensor(value)
        if kind == "array":
            return self.array(value)
        if kind in ("dict", "list", "tuple"):
            if not isinstance(value, list):
                raise DamagedFile(f"its structure has a {kind} entry holding {short_repr(value)}, not a list")
            if depth >= MAX_DEPTH:
                raise DamagedFile(f"its structure nests more than {MAX_DEPTH} containers")
            if kind == "list":
                return [self.decode(v, depth + 1) for v in value]
            if kind == "tuple":
                return tuple(self.decode(v, depth + 1) for v in value)
            result = {}
            for item in value:
                key = self.key(item)
                if key in result:  # (a dict has each key once: a repeated one would drop a value)
                    raise DamagedFile(f"its structure has the dict key {short_repr(key)} twice; tg.save writes "
                                      f"each key once")
                result[key] = self.decode(item[1], depth + 1)
            return result
        if kind == "value":
            if value is not None and not isinstance(value, (bool, int, float, str)):
                raise DamagedFile(f"its structure has a value {short_repr(value)}, not a number, string or null")
            return value
        raise DamagedFile(f"its structure has an entry of unknown kind {kind!r}")

    @staticmethod
    def key(item):
        if (not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], (str, int))
                or isinstance(item[0], bool)):
            raise DamagedFile(f"its structure has a dict item {short_repr(item)}, not a [key, value] pair "
                              f"with a str or int key")
        return item[0]
