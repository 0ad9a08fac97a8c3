"""Tests for negotiations.text.dates: parsing, display, ordering and ranges of partial dates."""

import dataclasses
import pickle
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from negotiations.text import dates
from negotiations.text.dates import (
    ACCEPTED_FORMS,
    PartialDate,
    PartialDateError,
    Precision,
    parse_partial_date,
    precision_rank,
)

DAY, MONTH, QUARTER, YEAR = Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.YEAR


def pd(y, m=1, d=1, precision=DAY, approximate=False):
    return PartialDate(date(y, m, d), precision, approximate)


# --- parsing: accepted forms ---------------------------------------------------------------

ACCEPTED = [
    # ISO-like
    ("2024-01-10", date(2024, 1, 10), DAY, False),
    ("2024-1-5", date(2024, 1, 5), DAY, False),
    ("2024-12-31", date(2024, 12, 31), DAY, False),
    ("2024-02-29", date(2024, 2, 29), DAY, False),
    ("2024/01/10", date(2024, 1, 10), DAY, False),
    ("2024/1/5", date(2024, 1, 5), DAY, False),
    ("2024-01", date(2024, 1, 1), MONTH, False),
    ("2024-1", date(2024, 1, 1), MONTH, False),
    ("2024-12", date(2024, 12, 1), MONTH, False),
    ("2024-Q1", date(2024, 1, 1), QUARTER, False),
    ("2024-Q2", date(2024, 4, 1), QUARTER, False),
    ("2024-Q3", date(2024, 7, 1), QUARTER, False),
    ("2024-Q4", date(2024, 10, 1), QUARTER, False),
    ("2024-q4", date(2024, 10, 1), QUARTER, False),
    ("2024 Q1", date(2024, 1, 1), QUARTER, False),
    ("Q1 2024", date(2024, 1, 1), QUARTER, False),
    ("q3 2024", date(2024, 7, 1), QUARTER, False),
    ("2024", date(2024, 1, 1), YEAR, False),
    ("1000", date(1000, 1, 1), YEAR, False),
    ("9999", date(9999, 1, 1), YEAR, False),
    # canonical forms with "~"
    ("2024-01-10~", date(2024, 1, 10), DAY, True),
    ("2023-12~", date(2023, 12, 1), MONTH, True),
    ("2024-Q2~", date(2024, 4, 1), QUARTER, True),
    ("2024~", date(2024, 1, 1), YEAR, True),
    # spelled out
    ("10 January 2024", date(2024, 1, 10), DAY, False),
    ("10 Jan 2024", date(2024, 1, 10), DAY, False),
    ("10 Jan. 2024", date(2024, 1, 10), DAY, False),
    ("1 February 2024", date(2024, 2, 1), DAY, False),
    ("29 Feb 2024", date(2024, 2, 29), DAY, False),
    ("January 10, 2024", date(2024, 1, 10), DAY, False),
    ("January 10 2024", date(2024, 1, 10), DAY, False),
    ("January 10th, 2024", date(2024, 1, 10), DAY, False),
    ("Jan. 10, 2024", date(2024, 1, 10), DAY, False),
    ("10th January 2024", date(2024, 1, 10), DAY, False),
    ("1st March 2024", date(2024, 3, 1), DAY, False),
    ("2nd March 2024", date(2024, 3, 2), DAY, False),
    ("3rd March 2024", date(2024, 3, 3), DAY, False),
    ("March 22nd, 2024", date(2024, 3, 22), DAY, False),
    ("December 7th, 2023", date(2023, 12, 7), DAY, False),
    ("Jan. 2024", date(2024, 1, 1), MONTH, False),
    ("January 2024", date(2024, 1, 1), MONTH, False),
    ("Jan 2024", date(2024, 1, 1), MONTH, False),
    ("Sept 2024", date(2024, 9, 1), MONTH, False),
    ("Sep 2024", date(2024, 9, 1), MONTH, False),
    ("September 2024", date(2024, 9, 1), MONTH, False),
    ("May 2024", date(2024, 5, 1), MONTH, False),
    ("Feb 2023", date(2023, 2, 1), MONTH, False),
    ("Mar 2023", date(2023, 3, 1), MONTH, False),
    ("Apr 2023", date(2023, 4, 1), MONTH, False),
    ("June 2023", date(2023, 6, 1), MONTH, False),
    ("Jul 2023", date(2023, 7, 1), MONTH, False),
    ("August 2023", date(2023, 8, 1), MONTH, False),
    ("Oct 2023", date(2023, 10, 1), MONTH, False),
    ("November 2023", date(2023, 11, 1), MONTH, False),
    ("Dec 2023", date(2023, 12, 1), MONTH, False),
    # approximate qualifiers
    ("c. 2021", date(2021, 1, 1), YEAR, True),
    ("ca. 2021", date(2021, 1, 1), YEAR, True),
    ("circa 2021", date(2021, 1, 1), YEAR, True),
    ("c.2021", date(2021, 1, 1), YEAR, True),
    ("around 2021", date(2021, 1, 1), YEAR, True),
    ("about Jan 2024", date(2024, 1, 1), MONTH, True),
    ("approx. 2024", date(2024, 1, 1), YEAR, True),
    ("approx 2024", date(2024, 1, 1), YEAR, True),
    ("approximately 2024", date(2024, 1, 1), YEAR, True),
    ("~2024", date(2024, 1, 1), YEAR, True),
    ("~ 2024", date(2024, 1, 1), YEAR, True),
    ("c. Dec 2023", date(2023, 12, 1), MONTH, True),
    ("c. 10 Jan 2024", date(2024, 1, 10), DAY, True),
    ("c. Q1 2024", date(2024, 1, 1), QUARTER, True),
    ("about 2024-01-10", date(2024, 1, 10), DAY, True),
    ("~2024-Q3", date(2024, 7, 1), QUARTER, True),
    # parts of a period
    ("early December 2023", date(2023, 12, 1), MONTH, True),
    ("mid December 2023", date(2023, 12, 1), MONTH, True),
    ("late December 2023", date(2023, 12, 1), MONTH, True),
    ("mid-December 2023", date(2023, 12, 1), MONTH, True),
    ("late Dec 2023", date(2023, 12, 1), MONTH, True),
    ("late 2023-12", date(2023, 12, 1), MONTH, True),
    ("early 2023", date(2023, 1, 1), YEAR, True),
    ("mid 2023", date(2023, 1, 1), YEAR, True),
    ("mid-2023", date(2023, 1, 1), YEAR, True),
    ("late 2023", date(2023, 1, 1), YEAR, True),
    ("early Q1 2024", date(2024, 1, 1), QUARTER, True),
    ("late Q1 2024", date(2024, 1, 1), QUARTER, True),
    ("late 2024-Q4", date(2024, 10, 1), QUARTER, True),
]


