"""The PyTorch reference for an ONNX file: its stored weights read back, and its kernels' arithmetic.

fp32 and q4 files become a plain llama.LlamaForCausalLM with the float weights each MatMul
multiplies by (q4 codes dequantized as MatMulNBits does). A q8 file becomes a model whose linear
layers do what DynamicQuantizeLinear + MatMulInteger + Cast + Mul do in ONNX Runtime:

  activation range [min(x, 0), max(x, 0)] over the whole tensor, scale = (max - min) / 255,
  zero point = round_half_even(clamp(-min / scale, 0, 255)),
  codes = clamp(round_half_even(x / scale) + zero point, 0, 255),
  int32 sum of (code_x - zp_x) * (code_w - zp_w), converted to float, times (scale_x * scale_w)

all in float32 except the integer sum (exact in float64). No ONNX runtime is involved, so goldens
made with this are an independent reference for every backend.

Reads both the hub form (hub_graph.py) and the earlier torch.onnx layout (weights named
`model.<param>` and `<param>_t` for transposed MatMul weights), so committed fp32 files can be
re-exported without retraining.
"""
from __future__ import annotations

import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import Tensor, nn

from llama import LlamaConfig, LlamaForCausalLM
from quantize import dequantize_q4, dequantize_u8

def read_initializers(path: str) -> dict[str, np.ndarray]:
    model = onnx.load(path, load_external_data=False)
    onnx.external_data_helper.load_external_data_for_model(model, os.path.dirname(os.path.abspath(path)))
    return {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}


def _matmul_weight(inits: dict[str, np.ndarray], base: str, k: int, n: int) -> np.ndarray:
    """The float [K, N] weight a hub-form MatMul of this base name multiplies by."""
    if base in inits:
        return inits[base].astype(np.float32)
    if f"{base}_Q4" in inits:
        return dequantize_q4(inits[f"{base}_Q4"], inits[f"{base}_scales"].astype(np.float32), k, n)
    if f"{base}_quantized" in inits:
        return dequantize_u8(inits[f"{base}_quantized"], inits[f"{base}_scale"], inits[f"{base}_zero_point"])
    raise KeyError(f"no weight for {base} in the file")


def _hub_matmuls(cfg: LlamaConfig) -> dict[str, tuple[str, int, int]]:
    """llama.py linear name (or the packed qkv) -> (hub base name, K, N)."""
    h, d = cfg.hidden_size, cfg.head_dim
    qkv = (cfg.num_attention_heads + 2 * cfg.num_key_value_heads) * d
    out = {"lm_head": ("lm_head.MatMul.weight", h, cfg.vocab_size)}
    for i in range(cfg.num_hidden_layers):
        out[f"layers.{i}.qkv"] = (f"model.layers.{i}.attn.qkv_proj.MatMul.weight", h, qkv)
        out[f"layers.{i}.self_attn.o_proj"] = (f"model.layers.{i}.attn.o_proj.MatMul.weight", cfg.num_attention_heads * d, h)
        out[f"layers.{i}.mlp.gate_proj"] = (f"model.layers.{i}.mlp.gate_proj.MatMul.weight", h, cfg.intermediate_size)
        out[f"layers.{i}.mlp.up_proj"] = (f"model.layers.{i}.mlp.up_proj.MatMul.weight", h, cfg.intermediate_size)
        out[f"layers.{i}.mlp.down_proj"] = (f"model.layers.{i}.mlp.down_proj.MatMul.weight", cfg.intermediate_size, h)
    return out


def _split_qkv(cfg: LlamaConfig, name: str) -> list[tuple[str, slice]]:
    """Column ranges of the packed qkv weight: q, then k, then v."""
    d = cfg.head_dim
    q, kv = cfg.num_attention_heads * d, cfg.num_key_value_heads * d
    prefix = name.removesuffix(".qkv")
    return [(f"{prefix}.self_attn.q_proj", slice(0, q)), (f"{prefix}.self_attn.k_proj", slice(q, q + kv)),
            (f"{prefix}.self_attn.v_proj", slice(q + kv, q + 2 * kv))]


def state_dict_from_onnx(cfg: LlamaConfig, path: str) -> dict[str, Tensor]:
    """llama.py parameter name -> the float weight the file computes with (dequantized)."""
    return _state_dict(cfg, read_initializers(path))


