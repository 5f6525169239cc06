/**
 * The SHA-256 of a Blob of any size, read as a stream: `crypto.subtle.digest` needs the whole
 * file in one ArrayBuffer, which some browsers cannot make past 2 GB.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export async function blobSha256(blob: Blob): Promise<string> {
  const hash = sha256.create();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytesToHex(hash.digest());
    hash.update(value);
  }
}
