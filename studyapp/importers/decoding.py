"""Turn uploaded bytes into text, refusing what is empty, too large, binary or undecodable."""

from django.conf import settings

from studyapp.importers.problems import ImportRejected


class DecodingError(ImportRejected):
    """The upload cannot be read as text; the message names the problem for the user."""


def decode_upload(
    data: bytes, *, max_bytes: int | None = None, label: str = "The file", size: int | None = None
) -> str:
    """Decode UTF-8 (with or without a BOM), falling back to cp1252. Raises DecodingError.

    The one size and format check of every text upload. `label` names the input in messages ("The pasted
    text"); `size` is its real size when the caller read only the first `max_bytes + 1` bytes of it."""
    limit = settings.MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    size = len(data) if size is None else size
    if size > limit:
        raise DecodingError(
            f"{label} is {size:,} bytes; the limit is {limit:,} bytes ({limit // 1048576} MB)."
        )
    if not data.strip():
        raise DecodingError(f"{label} is empty.")
    if b"\x00" in data[:8192]:
        raise DecodingError("The file looks binary (it contains NUL bytes), not text.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise DecodingError(
                f"The file is neither UTF-8 nor Windows-1252 text (undecodable byte at position {exc.start})."
            ) from exc
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(3, len(text) // 100):
        raise DecodingError("The file looks binary (too many control characters), not text.")
    return text
