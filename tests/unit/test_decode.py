import codecs

import pytest

from transforms.text.decode import (
    InputRejected,
    decode_html,
    decode_text_file,
    doc_id_for,
    looks_binary,
    parse_jsonl_line,
)


def test_bom_wins_over_declared_charset():
    page = '<html><head><meta charset="iso-8859-1"></head><body>Zürich</body></html>'
    text, codec = decode_html(codecs.BOM_UTF8 + page.encode("utf-8"))
    assert "Zürich" in text and codec == "utf-8-sig"


def test_declared_charset_used():
    page = '<html><head><meta charset="windows-1252"></head><body>caf\xe9 \u20ac5m</body></html>'
    text, codec = decode_html(page.encode("cp1252"))
    assert "café €5m" in text and codec == "cp1252"


def test_http_charset_before_document():
    text, codec = decode_html("<p>naïve</p>".encode("latin-1"), http_charset="latin-1")
    assert "naïve" in text


def test_undeclared_non_utf8_is_detected():
    body = ("Компания объявила о планах инвестировать в новый завод. " * 20).encode("cp1251")
    text, _ = decode_html(b"<html><body><p>" + body + b"</p></body></html>")
    assert "\ufffd" not in text and "инвестировать" in text


def test_wrong_declaration_falls_back():
    text, codec = decode_html('<meta charset="utf-8"><p>caf\xe9</p>'.encode("latin-1"))
    assert "caf" in text and codec != "utf-8"


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03" * 100, bytes(range(256)) * 10])
def test_binary_is_rejected(data):
    assert looks_binary(data)
    with pytest.raises(InputRejected) as err:
        decode_html(data)
    assert err.value.error_type == "binary_content"


def test_utf16_with_bom_is_not_binary():
    data = codecs.BOM_UTF16_LE + "<p>hello</p>".encode("utf-16-le")
    assert not looks_binary(data)
    assert "hello" in decode_html(data)[0]


def test_text_file_headline_and_body():
    parsed = decode_text_file(b"\n\n  Headline here \n\nBody line one.\nBody two.\n")
    assert parsed.title == "Headline here"
    assert parsed.body == "Body line one.\nBody two."


@pytest.mark.parametrize(
    "data,error_type",
    [(b"", "empty"), (b"   \n\n", "empty"), (b"Headline\n\xff\xfe bad", "invalid_utf8"), (b"\x00" * 50, "binary_content")],
)
def test_text_file_rejections(data, error_type):
    with pytest.raises(InputRejected) as err:
        decode_text_file(data)
    assert err.value.error_type == error_type


@pytest.mark.parametrize(
    "line,error_type",
    [
        (b"{not json", "malformed_json"),
        (b"[1, 2]", "malformed_json"),
        (b'{"url": "http://x"}', "missing_content"),
        (b'{"url": 5, "text": "x"}', "malformed_json"),
        (b'{"text": "\xff"}', "invalid_utf8"),
    ],
)
def test_jsonl_rejections(line, error_type):
    with pytest.raises(InputRejected) as err:
        parse_jsonl_line(line)
    assert err.value.error_type == error_type


def test_jsonl_item():
    item = parse_jsonl_line(b'{"url": "https://ex.com/a", "html": "<p>x</p>", "title": "T", "published": "2020-01-02"}')
    assert (item.url, item.title, item.published) == ("https://ex.com/a", "T", "2020-01-02")


def test_doc_id_ignores_tracking_parameters_and_fragment():
    a = doc_id_for("https://example.com/news/story?utm_source=x&utm_medium=y#top", "a")
    b = doc_id_for("https://example.com/news/story", "b")
    assert a == b
    assert a != doc_id_for("https://example.com/news/other", "a")


def test_doc_id_without_url_uses_normalised_input():
    assert doc_id_for(None, "Hello   world\n") == doc_id_for(None, "Hello world")
    assert doc_id_for(None, "Hello world") != doc_id_for(None, "Hello world!")
