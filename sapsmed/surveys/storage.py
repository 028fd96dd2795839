"""Microdata files on disk: stream an upload to a file, convert CSV/Excel/Parquet to Parquet, describe it.

Rules:
- An upload is copied in chunks to a file under MEDIA_ROOT/surveys/incoming/ (never read whole into
  memory), then converted to Parquet by DuckDB: a CSV is read with types inferred from every row (so a
  stray word in a numeric column makes it a text column, which validation then reports with its rows);
  an Excel sheet (the first) is streamed to a CSV first and read the same way; a Parquet file is checked
  and copied as it is (keeping its metadata, such as the SYNTHETIC label).
- Empty cells and "NA" are missing values.
- The content must match the name (a .csv is text, an .xlsx a zip archive), and a workbook whose zip would
  expand far beyond its size (a decompression bomb) is refused before it is opened.
- A file that cannot be read is a StorageError saying so in words, naming the file.
- Rows are capped (`max_rows`, the setting SURVEY_MAX_ROWS) and counted before any reader builds them: a
  CSV's lines in chunks, a workbook's rows on its sheet's XML, a Parquet file's from its footer. A workbook
  takes at most EXCEL_MAX_ROWS, since its reader holds the whole sheet in memory; CSV and Parquet are streamed.
- The stored file is described by its row count, its columns and types, and its SHA-256; it is
  synthetic when its Parquet metadata says so or when it has a `synthetic` column holding true.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
import zipfile
from pathlib import Path

from sapsmed.core.survey.design import literal, quote

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
ACCEPTED = CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES
_CHUNK = 1024 * 1024
EXCEL_MAX_ROWS = 200_000


class StorageError(ValueError):
    """The file cannot be read as microdata; the message says why, naming the file."""


def kind_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    for kind, suffixes in (("csv", CSV_SUFFIXES), ("excel", EXCEL_SUFFIXES), ("parquet", PARQUET_SUFFIXES)):
        if suffix in suffixes:
            return kind
    raise StorageError(f"{name}: the file type {suffix or '(none)'} is not accepted; upload CSV, Excel "
                       f"(.xlsx) or Parquet")


def stream_to(uploaded, destination: Path) -> int:
    """Copy an uploaded file chunk by chunk; return its size in bytes."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with destination.open("wb") as out:
        for chunk in uploaded.chunks(_CHUNK):
            out.write(chunk)
            size += len(chunk)
    return size


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _csv_to_parquet(source: Path, target: Path, name: str) -> None:
    import duckdb

    reader = (f"read_csv({literal(str(source))}, header = true, nullstr = ['', 'NA'], sample_size = -1, "
              "all_varchar = false)")
    try:
        con = duckdb.connect()
        con.execute(f"COPY (SELECT * FROM {reader}) TO {literal(str(target))} (FORMAT parquet)")  # noqa: S608
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StorageError(f"{name}: could not be read as CSV with a header row: {first}") from None


def _cell(value) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _excel_to_csv(source: Path, target: Path, name: str) -> None:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(source))
        sheet = book.get_sheet_by_index(0)
        with target.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            for row in sheet.iter_rows():
                writer.writerow(["" if v is None else _cell(v) for v in row])
    except Exception as error:  # calamine raises its own error types for every kind of bad workbook
        raise StorageError(f"{name}: could not be read as an Excel workbook: {error}") from None


def _check_parquet(source: Path, target: Path, name: str) -> None:
    import pyarrow.parquet as pq

    try:
        pq.read_schema(source)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ... for a file that is not Parquet
        raise StorageError(f"{name}: is not a readable Parquet file: {error}") from None
    shutil.copyfile(source, target)


_ZIP, _OLE2, _TEXT_SAMPLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 64 * 1024


