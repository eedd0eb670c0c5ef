"""Which of several things one sentence lists with their amounts is the cheapest (rules/compare.py)."""

from __future__ import annotations

import pytest

from xmemory_engine.minds.rules.compare import asked_extreme, extreme, priced_items


@pytest.mark.parametrize(
    ("text", "keywords", "least", "most"),
    [
        (
            "builder quotes for the ceiling: Malik Brothers Building £2,340, Hearthstone "
            "Renovations £2,875. insurer wants at least two",
            ["builder", "quot"],
            "Malik Brothers Building",
            "Hearthstone Renovations",
        ),
        # An amount alone is the item's before it; amounts with a unit are weighed by number.
        (
            "Quotes: a local joiner, Pieter-Jan Claes, €14,250; Keukens Van Damme €18,400.",
            ["quot"],
            "a local joiner, Pieter-Jan Claes",
            "Keukens Van Damme",
        ),
        (
            "insurance quotes: PetGuard Plus £24.50/month, Bramble & Co £19.80/month",
            ["insurance"],
            "Bramble & Co",
            "PetGuard Plus",
        ),
    ],
)
def test_the_least_and_the_most_of_a_listed_sentence(
    text: str, keywords: list[str], least: str, most: str
) -> None:
    items = priced_items(text, keywords)
    cheapest, dearest = extreme(items, True), extreme(items, False)
    assert cheapest is not None and cheapest.label == least, items
    assert dearest is not None and dearest.label == most, items


@pytest.mark.parametrize(
    ("text", "keywords"),
    [
        ("Quotes: Grünwerk €24,600, Gartenbau Kaya £21,900.", ["quot"]),  # two currencies
        ("Quotes: Grünwerk €24,600.", ["quot"]),  # one item
        ("Quotes: Grünwerk €24,600, Gartenbau Kaya €21,900.", ["kitchen"]),  # not the words
        ("Quotes: Grünwerk €24,600 or €25,000, Kaya €21,900.", ["quot"]),  # two in one item
    ],
)
def test_no_comparison_without_one_list_of_one_currency(text: str, keywords: list[str]) -> None:
    assert priced_items(text, keywords) == []


def test_two_things_of_one_amount_have_no_least() -> None:
    items = priced_items("Quotes: Ana €500, Bo €500, Cy €700.", ["quot"])
    assert extreme(items, True) is None
    assert extreme(items, False) is not None


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Which kitchen quote was the cheapest?", (True, "cheapest")),
        ("Which venue is the most expensive?", (False, "most expensive")),
        ("What did the builder quote?", None),
    ],
)
def test_what_a_question_asks_the_extreme_of(question: str, asked: tuple[bool, str] | None) -> None:
    assert asked_extreme(question) == asked