@pytest.mark.parametrize(("text", "start", "precision", "approximate"), ACCEPTED)
def test_parse_accepts(text, start, precision, approximate):
    parsed = PartialDate.parse(text)
    assert (parsed.start, parsed.precision, parsed.approximate) == (start, precision, approximate)
    assert type(parsed.precision) is Precision


@pytest.mark.parametrize(("text", "start", "precision", "approximate"), ACCEPTED)
def test_parse_ignores_case_and_surrounding_whitespace(text, start, precision, approximate):
    expected = PartialDate(start, precision, approximate)
    assert PartialDate.parse(text.upper()) == expected
    assert PartialDate.parse(text.lower()) == expected
    assert PartialDate.parse(f"  \t{text}\n ") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10   January    2024", pd(2024, 1, 10)),
        ("10\tJanuary\n2024", pd(2024, 1, 10)),
        ("late   December\u00a02023", pd(2023, 12, 1, MONTH, True)),
        ("circa    2021", pd(2021, 1, 1, YEAR, True)),
        ("Q1    2024", pd(2024, 1, 1, QUARTER)),
    ],
)
def test_parse_collapses_internal_whitespace(text, expected):
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024\u201301\u201310", pd(2024, 1, 10)),  # en dash
        ("2024\u201401\u201410", pd(2024, 1, 10)),  # em dash
        ("2024\u201301", pd(2024, 1, 1, MONTH)),
        ("2024\u2013Q1", pd(2024, 1, 1, QUARTER)),
        ("mid\u2013December 2023", pd(2023, 12, 1, MONTH, True)),
        ("mid\u20142023", pd(2023, 1, 1, YEAR, True)),
    ],
)
def test_parse_tolerates_en_and_em_dashes(text, expected):
    assert PartialDate.parse(text) == expected


def test_parse_partial_date_is_an_alias_of_parse():
    assert parse_partial_date("late December 2023") == PartialDate.parse("late December 2023")
    assert parse_partial_date("2024-Q1") == pd(2024, 1, 1, QUARTER)


