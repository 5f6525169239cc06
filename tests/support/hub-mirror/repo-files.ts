/**
 * A mirrored repository's files as the hub describes them: git object ids, and for weight files
 * the LFS pointer the git tree holds instead of the content (the content's SHA-256 and size).
 * Computed from the folder on every call, so a test that edits a file sees the hub change too.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Files the hub keeps in LFS (weights): `.onnx`, `.onnx_data`, `.onnx_data_1`...; JSON stays plain git. */
export const LFS_FILE = /\.onnx(_data(_\d+)?)?$/;

/** One entry of the tree API (`api/models/{repo}/tree/{rev}`), as the hub sends it. */
export interface TreeEntry {
  type: 'file' | 'directory';
  /** The git object id: of the blob (for an LFS file, of its pointer), or of the tree. */
  oid: string;
  /** The content's size (an LFS file's real size, not its pointer's); 0 for a directory. */
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

/** A file of the repository with everything the hub and its CDN say about it. */
export interface RepoFile {
  rel: string;
  bytes: Buffer;
  sha256: string;
  /** The git blob id of what git stores: the content, or the LFS pointer. */
  gitOid: string;
  lfs: TreeEntry['lfs'];
}

function gitObjectId(kind: 'blob' | 'tree', content: Buffer): string {
  return crypto.createHash('sha1').update(`${kind} ${content.length}\0`).update(content).digest('hex');
}

/** The pointer git stores for an LFS file (git-lfs spec v1). */
export function lfsPointer(sha256: string, size: number): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`);
}

/** The file at `rel`, or null when there is none (or `rel` leaves the folder). */
export function readRepoFile(dir: string, rel: string): RepoFile | null {
  const file = path.join(dir, rel);
  if (rel.split('/').includes('..') || !fs.existsSync(file) || !fs.statSync(file).isFile()) return null;
  const bytes = fs.readFileSync(file);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  if (!LFS_FILE.test(rel)) return { rel, bytes, sha256, gitOid: gitObjectId('blob', bytes), lfs: undefined };
  const pointer = lfsPointer(sha256, bytes.length);
  return {
    rel,
    bytes,
    sha256,
    gitOid: gitObjectId('blob', pointer),
    lfs: { oid: sha256, size: bytes.length, pointerSize: pointer.length },
  };
}

/** git sorts a tree's entries by name, a directory's name taken with a trailing slash. */
function gitOrder(a: fs.Dirent, b: fs.Dirent): number {
  const key = (e: fs.Dirent): string => (e.isDirectory() ? `${e.name}/` : e.name);
  return Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b)));
}

/** The entries under `prefix` (all of them, depth first, when `recursive`), and the folder's tree id. */
function listTree(dir: string, prefix: string, recursive: boolean): { entries: TreeEntry[]; oid: string } {
  const entries: TreeEntry[] = [];
  const treeObject: Buffer[] = [];
  for (const dirent of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort(gitOrder)) {
    const rel = prefix ? `${prefix}/${dirent.name}` : dirent.name;
    if (dirent.isDirectory()) {
      const sub = listTree(dir, rel, recursive);
      entries.push({ type: 'directory', oid: sub.oid, size: 0, path: rel });
      if (recursive) entries.push(...sub.entries);
      treeObject.push(Buffer.from(`40000 ${dirent.name}\0`), Buffer.from(sub.oid, 'hex'));
    } else if (dirent.isFile()) {
      const file = readRepoFile(dir, rel)!;
      entries.push({ type: 'file', oid: file.gitOid, size: file.bytes.length, path: rel, ...(file.lfs ? { lfs: file.lfs } : {}) });
      treeObject.push(Buffer.from(`100644 ${dirent.name}\0`), Buffer.from(file.gitOid, 'hex'));
    }
  }
  return { entries, oid: gitObjectId('tree', Buffer.concat(treeObject)) };
}

/** The tree API's listing of `folder` ('' for the root), or null when it is not a folder. */
export function treeEntries(dir: string, folder: string, recursive: boolean): TreeEntry[] | null {
  const target = path.join(dir, folder);
  if (folder.split('/').includes('..') || !fs.existsSync(target) || !fs.statSync(target).isDirectory()) return null;
  return listTree(dir, folder, recursive).entries;
}
