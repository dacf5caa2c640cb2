"""Reading numeric arrays out of an untrusted `.npz` file (a zip of `.npy` files).

`np.load` trusts the file: a header that claims 8 TiB makes it allocate 8 TiB, and damaged bytes
come out of the zip and header parsers as NotImplementedError, RuntimeError or
tokenize.TokenError. Here every size is checked against the bytes that are really in the file
before anything is allocated, only plain numeric dtypes are accepted (an object array would need
unpickling, which can run code), and every problem raises `DamagedFile` with a sentence saying
what is wrong.

Formats: the zip "central directory" (PKWARE, APPNOTE.TXT, section 4.3) and the `.npy` header
(numpy, "A simple file format for NumPy arrays", NEP 1, 2007).
"""
from __future__ import annotations

import ast
import math
import struct
import zipfile
import zlib
from typing import BinaryIO

import numpy as np

# A header longer than this is refused; numpy's own reader uses the same limit.
MAX_HEADER_BYTES = 10_000
# Deflate turns one 258-byte match into at least 2 bits, so it unpacks at most 1032 bytes per
# byte stored (M. Adler, "zlib technical details"). A larger claim is a lie.
_DEFLATE_MAX_RATIO = 1032
_CHUNK = 1 << 20
_MAGIC = b"\x93NUMPY"
_LOCAL_HEADER_BYTES = 30  # fixed part of a zip local file header, before name and extra field

# What a damaged zip makes zipfile raise (zipfile is not written for hostile input).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError,
               EOFError, ValueError, struct.error, zlib.error, OverflowError, UnicodeDecodeError)


class DamagedFile(ValueError):
    """The bytes are not a valid `.npz` of numeric arrays; the message says why."""


class NpzReader:
    """The members of a zip archive read from a seekable binary file (which stays open)."""

    def __init__(self, file: BinaryIO):
        self._size = file.seek(0, 2)
        try:
            self._zip = zipfile.ZipFile(file)
        except zipfile.BadZipFile as err:
            raise DamagedFile(f"it is not a zip archive, or its table of contents is damaged ({err})") from err
        except NotImplementedError as err:
            raise DamagedFile(f"its table of contents asks for a zip feature that numpy's .npz "
                              f"files never use ({err})") from err
        except _ZIP_ERRORS as err:
            raise DamagedFile(f"its zip table of contents is damaged ({type(err).__name__}: {err})") from err

    def has(self, name: str) -> bool:
        return name + ".npy" in self._zip.NameToInfo

    def read(self, name: str) -> np.ndarray:
        """The array stored as `name.npy`, a new writable array."""
        try:
            info = self._zip.getinfo(name + ".npy")
        except KeyError:
            raise DamagedFile(f"it has no array named {name!r}") from None
        self._check_member(info)
        try:
            with self._zip.open(info) as member:
                return _read_npy(member, info.file_size, name)
        except DamagedFile:
            raise
        except EOFError as err:  # zipfile's word for "the file ended inside this member"
            raise DamagedFile(f"array {name!r} is cut short: the file ends inside it") from err
        except _ZIP_ERRORS as err:
            raise DamagedFile(f"array {name!r} is damaged ({type(err).__name__}: {err})") from err

    def _check_member(self, info: zipfile.ZipInfo) -> None:
        """Refuse what zipfile would raise odd errors for, and sizes the file cannot hold."""
        name = info.filename
        if info.flag_bits & 0x1:
            raise DamagedFile(f"member {name!r} is encrypted; .npz files never are")
        if info.flag_bits & 0x60:
            raise DamagedFile(f"member {name!r} uses patched data or strong encryption (zip flags "
                              f"{info.flag_bits:#x}); .npz files never do")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DamagedFile(f"member {name!r} uses zip compression method {info.compress_type}; "
                              f".npz files are stored or deflated (methods 0 and 8)")
        if not 0 <= info.header_offset < self._size:
            raise DamagedFile(f"member {name!r} claims to start at byte {info.header_offset}, outside "
                              f"the file's {self._size} bytes")
        end = info.header_offset + _LOCAL_HEADER_BYTES + len(info.orig_filename) + info.compress_size
        if end > self._size:
            raise DamagedFile(f"member {name!r} claims {info.compress_size} bytes, but the file ends "
                              f"after {self._size} bytes")
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise DamagedFile(f"member {name!r} is stored uncompressed but its two sizes differ "
                              f"({info.compress_size} and {info.file_size} bytes)")
        if info.file_size > _DEFLATE_MAX_RATIO * info.compress_size + _DEFLATE_MAX_RATIO:
            raise DamagedFile(f"member {name!r} claims to unpack {info.compress_size} bytes into "
                              f"{info.file_size}, more than deflate can produce")


