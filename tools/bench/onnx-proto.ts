/**
 * A minimal protobuf reader over a file, read in small positional pieces: enough to walk an ONNX
 * model's structure (nodes, initializers, graph inputs) without loading its weights. A benchmark
 * model's fp32 file is over a gigabyte; its structure is a few hundred kilobytes of it, and every
 * weight payload (`raw_data`) is skipped by its length.
 *
 * Node-only (node:fs); never bundled.
 */
import fs from 'node:fs';

/** Protobuf wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

/** One field of a message: its number, wire type, and either its varint value or its byte range. */
export interface Field {
  number: number;
  wireType: number;
  /** The value of a varint field (as a number: ONNX dims and enums fit in 2^53). */
  value: number;
  /** The payload's range in the file, for length-delimited fields. */
  start: number;
  end: number;
}

/** Reads a protobuf-encoded file through a sliding window of positional reads. */
export class ProtoFile {
  private window = Buffer.alloc(0);
  private windowAt = 0;
  readonly size: number;

  constructor(
    private readonly fd: number,
    private readonly windowBytes = 1 << 16,
  ) {
    this.size = fs.fstatSync(fd).size;
  }

  /** Opens `path`, calls `use`, closes it. */
  static with<T>(path: string, use: (file: ProtoFile) => T): T {
    const fd = fs.openSync(path, 'r');
    try {
      return use(new ProtoFile(fd));
    } finally {
      fs.closeSync(fd);
    }
  }

  private byteAt(at: number): number {
    if (at < this.windowAt || at >= this.windowAt + this.window.length) {
      this.window = Buffer.alloc(Math.min(this.windowBytes, this.size - at));
      fs.readSync(this.fd, this.window, 0, this.window.length, at);
      this.windowAt = at;
      if (!this.window.length) throw new Error(`truncated protobuf: read past the end at byte ${at}`);
    }
    return this.window[at - this.windowAt]!;
  }

  /** The varint at `at` and the position after it. */
  varint(at: number): [value: number, next: number] {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.byteAt(at + i);
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return [value, at + i + 1];
    }
    throw new Error(`malformed varint at byte ${at}`);
  }

  /** The bytes in [start, end), read directly (for strings and small payloads). */
  bytes(start: number, end: number): Buffer {
    const out = Buffer.alloc(end - start);
    fs.readSync(this.fd, out, 0, out.length, start);
    return out;
  }

  string(field: Field): string {
    return this.bytes(field.start, field.end).toString('utf8');
  }

  /** Every field of the message in [start, end), in order; payloads are not read. */
  *fields(start = 0, end = this.size): Generator<Field> {
    let at = start;
    while (at < end) {
      const [key, afterKey] = this.varint(at);
      const number = Math.floor(key / 8);
      const wireType = key % 8;
      if (wireType === VARINT) {
        const [value, next] = this.varint(afterKey);
        yield { number, wireType, value, start: afterKey, end: next };
        at = next;
      } else if (wireType === LENGTH_DELIMITED) {
        const [length, payload] = this.varint(afterKey);
        yield { number, wireType, value: length, start: payload, end: payload + length };
        at = payload + length;
      } else if (wireType === FIXED64 || wireType === FIXED32) {
        const width = wireType === FIXED64 ? 8 : 4;
        yield { number, wireType, value: 0, start: afterKey, end: afterKey + width };
        at = afterKey + width;
      } else {
        throw new Error(`unsupported protobuf wire type ${wireType} at byte ${at}`);
      }
      if (at > end) throw new Error(`protobuf field overruns its message at byte ${at}`);
    }
  }

  /** The varints of a repeated integer field: packed (one length-delimited run) or one per field. */
  packedVarints(field: Field): number[] {
    if (field.wireType === VARINT) return [field.value];
    const values: number[] = [];
    for (let at = field.start; at < field.end;) {
      const [value, next] = this.varint(at);
      values.push(value);
      at = next;
    }
    return values;
  }
}
