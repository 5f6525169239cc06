/**
 * Bytes of a text file to a string: UTF-8 (a byte-order mark is dropped), or UTF-16 when the
 * file says so with its byte-order mark. Anything else is refused with the offset of the first
 * byte that is not UTF-8, rather than read as mojibake; binary files (NUL bytes) are refused too.
 */
import { SourceError } from './source-error';

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** The text of a file named `name` (see the module comment). */
export function decodeText(name: string, bytes: Uint8Array): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    const bad = firstInvalidUtf8(bytes);
    if (bad >= 0) {
      const hex = bytes[bad]!.toString(16).toUpperCase().padStart(2, '0');
      throw new SourceError(
        'not-utf8',
        `${name} is not UTF-8 text (byte 0x${hex} at offset ${bad} is not valid UTF-8; it may be Latin-1 or Windows-1252). Save it as UTF-8 and add it again.`,
      );
    }
    text = new TextDecoder('utf-8').decode(bytes);
  }
  if (text.includes('\u0000')) throw new SourceError('binary', `${name} looks like a binary file, not text (it contains NUL bytes).`);
  return text.replace(/\r\n?/g, '\n');
}
