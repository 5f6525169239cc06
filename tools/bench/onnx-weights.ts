/**
 * What one decode step of an ONNX decoder must read from memory, from the model file alone: its
 * weights and the KV cache per position. This is the numerator of "% of the bandwidth ceiling".
 *
 * Every initializer counts in full, once per step (a decode step touches every matmul weight,
 * norm and bias), except tables that are only ever gathered from: `Gather` data, the data, scales
 * and zero points of `GatherBlockQuantized` (embeddings), and the rotary cos/sin caches of
 * `GroupQueryAttention` and `RotaryEmbedding` (read at the step's position). Of those a step reads
 * one row. A table that is also multiplied (tied embeddings as the LM head) counts in full.
 * The KV cache: the graph's `past_key_values.*` inputs, element size times their fixed dimensions
 * (batch 1), per position of context.
 *
 * Node-only (reads the file); never bundled.
 */
import { ProtoFile, type Field } from './onnx-proto';

export interface OnnxWeights {
  /** Elements over all initializers (the parameter count for a plain export). */
  parameters: number;
  /** Bytes read in full on every step. */
  streamedBytes: number;
  /** Bytes of the gathered-from tables (embeddings), of which a step reads one row each. */
  gatheredTableBytes: number;
  /** Bytes a step reads of those tables: one row of each. */
  gatheredRowBytes: number;
  /** KV cache bytes per position of context, over all layers, keys and values. */
  kvBytesPerPosition: number;
  /** Nodes in the graph, and how many of each operator (`domain:op`; how much per-step bookkeeping there is). */
  nodes: number;
  ops: Record<string, number>;
}

/** Bytes per element of ONNX TensorProto data types; 4-bit types are half a byte. */
const ELEMENT_BYTES: Record<number, number> = {
  1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 14: 8, 15: 16, 16: 2,
  17: 1, 18: 1, 19: 1, 20: 1, 21: 0.5, 22: 0.5, 23: 0.5,
}; // prettier-ignore

/** Consumer inputs that are read one row per step (by domain and operator, the input positions). */
const ROW_INPUTS: Record<string, readonly number[]> = {
  ':Gather': [0],
  'com.microsoft:GatherBlockQuantized': [0, 2, 3],
  'com.microsoft:GroupQueryAttention': [7, 8],
  'com.microsoft:RotaryEmbedding': [2, 3],
};

interface Initializer {
  name: string;
  dims: number[];
  bytes: number;
}

function elementBytes(dataType: number): number {
  const size = ELEMENT_BYTES[dataType];
  if (size === undefined) throw new Error(`unsupported ONNX tensor data type ${dataType}`);
  return size;
}

function readInitializer(file: ProtoFile, tensor: Field): Initializer {
  let name = '';
  const dims: number[] = [];
  let dataType = 0;
  let rawBytes: number | null = null;
  let externalLength: number | null = null;
  for (const f of file.fields(tensor.start, tensor.end)) {
    if (f.number === 1) dims.push(...file.packedVarints(f));
    else if (f.number === 2) dataType = f.value;
    else if (f.number === 8) name = file.string(f);
    else if (f.number === 9) rawBytes = f.end - f.start;
    else if (f.number === 13) {
      // external_data: key/value entries; "length" is the payload's size when given.
      let key = '';
      let value = '';
      for (const e of file.fields(f.start, f.end)) {
        if (e.number === 1) key = file.string(e);
        else if (e.number === 2) value = file.string(e);
      }
      if (key === 'length') externalLength = Number(value);
    }
  }
  const elements = dims.reduce((a, b) => a * b, 1);
  const bytes = rawBytes ?? externalLength ?? Math.ceil(elements * elementBytes(dataType));
  return { name, dims, bytes };
}

interface Node {
  /** `domain:op_type`; the default domain is empty (`:Gather`). */
  op: string;
  inputs: string[];
}

function readNode(file: ProtoFile, node: Field): Node {
  const inputs: string[] = [];
  let opType = '';
  let domain = '';
  for (const f of file.fields(node.start, node.end)) {
    if (f.number === 1) inputs.push(file.string(f));
    else if (f.number === 4) opType = file.string(f);
    else if (f.number === 7) domain = file.string(f);
  }
  return { op: `${domain === 'ai.onnx' ? '' : domain}:${opType}`, inputs };
}

/** Bytes per position of one graph input, if it is a KV cache input; else 0. */
function kvInputBytes(file: ProtoFile, input: Field): number {
  let name = '';
  let perPosition = 0;
  for (const f of file.fields(input.start, input.end)) {
    if (f.number === 1) name = file.string(f);
    if (f.number !== 2) continue;
    for (const t of file.fields(f.start, f.end)) {
      if (t.number !== 1) continue; // tensor_type
      let elem = 0;
      let fixed = 1;
      for (const tf of file.fields(t.start, t.end)) {
        if (tf.number === 1) elem = tf.value;
        if (tf.number !== 2) continue;
        for (const dim of file.fields(tf.start, tf.end)) {
          for (const d of file.fields(dim.start, dim.end)) if (d.number === 1 && d.value > 0) fixed *= d.value;
        }
      }
      perPosition = elem ? elementBytes(elem) * fixed : 0;
    }
  }
  return /^past_key_values\.|^past\./.test(name) ? perPosition : 0;
}

/** Reads the weights and KV layout of the ONNX file at `path`. */
export function readOnnxWeights(path: string): OnnxWeights {
  return ProtoFile.with(path, (file) => {
    const graph = [...file.fields()].find((f) => f.number === 7);
    if (!graph) throw new Error(`${path} is not an ONNX model: it has no graph`);
    const initializers: Initializer[] = [];
    const nodes: Node[] = [];
    let kvBytesPerPosition = 0;
    for (const f of file.fields(graph.start, graph.end)) {
      if (f.number === 1) nodes.push(readNode(file, f));
      else if (f.number === 5) initializers.push(readInitializer(file, f));
      else if (f.number === 11) kvBytesPerPosition += kvInputBytes(file, f);
    }
    // An initializer is a gathered table when every use of it is a row input of a gather.
    const onlyGathered = new Map<string, boolean>();
    for (const node of nodes) {
      node.inputs.forEach((input, i) => {
        const rowInput = ROW_INPUTS[node.op]?.includes(i) ?? false;
        onlyGathered.set(input, (onlyGathered.get(input) ?? true) && rowInput);
      });
    }
    const weights: OnnxWeights = {
      parameters: 0,
      streamedBytes: 0,
      gatheredTableBytes: 0,
      gatheredRowBytes: 0,
      kvBytesPerPosition,
      nodes: nodes.length,
      ops: {},
    };
    for (const init of initializers) {
      weights.parameters += init.dims.reduce((a, b) => a * b, 1);
      const gathered = onlyGathered.get(init.name);
      // An initializer no node reads is not read at run time (ONNX Runtime drops it).
      if (gathered === undefined) continue;
      if (gathered && init.dims.length > 1) {
        weights.gatheredTableBytes += init.bytes;
        weights.gatheredRowBytes += init.bytes / init.dims[0]!;
      } else {
        weights.streamedBytes += init.bytes;
      }
    }
    for (const node of nodes) weights.ops[node.op] = (weights.ops[node.op] ?? 0) + 1;
    return weights;
  });
}
