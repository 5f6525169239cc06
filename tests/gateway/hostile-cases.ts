/**
 * The hostile-request table: raw requests (see raw-socket.ts) with the answer each must get. Run
 * against an in-process gateway (hostile.test.ts) and, for the `fatal` ones (those that used to
 * kill the process, or go through node:http's own error paths), against `gateway/cli.ts` as a
 * child process (hostile-process.test.ts).
 */
import { expect } from 'vitest';
import { request, type SocketAnswer } from './raw-socket';
import { MODEL_ID, type ErrorBody } from './support';

/** The body limit of the in-process gateway: a 100k-deep array (200 KB) fits. */
export const TABLE_BODY_LIMIT = 256 * 1024;
/** Over both that limit and the CLI's default (1 MiB), so the size cases hold for either gateway. */
const OVER_ANY_LIMIT = 1024 * 1024 + 1;

export interface HostileCase {
  name: string;
  bytes: string;
  status: number;
  /** `error.code` of the answer (for 4xx answers). */
  code?: string;
  /** `error.param` of the answer. */
  param?: string;
  /** The message must match. */
  message?: RegExp;
  /** The server must send `Connection: close` and end the connection. */
  closes?: boolean;
  /** Also run against the gateway as a child process. */
  fatal?: boolean;
}

const HOST = 'Host: 127.0.0.1';
const JSON_TYPE = 'Content-Type: application/json';
const get = (target: string, ...headers: string[]): string => request('GET', target, [HOST, ...headers]);
const post = (target: string, body: string, ...headers: string[]): string =>
  request('POST', target, [HOST, `Content-Length: ${Buffer.byteLength(body)}`, ...headers], body);
const chat = (body: string, ...headers: string[]): string =>
  post('/v1/chat/completions', body, ...(headers.length ? headers : [JSON_TYPE]));
const hello = '[{"role":"user","content":"Hi"}]';
/** A valid chat body for a model that does not exist: it passes every check and ends in a 404. */
const unknownModel = `{"model":"no-such-model","messages":${hello}}`;
const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

