"""Importing KPI values: preview, then all or nothing; every error names file, sheet, row and field."""

import csv
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from sapsmed.accounts.policy import forget_grants
from sapsmed.kpis.import_services import import_commit, import_prepare
from sapsmed.kpis.importing import check_upload
from sapsmed.kpis.models import Observation, ObservationImport
from sapsmed.kpis.shipped import KPI_DATA_DIR

pytestmark = pytest.mark.django_db

HEADER = ["KPI", "State", "Year", "Value", "Source", "Note"]
GOOD = [["KPI-E1", "MYS", 2019, 48.4, "DOSM, SME Insights 2019, table 2", ""],
        ["KPI-E1", "MYS", 2020, 48.0, "DOSM, SME Insights 2020, table 2", "preliminary"]]


def long_csv(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def long_xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Observations"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def wdi_download(code: str = "SL.TLF.CACT.FE.ZS", states=None) -> bytes:
    """A World Bank API_ CSV download, with the real values of data/kpis/wdi_asean.csv, in the Bank's own layout."""
    with (KPI_DATA_DIR / "wdi_asean.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["indicator_code"] == code]
    by_state: dict[str, dict[int, str]] = {}
    for r in rows:
        by_state.setdefault(r["country_iso3"], {})[int(r["year"])] = r["value"]
    years = range(1960, 2025)
    lines = ['"Data Source","World Development Indicators",', "", '"Last Updated Date","2026-07-01",', "",
             ",".join(f'"{h}"' for h in ["Country Name", "Country Code", "Indicator Name", "Indicator Code",
                                          *map(str, years)]) + ","]
    name = "Labor force participation rate, female (% of female population ages 15+) (modeled ILO estimate)"
    lines.append(",".join(f'"{v}"' for v in ["Aruba", "ABW", name, code, *[""] * len(years)]) + ",")
    for iso3, values in by_state.items():
        if states is None or iso3 in states:
            cells = [iso3, iso3, name, code, *[values.get(y, "") for y in years]]
            lines.append(",".join(f'"{v}"' for v in cells) + ",")
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def errors_of(content, name="values.csv", user=None):
    return [(e.row, e.column, e.message) for e in check_upload(content=content, file_name=name, user=user).errors]


def test_a_long_csv_is_previewed_then_committed_with_its_provenance(personas):
    focal = personas["focal_mys"]
    batch = import_prepare(content=long_csv(GOOD), file_name="mys.csv", reason="SME Insights", user=focal)
    assert batch.status == "previewed" and batch.summary["new"] == 2
    assert not Observation.objects.exists()  # a preview writes no value
    import_commit(batch=batch, user=personas["focal_mys"])
    obs = Observation.objects.get(year=2020)
    assert obs.value == Decimal("48.0") and obs.note == "preliminary"
    assert (obs.source_file, obs.source_row, obs.import_batch_id) == ("mys.csv", 3, batch.pk)
    assert obs.created_by == personas["focal_mys"]
    assert obs.history.get().history_change_reason == "SME Insights"


def test_an_excel_file_is_read_from_its_observations_sheet(personas):
    check = check_upload(content=long_xlsx(GOOD), file_name="mys.xlsx", user=personas["focal_mys"])
    assert check.ok and check.sheet == "Observations" and check.count("new") == 2


def test_a_reimport_with_a_new_value_is_a_correction_kept_in_the_history(personas):
    import_commit(batch=import_prepare(content=long_csv(GOOD), file_name="a.csv", reason="first", user=None), user=None)
    revised = [GOOD[0], [*GOOD[1][:3], 47.6, GOOD[1][4], "revised"]]
    batch = import_prepare(content=long_csv(revised), file_name="b.csv", reason="DOSM revision", user=None)
    assert (batch.summary["correction"], batch.summary["unchanged"]) == (1, 1)
    import_commit(batch=batch, user=None)
    obs = Observation.objects.get(year=2020)
    assert [h.value for h in obs.history.order_by("history_date")] == [Decimal("48.0"), Decimal("47.6")]
    assert obs.history.latest("history_date").history_change_reason == "DOSM revision"


@pytest.mark.parametrize(("row", "column", "words"), [
    (["KPI-Z9", "MYS", 2021, 40, "s", ""], "KPI", "is not one of the allowed values"),
    (["KPI-E1", "ZZZ", 2021, 40, "s", ""], "State", "is not one of the allowed values"),
    (["KPI-E1", "MYS", 1990, 40, "s", ""], "Year", "out of range"),
    (["KPI-E1", "MYS", 2021, "about 40", "s", ""], "Value", "is not a number"),
    (["KPI-E1", "MYS", 2021, -3, "s", ""], "Value", "cannot be negative"),
    (["KPI-E1", "MYS", 2021, 104.5, "s", ""], "Value", "more than 100"),
    (["KPI-E1", "MYS", 2021, 40, "", ""], "Source", "a value is required"),
])
def test_each_bad_cell_is_named_by_row_and_column(row, column, words):
    found = errors_of(long_csv([GOOD[0], row]))
    assert len(found) == 1
    assert found[0][:2] == (3, column) and words in found[0][2]


def test_a_duplicate_row_names_the_earlier_one():
    found = errors_of(long_csv([GOOD[0], GOOD[1], GOOD[0]]))
    assert found == [(4, "KPI", found[0][2])] and "repeats row 2" in found[0][2]


def test_an_error_names_the_file_and_sheet():
    content = long_xlsx([GOOD[0], ["KPI-E1", "MYS", 2020, 140, "s", ""]])
    error = check_upload(content=content, file_name="mys.xlsx", user=None).errors[0]
    assert str(error).startswith("mys.xlsx, sheet 'Observations', row 3, column 'Value'")
    assert error.cell == "D3"


def test_a_file_with_one_bad_row_writes_nothing_and_the_database_is_unchanged(kpi_data, personas):
    before = list(Observation.objects.order_by("pk").values_list("pk", "value", "source"))
    rows = [["KPI-E2", "MYS", 2016, 99.9, "s", ""], ["KPI-E2", "MYS", 2017, 140, "s", ""]]
    batch = import_prepare(content=long_csv(rows), file_name="bad.csv", reason="x", user=personas["focal_mys"])
    assert batch.status == "invalid" and batch.errors[0]["row"] == 3
    with pytest.raises(ValidationError):
        import_commit(batch=batch, user=personas["focal_mys"])
    assert list(Observation.objects.order_by("pk").values_list("pk", "value", "source")) == before


def test_a_file_that_fails_at_commit_time_writes_nothing(personas):
    batch = import_prepare(content=long_csv(GOOD), file_name="mys.csv", reason="x", user=personas["focal_mys"])
    personas["focal_mys"].role_grants.all().delete()  # the focal point lost its role between preview and commit
    forget_grants(personas["focal_mys"])
    with pytest.raises(ValidationError):
        import_commit(batch=batch, user=personas["focal_mys"])
    assert not Observation.objects.exists()
    assert ObservationImport.objects.get().status == "invalid"


def test_the_focal_point_of_malaysia_cannot_import_thailands_values(personas):
    found = errors_of(long_csv([GOOD[0], ["KPI-E1", "THA", 2019, 80, "s", ""]]), user=personas["focal_mys"])
    assert found == [(3, "State", found[0][2])] and "not Thailand" in found[0][2]


def test_a_world_bank_download_is_read_after_its_metadata_lines(kpi_data):
    check = check_upload(content=wdi_download(), file_name="API_SL.TLF.CACT.FE.ZS_DS2_en_csv_v2_1.csv", user=None)
    assert check.ok and check.kind == "wdi"
    assert len(check.planned) == 150  # 10 states x 2010-2024
    assert check.count("correction") == 0 and check.count("source") == 150
    assert "1 rows of countries or aggregates" in check.skipped[0]
    assert "data last updated 2026-07-01" in check.planned[0].source
    assert check.planned[0].row >= 7  # the header sits on row 5, under four metadata lines


def test_a_focal_point_imports_only_its_own_rows_of_a_world_bank_download(personas):
    check = check_upload(content=wdi_download(), file_name="API_SL.TLF.CACT.FE.ZS_DS2.csv", user=personas["focal_mys"])
    assert check.ok and {p.state.iso3 for p in check.planned} == {"MYS"}
    assert "you may not edit were skipped" in check.skipped[0] + check.skipped[1]


def test_a_world_bank_download_of_a_series_that_is_no_kpi_is_refused():
    content = wdi_download().replace(b"SL.TLF.CACT.FE.ZS", b"NY.GDP.MKTP.CD")
    found = errors_of(content, name="API_NY.GDP.MKTP.CD_DS2.csv")
    assert found and all(col == "Indicator Code" and "is not the WDI code of a KPI" in msg for _, col, msg in found)


def test_the_command_dry_run_checks_and_writes_nothing(tmp_path):
    path = tmp_path / "mys.csv"
    path.write_bytes(long_csv(GOOD))
    out = StringIO()
    call_command("import_observations", str(path), "--dry-run", stdout=out)
    assert "Dry run: 2 values checked (2 new" in out.getvalue()
    assert not Observation.objects.exists() and not ObservationImport.objects.exists()


def test_the_command_imports_as_a_user_and_refuses_another_states_rows(tmp_path, personas):
    path = tmp_path / "tha.csv"
    path.write_bytes(long_csv([["KPI-E1", "THA", 2019, 80, "OSMEP", ""]]))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_observations", str(path), "--user", "focal_mys", stderr=err)
    assert "tha.csv, row 2, column 'State'" in err.getvalue()
    call_command("import_observations", str(path), "--user", "secretariat", stdout=StringIO())
    assert Observation.objects.get().created_by == personas["secretariat"]
