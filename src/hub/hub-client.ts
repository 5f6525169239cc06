/**
 * Reads what hub-repo.ts needs from a Hugging Face hub (or a mirror laid out like it): the
 * commit a revision points to, that commit's file listing, config.json, tokenizer_config.json
 * and the card's license. Every failure becomes a sentence a user can act on.
 *
 * It lives in hub/, not catalog/: it is network access with its own failure policy (gated repos,
 * mirrors, wrong addresses), one of the places catalog entries come from, like an imported folder;
 * catalog/ holds only the entries' schema and the data.
 */
import { HubRepoError, hubRepoToModel, type HubRepoFacts, type HubTreeEntry } from './hub-repo';
import type { CatalogModel } from '../catalog/schema';
import { errorMessage } from '../errors/error-message';

/** Where hub models come from unless Settings names a mirror. */
export const DEFAULT_HUB_URL = 'https://huggingface.co/';
const REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** One repository to read: which hub, which repo and revision, and how to fetch. */
export interface HubRequest {
  hubUrl: string;
  /** "owner/name"; a pasted hub URL is accepted too. */
  repo: string;
  /** Branch, tag or commit; the default branch when empty. */
  revision?: string;
  signal?: AbortSignal;
  fetcher?: typeof fetch;
}

/** "https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct/tree/main" -> the repo id. */
export function normalizeRepoId(input: string): string {
  const trimmed = input
    .trim()
    .replace(/^https?:\/\/[^/]+\//, '')
    .replace(/\/(tree|blob|resolve)\/.*$/, '')
    .replace(/\/+$/, '');
  if (!REPO.test(trimmed)) throw new HubRepoError(`"${input.trim()}" is not a hub repository id; it should look like "owner/name".`);
  return trimmed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a hub repository at one revision and turns it into a catalog entry pinned to that commit. */
export async function fetchHubModel(request: HubRequest): Promise<CatalogModel> {
  const fetcher = request.fetcher ?? fetch;
  const hub = request.hubUrl.replace(/\/*$/, '/');
  const repo = normalizeRepoId(request.repo);
  const revision = request.revision?.trim() ?? '';

  async function get(path: string, what: string, optional = false): Promise<unknown> {
    let response: Response;
    try {
      response = await fetcher(new URL(path, hub).href, { signal: request.signal ?? null });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw new HubRepoError(
        `Could not reach the hub at ${hub} (${errorMessage(error)}). Check the hub address in Settings, or your connection.`,
      );
    }
    if (response.status === 404 && optional) return null;
    if (response.status === 401 || response.status === 403) {
      throw new HubRepoError(`${repo} is gated or private: accept its license on the hub, or download it and import the folder instead.`);
    }
    if (response.status === 404)
      throw new HubRepoError(`${what} was not found on ${hub} (is "${repo}${revision ? `@${revision}` : ''}" spelled right?).`);
    if (!response.ok) throw new HubRepoError(`${what}: the hub answered HTTP ${response.status}.`);
    try {
      return await response.json();
    } catch {
      throw new HubRepoError(`${what}: the hub did not answer with JSON (is ${hub} really a model hub?).`);
    }
  }

  const info = await get(
    revision ? `api/models/${repo}/revision/${encodeURIComponent(revision)}` : `api/models/${repo}`,
    `Repository ${repo}`,
  );
  if (!isRecord(info) || typeof info['sha'] !== 'string') throw new HubRepoError(`The hub's description of ${repo} has no commit id.`);
  const sha = info['sha'];
  const card = isRecord(info['cardData']) ? info['cardData'] : {};
  const tree = await get(`api/models/${repo}/tree/${sha}?recursive=true`, `The file list of ${repo}`);
  if (!Array.isArray(tree)) throw new HubRepoError(`The file list of ${repo} is not a list.`);
  const entries: HubTreeEntry[] = tree.filter(isRecord).flatMap((e) =>
    typeof e['path'] === 'string' && typeof e['size'] === 'number' && typeof e['type'] === 'string'
      ? [
          {
            type: e['type'],
            path: e['path'],
            size: e['size'],
            lfs:
              isRecord(e['lfs']) && typeof e['lfs']['oid'] === 'string'
                ? { oid: e['lfs']['oid'], size: Number(e['lfs']['size']) }
                : undefined,
          },
        ]
      : [],
  );
  const resolve = (file: string): string => `${repo}/resolve/${sha}/${file}`;
  const config = await get(resolve('config.json'), `config.json of ${repo}`);
  if (!isRecord(config)) throw new HubRepoError(`config.json of ${repo} is not a JSON object.`);
  const tokenizerConfig = await get(resolve('tokenizer_config.json'), `tokenizer_config.json of ${repo}`, true);
  const facts: HubRepoFacts = {
    repo,
    revision: sha,
    tree: entries,
    config,
    tokenizerConfig: isRecord(tokenizerConfig) ? tokenizerConfig : null,
    license: typeof card['license'] === 'string' ? card['license'] : null,
  };
  return hubRepoToModel(facts);
}
