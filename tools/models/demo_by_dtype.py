"""The workshop demo, in both passage orders, for every dtype a fine-tuned state dict would ship
as: the export bar of tools/models/README.md, checked before anything bundled is overwritten.

    /usr/bin/python3 tools/models/demo_by_dtype.py tools/models/.cache/finetuned/<weights>.pt [--only pocket-chat-1m]

Exports the weights as build.py would (every dtype of golden.DTYPE_FILES) into a temporary
directory, reads each file back with its PyTorch reference (reference.py: the kernel arithmetic of
that ONNX file), and answers each demo question greedily, as golden.py does. Prints every answer
with its smallest top-2 logit gap, and a summary: which answerable questions every dtype answers
exactly in both orders, and with a gap golden.py can rely on (DECIDABLE_MARGIN).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bpe import ByteLevelBPE  # noqa: E402
from build import MODELS_DIR, SPECS  # noqa: E402
from chat_format import END, END_OF_TEXT, prompt_ids  # noqa: E402
from golden import DECIDABLE_MARGIN, DTYPE_FILES, MAX_NEW_TOKENS  # noqa: E402
from grounded import NO_ANSWER, workshop_examples  # noqa: E402
from corpus import grounded_item  # noqa: E402
from hub_graph import export_variants  # noqa: E402
from llama import LlamaForCausalLM, greedy_generate  # noqa: E402
from reference import load_reference  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("weights", help="a fine-tuned state dict (finetune.py)")
    parser.add_argument("--only", default="pocket-chat-1m", choices=[s.id for s in SPECS])
    parser.add_argument("--dtypes", nargs="+", choices=sorted(DTYPE_FILES), default=sorted(DTYPE_FILES),
                        help="a subset, e.g. fp32 alone for a quick look at a checkpoint")
    args = parser.parse_args()
    torch.set_num_threads(1)
    spec = next(s for s in SPECS if s.id == args.only)
    tok = ByteLevelBPE.from_tokenizer_json(os.path.join(MODELS_DIR, spec.id, "tokenizer.json"))
    eos = {tok.vocab[END], tok.vocab[END_OF_TEXT]}
    model = LlamaForCausalLM(spec.cfg)
    model.load_state_dict(torch.load(args.weights), strict=True)
    items = [grounded_item(e) for e in workshop_examples(lambda text: len(tok.encode(text)))]
    right: dict[str, bool] = {}  # question -> every dtype, both orders, exact and decided
    with tempfile.TemporaryDirectory() as out:
        paths = export_variants(model, out, {d: f for d, f in DTYPE_FILES.items() if d in args.dtypes})
        for dtype, path in paths.items():
            reference = load_reference(spec.cfg, path)
            for n, item in enumerate(items):
                ids, margin = greedy_generate(reference, prompt_ids(tok, item.messages()), eos, MAX_NEW_TOKENS)
                got = tok.decode(ids)
                ok = got == item.answer and margin >= DECIDABLE_MARGIN
                question = item.prompt.rsplit("Question: ", 1)[-1]
                order = "first order" if n < len(items) // 2 else "reversed"
                right[question] = right.get(question, True) and ok
                print(f"{dtype:5} {order:11} {'OK ' if ok else '   '} gap {margin:6.3f}  {question} -> {got}", flush=True)
    answerable = {it.prompt.rsplit("Question: ", 1)[-1] for it in items if it.answer != NO_ANSWER}
    print("answerable, right in every dtype and both orders:", sorted(q for q in answerable if right[q]) or "none")
    print("unanswerable, refused in every dtype and both orders:", sorted(q for q in right if q not in answerable and right[q]) or "none")


if __name__ == "__main__":
    main()
