"""The suggested shareable summary: obvious identifiers are marked for removal."""

import pytest

from concerns.redaction import find_identifiers, suggest_summary

CASES = [
    # (narrative, suggestion)
    ("Mr Smith waited six hours.", "Mr [name removed] waited six hours."),
    ("Mrs. Anne-Marie O'Neil was kind.", "Mrs. [name removed] was kind."),
    ("Dr Patel said to come back.", "Dr [name removed] said to come back."),
    ("The nurse Sandra Jones helped.", "The nurse [name removed] helped."),
    ("Nurse Jones and Sister Ward", "Nurse [name removed] and Sister [name removed]"),
    ("Call me on 07700 900123 please", "Call me on [phone number removed] please"),
    ("Ring 01632 960 001 or +44 7700 900456.", "Ring [phone number removed] or [phone number removed]."),
    ("Email pat.patient+nhs@example.co.uk today", "Email [email removed] today"),
    ("Her DOB is 03/04/1950.", "Her DOB is [date of birth removed]."),
    ("He was born on 3rd March 1941 in Leeds", "He was born on [date of birth removed] in Leeds"),
    ("Date of birth: 1-2-45", "Date of birth: [date of birth removed]"),
    ("NHS number 485 777 3456 was wrong", "NHS number [NHS number removed] was wrong"),
    ("NHS no. 4857773456.", "NHS no. [NHS number removed]."),
    ("Lives at NM1 4AB near the park", "Lives at [postcode removed] near the park"),
    # Nothing to remove: left as it was (apart from surrounding spaces).
    ("  Waited six hours in A&E on 12/03/2026.  ", "Waited six hours in A&E on 12/03/2026."),
    ("The doctor I saw was rushed; ward 7, bed 12.", "The doctor I saw was rushed; ward 7, bed 12."),
    ("Paid £1,250 for 3 visits in 2025", "Paid £1,250 for 3 visits in 2025"),
    ("", ""),
]


@pytest.mark.parametrize(("narrative", "suggestion"), CASES)
def test_a_suggestion_marks_obvious_identifiers(narrative, suggestion):
    assert suggest_summary(narrative) == suggestion


@pytest.mark.parametrize(("narrative", "suggestion"), CASES)
def test_a_suggestion_has_nothing_left_to_find(narrative, suggestion):
    assert find_identifiers(suggest_summary(narrative)) == []


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Dr Patel, 07700 900123", ["a phone number", "a name"]),
        ("pat@example.com", ["an email address"]),
        ("born 3 May 1950, NHS 485 777 3456", ["a date of birth", "an NHS number"]),
        ("Waited six hours.", []),
    ],
)
def test_identifiers_are_named_by_kind(text, kinds):
    assert [found.kind for found in find_identifiers(text)] == kinds
