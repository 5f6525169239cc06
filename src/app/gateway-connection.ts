/**
 * The gateway as the settings panel sees it: its address and options (stored by
 * gateway-settings.ts) and "Test connection", whose list of models also feeds the picker. Only
 * the latest test counts, so a slow answer from an old address cannot overwrite a newer one.
 */
import type { ProbeReport } from '../engine/gateway/probe';
import { saveGatewaySettings, type GatewaySettings } from './gateway-settings';
import type { ModelCatalog } from './model-catalog';
import type { Playground, PlaygroundServices } from './playground';

export interface GatewayConnectionDeps {
  playground: Pick<Playground, 'gateway' | 'gatewayProbe'>;
  services: Pick<PlaygroundServices, 'probeGateway'>;
  catalog: Pick<ModelCatalog, 'listGatewayModels'>;
  changed: () => void;
}

export class GatewayConnection {
  private probeAbort: AbortController | null = null;

  constructor(private readonly deps: GatewayConnectionDeps) {}

  /** A new address forgets the old one's test, and that it ever connected. */
  setGateway(change: Partial<GatewaySettings>): void {
    const p = this.deps.playground;
    const addressChanged = change.baseUrl !== undefined && change.baseUrl !== p.gateway.baseUrl;
    p.gateway = { ...p.gateway, ...change, ...(addressChanged ? { connectedBefore: false } : {}) };
    saveGatewaySettings(p.gateway);
    if (addressChanged) p.gatewayProbe = { state: 'idle' };
    this.deps.changed();
  }

  async testGateway(): Promise<ProbeReport> {
    const p = this.deps.playground;
    this.probeAbort?.abort();
    const abort = new AbortController();
    this.probeAbort = abort;
    p.gatewayProbe = { state: 'testing' };
    this.deps.changed();
    const report = await this.deps.services.probeGateway(p.gateway, abort.signal);
    if (this.probeAbort !== abort) return report;
    p.gatewayProbe = { state: 'done', report };
    if (report.ok) {
      this.deps.catalog.listGatewayModels(report.info.models);
      if (!p.gateway.connectedBefore) this.setGateway({ connectedBefore: true });
    }
    this.deps.changed();
    return report;
  }
}
