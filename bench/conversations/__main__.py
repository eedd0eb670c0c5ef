"""`python -m bench.conversations`: score the engine on the held-out conversations (run.py)."""

from bench.conversations.run import main

raise SystemExit(main())
