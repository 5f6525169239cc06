"""Build the bundled embedding model end to end: corpus -> tokenizer -> contrastive training ->
ONNX export -> q8 -> retrieval report (against BM25) -> golden vectors -> proposed catalog entry.

    /usr/bin/python3 tools/embed/build.py              # everything, from scratch
    /usr/bin/python3 tools/embed/build.py --golden     # report, goldens and catalog entry from the committed ONNX
    /usr/bin/python3 tools/embed/build.py --quick DIR  # smoke run: 30 steps, everything written under DIR

Deterministic: fixed seeds, and torch (and OpenBLAS) on one thread. See tools/embed/README.md.
"""
from __future__ import annotations

import os

# One thread, set before torch loads OpenBLAS: on this shared two-core machine two OpenMP threads
# ran the small kernels of this model about five times slower than one (they wait on each other
# whenever another process holds a core), and float summation order depends on the thread count.
THREADS = 1
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bert import BertConfig  # noqa: E402
from export_onnx import OPSET, export  # noqa: E402
from golden import DTYPE_FILES, load_reference, make_golden  # noqa: E402
from pairs import build_corpus  # noqa: E402
from quantize_q8 import to_q8  # noqa: E402
from report import retrieval_report, retrieval_set  # noqa: E402
from train import Encoder, train  # noqa: E402
from wordpiece import CLS, MASK, PAD, SEP, UNK, WordPiece  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL_ID = "pocket-embed"
NAME = "Pocket Embed"
VOCAB_SIZE = 2048
CONFIG = dict(hidden_size=128, num_hidden_layers=2, num_attention_heads=4, intermediate_size=512,
              max_position_embeddings=256)
TRAINING = dict(steps=1000, batch_size=64, lr=1e-3, seed=21)
QUICK_STEPS = 30


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path: str, data: object) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")


def read_json(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_configs(cfg: BertConfig, out: str, tok: WordPiece) -> None:
    write_json(os.path.join(out, "config.json"), {
        "architectures": ["BertModel"], "model_type": "bert",
        "vocab_size": cfg.vocab_size, "hidden_size": cfg.hidden_size, "num_hidden_layers": cfg.num_hidden_layers,
        "num_attention_heads": cfg.num_attention_heads, "intermediate_size": cfg.intermediate_size,
        "hidden_act": "gelu", "hidden_dropout_prob": cfg.hidden_dropout_prob,
        "attention_probs_dropout_prob": cfg.attention_probs_dropout_prob,
        "max_position_embeddings": cfg.max_position_embeddings, "type_vocab_size": cfg.type_vocab_size,
        "initializer_range": cfg.initializer_range, "layer_norm_eps": cfg.layer_norm_eps,
        "position_embedding_type": "absolute", "pad_token_id": tok.vocab[PAD], "torch_dtype": "float32",
    })
    write_json(os.path.join(out, "tokenizer.json"), tok.to_tokenizer_json())
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "tokenizer_class": "BertTokenizer", "do_lower_case": True, "strip_accents": None,
        "tokenize_chinese_chars": True, "clean_up_tokenization_spaces": True,
        "cls_token": CLS, "sep_token": SEP, "pad_token": PAD, "unk_token": UNK, "mask_token": MASK,
        "model_max_length": cfg.max_position_embeddings,
    })


def config_from_json(path: str) -> BertConfig:
    c = read_json(path)
    return BertConfig(c["vocab_size"], c["hidden_size"], c["num_hidden_layers"], c["num_attention_heads"],
                      c["intermediate_size"], c["max_position_embeddings"], c["type_vocab_size"], c["layer_norm_eps"])


