"""q8: int8 weights, one scale per output column, DequantizeLinear -> MatMul, written with the
`onnx` package alone (Python onnxruntime is not installable here). The layout matches the chat
models' q8 files (tools/models/quantize.py); it is kept here so the embedding build does not
depend on that exporter while it changes.

Every MatMul with a constant [K, N] weight is rewritten; the embeddings (Gather) and LayerNorms
stay fp32. `dequantize` gives back the exact float weights the kernel multiplies by.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

SUFFIXES = ("_q8", "_scale", "_zero_point")


def quantize_columns(w_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[K, N] float -> (int8 [K, N], float32 scale [N]), symmetric per output column."""
    scale = (np.abs(w_t).max(axis=0) / 127.0).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.clip(np.round(w_t / scale[None, :]), -127, 127).astype(np.int8)
    return q, scale


def dequantize(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return (q.astype(np.float32) * scale[None, :]).astype(np.float32)


def to_q8(src: str, dst: str) -> int:
    model = onnx.load(src)
    inits = {i.name: i for i in model.graph.initializer}
    replaced: set[str] = set()
    new_inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []
    for node in model.graph.node:
        weight = inits.get(node.input[1]) if node.op_type == "MatMul" else None
        if weight is None or len(weight.dims) != 2:
            nodes.append(node)
            continue
        name = node.input[1]
        if name in replaced:  # a weight shared by two MatMuls is dequantized once
            nodes.append(helper.make_node("MatMul", [node.input[0], f"{name}_dequantized"], list(node.output),
                                          name=node.name))
            continue
        q, scale = quantize_columns(numpy_helper.to_array(weight))
        new_inits += [numpy_helper.from_array(q, f"{name}_q8"), numpy_helper.from_array(scale, f"{name}_scale"),
                      numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), f"{name}_zero_point")]
        nodes.append(helper.make_node("DequantizeLinear", [f"{name}{s}" for s in SUFFIXES], [f"{name}_dequantized"],
                                      name=f"{node.name}_DQ", axis=1))
        nodes.append(helper.make_node("MatMul", [node.input[0], f"{name}_dequantized"], list(node.output),
                                      name=node.name))
        replaced.add(name)
    kept = [i for i in model.graph.initializer if i.name not in replaced]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept + new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return len(replaced)