const target: HostileCase[] = [
  { name: 'GET // (used to kill the process)', bytes: get('//'), status: 404, code: 'not_found', fatal: true },
  { name: 'GET /\\', bytes: get('/\\'), status: 400, code: 'invalid_request_target', message: /'\\' must be percent-encoded/, fatal: true },
  { name: 'GET //x:99999/', bytes: get('//x:99999/'), status: 404, code: 'not_found', fatal: true },
  { name: 'GET http://[/', bytes: get('http://[/'), status: 400, code: 'invalid_host', fatal: true },
  { name: 'absolute-form to this gateway', bytes: get('http://127.0.0.1/v1/models'), status: 200 },
  {
    name: 'absolute-form to another host',
    bytes: get('http://evil.example/v1/models'),
    status: 403,
    code: 'host_not_allowed',
    fatal: true,
  },
  { name: 'absolute-form https', bytes: get('https://127.0.0.1/v1/models'), status: 400, code: 'invalid_request_target', fatal: true },
  { name: 'absolute-form with a user name', bytes: get('http://me@127.0.0.1/v1/models'), status: 400, code: 'invalid_request_target' },
  { name: 'GET *', bytes: get('*'), status: 400, code: 'invalid_request_target', fatal: true },
  { name: 'OPTIONS *', bytes: request('OPTIONS', '*', [HOST]), status: 204 },
  { name: 'a target of 9000 characters', bytes: get(`/${'a'.repeat(9000)}`), status: 414, code: 'request_target_too_long', fatal: true },
  {
    name: 'a target of 20000 characters (over the header limit)',
    bytes: get(`/${'a'.repeat(20_000)}`),
    status: 431,
    closes: true,
    fatal: true,
  },
  { name: 'bad percent-encoding in the path', bytes: get('/v1/models%zz'), status: 400, code: 'invalid_request_target', fatal: true },
  { name: 'a lone % at the end', bytes: get('/v1/models/%'), status: 400, code: 'invalid_request_target' },
  { name: 'bad percent-encoding in the query', bytes: get('/openai/unloadall?force=%zz'), status: 400, code: 'invalid_request_target' },
  {
    name: 'percent-encoding that is not UTF-8',
    bytes: get('/models/load/%C0%AF'),
    status: 400,
    code: 'invalid_request_target',
    fatal: true,
  },
  { name: 'a fragment', bytes: get('/v1/models#top'), status: 400, code: 'invalid_request_target' },
  { name: 'a target that is no path', bytes: get('v1/models'), status: 400, code: 'malformed_request', closes: true },
  { name: 'an unknown method', bytes: request('FROB', '/', [HOST]), status: 400, code: 'malformed_request', closes: true, fatal: true },
  {
    name: 'CONNECT',
    bytes: request('CONNECT', '127.0.0.1:22', [HOST]),
    status: 405,
    code: 'method_not_allowed',
    closes: true,
    fatal: true,
  },
  { name: 'HTTP/9.9', bytes: get('/').replace('HTTP/1.1', 'HTTP/9.9'), status: 400, code: 'malformed_request', closes: true, fatal: true },
  {
    name: 'HTTP/2.0 in an HTTP/1 request line',
    bytes: get('/').replace('HTTP/1.1', 'HTTP/2.0'),
    status: 400,
    code: 'http_version_not_supported',
  },
  {
    name: 'the HTTP/2 preface',
    bytes: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    status: 400,
    code: 'malformed_request',
    closes: true,
    fatal: true,
  },
  {
    name: 'a space inside the target',
    bytes: 'GET /v1 models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    status: 400,
    closes: true,
    fatal: true,
  },
  { name: 'bare LF line ends', bytes: 'GET / HTTP/1.1\nHost: 127.0.0.1\n\n', status: 400, closes: true, fatal: true },
  { name: 'a method of 1000 letters', bytes: request('G'.repeat(1000), '/', [HOST]), status: 400, closes: true, fatal: true },
];

