"""Sentence vectors: what lets a question find a sentence worded another way.

Words alone cannot bridge "Where does Maya work?" and "Maya is employed by Globex", or "my
dog" and "our puppy". A static embedding model can, offline and in microseconds: each token
has a learned vector, a sentence is the mean of its tokens' vectors, and two sentences are as
close as the cosine of theirs. The model is WordLlama's `l2_supercat` (256 dimensions, MIT):
its weights and tokenizer ship inside the `wordllama` wheel (the `semantic` extra), so nothing
is downloaded. We read the two files ourselves (the safetensors layout is an 8-byte header
length, a JSON header, then the raw array) and never import `wordllama` itself, which would
reach for the network and pull its own dependencies into the process.

Without the extra (or with `XMEM_ENGINE_SEMANTIC=off`) `load()` gives None and reads fall back
to words alone.
"""

from __future__ import annotations

import importlib.util
import json
import mmap
import struct
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]
else:
    Matrix = Any

DIMENSIONS = 256
_WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
_TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
_TENSOR = "embedding.weight"
CLOSE_WORDS = 0.3  # cosine from which two words count as saying the same thing
TOKENIZE_BLOCK = 256  # texts tokenized at once
WORD_CACHE = 50_000  # word vectors kept per process before the cache starts over


class SentenceModel:
    """Token vectors (memory-mapped) and their tokenizer."""

    def __init__(self, package: Path) -> None:
        import numpy as np
        from tokenizers import Tokenizer

        self._np = np
        self._tokenizer = Tokenizer.from_file(str(package / _TOKENIZER))
        # float16 and memory-mapped: only the rows of tokens met are paged in (a float32
        # copy would encode twice as fast and cost 32 MB of memory for as long as we run).
        self._table = _token_table(package / _WEIGHTS)
        self._words: dict[str, Matrix] = {}

    def encode(self, texts: list[str]) -> Matrix:
        """One unit vector a text (rows in order); a text with no tokens gives zeros."""
        np = self._np
        out: Matrix = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        table = self._table
        # The sum of a text's token vectors: its mean up to a scale, which the norm below
        # takes out. A gather per text beat gathering a block of texts at once (numpy's
        # segmented sums are slow along rows).
        # Tokenized a block at a time: a tokenizer's encoding holds far more than its ids
        # (offsets, strings, masks), and ten thousand of them at once cost tens of megabytes.
        for first in range(0, len(texts), TOKENIZE_BLOCK):
            block = texts[first : first + TOKENIZE_BLOCK]
            for row, encoding in enumerate(
                self._tokenizer.encode_batch(block, add_special_tokens=False), start=first
            ):
                if encoding.ids:
                    out[row] = table[encoding.ids].sum(axis=0, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out /= norms
        return out

    def word_vectors(self, words: list[str]) -> Matrix:
        """Unit vectors of single words, each encoded once per process."""
        np = self._np
        cache = self._words
        missing = [w for w in dict.fromkeys(words) if w not in cache]
        if missing:
            if len(cache) > WORD_CACHE:
                cache.clear()
            cache.update(zip(missing, self.encode(missing), strict=True))
        if not words:
            empty: Matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
            return empty
        result: Matrix = np.stack([cache[w] for w in words])
        return result


def close_words(
    model: SentenceModel, asked: list[str], said: list[str], *, closeness: float = CLOSE_WORDS
) -> set[str]:
    """The words of `asked` that a word of `said` means nearly the same as (cosine of their
    vectors at least `closeness`): "work" and "employed", "dog" and "puppy"."""
    if not asked or not said:
        return set()
    cosines = model.word_vectors(asked) @ model.word_vectors(said).T
    return {word for word, row in zip(asked, cosines, strict=True) if float(row.max()) >= closeness}


def _token_table(path: Path) -> Any:
    import numpy as np

    with path.open("rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        spec = header[_TENSOR]
        if spec["dtype"] != "F16" or spec["shape"][1] != DIMENSIONS:
            raise ValueError(f"unexpected token table in {path}: {spec}")
        view = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    start, end = (8 + size + offset for offset in spec["data_offsets"])
    table = np.frombuffer(view, dtype=np.float16, count=(end - start) // 2, offset=start)
    return table.reshape(spec["shape"])


def _package() -> Path | None:
    """Where the `wordllama` package's files are, found without importing it."""
    try:
        spec = importlib.util.find_spec("wordllama")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    if not (folder / _WEIGHTS).is_file() or not (folder / _TOKENIZER).is_file():
        return None
    return folder


_lock = threading.Lock()
_loaded: dict[str, SentenceModel | None] = {}
_enabled = [True]


def configure(enabled: bool) -> None:
    """Turn finding by meaning on or off for this process (the engine's `semantic` setting,
    applied when it opens)."""
    _enabled[0] = enabled


def load() -> SentenceModel | None:
    """The model, loaded once per process on first use; None when it is off or not installed."""
    if not _enabled[0]:
        return None
    with _lock:
        if "model" not in _loaded:
            package = _package()
            model: SentenceModel | None = None
            if package is not None:
                try:
                    model = SentenceModel(package)
                except ImportError:  # numpy or tokenizers missing: the extra is half installed
                    model = None
            _loaded["model"] = model
        return _loaded["model"]


class SentenceIndex:
    """One instance's sentence vectors, kept in memory across reads and brought up to date
    with the sentences said since (sentences are only ever added; one that has been removed
    since is dropped when its text is looked up for an answer).

    Each vector is kept as 256 signed bytes and one scale (its largest component / 127):
    260 bytes a sentence instead of 512 as float16, and scored with integer products
    (`einsum` summing in int32), which numpy runs about ten times faster than converting
    float16 blocks to float32 (one search over a million sentences: ~2.5 s -> ~0.15 s on
    this machine). Cosines come out within about 0.003 of the exact ones."""

    CATCH_UP = 4096  # sentences read and encoded per round when catching up
    BLOCK = 16384  # rows scored per product (bounded temporary memory: 64 KB of int32)

    def __init__(self) -> None:
        # numpy is imported on the first search, not when an instance is opened.
        self._lock = threading.Lock()
        self._ids: Any = None
        self._vectors: Any = None  # int8, one row per sentence
        self._scales: Any = None  # float32: a row's vector is its bytes times its scale
        self._upto = 0

    def nearest(
        self,
        model: SentenceModel,
        read_after: Callable[[int, int], list[tuple[int, str]]],
        question: str,
        k: int,
        *,
        after: int = 0,
    ) -> list[tuple[int, float]]:
        """The `k` sentences closest to `question` (passage id, cosine), closest first; only
        those with ids above `after`. `read_after(id, n)` lists the next n sentences."""
        ids, vectors, scales = self._caught_up(model, read_after)
        query, scale = _quantized(model.encode([question]))
        return self._closest(ids, vectors, scales, query[0], float(scale[0]), k, after)

    def alike(
        self,
        model: SentenceModel,
        read_after: Callable[[int, int], list[tuple[int, str]]],
        passage_id: int,
        k: int,
    ) -> list[tuple[int, float]]:
        """The `k` sentences said after passage `passage_id` that are closest to it in
        meaning (passage id, cosine), closest first: what was said later about the same
        thing."""
        import numpy as np

        ids, vectors, scales = self._caught_up(model, read_after)
        at = int(np.searchsorted(ids, passage_id))
        if at >= len(ids) or ids[at] != passage_id:
            return []
        return self._closest(ids, vectors, scales, vectors[at], float(scales[at]), k, passage_id)

    def _caught_up(
        self, model: SentenceModel, read_after: Callable[[int, int], list[tuple[int, str]]]
    ) -> tuple[Any, Any, Any]:
        """The ids (ascending), vectors and scales of every sentence, those said since
        encoded now (joined to the rest once, not once per round: a first search over a
        million sentences would otherwise copy the table hundreds of times)."""
        import numpy as np

        with self._lock:
            if self._ids is None:
                self._ids = np.empty(0, dtype=np.int64)
                self._vectors = np.empty((0, DIMENSIONS), dtype=np.int8)
                self._scales = np.empty(0, dtype=np.float32)
            ids, vectors, scales = [self._ids], [self._vectors], [self._scales]
            while True:
                rows = read_after(self._upto, self.CATCH_UP)
                if not rows:
                    break
                quantized, scale = _quantized(model.encode([text for _, text in rows]))
                ids.append(np.array([i for i, _ in rows], dtype=np.int64))
                vectors.append(quantized)
                scales.append(scale)
                self._upto = rows[-1][0]
            if len(ids) > 1:
                self._ids = np.concatenate(ids)
                self._vectors = np.concatenate(vectors)
                self._scales = np.concatenate(scales)
            return self._ids, self._vectors, self._scales

    def _closest(
        self,
        ids: Any,
        vectors: Any,
        scales: Any,
        query: Any,
        query_scale: float,
        k: int,
        after: int,
    ) -> list[tuple[int, float]]:
        import numpy as np

        first = int(np.searchsorted(ids, after, side="right")) if after else 0
        ids, vectors, scales = ids[first:], vectors[first:], scales[first:]
        if not len(ids):
            return []
        products = np.concatenate(
            [
                np.einsum("ij,j->i", vectors[start : start + self.BLOCK], query, dtype=np.int32)
                for start in range(0, len(ids), self.BLOCK)
            ]
        )
        scores = products * scales * np.float32(query_scale)
        top = min(k, len(ids))
        best = np.argpartition(-scores, top - 1)[:top]
        best = best[np.argsort(-scores[best])]
        return [(int(ids[i]), float(scores[i])) for i in best]


def _quantized(vectors: Any) -> tuple[Any, Any]:
    """Rows as signed bytes and a scale each: row ~= bytes * scale (a zero row stays zero)."""
    import numpy as np

    largest = np.abs(vectors).max(axis=1).astype(np.float32)
    scale = np.where(largest > 0, largest / 127.0, 1.0).astype(np.float32)
    quantized = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
    return quantized, scale
