import pytest

from studyapp.importers.csv import parse_csv
from studyapp.importers.decoding import DecodingError, decode_upload


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("front,back\nIbuprofen,NSAID\nTramadol,opioid\n", ","),
        ("Ibuprofen\tNSAID\tdrugs\nTramadol\topioid\tdrugs\n", "\t"),
        ("Ibuprofen;NSAID\nTramadol;opioid\n", ";"),
    ],
)
def test_delimiter_is_sniffed(text, delimiter):
    parsed = parse_csv(text)
    assert parsed.delimiter == delimiter
    assert [(c.front, c.back) for c in parsed.cards] == [("Ibuprofen", "NSAID"), ("Tramadol", "opioid")]


def test_header_row_is_detected_and_skipped():
    assert parse_csv("Front,Back,Tags\nA,B,x\n").has_header is True
    assert parse_csv("Aspirin,NSAID\nB,C\n").has_header is False


def test_quoted_multiline_fields_and_tags():
    parsed = parse_csv('front,back,tags\n"Name two\nNSAIDs","Ibuprofen, naproxen","drugs pain"\nC,D,\n')
    assert [(c.front, c.back, c.tags, c.line) for c in parsed.cards] == [
        ("Name two\nNSAIDs", "Ibuprofen, naproxen", ["drugs", "pain"], 2),
        ("C", "D", [], 4),
    ]


def test_bad_rows_are_reported_with_their_line_numbers():
    parsed = parse_csv("front,back\nA,B\nonly a front\n\nC,D,t,extra\nA,again\n")
    assert [(e.line, e.message) for e in parsed.errors] == [
        (3, "A row needs a front and a back."),
        (5, "Expected front, back and tags; found 4 columns."),
        (6, "The front 'A' appears twice."),
    ]
    assert [c.front for c in parsed.cards] == ["A"]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Café (naïve)".encode(), "Café (naïve)"),
        (b"\xef\xbb\xbfCaf\xc3\xa9", "Café"),
        ("Café – ok".encode("cp1252"), "Café – ok"),
    ],
)
def test_decoding_tries_utf8_bom_then_cp1252(data, text):
    assert decode_upload(data) == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n ", "The file is empty."),
        (b"PK\x03\x04\x00\x00binary", "The file looks binary (it contains NUL bytes), not text."),
        (
            b"\x81\x8d\x8f\x90\x9d",
            "The file is neither UTF-8 nor Windows-1252 text (undecodable byte at position 0).",
        ),
        (b"\x01\x02\x03\x04\x05\x06abc", "The file looks binary (too many control characters), not text."),
    ],
)
def test_bad_bytes_are_refused_with_a_clear_message(data, message):
    with pytest.raises(DecodingError) as exc:
        decode_upload(data)
    assert str(exc.value) == message


def test_files_over_the_limit_are_refused(settings):
    settings.MAX_UPLOAD_BYTES = 10
    with pytest.raises(DecodingError, match="the limit is 10 bytes"):
        decode_upload(b"Causes\nFever\n")
