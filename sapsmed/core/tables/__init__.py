"""Typed tabular input and Excel output shared by every importer: schemas, readers, templates, marked errors.

Importers declare a Sheet of Columns, call read_table on the upload, and commit only when the
result is ok; otherwise they show result.errors and offer mark_errors on the user's workbook.
Every export writes its cells through csv_cell (CsvWriter, CsvDictWriter) or put_cell (append_row,
cell_of, and the writers here), so no text becomes a formula (safe_text, writing).
Nothing here raises for a bad upload: every problem, including a wrong file type, is a CellError.
"""

from sapsmed.core.tables.limits import ERRORS_SHOWN, ErrorKind, RowCap, stored_kinds, tally
from sapsmed.core.tables.reading import EMPTY_REQUIRED, TableResult, read_table
from sapsmed.core.tables.safe_text import CsvDictWriter, CsvWriter, csv_cell
from sapsmed.core.tables.schema import ROW, CellError, Column, Issue, Kind, RowCheck, Sheet, TableCheck
from sapsmed.core.tables.writing import (
    NotMarkable,
    append_row,
    cell_of,
    mark_errors,
    put_cell,
    what_to_enter,
    write_rows_xlsx,
    write_template,
)

__all__ = [
    "EMPTY_REQUIRED",
    "ERRORS_SHOWN",
    "ROW",
    "CellError",
    "Column",
    "CsvDictWriter",
    "CsvWriter",
    "ErrorKind",
    "Issue",
    "Kind",
    "NotMarkable",
    "RowCap",
    "RowCheck",
    "Sheet",
    "TableCheck",
    "TableResult",
    "append_row",
    "cell_of",
    "csv_cell",
    "mark_errors",
    "put_cell",
    "read_table",
    "stored_kinds",
    "tally",
    "what_to_enter",
    "write_rows_xlsx",
    "write_template",
]
