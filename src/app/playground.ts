/**
 * The playground's state and actions, in one plain object the UI elements share (through
 * @lit/context). Elements render from it and call its methods; it emits `change` after every
 * mutation. Inference, storage and routing stay behind the injected services.
 */
import { computeMetrics } from '../bench/metrics';
import { discoveredGatewayModel, modelFileUrls } from '../catalog/catalog';
import { resolveModelId } from '../catalog/foundry-alias';
import type { CatalogModel } from '../catalog/schema';
import type { ChatChange, ChatStore } from '../cache/chat-store';
import type { UserModelStore } from '../cache/user-model-store';
import type { PickedFile } from './local-import';
import type { RequestLog } from '../privacy/request-log';
import {
  createConversation,
  messagesForModel,
  newId,
  withEditedLastUser,
  withUserTurn,
  withoutLastAnswer,
  type AnswerMeta,
  type Conversation,
  type Turn,
} from '../chat/conversation';
import type { Capabilities } from '../engine/capabilities';
import { DeviceFaultError, WorkerCrashedError, isAbortError } from '../engine/errors';
import type { Route, Router } from '../engine/router';
import type { ProbeReport } from '../engine/gateway/probe';
import type { GenerationParams, LoadProgress } from '../engine/types';
import { validateParams } from '../settings/generation-settings';
import { saveGatewaySettings, type GatewaySettings } from './gateway-settings';
import { normalizeHubUrl, savePreferences, type Preferences } from './preferences';
import { faultedLoad, recoveryOffers, type RecoveryOffer } from './recovery';

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

/** Resource Timing entries arrive a little after the request (the worker's by message). */
const REQUEST_REPORT_DELAY_MS = 300;

export interface SelectOptions {
  /** The user agreed to download a hub model that is not cached. */
  download?: boolean;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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

  private loadAbort: AbortController | null = null;
  private loadPromise: Promise<Route | null> | null = null;
  private generationAbort: AbortController | null = null;
  private probeAbort: AbortController | null = null;
  private userModels: CatalogModel[] = [];
  private discovered: CatalogModel[] = [];

