"""Golden references: PyTorch greedy decoding with the exact weights stored in each ONNX file.

The weights are read back from the committed `onnx/*.onnx` files (dequantized where quantized),
so goldens can be regenerated from the repository alone, and each dtype's golden is what an exact
implementation of that file must produce. No ONNX runtime is involved: the reference is PyTorch.
"""
from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from bpe import ByteLevelBPE
from chat_format import END, prompt_ids
from llama import LlamaConfig, LlamaForCausalLM, greedy_generate
from quantize import dequantize_q4, dequantize_q8

DTYPE_FILES = {"fp32": "model.onnx", "q4": "model_q4.onnx", "q8": "model_quantized.onnx"}

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


def state_dict_from_onnx(path: str) -> dict[str, torch.Tensor]:
    """Parameter name -> float tensor, undoing the transpose and quantization of MatMul weights."""
    graph = onnx.load(path).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    weights: dict[str, np.ndarray] = {}
    for node in graph.node:
        if node.op_type == "MatMulNBits":
            attrs = {a.name: a.i for a in node.attribute}
            b, scales, zp = (inits[n] for n in node.input[1:4])
            name = node.input[1].removesuffix("_q4")
            weights[name] = dequantize_q4(b, scales, zp, attrs["K"], attrs["N"])
        elif node.op_type == "DequantizeLinear" and node.input[0] in inits:
            name = node.input[0].removesuffix("_q8")
            weights[name] = dequantize_q8(inits[node.input[0]], inits[node.input[1]])
    for name, value in inits.items():
        if name.startswith(("model.", "lm_head.")) and name not in weights and \
                not name.endswith(("_q4", "_scales", "_zero_points", "_q8", "_scale", "_zero_point")):
            weights[name] = value
    state: dict[str, torch.Tensor] = {}
    for name, value in weights.items():
        key = name.removeprefix("model.")
        if key.endswith("_t"):
            key, value = key[:-2], value.T
        state[key] = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
    return state


def load_reference(cfg: LlamaConfig, onnx_path: str) -> LlamaForCausalLM:
    model = LlamaForCausalLM(cfg)
    model.load_state_dict(state_dict_from_onnx(onnx_path), strict=True)
    model.eval()
    return model


def make_golden(cfg: LlamaConfig, tok: ByteLevelBPE, onnx_dir: str, eos_ids: set[int]) -> dict:
    models = {dtype: load_reference(cfg, f"{onnx_dir}/{file}") for dtype, file in DTYPE_FILES.items()}
    cases = []
    for messages in GOLDEN_PROMPTS:
        ids = prompt_ids(tok, messages)
        outputs, margins = {}, {}
        for dtype, model in models.items():
            out, margin = greedy_generate(model, ids, eos_ids, MAX_NEW_TOKENS)
            outputs[dtype], margins[dtype] = out, round(margin, 4)
        cases.append({
            "messages": messages,
            "input_ids": ids,
            "output_ids": outputs,
            # Decoded by the Python reference tokenizer, special tokens skipped: what a chat UI shows.
            "texts": {dtype: tok.decode(out) for dtype, out in outputs.items()},
            "min_logit_margin": margins,
        })
    return {
        "reference": "PyTorch greedy decoding (batch 1, KV cache) with the weights of each ONNX file",
        "max_new_tokens": MAX_NEW_TOKENS,
        "eos_token_ids": sorted(eos_ids),
        "end_token": END,
        "cases": cases,
    }
