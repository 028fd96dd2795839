"""Typed tabular input and Excel output shared by every importer: schemas, readers, templates, marked errors.

Importers declare a Sheet of Columns, call read_table on the upload, and commit only when the
result is ok; otherwise they show result.errors and offer mark_errors on the user's workbook.
Nothing here raises for a bad upload: every problem, including a wrong file type, is a CellError.
"""

from sapsmed.core.tables.reading import EMPTY_REQUIRED, TableResult, read_table
from sapsmed.core.tables.schema import ROW, CellError, Column, Issue, Kind, RowCheck, Sheet, TableCheck
from sapsmed.core.tables.writing import mark_errors, what_to_enter, write_rows_xlsx, write_template

__all__ = [
    "EMPTY_REQUIRED",
    "ROW",
    "CellError",
    "Column",
    "Issue",
    "Kind",
    "RowCheck",
    "Sheet",
    "TableCheck",
    "TableResult",
    "mark_errors",
    "read_table",
    "what_to_enter",
    "write_rows_xlsx",
    "write_template",
]
