/**
 * Reading a gateway address from what a user pastes. Foundry Local picks its port when it starts
 * (5273 only when the user configured it), so people copy it from the CLI:
 * - `foundry service status` (CLI before 0.10) prints a line such as
 *   "🟢 Model management service is running on http://127.0.0.1:52741/openai/status";
 * - `foundry server start` (CLI 0.10+) prints "● success: Server ready (http://127.0.0.1:51454)",
 *   and `foundry status` a table with the server's web URLs;
 * - `foundry status --output json` (CLI 0.10+) prints JSON with the endpoint in some field
 *   ("endpoint", "url", "webUrls", "Endpoints": [...]), possibly nested;
 * - or a URL, with or without the status route or "/v1" after it.
 * All of them become the one base URL the gateway code works with (see gateway-url.ts).
 */
import { InvalidGatewayUrlError, isLoopbackUrl, normalizeGatewayUrl } from './gateway-url';

/** Where the address was read from, so the panel can say what it understood. */
export type AddressSource = 'url' | 'status-text' | 'status-json';

/** A pasted address, read. */
export interface GatewayAddress {
  /** Normalized root: no trailing slash, no "/v1", no status route. */
  baseUrl: string;
  source: AddressSource;
}

const EXPECTED =
  'a URL such as http://127.0.0.1:52741, the line “foundry service status” prints, or the output of “foundry status --output json”';

// Routes people copy along with the address: Foundry's status routes and OpenAI API paths.
// "/v1" itself is removed by normalizeGatewayUrl.
const ROUTE_SUFFIX = /\/(?:openai\/status|openai\/models|status|v1\/models|v1\/chat\/completions)\/*$/i;

// ANSI colour codes: a terminal copy on Windows can carry them.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

// A URL inside prose or a table: stops at whitespace, quotes, brackets, table bars and commas.
const URL_IN_TEXT = /https?:\/\/[^\s"'`<>()[\]{}|,;]+/gi;

const NOT_RUNNING = /\bnot\s+running\b|\bstopped\b|\bnot\s+reachable\b/i;

/** The base URL of one URL, with a copied status route or API path taken off. */
function fromUrl(url: string): string {
  // Sentence punctuation after a URL ("…:50191/, PID 13384!") is not part of it.
  const trimmed = url.trim().replace(/[.!?:]+$/, '');
  const normalized = normalizeGatewayUrl(trimmed);
  return normalizeGatewayUrl(normalized.replace(ROUTE_SUFFIX, ''));
}

/** Foundry Local runs on this machine: of several addresses, a loopback one is the service's own. */
function pick(urls: readonly string[]): string | undefined {
  return urls.find((u) => isLoopbackUrl(u)) ?? urls[0];
}

function urlsInText(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => m[0]);
}

const URL_KEY = /endpoint|url|address|uri|host/i;

/**
 * Every http(s) string in a JSON value, those under address-like keys ("endpoint", "webUrls",
 * "Endpoints"...) first, each group in document order.
 */
function urlsInJson(value: unknown): string[] {
  const named: string[] = [];
  const other: string[] = [];
  const visit = (node: unknown, underUrlKey: boolean): void => {
    if (typeof node === 'string') {
      if (/^\s*https?:\/\//i.test(node)) (underUrlKey ? named : other).push(node.trim());
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) visit(item, underUrlKey);
      return;
    }
    if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) visit(child, underUrlKey || URL_KEY.test(key));
    }
  };
  visit(value, false);
  return [...named, ...other];
}

/** A top-level or nested numeric "port" field, for a status that gives no URL. */
function portIn(value: unknown): number | null {
  if (!value || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    if (/^port$/i.test(key) && typeof child === 'number' && Number.isInteger(child) && child > 0 && child < 65536) return child;
    const nested = portIn(child);
    if (nested !== null) return nested;
  }
  return null;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function notRunning(): InvalidGatewayUrlError {
  return new InvalidGatewayUrlError(
    'That status says Foundry Local is not running. Start it (foundry service start, or foundry server start on CLI 0.10 and newer), ' +
      'then paste its status again.',
  );
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/**
 * Reads a pasted URL, status line or JSON status into a gateway base URL. Throws an
 * InvalidGatewayUrlError that says what it expected when it finds no address.
 */
export function readGatewayAddress(input: string): GatewayAddress {
  const text = input.replace(ANSI, '').trim();
  if (!text) throw new InvalidGatewayUrlError(`Enter the gateway address: ${EXPECTED}.`);

  if (/^[[{]/.test(text)) {
    const json = parseJson(text);
    if (!json.ok) {
      throw new InvalidGatewayUrlError(`That looks like JSON but does not parse. Paste the whole output, or ${EXPECTED}.`);
    }
    const url = pick(urlsInJson(json.value));
    if (url) return { baseUrl: fromUrl(url), source: 'status-json' };
    const port = portIn(json.value);
    if (port !== null) return { baseUrl: fromUrl(`http://localhost:${port}`), source: 'status-json' };
    if (NOT_RUNNING.test(text)) throw notRunning();
    throw new InvalidGatewayUrlError(
      'That JSON has no endpoint URL (looked for http:// values in fields such as "endpoint", "url" or "Endpoints"). ' +
        `Paste ${EXPECTED}.`,
    );
  }

  // A port alone: the service on this machine.
  if (/^\d{2,5}$/.test(text)) return { baseUrl: fromUrl(`http://localhost:${text}`), source: 'url' };

  // One token: a URL, perhaps without its scheme ("localhost:5273/v1").
  if (!/\s/.test(text)) {
    try {
      return { baseUrl: fromUrl(text), source: 'url' };
    } catch (error) {
      // A URL that is wrong in a way the URL reader explains ("ftp://", a key in the address).
      if (/:\/\/|@/.test(text)) throw error;
      throw new InvalidGatewayUrlError(`Could not read an address from "${shorten(text)}". Expected ${EXPECTED}.`);
    }
  }

  const url = pick(urlsInText(text));
  if (url) return { baseUrl: fromUrl(url), source: 'status-text' };
  if (NOT_RUNNING.test(text)) throw notRunning();
  throw new InvalidGatewayUrlError(`Could not find an address in "${shorten(text)}". Expected ${EXPECTED}.`);
}
