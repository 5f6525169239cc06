"""Build the benchmark model: Qwen2.5-0.5B's shape with random weights, in the hub's layout.

    npm run models:bench                                    # tools/models/.cache/bench-0.5b/ (24 layers)
    /usr/bin/python3 tools/models/build_bench.py --layers 2 --out /tmp/bench --reference ref.json

Shape: 24 layers, hidden 896, 14 heads, 2 KV heads (head_dim 64), MLP 4864, rope theta 1e6,
context 4096 — Qwen2.5-0.5B's, exported as `model_type: "llama"` (Qwen2's q/k/v biases are left
out; the graph is hub_graph.py's). The vocabulary is the bundled 512-token BPE tokenizer, so the
embedding and lm_head are 512 x 896 instead of Qwen's 151,936 x 896: per-token work is the 24
decoder layers, without the real model's large vocabulary projection.

Weights are random (seeded per tensor, so every dtype quantizes the same numbers), scaled like a
fresh LLaMA init (std 0.02, output projections 0.02 / sqrt(2 * layers)), which keeps activations
in range through every layer in fp16 too. The lm_head rows of the special tokens are zero, so a
random model never picks <|end|> and always generates the requested number of tokens.

Writes config.json, generation_config.json, tokenizer files, onnx/model.onnx (fp32),
onnx/model_quantized.onnx (q8), onnx/model_q4.onnx, onnx/model_q4f16.onnx, and models.json: a
catalog with one entry for this folder (sizes and SHA-256 of every file). Nothing is trained; the
folder is outside git (tools/models/.cache/ is ignored). `--reference FILE` also writes the
PyTorch reference logits of a fixed prompt and one decode step per dtype (reference.py), for
the node test (tests/node/bench-model.test.ts).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import sys
import time
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bpe import ByteLevelBPE  # noqa: E402
from chat_format import END, END_OF_TEXT, SPECIAL_TOKENS, prompt_ids  # noqa: E402
from hub_graph import DTYPE_FILES, build, node_count, save  # noqa: E402
from llama import LlamaConfig  # noqa: E402
from reference import load_reference  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
TOKENIZER_SOURCE = os.path.join(ROOT, "public", "models", "pocket-chat-1m")
DEFAULT_OUT = os.path.join(HERE, ".cache", "bench-0.5b")
DTYPES = ("fp32", "q8", "q4", "q4f16")
REFERENCE_PROMPT = [{"role": "user", "content": "Tell me about the moon."}]
THREADS = 2


def bench_config(layers: int) -> LlamaConfig:
    return LlamaConfig(vocab_size=512, hidden_size=896, intermediate_size=4864, num_hidden_layers=layers,
                       num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=4096,
                       rms_norm_eps=1e-6, rope_theta=1_000_000.0)


class RandomWeights:
    """llama.py parameter name -> a seeded random float32 array, the same on every call."""

    def __init__(self, cfg: LlamaConfig, seed: int, never_pick: list[int]):
        self.cfg, self.seed, self.never_pick = cfg, seed, never_pick

    def shape(self, name: str) -> tuple[int, ...]:
        c, d = self.cfg, self.cfg.head_dim
        if name.endswith("norm.weight"):
            return (c.hidden_size,)
        table = {"embed_tokens": (c.vocab_size, c.hidden_size), "lm_head": (c.vocab_size, c.hidden_size),
                 "q_proj": (c.num_attention_heads * d, c.hidden_size), "k_proj": (c.num_key_value_heads * d, c.hidden_size),
                 "v_proj": (c.num_key_value_heads * d, c.hidden_size), "o_proj": (c.hidden_size, c.num_attention_heads * d),
                 "gate_proj": (c.intermediate_size, c.hidden_size), "up_proj": (c.intermediate_size, c.hidden_size),
                 "down_proj": (c.hidden_size, c.intermediate_size)}
        return table[name.removesuffix(".weight").split(".")[-1]]

    def __call__(self, name: str) -> np.ndarray:
        shape = self.shape(name)
        if name.endswith("norm.weight"):
            return np.ones(shape, np.float32)
        std = 0.02 / math.sqrt(2 * self.cfg.num_hidden_layers) if name.endswith(("o_proj.weight", "down_proj.weight")) else 0.02
        rng = np.random.default_rng([self.seed, zlib.crc32(name.encode())])
        w = rng.standard_normal(shape, dtype=np.float32) * np.float32(std)
        if name == "lm_head.weight":
            w[self.never_pick] = 0.0
        return w


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path: str, data: object) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def write_configs(out: str, cfg: LlamaConfig, tok: ByteLevelBPE, external: list[str]) -> None:
    end_id, eot_id = tok.vocab[END], tok.vocab[END_OF_TEXT]
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "vocab_size": cfg.vocab_size, "hidden_size": cfg.hidden_size, "intermediate_size": cfg.intermediate_size,
        "num_hidden_layers": cfg.num_hidden_layers, "num_attention_heads": cfg.num_attention_heads,
        "num_key_value_heads": cfg.num_key_value_heads, "head_dim": cfg.head_dim,
        "max_position_embeddings": cfg.max_position_embeddings, "rms_norm_eps": cfg.rms_norm_eps,
        "rope_theta": cfg.rope_theta, "hidden_act": "silu", "attention_bias": False, "mlp_bias": False,
        "tie_word_embeddings": False, "eos_token_id": end_id, "pad_token_id": eot_id, "torch_dtype": "float32",
    }
    if external:
        config["transformers.js_config"] = {"use_external_data_format": {name: 1 for name in external}}
    write_json(os.path.join(out, "config.json"), config)
    write_json(os.path.join(out, "generation_config.json"), {"eos_token_id": [end_id, eot_id], "pad_token_id": eot_id, "do_sample": False})
    shutil.copyfile(os.path.join(TOKENIZER_SOURCE, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
    with open(os.path.join(TOKENIZER_SOURCE, "tokenizer_config.json"), encoding="utf-8") as f:
        tokenizer_config = json.load(f)
    tokenizer_config["model_max_length"] = cfg.max_position_embeddings
    write_json(os.path.join(out, "tokenizer_config.json"), tokenizer_config)


def write_manifest(out: str, model_id: str, cfg: LlamaConfig, parameters: int, dtypes: list[str], seconds: float) -> None:
    """models.json for this folder alone: a catalog entry as public/models/models.json has them."""
    def entry(rel: str) -> dict:
        path = os.path.join(out, rel)
        return {"path": rel, "bytes": os.path.getsize(path), "sha256": sha256(path)}

    variants = []
    for dtype in dtypes:
        files = [entry(f"onnx/{DTYPE_FILES[dtype]}")]
        if os.path.exists(os.path.join(out, "onnx", f"{DTYPE_FILES[dtype]}_data")):
            files.append(entry(f"onnx/{DTYPE_FILES[dtype]}_data"))
        variants.append({"dtype": dtype, "files": files})
    write_json(os.path.join(out, "models.json"), {"schemaVersion": 1, "models": [{
        "id": model_id, "name": f"Benchmark 0.5B shape ({cfg.num_hidden_layers} layers, random weights)",
        "source": {"kind": "bundled", "path": f"models/{model_id}"}, "architecture": "llama",
        "parameters": parameters, "contextLength": cfg.max_position_embeddings, "license": "MIT", "tasks": ["chat"],
        "shape": {"layers": cfg.num_hidden_layers, "kvHeads": cfg.num_key_value_heads, "headDim": cfg.head_dim},
        "files": [entry(f) for f in ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json")],
        "variants": variants,
        "notes": f"Qwen2.5-0.5B's layer shapes with seeded random weights and the bundled 512-token tokenizer; "
                 f"for speed measurements only, its text is noise. Built by tools/models/build_bench.py in {seconds:.0f} s.",
    }]})


def write_reference(path: str, cfg: LlamaConfig, onnx_dir: str, ids: list[int], dtypes: list[str]) -> None:
    """Per dtype, from PyTorch with each file's weights: the last-position logits of the prompt, and
    the logits of one decode step (with the KV cache) that feeds the first dtype's greedy token."""
    prefill, step, next_id = {}, {}, None
    for dtype in dtypes:
        if dtype == "q4f16":
            continue  # no float16 reference; the test holds q4f16 to q4's with a looser bound
        model = load_reference(cfg, os.path.join(onnx_dir, DTYPE_FILES[dtype]))
        x = torch.tensor([ids])
        with torch.no_grad():
            out, past = model(x, torch.ones_like(x), torch.arange(len(ids))[None])
            next_id = int(out[0, -1].argmax()) if next_id is None else next_id
            after, _ = model(torch.tensor([[next_id]]), torch.ones((1, len(ids) + 1), dtype=torch.long),
                             torch.tensor([[len(ids)]]), past)
        prefill[dtype] = [round(float(v), 6) for v in out[0, -1]]
        step[dtype] = [round(float(v), 6) for v in after[0, -1]]
    write_json(path, {"input_ids": ids, "next_id": next_id, "prefill_logits": prefill, "step_logits": step})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, default=24, help="decoder layers (24 is Qwen2.5-0.5B's; fewer for tests)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default tools/models/.cache/bench-0.5b)")
    parser.add_argument("--dtypes", default=",".join(DTYPES), help=f"comma-separated, of {','.join(DTYPES)}")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--reference", metavar="FILE", help="also write PyTorch reference logits of a fixed prompt")
    args = parser.parse_args()
    dtypes = [d for d in args.dtypes.split(",") if d]
    unknown = [d for d in dtypes if d not in DTYPES]
    if unknown or not dtypes:
        parser.error(f"--dtypes: unknown {', '.join(unknown) or '(none)'}; choose from {', '.join(DTYPES)}")
    if args.layers < 1:
        parser.error("--layers must be at least 1")
    torch.set_num_threads(THREADS)
    started = time.time()
    cfg = bench_config(args.layers)
    tok = ByteLevelBPE.from_tokenizer_json(os.path.join(TOKENIZER_SOURCE, "tokenizer.json"))
    weights = RandomWeights(cfg, args.seed, never_pick=sorted(tok.vocab[t] for t in SPECIAL_TOKENS))
    onnx_dir = os.path.join(args.out, "onnx")
    os.makedirs(onnx_dir, exist_ok=True)
    external = []
    for dtype in dtypes:
        t = time.time()
        path = os.path.join(onnx_dir, DTYPE_FILES[dtype])
        save(build(cfg, weights, dtype), path)
        if os.path.exists(f"{path}_data"):
            external.append(DTYPE_FILES[dtype])
        print(f"  {dtype}: {os.path.getsize(path) / 1e6:.0f} MB, {node_count(path)} nodes, {time.time() - t:.0f} s", flush=True)
    write_configs(args.out, cfg, tok, external)
    parameters = parameter_count(cfg)
    write_manifest(args.out, os.path.basename(os.path.normpath(args.out)), cfg, parameters, dtypes, time.time() - started)
    if args.reference:
        write_reference(args.reference, cfg, onnx_dir, prompt_ids(tok, REFERENCE_PROMPT), dtypes)
    print(f"bench model ({args.layers} layers, {parameters:,} parameters) in {args.out}: {time.time() - started:.0f} s")


def parameter_count(cfg: LlamaConfig) -> int:
    h, d, m = cfg.hidden_size, cfg.head_dim, cfg.intermediate_size
    attn = h * (cfg.num_attention_heads + 2 * cfg.num_key_value_heads) * d + cfg.num_attention_heads * d * h
    per_layer = attn + 3 * h * m + 2 * h
    return 2 * cfg.vocab_size * h + h + cfg.num_hidden_layers * per_layer


if __name__ == "__main__":
    main()
