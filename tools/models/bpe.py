"""Byte-level BPE: a trainer, an encoder that follows Hugging Face `tokenizers`, and the writer
of `tokenizer.json`.

The encoder here is the independent reference for the golden input ids: the browser and Node
tests tokenize with transformers.js (the `tokenizers` JS port) and must get the same ids.
"""
from __future__ import annotations

import collections
import json
from functools import lru_cache

import regex

# The GPT-2 pre-tokenizer pattern that `tokenizers`' ByteLevel(use_regex=True) applies.
GPT2_PATTERN = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
)


@lru_cache(maxsize=1)
def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character table."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(
        range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(printable, chars)}


def _byte_symbols(piece: str) -> tuple[str, ...]:
    table = bytes_to_unicode()
    return tuple(table[b] for b in piece.encode("utf-8"))


def pre_tokenize(text: str) -> list[str]:
    return GPT2_PATTERN.findall(text)


class ByteLevelBPE:
    """A trained byte-level BPE with special tokens that are split out before pre-tokenization."""

    def __init__(self, specials: list[str], merges: list[tuple[str, str]]):
        self.specials = specials
        self.merges = merges
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        byte_chars = [bytes_to_unicode()[b] for b in range(256)]
        tokens = specials + byte_chars + [a + b for a, b in merges]
        if len(set(tokens)) != len(tokens):
            raise ValueError("duplicate token in vocabulary")
        self.vocab = {t: i for i, t in enumerate(tokens)}
        self.id_to_token = tokens
        self._special_re = regex.compile("(" + "|".join(regex.escape(s) for s in
                                                        sorted(specials, key=len, reverse=True)) + ")")
        self._cache: dict[str, list[int]] = {}

    # -- training ---------------------------------------------------------------------------
    @staticmethod
    def train(texts: list[str], specials: list[str], vocab_size: int) -> "ByteLevelBPE":
        """Greedy BPE merges over pre-tokenized words; merges never produce a token with a digit,
        so numbers are always read digit by digit (this is what makes arithmetic learnable)."""
        words: collections.Counter[tuple[str, ...]] = collections.Counter()
        for text in texts:
            for piece in pre_tokenize(text):
                words[_byte_symbols(piece)] += 1
        merges: list[tuple[str, str]] = []
        n_merges = vocab_size - len(specials) - 256
        word_list = [(list(w), c) for w, c in words.items()]
        for _ in range(n_merges):
            pairs: collections.Counter[tuple[str, str]] = collections.Counter()
            for symbols, count in word_list:
                for a, b in zip(symbols, symbols[1:]):
                    if not any(ch.isdigit() for ch in a + b):
                        pairs[(a, b)] += count
            if not pairs:
                break
            # Highest count wins; ties broken by the pair itself so training is deterministic.
            best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            merges.append(best)
            merged = best[0] + best[1]
            for symbols, _count in word_list:
                i = 0
                while i < len(symbols) - 1:
                    if symbols[i] == best[0] and symbols[i + 1] == best[1]:
                        symbols[i:i + 2] = [merged]
                    i += 1
        return ByteLevelBPE(specials, merges)

    # -- encoding (mirrors tokenizers' BPE: lowest rank first, leftmost on ties) ------------------
    def _bpe(self, piece: str) -> list[int]:
        cached = self._cache.get(piece)
        if cached is not None:
            return cached
        symbols = list(_byte_symbols(piece))
        while len(symbols) > 1:
            best_rank, best_i = None, -1
            for i in range(len(symbols) - 1):
                rank = self.ranks.get((symbols[i], symbols[i + 1]))
                if rank is not None and (best_rank is None or rank < best_rank):
                    best_rank, best_i = rank, i
            if best_rank is None:
                break
            symbols[best_i:best_i + 2] = [symbols[best_i] + symbols[best_i + 1]]
        ids = [self.vocab[s] for s in symbols]
        self._cache[piece] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for segment in self._special_re.split(text):
            if not segment:
                continue
            if segment in self.vocab and segment in self.specials:
                ids.append(self.vocab[segment])
                continue
            for piece in pre_tokenize(segment):
                ids.extend(self._bpe(piece))
        return ids

    def decode(self, ids: list[int], skip_special: bool = True) -> str:
        inverse = {c: b for b, c in bytes_to_unicode().items()}
        out = bytearray()
        for i in ids:
            token = self.id_to_token[i]
            if token in self.specials:
                if not skip_special:
                    out += token.encode()
                continue
            out += bytes(inverse[c] for c in token)
        return out.decode("utf-8", errors="replace")

    # -- serialization ------------------------------------------------------------------------
    def to_tokenizer_json(self) -> dict:
        added = [{"id": self.vocab[s], "content": s, "single_word": False, "lstrip": False,
                  "rstrip": False, "normalized": False, "special": True} for s in self.specials]
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                      "use_regex": True}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": byte_level,
            "post_processor": {**byte_level, "trim_offsets": False},
            "decoder": byte_level,
            "model": {
                "type": "BPE", "dropout": None, "unk_token": None,
                "continuing_subword_prefix": "", "end_of_word_suffix": "",
                "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                "vocab": self.vocab,
                "merges": [f"{a} {b}" for a, b in self.merges],
            },
        }

    @staticmethod
    def from_tokenizer_json(path: str) -> "ByteLevelBPE":
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        specials = [t["content"] for t in sorted(data["added_tokens"], key=lambda t: t["id"])]
        merges = [tuple(m.split(" ")) for m in data["model"]["merges"]]
        bpe = ByteLevelBPE(specials, merges)  # type: ignore[arg-type]
        if bpe.vocab != data["model"]["vocab"]:
            raise ValueError(f"{path}: vocabulary does not match its merges")
        return bpe
