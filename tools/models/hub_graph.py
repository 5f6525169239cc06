"""Export a LLaMA-shaped model to ONNX in the hub's form, built node by node with onnx.helper.

The graph is what onnx-community / onnxruntime-genai decoder exports look like, so the bundled and
benchmark models exercise what users run:

    input_ids ─ Gather(embed_tokens) ─┐                       (q8: uint8 table, then DequantizeLinear)
    attention_mask ─ ReduceSum ─ Sub 1 ─ Cast int32 ─────────── seqlens_k            (once per step)
                   ─ Shape ─ Gather[1] ─ Cast int32 ────────── total_sequence_length
    per layer:
      (Skip)SimplifiedLayerNormalization ─ MatMul qkv (packed) ─ GroupQueryAttention (do_rotary,
      past/present KV in BNSH) ─ MatMul o ─ SkipSimplifiedLayerNormalization ─ MatMul gate, up ─
      Sigmoid, Mul, Mul (SiLU gate) ─ MatMul down
    SkipSimplifiedLayerNormalization (final norm) ─ MatMul lm_head ─ logits

Inputs `input_ids, attention_mask, position_ids, past_key_values.{i}.key|value`, outputs `logits,
present.{i}.key|value`: what transformers.js v4 feeds a `model_type: "llama"` decoder. The KV
cache is [batch_size, kv_heads, past_sequence_length, head_dim] with fixed head axes, since
transformers.js builds the first empty cache from the graph's input shapes. GroupQueryAttention
rotates q and k itself (cos/sin caches up to max_position_embeddings) at the positions given by
position_ids. Like every GroupQueryAttention export it assumes no left padding (batch 1 here).

Every MatMul has a constant weight, so a dtype is just a different MatMul:
  fp32   MatMul with a float [K, N] weight
  q8     DynamicQuantizeLinear (once per activation) ─ MatMulInteger ─ Cast ─ Mul(scale_x · scale_w)
  q4     com.microsoft MatMulNBits (4 bits, block 32, symmetric)
  q4f16  q4 with float16 activations, norms, embeddings, rotary caches, KV cache and logits (GPUs)
quantize.py says which bytes, reference.py reads them back for the golden tokens.

Entry points, callable on any llama.LlamaForCausalLM (e.g. freshly trained weights):
  export(model, path, dtype="fp32")            one file
  export_variants(model, onnx_dir, dtypes)      model.onnx, model_quantized.onnx, model_q4.onnx, ...
  build(cfg, weights, dtype) -> ModelProto      from any name -> numpy array function (no torch model)
"""
from __future__ import annotations

import math
import os
from typing import Callable, Iterable

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from llama import LlamaConfig, LlamaForCausalLM
from quantize import BLOCK, quantize_q4_symmetric, quantize_u8_tensor

DTYPE_FILES = {"fp32": "model.onnx", "q4": "model_q4.onnx", "q8": "model_quantized.onnx", "q4f16": "model_q4f16.onnx"}
OPSET = 17
MS_DOMAIN = "com.microsoft"
# One protobuf may not exceed 2 GiB; above this many bytes of weights they go to `<file>_data`.
EXTERNAL_DATA_THRESHOLD = 1_900_000_000

# llama.py state_dict name ("layers.0.self_attn.q_proj.weight", "embed_tokens.weight", ...) ->
# float32 array in PyTorch's layout ([out, in] for linear layers).
WeightSource = Callable[[str], np.ndarray]


def weights_of(model: LlamaForCausalLM) -> WeightSource:
    state = {k: v.detach().cpu().float().numpy() for k, v in model.state_dict().items()}
    return lambda name: state[name]


def export(model: LlamaForCausalLM, path: str, dtype: str = "fp32") -> None:
    save(build(model.cfg, weights_of(model), dtype), path)