def _read_exactly(member, count: int, what: str) -> bytes:
    data = member.read(count)
    if len(data) != count:
        raise DamagedFile(f"{what} is cut short ({len(data)} of {count} bytes)")
    return data


def _read_npy(member, member_size: int, name: str) -> np.ndarray:
    """Parse one `.npy` member whose true length is member_size bytes."""
    prefix = _read_exactly(member, 8, f"array {name!r}")
    if prefix[:6] != _MAGIC:
        raise DamagedFile(f"array {name!r} does not start with the .npy signature")
    version = (prefix[6], prefix[7])
    if version == (1, 0):
        length_bytes, encoding = 2, "latin1"
    elif version in ((2, 0), (3, 0)):
        length_bytes, encoding = 4, "latin1" if version == (2, 0) else "utf8"
    else:
        raise DamagedFile(f"array {name!r} has an unknown .npy version {version[0]}.{version[1]}")
    header_len = int.from_bytes(_read_exactly(member, length_bytes, f"array {name!r}"), "little")
    header_end = 8 + length_bytes + header_len
    if header_len > MAX_HEADER_BYTES or header_end > member_size:
        raise DamagedFile(f"array {name!r} claims a {header_len}-byte header, which does not fit")
    try:
        header = _read_exactly(member, header_len, f"the header of array {name!r}").decode(encoding)
    except UnicodeDecodeError as err:
        raise DamagedFile(f"the header of array {name!r} is not text ({err})") from err
    dtype, fortran_order, shape = _parse_header(header, name)

    # Python integers cannot overflow: a claim of 2**40 elements stays 2**40, not a wrapped value.
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes != member_size - header_end:
        raise DamagedFile(f"array {name!r}: its header says shape {shape} of {dtype} ({nbytes} bytes), "
                          f"but the file holds {member_size - header_end} bytes of data for it")
    buffer = np.empty(nbytes, dtype=np.uint8)  # the size is now known to be real
    view, filled = memoryview(buffer), 0
    while filled < nbytes:
        chunk = member.read(min(_CHUNK, nbytes - filled))
        if not chunk:
            raise DamagedFile(f"array {name!r} is cut short ({filled} of {nbytes} bytes)")
        view[filled:filled + len(chunk)] = chunk
        filled += len(chunk)
    if member.read(1):  # reading to the end also makes zipfile compare the CRC-32 checksum
        raise DamagedFile(f"array {name!r} has more data than its header says")
    try:
        return buffer.view(dtype).reshape(shape, order="F" if fortran_order else "C")
    except ValueError as err:  # e.g. shape (0, 2**70): no bytes, but more elements than numpy indexes
        raise DamagedFile(f"array {name!r} has an impossible shape {shape} ({err})") from err


def _parse_header(header: str, name: str) -> tuple[np.dtype, bool, tuple[int, ...]]:
    """The dtype, order and shape of a `.npy` header, a Python dict literal such as
    {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }."""
    try:
        fields = ast.literal_eval(header)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError) as err:
        raise DamagedFile(f"the header of array {name!r} is not readable ({type(err).__name__}: {err})") from err
    if not isinstance(fields, dict) or set(fields) != {"descr", "fortran_order", "shape"}:
        raise DamagedFile(f"the header of array {name!r} is not a dict of descr, fortran_order "
                          f"and shape: {header.strip()[:200]!r}")
    descr, fortran_order, shape = fields["descr"], fields["fortran_order"], fields["shape"]
    if not isinstance(descr, str):
        raise DamagedFile(f"array {name!r} has a record dtype {descr!r}; only numeric arrays are read")
    try:
        dtype = np.dtype(descr)
    except (TypeError, ValueError) as err:
        raise DamagedFile(f"array {name!r} has an unknown dtype {descr!r}") from err
    if dtype.hasobject:
        raise DamagedFile(f"array {name!r} holds Python objects (dtype {descr!r}), which only a pickle "
                          f"can restore; pickles are never loaded, since unpickling can run code")
    if dtype.kind not in "biufc":
        raise DamagedFile(f"array {name!r} has dtype {dtype}; only bool, integer, float and complex "
                          f"arrays are read")
    if not isinstance(fortran_order, bool):
        raise DamagedFile(f"array {name!r} has fortran_order {fortran_order!r}, not True or False")
    if (not isinstance(shape, tuple) or len(shape) > 64
            or not all(type(n) is int and n >= 0 for n in shape)):
        raise DamagedFile(f"array {name!r} has an invalid shape {shape!r}")
    return dtype, fortran_order, shape
