/**
 * The root of the app's state: builds one owner per concern, wires them to each other, and
 * exposes them. It holds no state and forwards nothing; the UI reads and calls the owners
 * directly (`app.models.primary.load`, `app.chats.current`), and subscribes to the ones it
 * renders (each is a Notifier). Who owns what:
 *   notices     Notices           the notices at the bottom of the page
 *   settings    Settings          saved preferences: sampling, hub address, the primary run choice
 *   catalog     ModelCatalog      shipped, user-added and gateway-listed models
 *   gateway     GatewayConnection gateway settings and "Test connection"
 *   measurements VariantMeasurements  variant speeds measured on this device, per model
 *   models      ModelSlots        one ModelSlot per engine: its load state and its EngineHold
 *   chats       ChatHistory       the conversations and which one is open
 *   sources     Sources           each conversation's sources, and grounding a question in them
 *   generation  Generation        the answer being generated
 *   bench       BenchSession      the benchmark tab (holds the primary slot's engine while it runs)
 *   cache       CacheManager      what is stored on this device
 *   estimates   EstimateSettingsStore  reference prices and device power for the benchmark's estimates
 *   compare     CompareSession    side by side and draft -> refine, on the column slots (models.lanes)
 *   compareSettings CompareSettings  the compare view's mode, columns, rule and blind votes
 * Modules here import each other in one direction only (tools/check-cycles.ts checks it): an
 * owner that must act on another gets it, or a narrow Pick of it, as a constructor dependency.
 */
import type { GpuBufferReading } from '../engine/worker/gpu-buffer-meter';
import type { BenchStore } from '../cache/bench-store';
import type { ChatStore } from '../cache/chat-store';
import type { UserModelStore } from '../cache/user-model-store';
import type { CatalogModel } from '../catalog/schema';
import type { Capabilities } from '../engine/capabilities';
import type { ProbeReport } from '../engine/gateway/probe';
import type { Router } from '../engine/router';
import type { RequestLog } from '../privacy/request-log';
import { BenchSession } from './bench-session';
import { CacheManager, type WeightIndex } from './cache-manager';
import { EstimateSettingsStore } from './estimate-settings';
import { CompareSession } from './compare-session';
import { CompareSettings, MAX_LANES } from './compare-settings';
import { ChatHistory } from './chat-history';
import { GatewayConnection } from './gateway-connection';
import type { GatewaySettings } from './gateway-settings';
import { Generation } from './generation';
import type { PickedFile } from './local-import';
import { ModelCatalog, type ModelCatalogDeps } from './model-catalog';
import { ModelSlot } from './model-slot';
import { Notices } from './notices';
import type { Preferences, RunChoiceStore } from './preferences';
import { Settings } from './settings';
import { Sources, type SourcesDeps } from './sources';
import { VariantMeasurements } from './variant-measurements';

export interface PlaygroundServices {
  /** The primary slot's engines (BrowserEngine + gateway), behind the router. */
  router: Router;
  /** A Router over engines of its own (a new BrowserEngine and gateway engine) for compare column `index`. */
  laneRouter: (index: number) => Router;
  /** Where the compare view's settings and votes are kept (default: localStorage; null: this session only). */
  compareStorage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  chats: Pick<ChatStore, 'list' | 'get' | 'save' | 'patchTurn' | 'delete' | 'onChange'>;
  catalog: readonly CatalogModel[];
  capabilities: Capabilities;
  preferences: Preferences;
  gateway: GatewaySettings;
  /** "Test connection" (probe.ts), bound to the page's proxy and URL. */
  probeGateway: (settings: GatewaySettings, signal: AbortSignal) => Promise<ProbeReport>;
  /** Models the user added, kept in IndexedDB. */
  userModels: Pick<UserModelStore, 'list' | 'save' | 'delete'>;
  /** The hub's file listings of hub models: read from the hub, kept in IndexedDB (see ModelCatalog). */
  hubListings: ModelCatalogDeps['hubListings'];
  /** Reads a hub repository into a catalog entry (hub-client.ts). */
  inspectHubRepo: (request: { hubUrl: string; repo: string; revision: string; signal: AbortSignal }) => Promise<CatalogModel>;
  /** The weight cache's index: what is stored, deleting. */
  weights: WeightIndex;
  /** Stores a model folder picked from disk in the weight cache and describes it (local-import.ts). */
  importLocal: (files: readonly PickedFile[]) => Promise<CatalogModel>;
  /** Saved benchmark runs. */
  benchRuns: Pick<BenchStore, 'list' | 'save' | 'delete'>;
  /** The app's base URL, which bundled and imported model paths are relative to. */
  baseUrl: string;
  /** Every request the page and worker make; answers record how many they caused. */
  requests?: RequestLog;
  /** Saves preferences (default: localStorage); tests keep them in memory. */
  savePreferences?: (preferences: Preferences) => void;
  saveGateway?: (settings: GatewaySettings) => void;
  /** Where variant measurements are kept (default: localStorage; null: this session only). */
  measurementStorage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Sources and retrieval: their store, the retrieval worker, reading files, model refs, the embedding model. */
  sources: Pick<SourcesDeps, 'store' | 'retrieval' | 'contents' | 'readFile' | 'modelRef' | 'embedder'>;
  /** The gateway process's resident memory, where the gateway reports it (the benchmark's memory column). */
  gatewayMemory?: (signal: AbortSignal) => Promise<number | null>;
  /** The chat engine's WebGPU buffers, counted in its worker (the benchmark's memory notes). */
  gpuMemory?: () => Promise<GpuBufferReading | null>;
  /** Where reference prices and device power are kept (default: localStorage; null: this session only). */
  estimateStorage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Where the benchmark's judge and its prompt are kept (default: localStorage; null: this session only). */
  judgeStorage?: Pick<Storage, 'getItem' | 'setItem'> | null;
}

