"""Lower-case WordPiece: a vocabulary trainer, an encoder that follows Hugging Face `tokenizers`
(BertNormalizer, BertPreTokenizer, WordPiece, [CLS] ... [SEP]) as its JavaScript port in
transformers.js implements it, and the writer of `tokenizer.json`.

The encoder is the independent reference for the golden input ids: the Node test tokenizes with
transformers.js and must get the same ids.
"""
from __future__ import annotations

import collections
import json
import unicodedata

import regex

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
SPECIALS = [PAD, UNK, CLS, SEP, MASK]
PREFIX = "##"
MAX_CHARS_PER_WORD = 100
# \p{P} plus every ASCII punctuation or symbol character: what BertPreTokenizer splits off.
_PUNCT = r"\p{P}!-/:-@\[-`{-~"
_PRE_TOKENIZE = regex.compile(rf"[^\s{_PUNCT}]+|[{_PUNCT}]")
_CONTROL = regex.compile(r"^(\p{Cc}|\p{Cf}|\p{Co}|\p{Cs})$")
# Characters every vocabulary holds, alone and as continuations, so ordinary English text (and
# the punctuation and symbols of pasted documents) never becomes [UNK].
BASE_CHARS = [chr(c) for c in range(33, 127) if not chr(c).isupper()] + list("’‘“”–—…•€£¥°×§©®™")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def normalize(text: str) -> str:
    """BertNormalizer(clean_text, handle_chinese_chars, lowercase, strip accents)."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (ch not in "\t\n\r" and _CONTROL.match(ch)):
            continue
        if ch.isspace():
            out.append(" ")
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    lowered = "".join(out).lower()
    return "".join(c for c in unicodedata.normalize("NFD", lowered) if unicodedata.category(c) != "Mn")


def pre_tokenize(text: str) -> list[str]:
    return _PRE_TOKENIZE.findall(text.strip())


def words(text: str) -> list[str]:
    return pre_tokenize(normalize(text))


class WordPiece:
    def __init__(self, tokens: list[str]):
        if len(set(tokens)) != len(tokens):
            raise ValueError("duplicate token in vocabulary")
        self.tokens = tokens
        self.vocab = {t: i for i, t in enumerate(tokens)}

    @staticmethod
    def train(texts: list[str], vocab_size: int) -> "WordPiece":
        """BPE merges over words with '##' continuations (as `tokenizers`' WordPieceTrainer does);
        the vocabulary is the specials, the base characters, then the merged pieces in order."""
        counts: collections.Counter[str] = collections.Counter(w for t in texts for w in words(t))
        alphabet = set(BASE_CHARS)
        for w in counts:
            alphabet.update(w)
        tokens = SPECIALS + sorted(alphabet) + sorted(PREFIX + c for c in alphabet)
        splits = {w: [w[0]] + [PREFIX + c for c in w[1:]] for w in counts}
        known = set(tokens)
        while len(tokens) < vocab_size:
            pairs: collections.Counter[tuple[str, str]] = collections.Counter()
            for w, pieces in splits.items():
                for a, b in zip(pieces, pieces[1:]):
                    pairs[(a, b)] += counts[w]
            if not pairs:
                break
            # Most frequent pair; ties broken by the pair itself, so training is deterministic.
            (a, b), _ = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
            merged = a + b[len(PREFIX):]
            for w, pieces in splits.items():
                i, out = 0, []
                while i < len(pieces):
                    if i + 1 < len(pieces) and pieces[i] == a and pieces[i + 1] == b:
                        out.append(merged)
                        i += 2
                    else:
                        out.append(pieces[i])
                        i += 1
                splits[w] = out
            if merged not in known:
                known.add(merged)
                tokens.append(merged)
        return WordPiece(tokens)

    def encode_word(self, word: str) -> list[int]:
        if len(word) > MAX_CHARS_PER_WORD:
            return [self.vocab[UNK]]
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            while start < end:
                piece = word[start:end] if start == 0 else PREFIX + word[start:end]
                if piece in self.vocab:
                    ids.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return [self.vocab[UNK]]
            start = end
        return ids

    def encode(self, text: str, max_length: int) -> list[int]:
        """[CLS] pieces [SEP], cut to max_length the way transformers.js truncates (the end is
        sliced off, [SEP] included)."""
        ids = [self.vocab[CLS]] + [i for w in words(text) for i in self.encode_word(w)] + [self.vocab[SEP]]
        return ids[:max_length]

    def to_tokenizer_json(self) -> dict:
        added = [{"id": self.vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for t in SPECIALS]
        cls, sep = self.vocab[CLS], self.vocab[SEP]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": None, "lowercase": True},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": CLS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": SEP, "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": CLS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": SEP, "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                         {"SpecialToken": {"id": SEP, "type_id": 1}}],
                "special_tokens": {CLS: {"id": CLS, "ids": [cls], "tokens": [CLS]},
                                   SEP: {"id": SEP, "ids": [sep], "tokens": [SEP]}},
            },
            "decoder": {"type": "WordPiece", "prefix": PREFIX, "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": UNK, "continuing_subword_prefix": PREFIX,
                      "max_input_chars_per_word": MAX_CHARS_PER_WORD, "vocab": self.vocab},
        }

    @staticmethod
    def from_tokenizer_json(path: str) -> "WordPiece":
        with open(path, encoding="utf-8") as f:
            vocab: dict[str, int] = json.load(f)["model"]["vocab"]
        return WordPiece([t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])])
