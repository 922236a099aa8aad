"""The one text analyzer of the index: words split on non-alphanumerics, lowercased, diacritics folded."""

from __future__ import annotations

import codecs
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tantivy

TOKENIZER = "fold"
"""The analyzer's name in the schema; tantivy does not persist analyzers, so every open registers it."""
MAX_WORD_BYTES = 40
"""Longer words (base64, long chemical strings) are dropped from the index, as tantivy's default does."""

_lock = threading.Lock()


@lru_cache(maxsize=1)
def analyzer() -> tantivy.TextAnalyzer:
    import tantivy

    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(MAX_WORD_BYTES))
    return builder.filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build()


def register(index: tantivy.Index) -> None:
    """Make the analyzer known to `index` (needed before indexing, parsing or snippets, in every process)."""
    index.register_tokenizer(TOKENIZER, analyzer())


def words(text: str) -> list[str]:
    """The index terms of `text`, in order."""
    return analyzer().analyze(text) if text else []


def fold(text: str) -> str:
    """Lowercase + ASCII-fold exactly as the index's analyzer does, character by character.

    Separators are kept as they are, so fold("Sjögren's") == "sjogren's" and words(text) are the runs
    of alphanumerics in fold(text). A character may fold to several ("ß" -> "ss").
    """
    if text.isascii():
        return text.lower()
    # ASCII runs are copied and lowered in C; the codec hands each non-ASCII run to _fold_run (UTF-8 bytes
    # >= 0x80 pass bytes.lower() untouched). Several times faster than translate() calling the table per char.
    try:
        return text.encode("ascii", _HANDLER).lower().decode()
    except _Capital:  # a few characters fold to capitals ("ɢ" -> "G", as tantivy's ascii_fold has it)
        return text.translate(_TABLE)


_HANDLER = "viewer-search-fold"


class _Capital(Exception):
    """A folded run holds a capital, which the bytes.lower() of the fast path would wrongly lower."""


def _fold_run(exc: UnicodeError) -> tuple[bytes, int]:
    assert isinstance(exc, UnicodeEncodeError)
    folded = exc.object[exc.start : exc.end].translate(_TABLE)
    if folded.lower() != folded:
        raise _Capital
    return folded.encode(), exc.end


codecs.register_error(_HANDLER, _fold_run)


class _Folds(dict[int, str]):
    """Code point -> its folded text, asked of the analyzer once per character ever seen."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        # The simple tokenizer splits on what is not alphanumeric; lowercase and ascii_fold map one char at a time.
        tokens = analyzer().analyze(char) if char.isalnum() else []
        folded = "".join(tokens) if tokens else char.lower()
        with _lock:
            if len(self) < 200_000:
                self[code] = folded
        return folded


_TABLE = _Folds()
