"""Write a test fixture laid out like the sharded hub repositories (onnx-community/gpt-oss-20b-ONNX,
onnx-community/Phi-4-mini-instruct-ONNX-GQA): the graph as `onnx/model_q4f16.onnx`, its
initializers in external data chunks `model_q4f16.onnx_data`, `model_q4f16.onnx_data_1`, ..., and
config.json saying how many chunks there are (`transformers.js_config.use_external_data_format`).

The weights are pocket-chat-1m's fp32 weights, unchanged, under the q4f16 file name: a stand-in for
the layout (real file names and sharding, small enough to run here), not a q4f16 model. So its
greedy answers equal pocket-chat-1m's fp32 golden.

    /usr/bin/python3 tools/models/shard_external_data.py          # writes tests/fixtures/hub/sharded-pocket-chat-1m/

Deterministic: the same source gives the same bytes (initializers in graph order, each chunk filled
in that order, no timestamps). Needs Debian's python3-onnx (1.12) for /usr/bin/python3.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil

import onnx
from onnx import TensorProto, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCE = os.path.join(ROOT, "public", "models", "pocket-chat-1m")
OUT = os.path.join(ROOT, "tests", "fixtures", "hub", "sharded-pocket-chat-1m")
ROOT_FILES = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"]
MODEL_NAME = "model_q4f16.onnx"


def chunk_name(index: int) -> str:
    """transformers.js' names: model.onnx_data, model.onnx_data_1, model.onnx_data_2, ..."""
    return f"{MODEL_NAME}_data" if index == 0 else f"{MODEL_NAME}_data_{index}"


def raw_bytes(tensor: TensorProto) -> bytes:
    """The tensor's little-endian bytes, whichever field the exporter stored them in."""
    if tensor.HasField("raw_data"):
        return tensor.raw_data
    return numpy_helper.to_array(tensor).tobytes()


