/**
 * The gateway as the settings panel sees it: its address and options (stored by
 * gateway-settings.ts) and "Test connection", whose list of models also feeds the catalog. Only
 * the latest test counts, so a slow answer from an old address cannot overwrite a newer one.
 */
import type { ProbeReport } from '../engine/gateway/probe';
import { saveGatewaySettings, type GatewaySettings } from './gateway-settings';
import { Latest } from './latest';
import type { ModelCatalog } from './model-catalog';
import { Notifier } from './notifier';

export type GatewayProbeState = { state: 'idle' } | { state: 'testing' } | { state: 'done'; report: ProbeReport };

export interface GatewayConnectionDeps {
  /** The settings read at start (loadGatewaySettings). */
  initial: GatewaySettings;
  /** "Test connection" (probe.ts), bound to the page's proxy and URL. */
  probe: (settings: GatewaySettings, signal: AbortSignal) => Promise<ProbeReport>;
  catalog: Pick<ModelCatalog, 'listGatewayModels'>;
  save?: (settings: GatewaySettings) => void;
}

export class GatewayConnection extends Notifier {
  private current: GatewaySettings;
  private probeState: GatewayProbeState = { state: 'idle' };
  private readonly tests = new Latest();

  constructor(private readonly deps: GatewayConnectionDeps) {
    super();
    this.current = deps.initial;
  }

  get settings(): GatewaySettings {
    return this.current;
  }

  /** The last "Test connection" and what it found. */
  get probe(): GatewayProbeState {
    return this.probeState;
  }

  /** A new address forgets the old one's test, and that it ever connected. */
  update(change: Partial<GatewaySettings>): void {
    const addressChanged = change.baseUrl !== undefined && change.baseUrl !== this.current.baseUrl;
    this.store({ ...this.current, ...change, ...(addressChanged ? { connectedBefore: false } : {}) });
    if (addressChanged) this.probeState = { state: 'idle' };
    this.changed();
  }

  /** Probes the gateway, says what it found, and lists its models in the catalog. */
  async test(): Promise<ProbeReport> {
    const signal = this.tests.start();
    this.probeState = { state: 'testing' };
    this.changed();
    const report = await this.deps.probe(this.current, signal);
    if (!this.tests.isCurrent(signal)) return report;
    this.probeState = { state: 'done', report };
    if (report.ok) {
      this.deps.catalog.listGatewayModels(report.info.models);
      if (!this.current.connectedBefore) this.store({ ...this.current, connectedBefore: true });
    }
    this.changed();
    return report;
  }

  private store(settings: GatewaySettings): void {
    this.current = settings;
    (this.deps.save ?? saveGatewaySettings)(settings);
  }
}
