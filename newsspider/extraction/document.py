"""Decode page bytes to text without mojibake and parse them once into an lxml tree.

Every later step (JSON-LD, meta, selectors, trafilatura, htmldate) reuses the one tree, which
is what keeps extraction close to the cost of trafilatura alone.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer
from lxml import etree, html
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

from newsspider.extraction.errors import NotAnArticle

#: Same settings trafilatura uses for its own parse, so handing it our tree changes nothing.
_PARSER = html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True, huge_tree=True
)
_SINGLE_BYTE = frozenset({"ascii", "cp1252", "iso8859-1", "iso8859-15"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# C0 controls other than tab/newline/carriage return/form feed; lxml refuses them in str input.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_SNIFF_BYTES = 65536


@dataclass(frozen=True)
class ParsedPage:
    """A decoded, parsed page: the single tree all extractors read (never mutate it)."""

    tree: html.HtmlElement
    encoding: str


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    resolved = resolve_encoding(label)  # w3lib maps euc-kr/ks_c_5601 to cp949, latin-1 to cp1252
    if resolved is None:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def decode_html(data: bytes, http_encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding): BOM, then valid UTF-8, then declared charsets, then detection.

    Non-ASCII bytes that decode as strict UTF-8 are UTF-8 whatever the labels say (legacy
    encodings practically never produce valid UTF-8), which repairs mislabeled pages; declared
    charsets must decode strictly to be believed; detection only runs when all else fails.
    """
    bom_encoding, bom = read_bom(data)
    if bom_encoding:
        return data[len(bom) :].decode(bom_encoding, "replace"), _codec_name(bom_encoding) or ""
    http_name = _codec_name(http_encoding)
    meta_name = _codec_name(html_body_declared_encoding(data[:_SNIFF_BYTES]))
    if not data.isascii():
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    candidates = [http_name, meta_name]
    if http_name in _SINGLE_BYTE and meta_name:
        # a single-byte HTTP charset is usually a server default; the page knows better
        candidates.reverse()
    for name in candidates:
        if name is None:
            continue
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data[:_SNIFF_BYTES]).best()
    if best is not None and best.encoding:
        name = _codec_name(best.encoding) or best.encoding
        return data.decode(name, "replace"), name
    return data.decode("utf-8", "replace"), "utf-8"


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    return bad / len(sample) > 0.05 or "<" not in sample


def parse_page(data: bytes | str, http_encoding: str | None = None) -> ParsedPage:
    """Decode (when given bytes) and parse; raise NotAnArticle for empty or non-HTML input."""
    if isinstance(data, bytes):
        text, encoding = decode_html(data, http_encoding)
    else:
        text, encoding = data.lstrip("\ufeff"), "unicode"
    if not text.strip():
        raise NotAnArticle("empty page")
    if _looks_binary(text):
        raise NotAnArticle("not HTML: binary or non-markup content")
    text = _CONTROL.sub("", _XML_DECLARATION.sub("", text, count=1))
    try:
        tree = html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise NotAnArticle(f"unparseable HTML: {exc}") from None
    return ParsedPage(tree=tree, encoding=encoding)
