"""Training and exact-match evaluation of a Pocket Chat model."""
from __future__ import annotations

import math
import random
import time
from collections import defaultdict

import torch

from bpe import ByteLevelBPE
from chat_format import END, encode_for_training, prompt_ids
from corpus import Item, Message
from llama import LlamaConfig, LlamaForCausalLM, batched_greedy

IGNORE = -100


def make_examples(tok: ByteLevelBPE, conversations: list[list[Message]], max_len: int
                  ) -> list[tuple[list[int], list[int]]]:
    """(input ids, labels) pairs; labels are the next token where it is trained, else IGNORE."""
    examples = []
    for conv in conversations:
        ids, trained = encode_for_training(tok, conv)
        if len(ids) > max_len:
            continue
        labels = [ids[i + 1] if trained[i + 1] else IGNORE for i in range(len(ids) - 1)] + [IGNORE]
        examples.append((ids, labels))
    return examples


def _batch(examples: list[tuple[list[int], list[int]]], pad_id: int):
    width = max(len(ids) for ids, _ in examples)
    b = len(examples)
    ids = torch.full((b, width), pad_id, dtype=torch.long)
    labels = torch.full((b, width), IGNORE, dtype=torch.long)
    mask = torch.zeros((b, width), dtype=torch.long)
    for i, (x, y) in enumerate(examples):
        ids[i, :len(x)] = torch.tensor(x)
        labels[i, :len(y)] = torch.tensor(y)
        mask[i, :len(x)] = 1
    pos = torch.arange(width)[None, :].expand(b, width)
    return ids, mask, pos, labels


def train(cfg: LlamaConfig, examples: list[tuple[list[int], list[int]]], *, steps: int,
          batch_size: int, lr: float, seed: int, pad_id: int, log_every: int = 200) -> LlamaForCausalLM:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = LlamaForCausalLM(cfg)
    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                             {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.95))
    warmup = max(1, steps // 50)

    def lr_at(step: int) -> float:
        if step < warmup:
            return lr * (step + 1) / warmup
        progress = (step - warmup) / max(1, steps - warmup)
        return lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))

    # Length-sorted buckets keep padding low; the bucket order is shuffled every epoch.
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    buckets = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    queue: list[list[int]] = []
    start = time.time()
    running = 0.0
    model.train()
    for step in range(steps):
        if not queue:
            queue = buckets[:]
            rng.shuffle(queue)
        ids, mask, pos, labels = _batch([examples[i] for i in queue.pop()], pad_id)
        for group in opt.param_groups:
            group["lr"] = lr_at(step)
        logits, _ = model(ids, mask, pos)
        loss = torch.nn.functional.cross_entropy(logits.view(-1, cfg.vocab_size), labels.view(-1),
                                                 ignore_index=IGNORE)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running = 0.98 * running + 0.02 * float(loss) if step else float(loss)
        if (step + 1) % log_every == 0 or step == steps - 1:
            print(f"  step {step + 1}/{steps} loss {running:.4f} lr {lr_at(step):.2e} "
                  f"{time.time() - start:.0f}s", flush=True)
    model.eval()
    return model


def greedy_answers(model: LlamaForCausalLM, tok: ByteLevelBPE, items: list[Item], max_new_tokens: int = 96,
                   batch_size: int = 64) -> list[str | None]:
    """Greedy single-turn answer to each item (its system message included), decoded; None where
    the answer did not end with <|end|> within max_new_tokens."""
    end_id = tok.vocab[END]
    answers: list[str | None] = []
    for start in range(0, len(items), batch_size):
        chunk = items[start:start + batch_size]
        prompts = [prompt_ids(tok, it.messages()) for it in chunk]
        outs = batched_greedy(model, prompts, {end_id}, max_new_tokens, pad_id=end_id)
        answers += [tok.decode(out[:-1]) if out and out[-1] == end_id else None for out in outs]
    return answers


def evaluate(model: LlamaForCausalLM, tok: ByteLevelBPE, items: list[Item], max_new_tokens: int = 96,
             batch_size: int = 64, answers: list[str | None] | None = None) -> dict[str, dict[str, float]]:
    """Exact-match accuracy of greedy single-turn answers, per family and overall. Pass `answers`
    (from greedy_answers) to score answers already generated."""
    if answers is None:
        answers = greedy_answers(model, tok, items, max_new_tokens, batch_size)
    correct: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    failures: list[tuple[str, str, str | None]] = []
    for it, got in zip(items, answers):
        ok = got == it.answer
        total[it.family] += 1
        correct[it.family] += ok
        if not ok:
            failures.append((it.prompt, it.answer, got))
    report: dict[str, dict[str, float]] = {
        fam: {"correct": correct[fam], "total": total[fam], "accuracy": correct[fam] / total[fam]}
        for fam in sorted(total)
    }
    n = sum(total.values())
    report["all"] = {"correct": sum(correct.values()), "total": n, "accuracy": sum(correct.values()) / n}
    for prompt, want, got in failures[:8]:
        print(f"    miss: {prompt!r} -> {got!r} (want {want!r})")
    return report
