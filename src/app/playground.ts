/**
 * The playground's state and actions, in one plain object the UI elements share (through
 * @lit/context). Elements render from it and call its methods; it emits `change` after every
 * mutation. Inference, storage and routing stay behind the injected services.
 *
 * The state lives here, because the UI renders it; the work is done by one collaborator per
 * concern, each writing its own part of the state (`preferences` and `notices` are shared):
 *   model-loader.ts        `load`: loading, cancelling, what follows a device fault
 *   model-catalog.ts       `catalog`, `userModelIds`: shipped, user-added and gateway models
 *   gateway-connection.ts  `gateway`, `gatewayProbe`: gateway settings, "Test connection"
 *   chat-history.ts        `conversations`, `currentId`: saved, and in step with other tabs
 *   generation.ts          `generating`: send, regenerate, stop
 */
import type { CatalogModel } from '../catalog/schema';
import type { ChatStore } from '../cache/chat-store';
import type { UserModelStore } from '../cache/user-model-store';
import type { PickedFile } from './local-import';
import type { RequestLog } from '../privacy/request-log';
import { createConversation, newId, type Conversation } from '../chat/conversation';
import type { Capabilities } from '../engine/capabilities';
import type { Route, Router } from '../engine/router';
import type { ProbeReport } from '../engine/gateway/probe';
import type { GenerationParams, LoadProgress } from '../engine/engine-types';
import { validateParams } from '../settings/generation-settings';
import { ChatHistory } from './chat-history';
import { GatewayConnection } from './gateway-connection';
import type { GatewaySettings } from './gateway-settings';
import { Generation } from './generation';
import { ModelCatalog } from './model-catalog';
import { ModelLoader } from './model-loader';
import { normalizeHubUrl, savePreferences, type Preferences } from './preferences';
import type { RecoveryOffer } from '../placement/recovery-offers';

export type LoadState =
  | { kind: 'idle' }
  /** A hub model not in the cache yet: nothing downloads until the user says so. */
  | { kind: 'confirm'; modelId: string }
  | { kind: 'loading'; modelId: string; progress: LoadProgress | null }
  | { kind: 'ready'; route: Route }
  /** `recovery`: what to try instead, after the device under the model failed. */
  | { kind: 'error'; modelId: string; message: string; recovery?: RecoveryOffer[] };

export interface Notice {
  id: string;
  level: 'info' | 'warning' | 'error';
  text: string;
}

export type GatewayProbeState = { state: 'idle' } | { state: 'testing' } | { state: 'done'; report: ProbeReport };

export interface PlaygroundServices {
  router: Router;
  chats: ChatStore;
  catalog: CatalogModel[];
  capabilities: Capabilities;
  preferences: Preferences;
  gateway: GatewaySettings;
  /** "Test connection" (probe.ts), bound to the page's proxy and URL. */
  probeGateway: (settings: GatewaySettings, signal: AbortSignal) => Promise<ProbeReport>;
  /** Models the user added, kept in IndexedDB. */
  userModels: UserModelStore;
  /** Reads a hub repository into a catalog entry (hub-client.ts). */
  inspectHubRepo: (request: { hubUrl: string; repo: string; revision: string; signal: AbortSignal }) => Promise<CatalogModel>;
  /** URLs of the files in the weight cache. */
  cachedUrls: () => Promise<Set<string>>;
  /** Stores a model folder picked from disk in the weight cache and describes it (local-import.ts). */
  importLocal: (files: readonly PickedFile[]) => Promise<CatalogModel>;
  /** The app's base URL, which bundled and imported model paths are relative to. */
  baseUrl: string;
  /** Every request the page and worker make; answers record how many they caused. */
  requests?: RequestLog;
}

export interface SelectOptions {
  /** The user agreed to download a hub model that is not cached. */
  download?: boolean;
}

export class Playground extends EventTarget {
  /** The static catalog, the user's own models, and what a connected gateway lists beyond them. */
  catalog: CatalogModel[];
  /** Ids of the models the user added (they can be removed; catalog ones cannot). */
  userModelIds = new Set<string>();
  readonly capabilities: Capabilities;
  preferences: Preferences;
  gateway: GatewaySettings;
  gatewayProbe: GatewayProbeState = { state: 'idle' };
  conversations: Conversation[] = [];
  currentId: string;
  load: LoadState = { kind: 'idle' };
  /** The answer being generated, if any, with the tokens received so far. */
  generating: { conversationId: string; turnId: string; tokens: number } | null = null;
  notices: Notice[] = [];
  /**
   * Why the chat cannot use the engine right now ("A benchmark is running"), or null. The
   * benchmark shares the worker and its loaded model: a chat answer in between would skew its
   * numbers and could leave a different model loaded under it.
   */
  heldBy: string | null = null;

  private readonly models: ModelLoader;
  private readonly modelCatalog: ModelCatalog;
  private readonly gatewayConnection: GatewayConnection;
  private readonly history: ChatHistory;
  private readonly generation: Generation;

