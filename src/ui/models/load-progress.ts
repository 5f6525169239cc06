import { progressBar } from '../shared/styles';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LoadProgress } from '../../engine/engine-types';
import { formatBytes } from '../shared/format';

/** Model loading: total bytes and percent, the current file, then "compiling shaders". */
@customElement('load-progress')
export class LoadProgressBar extends LitElement {
  /** Latest progress event, or null before the first one. */
  @property({ attribute: false }) progress: LoadProgress | null = null;

  protected override render() {
    const p = this.progress;
    if (!p) {
      return html`<div class="label">Starting the inference worker…</div>
        <div class="bar indeterminate" role="progressbar" aria-label="Loading model"><span></span></div>`;
    }
    if (p.phase === 'compile') {
      return html`<div class="label">${p.message}</div>
        <div class="bar indeterminate" role="progressbar" aria-label=${p.message}><span></span></div>
        <div class="sub">Done once per load; the first WebGPU run can take a few seconds.</div>`;
    }
    if (p.phase === 'ready') return nothing;
    const percent = p.total > 0 ? Math.min(100, (p.loaded / p.total) * 100) : 0;
    const verb = p.fromCache ? 'Reading from cache' : 'Downloading';
    return html`<div class="label">
        <span>${verb} · ${Math.floor(percent)}%</span>
        <span class="bytes">${formatBytes(p.loaded)} / ${formatBytes(p.total)}</span>
      </div>
      <div
        class="bar"
        role="progressbar"
        aria-label="Model download"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${Math.floor(percent)}
      >
        <span style="width:${percent}%"></span>
      </div>
      <div class="sub" title=${p.file}>${p.file} · ${formatBytes(p.fileLoaded)} of ${formatBytes(p.fileTotal)}</div>`;
  }

  static override styles = [
    progressBar,
    css`
      .bytes {
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      .bar.indeterminate span {
        width: 30%;
        animation: slide 1.2s ease-in-out infinite;
      }
      @keyframes slide {
        from {
          transform: translateX(-100%);
        }
        to {
          transform: translateX(340%);
        }
      }
      .sub {
        margin-top: 4px;
        color: var(--muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      @media (prefers-reduced-motion: reduce) {
        .bar.indeterminate span {
          animation: none;
          width: 100%;
          opacity: 0.4;
        }
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'load-progress': LoadProgressBar;
  }
}
