import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { CompareMode } from '../../app/compare-settings';
import { MAX_LANES, MIN_LANES } from '../../app/compare-settings';
import type { Playground } from '../../app/playground';
import { talliesAmong } from '../../compare/votes';
import { AppWatch } from '../shared/app-watch';
import { BACKEND_LABEL, HOME_WORD, modelHome } from '../shared/model-label';
import { controls } from '../shared/styles';
import '../chat/chat-composer';
import type { SendPromptEvent } from '../chat/chat-composer';
import './compare-lane';
import './compare-round';
import type { CompareVoteEvent } from './compare-round';
import './compare-rule';
import type { RuleChangeEvent } from './compare-rule';

const COLUMN_NAMES = ['A', 'B', 'C'] as const;

/**
 * The Compare tab: one question to two or three models side by side (optionally blind, with
 * votes), or a draft -> refine pipeline. Setup on top, rounds below, the prompt box at the bottom.
 */
@customElement('compare-view')
export class CompareView extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.compare, app.compareSettings, app.catalog, ...app.models.lanes]);
  /**
   * The view scrolls as a whole (setup, rounds, then the sticky composer). A question asked keeps
   * its round in view as the answers grow, until the user scrolls up; at first the setup shows.
   */
  private stickToBottom = false;
  private readonly resizes = new ResizeObserver(() => {
    if (this.stickToBottom) this.scrollTop = this.scrollHeight;
  });
  private observed: Element | null = null;
  private readonly onScroll = (): void => {
    this.stickToBottom = this.scrollHeight - this.scrollTop - this.clientHeight < 48;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('scroll', this.onScroll, { passive: true });
  }

  override disconnectedCallback(): void {
    this.removeEventListener('scroll', this.onScroll);
    this.resizes.disconnect();
    this.observed = null;
    super.disconnectedCallback();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const rounds = this.renderRoot.querySelector('.rounds');
    if (rounds && rounds !== this.observed) {
      this.resizes.disconnect();
      this.resizes.observe(rounds);
      this.observed = rounds;
    }
  }

  private ask(text: string): void {
    const session = this.app.value?.compare;
    if (!session || session.running) return;
    this.stickToBottom = true;
    void session.ask(text);
  }

  /** "Pocket Chat 1M · WASM" for a contender key ("pocket-chat-1m on wasm"). */
  private nameOf(app: Playground, contender: string): string {
    const at = contender.lastIndexOf(' on ');
    const id = at < 0 ? contender : contender.slice(0, at);
    const backend = at < 0 ? '' : contender.slice(at + 4);
    const model = app.catalog.byId(id);
    const name = model ? `${model.name}${modelHome(model) === 'gateway' ? ` · ${HOME_WORD.gateway}` : ''}` : id;
    return backend && !(model && modelHome(model) === 'gateway')
      ? `${name} · ${(BACKEND_LABEL as Partial<Record<string, string>>)[backend] ?? backend}`
      : name;
  }

  private renderSetup(app: Playground) {
    const { mode, blind, lanes, rule, refineInstruction } = app.compareSettings.value;
    const busy = app.compare.running;
    const count = mode === 'draft-refine' ? 2 : lanes.length;
    const columnName = (i: number): string => (mode === 'draft-refine' ? (i === 0 ? 'Draft' : 'Refine') : COLUMN_NAMES[i]!);
    return html`<section class="card setup" aria-label="What to compare">
      <div class="toolbar">
        <div class="segmented" role="group" aria-label="Mode">
          ${(['side-by-side', 'draft-refine'] as CompareMode[]).map(
            (m) =>
              html`<button
                aria-pressed=${mode === m ? 'true' : 'false'}
                ?disabled=${busy}
                @click=${() => app.compareSettings.update({ mode: m })}
              >
                ${m === 'side-by-side' ? 'Side by side' : 'Draft → refine'}
              </button>`,
          )}
        </div>
        ${
          mode === 'side-by-side'
            ? html`<label class="check"
                  ><input
                    type="checkbox"
                    .checked=${blind}
                    ?disabled=${busy}
                    @change=${(e: Event) => app.compareSettings.update({ blind: (e.target as HTMLInputElement).checked })}
                  />
                  Blind (names hidden until you vote)</label
                >
                <span class="spacer"></span>
                ${
                  lanes.length < MAX_LANES
                    ? html`<button class="ghost" ?disabled=${busy} @click=${() => app.compareSettings.setLaneCount(lanes.length + 1)}>
                        + Column
                      </button>`
                    : nothing
                }
                ${
                  lanes.length > MIN_LANES
                    ? html`<button class="ghost" ?disabled=${busy} @click=${() => app.compareSettings.setLaneCount(lanes.length - 1)}>
                        − Column
                      </button>`
                    : nothing
                }`
            : html`<span class="hint muted"
                >The draft model answers first; the refine model improves the draft when the rule says so.</span
              >`
        }
      </div>
      <div class="lanes" style="--columns: ${count}">
        ${app.models.lanes
          .slice(0, count)
          .map(
            (slot, i) =>
              html`<compare-lane
                .modelSlot=${slot}
                .load=${slot.load}
                .models=${app.catalog.chatModels}
                column=${columnName(i)}
                ?webgpu=${Boolean(app.capabilities.webgpu)}
                ?busy=${busy}
              ></compare-lane>`,
          )}
      </div>
      ${
        mode === 'draft-refine'
          ? html`<compare-rule
              .rule=${rule}
              instruction=${refineInstruction}
              ?disabled=${busy}
              @rule-change=${(e: RuleChangeEvent) => {
                if (e.change.rule) app.compareSettings.setRule(e.change.rule);
                if (e.change.refineInstruction !== undefined) app.compareSettings.update({ refineInstruction: e.change.refineInstruction });
              }}
            ></compare-rule>`
          : nothing
      }
    </section>`;
  }

  protected override render() {
    const app = this.app.value;
    if (!app) return html`<p class="muted">Starting…</p>`;
    const session = app.compare;
    const votes = app.compareSettings.votes;
    return html`<div class="layout">
      ${this.renderSetup(app)}
      <div class="rounds" aria-live="polite">
        ${
          session.rounds.length === 0
            ? html`<p class="muted empty">Ask something below: every column answers the same question, each with its own metrics.</p>`
            : session.rounds.map(
                (round) =>
                  html`<compare-round
                    .round=${round}
                    .tallies=${
                      round.kind === 'side-by-side'
                        ? talliesAmong(
                            votes,
                            round.columns.flatMap((c) => (c.contender ? [c.contender] : [])),
                          )
                        : []
                    }
                    .nameOf=${(c: string) => this.nameOf(app, c)}
                    @compare-vote=${(e: CompareVoteEvent) => session.vote(e.roundId, e.winner)}
                  ></compare-round>`,
              )
        }
      </div>
      <div class="composer">
        ${
          session.rounds.length && !session.running
            ? html`<button class="ghost clear" @click=${() => session.clear()}>Clear comparisons</button>`
            : nothing
        }
        <chat-composer
          ?busy=${session.running}
          placeholder="Ask every column…"
          @send-prompt=${(e: SendPromptEvent) => this.ask(e.text)}
          @stop-generation=${() => session.stop()}
        ></chat-composer>
      </div>
    </div>`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        height: 100%;
        overflow-y: auto;
        box-sizing: border-box;
      }
      .layout {
        display: flex;
        flex-direction: column;
        gap: 16px;
        padding: 16px;
        max-width: 1280px;
        margin: 0 auto;
        min-height: 100%;
      }
      .card {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 12px;
        padding: 14px 16px;
      }
      .setup {
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 12px;
      }
      .segmented {
        display: flex;
        gap: 2px;
        padding: 2px;
        border-radius: 9px;
        background: var(--surface-2);
      }
      .segmented button {
        border: none;
        background: transparent;
        padding: 4px 12px;
        border-radius: 7px;
        color: var(--muted);
      }
      .segmented button[aria-pressed='true'] {
        background: var(--surface);
        color: var(--text);
        box-shadow: var(--shadow);
      }
      .check {
        display: inline-flex;
        gap: 6px;
        align-items: center;
      }
      .spacer {
        flex: 1;
      }
      .hint {
        font-size: 0.92em;
      }
      .lanes {
        display: grid;
        grid-template-columns: repeat(var(--columns), minmax(0, 1fr));
        gap: 12px;
      }
      .rounds {
        display: flex;
        flex-direction: column;
        gap: 20px;
        flex: 1;
      }
      .empty {
        text-align: center;
        padding: 24px;
      }
      .muted {
        color: var(--muted);
      }
      .composer {
        position: sticky;
        bottom: 0;
        background: var(--bg);
        padding-top: 4px;
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .clear {
        align-self: flex-end;
        font-size: 0.9em;
      }
      @media (max-width: 760px) {
        .lanes {
          grid-template-columns: minmax(0, 1fr);
        }
        .layout {
          padding: 10px;
        }
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'compare-view': CompareView;
  }
}
