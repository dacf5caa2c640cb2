"""TFRecord framing: how an event file strings its records together, each one checksummed.

A record is

    uint64  length of the data, little endian
    uint32  masked CRC32C of those 8 length bytes
    bytes   the data (here: one encoded `Event`)
    uint32  masked CRC32C of the data

CRC32C is the cyclic redundancy check with Castagnoli's polynomial 0x1EDC6F41 (G. Castagnoli,
S. Braeuer, M. Herrmann, "Optimization of cyclic redundancy-check codes with 24 and 32 parity
bits", 1993), computed here bit-reflected (0x82F63B78) a byte at a time with a 256-entry table.
The stored value is *masked* (rotated right by 15 bits, plus a constant), because a CRC of data
that itself contains CRCs is weak (TensorFlow, "TFRecord and tf.train.Example", tensorflow.org).
"""
from __future__ import annotations

import struct

_REFLECTED_POLYNOMIAL = 0x82F63B78  # Castagnoli's 0x1EDC6F41 with its bits in reverse order
_MASK_DELTA = 0xA282EAD8


def _make_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):  # one bit of the byte at a time: shift, and subtract the polynomial if a 1 fell out
            crc = (crc >> 1) ^ _REFLECTED_POLYNOMIAL if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _make_table()


def crc32c(data: bytes) -> int:
    """The CRC32C of `data` (the check value of b"123456789" is 0xE3069283).

    >>> hex(crc32c(b"123456789"))
    '0xe3069283'
    """
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """((crc >> 15 | crc << 17) + 0xa282ead8) mod 2**32: the CRC rotated right by 15 bits, plus a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def frame_record(data: bytes) -> bytes:
    """One record: length, its masked CRC, the data, the data's masked CRC."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header))
            + data + struct.pack("<I", masked_crc32c(data)))


def read_records(path: str) -> list[bytes]:
    """Every record's data in an event file, checking both CRCs of each.

    Raises `ValueError` naming the record if a checksum does not match or the file ends
    inside a record.
    """
    with open(path, "rb") as file:
        content = file.read()
    records, position, index = [], 0, 0
    while position < len(content):
        if position + 12 > len(content):
            raise ValueError(f"{path}: record {index} is cut off inside its length")
        header = content[position:position + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", content[position + 8:position + 12])
        if length_crc != masked_crc32c(header):
            raise ValueError(f"{path}: record {index}: the CRC of its length does not match")
        start = position + 12
        data = content[start:start + length]
        footer = content[start + length:start + length + 4]
        if len(data) < length or len(footer) < 4:
            raise ValueError(f"{path}: record {index} is cut off (it claims {length} bytes of data)")
        if struct.unpack("<I", footer)[0] != masked_crc32c(data):
            raise ValueError(f"{path}: record {index}: the CRC of its data does not match")
        records.append(data)
        position, index = start + length + 4, index + 1
    return records
