/**
 * "Test connection": probes a gateway and reports, in plain words, what is there (which server
 * generation, which models are downloaded and loaded) or why it cannot be used.
 *
 * A failed `fetch` looks the same for "nothing listening", "no CORS headers" and "blocked by Local
 * Network Access". A second, `no-cors` request tells the first two apart: it resolves (with an
 * opaque response) whenever a server answers at all, and fails only when nothing does. The page is
 * isolated with COEP `credentialless`, which allows such credential-less requests.
 */
import { FoundryClient, GENERATION_LABEL, type GatewayInfo } from './foundry-client';
import { GatewayError, startCommandsHint, type GatewayFailure } from './gateway-errors';
import { effectiveRoot, isLoopbackUrl, normalizeGatewayUrl, type ProxyInfo } from './gateway-url';
import { errorMessage } from '../../errors/error-message';

export interface ProbeOptions {
  baseUrl: string;
  apiKey?: string;
  proxy: ProxyInfo | null;
  /** The page's own URL (`location.href`), for the Local Network Access check. */
  pageUrl: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export type ProbeReport =
  | { ok: true; root: string; viaProxy: boolean; info: GatewayInfo; summary: string; details: string[] }
  | { ok: false; failure: GatewayFailure | 'invalid-url'; summary: string };

function listSome(ids: readonly string[], max = 4): string {
  if (ids.length === 0) return 'none';
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

export function describeInfo(baseUrl: string, viaProxy: boolean, info: GatewayInfo): { summary: string; details: string[] } {
  const loaded = info.models.filter((m) => m.loaded).map((m) => m.id);
  const summary = `Connected to ${GENERATION_LABEL[info.generation]} at ${baseUrl}${viaProxy ? " through this page's proxy" : ''}.`;
  const details = [
    `${info.models.length} model${info.models.length === 1 ? '' : 's'} available: ${listSome(info.models.map((m) => m.id))}.`,
  ];
  if (info.generation !== 'openai') details.push(`Loaded now: ${listSome(loaded)}.`);
  if (info.models.length === 0) {
    details.push(
      info.generation === 'openai' ? 'The server lists no models.' : 'Download one first, for example: foundry model download phi-4-mini',
    );
  }
  return { summary, details };
}

async function localNetworkDenied(): Promise<boolean> {
  try {
    // Chrome 142+; other browsers reject the unknown permission name.
    const status = await navigator.permissions.query({ name: 'local-network-access' as PermissionName });
    return status.state === 'denied';
  } catch {
    return false;
  }
}

/** Why a plain fetch to `root` failed, found with a no-cors request. */
export async function explainFetchFailure(root: string, pageUrl: string, fetcher: typeof fetch): Promise<GatewayError> {
  const crossToLoopback = isLoopbackUrl(root) && !isLoopbackUrl(pageUrl);
  if (crossToLoopback && (await localNetworkDenied())) {
    return new GatewayError(
      'local-network',
      `The browser blocked this page from reaching ${root} (Local Network Access). ` +
        "Open the site settings (the icon left of the address bar), allow 'Local network access', then test again.",
    );
  }
  const answered = await fetcher(`${root}/v1/models`, { mode: 'no-cors', credentials: 'omit' }).then(
    () => true,
    () => false,
  );
  if (answered) {
    return new GatewayError(
      'cors',
      `A server is running at ${root}, but it does not allow requests from this page (no CORS headers; Foundry Local never sends them). ` +
        `Open the playground with npm start or npm run dev, whose server forwards /gateway to one gateway: GATEWAY_URL=${root} npm start. ` +
        'The bundled gateway accepts other pages with --allow-origin <page origin>.',
    );
  }
  const lna = crossToLoopback
    ? ' If it is running, the browser may be asking for Local Network Access: look for a prompt next to the address bar.'
    : '';
  return new GatewayError('refused', `Nothing answered at ${root} (connection refused or unreachable). ${startCommandsHint()}${lna}`);
}

export async function probeGateway(options: ProbeOptions): Promise<ProbeReport> {
  let baseUrl: string;
  try {
    baseUrl = normalizeGatewayUrl(options.baseUrl);
  } catch (error) {
    return { ok: false, failure: 'invalid-url', summary: errorMessage(error) };
  }
  const { root, viaProxy } = effectiveRoot(baseUrl, options.proxy);
  const fetcher = options.fetch ?? fetch.bind(globalThis);
  const client = new FoundryClient({
    root,
    fetch: fetcher,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const info = await client.describe();
    return { ok: true, root, viaProxy, info, ...describeInfo(baseUrl, viaProxy, info) };
  } catch (error) {
    const explained =
      error instanceof GatewayError
        ? error
        : error instanceof TypeError && !viaProxy
          ? await explainFetchFailure(root, options.pageUrl, fetcher)
          : new GatewayError('refused', `Could not reach ${baseUrl}: ${errorMessage(error)}`);
    return { ok: false, failure: explained.kind, summary: explained.message };
  }
}