/**
 * The page's model slots. The chat, the model panel, the status line and the benchmark use
 * `primary`. The compare view's columns use `lanes`: ModelSlots built like `primary`, each with
 * a Router over its own BrowserEngine and a RunChoiceStore of its own (CompareSettings).
 */
export interface ModelSlots {
  readonly primary: ModelSlot;
  readonly lanes: readonly ModelSlot[];
}

export class Playground {
  readonly capabilities: Capabilities;
  readonly requests: RequestLog | undefined;
  readonly notices = new Notices();
  readonly settings: Settings;
  readonly catalog: ModelCatalog;
  readonly gateway: GatewayConnection;
  readonly measurements: VariantMeasurements;
  readonly models: ModelSlots;
  readonly chats: ChatHistory;
  readonly sources: Sources;
  readonly generation: Generation;
  readonly bench: BenchSession;
  readonly cache: CacheManager;
  readonly estimates: EstimateSettingsStore;
  readonly compareSettings: CompareSettings;
  readonly compare: CompareSession;

  constructor(services: PlaygroundServices) {
    const { notices } = this;
    this.capabilities = services.capabilities;
    this.requests = services.requests;
    this.settings = new Settings(services.preferences, services.savePreferences);
    const settings = this.settings;
    this.catalog = new ModelCatalog({
      fixed: services.catalog,
      userModels: services.userModels,
      inspectHubRepo: services.inspectHubRepo,
      hubListings: services.hubListings,
      importLocal: services.importLocal,
      settings,
      notices,
    });
    const catalog = this.catalog;
    this.gateway = new GatewayConnection({ initial: services.gateway, probe: services.probeGateway, catalog, save: services.saveGateway });
    this.measurements = new VariantMeasurements(services.capabilities, services.measurementStorage);
    const slotFor = (router: Router, choice: RunChoiceStore): ModelSlot =>
      new ModelSlot({
        router,
        choice,
        catalog,
        settings,
        gateway: this.gateway,
        measurements: this.measurements,
        notices,
        capabilities: services.capabilities,
        cachedUrls: async () => new Set((await services.weights.list()).map((f) => f.url)),
        baseUrl: services.baseUrl,
      });
    const primary = slotFor(services.router, settings);
    this.compareSettings = new CompareSettings(services.compareStorage);
    const compareSettings = this.compareSettings;
    const lanes = Array.from({ length: MAX_LANES }, (_, i) => slotFor(services.laneRouter(i), compareSettings.laneChoice(i)));
    this.models = { primary, lanes };
    // Sources are built after the chats they belong to; the chats ask them late, through this closure.
    this.chats = new ChatHistory({ store: services.chats, notices, hasSources: (id) => this.sources.has(id) });
    this.sources = new Sources({ ...services.sources, slot: primary, chats: this.chats, notices });
    this.generation = new Generation({ slot: primary, chats: this.chats, settings, requests: services.requests, grounding: this.sources });
    this.bench = new BenchSession({
      slot: primary,
      router: services.router,
      catalog,
      settings,
      capabilities: services.capabilities,
      measurements: this.measurements,
      store: services.benchRuns,
      weights: services.weights,
      baseUrl: services.baseUrl,
      gatewayMemory: services.gatewayMemory,
      gpuMemory: services.gpuMemory,
      judgeStorage: services.judgeStorage,
      grounding: { retrieval: services.sources.retrieval, modelRef: services.sources.modelRef, embedder: services.sources.embedder },
    });
    this.cache = new CacheManager({ weights: services.weights, baseUrl: services.baseUrl, catalog, settings, slots: [primary, ...lanes] });
    this.estimates = new EstimateSettingsStore(services.estimateStorage);
    this.compare = new CompareSession({ settings: compareSettings, preferences: settings, lanes });
  }

  /** Loads stored conversations and added models, then the preferred model. */
  async start(): Promise<void> {
    this.chats.followOtherTabs();
    await this.chats.loadSaved();
    await this.sources.start();
    await this.catalog.loadUserModels();
    await this.catalog.loadHubListings();
    const wanted = this.settings.run.modelId;
    // A gateway model from last time is only in the picker once the gateway has listed it again.
    if (this.gateway.settings.connectedBefore || (wanted !== null && !this.catalog.byId(wanted))) await this.gateway.test();
    const primary = this.models.primary;
    const model = primary.selected;
    if (model) void primary.selectModel(model.id);
  }
}
