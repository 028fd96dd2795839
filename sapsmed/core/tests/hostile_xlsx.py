"""Workbooks with an XML entity expansion ("billion laughs"), for the reader and marked-workbook tests of every app."""

from __future__ import annotations

import io
import re
import zipfile

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SHARED_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _laughs(levels: int) -> str:
    """A DTD whose last entity expands to 3 x 10^levels characters."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels + 1)
    )
    return f"[{entities}]"


def entity_expansion_xlsx(valid: bytes, part: str = "xl/sharedStrings.xml", levels: int = 9) -> bytes:
    """The valid workbook with a billion-laughs DTD in one XML part, its first text replaced by the entity.

    "xl/sharedStrings.xml" is added (with its relationship and content type) when the workbook has none,
    as openpyxl writes inline strings. Nine levels expand to 3 GB: a parser must stop, not expand.
    """
    source = zipfile.ZipFile(io.BytesIO(valid))
    names = source.namelist()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            data = source.read(name).decode("utf-8")
            if name == part:
                body = re.sub(r"^<\?xml[^>]*\?>", "", data, count=1)
                root = re.search(r"<([A-Za-z_][\w:.-]*)", body).group(1)
                data = f'<?xml version="1.0"?><!DOCTYPE {root} {_laughs(levels)}>{body}'
                data = re.sub(r">[^<>]+</", f">&lol{levels};</", data, count=1)
            elif part not in names and name == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>",
                                    f'<Relationship Type="{_SHARED_REL}" Target="sharedStrings.xml" Id="rIdLaughs"/>'
                                    "</Relationships>")
            elif part not in names and name == "[Content_Types].xml":
                override = f'<Override PartName="/{part}" ContentType="{_SHARED_TYPE}"/>'
                data = data.replace("</Types>", f"{override}</Types>")
            archive.writestr(name, data)
        if part not in names:
            strings = f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>&lol{levels};</t></si></sst>'
            archive.writestr(part, f'<?xml version="1.0"?><!DOCTYPE sst {_laughs(levels)}>{strings}')
    return out.getvalue()
