"""The retrieval sets and their report: hit@1 and hit@3 of BM25, of the embedding model per dtype,
and of both fused (RRF).

Two pools, each holding every fact (trained or not, so held-out facts compete with everything the
model has seen):
- passages: the first passage of every fact, one per entry;
- chunks: the same passages shuffled into chunks of CHUNK_FACTS, as a document's chunks look;
  the right answer is the chunk that holds the fact.
"""
from __future__ import annotations

import random
from collections import defaultdict

from bert import BertModel
from pairs import Corpus
from retrieval_eval import BM25, accuracy, rrf
from train import Encoder, embed

TRAINED_SAMPLE = 300
CHUNK_FACTS = 6
CHUNK_SEED = 7


def _splits(corpus: Corpus, where: dict[str, int]) -> dict[str, list[dict]]:
    family = {f.id: f.family for f in corpus.facts}

    def rows(pairs: list[tuple[str, str]]) -> list[dict]:
        return [{"query": q, "target": where[fid], "family": family[fid]} for q, fid in pairs]

    trained = [(q, fid) for fid, qs in corpus.train_questions.items() for q in qs]
    step = max(1, len(trained) // TRAINED_SAMPLE)
    workshop = [(q, f.id) for f in corpus.facts if f.family == "workshop" for q in f.questions]
    return {
        "held_out_questions": rows(corpus.held_out_questions),
        "held_out_facts": rows(corpus.held_out_fact_questions),
        "workshop_all_questions": rows(workshop),
        "trained_questions_sample": rows(trained[::step][:TRAINED_SAMPLE]),
    }


def retrieval_set(corpus: Corpus) -> dict:
    passages = [{"text": f.passages[0], "facts": [f.id]} for f in corpus.facts]
    shuffled = corpus.facts[:]
    random.Random(CHUNK_SEED).shuffle(shuffled)
    groups = [shuffled[i:i + CHUNK_FACTS] for i in range(0, len(shuffled), CHUNK_FACTS)]
    chunks = [{"text": " ".join(f.passages[0] for f in g), "facts": [f.id for f in g]} for g in groups]
    return {
        name: {"pool": pool, "splits": _splits(corpus, {fid: i for i, p in enumerate(pool) for fid in p["facts"]})}
        for name, pool in (("passages", passages), ("chunks", chunks))
    }


def _by_family(scores: list[list[float]], rows: list[dict]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[r["family"]].append(i)
    return {fam: accuracy([scores[i] for i in idx], [rows[i]["target"] for i in idx])
            for fam, idx in sorted(groups.items())}


def _set_report(rset: dict, models: dict[str, BertModel], enc: Encoder) -> dict:
    pool = [p["text"] for p in rset["pool"]]
    bm25 = BM25(pool)
    pool_vectors = {dtype: embed(m, enc, pool) for dtype, m in models.items()}
    out = {}
    for split, rows in rset["splits"].items():
        queries = [r["query"] for r in rows]
        targets = [r["target"] for r in rows]
        lexical = [bm25.scores(q) for q in queries]
        entry = {"bm25": accuracy(lexical, targets)}
        for dtype, m in models.items():
            semantic: list[list[float]] = (embed(m, enc, queries) @ pool_vectors[dtype].T).tolist()
            entry[f"embedding_{dtype}"] = accuracy(semantic, targets)
            entry[f"fused_{dtype}"] = accuracy([rrf(s, b) for s, b in zip(semantic, lexical)], targets)
            if dtype == "fp32" and split.startswith("held_out"):
                entry["by_family"] = {"bm25": _by_family(lexical, rows), "embedding_fp32": _by_family(semantic, rows)}
        out[split] = entry
    return out


def retrieval_report(sets: dict, models: dict[str, BertModel], enc: Encoder) -> dict:
    return {name: _set_report(rset, models, enc) for name, rset in sets.items()}
