"""Contrastive training of the encoder: InfoNCE with in-batch negatives, in both directions
(anchor -> positive and positive -> anchor), on the pairs `pairs.PairSampler` draws."""
from __future__ import annotations

import math
import time

import torch

from bert import BertConfig, BertModel, mean_pool_normalize
from pairs import Corpus, PairSampler
from wordpiece import PAD, WordPiece

# Cosine similarities live in [-1, 1]; a temperature of 0.05 spreads them enough for softmax.
SCALE = 20.0


class Encoder:
    """Texts -> padded id tensors, with a cache (the corpus repeats its sentences)."""

    def __init__(self, tok: WordPiece, max_length: int):
        self.tok, self.max_length = tok, max_length
        self.pad = tok.vocab[PAD]
        self.cache: dict[str, list[int]] = {}

    def ids(self, text: str) -> list[int]:
        if text not in self.cache:
            self.cache[text] = self.tok.encode(text, self.max_length)
        return self.cache[text]

    def batch(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        rows = [self.ids(t) for t in texts]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
            mask[i, :len(r)] = 1
        return ids, mask, torch.zeros_like(ids)


def pooled(model: BertModel, enc: Encoder, texts: list[str], group: int = 16) -> torch.Tensor:
    """Pooled, normalised vectors with gradients, run in groups of similar length: a batch padded
    to its longest chunk would spend most of its time on padding."""
    order = sorted(range(len(texts)), key=lambda i: len(enc.ids(texts[i])))
    parts = []
    for start in range(0, len(order), group):
        ids, mask, types = enc.batch([texts[i] for i in order[start:start + group]])
        parts.append(mean_pool_normalize(model(ids, mask, types), mask))
    inverse = torch.empty(len(order), dtype=torch.long)
    inverse[torch.tensor(order)] = torch.arange(len(order))
    return torch.cat(parts)[inverse]


def embed(model: BertModel, enc: Encoder, texts: list[str], batch_size: int = 128) -> torch.Tensor:
    """Pooled, normalised vectors; batches sorted by length so little is padded."""
    order = sorted(range(len(texts)), key=lambda i: len(enc.ids(texts[i])))
    out = torch.empty(len(texts), model.cfg.hidden_size)
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            ids, mask, types = enc.batch([texts[i] for i in idx])
            out[idx] = mean_pool_normalize(model(ids, mask, types), mask)
    return out


def train(cfg: BertConfig, corpus: Corpus, enc: Encoder, *, steps: int, batch_size: int, lr: float,
          seed: int, log_every: int = 100) -> BertModel:
    torch.manual_seed(seed)
    sampler = PairSampler(corpus, seed)
    model = BertModel(cfg)
    decay = [p for n, p in model.named_parameters() if p.dim() == 2 and "embeddings" not in n]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2 or "embeddings" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                             {"params": no_decay, "weight_decay": 0.0}], lr=lr)
    warmup = max(1, steps // 20)

    def lr_at(step: int) -> float:
        if step < warmup:
            return lr * (step + 1) / warmup
        return lr * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    start, running = time.time(), 0.0
    model.train()
    for step in range(steps):
        pairs = sampler.batch(batch_size)
        a = pooled(model, enc, [p.anchor for p in pairs])
        p = pooled(model, enc, [p.positive for p in pairs])
        # A positive that also states anchor i's fact (a chunk holding it) is no negative for i.
        same = torch.tensor([[i != j and x.anchor_fact in y.positive_facts for j, y in enumerate(pairs)]
                             for i, x in enumerate(pairs)])
        sim = a @ p.T * SCALE
        target = torch.arange(len(pairs))
        loss = 0.5 * (torch.nn.functional.cross_entropy(sim.masked_fill(same, float("-inf")), target)
                      + torch.nn.functional.cross_entropy(sim.T.masked_fill(same.T, float("-inf")), target))
        for group in opt.param_groups:
            group["lr"] = lr_at(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running = 0.98 * running + 0.02 * float(loss) if step else float(loss)
        if (step + 1) % log_every == 0 or step == steps - 1:
            print(f"  step {step + 1}/{steps} loss {running:.4f} lr {lr_at(step):.2e} {time.time() - start:.0f}s",
                  flush=True)
    model.eval()
    return model