def assign_chunks(sizes: list[int], chunks: int) -> list[int]:
    """
    Chunk index per tensor, in graph order: a tensor goes to the chunk its midpoint falls in when
    the bytes are laid end to end and cut into `chunks` equal parts. Exporters fill chunks in graph
    order too (up to a size limit); this keeps them balanced and contiguous.
    """
    total = sum(sizes)
    out = []
    before = 0
    for size in sizes:
        out.append(min(chunks - 1, (2 * before + size) * chunks // (2 * total)))
        before += size
    for index in range(chunks):
        if index not in out:
            raise SystemExit(f"chunk {index} would be empty: {len(sizes)} tensors cannot fill {chunks} chunks")
    return out


# Tensors smaller than this stay inside the graph, as onnx.external_data_helper and the hub's
# exporters leave them (its size_threshold default): ONNX Runtime's shape inference must read small
# constants such as a ReduceSum's axes from the graph itself and refuses them from external data.
INLINE_BELOW = 1024


def shard(model: onnx.ModelProto, chunks: int) -> tuple[list[bytearray], list[list[str]]]:
    """Moves every initializer of INLINE_BELOW bytes or more into the chunk files' bytes; returns
    them and the names per chunk."""
    tensors = [t for t in model.graph.initializer if len(raw_bytes(t)) >= INLINE_BELOW]
    data = [raw_bytes(t) for t in tensors]
    where = assign_chunks([len(d) for d in data], chunks)
    buffers = [bytearray() for _ in range(chunks)]
    names: list[list[str]] = [[] for _ in range(chunks)]
    for tensor, payload, index in zip(tensors, data, where):
        offset = len(buffers[index])
        buffers[index] += payload
        names[index].append(tensor.name)
        # The same fields onnx.external_data_helper writes: location relative to the .onnx file.
        tensor.ClearField("raw_data")
        tensor.ClearField("float_data")
        tensor.ClearField("int32_data")
        tensor.ClearField("int64_data")
        tensor.ClearField("double_data")
        tensor.ClearField("uint64_data")
        tensor.ClearField("external_data")
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (("location", chunk_name(index)), ("offset", str(offset)), ("length", str(len(payload)))):
            entry = tensor.external_data.add()
            entry.key = key
            entry.value = value
    return buffers, names


def check(out_onnx: str, source: onnx.ModelProto) -> None:
    """Reads the written model back with its external data: every initializer equals the source's.

    No onnx.checker: the hub form uses SimplifiedLayerNormalization, which ONNX Runtime registers in
    the default domain and the onnx package does not know. Running it is the check
    (tests/node/sharded-external-data.test.ts, against the fp32 golden)."""
    written = onnx.load(out_onnx, load_external_data=True)
    expected = {t.name: raw_bytes(t) for t in source.graph.initializer}
    got = {t.name: raw_bytes(t) for t in written.graph.initializer}
    if got != expected:
        raise SystemExit("the sharded model's initializers differ from the source's")


def readme(chunks: list[bytearray], names: list[list[str]], graph_bytes: int) -> str:
    rows = "\n".join(
        f"| `onnx/{chunk_name(i)}` | {len(c):,} | {len(n)} | `{n[0]}` … `{n[-1]}` |" for i, (c, n) in enumerate(zip(chunks, names))
    )
    return f"""# sharded-pocket-chat-1m: a layout stand-in for sharded hub repositories

Generated by `tools/models/shard_external_data.py`; do not edit (run the tool again).

Laid out like `onnx-community/gpt-oss-20b-ONNX` (`onnx/model_q4f16.onnx` with its external data in
several chunks) and `onnx-community/Phi-4-mini-instruct-ONNX-GQA` (`model_q4f16.onnx_data` and
`model_q4f16.onnx_data_1`): the graph in `onnx/{MODEL_NAME}` ({graph_bytes:,} bytes), every
initializer of {INLINE_BELOW} bytes or more in one of three external data files (smaller constants stay
in the graph, as exporters leave them), and config.json saying so, as real repositories
do: `"transformers.js_config": {{"use_external_data_format": {{"{MODEL_NAME}": {len(chunks)}}}}}`.

**The weights are pocket-chat-1m's fp32 weights, under the q4f16 file name.** It is a stand-in
for the layout (the real file names and sharding, small enough to run here), not a q4f16 model:
nothing in it is 4-bit or fp16, so it runs on WASM and on WebGPU without shader-f16, and its
greedy answers must equal pocket-chat-1m's **fp32** golden (`tools/models/golden/pocket-chat-1m.json`,
read by `readGolden` in `tests/support/paths.ts`).

| file | bytes | tensors | first … last |
|---|---:|---:|---|
{rows}

Tensors are assigned in graph order, each to the third of the laid-out bytes its midpoint falls
in, so the chunks are contiguous, non-empty and roughly balanced. It lives under tests/, not
public/, so it never ships with the app.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=SOURCE, help="a model folder with onnx/model.onnx (fp32, weights inside)")
    parser.add_argument("--out", default=OUT, help="the fixture folder to (re)write")
    parser.add_argument("--chunks", type=int, default=3, help="how many external data files")
    args = parser.parse_args()
    if args.chunks < 1:
        raise SystemExit("--chunks must be at least 1")

    source = onnx.load(os.path.join(args.source, "onnx", "model.onnx"), load_external_data=True)
    model = onnx.ModelProto()
    model.CopyFrom(source)
    chunks, names = shard(model, args.chunks)

    # Rewritten from scratch, so a file of an earlier run (another chunk count) cannot linger.
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(os.path.join(args.out, "onnx"))
    for name in ROOT_FILES:
        shutil.copyfile(os.path.join(args.source, name), os.path.join(args.out, name))
    config_path = os.path.join(args.out, "config.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config["transformers.js_config"] = {"use_external_data_format": {MODEL_NAME: args.chunks}}
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
        f.write("\n")

    out_onnx = os.path.join(args.out, "onnx", MODEL_NAME)
    graph = model.SerializeToString()
    with open(out_onnx, "wb") as f:
        f.write(graph)
    for index, data in enumerate(chunks):
        with open(os.path.join(args.out, "onnx", chunk_name(index)), "wb") as f:
            f.write(data)
    check(out_onnx, source)
    with open(os.path.join(args.out, "README.md"), "w", encoding="utf-8") as f:
        f.write(readme(chunks, names, len(graph)))

    for rel in [*ROOT_FILES, f"onnx/{MODEL_NAME}", *(f"onnx/{chunk_name(i)}" for i in range(args.chunks))]:
        with open(os.path.join(args.out, rel), "rb") as f:
            body = f.read()
        print(f"{rel:40} {len(body):>9,}  sha256 {hashlib.sha256(body).hexdigest()}")


if __name__ == "__main__":
    main()
