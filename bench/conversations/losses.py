"""Where the answers are lost, as counts a held-out split may show.

For each answerable question not answered right: how it went (the engine said nothing is
stored, showed passages that do not hold the answer, answered from records with a notice, or
was confidently wrong), and where the conversation says the answer (every expected string in
one sentence, in one turn, or only across turns). Only counts are printed, never a question,
an answer or a line of text, so it runs on the frozen splits as well: it says which mechanism
loses the most (a search that turns away a sentence holding the answer, records that do not
hold it) without showing which answers were lost.

python -m bench.conversations.losses --split holdout
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench.conversations` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.conversations.dataset import Conversation
from bench.conversations.run import ConversationResult, split_from_args
from bench.conversations.scoring import Outcome, expect_met

from xmemory_engine.sentences import split_sentences

HOW = ("nothing", "passages", "records", "confident-wrong")
WHERE = ("one sentence", "one turn", "across turns")


def how_lost(outcome: Outcome) -> str:
    """How an answerable question not answered right went (one of `HOW`)."""
    if outcome.confident_wrong:
        return "confident-wrong"
    if outcome.basis in ("passages", "nothing"):
        return outcome.basis
    return "records"


def where_said(turns: Iterable[str], expect: Sequence[str]) -> str:
    """Where the conversation holds every expected string (one of `WHERE`): the narrowest of
    one sentence, one turn, or only the turns together (or not verbatim at all)."""
    turns = list(turns)
    if any(expect_met(expect, s) for t in turns for s in split_sentences(t)):
        return "one sentence"
    if any(expect_met(expect, t) for t in turns):
        return "one turn"
    return "across turns"


def losses(pairs: Iterable[tuple[Conversation, ConversationResult]]) -> Counter[tuple[str, str]]:
    """(how, where) -> how many answerable questions were lost that way."""
    counted: Counter[tuple[str, str]] = Counter()
    for conversation, result in pairs:
        for _, expect, outcome in result.questions:
            if outcome.kind == "no_answer" or outcome.correct:
                continue
            counted[how_lost(outcome), where_said(conversation.turns, expect)] += 1
    return counted


def render(split: str, answerable: int, counted: Counter[tuple[str, str]]) -> str:
    """A table of the counts, rows by how, columns by where."""
    lines = [
        f"{split}: {sum(counted.values())} of {answerable} answerable questions not answered right",
        "",
        "| how | " + " | ".join(WHERE) + " | total |",
        "|---|" + "---:|" * (len(WHERE) + 1),
    ]
    for how in HOW:
        cells = [counted[how, where] for where in WHERE]
        lines.append(f"| {how} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    split, conversations, results = split_from_args(argv, __doc__)
    answerable = sum(o.kind != "no_answer" for r in results for _, _, o in r.questions)
    print(render(split, answerable, losses(zip(conversations, results, strict=True))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
