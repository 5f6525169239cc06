import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { fitForModel } from '../../app/model-fit';
import { dtypeLabel } from '../../catalog/dtypes';
import { variantBytes } from '../../catalog/fit';
import type { CatalogModel } from '../../catalog/schema';
import { formatBytes, formatCount } from '../shared/format';
import { formText } from '../shared/form';
import { filesFromDrop, filesFromInput } from './picked-files';
import type { PickedFile } from '../../app/local-import';
import { PlaygroundController } from '../shared/app-watch';
import { controls } from '../shared/styles';
import { errorMessage } from '../../errors/error-message';

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'found'; model: CatalogModel } | { state: 'failed'; message: string };

/**
 * "Add a model": a hub repository (read, checked and shown with its fit verdict before anything
 * big downloads) or a model id the gateway knows. Added models are kept in IndexedDB.
 */
@customElement('add-model-dialog')
export class AddModelDialog extends LitElement {
  private readonly app = new PlaygroundController(this);
  @query('dialog') private dialog!: HTMLDialogElement;
  @state() private check: Check = { state: 'idle' };
  @state() private gatewayError = '';
  @state() private importError = '';
  @state() private importState: 'idle' | 'importing' = 'idle';
  @state() private dragging = false;
  private abort: AbortController | null = null;

  open(): void {
    this.check = { state: 'idle' };
    this.gatewayError = '';
    this.dialog.showModal();
  }

  private close(): void {
    this.abort?.abort();
    this.dialog.close();
  }

  private async _inspect(e: Event): Promise<void> {
    e.preventDefault();
    const app = this.app.value;
    const form = e.target as HTMLFormElement;
    if (!app) return;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.check = { state: 'checking' };
    try {
      const model = await app.inspectHubRepo(formText(form, 'repo'), formText(form, 'revision'), abort.signal);
      if (this.abort === abort) this.check = { state: 'found', model };
    } catch (error) {
      if (this.abort === abort && !abort.signal.aborted) this.check = { state: 'failed', message: errorMessage(error) };
    }
  }

  private async _add(model: CatalogModel, download: boolean): Promise<void> {
    try {
      await this.app.value?.addUserModel(model, { download });
      this.close();
    } catch (error) {
      this.check = { state: 'failed', message: errorMessage(error) };
    }
  }

  private async _addGateway(e: Event): Promise<void> {
    e.preventDefault();
    const id = formText(e.target as HTMLFormElement, 'gateway-model');
    try {
      await this.app.value?.addGatewayModel(id);
      this.close();
    } catch (error) {
      this.gatewayError = errorMessage(error);
    }
  }

  private async _import(files: PickedFile[]): Promise<void> {
    this.importState = 'importing';
    try {
      await this.app.value?.importLocalModel(files);
      this.importError = '';
      this.close();
    } catch (error) {
      this.importError = errorMessage(error);
    } finally {
      this.importState = 'idle';
    }
  }

  private async _pick(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const files = filesFromInput(input);
    input.value = '';
    if (files.length) await this._import(files);
  }

  private _dragOver(e: DragEvent): void {
    e.preventDefault();
    this.dragging = true;
  }

  private async _drop(e: DragEvent): Promise<void> {
    e.preventDefault();
    this.dragging = false;
    if (e.dataTransfer) await this._import(await filesFromDrop(e.dataTransfer));
  }

  private renderFound(model: CatalogModel) {
    const app = this.app.value;
    const fit = app ? fitForModel(model, app.capabilities, app.preferences.device, app.preferences.dtype) : null;
    const level = fit?.verdict.level ?? 'fits';
    return html`<div class="found" data-model=${model.id}>
      <p>
        <b>${model.name}</b> · ${model.architecture}${model.parameters ? ` · ~${formatCount(model.parameters)} parameters` : ''}
        ${model.contextLength ? ` · ${formatCount(model.contextLength)} context` : ''} · ${model.license}
      </p>
      <p class="muted">Variants: ${model.variants.map((v) => `${dtypeLabel(v.dtype)} ${formatBytes(variantBytes(model, v.dtype))}`).join(' · ')}</p>
      ${fit
        ? html`<p class="verdict ${level}" data-fit=${level}>
            ${level === 'fits' ? 'Fits this device' : level === 'slow' ? 'Will be slow here' : 'Will not fit here'}${fit.dtype
              ? html` <span class="muted">(${fit.device === 'webgpu' ? 'WebGPU' : 'WASM'} · ${dtypeLabel(fit.dtype)} · ${formatBytes(fit.bytes)})</span>`
              : nothing}
            ${fit.verdict.reasons.length ? html`<br />${fit.verdict.reasons.join('; ')}` : nothing}
            ${fit.verdict.suggestion ? html`<br /><span class="muted">Suggestion: ${fit.verdict.suggestion}.</span>` : nothing}
          </p>`
        : nothing}
      <div class="actions">
        <button class="primary" @click=${() => void this._add(model, true)}>Add and download${fit && fit.bytes ? ` ${formatBytes(fit.bytes)}` : ''}</button>
        <button @click=${() => void this._add(model, false)}>Add without downloading</button>
      </div>
    </div>`;
  }

