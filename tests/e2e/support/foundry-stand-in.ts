/**
 * A stand-in for Foundry Local's older service on 127.0.0.1, answering only the management
 * routes "Test connection" reads, with a model list like the ones users posted when Foundry
 * offered only CPU variants on a machine with a GPU (foundry-local issues 858, 895). Foundry Local
 * itself cannot run here (no Windows or macOS, no GPU); chat is not served.
 *
 * Unlike Foundry it sends CORS headers: the page's same-origin proxy forwards to the bundled
 * gateway in these tests, so the page calls this server directly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One `/foundry/list` entry, in the fields Foundry's catalog has. */
export interface StandInVariant {
  name: string;
  alias: string;
  deviceType: 'CPU' | 'GPU' | 'NPU';
  executionProvider: string;
}

/** What users saw: every variant a CPU one, gpt-oss-20b included. */
export const CPU_ONLY_CATALOG: readonly StandInVariant[] = [
  { name: 'gpt-oss-20b-generic-cpu:1', alias: 'gpt-oss-20b', deviceType: 'CPU', executionProvider: 'CPUExecutionProvider' },
  { name: 'Phi-4-mini-instruct-generic-cpu:2', alias: 'phi-4-mini', deviceType: 'CPU', executionProvider: 'CPUExecutionProvider' },
  { name: 'qwen2.5-0.5b-instruct-generic-cpu:4', alias: 'qwen2.5-0.5b', deviceType: 'CPU', executionProvider: 'CPUExecutionProvider' },
];

export interface FoundryStandIn {
  url: string;
  /** The line `foundry service status` prints for this server. */
  statusLine: string;
  close(): Promise<void>;
}

export async function startFoundryStandIn(catalog: readonly StandInVariant[] = CPU_ONLY_CATALOG): Promise<FoundryStandIn> {
  let url = '';
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
      res.end(JSON.stringify(body));
    };
    const ids = catalog.map((v) => v.name);
    const routes: Record<string, () => unknown> = {
      '/openai/status': () => ({ Endpoints: [url], ModelDirPath: '/tmp/foundry/models', PipeName: 'inference_agent' }),
      '/v1/models': () => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model', owned_by: 'Microsoft' })) }),
      // One variant downloaded, none loaded.
      '/openai/models': () => ids.slice(0, 1),
      '/openai/loadedmodels': () => [],
      '/foundry/list': () =>
        catalog.map((v) => ({
          name: v.name,
          alias: v.alias,
          providerType: 'AzureFoundry',
          runtime: { deviceType: v.deviceType, executionProvider: v.executionProvider },
        })),
    };
    const route = path === undefined ? undefined : routes[path];
    if (route) {
      json(200, route());
      return;
    }
    json(404, { error: { message: `no route ${req.method ?? ''} ${path ?? ''}`, type: 'invalid_request_error', param: null, code: null } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    statusLine: `🟢 Model management service is running on ${url}/openai/status`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
