"""A small LLaMA-architecture decoder in plain PyTorch (RMSNorm, RoPE, grouped-query attention,
SiLU-gated MLP), written with Hugging Face's parameter names and conventions (rotate_half RoPE,
repeat_kv) so the exported graph behaves like a `model_type: "llama"` model.

One forward pass serves training (no cache) and ONNX export (with a KV cache), so the exported
graph is exactly the function that was trained.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn

NEG_INF = -1e9  # additive mask value; finite so a fully masked (left-padding) row never gives NaN


@dataclass(frozen=True)
class LlamaConfig:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    max_position_embeddings: int
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, size: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        variance = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(variance + self.eps))


def rotate_half(x: Tensor) -> Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def repeat_kv(x: Tensor, n_rep: int) -> Tensor:
    """(b, kv_heads, s, d) -> (b, kv_heads * n_rep, s, d), each KV head shared by n_rep heads."""
    if n_rep == 1:
        return x
    b, kv, s, d = x.shape
    return x[:, :, None, :, :].expand(b, kv, n_rep, s, d).reshape(b, kv * n_rep, s, d)


class Attention(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.head_dim
        self.q_proj = nn.Linear(cfg.hidden_size, cfg.num_attention_heads * d, bias=False)
        self.k_proj = nn.Linear(cfg.hidden_size, cfg.num_key_value_heads * d, bias=False)
        self.v_proj = nn.Linear(cfg.hidden_size, cfg.num_key_value_heads * d, bias=False)
        self.o_proj = nn.Linear(cfg.num_attention_heads * d, cfg.hidden_size, bias=False)

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, mask: Tensor,
                past_k: Tensor | None, past_v: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:
        cfg = self.cfg
        b, s, _ = x.shape
        d = cfg.head_dim
        q = self.q_proj(x).view(b, s, cfg.num_attention_heads, d).transpose(1, 2)
        k = self.k_proj(x).view(b, s, cfg.num_key_value_heads, d).transpose(1, 2)
        v = self.v_proj(x).view(b, s, cfg.num_key_value_heads, d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None and past_v is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        n_rep = cfg.num_attention_heads // cfg.num_key_value_heads
        scores = q @ repeat_kv(k, n_rep).transpose(2, 3) / math.sqrt(d) + mask
        probs = torch.softmax(scores, dim=-1)
        out = (probs @ repeat_kv(v, n_rep)).transpose(1, 2).reshape(b, s, cfg.hidden_size)
        return self.o_proj(out), k, v


class MLP(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.up_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.intermediate_size, cfg.hidden_size, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.self_attn = Attention(cfg)
        self.mlp = MLP(cfg)
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)

    def forward(self, x, cos, sin, mask, past_k, past_v):
        attn, k, v = self.self_attn(self.input_layernorm(x), cos, sin, mask, past_k, past_v)
        x = x + attn
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, k, v


class LlamaForCausalLM(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)
        inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2).float() / cfg.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self._init_weights()

    def _init_weights(self) -> None:
        residual_std = 0.02 / math.sqrt(2 * self.cfg.num_hidden_layers)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = residual_std if name.endswith(("o_proj.weight", "down_proj.weight")) else 0.02
                nn.init.normal_(p, mean=0.0, std=std)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, position_ids: Tensor,
                past: list[tuple[Tensor, Tensor]] | None = None
                ) -> tuple[Tensor, list[tuple[Tensor, Tensor]]]:
        """Returns logits (b, s, vocab) and the present key/values of every layer."""
        s = input_ids.shape[1]
        past_len = past[0][0].shape[2] if past is not None else 0
        total = past_len + s
        # Causal over absolute positions, combined with the padding mask over past + current.
        key_pos = torch.arange(total, device=input_ids.device)[None, :]
        query_pos = torch.arange(s, device=input_ids.device)[:, None] + past_len
        allowed = (key_pos <= query_pos)[None, None, :, :] & attention_mask[:, None, None, :].bool()
        mask = torch.where(allowed, torch.zeros((), dtype=torch.float32),
                           torch.full((), NEG_INF, dtype=torch.float32))

        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos()[:, None, :, :], emb.sin()[:, None, :, :]

        x = self.embed_tokens(input_ids)
        present: list[tuple[Tensor, Tensor]] = []
        for i, layer in enumerate(self.layers):
            pk, pv = past[i] if past is not None else (None, None)
            x, k, v = layer(x, cos, sin, mask, pk, pv)
            present.append((k, v))
        return self.lm_head(self.norm(x)), present

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


@torch.no_grad()
def greedy_generate(model: LlamaForCausalLM, prompt_ids: list[int], eos_ids: set[int],
                    max_new_tokens: int) -> tuple[list[int], float]:
    """Batch-1 greedy decoding with the KV cache, as transformers.js does it.

    Returns the new token ids (EOS included when produced) and the smallest top-1 vs top-2 logit
    margin seen, which tells how robust the golden sequence is to floating-point differences.
    """
    ids = torch.tensor([prompt_ids])
    mask = torch.ones_like(ids)
    pos = torch.arange(ids.shape[1])[None, :]
    logits, past = model(ids, mask, pos)
    out: list[int] = []
    min_margin = float("inf")
    for _ in range(max_new_tokens):
        top2 = torch.topk(logits[0, -1], 2)
        min_margin = min(min_margin, float(top2.values[0] - top2.values[1]))
        nxt = int(top2.indices[0])
        out.append(nxt)
        if nxt in eos_ids:
            break
        mask = torch.cat([mask, torch.ones((1, 1), dtype=mask.dtype)], dim=1)
        pos = torch.tensor([[mask.shape[1] - 1]])
        logits, past = model(torch.tensor([[nxt]]), mask, pos, past)
    return out, min_margin


@torch.no_grad()
def batched_greedy(model: LlamaForCausalLM, prompts: list[list[int]], eos_ids: set[int],
                   max_new_tokens: int, pad_id: int) -> list[list[int]]:
    """Left-padded batched greedy decoding, for fast accuracy evaluation (not for goldens)."""
    b = len(prompts)
    width = max(len(p) for p in prompts)
    ids = torch.full((b, width), pad_id, dtype=torch.long)
    mask = torch.zeros((b, width), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, width - len(p):] = torch.tensor(p)
        mask[i, width - len(p):] = 1
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    logits, past = model(ids, mask, pos)
    outs: list[list[int]] = [[] for _ in range(b)]
    done = [False] * b
    for _ in range(max_new_tokens):
        nxt = logits[:, -1].argmax(-1)
        for i in range(b):
            if not done[i]:
                outs[i].append(int(nxt[i]))
                done[i] = int(nxt[i]) in eos_ids
        if all(done):
            break
        mask = torch.cat([mask, torch.ones((b, 1), dtype=mask.dtype)], dim=1)
        pos = (mask.sum(-1, keepdim=True) - 1)
        logits, past = model(nxt[:, None], mask, pos, past)
    return outs
