"""Just enough of the protocol-buffers wire format to read the few messages Anki keeps in its files
(package metadata, the media list, note type and template configs). PURE, and defensive: every length is
checked against what is left, so a damaged message raises ProtobufError instead of reading past the end."""

from __future__ import annotations

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


class ProtobufError(ValueError):
    pass


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ProtobufError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(data: bytes) -> list[tuple[int, int, int | bytes]]:
    """The (field number, wire type, value) triples of one message, in order; values of length-delimited
    fields are the raw bytes (a string, bytes or a nested message, as the caller knows)."""
    found = []
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == VARINT:
            value, pos = read_varint(data, pos)
        elif wire == LENGTH:
            length, pos = read_varint(data, pos)
            if length > len(data) - pos:
                raise ProtobufError("field longer than the message")
            value, pos = data[pos : pos + length], pos + length
        elif wire == FIXED64:
            if pos + 8 > len(data):
                raise ProtobufError("truncated fixed64")
            value, pos = int.from_bytes(data[pos : pos + 8], "little"), pos + 8
        elif wire == FIXED32:
            if pos + 4 > len(data):
                raise ProtobufError("truncated fixed32")
            value, pos = int.from_bytes(data[pos : pos + 4], "little"), pos + 4
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
        found.append((number, wire, value))
    return found


def first(data: bytes, number: int, default=None):
    """The value of the first field `number` in a message, or `default`."""
    return next((value for n, _wire, value in fields(data) if n == number), default)


def text(value, default: str = "") -> str:
    if not isinstance(value, bytes):
        return default
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtobufError("text that is not UTF-8") from exc


def write_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def write_field(number: int, value: int | bytes | str) -> bytes:
    """One field of a message: an int as a varint, text or bytes length-delimited (used by tests' fixtures)."""
    if isinstance(value, int):
        return write_varint(number << 3 | VARINT) + write_varint(value)
    raw = value.encode() if isinstance(value, str) else value
    return write_varint(number << 3 | LENGTH) + write_varint(len(raw)) + raw