def export_variants(model: LlamaForCausalLM, onnx_dir: str, dtypes: Iterable[str] = ("fp32", "q4", "q8")) -> dict[str, str]:
    """Writes one file per dtype under onnx_dir with transformers.js' file names; returns dtype -> path."""
    os.makedirs(onnx_dir, exist_ok=True)
    source = weights_of(model)
    paths = {}
    for dtype in dtypes:
        paths[dtype] = os.path.join(onnx_dir, DTYPE_FILES[dtype])
        save(build(model.cfg, source, dtype), paths[dtype])
    return paths


def save(model: onnx.ModelProto, path: str) -> None:
    """One file, or the graph plus `<file>_data` (transformers.js' name) when the weights would
    not fit one protobuf."""
    data_path = f"{path}_data"
    if os.path.exists(data_path):
        os.remove(data_path)
    weight_bytes = sum(len(t.raw_data) for t in model.graph.initializer)
    if weight_bytes > EXTERNAL_DATA_THRESHOLD:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(data_path), size_threshold=1024)
    else:
        onnx.save_model(model, path)


def rotary_caches(cfg: LlamaConfig) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin of position * inv_freq, [max_position_embeddings, head_dim / 2], computed with
    the same float32 operations as llama.py's forward, so the reference rotates identically."""
    d = cfg.head_dim
    inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, d, 2).float() / d))
    freqs = torch.arange(cfg.max_position_embeddings).float()[:, None] * inv_freq[None, :]
    return freqs.cos().numpy(), freqs.sin().numpy()


class _Builder:
    """Accumulates nodes and initializers; names follow onnxruntime-genai's exports."""

    def __init__(self, dtype: str):
        self.dtype = dtype
        self.half = dtype == "q4f16"
        self.float_type = TensorProto.FLOAT16 if self.half else TensorProto.FLOAT
        self.np_float = np.float16 if self.half else np.float32
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.quantized_inputs: dict[str, tuple[str, str, str]] = {}

    def init(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def float_init(self, name: str, value: np.ndarray) -> str:
        return self.init(name, np.asarray(value, dtype=np.float32).astype(self.np_float))

    def node(self, op: str, inputs: list[str], name: str, n_out: int = 1, domain: str = "", **attrs) -> list[str]:
        outputs = [f"{name}/output_{i}" for i in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, domain=domain or None, **attrs))
        return outputs

    def matmul(self, x: str, w: np.ndarray, base: str, name: str) -> str:
        """x @ w.T for a PyTorch [out, in] weight, in this builder's dtype."""
        w_t = np.ascontiguousarray(np.asarray(w, dtype=np.float32).T)
        k, n = w_t.shape
        if self.dtype == "fp32":
            return self.node("MatMul", [x, self.init(base, w_t)], f"{name}/MatMul")[0]
        if self.dtype in ("q4", "q4f16"):
            b, scales = quantize_q4_symmetric(w_t)
            inputs = [x, self.init(f"{base}_Q4", b), self.float_init(f"{base}_scales", scales)]
            return self.node("MatMulNBits", inputs, f"{name}/MatMulNBits", domain=MS_DOMAIN,
                             K=k, N=n, bits=4, block_size=BLOCK)[0]
        q, scale, zp = quantize_u8_tensor(w_t)
        x_q, x_scale, x_zp = self._dynamic_quantize(x)
        acc = self.node("MatMulInteger", [x_q, self.init(f"{base}_quantized", q), x_zp,
                                          self.init(f"{base}_zero_point", np.array(zp, np.uint8))],
                        f"{name}/MatMul_quant")[0]
        as_float = self.node("Cast", [acc], f"{name}/MatMul_quant_output_cast", to=TensorProto.FLOAT)[0]
        scales = self.node("Mul", [x_scale, self.init(f"{base}_scale", np.array(scale, np.float32))],
                           f"{name}/MatMul_quant_scales_mul")[0]
        return self.node("Mul", [as_float, scales], f"{name}/MatMul_quant_output_scale_mul")[0]

    def _dynamic_quantize(self, x: str) -> tuple[str, str, str]:
        """One DynamicQuantizeLinear per activation, shared by every MatMul that reads it."""
        if x not in self.quantized_inputs:
            self.quantized_inputs[x] = tuple(self.node("DynamicQuantizeLinear", [x], f"{x}/DynamicQuantizeLinear", n_out=3))
        return self.quantized_inputs[x]

    def embedding(self, table: np.ndarray, ids: str) -> str:
        name = "model.embed_tokens.weight"
        if self.dtype == "q8":
            q, scale, zp = quantize_u8_tensor(table)
            gathered = self.node("Gather", [self.init(f"{name}_quantized", q), ids], "/model/embed_tokens/Gather_quant")[0]
            return self.node("DequantizeLinear", [gathered, self.init(f"{name}_scale", np.array(scale, np.float32)),
                                                  self.init(f"{name}_zero_point", np.array(zp, np.uint8))],
                             "/model/embed_tokens/DequantizeLinear")[0]
        return self.node("Gather", [self.float_init(name, table), ids], "/model/embed_tokens/Gather")[0]


