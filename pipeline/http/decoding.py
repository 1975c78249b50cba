"""Undo HTTP Content-Encoding as the body streams in, with a cap on the decoded size, and find
the body's charset.

A 10 KB gzip body can expand to gigabytes ("gzip bomb"), so decoding is incremental and
stops as soon as the decoded size passes ``limit``; nothing larger than the cap (plus one
chunk) is ever held in memory.
"""

from __future__ import annotations

import codecs
import re
import zlib

try:  # brotli is a declared dependency; without it "br" is simply not advertised
    import brotli
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None


class BodyTooLarge(Exception):
    """More bytes arrived than the wire limit allows."""


class ContentDecodeError(Exception):
    """The body could not be decoded; ``error_type`` is ``too_large`` or ``bad_content_encoding``."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


class _ZlibStage:
    """gzip (possibly several members), zlib-wrapped or raw deflate."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._d = None if kind == "deflate" else zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._seen_input = False
        self._done = False

    def process(self, data: bytes, room: int) -> bytes:
        if not data or self._done:
            return b""
        if self._d is None:
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        self._seen_input = True
        out = bytearray()
        while data:
            if self._d.eof:
                if self.kind == "deflate" or not data.startswith(b"\x1f\x8b"):
                    self._done = True  # trailing bytes after a complete stream are ignored
                    break
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)  # next gzip member
            try:
                chunk = self._d.decompress(data, room - len(out) + 1)
            except zlib.error as exc:
                raise ContentDecodeError("bad_content_encoding", f"{self.kind}: {exc}") from exc
            out += chunk
            if len(out) > room:
                raise ContentDecodeError("too_large", f"decoded body exceeds the limit ({self.kind} bomb?)")
            data = self._d.unconsumed_tail or (self._d.unused_data if self._d.eof else b"")
        return bytes(out)

    def finish(self) -> None:
        if self._seen_input and not self._d.eof:
            raise ContentDecodeError("truncated", f"{self.kind} stream ended early")


class _BrotliStage:
    def __init__(self) -> None:
        self._d = brotli.Decompressor()
        self._seen_input = False

    def process(self, data: bytes, room: int) -> bytes:
        if not data:
            return b""
        self._seen_input = True
        try:
            out = self._d.process(data, output_buffer_limit=room + 1)
        except brotli.error as exc:
            raise ContentDecodeError("bad_content_encoding", f"br: {exc}") from exc
        if len(out) > room:
            raise ContentDecodeError("too_large", "decoded body exceeds the limit (br bomb?)")
        return out

    def finish(self) -> None:
        if self._seen_input and not self._d.is_finished():
            raise ContentDecodeError("truncated", "br stream ended early")


class StreamDecoder:
    """Decodes a ``Content-Encoding`` chain (applied in reverse) with a decoded-size cap."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.limit = limit
        self.decoded = 0
        self._stages: list[_ZlibStage | _BrotliStage] = []
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        for coding in reversed(codings):
            if coding in ("identity", "none"):
                continue
            if coding in ("gzip", "x-gzip"):
                self._stages.append(_ZlibStage("gzip"))
            elif coding == "deflate":
                self._stages.append(_ZlibStage("deflate"))
            elif coding == "br" and brotli is not None:
                self._stages.append(_BrotliStage())
            else:
                raise ContentDecodeError("bad_content_encoding", f"unsupported Content-Encoding {coding!r}")

    @staticmethod
    def brotli_available() -> bool:
        return brotli is not None

    def feed(self, chunk: bytes) -> bytes:
        room = self.limit - self.decoded
        for stage in self._stages:
            chunk = stage.process(chunk, room)
        if len(chunk) > room:
            raise ContentDecodeError("too_large", f"decoded body exceeds the {self.limit}-byte limit")
        self.decoded += len(chunk)
        return chunk

    def finish(self) -> bytes:
        for stage in self._stages:
            stage.finish()
        return b""


_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _known(name: str | bytes | None) -> str | None:
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def sniff_charset(content_type: str | None, body: bytes) -> str | None:
    """The body's charset: a BOM, then the HTTP header, then the document's own declaration.

    A BOM wins over the header because it cannot be wrong about the bytes that follow it
    (the WHATWG encoding standard does the same). None when nothing states one.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        found = _known(match.group(1)) if match else None
        if found:
            return found
    head = body[:4096]
    match = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return _known(match.group(1)) if match else None
