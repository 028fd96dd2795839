"""Whatever roadmap workbook is uploaded, the import answers with located errors or writes it all, once.

The valid file is the roadmap's own export (its first lines: lines left out of a workbook are left
alone); each example damages it. A refused workbook leaves the roadmap untouched; a committed one,
uploaded again, changes nothing.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from sapsmed.core.tests.fuzz_files import Upload, assert_located, damaged_uploads, read_grid
from sapsmed.plan.roadmap_models import ImportStatus
from sapsmed.plan.roadmap_services import RoadmapRefused, roadmap_import_commit, roadmap_import_upload
from sapsmed.plan.tests.roadmap_helpers import roadmap_state

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
LINES = 12
_exported: dict = {}


def exported_grid(client_for) -> dict:
    """The export's "Action lines" sheet cut to its first lines, and its Timeline sheet."""
    if not _exported:
        grid = read_grid(client_for("secretariat").get("/roadmap/roadmap.xlsx").content)
        _exported.update({name: rows[: LINES + 1] for name, rows in grid.items()})
    return {name: [list(row) for row in rows] for name, rows in _exported.items()}


def import_whole(upload, user, shown) -> None:
    with transaction.atomic():
        before = roadmap_state()
        stored, result = roadmap_import_upload(user=user, filename=upload.filename, content=upload.content)
        assert roadmap_state() == before, "an upload changed the roadmap before it was confirmed"
        event(f"{stored.status}: {result.errors[0].message[:40] if result.errors else ''}")
        if not result.ok:
            assert stored.status == ImportStatus.INVALID
            assert_located(result.errors, upload.filename)
            with pytest.raises(RoadmapRefused):
                roadmap_import_commit(upload=stored, user=user)
            assert roadmap_state() == before, "a refused workbook changed the roadmap"
        else:
            roadmap_import_commit(upload=stored, user=user)
            shown(["/roadmap/", "/roadmap/?page=2", "/roadmap/roadmap.xlsx", "/roadmap/versions/",
                          "/api/action-lines/", *(f"/action-lines/{code}/" for code in list(result.new_terms)[:3])],
                         user=user, note=upload.recipe)
            after = roadmap_state()
            again, second = roadmap_import_upload(user=user, filename=upload.filename, content=upload.content)
            assert second.ok and not second.new_terms, "uploading the same workbook twice would change lines"
            assert roadmap_import_commit(upload=again, user=user) == 0
            assert roadmap_state() == after
        transaction.set_rollback(True)


def test_the_exported_workbook_uploaded_again_changes_nothing(client_for, personas):
    grid = exported_grid(client_for)
    content = _xlsx(grid)
    _, result = roadmap_import_upload(user=personas["secretariat"], filename="roadmap.xlsx", content=content)
    assert result.ok and not result.new_terms, result.errors[:3]


def _xlsx(grid) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in grid.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def too_big_for_the_database(grid) -> Upload:
    """Cells the sheet once let through and the database refused at commit, as a server error."""
    sheet = grid["Action lines"]
    header = sheet[0]
    sheet[1][header.index("Appendix")] = False  # read as the text 'FALSE': too long for a two-letter appendix
    sheet[2][header.index("Funding amount")] = 1e20
    return Upload(_xlsx(grid), "roadmap.xlsx", "appendix FALSE, funding 1E+20")


@FUZZ
@given(data=st.data())
@example(data=None)
def test_any_damaged_roadmap_workbook_is_refused_with_located_errors_or_imported_once(data, client_for, personas,
                                                                                    shown):
    if data is None:
        upload = too_big_for_the_database(exported_grid(client_for))
        _, result = roadmap_import_upload(user=personas["secretariat"], filename=upload.filename,
                                          content=upload.content)
        assert [(e.row, e.column) for e in result.errors] == [(2, "Appendix"), (3, "Funding amount")]
        assert "too long" in result.errors[0].message
        assert result.errors[1].message == ("'100000000000000000000' is too large to be stored: this field keeps at "
                                            "most 12 digits before the decimal point.")
    else:
        upload = data.draw(damaged_uploads(exported_grid(client_for), sheet="Action lines", stem="roadmap"))
    import_whole(upload, personas["secretariat"], shown)


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_uploading_a_damaged_workbook_on_the_import_page_never_fails_with_a_server_error(data, client_for):
    upload = data.draw(damaged_uploads(exported_grid(client_for), sheet="Action lines", stem="roadmap"))
    client = client_for("secretariat")
    response = client.post("/roadmap/import/", {"workbook": SimpleUploadedFile(upload.filename, upload.content)})
    assert response.status_code in (200, 302, 400), upload.recipe
    if response.status_code == 302:
        preview = response["Location"]
        assert client.get(preview).status_code == 200, upload.recipe
        assert client.get(preview + "marked.xlsx").status_code in (200, 404), upload.recipe
