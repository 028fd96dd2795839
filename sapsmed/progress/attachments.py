"""Evidence files on reports: the type is decided from the content, not the name; size is limited.

Allowed: PDF, PNG, JPEG, Excel (.xlsx), Word (.docx), PowerPoint (.pptx), CSV and plain text (UTF-8).
A file whose name says one type and whose content is another is refused, saying what it really is,
so the file a reader downloads is what it claims to be. An Office file (a ZIP archive) that would expand
far beyond its size (a decompression bomb) is refused with the importers' own check. The limit is settings
SAPSMED_ATTACHMENT_MAX_BYTES (10 MB by default). Files are added and removed only while the proponent
may change the report (a draft or returned report, in an open round or with an exception).
"""

import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.db import transaction

from sapsmed.core.tables.files import FileProblem
from sapsmed.core.tables.files import refuse_zip_bomb as refuse_bomb
from sapsmed.progress import rules
from sapsmed.progress.access import may_edit
from sapsmed.progress.models import Attachment, ProgressReport
from sapsmed.progress.services import ProgressError, RoundLocked, edit_block_reason, guard

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ALLOWED_TEXT = "PDF, PNG or JPEG images, Excel (.xlsx), Word (.docx), PowerPoint (.pptx), CSV or plain text"


@dataclass(frozen=True)
class FileType:
    kind: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF document", "application/pdf", (".pdf",))
PNG = FileType("PNG image", "image/png", (".png",))
JPEG = FileType("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
XLSX = FileType("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
DOCX = FileType("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                (".docx",))
PPTX = FileType("PowerPoint presentation",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
CSV = FileType("CSV table", "text/csv", (".csv",))
TEXT = FileType("text file", "text/plain", (".txt",))


class AttachmentRefused(ProgressError):
    pass


def max_bytes() -> int:
    return int(getattr(settings, "SAPSMED_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _office(fileobj) -> FileType | str:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        return "a damaged ZIP archive"
    try:
        refuse_bomb(infos)  # the importers' check: readers who open the file must not be flooded either
    except FileProblem:
        return "an archive that would expand far beyond its size when opened (a decompression bomb)"
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        return "a ZIP archive"
    for folder, found in (("xl/", XLSX), ("word/", DOCX), ("ppt/", PPTX)):
        if any(n.startswith(folder) for n in names):
            return found
    return "an Office file of a type not accepted"


def _is_text(fileobj) -> bool:
    data = fileobj.read(1024 * 1024)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the 1 MB boundary is still text.
        return exc.start >= len(data) - 3
    return True


def sniff(fileobj, filename: str) -> FileType:
    """The type of the file from its first bytes (and its ZIP contents), or AttachmentRefused saying why."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    extension = PurePath(filename).suffix.lower()
    found: FileType | str
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"PK\x03\x04"):
        found = _office(fileobj)
    elif head.startswith(b"MZ"):
        found = "a Windows program"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        found = "an old-format Office file (.xls, .doc or .ppt); save it as .xlsx, .docx or .pptx, or as PDF"
    elif head.startswith((b"\x7fELF", b"#!")):
        found = "a program or script"
    elif extension in (".csv", ".txt") and _is_text(fileobj):
        found = CSV if extension == ".csv" else TEXT
    else:
        found = "not a type we can recognise"
    fileobj.seek(0)
    if isinstance(found, str):
        raise AttachmentRefused(f"{filename} was refused: it is {found}. Allowed: {ALLOWED_TEXT}.")
    if extension not in found.extensions:
        raise AttachmentRefused(
            f"{filename} was refused: its name ends in {extension or '(no extension)'} but its content is a "
            f"{found.kind}. Rename it to end in {found.extensions[0]}, or upload the intended file.")
    return found


def check_upload(upload) -> FileType:
    """Size first (cheap), then content; raises AttachmentRefused with the sentence shown to the user."""
    limit = max_bytes()
    if upload.size == 0:
        raise AttachmentRefused(f"{upload.name} was refused: the file is empty.")
    if upload.size > limit:
        raise AttachmentRefused(f"{upload.name} was refused: it is {_megabytes(upload.size)}; the limit is "
                                f"{_megabytes(limit)}. Compress it or split it into smaller files.")
    return sniff(upload, upload.name)


def _current(report_id: int) -> ProgressReport:
    """The report as it stands now, locked until the change commits."""
    return ProgressReport.objects.select_for_update().select_related(
        "round", "action_line", "member_state").get(pk=report_id)


def _guard_editable(by, report: ProgressReport) -> None:
    guard(may_edit(by, line=report.action_line.code, state=report.member_state.iso3),
           "add evidence to this report")
    if report.workflow_status not in rules.EDITABLE_STATUSES:
        raise ProgressError(f"This report is {report.get_workflow_status_display().lower()}; evidence can be "
                            "added or removed only on a draft or a returned report.")
    block = edit_block_reason(report.round, report.action_line_id, report.member_state_id)
    if block:
        raise RoundLocked(block)


@transaction.atomic
def attachment_add(*, by, report: ProgressReport, upload) -> Attachment:
    report = _current(report.pk)
    _guard_editable(by, report)
    found = check_upload(upload)
    name = PurePath(upload.name).name[:200]
    attachment = Attachment(report=report, original_name=name, content_type=found.content_type, kind=found.kind,
                            size=upload.size, uploaded_by=by, is_demo=report.is_demo)
    attachment.file.save(name, upload, save=False)
    attachment._change_reason = f"Evidence added: {name}"
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, by, attachment: Attachment) -> None:
    _guard_editable(by, _current(attachment.report_id))
    attachment._change_reason = f"Evidence removed: {attachment.original_name}"
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    # The file goes only once the row is gone for good, so a rolled-back removal loses nothing.
    transaction.on_commit(partial(storage.delete, name))