def build(cfg: LlamaConfig, weights: WeightSource, dtype: str) -> onnx.ModelProto:
    if dtype not in DTYPE_FILES:
        raise ValueError(f"unknown dtype {dtype!r}; one of {', '.join(DTYPE_FILES)}")
    if cfg.hidden_size % BLOCK or cfg.intermediate_size % BLOCK:
        raise ValueError(f"hidden and intermediate sizes must be multiples of {BLOCK} for 4-bit blocks")
    g = _Builder(dtype)
    n_layers, kv, d = cfg.num_hidden_layers, cfg.num_key_value_heads, cfg.head_dim
    eps = cfg.rms_norm_eps

    # attention_mask -> per-row valid length - 1 and the total length, as GroupQueryAttention wants.
    mask_sum = g.node("ReduceSum", ["attention_mask", g.init("/model/constants/axes_1", np.array([1], np.int64))],
                      "/model/attn_mask_reformat/attn_mask_subgraph/ReduceSum", keepdims=0)[0]
    minus_one = g.node("Sub", [mask_sum, g.init("/model/constants/one_i64", np.array(1, np.int64))],
                       "/model/attn_mask_reformat/attn_mask_subgraph/Sub")[0]
    seqlens_k = g.node("Cast", [minus_one], "/model/attn_mask_reformat/attn_mask_subgraph/Sub/Cast", to=TensorProto.INT32)[0]
    mask_shape = g.node("Shape", ["attention_mask"], "/model/attn_mask_reformat/attn_mask_subgraph/Shape")[0]
    total = g.node("Gather", [mask_shape, g.init("/model/constants/index_1", np.array(1, np.int64))],
                   "/model/attn_mask_reformat/attn_mask_subgraph/Gather", axis=0)[0]
    total_len = g.node("Cast", [total], "/model/attn_mask_reformat/attn_mask_subgraph/Gather/Cast", to=TensorProto.INT32)[0]
    cos, sin = rotary_caches(cfg)
    cos_cache, sin_cache = g.float_init("cos_cache", cos), g.float_init("sin_cache", sin)

    x = g.embedding(weights("embed_tokens.weight"), "input_ids")
    residual: str | None = None
    hidden = x
    for i in range(n_layers):
        p, prefix = f"layers.{i}", f"/model/layers.{i}"
        ln = g.float_init(f"model.{p}.input_layernorm.weight", weights(f"{p}.input_layernorm.weight"))
        if residual is None:
            normed = g.node("SimplifiedLayerNormalization", [hidden, ln], f"{prefix}/input_layernorm/LayerNorm",
                            axis=-1, epsilon=eps, stash_type=1)[0]
            residual = hidden
        else:
            normed, residual = _skip_norm(g, hidden, residual, ln, f"{prefix}/input_layernorm/SkipLayerNorm", eps)
        qkv_w = np.concatenate([weights(f"{p}.self_attn.{m}_proj.weight") for m in ("q", "k", "v")], axis=0)
        qkv = g.matmul(normed, qkv_w, f"model.{p}.attn.qkv_proj.MatMul.weight", f"{prefix}/attn/qkv_proj")
        attn, present_k, present_v = g.node(
            "GroupQueryAttention",
            [qkv, "", "", f"past_key_values.{i}.key", f"past_key_values.{i}.value", seqlens_k, total_len,
             cos_cache, sin_cache, "position_ids"],
            f"{prefix}/attn/GroupQueryAttention", n_out=3, domain=MS_DOMAIN,
            num_heads=cfg.num_attention_heads, kv_num_heads=kv, scale=1.0 / math.sqrt(d),
            do_rotary=1, rotary_interleaved=0, local_window_size=-1)
        _rename_output(g, present_k, f"present.{i}.key")
        _rename_output(g, present_v, f"present.{i}.value")
        o = g.matmul(attn, weights(f"{p}.self_attn.o_proj.weight"), f"model.{p}.attn.o_proj.MatMul.weight", f"{prefix}/attn/o_proj")
        post = g.float_init(f"model.{p}.post_attention_layernorm.weight", weights(f"{p}.post_attention_layernorm.weight"))
        normed, residual = _skip_norm(g, o, residual, post, f"{prefix}/post_attention_layernorm/SkipLayerNorm", eps)
        gate = g.matmul(normed, weights(f"{p}.mlp.gate_proj.weight"), f"model.{p}.mlp.gate_proj.MatMul.weight", f"{prefix}/mlp/gate_proj")
        up = g.matmul(normed, weights(f"{p}.mlp.up_proj.weight"), f"model.{p}.mlp.up_proj.MatMul.weight", f"{prefix}/mlp/up_proj")
        sig = g.node("Sigmoid", [gate], f"{prefix}/mlp/act_fn/Sigmoid")[0]
        act = g.node("Mul", [gate, sig], f"{prefix}/mlp/act_fn/Mul")[0]
        gated = g.node("Mul", [act, up], f"{prefix}/mlp/Mul")[0]
        hidden = g.matmul(gated, weights(f"{p}.mlp.down_proj.weight"), f"model.{p}.mlp.down_proj.MatMul.weight", f"{prefix}/mlp/down_proj")
    norm = g.float_init("model.norm.weight", weights("norm.weight"))
    final, _ = _skip_norm(g, hidden, residual or x, norm, f"/model/layers.{n_layers}/final_norm_layernorm/SkipLayerNorm", eps)
    logits = g.matmul(final, weights("lm_head.weight"), "lm_head.MatMul.weight", "/lm_head")
    _rename_output(g, logits, "logits")

    ft = g.float_type
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "total_sequence_length"]),
        helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
    ]
    outputs = [helper.make_tensor_value_info("logits", ft, ["batch_size", "sequence_length", cfg.vocab_size])]
    for i in range(n_layers):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_key_values.{i}.{kind}", ft, ["batch_size", kv, "past_sequence_length", d]))
            outputs.append(helper.make_tensor_value_info(f"present.{i}.{kind}", ft, ["batch_size", kv, "total_sequence_length", d]))
    graph = helper.make_graph(g.nodes, "main_graph", inputs, outputs, initializer=g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS_DOMAIN, 1)],
                              producer_name="webgpu-inference-playground tools/models/hub_graph.py")
    model.ir_version = 8
    return model


def _skip_norm(g: _Builder, x: str, residual: str, weight: str, name: str, eps: float) -> tuple[str, str]:
    """(RMSNorm(x + residual) * weight, x + residual) in one node."""
    out = g.node("SkipSimplifiedLayerNormalization", [x, residual, weight], name, n_out=4, domain=MS_DOMAIN, epsilon=eps)
    node = g.nodes[-1]
    node.output[1] = ""
    node.output[2] = ""
    return out[0], out[3]


def _rename_output(g: _Builder, old: str, new: str) -> None:
    for node in g.nodes:
        node.output[:] = [new if o == old else o for o in node.output]
        node.input[:] = [new if i == old else i for i in node.input]


def node_count(path: str) -> int:
    return len(onnx.load(path, load_external_data=False).graph.node)
