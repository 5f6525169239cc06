/**
 * A whole Playground in Node for the state-owner tests (not a test file itself). Everything is the
 * real app code (owners, Router, device policy, catalog from public/models/models.json) except what
 * cannot run here: the inference worker is a scripted Engine, IndexedDB stores are kept in memory,
 * and "Test connection" is a function the test answers.
 */
import type { BenchRun } from '../../src/bench/bench-types';
import type { ChatChange } from '../../src/cache/chat-store';
import type { CachedFileInfo } from '../../src/cache/cache-groups';
import { toGatewayModelRef, toModelRef } from '../../src/catalog/catalog';
import type { CatalogModel, Dtype } from '../../src/catalog/schema';
import type { Conversation, Turn } from '../../src/chat/conversation';
import type { Capabilities } from '../../src/engine/capabilities';
import type { ChatMessage, Engine, GenerationEvent, LoadOptions, LoadedModel, ModelRef } from '../../src/engine/engine-types';
import type { ProbeReport } from '../../src/engine/gateway/probe';
import { Router } from '../../src/engine/router';
import type { GatewaySettings } from '../../src/app/gateway-settings';
import { DEFAULT_GATEWAY_SETTINGS } from '../../src/app/gateway-settings';
import { Playground } from '../../src/app/playground';
import { DEFAULT_PREFERENCES, type Preferences } from '../../src/app/preferences';
import type { Observable } from '../../src/app/notifier';
import { readCatalog } from '../support/paths';
import type { HubListing } from '../../src/hub/hub-listing';
import type { LexicalRecord } from '../../src/cache/lexical-index-store';
import type { SourceContent } from '../../src/cache/source-content-store';
import type { SourceRecord } from '../../src/cache/source-store';
import type { IndexStores } from '../../src/rag/conversation-index';
import { readSourceFile } from '../../src/rag/ingest/read-source';
import { createRetrievalService } from '../../src/rag/retrieval-service';
import { estimatedTokens } from '../../src/rag/tokens';

export const BASE_URL = 'http://127.0.0.1:4173/';
export const catalog = readCatalog().models;

/** A machine without WebGPU: every in-browser model plans for WASM. */
export const capabilities: Capabilities = {
  webgpu: null,
  webgpuUnavailableReason: 'no adapter',
  crossOriginIsolated: false,
  hardwareConcurrency: 2,
  wasmThreads: 1,
  deviceMemoryGiB: null,
  storageQuotaBytes: null,
  storageUsageBytes: null,
  userAgent: 'test',
};

/** A promise the test settles by hand. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
export const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

interface PendingLoad {
  ref: ModelRef;
  options: LoadOptions;
  done: Deferred<LoadedModel>;
}

/**
 * Stands in for BrowserEngine (whose worker cannot run in Node): each load waits until the test
 * calls `finish`, and aborts like the real one; each answer streams `answer` a token per macrotask.
 */
export class ScriptedEngine implements Engine {
  readonly kind = 'browser';
  readonly loads: PendingLoad[] = [];
  answer = ['2 plus 3 ', 'is ', '5.'];
  /** Called after each token is handed over, with its index. */
  onToken: (index: number) => void = () => undefined;
  /** Set to make the next answer fail this way after its first token. */
  failWith: Error | null = null;
  /** Finish every load at once, without progress (for tests about what happens after loading). */
  autoFinish = false;
  /** Milliseconds between the answer's tokens (in its trace), per dtype of the loaded model; 1 unless set. */
  msPerToken: Partial<Record<Dtype, number>> = {};
  /** The confidence its answers report (GenerationTrace.meanLogprob); null: none, as a gateway. */
  meanLogprob: number | null = null;
  /** The model the last finished load loaded. */
  private current: ModelRef | null = null;

  load(ref: ModelRef, options: LoadOptions = {}): Promise<LoadedModel> {
    const done = deferred<LoadedModel>();
    options.signal?.addEventListener('abort', () => done.reject(new DOMException('The load was stopped.', 'AbortError')), { once: true });
    this.loads.push({ ref, options, done });
    if (this.autoFinish) this.finish(this.loads.length - 1, false);
    return done.promise;
  }

