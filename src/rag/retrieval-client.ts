/**
 * The page's handle on the retrieval worker: started on first use (a conversation without
 * sources never loads it), its calls typed through comlink, its requests reported to the privacy
 * meter. A worker that dies fails the calls in flight with words and is replaced on the next call.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import { installErrorTransfer } from '../engine/rpc';
import type {
  GroundRequest,
  GroundResult,
  IndexReport,
  IndexRequest,
  RetrievalApi,
  RetrievalStats,
  RetrievalWorkerApi,
} from './retrieval-types';

/** What the client needs of a worker (a DOM Worker; a MessagePort-backed one in Node). */
export interface RetrievalEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  terminate(): void;
}

export interface RetrievalClientOptions {
  createWorker: () => RetrievalEndpoint;
  onWorkerRequest?: (url: string, at: number) => void;
}

interface Connection {
  worker: RetrievalEndpoint;
  api: Remote<RetrievalWorkerApi>;
  died: Promise<never>;
}

export class RetrievalClient implements RetrievalApi {
  private connection: Connection | null = null;

  constructor(private readonly options: RetrievalClientOptions) {
    installErrorTransfer();
  }

  /** Whether the worker has been started (it is not until a source is added or a question grounded). */
  get started(): boolean {
    return this.connection !== null;
  }

  private connect(): Connection {
    if (this.connection) return this.connection;
    const worker = this.options.createWorker();
    const api = wrap<RetrievalWorkerApi>(worker);
    const died = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        const message = 'message' in event && typeof event.message === 'string' && event.message ? event.message : 'unknown error';
        if (this.connection?.worker === worker) this.connection = null;
        api[releaseProxy]();
        worker.terminate();
        reject(new Error(`The retrieval worker crashed (${message}); your sources are kept. Try again.`));
      });
    });
    died.catch(() => undefined);
    const onRequest = this.options.onWorkerRequest;
    if (onRequest) void api.watchRequests(proxy((url: string, at: number) => onRequest(url, at))).catch(() => undefined);
    this.connection = { worker, api, died };
    return this.connection;
  }

  private call<T>(run: (api: Remote<RetrievalWorkerApi>) => Promise<T>): Promise<T> {
    const { api, died } = this.connect();
    return Promise.race([run(api), died]);
  }

  index(request: IndexRequest): Promise<IndexReport> {
    return this.call((api) => api.index(request));
  }

  forget(conversationId: string, removed: string[], remaining: string[]): Promise<void> {
    return this.call((api) => api.forget(conversationId, removed, remaining));
  }

  ground(request: GroundRequest): Promise<GroundResult> {
    return this.call((api) => api.ground(request));
  }

  stats(): Promise<RetrievalStats> {
    return this.call((api) => api.stats());
  }
}
