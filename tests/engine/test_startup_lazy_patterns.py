"""What only writes (or found passages) need is not loaded when the engine is: the episodes
module, and the patterns `sentences.lazy_compile` makes, which work as compiled ones."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from xmemory_engine.sentences import lazy_compile, split_sentences


def test_a_lazy_pattern_is_the_compiled_one() -> None:
    lazy = lazy_compile(r"(?P<word>\w+)!", re.IGNORECASE)
    assert lazy.pattern == r"(?P<word>\w+)!"
    assert lazy.flags & re.IGNORECASE
    found = lazy.search("say Hi!")
    assert found is not None and found["word"] == "Hi"
    assert [m.group() for m in lazy.finditer("a! b!")] == ["a!", "b!"]
    assert split_sentences("Dr. Lee called. She is in Oslo.") == [
        "Dr. Lee called.",
        "She is in Oslo.",
    ]


def test_opening_the_engine_s_modules_compiles_neither(tmp_path: Path) -> None:
    code = """
        import json, sys
        import xmemory_engine.embedded, xmemory_engine.minds.rules
        from xmemory_engine import schema, sentences
        from xmemory_engine.service import passages
        lazy = [
            name
            for module, name in [
                (sentences, "_END"), (schema, "_DATE"), (schema, "_DATETIME"),
                (schema, "_CLOCK"), (passages, "_TOKEN"), (passages, "_COUNTED"),
            ]
            if isinstance(getattr(module, name), sentences.LazyPattern)
            and "match" not in vars(getattr(module, name))
        ]
        print(json.dumps({
            "episodes": "xmemory_engine.service.episodes" in sys.modules,
            "lazy": len(lazy),
        }))
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"episodes": False, "lazy": 6}
