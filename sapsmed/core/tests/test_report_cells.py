"""A review table's cells print the same in every output, in their column's format."""

from datetime import date

import pytest

from sapsmed.core.report_cells import Fmt, cell_text, formats_of


@pytest.mark.parametrize(("value", "fmt", "text"), [
    (171508.78, Fmt.NUMBER, "171,508.78"), (0.284467, Fmt.NUMBER, "0.284"), (0.0123, Fmt.NUMBER, "0.0123"),
    (2.5e9, Fmt.NUMBER, "2,500,000,000"),
    (1234567.891, Fmt.NUMBER, "1,234,567.89"), (-3.456, Fmt.NUMBER, "-3.46"), (1.0, Fmt.NUMBER, "1"),
    (0, Fmt.NUMBER, "0"),
    (2016, Fmt.YEAR, "2016"), (12345, Fmt.INT, "12,345"), (28.4467, Fmt.PERCENT, "28.4 %"),
    (None, Fmt.NUMBER, "—"), ("n/a", Fmt.NUMBER, "n/a"), (date(2025, 12, 31), Fmt.DATE, "2025-12-31"),
    (float("nan"), Fmt.NUMBER, "nan"), (True, Fmt.INT, "True"),
])
def test_a_cell_prints_in_its_columns_format(value, fmt, text):
    assert cell_text(value, fmt) == text


def test_a_table_without_formats_is_text_and_a_wrong_count_is_refused():
    assert formats_of(["A", "B"], None) == [Fmt.TEXT, Fmt.TEXT]
    with pytest.raises(ValueError, match="1 formats for 2 columns"):
        formats_of(["A", "B"], ["int"])
