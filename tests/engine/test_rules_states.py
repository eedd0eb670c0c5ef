"""What a clause says was called off (`states.cancelled_thing`)."""

from __future__ import annotations

import pytest

from xmemory_engine.minds.rules.states import cancelled_thing


@pytest.mark.parametrize(
    ("clause", "thing"),
    [
        (
            "Cancelled: the New Year's Eve social — the church hall isn't available.",
            "New Year's Eve social",
        ),
        ("cancelled the Danube river cruise, the boat had no lift", "Danube river cruise"),
        (
            "User cancelled the 29 December lesson rather than have it with him.",
            "29 December lesson",
        ),
        ("the sponsor meeting with Harbourside Building Society got cancelled", "sponsor meeting"),
        (
            "Update: ultracentrifuge booking cancelled, rotor under repair",
            "ultracentrifuge booking",
        ),
        ("Sunflower Montessori viewing cancelled.", "Sunflower Montessori viewing"),
        ("winter lights festival is cancelled because of the storm", "winter lights festival"),
        ("Ugh, Manchester is cancelled.", "Manchester"),
        ("Done: TV licence cancelled 25 Nov", "TV licence"),
        # Past six words a name is cut before its first preposition.
        (
            "the solar viewing session with Mrs Adebayo's class at the school got cancelled",
            "solar viewing session",
        ),
        # Who called something off is not what was: an active verb's object follows it.
        ("DVSA cancelled it, new date is 3 March", None),
        ("Tom cancelled the booking", None),
        # Still to be called off, or nothing named.
        ("need to cancel the gym", None),
        ("I haven't cancelled the gym yet", None),
        ("everything is cancelled", None),
        ("so it was cancelled", None),
    ],
)
def test_what_a_clause_says_was_called_off(clause: str, thing: str | None) -> None:
    assert cancelled_thing(clause) == thing
