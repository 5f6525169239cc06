"""Weight quantization in the hub's forms, and the exact arithmetic of the kernels that run them.

q4: com.microsoft MatMulNBits, 4 bits, block 32, symmetric (no zero points: the kernel's default
    zero point is 8), fp32 compute (no accuracy_level). This is what ONNX Runtime's
    MatMul4BitsQuantizer writes with transformers.js' defaults (scripts/quantize.py: q4, block 32,
    is_symmetric). Embeddings stay float (a Gather, not a MatMul).
q8: dynamic quantization as ONNX Runtime's quantize_dynamic writes it for a model with
    GroupQueryAttention (transformers.js' q8 then picks QUInt8 weights, per tensor):
    weights uint8 with one scale and zero point per tensor; activations quantized at run time by
    DynamicQuantizeLinear (uint8, per tensor); MatMulInteger accumulates in int32; Cast and Mul
    apply the two scales. Embeddings are uint8 too (Gather, then DequantizeLinear).

Everything here is numpy with float32 arithmetic, so that the writer (hub_graph.py) and the
independent reference (reference.py, PyTorch) agree on every stored byte.
"""
from __future__ import annotations

import numpy as np

BLOCK = 32
Q4_DEFAULT_ZERO_POINT = 8


def quantize_q4_symmetric(w_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[K, N] float -> (B uint8 [N, K/32, 16], scales float32 [N * K/32]).

    Per block of 32 input rows of one output column, the value of largest magnitude maps to code 0
    (scale = that value / -8), as MLAS' symmetric blockwise quantizer does; codes are 0..15 around
    the implicit zero point 8, two per byte, low nibble first."""
    k, n = w_t.shape
    if k % BLOCK:
        raise ValueError(f"K={k} is not a multiple of the block size {BLOCK}")
    blocks = k // BLOCK
    cols = np.ascontiguousarray(w_t.T, dtype=np.float32).reshape(n, blocks, BLOCK)
    lo, hi = cols.min(axis=2), cols.max(axis=2)
    extreme = np.where(np.abs(hi) > np.abs(lo), hi, lo).astype(np.float32)
    scale = (extreme / np.float32(-8.0)).astype(np.float32)
    safe = np.where(scale == 0, np.float32(1.0), scale)
    q = np.where(scale[..., None] == 0, Q4_DEFAULT_ZERO_POINT,
                 np.clip(np.rint(cols / safe[..., None]) + Q4_DEFAULT_ZERO_POINT, 0, 15)).astype(np.uint8)
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)
    return packed, scale.reshape(-1)


def dequantize_q4(b: np.ndarray, scales: np.ndarray, k: int, n: int) -> np.ndarray:
    """The [K, N] float32 weight MatMulNBits (no zero points) multiplies by: (code - 8) * scale."""
    blocks = k // BLOCK
    q = np.empty((n, blocks, BLOCK), np.uint8)
    q[..., 0::2] = b.reshape(n, blocks, BLOCK // 2) & 0x0F
    q[..., 1::2] = b.reshape(n, blocks, BLOCK // 2) >> 4
    w = (q.astype(np.float32) - np.float32(Q4_DEFAULT_ZERO_POINT)) * scales.reshape(n, blocks)[..., None].astype(np.float32)
    return np.ascontiguousarray(w.reshape(n, k).T, dtype=np.float32)


def quantize_u8_tensor(w: np.ndarray) -> tuple[np.ndarray, np.float32, np.uint8]:
    """Any-shape float -> (uint8 codes, scale, zero point), asymmetric over the whole tensor, its
    range widened to include 0 (ONNX Runtime's quantizer for QUInt8 weights)."""
    w = np.asarray(w, dtype=np.float32)
    lo = np.float32(min(float(w.min()), 0.0))
    hi = np.float32(max(float(w.max()), 0.0))
    scale = np.float32((hi - lo) / np.float32(255.0)) if hi > lo else np.float32(1.0)
    zp = np.uint8(np.clip(np.rint(-lo / scale), 0, 255))
    q = np.clip(np.rint(w / scale) + np.float32(zp), 0, 255).astype(np.uint8)
    return q, scale, zp


def dequantize_u8(q: np.ndarray, scale: np.float32, zp: np.uint8) -> np.ndarray:
    """DequantizeLinear: (code - zero point) * scale, in float32."""
    return ((q.astype(np.int32) - int(zp)).astype(np.float32) * np.float32(scale)).astype(np.float32)
