import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { SourceRecord } from '../../cache/source-store';
import { ACCEPTED_TYPES, type SourceFile } from '../../rag/ingest/read-source';
import { MAX_SOURCE_BYTES } from '../../rag/ingest/source-error';
import { AppWatch } from '../shared/app-watch';
import { embedderDtype, embeddingModels } from '../../app/source-specs';
import type { CatalogModel } from '../../catalog/schema';
import { formatBytes } from '../shared/format';
import { icons } from '../shared/icons';
import { controls, filePicker } from '../shared/styles';
import { sourcesPanelStyles } from './sources-panel.styles';

const KIND_LABEL: Record<SourceRecord['kind'], string> = {
  pasted: 'pasted',
  text: 'text',
  markdown: 'Markdown',
  html: 'HTML',
  pdf: 'PDF',
  docx: 'Word',
};

/** "about 23 MB": the variant WASM runs first, as the retrieval worker would download it. */
function downloadSize(model: CatalogModel): string {
  const dtype = embedderDtype(model);
  const files = [...model.files, ...(model.variants.find((v) => v.dtype === dtype)?.files ?? [])];
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  return `${files.some((f) => f.approximate) ? 'about ' : ''}${formatBytes(bytes)}`;
}

/**
 * The open conversation's sources: paste text, pick or drop files, see each one's size and
 * passages, remove it. Answers in a conversation with sources are grounded in them and cite them.
 * Errors show here, beside the field, and pasted text that could not be added stays in the box.
 */
