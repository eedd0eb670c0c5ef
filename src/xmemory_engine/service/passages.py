"""Passages: when no record answers, the stored sentences that do, or nothing.

A question's search terms are its words minus stop words, question words and words that name
the kind of answer asked for ("name", "date"): those are asked, rarely said. Each term is cut
to a stem and matched as a prefix, so "appointments" finds "appointment". Candidates come
from the full-text index (BM25); a sentence qualifies only when it holds every name the
question contains (capitalised words past its first) and at least `COVERAGE` of the terms'
weight, each term weighted by its rarity (idf) among the stored sentences. Of those, the best
`MAX_PASSAGES` within half the best score are kept, newer first on ties; each is shown with
the sentences around it in its episode. When none qualifies, nothing is stored about it:
that is the answer, not a list of loosely related sentences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from xmemory_engine.sentences import fold, search_words, split_sentences
from xmemory_engine.store.base import EpisodeRow, PassageRow, Tables

COVERAGE = 0.6
MAX_PASSAGES = 3
CANDIDATES = 40
CONTEXT_CHARS = 400

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "having",
        "i",
        "me",
        "my",
        "mine",
        "myself",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "it",
        "its",
        "they",
        "them",
        "their",
        "theirs",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "whats",
        "whos",
        "wheres",
        "hows",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "too",
        "very",
        "just",
        "also",
        "any",
        "all",
        "some",
        "each",
        "every",
        "both",
        "either",
        "neither",
        "more",
        "most",
        "much",
        "many",
        "few",
        "other",
        "such",
        "only",
        "own",
        "same",
        "again",
        "ever",
        "still",
        "yet",
        "then",
        "now",
        "up",
        "down",
        "out",
        "off",
        "over",
        "under",
        "tell",
        "know",
        "remember",
        "recall",
        "say",
        "said",
        "please",
        "user",
        "users",
        "s",
        "t",
        "d",
        "ll",
        "re",
        "ve",
        "m",
    ]
)
# Words that ask for a kind of value; they are rarely in the sentence that gives it.
ASKED_NOT_SAID = frozenset(
    [
        "name",
        "names",
        "called",
        "date",
        "dates",
        "day",
        "days",
        "time",
        "times",
        "value",
        "number",
        "kind",
        "sort",
        "type",
        "thing",
        "things",
        "information",
        "info",
        "detail",
        "details",
        "currently",
        "current",
    ]
)
# Question words of other languages: never a name.
FOREIGN_QUESTION_WORDS = frozenset(
    [
        "wo",
        "wer",
        "was",
        "wann",
        "wie",
        "warum",
        "welche",
        "welcher",
        "welches",
        "où",
        "qui",
        "quoi",
        "quand",
        "comment",
        "pourquoi",
        "quel",
        "quelle",
        "dónde",
        "donde",
        "quién",
        "quien",
        "qué",
        "cuándo",
        "cuando",
        "cómo",
        "como",
        "cuál",
        "cual",
        "dove",
        "chi",
        "che",
        "quando",
        "come",
        "perché",
        "onde",
        "quem",
        "quando",
        "porque",
    ]
)


@dataclass
class Terms:
    """What a question searches for: stems (prefix terms) and the names it contains."""

    stems: list[str]
    names: list[list[str]]
    """Runs of capitalised words ("Maya Patel", "Project Atlas"): a passage must hold a word
    of each run."""


def question_terms(question: str) -> Terms:
    names: list[list[str]] = []
    run: list[str] = []
    for position, token in enumerate(question.split()):
        cleaned = token.strip(".,;:!?\"'()[]")
        words = [
            w
            for w in search_words(cleaned)
            if len(w) > 1 and w not in STOP_WORDS and w not in FOREIGN_QUESTION_WORDS
        ]
        if position > 0 and cleaned[:1].isupper() and words:
            run += words
        elif run:
            names.append(run)
            run = []
    if run:
        names.append(run)
    in_names = {w for r in names for w in r}
    stems: list[str] = []
    for word in search_words(question):
        if word in STOP_WORDS or word in ASKED_NOT_SAID or word in FOREIGN_QUESTION_WORDS:
            continue
        if len(word) < 2:
            continue
        stem = word if word in in_names else _stem(word)
        if stem not in stems:
            stems.append(stem)
    return Terms(stems, names)


def _stem(word: str) -> str:
    """A prefix that the word's usual English variants share: 'appointments' -> 'appointment',
    'living' -> 'liv', 'studies' -> 'studi'."""
    for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            return word[: -len(suffix)] + ("i" if suffix in ("ies", "ied") else "")
    return word


def _match(stems: list[str]) -> str:
    # Terms are folded letters and digits only, so quoting each is enough to keep FTS5's
    # query syntax out of the way ("Dr. Souza", "what's").
    return " OR ".join(f'words : "{s}"*' for s in stems)


def search(tables: Tables, question: str) -> list[dict[str, Any]]:
    """The passages that answer `question`, best first (read-only; the caller's snapshot)."""
    terms = question_terms(question)
    if not terms.stems:
        return []
    hits = tables.search_passages(_match(terms.stems), CANDIDATES)
    if not hits:
        return []
    total, frequency = tables.passage_frequency(terms.stems)
    weight = {s: _idf(total, frequency.get(s, 0)) for s in terms.stems}
    mass = sum(weight.values()) or 1.0
    scored: list[tuple[float, PassageRow]] = []
    for hit in hits:
        words = search_words(hit.text)
        if not all(any(w.startswith(n) for w in words for n in run) for run in terms.names):
            continue
        covered = sum(weight[s] for s in terms.stems if any(w.startswith(s) for w in words))
        if covered / mass >= COVERAGE:
            scored.append((covered / mass, hit))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    scored = [(score, hit) for score, hit in scored if score >= best / 2]
    # Higher coverage first, then BM25, then newer (a later sentence has a larger rowid).
    scored.sort(key=lambda pair: (-pair[0], pair[1].rank, -pair[1].id))
    chosen = _distinct_episodes(scored)[:MAX_PASSAGES]
    episodes = tables.episodes([hit.episode_id for _, hit in chosen])
    return [_passage(score, hit, episodes.get(hit.episode_id)) for score, hit in chosen]


def _idf(total: int, found: int) -> float:
    return math.log((total - found + 0.5) / (found + 0.5) + 1.0)


def _distinct_episodes(scored: list[tuple[float, PassageRow]]) -> list[tuple[float, PassageRow]]:
    seen: set[int] = set()
    out = []
    for score, hit in scored:
        if hit.episode_id not in seen:
            seen.add(hit.episode_id)
            out.append((score, hit))
    return out


def _passage(score: float, hit: PassageRow, episode: EpisodeRow | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "text": _in_context(hit.text, episode.text if episode else hit.text),
        "sentence": hit.text,
        "score": round(score, 3),
    }
    if episode is not None:
        item |= {
            "write_id": episode.write_id,
            "recorded_at": episode.recorded_at,
            "occurred_at": episode.occurred_at,
        }
    return item


def _in_context(sentence: str, text: str) -> str:
    """The sentence with its neighbours in the episode, while they fit in CONTEXT_CHARS (the
    answer is often the next sentence: "My sister is Maya. She is a midwife.")."""
    if len(text) <= CONTEXT_CHARS:
        return text.strip()
    sentences = split_sentences(text)
    folded = fold(sentence)
    index = next((i for i, s in enumerate(sentences) if fold(s) == folded), None)
    if index is None:
        return sentence
    start, end = index, index + 1
    while True:
        grown = False
        for lo, hi in ((start, end + 1), (start - 1, end)):
            fits = lo >= 0 and hi <= len(sentences)
            if fits and len(" ".join(sentences[lo:hi])) <= CONTEXT_CHARS:
                start, end, grown = lo, hi, True
                break
        if not grown:
            return " ".join(sentences[start:end])
