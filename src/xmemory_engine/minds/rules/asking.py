"""Words that open a question, by language: data for the answerer, which reads English only.

A capitalised word that opens a question and is one of these ("Wo wohnt Ingrid?", "Où est
Bob ?") is never a name; a question opened by one that is not also English is in a language
the rules cannot read, so it is answered only where its schema words still map.
"""

from __future__ import annotations

import re

from xmemory_engine.minds.rules.text import lexicon, wordset

ENGLISH = lexicon("asking.english")
OTHER_LANGUAGES = {
    "de": wordset("wo wer wen wem wessen was wann wie warum wieso weshalb welche welcher welches woher wohin"),
    "fr": wordset("où qui que quoi quand quel quelle quels quelles comment pourquoi combien qu"),
    "es": wordset("dónde donde quién quien quiénes qué cuándo cuando cuál cual cuáles cómo cuánto cuántos cuántas por"),
    "it": wordset("dove chi che cosa quando quale quali come perché quanto quanti quante"),
    "pt": wordset("onde quem que quando qual quais como porque quanto quantos quantas"),
}  # fmt: skip
ANY_LANGUAGE = ENGLISH.union(*OTHER_LANGUAGES.values())
# Question words of other languages that are not also English words ("come", "was").
FOREIGN = ANY_LANGUAGE - ENGLISH - wordset("come")

_OPENING = re.compile(r"^[\W_]*(\w+)")


def opening_word(text: str) -> str:
    """The question's first word, lower-case, past any opening marks ("¿Dónde" -> "dónde")."""
    m = _OPENING.match(text)
    return m.group(1).lower() if m else ""


# Verbs that say what a field holds, so "Who lives in Berlin?" is answered by a `location`
# and "Who works at Acme Corp?" by a `company`, not only by stored text holding "lives".
ROLE_VERBS = {
    "location": wordset("live lives living lived based located from stay stays reside resides"),
    "company": wordset("work works working worked employ employs employed"),
    "role": wordset("work works working worked"),
    "start": wordset("join joins joined start starts started"),
    "birthday": wordset("born"),
    "assignee": wordset("assign assigns assigned given handed allocated delegated"),
}
