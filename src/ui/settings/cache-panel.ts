import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { CacheManager } from '../../app/cache-manager';
import { dtypeLabel } from '../../catalog/dtypes';
import { formatBytes } from '../shared/format';
import { formText } from '../shared/form';
import { AppWatch } from '../shared/app-watch';
import { icons } from '../shared/icons';
import { controls, panel } from '../shared/styles';
import { errorMessage } from '../../errors/error-message';

function ago(ms: number): string {
  if (!ms) return 'never';
  const minutes = Math.round((Date.now() - ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return new Date(ms).toLocaleDateString();
}

/**
 * Models on this device: where hub models come from, what is stored (per model: complete
 * variants, size, last use), deleting, the storage estimate and persistent storage.
 */
@customElement('cache-panel')
export class CachePanel extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.cache, app.settings]);
  @state() private hubError = '';
  /** The manager last refreshed on showing, so a new one (the app booting) is read once. */
  private refreshed: CacheManager | null = null;

  private get manager(): CacheManager | undefined {
    return this.app.value?.cache;
  }

  protected override willUpdate(): void {
    const manager = this.manager;
    if (manager && manager !== this.refreshed) {
      this.refreshed = manager;
      void manager.refresh();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.refreshed = null;
  }

  private _saveHub(e: Event): void {
    e.preventDefault();
    const value = formText(e.target as HTMLFormElement, 'hub');
    try {
      this.app.value?.settings.setHubUrl(value);
      this.hubError = '';
      void this.manager?.refresh();
    } catch (error) {
      this.hubError = errorMessage(error);
    }
  }

  private renderStorage() {
    const s = this.manager?.storage;
    if (!s || s.usageBytes === null || s.quotaBytes === null)
      return html`<p class="muted">This browser does not report its storage use.</p>`;
    const share = s.quotaBytes > 0 ? Math.min(1, s.usageBytes / s.quotaBytes) : 0;
    return html`<div class="storage">
      <p><b>${formatBytes(s.usageBytes)}</b> used of ${formatBytes(s.quotaBytes)} available to this site</p>
      <progress max="1" .value=${share} aria-label="Storage used"></progress>
      <p class="muted">
        ${
          s.persisted === true
            ? 'Persistent: the browser keeps these files under storage pressure.'
            : html`The browser may evict these files when space runs low.
                <button class="link" @click=${() => void this.manager?.requestPersistence()}>Ask to keep them</button>`
        }
      </p>
    </div>`;
  }

  protected override render() {
    const app = this.app.value;
    const m = this.manager;
    if (!app || !m) return nothing;
    return html`
      <h2>Models on this device</h2>
      <form class="hub" @submit=${(e: Event) => this._saveHub(e)}>
        <label for="hub">Model hub</label>
        <div class="row">
          <input
            id="hub"
            name="hub"
            .value=${app.settings.preferences.hubUrl}
            spellcheck="false"
            autocomplete="off"
            aria-describedby="hub-help"
          />
          <button type="submit">Save</button>
        </div>
        <p id="hub-help" class=${this.hubError ? 'error' : 'muted'} role=${this.hubError ? 'alert' : nothing}>
          ${this.hubError || 'huggingface.co, or a mirror laid out like it ({repo}/resolve/{revision}/{file}).'}
        </p>
      </form>
      ${this.renderStorage()} ${m.problem ? html`<p class="error" role="alert">${m.problem}</p>` : nothing}
      ${
        m.groups.length === 0
          ? html`<p class="muted">Nothing stored yet.</p>`
          : html`<ul class="groups">
                ${m.groups.map(
                  (g) =>
                    html`<li data-cache=${g.key}>
                      <div class="what">
                        <b>${g.label}</b>
                        <span class="muted">
                          ${formatBytes(g.bytes)} · ${g.files.length} file${g.files.length === 1 ? '' : 's'} · used ${ago(g.lastUsedAt)}
                          ${
                            g.model
                              ? html` ·
                                ${
                                  g.completeDtypes.length
                                    ? html`<span class="complete">complete: ${g.completeDtypes.map(dtypeLabel).join(', ')}</span>`
                                    : html`<span class="partial">incomplete</span>`
                                }`
                              : nothing
                          }
                        </span>
                      </div>
                      <button
                        class="ghost icon"
                        ?disabled=${m.busy}
                        aria-label="Delete the stored files of ${g.label}"
                        @click=${() => void m.deleteGroup(g.key)}
                      >
                        ${icons.trash}
                      </button>
                    </li>`,
                )}
              </ul>
              <button class="danger-text" ?disabled=${m.busy} @click=${() => void m.deleteAll()}>Delete all stored models</button>`
      }
    `;
  }

  static override styles = [
    controls,
    panel,
    css`
      label {
        font-weight: 600;
      }
      .row {
        display: flex;
        gap: 6px;
        margin-top: 4px;
      }
      .row input {
        flex: 1;
        min-width: 0;
      }
      p {
        margin: 4px 0 8px;
        line-height: 1.4;
      }
      progress {
        width: 100%;
        height: 6px;
      }
      .groups {
        list-style: none;
        margin: 8px 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .groups li {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 6px 8px;
        border-radius: 8px;
        background: var(--surface-2);
      }
      .what {
        display: flex;
        flex-direction: column;
        min-width: 0;
        flex: 1;
      }
      .what .muted {
        font-size: 0.9em;
      }
      .complete {
        color: var(--success);
      }
      .partial {
        color: var(--warning);
      }
      .link {
        background: none;
        border: none;
        padding: 0;
        color: var(--accent);
        text-decoration: underline;
        cursor: pointer;
      }
      .danger-text {
        color: var(--danger);
      }
      .error {
        color: var(--danger);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'cache-panel': CachePanel;
  }
}