  /** Reports one download step, then finishes the load `index` (default: the latest). */
  finish(index = this.loads.length - 1, progress = true): void {
    const load = this.loads[index]!;
    if (progress) {
      for (const loaded of [50, 100]) {
        load.options.onProgress?.({
          phase: 'download',
          file: 'onnx/model_q4.onnx',
          fileLoaded: loaded,
          fileTotal: 100,
          loaded,
          total: 100,
          fromCache: false,
        });
      }
    }
    this.current = load.ref;
    load.done.resolve({
      modelId: load.ref.id,
      backend: load.ref.device ?? 'wasm',
      dtype: load.ref.dtype,
      detail: 'WASM · 1 thread',
      contextLength: load.ref.contextLength,
      loadMs: 5,
    });
  }

  /** The messages of every answer asked for, in order. */
  readonly received: ChatMessage[][] = [];

  async *chat(messages: readonly ChatMessage[], params: { maxNewTokens: number }, signal?: AbortSignal): AsyncIterable<GenerationEvent> {
    this.received.push(messages.map((m) => ({ ...m })));
    yield { type: 'start', promptTokens: 4, maxNewTokens: params.maxNewTokens };
    const times: number[] = [];
    const gap = (this.current && this.msPerToken[this.current.dtype]) ?? 1;
    for (const [i, text] of this.answer.entries()) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (signal?.aborted) break;
      if (i === 1 && this.failWith) throw this.failWith;
      times.push(1000 + i * gap);
      yield { type: 'token', text, at: 1000 + i * gap };
      this.onToken(i);
    }
    yield {
      type: 'end',
      reason: signal?.aborted ? 'aborted' : 'eos',
      trace: {
        requestAt: 990,
        prefillStartAt: 990,
        tokenTimes: times,
        endAt: Math.max(1010, times.at(-1) ?? 0),
        promptTokens: 4,
        ...(this.meanLogprob !== null ? { meanLogprob: this.meanLogprob } : {}),
      },
    };
  }

  /** How many times the engine was told to free its model. */
  unloads = 0;

  unload(): Promise<void> {
    this.unloads++;
    return Promise.resolve();
  }
}

/** The chat store's surface, in memory, with a hook to play another tab's change. */
export class MemoryChats {
  readonly saved = new Map<string, Conversation>();
  private listener: ((change: ChatChange) => void) | null = null;

  list(): Promise<{ conversations: Conversation[]; skipped: string[] }> {
    return Promise.resolve({ conversations: [...this.saved.values()].sort((a, b) => b.updatedAt - a.updatedAt), skipped: [] });
  }
  get(id: string): Promise<Conversation | null> {
    return Promise.resolve(this.saved.get(id) ?? null);
  }
  save(conversation: Conversation): Promise<void> {
    this.saved.set(conversation.id, conversation);
    return Promise.resolve();
  }
  patchTurn(conversationId: string, turnId: string, patch: (turn: Turn) => Turn): Promise<boolean> {
    const stored = this.saved.get(conversationId);
    if (!stored?.turns.some((t) => t.id === turnId)) return Promise.resolve(false);
    this.saved.set(conversationId, { ...stored, turns: stored.turns.map((t) => (t.id === turnId ? patch(t) : t)) });
    return Promise.resolve(true);
  }
  delete(id: string): Promise<void> {
    this.saved.delete(id);
    return Promise.resolve();
  }
  onChange(listener: (change: ChatChange) => void): void {
    this.listener = listener;
  }
  /** What another tab's save or delete looks like to this one. */
  otherTab(change: ChatChange, stored?: Conversation): void {
    if (stored) this.saved.set(stored.id, stored);
    this.listener?.(change);
  }
}

/** An in-memory keyed store with the surface of UserModelStore and BenchStore. */
export class MemoryList<T extends { id: string }> {
  readonly items = new Map<string, T>();
  list(): Promise<{ models: T[]; runs: T[]; skipped: never[] }> {
    const all = [...this.items.values()];
    return Promise.resolve({ models: all, runs: all, skipped: [] });
  }
  save(item: T): Promise<void> {
    this.items.set(item.id, item);
    return Promise.resolve();
  }
  delete(id: string): Promise<void> {
    this.items.delete(id);
    return Promise.resolve();
  }
}