  constructor(private readonly services: PlaygroundServices) {
    super();
    this.catalog = services.catalog;
    this.capabilities = services.capabilities;
    this.preferences = services.preferences;
    this.gateway = services.gateway;
    const first = createConversation();
    this.conversations = [first];
    this.currentId = first.id;
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

  /** Takes in what another tab saved or deleted, unless this tab is writing that conversation now. */
  private async applyRemoteChange(change: ChatChange): Promise<void> {
    if (this.generating?.conversationId === change.id) return;
    if (change.kind === 'deleted') {
      if (!this.conversations.some((c) => c.id === change.id)) return;
      this.conversations = this.conversations.filter((c) => c.id !== change.id);
      if (this.conversations.length === 0) this.conversations = [createConversation()];
      if (this.currentId === change.id) this.currentId = this.conversations[0]!.id;
      this.changed();
      return;
    }
    const fresh = await this.services.chats.get(change.id);
    if (!fresh) return;
    const known = this.conversations.some((c) => c.id === fresh.id);
    this.conversations = known ? this.conversations.map((c) => (c.id === fresh.id ? fresh : c)) : [fresh, ...this.conversations];
    this.changed();
  }

  /** Loads stored conversations and the preferred model. */
  async start(): Promise<void> {
    this.services.chats.onChange((change) => void this.applyRemoteChange(change));
    try {
      const { conversations, skipped } = await this.services.chats.list();
      if (conversations.length) {
        this.conversations = conversations;
        this.currentId = conversations[0]!.id;
      }
      if (skipped.length) {
        this.notify('warning', `${skipped.length} saved conversation(s) could not be read and were skipped.`);
      }
    } catch (error) {
      this.notify('warning', `Saved conversations are unavailable (${describeError(error)}); new chats will not be kept.`);
    }
    try {
      const { models, skipped } = await this.services.userModels.list();
      this.userModels = models;
      this.rebuildCatalog();
      if (skipped.length) this.notify('warning', `${skipped.length} model(s) you added could not be read and were skipped: ${skipped[0]}`);
    } catch (error) {
      this.notify('warning', `Your added models are unavailable (${describeError(error)}).`);
    }
    this.changed();
    const wanted = this.preferences.modelId;
    // A gateway model from last time is only in the picker once the gateway has listed it again.
    if (this.gateway.connectedBefore || (wanted !== null && !this.catalog.some((m) => m.id === wanted))) {
      await this.testGateway();
    }
    const model = this.selectedModel;
    if (model) void this.selectModel(model.id);
  }

  // ---- gateway --------------------------------------------------------------------------------

  setGateway(change: Partial<GatewaySettings>): void {
    const addressChanged = change.baseUrl !== undefined && change.baseUrl !== this.gateway.baseUrl;
    this.gateway = { ...this.gateway, ...change, ...(addressChanged ? { connectedBefore: false } : {}) };
    saveGatewaySettings(this.gateway);
    if (addressChanged) this.gatewayProbe = { state: 'idle' };
    this.changed();
  }

  /** Probes the gateway, says what it found, and lists its models in the picker. */
  async testGateway(): Promise<ProbeReport> {
    this.probeAbort?.abort();
    const abort = new AbortController();
    this.probeAbort = abort;
    this.gatewayProbe = { state: 'testing' };
    this.changed();
    const report = await this.services.probeGateway(this.gateway, abort.signal);
    if (this.probeAbort !== abort) return report;
    this.gatewayProbe = { state: 'done', report };
    if (report.ok) {
      const known = [...this.services.catalog, ...this.userModels];
      const covered = new Set(
        known.flatMap((m) => {
          const name = m.source.kind === 'gateway' ? m.source.alias : m.id;
          const found = resolveModelId(name, report.info.models);
          return found ? [found.id] : [];
        }),
      );
      this.discovered = report.info.models.filter((m) => !covered.has(m.id)).map((m) => discoveredGatewayModel(m.id));
      this.rebuildCatalog();
      if (!this.gateway.connectedBefore) this.setGateway({ connectedBefore: true });
    }
    this.changed();
    return report;
  }

  // ---- models ---------------------------------------------------------------------------------

  private rebuildCatalog(): void {
    const fixed = this.services.catalog;
    const taken = new Set(fixed.map((m) => m.id));
    const mine = this.userModels.filter((m) => !taken.has(m.id));
    for (const m of mine) taken.add(m.id);
    this.userModelIds = new Set(mine.map((m) => m.id));
    this.catalog = [...fixed, ...mine, ...this.discovered.filter((m) => !taken.has(m.id))];
  }

  /** Whether every file of at least one variant is in the weight cache (always true for bundled and gateway models). */
  async isDownloaded(model: CatalogModel): Promise<boolean> {
    if (model.source.kind !== 'hub' && model.source.kind !== 'local') return true;
    try {
      const cached = await this.services.cachedUrls();
      return model.variants.some((v) => modelFileUrls(model, v.dtype, this.services.baseUrl, this.preferences.hubUrl).every((url) => cached.has(url)));
    } catch {
      return false;
    }
  }

  async selectModel(modelId: string, options: SelectOptions = {}): Promise<Route | null> {
    const model = this.catalog.find((m) => m.id === modelId);
    if (!model) {
      this.notify('error', `Unknown model "${modelId}".`);
      return null;
    }
    if (this.held()) return null;
    this.stop();
    this.loadAbort?.abort();
    const abort = new AbortController();
    this.loadAbort = abort;
    this.preferences = { ...this.preferences, modelId };
    savePreferences(this.preferences);
    this.load = { kind: 'loading', modelId, progress: null };
    this.changed();
    // Gigabytes are never fetched because a picker changed: a hub model waits for a yes. An
    // imported model has nowhere to download from: without its stored files it cannot load.
    const local = model.source.kind === 'local';
    if ((!options.download || local) && !(await this.isDownloaded(model))) {
      if (this.loadAbort !== abort) return null;
      this.load = local
        ? { kind: 'error', modelId, message: `The imported files of ${model.name} are no longer stored in this browser. Import the folder again.` }
        : { kind: 'confirm', modelId };
      this.loadPromise = null;
      this.changed();
      return null;
    }
    if (this.loadAbort !== abort) return null;
    this.load = { kind: 'loading', modelId, progress: null };
    this.changed();
    const promise = this.services.router
      .load(model, { ...this.preferences, gatewayFallback: this.gateway.fallback }, {
        signal: abort.signal,
        onProgress: (progress) => {
          if (this.loadAbort !== abort) return;
          this.load = { kind: 'loading', modelId, progress };
          this.changed();
        },
      })
      .then((route) => {
        if (this.loadAbort !== abort) return null;
        this.load = { kind: 'ready', route };
        for (const problem of route.loaded.cacheProblems ?? []) this.notify('warning', problem);
        this.changed();
        return route;
      })
      .catch((error: unknown) => {
        if (this.loadAbort !== abort || isAbortError(error)) return null;
        const faulted = faultedLoad(error, model);
        this.load = {
          kind: 'error',
          modelId,
          message: describeError(error),
          ...(faulted ? { recovery: recoveryOffers(faulted, this.gateway.baseUrl || null) } : {}),
        };
        this.changed();
        return null;
      });
    this.loadPromise = promise;
    return promise;
  }

  /** Stops a model download or load; nothing partial is kept (only complete files are cached). */
  cancelLoad(): void {
    if (this.load.kind !== 'loading') return;
    const modelId = this.load.modelId;
    this.loadAbort?.abort();
    this.loadAbort = null;
    this.loadPromise = null;
    const model = this.catalog.find((m) => m.id === modelId);
    this.load = model?.source.kind === 'hub' ? { kind: 'confirm', modelId } : { kind: 'idle' };
    this.notify('info', `Stopped loading ${model?.name ?? modelId}. Files that finished downloading stay cached; the rest will download again.`);
    this.changed();
  }

  setRunPreference(change: Partial<Pick<Preferences, 'device' | 'dtype'>>): void {
    if (this.held()) return;
    this.preferences = { ...this.preferences, ...change };
    savePreferences(this.preferences);
    const model = this.selectedModel;
    if (model) void this.selectModel(model.id);
  }

  /** Takes one of the offers made after a device fault: another device, variant, or the gateway. */
  recover(offer: RecoveryOffer): void {
    if (offer.kind === 'wasm') this.setRunPreference({ device: 'wasm' });
    else if (offer.kind === 'variant') this.setRunPreference({ dtype: offer.dtype });
    else this.setRunPreference({ device: 'gateway' });
  }

  /** Reads a hub repository into a catalog entry, without adding it (the UI shows the fit first). */
  async inspectHubRepo(repo: string, revision: string, signal: AbortSignal): Promise<CatalogModel> {
    return this.services.inspectHubRepo({ hubUrl: this.preferences.hubUrl, repo, revision, signal });
  }

  /** Adds a model to the user's catalog, keeps it in IndexedDB, and selects it. */
  async addUserModel(model: CatalogModel, options: SelectOptions = {}): Promise<void> {
    if (this.services.catalog.some((m) => m.id === model.id)) throw new Error(`${model.name} is already in the catalog.`);
    await this.services.userModels.save(model);
    this.userModels = [...this.userModels.filter((m) => m.id !== model.id), model];
    this.rebuildCatalog();
    this.changed();
    void this.selectModel(model.id, options);
  }

  /** Imports a model folder from disk into this browser and selects it; no network is involved. */
  async importLocalModel(files: readonly PickedFile[]): Promise<void> {
    const model = await this.services.importLocal(files);
    await this.addUserModel(model, { download: true });
  }

  /** Adds a model by the id a gateway knows it by (its alias or full id). */
  async addGatewayModel(serverId: string): Promise<void> {
    const id = serverId.trim();
    if (!id) throw new Error('Type the model id the gateway knows, e.g. phi-4-mini.');
    await this.addUserModel({ ...discoveredGatewayModel(id), notes: 'Added by you; runs on the gateway set up under Settings → Gateway.' });
  }

  async removeUserModel(id: string): Promise<void> {
    if (!this.userModelIds.has(id)) return;
    await this.services.userModels.delete(id);
    this.userModels = this.userModels.filter((m) => m.id !== id);
    this.rebuildCatalog();
    if (this.preferences.modelId === id) {
      const fallback = this.catalog.find((m) => m.source.kind === 'bundled');
      if (fallback) void this.selectModel(fallback.id);
    }
    this.changed();
  }

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

  // ---- conversations --------------------------------------------------------------------------

  private replace(conversation: Conversation): void {
    this.conversations = this.conversations.map((c) => (c.id === conversation.id ? conversation : c));
    this.changed();
  }

  private async persist(conversation: Conversation): Promise<void> {
    if (conversation.turns.length === 0) return;
    try {
      await this.services.chats.save(conversation);
    } catch (error) {
      this.notify('warning', `Could not save this conversation: ${describeError(error)}`);
    }
  }

  newConversation(): void {
    const empty = this.conversations.find((c) => c.turns.length === 0);
    const conversation = empty ?? createConversation();
    if (!empty) this.conversations = [conversation, ...this.conversations];
    this.currentId = conversation.id;
    this.changed();
  }

  switchTo(id: string): void {
    if (this.conversations.some((c) => c.id === id)) {
      this.currentId = id;
      this.changed();
    }
  }

  async rename(id: string, title: string): Promise<void> {
    const conversation = this.conversations.find((c) => c.id === id);
    const clean = title.trim();
    if (!conversation || !clean) return;
    const renamed = { ...conversation, title: clean };
    this.replace(renamed);
    await this.persist(renamed);
  }

  async remove(id: string): Promise<void> {
    if (this.generating?.conversationId === id) this.stop();
    this.conversations = this.conversations.filter((c) => c.id !== id);
    if (this.conversations.length === 0) this.conversations = [createConversation()];
    if (this.currentId === id) this.currentId = this.conversations[0]!.id;
    this.changed();
    try {
      await this.services.chats.delete(id);
    } catch (error) {
      this.notify('warning', `Could not delete the saved copy: ${describeError(error)}`);
    }
  }

  setSystemPrompt(text: string): void {
    const conversation = { ...this.current, systemPrompt: text, updatedAt: Date.now() };
    this.replace(conversation);
    void this.persist(conversation);
  }

  // ---- generation -----------------------------------------------------------------------------

  async send(text: string): Promise<void> {
    if (this.generating || !text.trim() || this.held()) return;
    await this.answer(withUserTurn(this.current, text));
  }

  async regenerate(): Promise<void> {
    if (this.generating || this.held()) return;
    const base = withoutLastAnswer(this.current);
    if (base) await this.answer(base);
  }

  async editAndResend(text: string): Promise<void> {
    if (this.generating || !text.trim() || this.held()) return;
    const base = withEditedLastUser(this.current, text);
    if (base) await this.answer(base);
  }

  stop(): void {
    this.generationAbort?.abort();
  }

  /** Appends an assistant turn to `conversation` and streams the answer into it. */
  private async answer(conversation: Conversation): Promise<void> {
    const messages = messagesForModel(conversation);
    const turnId = newId();
    this.generating = { conversationId: conversation.id, turnId, tokens: 0 };
    const placeholder: Turn = { id: turnId, role: 'assistant', content: '', createdAt: Date.now() };
    let current: Conversation = { ...conversation, turns: [...conversation.turns, placeholder], updatedAt: Date.now() };
    this.replace(current);
    const update = (patch: Partial<Turn>): void => {
      current = { ...current, turns: current.turns.map((t) => (t.id === turnId ? { ...t, ...patch } : t)) };
      this.replace(current);
    };
    const abort = new AbortController();
    this.generationAbort = abort;
    const startedAt = Date.now();
    let content = '';
    let reasoning = '';
    let tokens = 0;
    let meta: AnswerMeta | undefined;
    let route: Route | null = null;
    let fault: Error | null = null;
    try {
      route = this.load.kind === 'ready' ? this.load.route : await this.loadPromise;
      if (!route) {
        if (this.load.kind === 'error') throw new Error(this.load.message);
        if (this.load.kind === 'confirm') throw new Error(`${this.selectedModel?.name ?? 'This model'} is not downloaded yet: start the download in the model panel.`);
        throw new Error('No model is loaded. Pick a model first.');
      }
      meta = {
        modelId: route.model.id,
        modelName: route.model.name,
        backend: route.loaded.backend,
        dtype: route.loaded.dtype,
        detail: route.loaded.detail,
        routeReason: route.reason,
        params: { ...this.preferences.params },
      };
      update({ meta });
      for await (const event of route.engine.chat(messages, this.preferences.params, abort.signal)) {
        if (event.type === 'token') {
          this.generating = { conversationId: conversation.id, turnId, tokens: ++tokens };
          if (!event.text) continue;
          content += event.text;
          update({ content });
        } else if (event.type === 'reasoning') {
          this.generating = { conversationId: conversation.id, turnId, tokens: ++tokens };
          reasoning += event.text;
          update({ reasoning });
        } else if (event.type === 'start' && event.notice) {
          meta = { ...meta, notice: event.notice };
          update({ meta });
        } else if (event.type === 'end') {
          meta = { ...meta, stopReason: event.reason, metrics: computeMetrics(event.trace) };
          update({ meta });
        }
      }
    } catch (error) {
      const message = describeError(error);
      if (meta) update({ meta: { ...meta, error: message } });
      else update({ meta: this.errorMeta(message) });
      if (error instanceof DeviceFaultError || error instanceof WorkerCrashedError) fault = error;
    } finally {
      // Before the answer counts as finished, so a next prompt waits for the recovery.
      if (fault && route) this.afterEngineFault(fault, route);
      this.generating = null;
      this.generationAbort = null;
      this.changed();
      await this.persist(current);
      void this.recordRequests(conversation.id, turnId, startedAt, Date.now());
    }
  }

  /**
   * The worker under `route` is gone (the engine has already killed it). A hung or vanished worker
   * is most likely a one-off: load the model again at once. A failed device would fail again the
   * same way: stop, say so, and offer WASM, a smaller variant or the gateway.
   */
  private afterEngineFault(fault: Error, route: Route): void {
    const current = this.load;
    if (current.kind !== 'ready' || current.route !== route) return;
    if (fault instanceof WorkerCrashedError) {
      void this.selectModel(route.model.id, { download: true });
      return;
    }
    const plan = route.plan;
    this.load = {
      kind: 'error',
      modelId: route.model.id,
      message: fault.message,
      recovery: plan ? recoveryOffers({ model: route.model, device: plan.device, dtype: plan.dtype }, this.gateway.baseUrl || null) : [],
    };
    this.changed();
  }

  /** Stores on the answer how many requests were made while it was produced. */
  private async recordRequests(conversationId: string, turnId: string, from: number, to: number): Promise<void> {
    const log = this.services.requests;
    if (!log) return;
    await new Promise((resolve) => setTimeout(resolve, REQUEST_REPORT_DELAY_MS));
    const conversation = this.conversations.find((c) => c.id === conversationId);
    const turn = conversation?.turns.find((t) => t.id === turnId);
    if (!conversation || !turn?.meta) return;
    const count = log.between(from, to).length;
    const updated = { ...conversation, turns: conversation.turns.map((t) => (t.id === turnId && t.meta ? { ...t, meta: { ...t.meta, networkRequests: count } } : t)) };
    this.replace(updated);
    await this.persist(updated);
  }

  private errorMeta(error: string): AnswerMeta {
    const model = this.selectedModel;
    return {
      modelId: model?.id ?? 'none',
      modelName: model?.name ?? 'No model',
      backend: 'wasm',
      dtype: '–',
      detail: '',
      routeReason: '',
      params: { ...this.preferences.params },
      error,
    };
  }
}
