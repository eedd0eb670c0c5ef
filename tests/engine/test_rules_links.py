"""The offline extractor on titled works (no type word) and on relations between what a
sentence names: one relation between two types, a relation's verb, "it" for the last thing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from xmemory_engine.minds.base import Extraction, ExtractionLogic, ExtractionRequest
from xmemory_engine.minds.rules import RulesExtractor
from xmemory_engine.schema import Schema, parse_schema

pytestmark = pytest.mark.anyio
TODAY = date(2026, 3, 5)
LIBRARY = parse_schema(
    """
objects:
  book:
    primary_key: [title]
    fields:
      title: {type: str, required: true}
      author: {type: str}
      year: {type: int}
      pages: {type: int}
      genre: {type: str}
      rating: {type: int}
      status: {type: str, enum: [want_to_read, reading, finished, abandoned]}
  reader:
    description: A friend who reads too.
    primary_key: [name]
    fields:
      name: {type: str, required: true}
      city: {type: str}
relations:
  suggested_by: {objects: {book: book, reader: reader}}
  lent_to: {objects: {book: book, reader: reader}}
"""
)
FILMS = parse_schema(
    """
objects:
  movie:
    primary_key: [title]
    fields:
      title: {type: str, required: true}
      director: {type: str}
      score: {type: int}
"""
)
WORK = parse_schema(
    """
objects:
  person:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
  project:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
  order:
    primary_key: [title]
    fields:
      title: {type: str, required: true}
  supplier:
    description: A company we buy from.
    primary_key: [name]
    fields:
      name: {type: str, required: true}
  task:
    primary_key: [title]
    fields:
      title: {type: str, required: true}
      due: {type: date}
relations:
  manages: {objects: {manager: person, project: project}}
  placed_with: {objects: {order: order, supplier: supplier}}
  owned_by: {objects: {task: task, owner: person}}
"""
)
TRIPS = parse_schema(
    """
objects:
  trip:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
  place:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
      country: {type: str}
      kind: {type: str, enum: [city, museum, beach]}
relations:
  stops_at: {objects: {trip: trip, place: place}}
"""
)


async def extract(text: str, schema: Schema) -> Extraction:
    extractor = RulesExtractor(today=lambda: TODAY)
    return await extractor.extract(ExtractionRequest(text, schema, ExtractionLogic.REGULAR))


def of_type(result: Extraction, name: str) -> list[dict[str, Any]]:
    return [o.values for o in result.objects if o.object_type == name]


def links(result: Extraction) -> list[tuple[str, dict[str, Any]]]:
    """Each relation with each end's name or title instead of its ref."""
    first = {o.ref: o.values.get("name", o.values.get("title")) for o in result.objects}
    return [
        (r.relation_type, {role: first[ref] for role, ref in r.endpoints.items()})
        for r in result.relations
    ]


async def test_a_title_after_a_reading_verb_is_a_book_and_its_author_no_person() -> None:
    result = await extract(
        "Just finished Station Eleven by Emily St. John Mandel on 2026-02-20. 4 stars.", LIBRARY
    )
    assert of_type(result, "book") == [
        {
            "title": "Station Eleven",
            "author": "Emily St. John Mandel",
            "status": "finished",
            "rating": 4,
        }
    ]
    assert of_type(result, "reader") == []


async def test_small_words_join_a_title_and_progress_is_no_page_count() -> None:
    result = await extract("Gave up on The Name of the Wind after 90 pages.", LIBRARY)
    assert of_type(result, "book") == [{"title": "The Name of the Wind", "status": "abandoned"}]
    assert of_type(result, "reader") == []


async def test_pages_read_of_a_title_are_progress_not_the_title_or_its_count() -> None:
    result = await extract("I read 30 pages of Moby Dick on the train to Leeds.", LIBRARY)
    assert of_type(result, "book") == [{"title": "Moby Dick", "status": "reading"}]
    assert of_type(result, "reader") == []


async def test_year_genre_and_page_count_in_parentheses() -> None:
    result = await extract("I want to read The Overstory (2018, eco fiction, 502 pages).", LIBRARY)
    (book,) = of_type(result, "book")
    assert book == {
        "title": "The Overstory",
        "year": 2018,
        "genre": "eco fiction",
        "pages": 502,
        "status": "want_to_read",
    }


async def test_a_rating_out_of_five_ends_the_title() -> None:
    result = await extract("Rated Never Let Me Go 3 out of 5.", LIBRARY)
    assert of_type(result, "book") == [{"title": "Never Let Me Go", "rating": 3}]


async def test_other_works_by_their_verbs_and_creator_fields() -> None:
    result = await extract("Watched Past Lives by Celine Song, 5/5.", FILMS)
    assert of_type(result, "movie") == [
        {"title": "Past Lives", "director": "Celine Song", "score": 5}
    ]


async def test_no_title_after_a_pronoun() -> None:
    result = await extract("Finished it last night.", LIBRARY)
    assert of_type(result, "book") == []


async def test_the_verb_picks_one_of_two_relations() -> None:
    result = await extract("Started reading Hyperion; Omar Haddad suggested it.", LIBRARY)
    assert links(result) == [("suggested_by", {"book": "Hyperion", "reader": "Omar Haddad"})]


