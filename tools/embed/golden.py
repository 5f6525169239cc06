"""Golden references: for fixed sentences, the input ids of the Python reference tokenizer and the
mean-pooled, L2-normalised vectors PyTorch computes with the exact weights stored in each ONNX
file (q8 weights dequantized as the kernel does). No ONNX runtime is involved, so the goldens are
an independent reference for transformers.js on any backend.
"""
from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from bert import BertConfig, BertModel, mean_pool_normalize
from quantize_q8 import SUFFIXES, dequantize
from wordpiece import WordPiece

DTYPE_FILES = {"fp32": "model.onnx", "q8": "model_quantized.onnx"}

# The workshop's three sentences, questions about them, other families, and inputs that exercise
# the normalizer (case, accents, curly quotes, symbols), [UNK], the empty string and a long chunk.
GOLDEN_SENTENCES = [
    "Foundry Local runs AI models on your own device and exposes an OpenAI-compatible API.",
    "Retrieval-augmented generation grounds a model's answers in documents you provide.",
    "Small language models trade some quality for speed and can run on a laptop.",
    "How can I run an AI model on my own computer?",
    "What does RAG mean?",
    "Can a language model run on a laptop?",
    "What is the capital of France?",
    "Which animal barks?",
    "To make tea, pour boiling water over a tea bag and let it steep for three minutes.",
    "Crème brûlée at the Café Zoë costs €7.50 — “delicious”, they say!",
    "Emoji 🙂 and 日本語 text become unknown pieces.",
    "",
    ("Foundry Local runs AI models on your own device and exposes an OpenAI-compatible API. "
     "Retrieval-augmented generation grounds a model's answers in documents you provide. "
     "Small language models trade some quality for speed and can run on a laptop. "
     "The capital of France is Paris. A hammer is used to drive nails into wood. "
     "Water boils at one hundred degrees celsius at sea level. Bees make honey from the nectar of flowers. "
     "To save a file, press control and s, or choose save from the file menu. "
     "WebGPU is a browser API that lets web pages run computations on the graphics card. "
     "Quantization stores model weights with fewer bits, such as 8 or 4, to make the model smaller and faster."),
]


def state_dict_from_onnx(path: str) -> dict[str, torch.Tensor]:
    """Parameter name -> float tensor, undoing the transpose and quantization of MatMul weights."""
    graph = onnx.load(path).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    weights: dict[str, np.ndarray] = {}
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and node.input[0] in inits:
            weights[node.input[0].removesuffix("_q8")] = dequantize(inits[node.input[0]], inits[node.input[1]])
    for name, value in inits.items():
        if name.startswith(("embeddings.", "encoder.")) and not name.endswith(SUFFIXES):
            weights[name] = value
    state: dict[str, torch.Tensor] = {}
    for name, value in weights.items():
        if name.endswith("_t"):
            name, value = name[:-2], value.T
        state[name] = torch.from_numpy(np.array(value, dtype=np.float32, order="C", copy=True))
    return state


def load_reference(cfg: BertConfig, onnx_path: str) -> BertModel:
    model = BertModel(cfg)
    model.load_state_dict(state_dict_from_onnx(onnx_path), strict=True)
    model.eval()
    return model


def sentence_vector(model: BertModel, ids: list[int]) -> list[float]:
    x = torch.tensor([ids])
    mask = torch.ones_like(x)
    with torch.no_grad():
        v = mean_pool_normalize(model(x, mask, torch.zeros_like(x)), mask)[0]
    return [round(float(f), 7) for f in v]


def make_golden(cfg: BertConfig, tok: WordPiece, onnx_dir: str) -> dict:
    models = {dtype: load_reference(cfg, f"{onnx_dir}/{file}") for dtype, file in DTYPE_FILES.items()}
    cases = []
    for text in GOLDEN_SENTENCES:
        ids = tok.encode(text, cfg.max_position_embeddings)
        cases.append({"text": text, "input_ids": ids,
                      "vectors": {dtype: sentence_vector(m, ids) for dtype, m in models.items()}})
    return {
        "reference": "PyTorch, batch 1, the weights of each ONNX file; mean pooling over the attention mask, "
                     "then L2 normalisation",
        "pooling": "mean",
        "normalize": True,
        "dimensions": cfg.hidden_size,
        "cases": cases,
    }
