"""The conflict page's three-way merge (negotiations/merging.py), as a pure function."""

from hypothesis import given
from hypothesis import strategies as st

from negotiations.merging import FieldMerge, Outcome, conflicts, merge, merge_field, normalise


def outcome(base, theirs, yours):
    return merge_field("f", base, theirs, yours).outcome


def test_only_yours_changed_is_re_applied_on_top_of_theirs():
    merges = merge(
        {"summary": "Old", "quote": "Q"},
        {"summary": "Old", "quote": "Their quote"},
        {"summary": "My summary", "quote": "Q"},
    )
    assert {m.name: m.value for m in merges} == {
        "summary": ("My summary",),
        "quote": ("Their quote",),
    }
    assert [m.outcome for m in merges] == [Outcome.YOURS, Outcome.THEIRS]
    assert conflicts(merges) == []


def test_both_changed_differently_is_a_conflict_without_a_value():
    (m,) = merge({"summary": "Old"}, {"summary": "Theirs"}, {"summary": "Mine"})
    assert m.outcome is Outcome.CONFLICT and m.value is None
    assert (m.base, m.theirs, m.yours) == (("Old",), ("Theirs",), ("Mine",))


def test_both_changed_the_same_way_is_no_conflict():
    assert outcome("Old", "New", "New") is Outcome.SAME


def test_an_unknown_base_makes_any_difference_a_conflict():
    assert outcome(None, ["1", "2"], ["1"]) is Outcome.CONFLICT
    assert outcome(None, ["1"], ["1"]) is Outcome.SAME


def test_a_field_not_sent_is_empty_an_unticked_box_or_a_cleared_choice():
    (m,) = merge({"inferred": True}, {"inferred": True}, {})
    assert m.outcome is Outcome.YOURS and m.value == ()


def test_line_ends_and_spaces_as_a_browser_sends_them_are_no_change():
    assert outcome("a\nb", "a\nb changed", "a\r\nb ") is Outcome.THEIRS


def test_values_are_compared_as_the_form_sends_them():
    assert normalise(3) == ("3",) and normalise([3, "4"]) == ("3", "4")
    assert normalise(None) == normalise(False) == normalise("") == ()
    assert normalise(True) == ("on",)
    assert outcome(3, 4, "3") is Outcome.THEIRS


values = st.lists(st.sampled_from(["a", "b", "c"]), max_size=2)


@given(values, values, values)
def test_the_merge_never_loses_a_change_nor_invents_a_value(base, theirs, yours):
    m = merge_field("f", base, theirs, yours)
    assert isinstance(m, FieldMerge)
    if m.outcome is Outcome.CONFLICT:
        assert normalise(theirs) != normalise(base) and normalise(yours) != normalise(base)
        assert normalise(theirs) != normalise(yours)
    else:
        assert m.value in (normalise(theirs), normalise(yours))
        # A side that changed the field is never overwritten by one that did not.
        if normalise(yours) != normalise(base):
            assert m.value == normalise(yours)
        if normalise(theirs) != normalise(base):
            assert m.value == normalise(theirs)