async def test_no_verb_of_either_relation_links_nothing() -> None:
    result = await extract("Finished Hyperion while Omar Haddad was cooking.", LIBRARY)
    assert of_type(result, "book") == [{"title": "Hyperion", "status": "finished"}]
    assert result.relations == []


async def test_the_verb_and_its_preposition_name_the_other_end() -> None:
    result = await extract("Lent my copy of Middlemarch to Ines, who lives in Porto.", LIBRARY)
    assert of_type(result, "reader") == [{"name": "Ines", "city": "Porto"}]
    assert links(result) == [("lent_to", {"book": "Middlemarch", "reader": "Ines"})]


async def test_a_verb_names_a_project_without_its_type_word() -> None:
    result = await extract("Priya Raman will manage Orion from April.", WORK)
    assert of_type(result, "project") == [{"name": "Orion"}]
    assert links(result) == [("manages", {"manager": "Priya Raman", "project": "Orion"})]


async def test_one_relation_between_two_types_links_them() -> None:
    result = await extract('We placed the order "Spring restock" with Acme Supplies Ltd.', WORK)
    assert links(result) == [
        ("placed_with", {"order": "Spring restock", "supplier": "Acme Supplies Ltd"})
    ]


async def test_it_in_the_next_sentence_is_the_thing_just_made() -> None:
    result = await extract(
        'New task "Renew passport", due 2026-06-01. Omar Haddad will own it.', WORK
    )
    assert links(result) == [("owned_by", {"task": "Renew passport", "owner": "Omar Haddad"})]


async def test_a_place_the_trip_stops_at_with_its_kind_and_country() -> None:
    result = await extract("On the Alps Loop trip we stop at Innsbruck, a city in Austria.", TRIPS)
    assert of_type(result, "place") == [{"name": "Innsbruck", "kind": "city", "country": "Austria"}]
    assert links(result) == [("stops_at", {"trip": "Alps Loop", "place": "Innsbruck"})]


TRAVEL = parse_schema(
    """
objects:
  reservation:
    primary_key: [reference]
    fields:
      reference: {type: str, required: true}
      kind: {type: str, enum: [flight, ferry, hotel]}
      operator: {type: str}
  chore:
    primary_key: [title]
    fields:
      title: {type: str, required: true}
      estimate_hours: {type: float}
"""
)


async def test_the_operator_of_a_reservation_by_its_kind_or_with() -> None:
    result = await extract("Booked a Ryanair flight, reference RK55Z.", TRAVEL)
    assert of_type(result, "reservation") == [
        {"kind": "flight", "reference": "RK55Z", "operator": "Ryanair"}
    ]
    result = await extract("Ferry to Naxos with Blue Star, reference BS-12.", TRAVEL)
    assert of_type(result, "reservation")[0]["operator"] == "Blue Star"
    result = await extract("Hotel Alma Lisboa is reserved under reference AL-9.", TRAVEL)
    assert of_type(result, "reservation")[0]["operator"] == "Hotel Alma Lisboa"


async def test_a_number_before_a_numeric_fields_last_word() -> None:
    result = await extract('New chore "Paint the fence", estimated at 3.5 hours.', TRAVEL)
    assert of_type(result, "chore") == [{"title": "Paint the fence", "estimate_hours": 3.5}]


async def test_more_places_listed_after_the_verbs_first_object() -> None:
    result = await extract(
        "On the Coast Run trip we stop at Porto, a city in Portugal, and the Serralves museum.",
        TRIPS,
    )
    assert of_type(result, "place") == [
        {"name": "Porto", "kind": "city", "country": "Portugal"},
        {"name": "Serralves", "kind": "museum"},
    ]
    assert [end["place"] for _, end in links(result)] == ["Porto", "Serralves"]


SALES = parse_schema(
    """
objects:
  contact:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
  account:
    description: A company we sell to.
    primary_key: [name]
    fields:
      name: {type: str, required: true}
      sector: {type: str}
      category: {type: str}
      staff: {type: int}
"""
)
SALES_INDUSTRY = parse_schema(
    """
objects:
  company:
    primary_key: [name]
    fields:
      name: {type: str, required: true}
      industry: {type: str}
      headcount_employees: {type: int}
"""
)


async def test_what_an_organization_is_and_how_many_work_there() -> None:
    text = "Ines Duarte from Lumen Foods Ltd rang: they are a food company with 40 employees."
    result = await extract(text, SALES_INDUSTRY)
    assert of_type(result, "company") == [
        {"name": "Lumen Foods Ltd", "industry": "food", "headcount_employees": 40}
    ]
    result = await extract("Vega Robotics Inc, a small robotics startup, hired Omar.", SALES)
    assert of_type(result, "account") == [{"name": "Vega Robotics Inc", "category": "robotics"}]


async def test_two_organizations_leave_it_unsaid_whose_industry_it_is() -> None:
    text = "Acme Corp bought Globex Inc; it is a mining company."
    result = await extract(text, SALES_INDUSTRY)
    assert all("industry" not in c for c in of_type(result, "company"))
