"""Retrieval accuracy over a pool of passages: BM25 (the lexical baseline, tokenised like
MiniSearch: lower-cased words, no stemming, no stop words), the embedding model, and both fused
by reciprocal rank fusion (what the app combines).

hit@k counts ties fairly: if the right passage shares its score with t others at the cut, it
counts as the expected hit under a random tie break, so a score that cannot tell passages apart
gets no credit for the order they happen to be listed in.
"""
from __future__ import annotations

import math
from collections import Counter

import regex

_WORD = regex.compile(r"[\p{L}\p{N}]+")
K1, B = 1.2, 0.7   # MiniSearch's BM25 defaults
RRF_K = 60


def bm25_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class BM25:
    def __init__(self, docs: list[str]):
        self.docs = [Counter(bm25_words(d)) for d in docs]
        self.lengths = [sum(c.values()) for c in self.docs]
        self.avg = sum(self.lengths) / len(docs)
        df = Counter(w for c in self.docs for w in c)
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}

    def scores(self, query: str) -> list[float]:
        q = set(bm25_words(query))
        out = []
        for c, length in zip(self.docs, self.lengths):
            s = 0.0
            for w in q:
                tf = c.get(w, 0)
                if tf:
                    s += self.idf[w] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.avg))
            out.append(s)
        return out


def expected_hit(scores: list[float], target: int, k: int) -> float:
    """Probability that `target` is in the top k when ties are broken at random."""
    s = scores[target]
    above = sum(1 for x in scores if x > s)
    tied = sum(1 for x in scores if x == s)   # includes target
    if above >= k:
        return 0.0
    return min(1.0, (k - above) / tied)


def rrf(*score_lists: list[float]) -> list[float]:
    """Reciprocal rank fusion of several scorings of the same passages."""
    fused = [0.0] * len(score_lists[0])
    for scores in score_lists:
        # Tied passages share their mean rank, so the listing order decides nothing.
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        start = 0
        while start < len(order):
            end = start
            while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
                end += 1
            rank = (start + end) / 2 + 1
            for i in order[start:end + 1]:
                fused[i] += 1.0 / (RRF_K + rank)
            start = end + 1
    return fused


def accuracy(all_scores: list[list[float]], targets: list[int]) -> dict[str, float]:
    n = len(targets)
    return {
        "n": n,
        "hit@1": round(sum(expected_hit(s, t, 1) for s, t in zip(all_scores, targets)) / n, 4),
        "hit@3": round(sum(expected_hit(s, t, 3) for s, t in zip(all_scores, targets)) / n, 4),
    }
