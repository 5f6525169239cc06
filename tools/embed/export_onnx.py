"""Export the encoder to the ONNX layout transformers.js loads as `model_type: "bert"`.

Inputs:  input_ids, attention_mask, token_type_ids  (int64, [batch_size, sequence_length])
Output:  last_hidden_state                          (float32, [batch_size, sequence_length, hidden])
transformers.js' feature-extraction pipeline pools `last_hidden_state` itself (mean over the
attention mask, then L2 normalisation), so the graph holds no pooling.
"""
from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from bert import BertModel

OPSET = 14


def export(model: BertModel, path: str) -> None:
    cfg = model.cfg
    # Batch 2, 5 tokens: no axis has size 1, so none gets specialised.
    ids = torch.randint(5, cfg.vocab_size, (2, 5))
    mask = torch.ones((2, 5), dtype=torch.long)
    mask[1, 3:] = 0
    types = torch.zeros_like(ids)
    axes = {0: "batch_size", 1: "sequence_length"}
    with torch.no_grad():
        torch.onnx.export(
            model, (ids, mask, types), path, opset_version=OPSET,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                          "last_hidden_state": axes},
            do_constant_folding=True,
        )
    _name_weights(path, model)


def _name_weights(path: str, model: BertModel) -> None:
    """Give every weight initializer its Hugging Face parameter name, so the quantizer and the
    golden reference find weights by name. Linear weights are stored transposed ([in, out]) as
    MatMul inputs and get a `_t` suffix to say so."""
    graph = onnx.load(path)
    params = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    renames: dict[str, str] = {}
    for init in graph.graph.initializer:
        value = numpy_helper.to_array(init)
        for name, param in params.items():
            if value.shape == param.shape and np.array_equal(value, param):
                renames[init.name] = name
            elif param.ndim == 2 and name.endswith(".weight") and "embeddings" not in name \
                    and value.shape == param.T.shape and np.array_equal(value, param.T):
                renames[init.name] = f"{name}_t"
    if len(set(renames.values())) != len(renames):
        raise RuntimeError("two initializers hold the same values: their parameter names are ambiguous")
    found = {r.removesuffix("_t") for r in renames.values()}
    missing = sorted(set(params) - found)
    if missing:
        raise RuntimeError(f"could not locate every weight in the exported graph: {missing}")
    for init in graph.graph.initializer:
        init.name = renames.get(init.name, init.name)
    for node in graph.graph.node:
        node.input[:] = [renames.get(i, i) for i in node.input]
    onnx.checker.check_model(graph)
    onnx.save(graph, path)
