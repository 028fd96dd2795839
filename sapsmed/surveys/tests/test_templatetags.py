"""Numbers on the evidence pages read as numbers: significant digits, separators, no exponent, missing as a dash."""

import pytest

from sapsmed.surveys.templatetags.evidence import domain_value, sig


@pytest.mark.parametrize(("value", "digits", "shown"), [
    (136100.7, 4, "136,100"), (0.03294, 4, "0.03294"), (7.641321, 6, "7.64132"), (0.5, 6, "0.5"), (0, 6, "0"),
    (-150157.3, 6, "-150,157"), (None, 6, "—"), (1e-7, 3, "1e-07"),
])
def test_numbers_are_shown_to_their_significant_digits(value, digits, shown):
    assert sig(value, digits) == shown


def test_a_domain_value_is_found_by_its_column_and_a_missing_one_is_a_dash():
    assert domain_value([["state", "MYS"], ["owner_sex", None]], "state") == "MYS"
    assert domain_value([["state", "MYS"], ["owner_sex", None]], "owner_sex") == "—"