@customElement('sources-panel')
export class SourcesPanel extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.sources, app.chats, app.settings]);
  /** The gateway's address when answers come from one (the passages go there), else null. */
  @property({ attribute: false }) gateway: string | null = null;
  @state() private open = false;
  @state() private dragging = false;
  @state() private pasted = '';
  @query('details') private details?: HTMLDetailsElement;

  /** Adds files to the open conversation (the chat view forwards files dropped anywhere on it). */
  addFiles(files: readonly SourceFile[]): void {
    const app = this.app.value;
    if (!app || !files.length) return;
    this.open = true;
    void app.sources.addFiles(app.chats.currentId, files);
  }

  private async _addPasted(event: Event): Promise<void> {
    event.preventDefault();
    const app = this.app.value;
    const text = this.pasted;
    if (!app || !text.trim()) return;
    // The box empties only once the text is a source: a failure leaves it to fix or retry.
    if (await app.sources.addText(app.chats.currentId, text)) this.pasted = '';
  }

  private _pick(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    this.addFiles(files);
  }

  private _dragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.dragging = true;
  }

  private _drop(event: DragEvent): void {
    event.preventDefault();
    event.stopPropagation();
    this.dragging = false;
    this.addFiles([...(event.dataTransfer?.files ?? [])]);
  }

  private renderSource(source: SourceRecord, conversationId: string) {
    const app = this.app.value;
    const embedded = source.embedding ? ` · vectors of ${source.embedding.model}` : '';
    return html`<li class="source" data-source=${source.id}>
      <div class="line">
        <span class="name" title=${source.name}>${source.name}</span>
        <span class="facts muted"
          >${KIND_LABEL[source.kind]} · ${formatBytes(source.bytes)} ·
          <span class="chunks">${source.chunkCount} passage${source.chunkCount === 1 ? '' : 's'}</span>${embedded}</span
        >
        <button
          class="ghost icon remove"
          aria-label=${`Remove ${source.name}`}
          title="Remove this source"
          @click=${() => void app?.sources.remove(conversationId, source.id)}
        >
          ${icons.trash}
        </button>
      </div>
      ${source.warnings.map((w) => html`<p class="warning">${w}</p>`)}
    </li>`;
  }

  /** How passages are found: words alone, or words and the meaning an embedding model sees (chosen here). */
  private renderRanking() {
    const app = this.app.value;
    if (!app) return nothing;
    const models = embeddingModels(app.catalog.models);
    const choice = app.settings.preferences.embedderId;
    const chosen = choice === 'none' ? null : (models.find((m) => m.id === choice) ?? models[0] ?? null);
    const fromHub = chosen && chosen.source.kind === 'hub' ? chosen : null;
    return html`<div class="ranking">
        <label for="embedder">Passages are found by their words (BM25) and by their meaning with</label>
        <select
          id="embedder"
          .value=${chosen?.id ?? 'none'}
          @change=${(e: Event) => app.settings.setEmbedder((e.target as HTMLSelectElement).value)}
        >
          ${models.map(
            (m) =>
              html`<option value=${m.id} ?selected=${m.id === chosen?.id}>
                ${m.name}${m.source.kind === 'bundled' ? ' (bundled)' : m.source.kind === 'hub' ? ` (hub, ${downloadSize(m)})` : ''}
              </option>`,
          )}
          <option value="none" ?selected=${!chosen}>nothing else (words only)</option>
        </select>
      </div>
      ${
        fromHub
          ? html`<p class="muted note" data-embedder-download>
              ${fromHub.name} is downloaded from the hub the first time it is needed (${downloadSize(fromHub)}), then kept in this browser.
              Sources added before are embedded again with it at the next question.
            </p>`
          : nothing
      }`;
  }

  protected override render() {
    const app = this.app.value;
    if (!app) return nothing;
    const conversationId = app.chats.currentId;
    const sources = app.sources.of(conversationId);
    const adding = app.sources.addingTo(conversationId);
    const failures = app.sources.failuresOf(conversationId);
    const passages = sources.reduce((n, s) => n + s.chunkCount, 0);
    const summary = sources.length
      ? `${sources.length} document${sources.length === 1 ? '' : 's'} · ${passages} passage${passages === 1 ? '' : 's'}`
      : 'none';
    const hubEmbedder = app.sources.embedderFromHub;
    return html`<details
      class="sources ${this.dragging ? 'over' : ''}"
      ?open=${this.open || adding.length > 0 || failures.length > 0}
      @toggle=${() => (this.open = this.details?.open ?? false)}
      @dragover=${this._dragOver}
      @dragleave=${() => (this.dragging = false)}
      @drop=${this._drop}
    >
      <summary>
        <span class="label">Sources</span>
        <span class="preview muted" data-count=${sources.length}>${summary}${adding.length ? ` · adding ${adding.length}…` : ''}</span>
      </summary>
      <div class="body">
        <p class="muted about">Answers in this conversation use only these documents and cite them as [1], [2]…</p>
        ${this.renderRanking()}
        ${
          this.gateway
            ? html`<p class="gateway" role="note">
                ${icons.alert} Answers come from the gateway at ${this.gateway}: the passages found for each question are sent there with
                it.
              </p>`
            : html`<p class="local muted">
                ${icons.shield}
                ${
                  hubEmbedder
                    ? 'Your documents stay in this browser: only the embedding model is downloaded, once.'
                    : 'Your documents stay in this browser: reading, indexing and answering make no request.'
                }
              </p>`
        }
        ${
          sources.length || adding.length
            ? html`<ul class="list">
                ${sources.map((s) => this.renderSource(s, conversationId))}
                ${adding.map(
                  (a) =>
                    html`<li class="source adding" data-adding=${a.id}>
                      <div class="line">
                        <span class="name">${a.name}</span
                        ><span class="facts muted" role="status">${a.phase === 'reading' ? 'reading…' : 'indexing…'}</span>
                      </div>
                    </li>`,
                )}
              </ul>`
            : nothing
        }
        ${failures.map(
          (f) =>
            html`<p class="error" role="alert" data-failure=${f.id}>
              ${icons.alert}<span>${f.message}</span>
              <button class="ghost icon" aria-label="Dismiss" @click=${() => app.sources.dismissFailure(conversationId, f.id)}>
                ${icons.close}
              </button>
            </p>`,
        )}
        <form class="paste" @submit=${(e: Event) => void this._addPasted(e)}>
          <label for="paste" class="visually-hidden">Paste reference text</label>
          <textarea
            id="paste"
            rows="3"
            placeholder="Paste reference text…"
            .value=${this.pasted}
            @input=${(e: Event) => (this.pasted = (e.target as HTMLTextAreaElement).value)}
          ></textarea>
          <div class="row">
            <label class="file"
              >${icons.plus} Add files…<input type="file" multiple accept=${ACCEPTED_TYPES} @change=${this._pick}
            /></label>
            <span class="muted hint">or drop them here · .txt .md .html .pdf .docx, up to ${formatBytes(MAX_SOURCE_BYTES)}</span>
            <button type="submit" class="primary" ?disabled=${!this.pasted.trim()}>Add text</button>
          </div>
        </form>
      </div>
    </details>`;
  }

  static override styles = [controls, filePicker, sourcesPanelStyles];
}

declare global {
  interface HTMLElementTagNameMap {
    'sources-panel': SourcesPanel;
  }
}
