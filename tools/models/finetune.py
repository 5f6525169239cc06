"""Fine-tune the committed Pocket Chat models on the grounded family (answers from numbered
passages with citations), mixed with the original corpus so the old abilities stay.

    /usr/bin/python3 tools/models/finetune.py                       # both models
    /usr/bin/python3 tools/models/finetune.py --only pocket-chat-1m
    /usr/bin/python3 tools/models/finetune.py --quick /tmp/ft        # smoke run, writes under DIR
    /usr/bin/python3 tools/models/finetune.py --only pocket-chat-1m --continue-from PT --report-suffix=-grounded-app

Starts from the weights in public/models/<id>/onnx/model.onnx (read back with golden.py's reader)
and first checks that they reproduce the committed fp32 golden tokens in PyTorch. Writes the
fine-tuned weights as a PyTorch state dict to tools/models/.cache/finetuned/<id>.pt (not
committed: the ONNX export and the goldens are made from it separately) and the report to
tools/models/reports/<id>-grounded.json (or <id><suffix>.json for a further round). Seeded, torch
on 2 threads (one until --more-threads-when's file exists), a number of steps or a time box,
whichever ends first; see tools/models/README.md.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import random
import re
import sys
import time
from dataclasses import dataclass

# Idle OpenMP threads must sleep, not spin: on a shared 2-core machine spinning threads fight the
# other processes and a training step took 10x longer. Only scheduling changes, not the numbers.
# Set before torch loads its OpenMP runtime.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bpe import ByteLevelBPE  # noqa: E402
from build import CORPUS_SEED, FIXED_FAMILIES, MODELS_DIR, N_CONVERSATIONS, SPECS, THREADS  # noqa: E402
from chat_format import END, END_OF_TEXT, encode_for_training  # noqa: E402
from corpus import Item, build_corpus, build_grounded, dense_copy_items, mined_copy_items  # noqa: E402
from golden import load_reference  # noqa: E402
from grounded import DEFAULT_KINDS, NO_ANSWER, mined_kinds, mined_maker  # noqa: E402
from mined import held_out_sentence, mine  # noqa: E402
from llama import LlamaForCausalLM, greedy_generate  # noqa: E402
from train import IGNORE, evaluate, greedy_answers, make_examples  # noqa: E402

CONTEXT = 512
GROUNDED_CONVERSATIONS = 8000
GROUNDED_TRAIN_EVAL = 200
GROUNDED_HELD_OUT = 300
COPY_ITEMS = 30000
MINED_COPY_ITEMS = 15000  # repeat-after-me over mined real sentences (--mined)
MINED_HELD_OUT = 200  # grounded items over held-out mined sentences only
MARK = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class FinetuneSpec:
    id: str
    steps: int
    lr: float
    seed: int
    tokens_per_batch: int  # padded tokens (batch size x longest sequence) per step
    warmup: int = 15  # steps (at most a tenth of the run)
    # (until this fraction of the steps, share of steps per source: grounded, copy, old corpus).
    # Copying made-up text comes first: the models could not copy text they had never seen, and
    # short copy examples teach it with far more trained tokens per step than grounded ones.
    phases: tuple[tuple[float, tuple[float, ...]], ...] = (
        (0.4, (0.15, 0.0, 0.60, 0.25)),
        (1.0, (0.60, 0.0, 0.15, 0.25)),
    )


FINETUNES = {
    "pocket-chat-1m": FinetuneSpec("pocket-chat-1m", steps=1800, lr=2e-3, seed=21, tokens_per_batch=3072),
    # The 3M run ends with a consolidation phase (half the steps on the original corpus), after the
    # 1M run showed its old instruction answers slipping.
    "pocket-chat-3m": FinetuneSpec("pocket-chat-3m", steps=850, lr=1.2e-3, seed=22, tokens_per_batch=3072, phases=(
        (0.35, (0.15, 0.0, 0.60, 0.25)),
        (0.85, (0.60, 0.0, 0.15, 0.25)),
        (1.0, (0.40, 0.0, 0.10, 0.50)),
    )),
}
# A further round from a fine-tuned state dict (copying is there already, so no copy-first phase)
# on the app's exact layout: single-passage prompts first, then one to four passages, and a
# closing stretch weighted to the original corpus so its answers come back.
CONTINUED = {
    model_id: FinetuneSpec(model_id, steps=12000, lr=8e-4, seed=41 + i, tokens_per_batch=3072, warmup=200, phases=(
        (0.2, (0.15, 0.45, 0.15, 0.25)),
        (0.8, (0.40, 0.20, 0.10, 0.30)),
        (1.0, (0.25, 0.10, 0.05, 0.60)),
    )) for i, model_id in enumerate(FINETUNES)
}
# One run from the committed weights with everything at once (--schedule one-run): a copy-first
# stretch (the committed models cannot copy), then the grounded families, with the original corpus
# throughout and more of it at the end. Earlier rounds went there in three or four runs (1,800 steps
# of FINETUNES, 10,653 of the app layout, 11,958 mined); the time box sets the length here.
ONE_RUN = {
    model_id: FinetuneSpec(model_id, steps=20000, lr=1.5e-3, seed=61 + i, tokens_per_batch=3072, warmup=200, phases=(
        (0.15, (0.10, 0.20, 0.50, 0.20)),
        (0.85, (0.40, 0.15, 0.25, 0.20)),
        (1.0, (0.40, 0.05, 0.15, 0.40)),
    )) for i, model_id in enumerate(FINETUNES)
}
# Sources of a step's batch: grounded (one to four passages), grounded1 (one passage), copy, old corpus.
SOURCES = ("grounded", "grounded1", "copy", "old")


def token_batches(examples: list[tuple[list[int], list[int]]], budget: int) -> list[list[int]]:
    """Length-sorted batches whose padded size stays within `budget` tokens."""
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        width = len(examples[i][0])  # sorted, so the newest is the longest
        if current and width * (len(current) + 1) > budget:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def collate(examples: list[tuple[list[int], list[int]]], pad_id: int):
    width = max(len(ids) for ids, _ in examples)
    b = len(examples)
    ids = torch.full((b, width), pad_id, dtype=torch.long)
    labels = torch.full((b, width), IGNORE, dtype=torch.long)
    mask = torch.zeros((b, width), dtype=torch.long)
    for i, (x, y) in enumerate(examples):
        ids[i, :len(x)] = torch.tensor(x)
        labels[i, :len(y)] = torch.tensor(y)
        mask[i, :len(x)] = 1
    return ids, mask, torch.arange(width)[None, :].expand(b, width), labels


class BatchStream:
    """Cycles through shuffled batches; reshuffles at every pass."""

    def __init__(self, examples: list[tuple[list[int], list[int]]], budget: int, rng: random.Random):
        self.examples = examples
        self.batches = token_batches(examples, budget)
        self.rng = rng
        self.queue: list[list[int]] = []

    def next(self) -> list[tuple[list[int], list[int]]]:
        if not self.queue:
            self.queue = self.batches[:]
            self.rng.shuffle(self.queue)
        return [self.examples[i] for i in self.queue.pop()]


def finetune(model: LlamaForCausalLM, spec: FinetuneSpec, streams: dict[str, BatchStream],
             pad_id: int, steps: int, max_seconds: float, log_every: int = 50,
             more_threads_when: str | None = None, checkpoint: str | None = None, keep_checkpoints: bool = False) -> dict:
    """AdamW from a fresh state, short warmup, cosine to 5% of the peak rate; each step takes one
    batch from a source drawn with the spec's mix. The schedule (rate and phases) follows the
    steps or the time box, whichever is further along, so a run cut short by time still anneals
    and ends in its last phase. With `more_threads_when`, torch runs on one thread until that file
    exists, then on THREADS (the machine is shared). `checkpoint` gets the weights every 1000 steps
    (with `keep_checkpoints` each under its own name, `<checkpoint>.step<N>.pt`, so a better
    earlier one is not overwritten)."""
    torch.manual_seed(spec.seed)
    pick = random.Random(spec.seed + 1)
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=spec.lr, betas=(0.9, 0.95))
    warmup = min(spec.warmup, max(1, steps // 10))

    def lr_at(step: int, progress: float) -> float:
        if step < warmup:
            return spec.lr * (step + 1) / warmup
        return spec.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))

    model.train()
    start = time.time()
    running = {source: 0.0 for source in SOURCES}
    tokens = 0
    done = 0
    threads_raised = more_threads_when is None
    if not threads_raised:
        torch.set_num_threads(1)
    progress = 0.0
    for step in range(steps):
        if not threads_raised and step % 50 == 0 and os.path.exists(more_threads_when):
            torch.set_num_threads(THREADS)
            threads_raised = True
            print(f"  step {step}: now on {THREADS} threads", flush=True)
        progress = max(step / steps, (time.time() - start) / max_seconds)
        if progress >= 1.0:
            print(f"  time box reached after {step} steps", flush=True)
            break
        mix = next(m for until, m in spec.phases if progress < until or until >= 1.0)
        source = pick.choices(SOURCES, weights=mix)[0]
        ids, mask, pos, labels = collate(streams[source].next(), pad_id)
        tokens += int(mask.sum())
        for group in opt.param_groups:
            group["lr"] = lr_at(step, progress)
        logits, _ = model(ids, mask, pos)
        loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=IGNORE)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running[source] = 0.9 * running[source] + 0.1 * float(loss) if running[source] else float(loss)
        done = step + 1
        if done % log_every == 0 or done == steps:
            losses = " ".join(f"{k} {v:.4f}" for k, v in running.items())
            print(f"  step {done}/{steps} loss {losses} lr {lr_at(step, progress):.2e} {time.time() - start:.0f}s", flush=True)
        if checkpoint and done % 1000 == 0:
            torch.save(model.state_dict(), f"{checkpoint}.step{done}.pt" if keep_checkpoints else checkpoint)
    model.eval()
    return {"steps_done": done, "seconds": round(time.time() - start), "tokens": tokens,
            "schedule_progress_at_end": round(progress, 3),
            "final_loss": {k: round(v, 4) for k, v in running.items()}}


def check_golden(model: LlamaForCausalLM, golden_path: str) -> int:
    """Greedy fp32 tokens of every golden prompt; raises unless all equal the committed goldens."""
    with open(golden_path, encoding="utf-8") as f:
        golden = json.load(f)
    eos = set(golden["eos_token_ids"])
    for case in golden["cases"]:
        out, _ = greedy_generate(model, case["input_ids"], eos, golden["max_new_tokens"])
        if out != case["output_ids"]["fp32"]:
            raise RuntimeError(f"{golden_path}: weights read back from ONNX do not reproduce the golden for "
                               f"{case['messages'][-1]['content']!r}")
    return len(golden["cases"])


def grounded_scores(items: list[Item], answers: list[str | None]) -> dict:
    """Exact match, citation correctness and refusals, for answerable and unanswerable items."""
    def marks(text: str | None) -> list[int]:
        return [int(m) for m in MARK.findall(text or "")]

    answerable = [(it, a) for it, a in zip(items, answers) if it.answer != NO_ANSWER]
    unanswerable = [(it, a) for it, a in zip(items, answers) if it.answer == NO_ANSWER]

    def ratio(n: int, total: int) -> dict:
        return {"correct": n, "total": total, "accuracy": n / total if total else None}

    return {
        "exact": ratio(sum(a == it.answer for it, a in zip(items, answers)), len(items)),
        "answerable_exact": ratio(sum(a == it.answer for it, a in answerable), len(answerable)),
        # The answer cites exactly the passage the fact is in (whatever else it says).
        "citation_correct": ratio(sum(marks(a) == marks(it.answer) for it, a in answerable), len(answerable)),
        "unanswerable_refused": ratio(sum(a == NO_ANSWER for _, a in unanswerable), len(unanswerable)),
        # Said "The context does not say." although the answer was there.
        "false_refusals": ratio(sum(a == NO_ANSWER for _, a in answerable), len(answerable)),
    }


def evaluate_grounded(model: LlamaForCausalLM, tok: ByteLevelBPE, items: list[Item]) -> tuple[dict, list[dict]]:
    order = sorted(range(len(items)), key=lambda i: len(items[i].prompt))  # less left padding
    sorted_items = [items[i] for i in order]
    answers = greedy_answers(model, tok, sorted_items, max_new_tokens=80, batch_size=32)
    samples = [{"question": it.prompt.rsplit("Question: ", 1)[-1], "want": it.answer, "got": a}
               for it, a in zip(sorted_items, answers)]
    return grounded_scores(sorted_items, answers), samples


def old_evaluation_sets(corpus) -> tuple[list[Item], list[Item]]:
    """The same sets build.py reports on: every fixed answer plus 700 sampled items; the held out."""
    eval_rng = random.Random(CORPUS_SEED)
    fixed = [i for i in corpus.train_items if i.family in FIXED_FAMILIES]
    others = [i for i in corpus.train_items if i.family not in FIXED_FAMILIES]
    return fixed + eval_rng.sample(others, 700), corpus.held_out_items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(FINETUNES), help="fine-tune a single model")
    parser.add_argument("--steps", type=int, help="override the number of steps (the schedule follows)")
    parser.add_argument("--max-minutes", type=float, default=60.0, help="stop training after this long")
    parser.add_argument("--quick", metavar="DIR", help="smoke run: 6 steps, small evaluation, output under DIR")
    parser.add_argument("--continue-from", metavar="PT",
                        help="start from a fine-tuned state dict (e.g. .cache/finetuned/<id>.pt) instead of "
                             "the committed ONNX weights; needs --only; its report gets a -continued suffix")
    parser.add_argument("--lr", type=float, help="override the peak learning rate")
    parser.add_argument("--warmup", type=int, help="override the warmup steps")
    parser.add_argument("--more-threads-when", metavar="FILE",
                        help="train on one thread until FILE exists, then on two (a shared machine)")
    parser.add_argument("--report-suffix",
                        help="suffix of the report name (default -grounded, or -grounded-continued with --continue-from)")
    parser.add_argument("--schedule", choices=("default", "one-run"), default="default",
                        help="one-run: ONE_RUN's phases (copy first, then grounded) for a single long run")
    parser.add_argument("--dense-copy", type=int, default=0, metavar="N",
                        help="with --mined: N long repeat-after-me items over mined text (corpus.dense_copy_items)")
    parser.add_argument("--grounded-conversations", type=int, default=GROUNDED_CONVERSATIONS,
                        help="grounded training conversations (the one-passage stream gets half)")
    parser.add_argument("--keep-checkpoints", action="store_true",
                        help="keep every 1000-step checkpoint under its own name")
    parser.add_argument("--mined", action="store_true",
                        help="add mined real-English definitions (mined.py) to the grounded and copy families, "
                             "and report on held-out mined sentences and on the previous rounds' held-out set")
    parser.add_argument("--weights-name", help="file name of the weights under .cache/finetuned (default <id>.pt)")
    args = parser.parse_args()
    if args.continue_from and not args.only:
        parser.error("--continue-from needs --only <id>")
    if args.dense_copy and not args.mined:
        parser.error("--dense-copy needs --mined")
    # One thread while the machine is shared (see --more-threads-when); finetune() raises it.
    torch.set_num_threads(1 if args.more_threads_when and not os.path.exists(args.more_threads_when) else THREADS)
    reports_dir = os.path.join(args.quick or HERE, "reports")
    weights_dir = os.path.join(args.quick or os.path.join(HERE, ".cache"), "finetuned")
    os.makedirs(reports_dir, exist_ok=True)
    os.makedirs(weights_dir, exist_ok=True)

    tok = ByteLevelBPE.from_tokenizer_json(os.path.join(MODELS_DIR, SPECS[0].id, "tokenizer.json"))
    pad_id = tok.vocab[END]
    eos = {tok.vocab[END], tok.vocab[END_OF_TEXT]}
    fits = lambda messages: len(encode_for_training(tok, messages)[0]) <= CONTEXT  # noqa: E731
    count = lambda text: len(tok.encode(text))  # noqa: E731
    corpus = build_corpus(CORPUS_SEED, N_CONVERSATIONS)
    kinds = DEFAULT_KINDS
    extra_held: dict[str, list[Item]] = {}
    mined_copy: list[Item] = []
    mined_copy_held: list[Item] = []
    dense_copy_held: list[Item] = []
    if args.mined:
        definitions = mine()
        train_defs = [d for d in definitions if not held_out_sentence(d)]
        held_defs = [d for d in definitions if held_out_sentence(d)]
        print(f"mined: {len(train_defs)} training sentences, {len(held_defs)} held out", flush=True)
        kinds = mined_kinds(train_defs)
        mined_copy = mined_copy_items([d.sentence for d in train_defs], CORPUS_SEED, MINED_COPY_ITEMS)
        mined_copy_held = mined_copy_items([d.sentence for d in held_defs], CORPUS_SEED + 1, 100)
        if args.dense_copy:
            split = lambda text: [tok.decode([i]) for i in tok.encode(text)]  # noqa: E731
            mined_copy += dense_copy_items([d.sentence for d in train_defs], split, CORPUS_SEED, args.dense_copy)
            dense_copy_held = dense_copy_items([d.sentence for d in held_defs], split, CORPUS_SEED + 1, 100)
        # Questions over sentences never trained on (every item, not a hashed tenth).
        extra_held["mined_held_out"] = build_grounded(CORPUS_SEED, MINED_HELD_OUT, count, 0, 0, fits=fits, stream=2,
                                                      kinds={"mined": (mined_maker(held_defs), 1.0)}).train_items[:MINED_HELD_OUT]
        # The previous rounds' held-out set: the default kinds' stream, as the plain-English round drew it.
        extra_held["previous_held_out"] = build_grounded(CORPUS_SEED, GROUNDED_CONVERSATIONS, count, GROUNDED_HELD_OUT, 0,
                                                         fits=fits).held_out_items
    grounded = build_grounded(CORPUS_SEED, args.grounded_conversations, count, GROUNDED_HELD_OUT, COPY_ITEMS, fits=fits, kinds=kinds)
    # The curriculum's easy stage: one passage per prompt, from its own random stream.
    grounded1 = build_grounded(CORPUS_SEED, args.grounded_conversations // 2, count, 0, 0, fits=fits, n_passages=1, stream=1,
                               kinds=kinds)
    old_train_eval, old_held_eval = old_evaluation_sets(corpus)
    grounded_train_eval = random.Random(CORPUS_SEED).sample(grounded.train_items, GROUNDED_TRAIN_EVAL)
    if args.quick:
        old_train_eval, old_held_eval = old_train_eval[:40], old_held_eval[:40]
        grounded.copy_held_out = grounded.copy_held_out[:20]
        grounded_train_eval, grounded.held_out_items = grounded_train_eval[:20], grounded.held_out_items[:20]
        extra_held = {name: items[:20] for name, items in extra_held.items()}
        mined_copy_held = mined_copy_held[:20]
        dense_copy_held = dense_copy_held[:20]
    old_examples = make_examples(tok, corpus.conversations, CONTEXT)
    grounded_examples = make_examples(tok, grounded.conversations, CONTEXT)
    held_keys = {it.key for it in grounded.held_out_items} | {it.key for it in grounded.demo_items}
    grounded1_examples = make_examples(tok, grounded1.conversations, CONTEXT)
    # Its items were split by the same hash, so none of them is a held-out or demo item.
    assert not held_keys & {it.key for it in grounded1.train_items}
    copy_examples = make_examples(tok, [[{"role": "user", "content": it.prompt}, {"role": "assistant", "content": it.answer}]
                                        for it in grounded.copy_items + mined_copy], CONTEXT)
    lengths = [len(ids) for ids, _ in grounded_examples]
    print(f"grounded: {len(grounded_examples)} conversations ({sum(n > 256 for n in lengths)} longer than 256 "
          f"tokens, longest {max(lengths)}), {len(grounded.train_items)} training items, "
          f"{len(grounded.held_out_items)} held out, {grounded.dropped} dropped as too long", flush=True)

    for spec in SPECS:
        if args.only and spec.id != args.only:
            continue
        ft = (ONE_RUN if args.schedule == "one-run" else CONTINUED if args.continue_from else FINETUNES)[spec.id]
        ft = dataclasses.replace(ft, lr=args.lr or ft.lr, warmup=args.warmup or ft.warmup)
        steps = 6 if args.quick else (args.steps if args.steps is not None else ft.steps)
        print(f"== {spec.id}", flush=True)
        if args.continue_from:
            model = LlamaForCausalLM(spec.cfg)
            model.load_state_dict(torch.load(args.continue_from), strict=True)
            start = f"{args.continue_from} (a previous fine-tune)"
        else:
            model = load_reference(spec.cfg, os.path.join(MODELS_DIR, spec.id, "onnx", "model.onnx"))
            checked = check_golden(model, os.path.join(HERE, "golden", f"{spec.id}.json"))
            print(f"  weights read back from ONNX reproduce all {checked} fp32 goldens", flush=True)
            start = f"public/models/{spec.id}/onnx/model.onnx (fp32), checked against {checked} goldens"
        with open(os.path.join(HERE, "reports", f"{spec.id}.json"), encoding="utf-8") as f:
            before = json.load(f)["accuracy"]["fp32"]

        rng = random.Random(ft.seed)
        started = time.time()
        streams = {name: BatchStream(examples, ft.tokens_per_batch, rng) for name, examples in
                   (("grounded", grounded_examples), ("grounded1", grounded1_examples), ("copy", copy_examples),
                    ("old", old_examples))}
        weights = os.path.join(weights_dir, args.weights_name or f"{spec.id}.pt")
        training = finetune(model, ft, streams, pad_id, steps, args.max_minutes * 60,
                            more_threads_when=args.more_threads_when, checkpoint=weights + ".partial",
                            keep_checkpoints=args.keep_checkpoints)
        torch.save(model.state_dict(), weights)

        print("  evaluating ...", flush=True)
        eval_started = time.time()
        old_after = {"train": evaluate(model, tok, old_train_eval), "held_out": evaluate(model, tok, old_held_eval)}
        g_train, _ = evaluate_grounded(model, tok, grounded_train_eval)
        g_held, held_samples = evaluate_grounded(model, tok, grounded.held_out_items)
        g_demo, demo_samples = evaluate_grounded(model, tok, grounded.demo_items)
        copy_held = evaluate(model, tok, grounded.copy_held_out)["copy"]
        g_extra = {name: evaluate_grounded(model, tok, items)[0] for name, items in extra_held.items()}
        if mined_copy_held:
            g_extra["copy_mined_held_out"] = evaluate(model, tok, mined_copy_held)["copy_mined"]
        if dense_copy_held:
            g_extra["copy_dense_held_out"] = evaluate(model, tok, dense_copy_held, max_new_tokens=128)["copy_dense"]
        report = {
            "id": spec.id,
            "start": start,
            "weights": os.path.relpath(weights, os.path.dirname(os.path.dirname(HERE))),
            "finetune": {"steps": steps, "lr": ft.lr, "warmup": ft.warmup, "seed": ft.seed, "tokens_per_batch": ft.tokens_per_batch,
                         "phases": [{"until": u, "mix": dict(zip(SOURCES, m))} for u, m in ft.phases],
                         "max_sequence": CONTEXT, "threads": THREADS,
                         "grounded_conversations": len(grounded_examples),
                         "grounded1_conversations": len(grounded1_examples), "copy_conversations": len(copy_examples),
                         "old_conversations": len(old_examples), "mined": args.mined,
                         "schedule": args.schedule, "dense_copy": args.dense_copy, **training},
            "seconds_total": round(time.time() - started), "seconds_evaluation": round(time.time() - eval_started),
            "accuracy": {
                "old_before": before, "old_after": old_after,
                "grounded": {"train": g_train, "held_out": g_held, "workshop_demo": g_demo, **g_extra},
                "copy_held_out": copy_held,
            },
            "workshop_demo": demo_samples,
            "held_out_misses": [s for s in held_samples if s["got"] != s["want"]][:20],
        }
        suffix = args.report_suffix or ("-grounded-continued" if args.continue_from else "-grounded")
        with open(os.path.join(reports_dir, f"{spec.id}{suffix}.json"), "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(f"  copy held out {copy_held['accuracy']:.3f}; grounded held out {g_held['exact']['accuracy']:.3f}, citations "
              f"{g_held['citation_correct']['accuracy']:.3f}, demo {g_demo['exact']['correct']}/{g_demo['exact']['total']}; "
              f"old train {old_after['train']['all']['accuracy']:.3f} (was {before['train']['all']['accuracy']:.3f}), "
              f"held out {old_after['held_out']['all']['accuracy']:.3f} (was {before['held_out']['all']['accuracy']:.3f})",
              flush=True)
    print("done")


if __name__ == "__main__":
    main()