def _state_dict(cfg: LlamaConfig, inits: dict[str, np.ndarray]) -> dict[str, Tensor]:
    if "lm_head.weight_t" in inits:
        return _legacy_state_dict(inits)
    weights: dict[str, np.ndarray] = {}
    embed = "model.embed_tokens.weight"
    weights["embed_tokens.weight"] = inits[embed].astype(np.float32) if embed in inits else \
        dequantize_u8(inits[f"{embed}_quantized"], inits[f"{embed}_scale"], inits[f"{embed}_zero_point"])
    weights["norm.weight"] = inits["model.norm.weight"].astype(np.float32)
    for i in range(cfg.num_hidden_layers):
        for norm in ("input_layernorm", "post_attention_layernorm"):
            weights[f"layers.{i}.{norm}.weight"] = inits[f"model.layers.{i}.{norm}.weight"].astype(np.float32)
    for name, (base, k, n) in _hub_matmuls(cfg).items():
        w_t = _matmul_weight(inits, base, k, n)
        parts = _split_qkv(cfg, name) if name.endswith(".qkv") else [(name, slice(0, n))]
        for linear, cols in parts:
            weights[f"{linear}.weight"] = np.ascontiguousarray(w_t[:, cols].T)
    return {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in weights.items()}


def _legacy_state_dict(inits: dict[str, np.ndarray]) -> dict[str, Tensor]:
    state: dict[str, Tensor] = {}
    for name, value in inits.items():
        if not name.startswith(("model.", "lm_head.")):
            continue
        if name.endswith(("_q4", "_scales", "_zero_points", "_q8", "_scale", "_zero_point")):
            raise ValueError("a quantized file of the earlier layout: read the fp32 model.onnx instead")
        key = name.removeprefix("model.")
        if key.endswith("_t"):
            key, value = key[:-2], value.T
        state[key] = torch.from_numpy(np.array(value, dtype=np.float32))
    return state


class DynamicQuantLinear(nn.Module):
    """y = x @ W^T as DynamicQuantizeLinear + MatMulInteger + Cast + Mul compute it.

    `valid` ([batch, seq] bool, set by DynamicQuantLlama) keeps left padding of a batched
    evaluation out of each row's range: zeros never move a range that always includes 0, so every
    row is quantized as if it ran alone (batch 1), which is what a user's request does."""

    def __init__(self, codes_t: np.ndarray, scale: np.ndarray, zero_point: np.ndarray):
        super().__init__()
        self.register_buffer("w", torch.from_numpy(codes_t.astype(np.float64) - float(zero_point)))
        self.register_buffer("w_scale", torch.tensor(float(scale), dtype=torch.float32))
        self.valid: Tensor | None = None

    def forward(self, x: Tensor) -> Tensor:
        b = x.shape[0]
        ranged = x if self.valid is None else x * self.valid[..., None].to(x.dtype)
        flat = ranged.reshape(b, -1)
        lo = torch.clamp(flat.min(dim=1).values, max=0.0)
        hi = torch.clamp(flat.max(dim=1).values, min=0.0)
        scale = torch.where(hi > lo, (hi - lo) / torch.tensor(255.0), torch.ones_like(hi))
        zp = torch.round(torch.clamp(torch.zeros_like(lo) - lo / scale, 0.0, 255.0))
        shape = (b,) + (1,) * (x.dim() - 1)
        codes = torch.clamp(torch.round(x / scale.view(shape)) + zp.view(shape), 0.0, 255.0)
        acc = (codes - zp.view(shape)).double() @ self.w
        return acc.float() * (scale * self.w_scale).view(shape)


class DynamicQuantLlama(LlamaForCausalLM):
    """LlamaForCausalLM whose linear layers are DynamicQuantLinear (see read_reference)."""

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        valid = attention_mask[:, -input_ids.shape[1]:].bool()
        for module in self.modules():
            if isinstance(module, DynamicQuantLinear):
                module.valid = valid
        return super().forward(input_ids, attention_mask, position_ids, past)


def _quantized_linears(cfg: LlamaConfig, inits: dict[str, np.ndarray]) -> dict[str, DynamicQuantLinear]:
    linears = {}
    for name, (base, _, n) in _hub_matmuls(cfg).items():
        codes, scale, zp = inits[f"{base}_quantized"], inits[f"{base}_scale"], inits[f"{base}_zero_point"]
        parts = _split_qkv(cfg, name) if name.endswith(".qkv") else [(name, slice(0, n))]
        for linear, cols in parts:
            linears[linear] = DynamicQuantLinear(np.ascontiguousarray(codes[:, cols]), scale, zp)
    return linears


def load_reference(cfg: LlamaConfig, path: str) -> LlamaForCausalLM:
    """The PyTorch model that computes what the ONNX file at `path` computes (fp32, q4 or q8)."""
    inits = read_initializers(path)
    if any(name.endswith("_scales") and value.dtype == np.float16 for name, value in inits.items()):
        raise ValueError(f"{path}: float16 activations have no reference here (q4f16 is for GPUs)")
    dynamic = "lm_head.MatMul.weight_quantized" in inits
    model = DynamicQuantLlama(cfg) if dynamic else LlamaForCausalLM(cfg)
    model.load_state_dict(_state_dict(cfg, inits), strict=True)
    if dynamic:
        for name, linear in _quantized_linears(cfg, inits).items():
            parent_name, _, attr = name.rpartition(".")
            setattr(model.get_submodule(parent_name) if parent_name else model, attr, linear)
    model.eval()
    return model