const headers: HostileCase[] = [
  {
    name: 'a control byte in a header name',
    bytes: get('/v1/models', 'X-\x01: 1'),
    status: 400,
    code: 'malformed_request',
    closes: true,
    fatal: true,
  },
  {
    name: 'a control byte in a header value',
    bytes: get('/v1/models', 'X-Test: a\x01b'),
    status: 400,
    code: 'malformed_request',
    closes: true,
    fatal: true,
  },
  { name: 'a NUL in a header value', bytes: get('/v1/models', 'X-Test: a\x00b'), status: 400, closes: true, fatal: true },
  { name: 'a space in a header name', bytes: get('/v1/models', 'Bad Header: 1'), status: 400, closes: true, fatal: true },
  { name: 'an obsolete folded header', bytes: get('/v1/models', 'X-Test: a', ' folded'), status: 400, closes: true, fatal: true },
  {
    name: 'a header of 20000 characters',
    bytes: get('/v1/models', `X-Big: ${'a'.repeat(20_000)}`),
    status: 431,
    code: 'headers_too_large',
    closes: true,
    fatal: true,
  },
  { name: 'no Host', bytes: request('GET', '/v1/models', []), status: 400, code: 'missing_host', fatal: true },
  { name: 'no Host, HTTP/1.0', bytes: request('GET', '/v1/models', [], '', 'HTTP/1.0'), status: 400, code: 'missing_host' },
  {
    name: 'two Host headers',
    bytes: request('GET', '/v1/models', [HOST, 'Host: evil.example']),
    status: 400,
    code: 'invalid_host',
    fatal: true,
  },
  { name: 'an empty Host', bytes: request('GET', '/v1/models', ['Host: ']), status: 400, code: 'invalid_host' },
  {
    name: 'Host with a port that is no number',
    bytes: request('GET', '/v1/models', ['Host: localhost:abc']),
    status: 400,
    code: 'invalid_host',
  },
  {
    name: 'Host with a port over 65535',
    bytes: request('GET', '/v1/models', ['Host: localhost:99999']),
    status: 400,
    code: 'invalid_host',
  },
  { name: 'Host of another site', bytes: request('GET', '/v1/models', ['Host: evil.example']), status: 403, code: 'host_not_allowed' },
  {
    name: 'Host of a rebound name',
    bytes: request('GET', '/v1/models', ['Host: 127.0.0.1.evil.example']),
    status: 403,
    code: 'host_not_allowed',
  },
  {
    name: 'Origin null (sandboxed iframe, data: page)',
    bytes: get('/v1/models', 'Origin: null'),
    status: 403,
    code: 'origin_not_allowed',
    message: /names no web page/,
    fatal: true,
  },
  { name: 'Origin file://', bytes: get('/v1/models', 'Origin: file://'), status: 403, code: 'origin_not_allowed' },
  { name: 'Origin data:', bytes: get('/v1/models', 'Origin: data:'), status: 403, code: 'origin_not_allowed' },
  {
    name: 'Origin of another site',
    bytes: get('/v1/models', 'Origin: https://evil.example'),
    status: 403,
    code: 'origin_not_allowed',
    message: /--allow-origin https:\/\/evil\.example/,
  },
  { name: 'Origin with a path', bytes: get('/v1/models', 'Origin: http://localhost:5173/x'), status: 403, code: 'origin_not_allowed' },
  {
    name: 'two Origin headers, one allowed',
    bytes: get('/v1/models', 'Origin: http://localhost:5173', 'Origin: https://evil.example'),
    status: 403,
    code: 'origin_not_allowed',
  },
  { name: 'an allowed Origin', bytes: get('/v1/models', 'Origin: http://localhost:5173'), status: 200 },
  {
    name: 'Expect other than 100-continue',
    bytes: get('/v1/models', 'Expect: a-pony'),
    status: 417,
    code: 'expectation_failed',
    fatal: true,
  },
  {
    name: 'Content-Length that is no number',
    bytes: request('POST', '/v1/chat/completions', [HOST, JSON_TYPE, 'Content-Length: abc']),
    status: 400,
    code: 'malformed_request',
    closes: true,
    fatal: true,
  },
  {
    name: 'two Content-Lengths',
    bytes: request('POST', '/v1/chat/completions', [HOST, JSON_TYPE, 'Content-Length: 2', 'Content-Length: 3'], '{}x'),
    status: 400,
    closes: true,
    fatal: true,
  },
  {
    name: 'Content-Length and chunked together (request smuggling)',
    bytes: request('POST', '/v1/chat/completions', [HOST, JSON_TYPE, 'Content-Length: 5', 'Transfer-Encoding: chunked'], '0\r\n\r\n'),
    status: 400,
    closes: true,
    fatal: true,
  },
  {
    name: 'Transfer-Encoding gzip',
    bytes: request('POST', '/v1/chat/completions', [HOST, JSON_TYPE, 'Transfer-Encoding: gzip']),
    status: 400,
    closes: true,
    fatal: true,
  },
  {
    name: 'a bad chunk size',
    bytes: request('POST', '/v1/chat/completions', [HOST, JSON_TYPE, 'Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n'),
    status: 400,
    closes: true,
    fatal: true,
  },
  {
    name: 'a GET with a body',
    bytes: request('GET', '/v1/models', [HOST, 'Content-Length: 2'], '{}'),
    status: 400,
    code: 'unexpected_body',
    closes: true,
  },
];

/** Every state-changing route, with a request that passes every other check. */
const stateChanging: [string, (...headers: string[]) => string, number][] = [
  ['GET /models/load', (...h) => get(`/models/load/${MODEL_ID}`, ...h), 200],
  ['GET /openai/load', (...h) => get(`/openai/load/${MODEL_ID}`, ...h), 200],
  ['GET /models/unload', (...h) => get(`/models/unload/${MODEL_ID}`, ...h), 200],
  ['GET /openai/unload', (...h) => get(`/openai/unload/${MODEL_ID}`, ...h), 200],
  ['GET /openai/unloadall', (...h) => get('/openai/unloadall', ...h), 200],
  ['POST /v1/chat/completions', (...h) => chat(unknownModel, JSON_TYPE, ...h), 404],
];

const fetchSite: HostileCase[] = stateChanging.flatMap(([route, build, served]): HostileCase[] => [
  {
    name: `${route}, Sec-Fetch-Site cross-site`,
    bytes: build('Sec-Fetch-Site: cross-site'),
    status: 403,
    code: 'origin_not_allowed',
    fatal: true,
  },
  {
    name: `${route}, Sec-Fetch-Site same-site (another localhost port)`,
    bytes: build('Sec-Fetch-Site: same-site'),
    status: 403,
    code: 'origin_not_allowed',
    fatal: true,
  },
  { name: `${route}, an unknown Sec-Fetch-Site`, bytes: build('Sec-Fetch-Site: sideways'), status: 403, code: 'origin_not_allowed' },
  {
    name: `${route}, two Sec-Fetch-Site headers`,
    bytes: build('Sec-Fetch-Site: same-origin', 'Sec-Fetch-Site: cross-site'),
    status: 403,
    code: 'origin_not_allowed',
  },
  {
    name: `${route}, cross-site with a foreign Origin`,
    bytes: build('Sec-Fetch-Site: cross-site', 'Origin: http://localhost:8080'),
    status: 403,
    code: 'origin_not_allowed',
  },
  {
    name: `${route}, same-site with Origin null`,
    bytes: build('Sec-Fetch-Site: same-site', 'Origin: null'),
    status: 403,
    code: 'origin_not_allowed',
  },
  {
    name: `${route}, same-site from an allowed Origin`,
    bytes: build('Sec-Fetch-Site: same-site', 'Origin: http://127.0.0.1:5173'),
    status: served,
  },
  {
    name: `${route}, cross-site from an allowed Origin`,
    bytes: build('Sec-Fetch-Site: cross-site', 'Origin: http://localhost:5173'),
    status: served,
  },
  { name: `${route}, Sec-Fetch-Site same-origin`, bytes: build('Sec-Fetch-Site: same-origin'), status: served },
  { name: `${route}, Sec-Fetch-Site none (typed into the address bar)`, bytes: build('Sec-Fetch-Site: none'), status: served },
  { name: `${route}, no browser headers (curl)`, bytes: build(), status: served },
]);

const contentTypes: HostileCase[] = [
  ...[
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonx',
    'application/json; charset=latin1',
  ].map((type): HostileCase => ({
    name: `Content-Type ${type}`,
    bytes: chat(unknownModel, `Content-Type: ${type}`),
    status: 415,
    code: 'unsupported_media_type',
    fatal: type === 'text/plain',
  })),
  { name: 'no Content-Type', bytes: post('/v1/chat/completions', unknownModel), status: 415, code: 'unsupported_media_type', fatal: true },
  ...['application/json; charset=utf-8', 'Application/JSON', 'application/json;charset="UTF-8"'].map((type): HostileCase => ({
    name: `Content-Type ${type} is read`,
    bytes: chat(unknownModel, `Content-Type: ${type}`),
    status: 404,
    code: 'model_not_found',
  })),
];

const over = 'x'.repeat(OVER_ANY_LIMIT);
const sizes: HostileCase[] = [
  {
    name: 'Content-Length over the limit, body not sent: 413 at once',
    bytes: request('POST', '/v1/chat/completions', [HOST, JSON_TYPE, `Content-Length: ${10 * OVER_ANY_LIMIT}`]),
    status: 413,
    code: 'request_too_large',
    closes: true,
    fatal: true,
  },
  {
    name: 'Content-Length over the limit, body sent',
    bytes: chat(over),
    status: 413,
    code: 'request_too_large',
    closes: true,
    fatal: true,
  },
  {
    name: 'chunked over the limit',
    bytes: request(
      'POST',
      '/v1/chat/completions',
      [HOST, JSON_TYPE, 'Transfer-Encoding: chunked'],
      `${over.length.toString(16)}\r\n${over}\r\n0\r\n\r\n`,
    ),
    status: 413,
    code: 'request_too_large',
    closes: true,
    fatal: true,
  },
  {
    name: 'chunked under the limit is read',
    bytes: request(
      'POST',
      '/v1/chat/completions',
      [HOST, JSON_TYPE, 'Transfer-Encoding: chunked'],
      `${unknownModel.length.toString(16)}\r\n${unknownModel}\r\n0\r\n\r\n`,
    ),
    status: 404,
    code: 'model_not_found',
  },
  { name: 'an empty body', bytes: chat(''), status: 400, code: 'invalid_json' },
  { name: 'malformed JSON', bytes: chat('{"model":'), status: 400, code: 'invalid_json' },
  { name: 'a body that is not an object', bytes: chat('"hi"'), status: 400, code: 'invalid_type' },
];

const role = (name: string): string => `{"model":"${MODEL_ID}","messages":[{"role":"${name}","content":"Hi"}]}`;
const prototypeKeys: HostileCase[] = [
  ...['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'].map((name): HostileCase => ({
    name: `role ${name}`,
    bytes: chat(role(name)),
    status: 400,
    param: 'messages[0].role',
    message: new RegExp(`^Invalid value for 'messages\\[0\\]\\.role': "${name}"\\. Supported roles`),
    fatal: name === 'constructor',
  })),
  {
    name: 'model inside a top-level __proto__',
    bytes: chat(`{"__proto__":{"model":"${MODEL_ID}"},"messages":${hello}}`),
    status: 400,
    param: 'model',
    code: 'missing_required_parameter',
  },
  {
    name: 'role inside a message __proto__',
    bytes: chat(`{"model":"${MODEL_ID}","messages":[{"__proto__":{"role":"user"},"content":"Hi"}]}`),
    status: 400,
    param: 'messages[0].role',
  },
  {
    name: 'top-level constructor and toString keys are ignored',
    bytes: chat(`{"constructor":1,"toString":2,"model":"no-such-model","messages":${hello}}`),
    status: 404,
    code: 'model_not_found',
  },
  { name: 'model id __proto__', bytes: get('/models/load/__proto__'), status: 404, code: 'model_not_found' },
  { name: 'model id constructor', bytes: get('/v1/models/constructor'), status: 404, code: 'model_not_found' },
];

const nesting: HostileCase[] = [
  {
    name: 'temperature nested 100k deep',
    bytes: chat(`{"model":"${MODEL_ID}","messages":${hello},"temperature":${deep}}`),
    status: 400,
    param: 'temperature',
    fatal: true,
  },
  {
    name: 'role nested 100k deep',
    bytes: chat(`{"model":"${MODEL_ID}","messages":[{"role":${deep},"content":"Hi"}]}`),
    status: 400,
    param: 'messages[0].role',
    fatal: true,
  },
  {
    name: 'metadata.top_k nested 100k deep',
    bytes: chat(`{"model":"${MODEL_ID}","messages":${hello},"metadata":{"top_k":${deep}}}`),
    status: 400,
    param: 'metadata.top_k',
  },
  { name: 'messages nested 100k deep', bytes: chat(`{"model":"${MODEL_ID}","messages":${deep}}`), status: 400, param: 'messages[0]' },
  {
    name: 'content nested 100k deep',
    bytes: chat(`{"model":"${MODEL_ID}","messages":[{"role":"user","content":${deep}}]}`),
    status: 400,
    param: 'messages[0].content[0]',
  },
  { name: 'the whole body nested 100k deep', bytes: chat(deep), status: 400, code: 'invalid_type' },
  {
    name: 'an ignored field nested 100k deep',
    bytes: chat(`{"x":${deep},"model":"no-such-model","messages":${hello}}`),
    status: 404,
    code: 'model_not_found',
  },
  {
    name: 'a model id of 200 000 characters',
    bytes: chat(`{"model":"${'m'.repeat(200_000)}","messages":${hello}}`),
    status: 404,
    code: 'model_not_found',
    message: /\(200000 characters\)/,
  },
];

const effort = (value: string): string => chat(`{"model":"${MODEL_ID}","messages":${hello},"reasoning_effort":${value}}`);
/** A valid effort with an unknown model: validation lets it through to the 404. */
const effortUnknownModel = (value: string): string => chat(`{"model":"no-such-model","messages":${hello},"reasoning_effort":${value}}`);
const reasoningEffort: HostileCase[] = [
  {
    name: 'reasoning_effort "extreme"',
    bytes: effort('"extreme"'),
    status: 400,
    param: 'reasoning_effort',
    code: 'invalid_value',
    message: /^Invalid value for 'reasoning_effort': "extreme"\. Supported values: low, medium, high\.$/,
  },
  {
    name: 'reasoning_effort "minimal" (an OpenAI level gpt-oss does not have)',
    bytes: effort('"minimal"'),
    status: 400,
    param: 'reasoning_effort',
    code: 'invalid_value',
    message: /low, medium or high effort only/,
  },
  { name: 'reasoning_effort "HIGH" (levels are lower case)', bytes: effort('"HIGH"'), status: 400, param: 'reasoning_effort' },
  { name: 'reasoning_effort 3', bytes: effort('3'), status: 400, param: 'reasoning_effort', code: 'invalid_type' },
  { name: 'reasoning_effort an object', bytes: effort('{"level":"high"}'), status: 400, param: 'reasoning_effort', code: 'invalid_type' },
  {
    name: 'reasoning_effort nested 100k deep',
    bytes: effort(deep),
    status: 400,
    param: 'reasoning_effort',
    code: 'invalid_type',
    fatal: true,
  },
  {
    name: 'reasoning_effort of 200 000 characters',
    bytes: effort(`"${'h'.repeat(200_000)}"`),
    status: 400,
    param: 'reasoning_effort',
    code: 'invalid_value',
  },
  { name: 'reasoning_effort "high" is valid', bytes: effortUnknownModel('"high"'), status: 404, code: 'model_not_found' },
  { name: 'reasoning_effort null is absent', bytes: effortUnknownModel('null'), status: 404, code: 'model_not_found' },
];

/** Checks `answer` against `c`: status, OpenAI error shape, a short message, the close. */
export function expectAnswer(answer: SocketAnswer, c: HostileCase): void {
  expect(answer.reset, 'the connection was reset').toBe(false);
  expect(answer.status).toBe(c.status);
  if (c.status >= 400) {
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const { error } = JSON.parse(answer.body) as ErrorBody;
    expect(typeof error.message).toBe('string');
    expect(typeof error.type).toBe('string');
    expect(error.param === null || typeof error.param === 'string').toBe(true);
    expect(error.code === null || typeof error.code === 'string').toBe(true);
    // Whatever was sent, the answer quotes little of it.
    expect(error.message.length).toBeLessThan(600);
    if (c.code) expect(error.code).toBe(c.code);
    if (c.param) expect(error.param).toBe(c.param);
    if (c.message) expect(error.message).toMatch(c.message);
  }
  if (c.closes) {
    expect(answer.headers['connection']).toBe('close');
    expect(answer.closed, 'the server should end the connection').toBe(true);
  }
}

/** Every case, grouped for the test names. */
export const HOSTILE_CASES: Record<string, HostileCase[]> = {
  target,
  headers,
  fetchSite,
  contentTypes,
  sizes,
  prototypeKeys,
  nesting,
  reasoningEffort,
};