# --- parsing: rejections -------------------------------------------------------------------

REJECTED = [
    "",
    " ",
    "   \t\n ",
    "recently",
    "soon",
    "2024-13",
    "2024-00",
    "2024-02-30",
    "2023-02-29",
    "2024-04-31",
    "2024-01-00",
    "2024-01-32",
    "2024-Q5",
    "2024-Q0",
    "Q5 2024",
    "32 January 2024",
    "0 January 2024",
    "30 February 2024",
    "February 30, 2024",
    "Foo 2024",
    "Janu 2024",
    "Foo 10, 2024",
    "10 Foo 2024",
    "Summer 2024",
    "spring 2024",
    "winter 2023",
    "0999",
    "0000",
    "999",
    "10000",
    "0999-01-01",
    "Jan 0999",
    "12345-01-01",
    "24",
    "2024-01-10x",
    "x2024-01-10",
    "2024-01-10 10:00",
    "2024-01-10T00:00",
    "2024x",
    "2024-01-",
    "2024-",
    "2024--01",
    "2024-01/10",
    "2024/01-10",
    "2024-001-10",
    "2024-01-010",
    "2024 01 10",
    "January",
    "10 January",
    "Q1",
    "2024-Q",
    "2024-Q12",
    "Jan 2024 2025",
    "2024-01-10~~",
    "~",
    "c.",
    "circa",
    "late",
    "late 10 January 2024",
    "early 2024-01-10",
    "mid January 10, 2024",
    "circa2021",
    "lately 2024",
    "2024\x00",
    "20\x0024",
    "\x00",
    "Jan 2024\x00",
    "\u0662\u0660\u0662\u0664",  # Arabic-Indic digits "2024"
    "２０２４",  # fullwidth digits
    "2024-01-10; DROP TABLE",
    "2024" + " " * 97 + "x",
]


@pytest.mark.parametrize("text", REJECTED)
def test_parse_rejects(text):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    message = str(excinfo.value)
    assert ACCEPTED_FORMS in message
    assert message.startswith("Cannot read “")
    if len(text) <= 100:
        assert f"“{text.strip()}”" in message


@pytest.mark.parametrize("text", ["recently", "2024-13", ""])
def test_partial_date_error_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)


def test_error_message_format():
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse("recently")
    assert str(excinfo.value) == f"Cannot read “recently” as a date. {ACCEPTED_FORMS}"
    assert excinfo.value.text == "recently"


def test_accepted_forms_sentence():
    assert isinstance(ACCEPTED_FORMS, str)
    for example in ["2024-01-10", "2024-01", "2024-Q1", "10 January 2024", "c. 2021"]:
        assert example in ACCEPTED_FORMS


@pytest.mark.parametrize(
    "text", ["10/01/2024", "1/10/2024", "01/01/2024", "10.01.2024", "10-01-2024", "c. 10/01/2024"]
)
def test_parse_rejects_ambiguous_day_month_order_and_says_so(text):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    message = str(excinfo.value)
    assert text in message
    assert "ambiguous" in message
    assert "write the month as a word or use 2024-01-10" in message
    assert ACCEPTED_FORMS in message


def test_parse_accepts_exactly_100_characters():
    text = " " * 96 + "2024"
    assert len(text) == 100
    assert PartialDate.parse(text) == pd(2024, 1, 1, YEAR)


@pytest.mark.parametrize("length", [101, 1_000, 1_000_000])
def test_parse_rejects_long_strings_before_matching(length, monkeypatch):
    text = ("2024 " * length)[:length]
    # Refused on length alone: the regular expressions never see the text.
    monkeypatch.setattr(dates, "_parse_exact", lambda s: pytest.fail("parsed a long string"))
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    # The message quotes a prefix rather than echoing a megabyte back.
    assert len(str(excinfo.value)) < 400


@pytest.mark.parametrize("value", [None, 2024, date(2024, 1, 1), b"2024"])
def test_parse_rejects_non_strings(value):
    with pytest.raises(TypeError):
        PartialDate.parse(value)


def test_partial_date_error_survives_pickling():
    error = PartialDateError("10/01/2024", "hint.")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error)
    assert copy.text == "10/01/2024"


@given(st.text(max_size=120))
def test_parse_only_ever_raises_partial_date_error(text):
    try:
        parsed = PartialDate.parse(text)
    except PartialDateError:
        return
    assert PartialDate.parse(parsed.isoformat()) == parsed


