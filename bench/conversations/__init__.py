"""Held-out conversations: how well memory written as conversation turns answers questions.

The labeled set in `data/` was written blind (nothing was run on it while it was written), in
two voices: the user's own first person and an agent's third-person memory notes. `data/dev`
is for looking at misses; `data/test` is frozen (see `data/test/FROZEN.md`) and only scored;
`data/holdout` and `data/holdout2` to `data/holdout5`, blind sets by other writers, are
frozen too and scored only when named. A conversation may say which day it was written on
(`today: "2026-01-10"`); its relative and year-less dates are then read from that day. One
that does not is read from its split's day (the first line of `data/<split>/TODAY`, a file
outside the frozen digest), so figures taken on different days compare.
Each conversation runs against the real embedded engine through the real SDK, in a fresh data
directory, so the figures are what a user of the package would get.

python -m bench.conversations --split dev|test|all|holdout|holdout2|holdout3|holdout4|holdout5 [--record] [--show-misses]
python -m bench.conversations.losses --split <any>   (where answers are lost, as counts only)
"""
