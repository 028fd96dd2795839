"""Files that lie about what they are, for the upload security tests of every app."""

import io
import zipfile

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def bomb_xlsx(expanded_mb: int = 8) -> bytes:
    """A real-looking workbook whose one sheet is megabytes of zeros squeezed a thousand times (a zip bomb).

    Small enough to build in milliseconds; its compression ratio alone is what a reader must refuse.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (expanded_mb * 1024 * 1024))
    return out.getvalue()


class Opened(AssertionError):
    """Raised by a reader that was patched to prove the file never reached it."""


def never(*args, **kwargs):
    raise Opened("a reader opened a file that should have been refused before")