TOKENS = [
    *["2024", "0999", "10", "1", "31", "32", "Q1", "q5", "Jan", "Jan.", "sept", "May", "Foo"],
    *["-", "/", ".", ",", "~", "c.", "circa", "about", "late", "mid-", "early", "th", " "],
]


@given(st.lists(st.sampled_from(TOKENS), max_size=6).map("".join))
def test_parse_token_soup_either_fails_cleanly_or_round_trips(text):
    try:
        parsed = PartialDate.parse(text)
    except PartialDateError as error:
        assert ACCEPTED_FORMS in str(error)
        return
    assert PartialDate.parse(parsed.isoformat()) == parsed
    assert PartialDate.parse(str(parsed)) == parsed


# --- display and isoformat -----------------------------------------------------------------

FORMATS = [
    # (value, str(), isoformat())
    (pd(2024, 1, 10), "10 Jan 2024", "2024-01-10"),
    (pd(2024, 1, 1), "1 Jan 2024", "2024-01-01"),
    (pd(2023, 12, 7), "7 Dec 2023", "2023-12-07"),
    (pd(2024, 9, 30), "30 Sep 2024", "2024-09-30"),
    (pd(1000, 1, 1), "1 Jan 1000", "1000-01-01"),
    (pd(2024, 1, 1, MONTH), "Jan 2024", "2024-01"),
    (pd(2024, 5, 1, MONTH), "May 2024", "2024-05"),
    (pd(2023, 12, 1, MONTH), "Dec 2023", "2023-12"),
    (pd(2024, 1, 1, QUARTER), "Q1 2024", "2024-Q1"),
    (pd(2024, 4, 1, QUARTER), "Q2 2024", "2024-Q2"),
    (pd(2024, 7, 1, QUARTER), "Q3 2024", "2024-Q3"),
    (pd(2024, 10, 1, QUARTER), "Q4 2024", "2024-Q4"),
    (pd(2024, 1, 1, YEAR), "2024", "2024"),
    (pd(9999, 1, 1, YEAR), "9999", "9999"),
    (pd(2024, 1, 10, DAY, True), "c. 10 Jan 2024", "2024-01-10~"),
    (pd(2023, 12, 1, MONTH, True), "c. Dec 2023", "2023-12~"),
    (pd(2024, 1, 1, QUARTER, True), "c. Q1 2024", "2024-Q1~"),
    (pd(2021, 1, 1, YEAR, True), "c. 2021", "2021~"),
]


@pytest.mark.parametrize(("value", "display", "iso"), FORMATS)
def test_str(value, display, iso):
    assert str(value) == display


@pytest.mark.parametrize(("value", "display", "iso"), FORMATS)
def test_isoformat(value, display, iso):
    assert value.isoformat() == iso


@pytest.mark.parametrize(("value", "display", "iso"), FORMATS)
def test_isoformat_and_display_round_trip(value, display, iso):
    assert PartialDate.parse(value.isoformat()) == value
    assert PartialDate.parse(str(value)) == value


@pytest.mark.parametrize(("text", "start", "precision", "approximate"), ACCEPTED)
def test_every_accepted_form_round_trips(text, start, precision, approximate):
    parsed = PartialDate.parse(text)
    assert PartialDate.parse(parsed.isoformat()) == parsed
    assert PartialDate.parse(str(parsed)) == parsed


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_displays_and_round_trips(month):
    value = pd(2024, month, 1, MONTH)
    assert PartialDate.parse(str(value)) == value
    assert PartialDate.parse(value.isoformat()) == value
    assert len(str(value).split()[0]) == 3


