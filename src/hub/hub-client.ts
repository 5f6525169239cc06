/**
 * Reads a Hugging Face hub (or a mirror laid out like it) through `@huggingface/hub`: the commit a
 * revision points to, that commit's file listing with sizes and SHA-256s (the tree API, followed
 * across its pages), config.json, tokenizer_config.json and the card's license. Every failure
 * becomes a sentence a user can act on.
 *
 * It lives in hub/, not catalog/: it is network access with its own failure policy (gated repos,
 * mirrors, wrong addresses), one of the places catalog entries come from, like an imported folder;
 * catalog/ holds only the entries' schema and the data.
 */
import { HubApiError, listFiles, modelInfo } from '@huggingface/hub';
import { HubRepoError, hubRepoToModel, type HubRepoFacts } from './hub-repo';
import { treeEntry, type HubListing } from './hub-listing';
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

/** The request's fetch, with its abort signal on every call (the hub client takes no signal). */
function signalledFetch(request: HubRequest): typeof fetch {
  const base = request.fetcher ?? ((input, init) => fetch(input, init));
  return (input, init) => base(input, { ...init, signal: request.signal ?? null });
}

/** Turns whatever a hub call threw into a sentence about `what`. */
function explain(error: unknown, request: HubRequest, repo: string, what: string): Error {
  if (request.signal?.aborted) return error instanceof Error ? error : new Error(String(error));
  const hub = request.hubUrl;
  const at = `${repo}${request.revision ? `@${request.revision}` : ''}`;
  if (error instanceof HubApiError) {
    if (error.statusCode === 401 || error.statusCode === 403) {
      return new HubRepoError(`${repo} is gated or private: accept its license on the hub, or download it and import the folder instead.`);
    }
    if (error.statusCode === 404) return new HubRepoError(`${what} was not found on ${hub} (is "${at}" spelled right?).`);
    return new HubRepoError(`${what}: the hub answered HTTP ${error.statusCode}.`);
  }
  if (error instanceof SyntaxError) return new HubRepoError(`${what}: the hub did not answer with JSON (is ${hub} really a model hub?).`);
  if (error instanceof HubRepoError) return error;
  return new HubRepoError(
    `Could not reach the hub at ${hub} (${errorMessage(error)}). Check the hub address in Settings, or your connection.`,
  );
}

/** The hub's address as `@huggingface/hub` wants it: no trailing slash. */
function hubBase(hubUrl: string): string {
  return hubUrl.replace(/\/+$/, '');
}

/**
 * The file listing of a repository at one revision, pinned to the commit the revision points to
 * now: the sizes and SHA-256s downloads are checked against.
 */
export async function readHubListing(request: HubRequest): Promise<HubListing & { license: string | null }> {
  const repo = normalizeRepoId(request.repo);
  const revision = request.revision?.trim() || undefined;
  const fetcher = signalledFetch(request);
  const hubUrl = hubBase(request.hubUrl);
  let sha: string;
  let license: string | null = null;
  try {
    const info = await modelInfo({
      name: repo,
      hubUrl,
      fetch: fetcher,
      additionalFields: ['sha', 'cardData'],
      // The hub's default branch is "main" (the client would ask for "HEAD", which mirrors may not know).
      revision: revision ?? 'main',
    });
    if (typeof info.sha !== 'string' || !info.sha) throw new HubRepoError(`The hub's description of ${repo} has no commit id.`);
    sha = info.sha;
    const card: unknown = info.cardData;
    if (isRecord(card) && typeof card['license'] === 'string') license = card['license'];
  } catch (error) {
    throw explain(error, request, repo, `Repository ${repo}`);
  }
  const files = [];
  try {
    for await (const entry of listFiles({ repo: { type: 'model', name: repo }, revision: sha, recursive: true, hubUrl, fetch: fetcher })) {
      const file = treeEntry(entry);
      if (file) files.push(file);
    }
  } catch (error) {
    throw explain(error, request, repo, `The file list of ${repo}`);
  }
  return { repo, revision: revision ?? 'main', sha, files, license };
}

/** Reads a hub repository at one revision and turns it into a catalog entry pinned to that commit. */
export async function fetchHubModel(request: HubRequest): Promise<CatalogModel> {
  const listing = await readHubListing(request);
  const { repo, sha } = listing;
  const fetcher = signalledFetch(request);
  const hub = request.hubUrl.replace(/\/*$/, '/');

  async function json(file: string, optional: boolean): Promise<unknown> {
    const what = `${file} of ${repo}`;
    let response: Response;
    try {
      response = await fetcher(new URL(`${repo}/resolve/${sha}/${file}`, hub).href);
    } catch (error) {
      throw explain(error, request, repo, what);
    }
    if (response.status === 404 && optional) return null;
    if (!response.ok) throw explain(new HubApiError(response.url, response.status), request, repo, what);
    try {
      return await response.json();
    } catch (error) {
      throw explain(error instanceof SyntaxError ? error : new SyntaxError(errorMessage(error)), request, repo, what);
    }
  }

  const config = await json('config.json', false);
  if (!isRecord(config)) throw new HubRepoError(`config.json of ${repo} is not a JSON object.`);
  const tokenizerConfig = await json('tokenizer_config.json', true);
  const facts: HubRepoFacts = {
    repo,
    revision: sha,
    tree: listing.files,
    config,
    tokenizerConfig: isRecord(tokenizerConfig) ? tokenizerConfig : null,
    license: listing.license,
  };
  return hubRepoToModel(facts);
}
