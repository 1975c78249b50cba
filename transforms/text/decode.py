"""Turning input bytes into text: charset handling, seed-file formats, document ids.

Pure functions, no Beam. Failures are raised as :class:`InputRejected` with a stable
``error_type`` so the reading stage can route them to ``errors/`` with a reason.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer
from courlan import normalize_url

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.IGNORECASE)
_WS = re.compile(r"\s+")


class InputRejected(ValueError):
    """An input that cannot become an article, with a machine-readable reason."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message


@dataclass(frozen=True)
class TextFile:
    title: str | None
    body: str


@dataclass(frozen=True)
class JsonlItem:
    url: str | None
    html: str | None
    text: str | None
    title: str | None
    published: str | None


def looks_binary(data: bytes) -> bool:
    """True for content that is clearly not text: NUL bytes or many control bytes up front.

    UTF-16/32 text legitimately contains NULs, so a BOM exempts the sample.
    """
    sample = data[:4096]
    if not sample or any(sample.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / len(sample) > 0.05


def _valid_codec(name: str) -> str | None:
    """The codec's name when it is a text encoding (not hex/base64/zlib/rot13), else None."""
    try:
        info = codecs.lookup(name.decode("ascii", "ignore") if isinstance(name, bytes) else name)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _no_lone_surrogates(value):
    """JSON may escape half a surrogate pair ("\\ud83d"); such a str cannot be encoded."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def decode_html(data: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode an HTML page: BOM, then the HTTP/declared charset, then detection.

    Returns the text and the charset used. Raises InputRejected for binary junk.
    """
    if not data.strip():
        raise InputRejected("empty", "document is empty")
    if looks_binary(data):
        raise InputRejected("binary_content", "content is binary, not text")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    candidates: list[str] = []
    if http_charset:
        candidates.append(http_charset)
    head = data[:4096]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        match = pattern.search(head)
        if match:
            candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        codec = _valid_codec(name)
        if codec is None:
            continue
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue  # a wrong declaration is common; fall through to detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    codec = best.encoding if best is not None else "cp1252"
    return data.decode(codec, errors="replace"), codec


def decode_text_file(data: bytes) -> TextFile:
    """Parse the seed's .txt format: UTF-8, first non-empty line is the headline."""
    if not data.strip():
        raise InputRejected("empty", "file is empty")
    if looks_binary(data):
        raise InputRejected("binary_content", "content is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputRejected("invalid_utf8", f"not valid UTF-8 at byte {err.start}") from None
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.strip():
            body = "".join(lines[i + 1 :]).strip("\n")
            return TextFile(title=line.strip(), body=body)
    raise InputRejected("empty", "file has only whitespace")


def parse_jsonl_line(line: bytes) -> JsonlItem:
    """One .jsonl line: an object with ``url`` and ``html`` or ``text``."""
    try:
        obj = json.loads(line.decode("utf-8-sig"))
    except RecursionError:
        raise InputRejected("malformed_json", "JSON nested too deeply") from None
    except UnicodeDecodeError as err:
        raise InputRejected("invalid_utf8", f"line is not valid UTF-8 at byte {err.start}") from None
    except json.JSONDecodeError as err:
        raise InputRejected("malformed_json", f"malformed JSON: {err.msg} at column {err.colno}") from None
    if not isinstance(obj, dict):
        raise InputRejected("malformed_json", f"expected a JSON object, got {type(obj).__name__}")
    obj = {key: _no_lone_surrogates(obj.get(key)) for key in ("url", "html", "text", "title", "published")}
    html, text = obj.get("html"), obj.get("text")
    for key in ("url", "html", "text", "title", "published"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise InputRejected("malformed_json", f"field {key!r} must be a string")
    if not (html and html.strip()) and not (text and text.strip()):
        raise InputRejected("missing_content", "object has neither 'html' nor 'text'")
    return JsonlItem(url=obj.get("url") or None, html=html, text=text, title=obj.get("title"),
                     published=obj.get("published"))


def normalise_url(url: str) -> str:
    """The URL form used for ids: courlan's normalisation (tracking params, fragment removed)."""
    try:
        return normalize_url(url.strip(), strict=True)
    except (ValueError, AttributeError):
        return url.strip()


def normalise_text(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def doc_id_for(url: str | None, decoded_input: str) -> str:
    """Stable id: the normalised URL when there is one, else the normalised input.

    Never the extracted text, so an extractor upgrade does not change ids.
    """
    key = "url:" + normalise_url(url) if url else "text:" + normalise_text(decoded_input)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def excerpt(data: bytes | str | None, limit: int = 300) -> str | None:
    """A bounded, printable excerpt of bad input for the errors table."""
    if data is None:
        return None
    if isinstance(data, bytes):
        data = data[: limit * 4].decode("utf-8", errors="replace")
    cleaned = "".join(ch if ch.isprintable() or ch in "\n\t" else "\ufffd" for ch in data[:limit])
    return cleaned