# --- end and contains ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "end"),
    [
        (pd(2024, 1, 10), date(2024, 1, 10)),
        (pd(2024, 2, 29), date(2024, 2, 29)),
        (pd(2024, 1, 1, MONTH), date(2024, 1, 31)),
        (pd(2024, 2, 1, MONTH), date(2024, 2, 29)),  # leap year
        (pd(2023, 2, 1, MONTH), date(2023, 2, 28)),
        (pd(2000, 2, 1, MONTH), date(2000, 2, 29)),  # divisible by 400: leap
        (pd(1900, 2, 1, MONTH), date(1900, 2, 28)),  # divisible by 100: not leap
        (pd(2024, 4, 1, MONTH), date(2024, 4, 30)),
        (pd(2024, 12, 1, MONTH), date(2024, 12, 31)),
        (pd(2024, 1, 1, QUARTER), date(2024, 3, 31)),
        (pd(2024, 4, 1, QUARTER), date(2024, 6, 30)),
        (pd(2024, 7, 1, QUARTER), date(2024, 9, 30)),
        (pd(2024, 10, 1, QUARTER), date(2024, 12, 31)),
        (pd(2024, 1, 1, YEAR), date(2024, 12, 31)),
        (pd(9999, 1, 1, YEAR), date(9999, 12, 31)),
        (pd(9999, 10, 1, QUARTER, True), date(9999, 12, 31)),
    ],
)
def test_end(value, end):
    assert value.end == end


@pytest.mark.parametrize(
    ("value", "day", "expected"),
    [
        (pd(2024, 1, 10), date(2024, 1, 10), True),
        (pd(2024, 1, 10), date(2024, 1, 11), False),
        (pd(2024, 1, 10), date(2024, 1, 9), False),
        (pd(2024, 2, 1, MONTH), date(2024, 2, 1), True),
        (pd(2024, 2, 1, MONTH), date(2024, 2, 29), True),
        (pd(2024, 2, 1, MONTH), date(2024, 3, 1), False),
        (pd(2024, 2, 1, MONTH), date(2024, 1, 31), False),
        (pd(2024, 1, 1, QUARTER), date(2024, 3, 31), True),
        (pd(2024, 1, 1, QUARTER), date(2024, 4, 1), False),
        (pd(2024, 10, 1, QUARTER), date(2024, 11, 15), True),
        (pd(2024, 10, 1, QUARTER), date(2024, 9, 30), False),
        (pd(2024, 1, 1, YEAR), date(2024, 12, 31), True),
        (pd(2024, 1, 1, YEAR), date(2025, 1, 1), False),
        (pd(2024, 1, 1, YEAR), date(2023, 12, 31), False),
        (pd(2023, 12, 1, MONTH, True), date(2023, 12, 24), True),
    ],
)
def test_contains(value, day, expected):
    assert value.contains(day) is expected


# --- ordering ------------------------------------------------------------------------------


def test_sorting_mixed_precisions():
    expected = [
        pd(2023, 1, 1, YEAR),
        pd(2023, 12, 1, MONTH),
        pd(2023, 12, 1, MONTH, True),
        pd(2023, 12, 31),
        pd(2024, 1, 1),
        pd(2024, 1, 1, DAY, True),
        pd(2024, 1, 1, MONTH),
        pd(2024, 1, 1, QUARTER),
        pd(2024, 1, 1, QUARTER, True),
        pd(2024, 1, 1, YEAR),
        pd(2024, 1, 1, YEAR, True),
        pd(2024, 1, 10),
        pd(2024, 2, 1, MONTH),
        pd(2024, 4, 1, QUARTER),
        pd(2025, 1, 1, YEAR),
    ]
    for shuffled in (list(reversed(expected)), expected[::2] + expected[1::2]):
        assert sorted(shuffled) == expected


def test_same_start_orders_day_month_quarter_year():
    values = ["2024", "Q1 2024", "Jan 2024", "1 Jan 2024"]
    ordered = sorted(PartialDate.parse(v) for v in values)
    assert [str(v) for v in ordered] == ["1 Jan 2024", "Jan 2024", "Q1 2024", "2024"]


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        (pd(2024, 1, 1), pd(2024, 1, 2)),
        (pd(2024, 1, 1), pd(2024, 1, 1, MONTH)),
        (pd(2024, 1, 1, MONTH), pd(2024, 1, 1, QUARTER)),
        (pd(2024, 1, 1, QUARTER), pd(2024, 1, 1, YEAR)),
        (pd(2024, 1, 1, YEAR), pd(2024, 1, 1, YEAR, True)),
        (pd(2024, 1, 1, YEAR, True), pd(2024, 1, 2)),  # earliest day wins over precision
        (pd(2023, 12, 31), pd(2024, 1, 1, YEAR)),
    ],
)
def test_comparison_operators(smaller, larger):
    assert smaller < larger
    assert smaller <= larger
    assert larger > smaller
    assert larger >= smaller
    assert not larger < smaller
    assert not smaller > larger
    assert smaller != larger
    assert smaller <= smaller and smaller >= smaller