def catalog_entry(cfg: BertConfig, out: str, n_params: int) -> dict:
    def file_entry(rel: str) -> dict:
        path = os.path.join(out, rel)
        return {"path": rel, "bytes": os.path.getsize(path), "sha256": sha256(path)}

    return {
        "id": MODEL_ID,
        "name": NAME,
        "source": {"kind": "bundled", "path": f"models/{MODEL_ID}"},
        "architecture": "bert",
        "parameters": n_params,
        "contextLength": cfg.max_position_embeddings,
        "license": "MIT",
        # Task tags are what a chat model is good at; an embedder has none, its pipeline says what it is.
        "tasks": [],
        "task": "feature-extraction",
        # A rough need written by hand (the weights are a few MB): any device that runs the page.
        "minRamGb": 1,
        "embedding": {"dimensions": cfg.hidden_size, "pooling": "mean", "normalize": True},
        "files": [file_entry(f) for f in ("config.json", "tokenizer.json", "tokenizer_config.json")],
        "variants": [{"dtype": dtype, "files": [file_entry(f"onnx/{file}")]} for dtype, file in DTYPE_FILES.items()],
        "notes": f"Tiny BERT-style sentence encoder ({cfg.num_hidden_layers} layers, hidden {cfg.hidden_size}, "
                 f"{cfg.hidden_size}-dimensional vectors) trained here contrastively on synthetic question-passage "
                 "and paraphrase pairs. Mean pooling, normalised. It knows only the words of its corpus: on other text, keyword search (BM25) carries.",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--golden", action="store_true", help="only the report, goldens and catalog entry")
    parser.add_argument("--quick", metavar="DIR", help="smoke run, everything written under DIR")
    args = parser.parse_args()
    torch.set_num_threads(THREADS)
    base = args.quick or ROOT
    out = os.path.join(base, "public", "models", MODEL_ID)
    embed_dir = os.path.join(base, "tools", "embed") if args.quick else HERE
    report_path = os.path.join(embed_dir, "reports", f"{MODEL_ID}.json")

    corpus = build_corpus()
    if args.golden:
        tok = WordPiece.from_tokenizer_json(os.path.join(out, "tokenizer.json"))
        cfg = config_from_json(os.path.join(out, "config.json"))
        training = read_json(report_path)["training"]
    else:
        # Only trained text shapes the vocabulary: held-out facts may fall apart into pieces.
        texts = [p for f in corpus.train_facts for p in f.passages] + \
                [q for qs in corpus.train_questions.values() for q in qs]
        tok = WordPiece.train(texts, VOCAB_SIZE)
        cfg = BertConfig(len(tok.tokens), **CONFIG)
        steps = QUICK_STEPS if args.quick else TRAINING["steps"]
        print(f"== {MODEL_ID}: training {steps} steps", flush=True)
        started = time.time()
        model = train(cfg, corpus, Encoder(tok, cfg.max_position_embeddings), steps=steps,
                      batch_size=TRAINING["batch_size"], lr=TRAINING["lr"], seed=TRAINING["seed"])
        training = {**TRAINING, "steps": steps, "seconds": round(time.time() - started), "threads": THREADS,
                    "pairs_per_step": TRAINING["batch_size"], "train_facts": len(corpus.train_facts),
                    "train_questions": sum(len(q) for q in corpus.train_questions.values())}
        os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
        export(model, os.path.join(out, "onnx", "model.onnx"))
        print(f"  q8: {to_q8(os.path.join(out, 'onnx', 'model.onnx'), os.path.join(out, 'onnx', 'model_quantized.onnx'))} MatMuls")
        write_configs(cfg, out, tok)

    print(f"== {MODEL_ID}: retrieval report", flush=True)
    sets = retrieval_set(corpus)
    write_json(os.path.join(embed_dir, "golden", f"{MODEL_ID}-retrieval.json"), sets)
    models = {dtype: load_reference(cfg, os.path.join(out, "onnx", file)) for dtype, file in DTYPE_FILES.items()}
    n_params = models["fp32"].num_parameters()
    report = {
        "id": MODEL_ID, "parameters": n_params, "config": cfg.to_dict(), "opset": OPSET,
        "vocabulary": len(tok.tokens), "training": training,
        "retrieval": retrieval_report(sets, models, Encoder(tok, cfg.max_position_embeddings)),
    }
    write_json(report_path, report)
    for pool, splits in report["retrieval"].items():
        for split, methods in splits.items():
            print(f"  {pool}/{split}: " + ", ".join(f"{m} {a['hit@1']:.3f}" for m, a in methods.items() if m != "by_family"))
    print(f"== {MODEL_ID}: golden", flush=True)
    write_json(os.path.join(embed_dir, "golden", f"{MODEL_ID}.json"), make_golden(cfg, tok, os.path.join(out, "onnx")))
    write_json(os.path.join(embed_dir, "catalog-entry.json"), catalog_entry(cfg, out, n_params))
    print("done")


if __name__ == "__main__":
    main()
