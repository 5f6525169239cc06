"""The synthetic retrieval corpus: facts (a passage in several phrasings plus the questions it
answers), the held-out split, and a deterministic sampler of training pairs.

Held out, chosen by a hash of the item (never by Python's salted `hash`):
- whole facts (10%, never the workshop's): no phrasing of them is trained on, they are documents
  the model has never seen;
- single questions of trained facts (20%): the fact is trained with other questions, and the
  question's template is trained with other facts, so this measures paraphrase generalisation.

Training pairs, drawn from the trained part only:
- question -> passage (any phrasing of the fact),
- passage <-> passage (two phrasings of one fact) and question <-> question,
- question -> chunk: the passage among one to seven other facts' passages, as a document chunk.
"""
from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass

from facts_templates import relations
from facts_written import ALL_WRITTEN

HELD_OUT_FACT_PERCENT = 10
HELD_OUT_QUESTION_PERCENT = 20
NEVER_HELD_OUT_WHOLE = {"workshop"}
# How many other facts' passages share a chunk with the answer: mostly a few, up to seven, so
# chunks reach about 240 tokens and every position the app's chunks use gets trained.
CHUNK_OTHERS = (1, 1, 2, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True)
class Fact:
    id: str
    family: str
    passages: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Pair:
    """An anchor and its positive; `positive_facts` lists every fact the positive text states, so
    in-batch negatives that state the anchor's fact are not counted as negatives."""
    anchor: str
    positive: str
    anchor_fact: str
    positive_facts: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Corpus:
    facts: list[Fact]
    train_facts: list[Fact]
    train_questions: dict[str, list[str]]   # fact id -> trained questions
    held_out_questions: list[tuple[str, str]]   # (question, fact id), trained facts
    held_out_fact_questions: list[tuple[str, str]]   # (question, fact id), facts never trained


def _bucket(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:4], "big") % 100


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def build_facts() -> list[Fact]:
    facts: list[Fact] = []
    for family, entries in ALL_WRITTEN.items():
        for fid, passages, questions in entries:
            facts.append(Fact(f"{family}:{fid}", family, tuple(passages), tuple(questions)))
    for family, rows, passage_templates, question_templates in relations():
        for row in rows:
            facts.append(Fact(
                f"{family}:{row['id']}", family,
                tuple(_sentence(t.format(**row)) for t in passage_templates),
                tuple(_sentence(t.format(**row)) for t in question_templates)))
    ids = [f.id for f in facts]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate fact id")
    # A question asked of several facts ("Which country uses the euro?") has no single answer.
    asked = Counter(q.lower() for f in facts for q in set(f.questions))
    return [Fact(f.id, f.family, f.passages, tuple(q for q in f.questions if asked[q.lower()] == 1)) for f in facts]


def build_corpus() -> Corpus:
    facts = build_facts()
    train_facts, held_fact_q, held_q = [], [], []
    train_questions: dict[str, list[str]] = {}
    for fact in facts:
        if fact.family not in NEVER_HELD_OUT_WHOLE and _bucket("fact", fact.id) < HELD_OUT_FACT_PERCENT:
            held_fact_q += [(q, fact.id) for q in fact.questions]
            continue
        train_facts.append(fact)
        kept = []
        for i, q in enumerate(fact.questions):
            if _bucket("question", fact.id, str(i)) < HELD_OUT_QUESTION_PERCENT:
                held_q.append((q, fact.id))
            else:
                kept.append(q)
        if not kept:  # every fact keeps at least one trained question
            kept.append(held_q.pop()[0])
        train_questions[fact.id] = kept
    return Corpus(facts, train_facts, train_questions, held_q, held_fact_q)


class PairSampler:
    """Batches of training pairs. Half of each batch comes from one family (same relation, other
    subjects: the hard negatives that teach the model to read the subject), half from anywhere;
    no fact appears twice as an anchor in one batch."""

    KINDS = (("question", 0.6), ("chunk", 0.15), ("paraphrase", 0.15), ("question-pair", 0.1))

    def __init__(self, corpus: Corpus, seed: int):
        self.corpus = corpus
        self.rng = random.Random(seed)
        self.by_family: dict[str, list[Fact]] = {}
        for f in corpus.train_facts:
            self.by_family.setdefault(f.family, []).append(f)
        self.families = sorted(self.by_family)

    def batch(self, size: int) -> list[Pair]:
        family = self.by_family[self.rng.choice(self.families)]
        chosen = self.rng.sample(family, min(len(family), size // 2))
        seen = {f.id for f in chosen}
        while len(chosen) < size:
            f = self.rng.choice(self.corpus.train_facts)
            if f.id not in seen:
                seen.add(f.id)
                chosen.append(f)
        return [self._pair(f) for f in chosen]

    def _kind(self) -> str:
        x, acc = self.rng.random(), 0.0
        for kind, weight in self.KINDS:
            acc += weight
            if x < acc:
                return kind
        return self.KINDS[-1][0]

    def _pair(self, fact: Fact) -> Pair:
        questions = self.corpus.train_questions[fact.id]
        kind = self._kind()
        if kind == "paraphrase" and len(fact.passages) > 1:
            a, b = self.rng.sample(fact.passages, 2)
            return Pair(a, b, fact.id, (fact.id,), kind)
        if kind == "question-pair" and len(questions) > 1:
            a, b = self.rng.sample(questions, 2)
            return Pair(a, b, fact.id, (fact.id,), kind)
        question = self.rng.choice(questions)
        passage = self.rng.choice(fact.passages)
        if kind == "chunk":
            others = self.rng.sample(self.corpus.train_facts, self.rng.choice(CHUNK_OTHERS))
            others = [o for o in others if o.id != fact.id]
            parts = [(passage, fact.id)] + [(self.rng.choice(o.passages), o.id) for o in others]
            self.rng.shuffle(parts)
            return Pair(question, " ".join(p for p, _ in parts), fact.id, tuple(i for _, i in parts), kind)
        return Pair(question, passage, fact.id, (fact.id,), "question")