  protected override render() {
    const app = this.app.value;
    const c = this.check;
    return html`<dialog aria-labelledby="add-title" @close=${() => this.abort?.abort()}>
      <div class="title">
        <h2 id="add-title">Add a model</h2>
        <button class="ghost" aria-label="Close" @click=${() => this.close()}>✕</button>
      </div>
      <section aria-labelledby="hub-title">
        <h3 id="hub-title">From the Hugging Face hub</h3>
        <p class="muted">An ONNX chat model transformers.js runs (e.g. an onnx-community repo), read from ${app?.preferences.hubUrl ?? 'the hub'}
          and pinned to the commit it points to now. Nothing big downloads until you say so.</p>
        <form @submit=${(e: Event) => void this._inspect(e)}>
          <label>Repository <input name="repo" required placeholder="onnx-community/Qwen2.5-0.5B-Instruct" autocomplete="off" spellcheck="false" /></label>
          <label>Revision <input name="revision" placeholder="main" autocomplete="off" spellcheck="false" /></label>
          <button type="submit" ?disabled=${c.state === 'checking'}>${c.state === 'checking' ? 'Checking…' : 'Check'}</button>
        </form>
        ${c.state === 'failed' ? html`<p class="error" role="alert">${c.message}</p>` : nothing}
        ${c.state === 'found' ? this.renderFound(c.model) : nothing}
      </section>
      <section aria-labelledby="local-title">
        <h3 id="local-title">From a folder on this computer</h3>
        <p class="muted">A model folder with config.json, the tokenizer files and onnx/. It is copied into this browser's storage and runs with no network.</p>
        <div class="drop ${this.dragging ? 'over' : ''}" @dragover=${this._dragOver} @dragleave=${() => (this.dragging = false)} @drop=${(e: DragEvent) => void this._drop(e)}>
          <label class="file">Choose folder…<input type="file" webkitdirectory multiple @change=${(e: Event) => void this._pick(e)} /></label>
          <span class="muted">or drop it here</span>
        </div>
        ${this.importState === 'importing' ? html`<p role="status">Importing…</p>` : nothing}
        ${this.importError ? html`<p class="error" role="alert">${this.importError}</p>` : nothing}
      </section>
      <section aria-labelledby="gw-title">
        <h3 id="gw-title">On the gateway</h3>
        <p class="muted">A model id or Foundry alias the gateway under Settings → Gateway knows.</p>
        <form @submit=${(e: Event) => void this._addGateway(e)}>
          <label>Model id <input name="gateway-model" required placeholder="phi-4-mini" autocomplete="off" spellcheck="false" /></label>
          <button type="submit">Add</button>
        </form>
        ${this.gatewayError ? html`<p class="error" role="alert">${this.gatewayError}</p>` : nothing}
      </section>
    </dialog>`;
  }

  static override styles = [
    controls,
    css`
      dialog {
        width: min(560px, calc(100vw - 24px));
        border: 1px solid var(--border);
        border-radius: 14px;
        background: var(--surface);
        color: var(--text);
        padding: 18px 20px;
        box-shadow: var(--shadow);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 35%);
      }
      .title {
        display: flex;
        justify-content: space-between;
        align-items: center;
      }
      h2 {
        font-size: 1.1em;
        margin: 0;
      }
      h3 {
        font-size: 0.95em;
        margin: 16px 0 4px;
      }
      section p {
        margin: 4px 0 8px;
        line-height: 1.45;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: flex-end;
      }
      form label {
        display: flex;
        flex-direction: column;
        gap: 2px;
        font-size: 0.85em;
        color: var(--muted);
        flex: 1 1 140px;
      }
      form label:first-child {
        flex: 3 1 240px;
      }
      .found {
        margin-top: 10px;
        padding: 10px;
        border-radius: 10px;
        background: var(--surface-2);
      }
      .verdict {
        border-left: 3px solid var(--success);
        padding-left: 8px;
      }
      .verdict.slow {
        border-left-color: var(--warning);
      }
      .verdict.wont-fit {
        border-left-color: var(--danger);
      }
      .actions {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
      }
      .error {
        color: var(--danger);
      }
      .drop {
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 12px;
        border: 2px dashed var(--border);
        border-radius: 10px;
      }
      .drop.over {
        border-color: var(--accent);
        background: var(--surface-2);
      }
      .file {
        position: relative;
        display: inline-block;
        padding: 6px 12px;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--surface-2);
        cursor: pointer;
      }
      .file:focus-within {
        outline: 2px solid var(--accent);
      }
      .file input {
        position: absolute;
        inset: 0;
        opacity: 0;
        cursor: pointer;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'add-model-dialog': AddModelDialog;
  }
}