@pytest.mark.parametrize("value", [pd(2024, 1, 1), pd(2024, 1, 1, YEAR, True)])
def test_sort_key(value):
    assert value.sort_key() == (value.start, precision_rank(value.precision), value.approximate)


def test_comparison_with_other_types():
    value = pd(2024, 1, 1)
    assert value != date(2024, 1, 1)
    assert value != "2024-01-01"
    with pytest.raises(TypeError):
        _ = value < date(2024, 1, 2)
    with pytest.raises(TypeError):
        _ = value >= "2024"


@pytest.mark.parametrize(
    ("precision", "rank"),
    [(DAY, 0), (MONTH, 1), (QUARTER, 2), (YEAR, 3), ("day", 0), ("year", 3)],
)
def test_precision_rank(precision, rank):
    assert precision_rank(precision) == rank


def test_precision_rank_rejects_unknown():
    with pytest.raises(ValueError):
        precision_rank("week")


def test_precision_values_and_labels():
    assert [p.value for p in Precision] == ["day", "month", "quarter", "year"]
    assert Precision.choices == [(v, v) for v in ["day", "month", "quarter", "year"]]


# --- construction --------------------------------------------------------------------------


def test_defaults():
    value = PartialDate(date(2024, 1, 10))
    assert value.precision is DAY
    assert value.approximate is False


@pytest.mark.parametrize(
    ("start", "precision"),
    [
        (date(2024, 1, 2), MONTH),
        (date(2024, 1, 31), MONTH),
        (date(2024, 2, 1), QUARTER),
        (date(2024, 3, 1), QUARTER),
        (date(2024, 4, 2), QUARTER),
        (date(2024, 2, 1), YEAR),
        (date(2024, 1, 2), YEAR),
        (date(2024, 1, 2), "month"),
    ],
)
def test_post_init_rejects_start_that_is_not_first_day_of_period(start, precision):
    with pytest.raises(ValueError):
        PartialDate(start, precision)


def test_post_init_coerces_precision_and_approximate():
    value = PartialDate(date(2024, 1, 1), "quarter", 1)
    assert value.precision is QUARTER
    assert value.approximate is True
    assert value == pd(2024, 1, 1, QUARTER, True)
    assert hash(value) == hash(pd(2024, 1, 1, QUARTER, True))


def test_post_init_rejects_unknown_precision():
    with pytest.raises(ValueError):
        PartialDate(date(2024, 1, 1), "week")


@pytest.mark.parametrize("start", [datetime(2024, 1, 1), "2024-01-01", None])
def test_post_init_rejects_non_dates(start):
    with pytest.raises(TypeError):
        PartialDate(start)


def test_is_frozen_and_hashable():
    value = pd(2024, 1, 1, MONTH)
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.start = date(2025, 1, 1)
    assert len({value, pd(2024, 1, 1, MONTH), PartialDate.parse("Jan 2024")}) == 1


# --- properties over generated values ------------------------------------------------------

PERIOD_STARTS = {
    DAY: lambda d: d,
    MONTH: lambda d: d.replace(day=1),
    QUARTER: lambda d: date(d.year, (d.month - 1) // 3 * 3 + 1, 1),
    YEAR: lambda d: date(d.year, 1, 1),
}


@st.composite
def partial_dates(draw):
    day = draw(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
    precision = draw(st.sampled_from(list(Precision)))
    return PartialDate(PERIOD_STARTS[precision](day), precision, draw(st.booleans()))


@given(partial_dates())
def test_isoformat_round_trips(value):
    assert PartialDate.parse(value.isoformat()) == value


@given(partial_dates())
def test_display_round_trips(value):
    assert PartialDate.parse(str(value)) == value


@given(partial_dates())
def test_start_end_and_contains(value):
    assert value.start <= value.end
    assert value.contains(value.start)
    assert value.contains(value.end)
    assert value.end.year == value.start.year
    if value.precision == DAY:
        assert value.end == value.start


@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(list(Precision)))
def test_every_day_lies_in_the_period_starting_at_its_period_start(day, precision):
    value = PartialDate(PERIOD_STARTS[precision](day), precision)
    assert value.contains(day)


@given(st.lists(partial_dates(), max_size=20))
def test_sorted_order_agrees_with_sort_key(values):
    ordered = sorted(values)
    keys = [v.sort_key() for v in ordered]
    assert keys == sorted(keys)
    assert [v.start for v in ordered] == sorted(v.start for v in values)
