"""MSME classification: each state's definitions at their bounds, rules, dates, gaps, currency, loader."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sapsmed.core.msme import (
    Confidence,
    CurrencyMismatch,
    DefinitionError,
    Enterprise,
    SizeClass,
    classify,
    classify_all_states,
    harmonised_band,
    load_definitions,
)

REGISTRY = load_definitions()
IN_2016, LATEST = date(2016, 6, 30), date(2024, 6, 30)
M, BN = 1_000_000, 1_000_000_000


def size(state, on, employees=None, *, definition_id=None, **figures):
    return classify(Enterprise(employees, **figures), state, on, REGISTRY, definition_id=definition_id)


# Boundary cases at, just below and just above each bound, under the definition in force in 2016 and the
# latest one. Each row: state, date, employees, other figures, expected class. Figures held at a far value
# isolate the bound under test.
BOUNDARIES = [
    # Brunei, JPKE working definition (2016) and ACE 2019 size bands (latest): employees only
    *[("BRN", IN_2016, n, {}, c) for n, c in [(1, "micro"), (5, "micro"), (6, "small"), (50, "small"),
                                              (51, "medium"), (100, "medium"), (101, "large")]],
    *[("BRN", LATEST, n, {}, c) for n, c in [(0, "micro"), (4, "micro"), (5, "small"), (19, "small"),
                                             (20, "medium"), (99, "medium"), (100, "large")]],
    # Cambodia 2005: employees and fixed assets (US$), rule not stated, so both must agree
    ("KHM", IN_2016, 10, {"assets": 49_999}, "micro"),
    ("KHM", IN_2016, 11, {"assets": 50_000}, "small"),
    ("KHM", IN_2016, 50, {"assets": 249_999}, "small"),
    ("KHM", IN_2016, 51, {"assets": 250_000}, "medium"),
    ("KHM", IN_2016, 100, {"assets": 500_000}, "medium"),
    ("KHM", IN_2016, 101, {"assets": 500_001}, "large"),
    # Cambodia 2021, agriculture: employees, revenue and assets (US$) must agree
    ("KHM", LATEST, 5, {"revenue": 62_500, "assets": 50_000}, "small"),
    ("KHM", LATEST, 49, {"revenue": 250_000, "assets": 250_000}, "small"),
    ("KHM", LATEST, 50, {"revenue": 250_001, "assets": 250_001}, "medium"),
    ("KHM", LATEST, 199, {"revenue": 1_000_000, "assets": 500_000}, "medium"),
    ("KHM", LATEST, 200, {"revenue": 1_000_001, "assets": 500_001}, "large"),
    # Indonesia UU 20/2008: net assets OR annual sales (IDR), the smaller class applies
    *[("IDN", IN_2016, None, {"revenue": r, "assets": 20 * BN}, c) for r, c in [
        (300 * M, "micro"), (300 * M + 1, "small"), (2.5 * BN, "small"), (2.5 * BN + 1, "medium"),
        (50 * BN, "medium"), (50 * BN + 1, "large")]],
    *[("IDN", IN_2016, None, {"assets": a, "revenue": 60 * BN}, c) for a, c in [
        (50 * M, "micro"), (50 * M + 1, "small"), (500 * M, "small"), (500 * M + 1, "medium"),
        (10 * BN, "medium"), (10 * BN + 1, "large")]],
    # Indonesia PP 7/2021: business capital OR annual sales (IDR)
    *[("IDN", LATEST, None, {"revenue": r, "capital": 20 * BN}, c) for r, c in [
        (2 * BN, "micro"), (2 * BN + 1, "small"), (15 * BN, "small"), (15 * BN + 1, "medium"),
        (50 * BN, "medium"), (50 * BN + 1, "large")]],
    *[("IDN", LATEST, None, {"capital": k, "revenue": 60 * BN}, c) for k, c in [
        (1 * BN, "micro"), (1 * BN + 1, "small"), (5 * BN, "small"), (5 * BN + 1, "medium"),
        (10 * BN, "medium"), (10 * BN + 1, "large")]],
    # Lao PDR Decree 42/PM: employees OR assets OR turnover (LAK); no micro class in the sources read
    *[("LAO", IN_2016, n, {"assets": 2 * BN, "revenue": 2 * BN}, c) for n, c in [
        (19, "small"), (20, "medium"), (99, "medium"), (100, "large")]],
    *[("LAO", IN_2016, 200, {"assets": a, "revenue": 2 * BN}, c) for a, c in [
        (250 * M, "small"), (250 * M + 1, "medium"), (1.2 * BN, "medium"), (1.2 * BN + 1, "large")]],
    *[("LAO", IN_2016, 200, {"revenue": r, "assets": 2 * BN}, c) for r, c in [
        (400 * M, "small"), (400 * M + 1, "medium"), (1 * BN, "medium"), (1 * BN + 1, "large")]],
    # Lao PDR Decree 25/GOV: only the commodity-production micro row is known
    ("LAO", LATEST, 1, {"sector": "manufacturing"}, "micro"),
    ("LAO", LATEST, 5, {"sector": "manufacturing"}, "micro"),
    ("LAO", LATEST, 6, {"sector": "manufacturing", "assets": 100 * M}, "micro"),
    ("LAO", LATEST, 6, {"sector": "manufacturing", "assets": 100 * M + 1}, "unknown"),
    # Malaysia 2013, manufacturing and services: sales turnover OR full-time employees (MYR)
    *[("MYS", IN_2016, n, {"sector": "manufacturing", "revenue": 60 * M}, c) for n, c in [
        (4, "micro"), (5, "small"), (74, "small"), (75, "medium"), (200, "medium"), (201, "large")]],
    *[("MYS", LATEST, 300, {"sector": "manufacturing", "revenue": r}, c) for r, c in [
        (299_999, "micro"), (300_000, "small"), (15 * M - 1, "small"), (15 * M, "medium"),
        (50 * M, "medium"), (50 * M + 1, "large")]],
    *[("MYS", LATEST, n, {"sector": "services", "revenue": 30 * M}, c) for n, c in [
        (29, "small"), (30, "medium"), (75, "medium"), (76, "large")]],
    *[("MYS", LATEST, 300, {"sector": "retail", "revenue": r}, c) for r, c in [
        (3 * M - 1, "small"), (3 * M, "medium"), (20 * M, "medium"), (20 * M + 1, "large")]],
    # Myanmar Law 23/2015 (2016 and latest): employees OR capital / turnover (MMK); no micro class
    *[("MMR", IN_2016, n, {"sector": "manufacturing", "capital": 2 * BN}, c) for n, c in [
        (1, "small"), (50, "small"), (51, "medium"), (300, "medium"), (301, "large")]],
    *[("MMR", LATEST, 400, {"sector": "manufacturing", "capital": k}, c) for k, c in [
        (500 * M, "small"), (500 * M + 1, "medium"), (1 * BN, "medium"), (1 * BN + 1, "large")]],
    *[("MMR", LATEST, n, {"sector": "retail", "revenue": 1 * BN}, c) for n, c in [
        (30, "small"), (31, "medium"), (60, "medium"), (61, "large")]],
    # Philippines Magna Carta: assets (PHP) decide; employees are the alternative
    *[("PHL", IN_2016, 500, {"assets": a}, c) for a, c in [
        (3 * M, "micro"), (3 * M + 1, "small"), (15 * M, "small"), (15 * M + 1, "medium"),
        (100 * M, "medium"), (100 * M + 1, "large")]],
    *[("PHL", LATEST, n, {}, c) for n, c in [
        (1, "micro"), (9, "micro"), (10, "small"), (99, "small"), (100, "medium"), (199, "medium"),
        (200, "large")]],
    # Singapore 2011: group sales OR group employment (SGD); micro is the Micro Loan scheme's
    *[("SGP", IN_2016, n, {"revenue": 200 * M}, c) for n, c in [
        (10, "micro"), (11, "sme"), (200, "sme"), (201, "large")]],
    *[("SGP", LATEST, 500, {"revenue": r}, c) for r, c in [
        (1 * M, "micro"), (1 * M + 1, "sme"), (100 * M, "sme"), (100 * M + 1, "large")]],
    # Thailand 2002: employees and fixed assets (THB) must agree; no micro class
    ("THA", IN_2016, 50, {"sector": "manufacturing", "assets": 50 * M}, "small"),
    ("THA", IN_2016, 51, {"sector": "manufacturing", "assets": 50 * M + 1}, "medium"),
    ("THA", IN_2016, 200, {"sector": "manufacturing", "assets": 200 * M}, "medium"),
    ("THA", IN_2016, 201, {"sector": "manufacturing", "assets": 200 * M + 1}, "large"),
    ("THA", IN_2016, 25, {"sector": "wholesale", "assets": 50 * M}, "small"),
    ("THA", IN_2016, 26, {"sector": "wholesale", "assets": 50 * M + 1}, "medium"),
    ("THA", IN_2016, 15, {"sector": "retail", "assets": 30 * M}, "small"),
    ("THA", IN_2016, 16, {"sector": "retail", "assets": 30 * M + 1}, "medium"),
    ("THA", IN_2016, 30, {"sector": "retail", "assets": 60 * M}, "medium"),
    ("THA", IN_2016, 31, {"sector": "retail", "assets": 60 * M + 1}, "large"),
    # Thailand B.E. 2562: employees and revenue (THB), the larger class applies
    *[("THA", LATEST, n, {"sector": "manufacturing", "revenue": 1 * M}, c) for n, c in [
        (5, "micro"), (6, "small"), (50, "small"), (51, "medium"), (200, "medium"), (201, "large")]],
    *[("THA", LATEST, 1, {"sector": "manufacturing", "revenue": r}, c) for r, c in [
        (1.8 * M, "micro"), (1.8 * M + 1, "small"), (100 * M, "small"), (100 * M + 1, "medium"),
        (500 * M, "medium"), (500 * M + 1, "large")]],
    *[("THA", LATEST, n, {"sector": "retail", "revenue": 1 * M}, c) for n, c in [
        (30, "small"), (31, "medium"), (100, "medium"), (101, "large")]],
    *[("THA", LATEST, 1, {"sector": "services", "revenue": r}, c) for r, c in [
        (50 * M, "small"), (50 * M + 1, "medium"), (300 * M, "medium"), (300 * M + 1, "large")]],
    # Viet Nam Decree 56/2009: total capital (VND) takes priority; micro is defined by employees alone
    *[("VNM", IN_2016, n, {"sector": "manufacturing"}, c) for n, c in [
        (10, "micro"), (11, "small"), (200, "small"), (201, "medium"), (300, "medium"), (301, "large")]],
    *[("VNM", IN_2016, 50, {"sector": "construction", "capital": k}, c) for k, c in [
        (20 * BN, "small"), (20 * BN + 1, "medium"), (100 * BN, "medium"), (100 * BN + 1, "large")]],
    # Viet Nam Decree 80/2021: social-insurance employees AND (revenue OR capital)
    *[("VNM", LATEST, n, {"sector": "manufacturing", "revenue": 1 * BN}, c) for n, c in [
        (10, "micro"), (11, "small"), (100, "small"), (101, "medium"), (200, "medium"), (201, "large")]],
    *[("VNM", LATEST, 1, {"sector": "agriculture", "revenue": r, "capital": 200 * BN}, c) for r, c in [
        (3 * BN, "micro"), (3 * BN + 1, "small"), (50 * BN, "small"), (50 * BN + 1, "medium"),
        (200 * BN, "medium"), (200 * BN + 1, "large")]],
    *[("VNM", LATEST, 1, {"sector": "retail", "capital": k, "revenue": 500 * BN}, c) for k, c in [
        (3 * BN, "micro"), (3 * BN + 1, "small"), (50 * BN, "small"), (50 * BN + 1, "medium"),
        (100 * BN, "medium"), (100 * BN + 1, "large")]],
    *[("VNM", LATEST, n, {"sector": "services", "revenue": 1 * BN}, c) for n, c in [
        (50, "small"), (51, "medium"), (100, "medium"), (101, "large")]],
]
CURRENCY = {"KHM": "USD", "IDN": "IDR", "LAO": "LAK", "MYS": "MYR", "MMR": "MMK", "PHL": "PHP", "SGP": "SGD",
            "THA": "THB", "VNM": "VND"}


@pytest.mark.parametrize(("state", "on", "employees", "figures", "expected"), BOUNDARIES)
def test_each_state_places_figures_at_and_around_each_bound(state, on, employees, figures, expected):
    money = {k: v for k, v in figures.items() if k != "sector"}
    currency = CURRENCY.get(state) if money else None
    sector = figures.get("sector", "agriculture")
    result = size(state, on, employees, currency=currency, sector=sector, **money)
    assert result.size_class == expected, result.reason


def test_the_reason_names_each_figure_its_range_and_the_definition_used():
    result = size("THA", LATEST, 40, revenue=30 * M, currency="THB", sector="manufacturing")
    assert result.reason.startswith("small: 40 employees within 6-50 (small) and revenue 30,000,000 THB")
    assert "up to 100m (small) under Ministerial Regulation B.E. 2562 (2019) (in force from 2020" \
        in result.reason
    assert result.definition_id == "THA-2019"
    assert "B.E. 2562" in result.legal_source
    assert result.confidence is Confidence.CONFIRMED


def test_under_or_the_smaller_class_wins_and_under_and_the_larger():
    malaysia = size("MYS", LATEST, 3, revenue=40 * M, currency="MYR", sector="manufacturing")
    thailand = size("THA", LATEST, 3, revenue=30 * M, currency="THB", sector="manufacturing")
    assert (malaysia.size_class, thailand.size_class) == ("micro", "small")
    assert "the smaller, micro, applies" in malaysia.reason
    assert "the larger, small, applies" in thailand.reason


def test_viet_nam_2021_takes_employees_and_the_smaller_of_revenue_or_capital():
    money = {"revenue": 60 * BN, "capital": 1 * BN, "currency": "VND", "sector": "retail"}
    # 150 employees exceed the trade/services medium ceiling of 100, whatever the money says
    assert size("VNM", LATEST, 150, **money).size_class == "large"
    # revenue alone would say small, but capital keeps the money side micro, and employees agree
    assert size("VNM", LATEST, 5, **money).size_class == "micro"


def test_philippine_assets_prevail_over_employees_and_the_reason_says_so():
    result = size("PHL", IN_2016, 40, assets=20 * M, currency="PHP")
    assert result.size_class == "medium"
    assert "assets is the priority criterion" in result.reason
    fallback = size("PHL", IN_2016, 40)
    assert "assets, the priority criterion, was not given" in " ".join(fallback.caveats)


def test_viet_nam_2009_capital_priority_and_employees_only_micro_are_not_forced_together():
    factory = {"currency": "VND", "sector": "manufacturing"}
    assert size("VNM", IN_2016, 5, capital=5 * BN, **factory).size_class == "micro"
    assert size("VNM", IN_2016, 250, capital=5 * BN, **factory).size_class == "small"
    clash = size("VNM", IN_2016, 5, capital=50 * BN, **factory)
    assert clash.size_class == "unknown"
    assert set(clash.possible_classes) == {SizeClass.MICRO, SizeClass.MEDIUM}
    assert "do not say which prevails" in clash.reason


def test_where_the_source_states_no_rule_disagreeing_criteria_give_unknown():
    result = size("THA", IN_2016, 40, assets=60 * M, currency="THB", sector="manufacturing")
    assert result.size_class == "unknown"
    assert "employees: small; assets: medium" in result.reason
    assert size("KHM", IN_2016, 10, assets=50_000, currency="USD").size_class == "unknown"


def test_sector_thresholds_differ_and_sectors_can_be_named_by_key_or_broad_sector():
    figures = {"revenue": 10 * M, "currency": "MYR"}
    assert size("MYS", LATEST, 40, sector="manufacturing", **figures).size_class == "small"
    assert size("MYS", LATEST, 40, sector="retail", **figures).size_class == "medium"
    assert size("MYS", LATEST, 40, sector="services_and_other_sectors", **figures).size_class == "medium"
    undecided = size("MYS", LATEST, 40, **figures)
    assert undecided.size_class == "unknown" and "depends on it" in undecided.reason
    same = size("MYS", LATEST, 3)
    assert same.size_class == "micro" and "every sector gives the same class" in " ".join(same.caveats)
    # the 2005 definition has no row for trade
    assert size("MYS", date(2010, 6, 1), 3, sector="wholesale").size_class == "unknown"


@pytest.mark.parametrize(("state", "before", "during", "after", "old", "new"), [
    ("THA", date(2019, 12, 31), date(2020, 6, 30), date(2021, 1, 1), "THA-2002", "THA-2019"),
    ("KHM", date(2020, 12, 31), date(2021, 1, 15), date(2021, 2, 1), "KHM-2005", "KHM-2021"),
    ("IDN", date(2020, 12, 31), date(2021, 6, 30), date(2022, 1, 1), "IDN-UU20-2008", "IDN-PP7-2021"),
    ("LAO", date(2016, 12, 31), date(2017, 6, 30), date(2018, 1, 1), "LAO-Decree42-2004",
     "LAO-Decree25-2017"),
    ("BRN", date(2018, 12, 31), date(2019, 6, 30), date(2020, 1, 1), "BRN-legacy", "BRN-ACE-2019"),
    ("VNM", date(2017, 12, 31), date(2018, 6, 30), date(2019, 1, 1), "VNM-Decree56-2009",
     "VNM-Decree39-2018"),
])
def test_a_revision_known_only_to_its_year_or_month_switches_after_that_period(state, before, during, after,
                                                                              old, new):
    assert [d.id for d in REGISTRY.in_force(state, before).possible] == [old]
    assert [d.id for d in REGISTRY.in_force(state, during).possible] == [old, new]
    assert [d.id for d in REGISTRY.in_force(state, after).possible] == [new]


@pytest.mark.parametrize(("state", "day_before", "day", "old", "new"), [
    ("VNM", date(2021, 10, 14), date(2021, 10, 15), "VNM-Decree39-2018", "VNM-Decree80-2021"),
    ("SGP", date(2011, 3, 31), date(2011, 4, 1), "SGP-pre-2011", "SGP-2011"),
    ("MMR", date(2015, 4, 8), date(2015, 4, 9), "MMR-PIEL-1990", "MMR-Law23-2015"),
])
def test_a_revision_with_a_known_day_switches_on_that_day(state, day_before, day, old, new):
    employees_only = Enterprise(150, sector="services")
    assert classify(employees_only, state, day_before, REGISTRY).definitions[0].id == old
    assert classify(employees_only, state, day, REGISTRY).definitions[0].id == new


def test_inside_an_uncertain_switch_the_class_is_given_only_when_both_definitions_agree():
    figures = {"revenue": 1 * BN, "capital": 1 * BN, "currency": "VND", "sector": "manufacturing"}
    assert size("VNM", date(2017, 12, 31), 150, **figures).size_class == "small"  # capital priority, 2009
    assert size("VNM", date(2019, 1, 1), 150, **figures).size_class == "medium"  # employees count, 2018
    during = size("VNM", date(2018, 6, 30), 150, **figures)
    assert during.size_class == "unknown" and during.definition_id is None
    assert "took effect on a day in 2018 that is not known" in during.reason
    agree = size("THA", date(2020, 6, 30), 40, revenue=30 * M, assets=40 * M, currency="THB",
                 sector="manufacturing")
    assert agree.size_class == "small" and len(agree.definitions) == 2


def test_a_date_before_any_known_definition_is_unknown_with_the_reason():
    result = size("VNM", date(2008, 12, 31), 50, sector="manufacturing")
    assert result.size_class == "unknown" and "before any known definition of VNM" in result.reason
    assert size("PHL", date(2008, 6, 1), 50).size_class == "unknown"  # RA 9501's day in 2008 is not known


def test_a_missing_input_the_rule_needs_gives_unknown_with_what_it_could_be():
    result = size("THA", LATEST, 3, sector="retail")
    assert result.size_class == "unknown" and "revenue not given" in result.reason
    assert result.possible_classes[0] == SizeClass.MICRO
    assert size("IDN", LATEST, None, revenue=1 * BN, currency="IDR").size_class == "micro"  # OR: enough
    assert size("KHM", IN_2016, 30).size_class == "unknown"  # rule not stated: assets needed too


def test_what_the_sources_did_not_give_stays_unknown():
    cambodian_shop = size("KHM", LATEST, 30, revenue=100_000, assets=200_000, currency="USD", sector="retail")
    assert "thresholds for sector services_and_commerce are NOT_FOUND" in cambodian_shop.reason
    tiny = size("KHM", LATEST, 3, revenue=20_000, assets=20_000, currency="USD", sector="agriculture")
    assert tiny.size_class == "unknown" and "micro thresholds are NOT_FOUND" in tiny.reason
    assert size("LAO", LATEST, 8, sector="manufacturing").size_class == "unknown"
    old_myanmar = size("MMR", date(2010, 1, 1), 40, sector="manufacturing")
    assert old_myanmar.size_class == "unknown" and "cannot be applied" in old_myanmar.reason


def test_partial_and_unverified_thresholds_are_flagged_in_the_answer():
    assert size("BRN", IN_2016, 30).confidence is Confidence.UNVERIFIED
    assert size("BRN", IN_2016, 3).confidence is Confidence.PARTIAL
    assert size("MMR", LATEST, 40, sector="retail", revenue=1 * BN, currency="MMK").confidence \
        is Confidence.UNVERIFIED
    assert size("MMR", LATEST, 20, sector="retail").confidence is Confidence.CONFIRMED
    lao = size("LAO", LATEST, 6, sector="manufacturing", assets=50 * M, currency="LAK")
    assert lao.confidence is Confidence.UNVERIFIED and "excerpt truncated" in " ".join(lao.caveats)
    assert "not a general statutory size class" in " ".join(size("SGP", LATEST, 5).caveats)
    viet = size("VNM", LATEST, 20, capital=40 * BN, currency="VND", sector="retail")
    assert any("VND 30 bn" in c for c in viet.caveats)


def test_money_in_another_currency_or_none_is_an_error_not_a_conversion():
    with pytest.raises(CurrencyMismatch, match="are in USD but the thresholds of THA-2019 are in THB"):
        size("THA", LATEST, 40, revenue=1 * M, currency="USD", sector="manufacturing")
    with pytest.raises(CurrencyMismatch, match="have no currency"):
        size("VNM", LATEST, 40, revenue=1 * M, sector="manufacturing")
    assert size("KHM", LATEST, 30, revenue=100_000, assets=200_000, currency="USD",
                sector="agriculture").size_class == "small"


def test_the_comparison_shows_all_ten_states_and_uses_money_only_in_its_own_currency():
    comparison = classify_all_states(Enterprise(40, revenue=100_000, assets=200_000, currency="USD",
                                                sector="manufacturing"), LATEST, REGISTRY)
    rows = {row.state: row for row in comparison.rows}
    assert list(rows) == ["BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"]
    assert rows["KHM"].figures == "all figures (USD)" and rows["KHM"].classification.size_class == "small"
    assert "not used against THB thresholds (no conversion)" in rows["THA"].figures
    assert rows["PHL"].classification.size_class == "small"  # employees, the alternative criterion
    assert rows["LAO"].classification.size_class == "unknown"
    assert "No currency is converted" in comparison.note


def test_the_comparison_takes_figures_per_state_and_says_where_none_were_entered():
    comparison = classify_all_states({"THA": Enterprise(40, revenue=30 * M, currency="THB", sector="retail"),
                                      "VNM": Enterprise(40, revenue=5 * BN, currency="VND", sector="retail")},
                                     LATEST, REGISTRY)
    rows = {row.state: row.classification for row in comparison.rows}
    assert (rows["THA"].size_class, rows["VNM"].size_class) == ("medium", "small")
    assert rows["SGP"].reason == "unknown: no figures entered for this state"
    with pytest.raises(KeyError, match="XYZ"):
        classify_all_states({"XYZ": Enterprise(4)}, LATEST, REGISTRY)


@pytest.mark.parametrize(("persons", "expected"), [
    (0, "unknown"), (1, "micro"), (9, "micro"), (10, "small"), (49, "small"), (50, "medium"), (249, "medium"),
    (250, "large"), (None, "unknown"),
])
def test_the_harmonised_band_uses_oecd_headcount_bands_and_always_carries_its_label(persons, expected):
    band = harmonised_band(persons, REGISTRY)
    assert band.size_class == expected
    assert "OECD" in band.label and "2003/361/EC" in band.label and "Not the national" in band.label


EMPLOYEES_ONLY = [("BRN", "BRN-legacy", None), ("BRN", "BRN-ACE-2019", None),
                  ("IDN", "IDN-BPS-statistical", None), ("SGP", "SGP-pre-2011", "services")]


@given(st.sampled_from(EMPLOYEES_ONLY), st.integers(0, 2_000), st.integers(0, 2_000))
def test_more_employees_never_give_a_smaller_class_under_an_employees_only_definition(definition, n, more):
    state, definition_id, sector = definition
    fewer, larger = (size(state, LATEST, k, sector=sector, definition_id=definition_id)
                     for k in (n, n + more))
    if fewer.is_known and larger.is_known:
        assert larger.size_class.rank >= fewer.size_class.rank


@given(st.sampled_from(sorted(REGISTRY.states)), st.sampled_from([IN_2016, LATEST]), st.integers(0, 1_000),
       st.integers(0, 1_000), st.sampled_from(REGISTRY.broad_sectors),
       st.lists(st.one_of(st.none(), st.integers(0, 10**12)), min_size=3, max_size=3))
def test_more_employees_never_give_a_smaller_class_under_any_rule(state, on, n, more, sector, money):
    revenue, assets, capital = money
    currency = CURRENCY.get(state) if any(v is not None for v in money) else None
    fewer, larger = (size(state, on, k, revenue=revenue, assets=assets, capital=capital, currency=currency,
                          sector=sector) for k in (n, n + more))
    if fewer.is_known and larger.is_known:
        assert larger.size_class.rank >= fewer.size_class.rank


# Loader errors name the file, the entry and the field.
MINIMAL = """
schema_version: 1
broad_sectors: [manufacturing, services]
harmonised_size_bands:
  id: bands
  basis: persons employed
  bands: {micro: {min: 1, max: 9}, small: {min: 10, max: 49}, medium: {min: 50, max: 249}, large: {min: 250}}
  label: a label
  sources: [https://example.org]
  confidence: confirmed
states:
  THA:
    name: Thailand
    definitions:
      - id: THA-test
        short_name: Test regulation
        use: national
        legal_source: Test regulation
        effective_from: 2010
        in_force_2015_2016: true
        currency: THB
        combination: {rule: all, tie_rule: larger_class, source_text: larger wins}
        criteria: {employees: {measure: employees}, revenue: {measure: revenue}}
        sectors:
          default:
            covers: all
            classes:
              micro: {employees: {max: 5}, revenue: {max: 1800000}}
              small: {employees: {min: 6, max: 50}, revenue: {gt: 1800000, max: 100000000}}
        confidence: confirmed
        sources: [https://example.org]
"""


def test_the_minimal_file_loads_and_classifies():
    registry = load_definitions(MINIMAL)
    assert classify(Enterprise(51), "THA", LATEST, registry).size_class == "large"


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ("revenue: {measure: revenue}", "turnover: {measure: revenue}", "criteria.turnover", "unknown criterion"),
    ("revenue: {max: 1800000}}", "revenue: {max: 1800000}, turnover: {max: 1}}",
     "sectors.default.classes.micro.turnover", "unknown criterion"),
    ("rule: all", "rule: xor", "combination.rule", "unknown combination rule 'xor'"),
    ("tie_rule: larger_class", "tie_rule: smaller_class", "combination.tie_rule", "implies tie rule"),
    ("{min: 6, max: 50}", "{min: 5, max: 50}", "sectors.default.classes.small.employees", "overlaps"),
    ("{min: 6, max: 50}", "{min: 8, max: 50}", "sectors.default.classes.small.employees", "gap"),
    ("{min: 6, max: 50}", "{min: 60, max: 50}", "sectors.default.classes.small.employees", "inverted bound"),
    ("{gt: 1800000, max", "{min: 1800000, max", "sectors.default.classes.small.revenue", "overlaps"),
    ("effective_from: 2010", "effective_from: 2010-13-01", "effective_from", "bad date"),
    ("effective_from: 2010", "effective_from: next year", "effective_from", "bad date"),
    ("effective_from: 2010", "effective_from: 2017", "in_force_2015_2016", "the dates say otherwise"),
    ("        confidence: confirmed\n", "        confidence: sure\n", "confidence",
     "unknown confidence label"),
    ("short_name:", "shortname:", "shortname", "unknown key"),
    ("small: {employees: {min: 6, max: 50}, revenue: {gt: 1800000, max: 100000000}}", "small: NOT_FOUND",
     "missing", "say what in 'missing'"),
])
def test_a_malformed_file_is_rejected_naming_file_entry_and_field(old, new, field, words):
    assert old in MINIMAL
    with pytest.raises(DefinitionError) as raised:
        load_definitions(MINIMAL.replace(old, new, 1))
    assert (raised.value.file, raised.value.entry, raised.value.field) == ("<text>", "THA / THA-test", field)
    assert words in str(raised.value)


def test_an_error_in_a_file_names_that_file(tmp_path: Path):
    path = tmp_path / "national.yaml"
    path.write_text(MINIMAL.replace("rule: all", "rule: xor"), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^national\.yaml: THA / THA-test: combination\.rule: "):
        load_definitions(path)


def test_the_shipped_file_keeps_sources_and_confidence_for_every_definition():
    definitions = [d for state in REGISTRY.states.values() for d in state.definitions]
    assert len(REGISTRY.states) == 10 and len(definitions) == 21
    assert all(d.sources and all("http" in s for s in d.sources) for d in definitions)
    assert {d.confidence for d in definitions} == {Confidence.CONFIRMED, Confidence.PARTIAL}
