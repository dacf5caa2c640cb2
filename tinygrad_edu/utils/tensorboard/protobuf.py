"""The protocol buffer wire format, by hand: just what TensorBoard's few messages need.

A message is a sequence of fields; each field is a *key* then a payload. The key is the varint
`field_number << 3 | wire_type`, and the wire type says how long the payload is:

    0  varint            int32, int64, uint32, enum, bool
    1  8 bytes (fixed64) double
    2  length-delimited  string, bytes, a nested message, a packed repeated number field
    5  4 bytes (fixed32) float

A varint stores an unsigned integer 7 bits per byte, least significant group first, the high bit
of each byte saying "more bytes follow". A negative int32/int64 is its 64-bit two's complement,
so it always takes ten bytes (zigzag coding is only for sint32/sint64, which these messages do
not use). Numbers are little endian. (Google, "Protocol Buffers: Encoding", protobuf.dev.)

As proto3 does, a field whose value is the default (0, 0.0, "", empty) is left out, except a
member of a `oneof`, which is written whenever it is set (`always=True`).
"""
from __future__ import annotations

import struct

VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5


def varint(value: int) -> bytes:
    """The varint bytes of an integer (a negative one as its 64-bit two's complement).

    >>> varint(1), varint(300), len(varint(-1))
    (b'\\x01', b'\\xac\\x02', 10)
    """
    value &= (1 << 64) - 1
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def key(number: int, wire_type: int) -> bytes:
    return varint(number << 3 | wire_type)


def int_field(number: int, value: int, always: bool = False) -> bytes:
    """An int32/int64/enum/bool field (wire type 0)."""
    value = int(value)
    return key(number, VARINT) + varint(value) if value or always else b""


def double_field(number: int, value: float, always: bool = False) -> bytes:
    payload = struct.pack("<d", value)
    return key(number, FIXED64) + payload if always or payload != bytes(8) else b""  # (-0.0 is not 0.0)


def float_field(number: int, value: float, always: bool = False) -> bytes:
    payload = struct.pack("<f", value)
    return key(number, FIXED32) + payload if always or payload != bytes(4) else b""


def bytes_field(number: int, value: bytes | str, always: bool = False) -> bytes:
    """A string (utf-8), bytes or an already encoded nested message (wire type 2)."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    return key(number, LENGTH_DELIMITED) + varint(len(value)) + value if value or always else b""


def message_field(number: int, encoded: bytes) -> bytes:
    """A nested message: written even when empty, since setting it is information."""
    return bytes_field(number, encoded, always=True)


def packed_doubles(number: int, values) -> bytes:
    """A repeated double field, packed: one key, then the length, then 8 bytes per value."""
    values = [float(v) for v in values]
    return bytes_field(number, struct.pack(f"<{len(values)}d", *values))


def packed_floats(number: int, values) -> bytes:
    values = [float(v) for v in values]
    return bytes_field(number, struct.pack(f"<{len(values)}f", *values))


def read_varint(data: bytes, position: int) -> tuple[int, int]:
    """Decode the varint at `position`; return (value, position after it)."""
    result = shift = 0
    while True:
        if position >= len(data):
            raise ValueError("protobuf: the data ends inside a varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def decode_message(data: bytes) -> dict[int, list]:
    """Split an encoded message into its fields: {field number: [raw values in order]}.

    Varints come back as unsigned ints, fixed64/fixed32 as their 8/4 raw bytes and
    length-delimited fields as bytes (decode them again if they hold a nested message).

    >>> decode_message(int_field(2, 7) + bytes_field(3, "hi"))
    {2: [7], 3: [b'hi']}
    """
    fields: dict[int, list] = {}
    position = 0
    while position < len(data):
        field_key, position = read_varint(data, position)
        number, wire_type = field_key >> 3, field_key & 7
        if wire_type == VARINT:
            value, position = read_varint(data, position)
        elif wire_type in (FIXED64, FIXED32):
            size = 8 if wire_type == FIXED64 else 4
            value, position = data[position:position + size], position + size
        elif wire_type == LENGTH_DELIMITED:
            size, position = read_varint(data, position)
            value, position = data[position:position + size], position + size
        else:
            raise ValueError(f"protobuf: wire type {wire_type} of field {number} is not supported")
        if position > len(data):
            raise ValueError(f"protobuf: field {number} runs past the end of the data")
        fields.setdefault(number, []).append(value)
    return fields
