"""Golden references: PyTorch greedy decoding of each ONNX file's weights and kernel arithmetic.

The weights are read back from the committed `onnx/*.onnx` files (reference.py: q4 dequantized as
MatMulNBits does, q8 run through a simulation of DynamicQuantizeLinear + MatMulInteger), so
goldens can be regenerated from the repository alone, and each dtype's golden is what an exact
implementation of that file must produce. No ONNX runtime is involved: the reference is PyTorch.

Greedy decoding is only a reference where the top two logits stay apart by more than the float
noise between implementations (summation order, fused kernels): every case records its smallest
top-2 gap per dtype, and a case whose gap falls below DECIDABLE_MARGIN for a dtype lists that dtype
under `too_close_to_call` (and the build says so), since no backend could be held to that path.
"""
from __future__ import annotations

import json
import os

from bpe import ByteLevelBPE
from chat_format import END, prompt_ids
from hub_graph import DTYPE_FILES as ALL_DTYPE_FILES
from llama import LlamaConfig, greedy_generate
from reference import load_reference

# The bundled models' variants (q4f16 is for GPUs and has no float16 reference here).
DTYPE_FILES = {dtype: ALL_DTYPE_FILES[dtype] for dtype in ("fp32", "q4", "q8")}
# Smallest top-2 logit gap a golden may rely on. Float noise between PyTorch and ONNX Runtime is
# about 1e-5 in these logits, but q8 amplifies it: a 1e-7 difference can move an activation across
# a rounding boundary of DynamicQuantizeLinear, and that one code moved Pocket Chat 1M's prefill
# logits by up to 0.19 (onnxruntime-node against onnxruntime-web's WASM build, same file).
DECIDABLE_MARGIN = 0.25

# Fixed prompts: single turn from each task family, a system message, and multi-turn history.
GOLDEN_PROMPTS: list[list[dict[str, str]]] = [
    [{"role": "user", "content": "What is 2 plus 3?"}],
    [{"role": "user", "content": "Hello"}],
    [{"role": "user", "content": "What is the capital of France?"}],
    [{"role": "user", "content": "Tell me about the moon."}],
    [{"role": "user", "content": "Show me hello world in Python."}],
    [{"role": "user", "content": "List three fruits."}],
    [{"role": "user", "content": "Spell the word rocket."}],
    [{"role": "user", "content": "Count from 3 to 8."}],
    [{"role": "user", "content": "Who are you?"}],
    [{"role": "system", "content": "You are a helpful assistant."},
     {"role": "user", "content": "What is 7 times 8?"}],
    [{"role": "user", "content": "My name is Ada."},
     {"role": "assistant", "content": "Nice to meet you, Ada!"},
     {"role": "user", "content": "What is my name?"}],
    [{"role": "system", "content": "You are a friendly assistant. Keep answers short."},
     {"role": "user", "content": "Hi"},
     {"role": "assistant", "content": "Hi! What would you like to know?"},
     {"role": "user", "content": "What color is the sky?"}],
]
MAX_NEW_TOKENS = 128
# The workshop demo's grounded prompts as the app builds them, per chat model (written by
# tools/rag/workshop-prompts.ts from the app's own retrieval code), with the right answers.
GROUNDED_PROMPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "grounded-prompts.json")


def grounded_prompts(model_id: str) -> list[dict]:
    """[{question, messages, passages, expected}] for `model_id`."""
    with open(GROUNDED_PROMPTS, encoding="utf-8") as f:
        return json.load(f)["models"][model_id]


def make_golden(cfg: LlamaConfig, tok: ByteLevelBPE, onnx_dir: str, eos_ids: set[int],
                grounded: list[dict] | None = None) -> dict:
    """Goldens of GOLDEN_PROMPTS, then of the `grounded` prompts (grounded_prompts()) that every
    dtype decides and answers right; the others are reported and left out (a grounded golden is
    the right answer, not just the model's)."""
    models = {dtype: load_reference(cfg, f"{onnx_dir}/{file}") for dtype, file in DTYPE_FILES.items()}
    cases = []
    for messages in GOLDEN_PROMPTS + [g["messages"] for g in grounded or []]:
        ids = prompt_ids(tok, messages)
        outputs, margins = {}, {}
        for dtype, model in models.items():
            out, margin = greedy_generate(model, ids, eos_ids, MAX_NEW_TOKENS)
            outputs[dtype], margins[dtype] = out, round(margin, 4)
        undecided = [dtype for dtype, margin in margins.items() if margin < DECIDABLE_MARGIN]
        for dtype in undecided:
            print(f"  too close to call: {messages[-1]['content']!r} {dtype} (top-2 gap {margins[dtype]})", flush=True)
        case = {
            "messages": messages,
            "input_ids": ids,
            "output_ids": outputs,
            # Decoded by the Python reference tokenizer, special tokens skipped: what a chat UI shows.
            "texts": {dtype: tok.decode(out) for dtype, out in outputs.items()},
            "min_logit_margin": margins,
        }
        if undecided:
            case["too_close_to_call"] = undecided
        spec = next((g for g in grounded or [] if g["messages"] == messages), None)
        if spec is not None:
            wrong = [dtype for dtype, text in case["texts"].items() if text != spec["expected"]]
            if undecided or wrong:
                print(f"  grounded case left out: {spec['question']!r} (wrong on {wrong}, undecided on {undecided}): "
                      f"{case['texts']}", flush=True)
                continue
            case["grounded"] = {"question": spec["question"], "expected": spec["expected"]}
        cases.append(case)
    return {
        "reference": "PyTorch greedy decoding (batch 1, KV cache) with the weights and kernel arithmetic of each "
                     "ONNX file (q8: dynamic uint8 activation quantization, int32 accumulation)",
        "decidable_margin": DECIDABLE_MARGIN,
        "max_new_tokens": MAX_NEW_TOKENS,
        "eos_token_ids": sorted(eos_ids),
        "end_token": END,
        "cases": cases,
    }
