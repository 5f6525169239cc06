"""Weight-only quantization of the exported fp32 graph, with the `onnx` package alone (Python
onnxruntime is not installable here).

q4: every MatMul with a constant [K, N] weight becomes com.microsoft MatMulNBits (4 bits, block
    32, asymmetric with zero points) - the layout ORT's own MatMul4BitsQuantizer writes.
q8: every such weight becomes int8 with one scale per output column, DequantizeLinear -> MatMul.
Embeddings stay fp32 (a Gather, not a MatMul).

`dequantize_q4` / `dequantize_q8` give back the exact float weights each kernel computes with;
the golden reference runs PyTorch on those.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

BLOCK = 32


def quantize_q4_block(w_t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[K, N] float -> (B uint8 [N, K/32, 16], scales float32 [N*K/32], zero points uint8 packed)."""
    k, n = w_t.shape
    if k % BLOCK:
        raise ValueError(f"K={k} is not a multiple of the block size {BLOCK}")
    blocks = k // BLOCK
    cols = w_t.T.reshape(n, blocks, BLOCK).astype(np.float32)
    # The range always includes 0, as ORT's quantizer does, so zero stays exactly representable.
    lo = np.minimum(cols.min(axis=2), 0.0)
    hi = np.maximum(cols.max(axis=2), 0.0)
    scale = ((hi - lo) / 15.0).astype(np.float32)
    scale[scale == 0] = 1.0
    zp = np.clip(np.round(-lo / scale), 0, 15).astype(np.uint8)
    q = np.clip(np.round(cols / scale[..., None]) + zp[..., None], 0, 15).astype(np.uint8)
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)  # low nibble first
    zp_cols = zp if blocks % 2 == 0 else np.concatenate([zp, np.zeros((n, 1), np.uint8)], axis=1)
    zp_packed = (zp_cols[:, 0::2] | (zp_cols[:, 1::2] << 4)).astype(np.uint8).reshape(-1)
    return packed, scale.reshape(-1), zp_packed


def dequantize_q4(b: np.ndarray, scales: np.ndarray, zp_packed: np.ndarray, k: int, n: int) -> np.ndarray:
    """Inverse of quantize_q4_block: the [K, N] float32 weight MatMulNBits multiplies by."""
    blocks = k // BLOCK
    q = np.empty((n, blocks, BLOCK), np.uint8)
    q[..., 0::2] = b & 0x0F
    q[..., 1::2] = b >> 4
    zp_cols = np.empty((n, blocks + blocks % 2), np.uint8)
    zp_bytes = zp_packed.reshape(n, -1)
    zp_cols[:, 0::2] = zp_bytes & 0x0F
    zp_cols[:, 1::2] = zp_bytes >> 4
    zp = zp_cols[:, :blocks].astype(np.float32)
    w = (q.astype(np.float32) - zp[..., None]) * scales.reshape(n, blocks)[..., None]
    return w.reshape(n, k).T.astype(np.float32)


def quantize_q8_columns(w_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[K, N] float -> (int8 [K, N], float32 scale [N]), symmetric per output column."""
    scale = (np.abs(w_t).max(axis=0) / 127.0).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.clip(np.round(w_t / scale[None, :]), -127, 127).astype(np.int8)
    return q, scale


def dequantize_q8(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return (q.astype(np.float32) * scale[None, :]).astype(np.float32)


def _constant_matmuls(model: onnx.ModelProto) -> list[tuple[onnx.NodeProto, np.ndarray]]:
    inits = {i.name: i for i in model.graph.initializer}
    found = []
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in inits:
            w = numpy_helper.to_array(inits[node.input[1]])
            if w.ndim == 2:
                found.append((node, w))
    return found


def _replace(model: onnx.ModelProto, old: onnx.NodeProto, new_nodes: list[onnx.NodeProto],
             new_inits: list[onnx.TensorProto]) -> None:
    nodes = list(model.graph.node)
    at = nodes.index(old)
    weight_name = old.input[1]
    model.graph.node.remove(old)
    for offset, node in enumerate(new_nodes):
        model.graph.node.insert(at + offset, node)
    kept = [i for i in model.graph.initializer if i.name != weight_name]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept + new_inits)


def to_q4(src: str, dst: str) -> int:
    model = onnx.load(src)
    count = 0
    for node, w_t in _constant_matmuls(model):
        k, n = w_t.shape
        b, scales, zp = quantize_q4_block(w_t)
        name = node.input[1]
        inits = [numpy_helper.from_array(b, f"{name}_q4"),
                 numpy_helper.from_array(scales, f"{name}_scales"),
                 numpy_helper.from_array(zp, f"{name}_zero_points")]
        new = helper.make_node("MatMulNBits", [node.input[0], *(i.name for i in inits)], list(node.output),
                               name=f"{node.name}_Q4", domain="com.microsoft",
                               K=k, N=n, bits=4, block_size=BLOCK)
        _replace(model, node, [new], inits)
        count += 1
    if not any(op.domain == "com.microsoft" for op in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, dst)
    return count


def to_q8(src: str, dst: str) -> int:
    model = onnx.load(src)
    count = 0
    for node, w_t in _constant_matmuls(model):
        q, scale = quantize_q8_columns(w_t)
        name = node.input[1]
        inits = [numpy_helper.from_array(q, f"{name}_q8"),
                 numpy_helper.from_array(scale, f"{name}_scale"),
                 numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), f"{name}_zero_point")]
        deq = helper.make_node("DequantizeLinear", [i.name for i in inits], [f"{name}_dequantized"],
                               name=f"{node.name}_DQ", axis=1)
        mm = helper.make_node("MatMul", [node.input[0], f"{name}_dequantized"], list(node.output),
                              name=node.name)
        _replace(model, node, [deq, mm], inits)
        count += 1
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return count