def check_content(source: Path, name: str) -> None:
    """Refuse a file whose content is not what its name says, and a workbook that is a decompression bomb,
    before any reader opens it (the importers' zip check, so a small file cannot expand to fill memory)."""
    from sapsmed.core.tables.files import FileProblem
    from sapsmed.core.tables.files import refuse_zip_bomb as refuse_bomb

    suffix = Path(name).suffix.lower()
    with source.open("rb") as fh:
        head = fh.read(_TEXT_SAMPLE)
    if kind_of(name) == "csv":
        if b"\x00" in head or head.startswith((_ZIP, _OLE2, b"%PDF-", b"\x7fELF")):
            raise StorageError(f"{name}: is named {suffix} but is not a text (CSV) file: it is binary data "
                               "(a program, an archive, a workbook, or text saved as UTF-16). Save the data as "
                               "CSV, Excel or Parquet.")
    elif suffix == ".xls":
        if not head.startswith(_OLE2):
            raise StorageError(f"{name}: is named .xls but is not an Excel 97-2003 workbook.")
    elif kind_of(name) == "excel":
        if not head.startswith(_ZIP):
            raise StorageError(f"{name}: is named {suffix} but is not a workbook (an .xlsx or .ods file is a zip "
                               "archive; this one is not). Open it in Excel and save it as .xlsx, or as CSV.")
        try:
            with zipfile.ZipFile(source) as archive:
                refuse_bomb(archive.infolist())
        except zipfile.BadZipFile:
            raise StorageError(f"{name}: is a damaged workbook; save it again as .xlsx or CSV.") from None
        except FileProblem as problem:
            raise StorageError(f"{name}: {problem.args[0]}") from None


def _rows_before_reading(source: Path, name: str, kind: str) -> int | None:
    """The rows of the file (a header line included), counted without building them; None when unknown."""
    if kind == "csv":
        lines, last = 0, b"\n"
        with source.open("rb") as fh:
            while block := fh.read(_CHUNK):
                lines, last = lines + block.count(b"\n"), block[-1:]
        return lines + (last != b"\n")
    if kind == "parquet":
        import pyarrow.parquet as pq

        try:
            return pq.read_metadata(source).num_rows + 1  # and the header a CSV of it would have
        except Exception:  # noqa: BLE001 - _check_parquet says in words that the file is not Parquet
            return None
    if Path(name).suffix.lower() in (".xlsx", ".xlsm"):
        from python_calamine import CalamineWorkbook

        from sapsmed.core.tables.limits import xlsx_sheet_rows

        try:
            first = CalamineWorkbook.from_path(str(source)).sheet_names[0]
        except Exception:  # noqa: BLE001 - _excel_to_csv says in words why the workbook cannot be read
            return None
        return xlsx_sheet_rows(source, first, stop_above=EXCEL_MAX_ROWS)
    return None


def check_rows(source: Path, name: str, max_rows: int | None) -> None:
    """Refuse a file of more rows than a survey upload takes, before it is converted."""
    from sapsmed.core.tables.limits import too_many_rows

    kind = kind_of(name)
    rows = _rows_before_reading(source, name, kind)
    if rows is None:
        return
    if kind == "excel" and rows > EXCEL_MAX_ROWS:
        raise StorageError(f"{name}: {too_many_rows(rows, EXCEL_MAX_ROWS, 'a survey workbook')} Larger surveys "
                           "are uploaded as CSV or Parquet, which are read in a stream.")
    if max_rows is not None and rows > max_rows:
        raise StorageError(f"{name}: {too_many_rows(rows, max_rows, 'a survey upload')}")


def to_parquet(source: Path, target: Path, name: str, max_rows: int | None = None) -> None:
    """Convert the uploaded file at `source` (originally called `name`) to Parquet at `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    kind = kind_of(name)
    check_content(source, name)
    check_rows(source, name, max_rows)
    if kind == "parquet":
        _check_parquet(source, target, name)
    elif kind == "csv":
        _csv_to_parquet(source, target, name)
    else:
        as_csv = source.with_suffix(".csv")
        try:
            _excel_to_csv(source, as_csv, name)
            _csv_to_parquet(as_csv, target, name)
        finally:
            as_csv.unlink(missing_ok=True)


def describe(path: Path) -> tuple[int, list[list[str]], bool]:
    """Row count, [name, type] of every column, and whether the data are labelled synthetic."""
    import duckdb
    import pyarrow.parquet as pq

    con = duckdb.connect()
    source = f"read_parquet({literal(str(path))})"
    described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()  # noqa: S608
    columns = [[name, str(kind)] for name, kind, *_ in described]
    rows = con.execute(f"SELECT COUNT(*) FROM {source}").fetchone()[0]  # noqa: S608
    metadata = pq.read_schema(path).metadata or {}
    synthetic = metadata.get(b"sapsmed.synthetic") == b"true"
    if not synthetic and "synthetic" in {name for name, _ in columns}:
        flagged = con.execute(
            f"SELECT COUNT(*) FROM {source} WHERE CAST({quote('synthetic')} AS VARCHAR) IN ('true', '1')"  # noqa: S608
        ).fetchone()[0]
        synthetic = flagged > 0
    return int(rows), columns, synthetic