/** The sources' IndexedDB stores, in memory: the list (SourceStore), and the retrieval worker's content and lexical index. */
export class MemorySources {
  readonly records = new Map<string, SourceRecord>();
  readonly content = new Map<string, SourceContent>();
  readonly lexical = new Map<string, LexicalRecord>();
  /** Set to make the next save of a source record fail this way. */
  failNextSave: Error | null = null;
  readonly store = {
    list: () => Promise.resolve({ sources: [...this.records.values()].sort((a, b) => a.addedAt - b.addedAt), skipped: [] }),
    save: (record: SourceRecord): Promise<void> => {
      const failure = this.failNextSave;
      this.failNextSave = null;
      if (failure) return Promise.reject(failure);
      this.records.set(record.id, structuredClone(record));
      return Promise.resolve();
    },
    delete: (record: Pick<SourceRecord, 'id'>): Promise<void> => {
      this.records.delete(record.id);
      return Promise.resolve();
    },
    onChange: () => undefined,
  };
  readonly stores: IndexStores = {
    content: {
      get: (id) => Promise.resolve(this.content.get(id) ?? null),
      save: (c) => Promise.resolve(void this.content.set(c.sourceId, structuredClone(c))),
      delete: (id) => Promise.resolve(void this.content.delete(id)),
    },
    lexical: {
      get: (id) => Promise.resolve(this.lexical.get(id) ?? null),
      save: (r) => Promise.resolve(void this.lexical.set(r.conversationId, structuredClone(r))),
      delete: (id) => Promise.resolve(void this.lexical.delete(id)),
    },
  };
}

export interface TestApp {
  app: Playground;
  /** The sources' stores; the retrieval service over them is the real one, in-process, counting by the estimate. */
  sources: MemorySources;
  engine: ScriptedEngine;
  /** The engines of the compare columns, in column order. */
  lanes: ScriptedEngine[];
  chats: MemoryChats;
  userModels: MemoryList<CatalogModel>;
  /** URLs the weight cache holds. */
  cached: Set<string>;
  probes: { settings: GatewaySettings; signal: AbortSignal; report: Deferred<ProbeReport> }[];
  savedPreferences: Preferences[];
  /** The hub's listings as this test's hub answers them (repo -> listing); every read is recorded. */
  hub: { listings: Map<string, HubListing>; reads: string[] };
}

/**
 * A stand-in for the hub's tree API (no hub here): unless a test sets a listing, the hub agrees
 * with the catalog entry exactly, at a commit named after the revision.
 */
function hubAgreeingWithCatalog(repo: string, revision: string): HubListing {
  const model = catalog.find((m) => m.source.kind === 'hub' && m.source.repo === repo);
  if (!model) throw new Error(`Repository ${repo} was not found on the test hub.`);
  const files = [...model.files, ...model.variants.flatMap((v) => v.files)].map((f) => ({
    type: 'file',
    path: f.path,
    size: f.bytes,
    lfs: f.sha256 ? { oid: f.sha256, size: f.bytes } : undefined,
  }));
  return { repo, revision, sha: revision.padEnd(40, '0').slice(0, 40), files };
}

