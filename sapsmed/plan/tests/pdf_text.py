"""Reads a PDF written by WeasyPrint back: each page's size in points and its text (tests only).

No PDF library is installed, and a test should read the bytes the user downloads, so this reads just
what WeasyPrint writes: objects (also inside compressed object streams), page media boxes, fonts'
ToUnicode maps, and the glyph strings shown with Tj/TJ in each page's content streams.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

_OBJ = re.compile(rb"(\d+) 0 obj\s*")
_REF = re.compile(rb"(\d+) 0 R")


@dataclass
class Page:
    width: float
    height: float
    text: str


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJ.finditer(data):
        number, start = int(match[1]), match.end()
        end = data.index(b"endobj", start)
        body = data[start:end]
        stream = None
        if b"stream" in body:
            head, _, rest = body.partition(b"stream")
            length = int(re.search(rb"/Length (\d+)", head)[1])
            raw = rest.lstrip(b"\r\n")[:length]
            stream = zlib.decompress(raw) if b"/FlateDecode" in head else raw
            body = head
        objects[number] = (body, stream)
    for body, stream in list(objects.values()):
        if b"/ObjStm" in body and stream is not None:
            count, first = int(re.search(rb"/N (\d+)", body)[1]), int(re.search(rb"/First (\d+)", body)[1])
            pairs = list(map(int, stream[:first].split()))
            offsets = [(pairs[i], pairs[i + 1]) for i in range(0, 2 * count, 2)]
            for index, (number, offset) in enumerate(offsets):
                stop = offsets[index + 1][1] if index + 1 < len(offsets) else len(stream) - first
                objects[number] = (stream[first + offset:first + stop], None)
    return objects


def _cmap(stream: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(base + offset)
    return mapping


def _dict_entry(body: bytes, key: bytes, objects) -> bytes:
    """The value of /Key in a dictionary, following one indirect reference."""
    match = re.search(rb"/" + key + rb"\s*(\d+ 0 R|<<.*?>>|\[[^\]]*\])", body, re.S)
    if not match:
        return b""
    value = match[1]
    ref = _REF.fullmatch(value)
    return objects[int(ref[1])][0] if ref else value


def read_pdf(data: bytes) -> list[Page]:
    assert data.startswith(b"%PDF-"), "not a PDF"
    objects = _objects(data)
    pages = []
    for body, _ in objects.values():
        if not re.search(rb"/Type\s*/Page(?!s)", body):
            continue
        box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]*)\]", body)[1].split()]
        resources = _dict_entry(body, b"Resources", objects)
        fonts = {}
        for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", _dict_entry(resources, b"Font", objects)):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)][0])
            fonts[name] = _cmap(objects[int(to_unicode[1])][1]) if to_unicode else {}
        refs = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body)[1]
        contents = b"".join(objects[int(n)][1] or b"" for n in _REF.findall(refs))
        pages.append(Page(box[2] - box[0], box[3] - box[1], _text(contents, fonts)))
    return pages


def _text(content: bytes, fonts: dict[bytes, dict[int, str]]) -> str:
    out: list[str] = []
    cmap: dict[int, str] = {}
    for token in re.finditer(rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|(ET)", content):
        if token[1]:
            cmap = fonts.get(token[1], {})
        elif token[3]:
            out.append(" ")
        elif token[2] is not None:
            hexes = token[2].decode()
            out.extend(cmap.get(int(hexes[i:i + 4], 16), "") for i in range(0, len(hexes), 4))
    return " ".join("".join(out).split())