  constructor(services: PlaygroundServices) {
    super();
    this.catalog = services.catalog;
    this.capabilities = services.capabilities;
    this.preferences = services.preferences;
    this.gateway = services.gateway;
    const first = createConversation();
    this.conversations = [first];
    this.currentId = first.id;
    // `changed` and `held` are not for the UI to call, so the collaborators get them as callbacks.
    const changed = (): void => this.changed();
    const held = (): boolean => this.held();
    this.models = new ModelLoader({ playground: this, services, changed, held });
    this.modelCatalog = new ModelCatalog({ playground: this, services, changed });
    this.gatewayConnection = new GatewayConnection({ playground: this, services, catalog: this.modelCatalog, changed });
    this.history = new ChatHistory({ playground: this, services, changed });
    this.generation = new Generation({ playground: this, services, models: this.models, history: this.history, changed, held });
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  notify(level: Notice['level'], text: string): void {
    this.notices = [...this.notices, { id: newId(), level, text }];
    this.changed();
  }

  /** Keeps the chat from using the engine until the returned release is called. */
  hold(reason: string): () => void {
    this.stop();
    this.heldBy = reason;
    this.changed();
    return () => {
      this.heldBy = null;
      this.changed();
    };
  }

  /** True (after telling the user why) when the engine is held by something else. */
  private held(): boolean {
    if (!this.heldBy) return false;
    this.notify('info', `${this.heldBy}. Wait for it to finish or cancel it in the Benchmark tab.`);
    return true;
  }

  dismiss(id: string): void {
    this.notices = this.notices.filter((n) => n.id !== id);
    this.changed();
  }

  get current(): Conversation {
    return this.conversations.find((c) => c.id === this.currentId) ?? this.conversations[0]!;
  }

  get selectedModel(): CatalogModel | undefined {
    const id = this.preferences.modelId;
    return this.catalog.find((m) => m.id === id) ?? this.catalog.find((m) => m.source.kind === 'bundled');
  }

  /** Loads stored conversations and the preferred model. */
  async start(): Promise<void> {
    this.history.followOtherTabs();
    await this.history.loadSaved();
    await this.modelCatalog.loadUserModels();
    this.changed();
    const wanted = this.preferences.modelId;
    // A gateway model from last time is only in the picker once the gateway has listed it again.
    if (this.gateway.connectedBefore || (wanted !== null && !this.catalog.some((m) => m.id === wanted))) {
      await this.testGateway();
    }
    const model = this.selectedModel;
    if (model) void this.selectModel(model.id);
  }

  // ---- gateway (gateway-connection.ts) ---------------------------------------------------------

  setGateway(change: Partial<GatewaySettings>): void {
    this.gatewayConnection.setGateway(change);
  }

  /** Probes the gateway, says what it found, and lists its models in the picker. */
  testGateway(): Promise<ProbeReport> {
    return this.gatewayConnection.testGateway();
  }

  // ---- models (model-loader.ts, model-catalog.ts) ---------------------------------------------

  /** Whether every file of at least one variant is in the weight cache (always true for bundled and gateway models). */
  isDownloaded(model: CatalogModel): Promise<boolean> {
    return this.models.isDownloaded(model);
  }

  selectModel(modelId: string, options: SelectOptions = {}): Promise<Route | null> {
    return this.models.selectModel(modelId, options);
  }

  /** Stops a model download or load; nothing partial is kept (only complete files are cached). */
  cancelLoad(): void {
    this.models.cancelLoad();
  }

  setRunPreference(change: Partial<Pick<Preferences, 'device' | 'dtype'>>): void {
    this.models.setRunPreference(change);
  }

  /** Takes one of the offers made after a device fault: another device, variant, or the gateway. */
  recover(offer: RecoveryOffer): void {
    this.models.recover(offer);
  }

  /** Reads a hub repository into a catalog entry, without adding it (the UI shows the fit first). */
  inspectHubRepo(repo: string, revision: string, signal: AbortSignal): Promise<CatalogModel> {
    return this.modelCatalog.inspectHubRepo(repo, revision, signal);
  }

  /** Adds a model to the user's catalog, keeps it in IndexedDB, and selects it. */
  addUserModel(model: CatalogModel, options: SelectOptions = {}): Promise<void> {
    return this.modelCatalog.addUserModel(model, options);
  }

  /** Imports a model folder from disk into this browser and selects it; no network is involved. */
  importLocalModel(files: readonly PickedFile[]): Promise<void> {
    return this.modelCatalog.importLocalModel(files);
  }

  /** Adds a model by the id a gateway knows it by (its alias or full id). */
  addGatewayModel(serverId: string): Promise<void> {
    return this.modelCatalog.addGatewayModel(serverId);
  }

  removeUserModel(id: string): Promise<void> {
    return this.modelCatalog.removeUserModel(id);
  }

  // ---- settings -------------------------------------------------------------------------------

  /** Sets where hub models download from; throws when it is not an http(s) URL. */
  setHubUrl(url: string): void {
    const hubUrl = normalizeHubUrl(url);
    if (!hubUrl) throw new Error(`"${url}" is not an http(s) address.`);
    this.preferences = { ...this.preferences, hubUrl };
    savePreferences(this.preferences);
    this.changed();
  }

  /** Validates and stores sampling settings; throws InvalidSettingsError naming the bad field. */
  setParams(params: GenerationParams): void {
    this.preferences = { ...this.preferences, params: validateParams(params) };
    savePreferences(this.preferences);
    this.changed();
  }

  // ---- conversations (chat-history.ts) --------------------------------------------------------

  newConversation(): void {
    this.history.newConversation();
  }

  switchTo(id: string): void {
    this.history.switchTo(id);
  }

  rename(id: string, title: string): Promise<void> {
    return this.history.rename(id, title);
  }

  remove(id: string): Promise<void> {
    return this.history.remove(id);
  }

  setSystemPrompt(text: string): void {
    this.history.setSystemPrompt(text);
  }

  // ---- generation (generation.ts) -------------------------------------------------------------

  send(text: string): Promise<void> {
    return this.generation.send(text);
  }

  regenerate(): Promise<void> {
    return this.generation.regenerate();
  }

  editAndResend(text: string): Promise<void> {
    return this.generation.editAndResend(text);
  }

  stop(): void {
    this.generation.stop();
  }
}
