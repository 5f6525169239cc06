import { Task, TaskStatus } from '@lit/task';
import { LitElement, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { fitForModel } from '../../placement/verdict';
import { dtypeLabel } from '../../catalog/dtypes';
import { variantBytes } from '../../catalog/variants';
import type { CatalogModel } from '../../catalog/schema';
import { formatBytes, formatCount } from '../shared/format';
import { formText } from '../shared/form';
import { filesFromDrop, filesFromInput } from './picked-files';
import type { PickedFile } from '../../app/local-import';
import type { Playground } from '../../app/playground';
import { AppWatch } from '../shared/app-watch';
import { controls } from '../shared/styles';
import { isAbortError } from '../../engine/errors';
import { errorMessage } from '../../errors/error-message';
import { addModelDialogStyles } from './add-model-dialog.styles';

/**
 * "Add a model": a hub repository (read, checked and shown with its fit verdict before anything
 * big downloads) or a model id the gateway knows. Added models are kept in IndexedDB.
 */
@customElement('add-model-dialog')
export class AddModelDialog extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.settings]);
  @query('dialog') private dialog!: HTMLDialogElement;
  /** Whether the hub check's outcome is on screen (not after the dialog reopens). */
  @state() private checkShown = false;
  /** Why the checked model could not be added; shown in its place. */
  @state() private addError = '';
  @state() private gatewayError = '';
  @state() private importError = '';
  @state() private importState: 'idle' | 'importing' = 'idle';
  @state() private dragging = false;

  /** "Check": reads the hub repository. A newer check aborts the one before, closing aborts it, and only the latest result shows. */
  private readonly inspection = new Task(this, {
    task: async ([repo, revision]: readonly [string, string], { signal }) => {
      const catalog = this.app.value?.catalog;
      if (!catalog) throw new Error('The playground is still starting.');
      return catalog.inspectHubRepo(repo, revision, signal);
    },
    autoRun: false,
  });

  open(): void {
    this.checkShown = false;
    this.addError = '';
    this.gatewayError = '';
    this.dialog.showModal();
  }

  private close(): void {
    this.inspection.abort();
    this.dialog.close();
  }

  private _inspect(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    if (!this.app.value) return;
    this.checkShown = true;
    this.addError = '';
    void this.inspection.run([formText(form, 'repo'), formText(form, 'revision')]);
  }

  /** Adds `model` to the list and selects it in the primary slot (the panel this dialog belongs to). */
  private async _added(adding: (app: Playground) => Promise<CatalogModel>, download: boolean): Promise<void> {
    const app = this.app.value;
    if (!app) {
      this.close();
      return;
    }
    const model = await adding(app);
    void app.models.primary.selectModel(model.id, { download });
    this.close();
  }

  private async _add(model: CatalogModel, download: boolean): Promise<void> {
    try {
      await this._added((app) => app.catalog.addUserModel(model), download);
    } catch (error) {
      this.addError = errorMessage(error);
    }
  }

  private async _addGateway(e: Event): Promise<void> {
    e.preventDefault();
    const id = formText(e.target as HTMLFormElement, 'gateway-model');
    try {
      await this._added((app) => app.catalog.addGatewayModel(id), false);
    } catch (error) {
      this.gatewayError = errorMessage(error);
    }
  }

  private async _import(files: PickedFile[]): Promise<void> {
    this.importState = 'importing';
    try {
      await this._added((app) => app.catalog.importLocalModel(files), true);
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
    const prefs = app?.settings.preferences;
    const fit = app && prefs ? fitForModel(model, app.capabilities, prefs.device, prefs.dtype) : null;
    const level = fit?.verdict.level ?? 'fits';
    return html`<div class="found" data-model=${model.id}>
      <p>
        <b>${model.name}</b> · ${model.architecture}${model.parameters ? ` · ~${formatCount(model.parameters)} parameters` : ''}
        ${model.contextLength ? ` · ${formatCount(model.contextLength)} context` : ''} · ${model.license}
      </p>
      <p class="muted">
        Variants: ${model.variants.map((v) => `${dtypeLabel(v.dtype)} ${formatBytes(variantBytes(model, v.dtype))}`).join(' · ')}
      </p>
      ${
        fit
          ? html`<p class="verdict ${level}" data-fit=${level}>
              ${level === 'fits' ? 'Fits this device' : level === 'slow' ? 'Will be slow here' : 'Will not fit here'}${
                fit.dtype
                  ? html` <span class="muted"
                      >(${fit.device === 'webgpu' ? 'WebGPU' : 'WASM'} · ${dtypeLabel(fit.dtype)} · ${formatBytes(fit.bytes)})</span
                    >`
                  : nothing
              }
              ${fit.verdict.reasons.length ? html`<br />${fit.verdict.reasons.join('; ')}` : nothing}
              ${fit.verdict.suggestion ? html`<br /><span class="muted">Suggestion: ${fit.verdict.suggestion}.</span>` : nothing}
            </p>`
          : nothing
      }
      <div class="actions">
        <button class="primary" @click=${() => void this._add(model, true)}>
          Add and download${fit && fit.bytes ? ` ${formatBytes(fit.bytes)}` : ''}
        </button>
        <button @click=${() => void this._add(model, false)}>Add without downloading</button>
      </div>
    </div>`;
  }

  protected override render() {
    const app = this.app.value;
    const checking = this.checkShown && this.inspection.status === TaskStatus.PENDING;
    const failed = (message: string) => html`<p class="error" role="alert">${message}</p>`;
    return html`<dialog aria-labelledby="add-title" @close=${() => this.inspection.abort()}>
      <div class="title">
        <h2 id="add-title">Add a model</h2>
        <button class="ghost" aria-label="Close" @click=${() => this.close()}>✕</button>
      </div>
      <section aria-labelledby="hub-title">
        <h3 id="hub-title">From the Hugging Face hub</h3>
        <p class="muted">
          An ONNX chat model transformers.js runs (e.g. an onnx-community repo), read from ${app?.settings.preferences.hubUrl ?? 'the hub'}
          and pinned to the commit it points to now. Nothing big downloads until you say so.
        </p>
        <form @submit=${(e: Event) => this._inspect(e)}>
          <label
            >Repository
            <input name="repo" required placeholder="onnx-community/Qwen2.5-0.5B-Instruct" autocomplete="off" spellcheck="false"
          /></label>
          <label>Revision <input name="revision" placeholder="main" autocomplete="off" spellcheck="false" /></label>
          <button type="submit" ?disabled=${checking}>${checking ? 'Checking…' : 'Check'}</button>
        </form>
        ${
          this.checkShown
            ? this.inspection.render({
                complete: (model) => (this.addError ? failed(this.addError) : this.renderFound(model)),
                error: (error) => (isAbortError(error) ? nothing : failed(errorMessage(error))),
              })
            : nothing
        }
      </section>
      <section aria-labelledby="local-title">
        <h3 id="local-title">From a folder on this computer</h3>
        <p class="muted">
          A model folder with config.json, the tokenizer files and onnx/. It is copied into this browser's storage and runs with no network.
        </p>
        <div
          class="drop ${this.dragging ? 'over' : ''}"
          @dragover=${this._dragOver}
          @dragleave=${() => (this.dragging = false)}
          @drop=${(e: DragEvent) => void this._drop(e)}
        >
          <label class="file"
            >Choose folder…<input type="file" webkitdirectory multiple @change=${(e: Event) => void this._pick(e)}
          /></label>
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

  static override styles = [controls, addModelDialogStyles];
}

declare global {
  interface HTMLElementTagNameMap {
    'add-model-dialog': AddModelDialog;
  }
}
