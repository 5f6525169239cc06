"""Export a trained model to the ONNX layout transformers.js loads as `model_type: "llama"`.

Inputs:  input_ids, attention_mask, position_ids, past_key_values.{i}.key|value
Outputs: logits, present.{i}.key|value
transformers.js builds the first (empty) KV cache from the graph's input shapes, so the KV-head
and head_dim axes are fixed numbers, the batch axis is named exactly `batch_size`, and the past
length is symbolic.
"""
from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import Tensor, nn

from llama import LlamaForCausalLM

OPSET = 14


class _KvWrapper(nn.Module):
    def __init__(self, model: LlamaForCausalLM):
        super().__init__()
        self.model = model

    def forward(self, input_ids: Tensor, attention_mask: Tensor, position_ids: Tensor, *past_flat: Tensor):
        n = self.model.cfg.num_hidden_layers
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(n)]
        logits, present = self.model(input_ids, attention_mask, position_ids, past)
        return (logits, *[t for kv in present for t in kv])


def export(model: LlamaForCausalLM, path: str) -> None:
    cfg = model.cfg
    n = cfg.num_hidden_layers
    # Batch 2, 3 new tokens, 4 past tokens: no axis has size 1, so none gets specialised.
    b, s, p = 2, 3, 4
    ids = torch.randint(0, cfg.vocab_size, (b, s))
    mask = torch.ones((b, p + s), dtype=torch.long)
    pos = torch.arange(p, p + s)[None, :].expand(b, s).contiguous()
    past = [torch.zeros(b, cfg.num_key_value_heads, p, cfg.head_dim) for _ in range(2 * n)]
    kv_names = [f"past_key_values.{i}.{kind}" for i in range(n) for kind in ("key", "value")]
    present_names = [f"present.{i}.{kind}" for i in range(n) for kind in ("key", "value")]
    dynamic = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
        **{name: {0: "batch_size", 2: "past_sequence_length"} for name in kv_names},
        **{name: {0: "batch_size", 2: "total_sequence_length"} for name in present_names},
    }
    with torch.no_grad():
        torch.onnx.export(
            _KvWrapper(model), (ids, mask, pos, *past), path, opset_version=OPSET,
            input_names=["input_ids", "attention_mask", "position_ids", *kv_names],
            output_names=["logits", *present_names], dynamic_axes=dynamic,
            do_constant_folding=True,
        )
    _name_weights(path, model)


def _name_weights(path: str, model: LlamaForCausalLM) -> None:
    """Give every weight initializer its Hugging Face parameter name, so quantizers and the golden
    reference can find weights by name. MatMul weights are stored transposed ([in, out]) and get
    a `_t` suffix to say so."""
    graph = onnx.load(path)
    params = {f"model.{k}" if k != "lm_head.weight" else k: v.detach().numpy()
              for k, v in model.state_dict().items()}
    renames: dict[str, str] = {}
    for init in graph.graph.initializer:
        value = numpy_helper.to_array(init)
        for name, param in params.items():
            if value.shape == param.shape and np.array_equal(value, param) and param.ndim == 1:
                renames[init.name] = name
            elif param.ndim == 2 and value.shape == param.T.shape and np.array_equal(value, param.T):
                renames[init.name] = f"{name}_t"
            elif param.ndim == 2 and value.shape == param.shape and np.array_equal(value, param) \
                    and name.endswith("embed_tokens.weight"):
                renames[init.name] = name
    expected = sum(1 for p in params.values() if p.ndim in (1, 2))
    if len(set(renames.values())) != expected:
        missing = set(params) - {r.removesuffix("_t") for r in renames.values()}
        raise RuntimeError(f"could not locate every weight in the exported graph: {sorted(missing)}")
    for init in graph.graph.initializer:
        init.name = renames.get(init.name, init.name)
    for node in graph.graph.node:
        node.input[:] = [renames.get(i, i) for i in node.input]
    onnx.checker.check_model(graph)
    onnx.save(graph, path)
