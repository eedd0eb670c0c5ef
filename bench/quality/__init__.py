"""The quality harness: how well a mind extracts, answers and designs, on a labeled set.

    python -m bench.quality --provider rules
    python -m bench.quality --provider openai --model gpt-4.1-mini
    python -m bench.quality --provider openai --base-url http://localhost:11434/v1 --model llama3.1

Labeled data lives in `data/*.yml` (one file per schema); scores go to `scores.json` and the
`## Quality` section of `bench/RESULTS.md`.
"""