export function testApp(
  options: {
    preferences?: Partial<Preferences>;
    gateway?: Partial<GatewaySettings>;
    /** Where the benchmark's judge is kept (default: nowhere, this test only). */
    judgeStorage?: Pick<Storage, 'getItem' | 'setItem'>;
  } = {},
): TestApp {
  const engine = new ScriptedEngine();
  const chats = new MemoryChats();
  const userModels = new MemoryList<CatalogModel>();
  const cached = new Set<string>();
  const probes: TestApp['probes'] = [];
  const hub: TestApp['hub'] = { listings: new Map(), reads: [] };
  const savedPreferences: Preferences[] = [];
  const sources = new MemorySources();
  // The real retrieval service without its worker. Token counts are the estimate: the tokenizer's
  // files are URLs here (tests/node counts with the real tokenizer).
  const retrieval = createRetrievalService(sources.stores, {
    counter: (spec) => Promise.resolve(spec.kind === 'model' ? { ...estimatedTokens, label: spec.label } : estimatedTokens),
    embedder: () => Promise.reject(new Error('no embedding model in unit tests')),
    now: () => performance.now(),
  });
  const preferences: Preferences = {
    ...DEFAULT_PREFERENCES,
    params: { ...DEFAULT_PREFERENCES.params },
    modelId: 'pocket-chat-1m',
    // Measuring the variants loads each one first; the tests of measuring turn it on.
    measureVariants: false,
    ...options.preferences,
  };
  const router = new Router({
    browser: engine,
    gateway: null,
    capabilities,
    toModelRef: (model, plan) => toModelRef(model, plan, BASE_URL, preferences.hubUrl),
    toGatewayRef: toGatewayModelRef,
  });
  const weights = {
    list: (): Promise<CachedFileInfo[]> => Promise.resolve([...cached].map((url) => ({ url, bytes: 1, lastUsedAt: 0 }))),
    delete: (url: string): Promise<boolean> => Promise.resolve(cached.delete(url)),
    clear: (): Promise<void> => {
      cached.clear();
      return Promise.resolve();
    },
  };
  // Each compare column gets an engine of its own, as in the app; tests reach them through `lanes`.
  const lanes: ScriptedEngine[] = [];
  const app = new Playground({
    router,
    laneRouter: () => {
      const lane = new ScriptedEngine();
      lanes.push(lane);
      return new Router({
        browser: lane,
        gateway: null,
        capabilities,
        toModelRef: (model, plan) => toModelRef(model, plan, BASE_URL, preferences.hubUrl),
        toGatewayRef: toGatewayModelRef,
      });
    },
    compareStorage: null,
    judgeStorage: options.judgeStorage ?? null,
    chats,
    catalog,
    capabilities,
    preferences,
    gateway: { ...DEFAULT_GATEWAY_SETTINGS, ...options.gateway },
    probeGateway: (settings, signal) => {
      const report = deferred<ProbeReport>();
      probes.push({ settings, signal, report });
      return report.promise;
    },
    userModels,
    inspectHubRepo: () => Promise.reject(new Error('no hub here')),
    hubListings: {
      read: ({ repo, revision }) => {
        hub.reads.push(`${repo}@${revision}`);
        try {
          return Promise.resolve(hub.listings.get(repo) ?? hubAgreeingWithCatalog(repo, revision));
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
      store: { list: () => Promise.resolve(new Map()), save: () => Promise.resolve() },
    },
    weights,
    importLocal: () => Promise.reject(new Error('no disk here')),
    benchRuns: new MemoryList<BenchRun>(),
    baseUrl: BASE_URL,
    savePreferences: (p) => savedPreferences.push(p),
    saveGateway: () => undefined,
    sources: {
      store: sources.store,
      retrieval,
      contents: { get: (id) => Promise.resolve(sources.content.get(id) ?? null) },
      readFile: (file) =>
        readSourceFile(file, {
          pdfjs: () => import('pdfjs-dist/legacy/build/pdf.mjs'),
          mammoth: async () => (await import('mammoth')).default,
        }),
      modelRef: (model, plan) => toModelRef(model, plan, BASE_URL, preferences.hubUrl),
      embedder: () => null,
    },
  });
  return { app, engine, lanes, chats, userModels, cached, probes, savedPreferences, hub, sources };
}

/** Counts the change notifications of each owner of `app`, by name. */
export function countChanges(app: Playground): Record<string, number> {
  const owners: Record<string, Observable> = {
    notices: app.notices,
    settings: app.settings,
    catalog: app.catalog,
    gateway: app.gateway,
    slot: app.models.primary,
    hold: app.models.primary.hold,
    chats: app.chats,
    sources: app.sources,
    generation: app.generation,
    bench: app.bench,
    cache: app.cache,
  };
  const counts: Record<string, number> = Object.fromEntries(Object.keys(owners).map((k) => [k, 0]));
  for (const [name, owner] of Object.entries(owners)) owner.addEventListener('change', () => counts[name]!++);
  return counts;
}

/** Only the owners that announced something, for readable expectations. */
export function changed(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}
