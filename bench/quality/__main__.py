"""`python -m bench.quality`: score a provider on the labeled set (see run.py)."""

from bench.quality.run import main

raise SystemExit(main())
