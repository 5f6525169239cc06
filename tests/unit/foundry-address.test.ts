/**
 * What people paste into the gateway address field: Foundry Local's status output of both CLI
 * generations (as a terminal copies it, colour codes and all), its JSON status, or a URL.
 */
import { describe, expect, it } from 'vitest';
import { readGatewayAddress } from '../../src/engine/gateway/foundry-address';

describe('status lines of the CLI before 0.10 (foundry service …)', () => {
  it.each([
    ['🟢 Model management service is running on http://127.0.0.1:52741/openai/status', 'http://127.0.0.1:52741'],
    ['Model management service is running on http://localhost:5273/openai/status', 'http://localhost:5273'],
    // `foundry model list` when it had to start the service first.
    ['Service is Started on http://127.0.0.1:50191/, PID 13384!', 'http://127.0.0.1:50191'],
    // Copied from Windows Terminal with its colour codes.
    [
      '\u001b[32m🟢\u001b[0m Model management service is running on \u001b[4mhttp://127.0.0.1:61027/openai/status\u001b[0m',
      'http://127.0.0.1:61027',
    ],
    // Two lines copied at once: the command and its output.
    [
      'PS C:\\Users\\me> foundry service status\n🟢 Model management service is running on http://127.0.0.1:52741/openai/status\n',
      'http://127.0.0.1:52741',
    ],
  ])('%j → %s', (pasted, expected) => {
    expect(readGatewayAddress(pasted)).toEqual({ baseUrl: expected, source: 'status-text' });
  });
});

describe('output of the CLI 0.10 and newer (foundry server …, foundry status)', () => {
  it('reads the line `foundry server start` prints', () => {
    expect(readGatewayAddress('● success: Server ready (http://127.0.0.1:51454)')).toEqual({
      baseUrl: 'http://127.0.0.1:51454',
      source: 'status-text',
    });
  });

  it('reads the web URL out of the `foundry status` table, not the registry', () => {
    const table = [
      '+----------+-------------------+---------------------------------------------+',
      '| Section  | Metric            | Value                                       |',
      '|----------+-------------------+---------------------------------------------|',
      '| System   | OS                | Microsoft Windows 10.0.26200                |',
      '| Service  | State             | Ready                                       |',
      '| Service  | Web URLs          | http://127.0.0.1:64198                      |',
      '| Service  | CLI version       | 0.10.3                                      |',
      '| Models   | Registry          | https://registry.example.com/foundry        |',
      '+----------+-------------------+---------------------------------------------+',
    ].join('\n');
    expect(readGatewayAddress(table).baseUrl).toBe('http://127.0.0.1:64198');
  });

  it.each([
    ['a flat endpoint field', '{"status":"running","endpoint":"http://127.0.0.1:52741","pid":4242}', 'http://127.0.0.1:52741'],
    ['a url field with the OpenAI path', '{"url":"http://localhost:61234/v1/"}', 'http://localhost:61234'],
    [
      'the service generation status body',
      '{"Endpoints":["http://localhost:5273"],"ModelDirPath":"C:\\\\Users\\\\me\\\\.foundry\\\\cache\\\\models","PipeName":"inference_agent"}',
      'http://localhost:5273',
    ],
    [
      'the server generation status body',
      '{"modelCachePath":"/home/me/.foundry/cache","endpoints":["http://127.0.0.1:41873"],"pid":811}',
      'http://127.0.0.1:41873',
    ],
    [
      'a nested service section, the registry first in the document',
      JSON.stringify({
        system: { os: 'Microsoft Windows 10.0.26200', gpu: ['NVIDIA GeForce RTX 5060 Ti (15.7 GB)'] },
        registry: { url: 'https://registry.example.com/foundry', reachable: true },
        service: { state: 'Ready', webUrls: ['http://127.0.0.1:64198'], cliVersion: '0.10.3' },
      }),
      'http://127.0.0.1:64198',
    ],
    ['an endpoint with its status route', '{"Endpoint":"http://127.0.0.1:52741/openai/status"}', 'http://127.0.0.1:52741'],
    ['a port and no URL', '{"service":{"state":"Ready","port":52741}}', 'http://localhost:52741'],
    [
      'pretty-printed, as `--output json` writes it',
      '{\n  "service": {\n    "endpoint": "http://127.0.0.1:52741"\n  }\n}\n',
      'http://127.0.0.1:52741',
    ],
  ])('reads JSON with %s', (_shape, json, expected) => {
    expect(readGatewayAddress(json)).toEqual({ baseUrl: expected, source: 'status-json' });
  });
});

describe('URLs', () => {
  it.each([
    ['http://127.0.0.1:52741/openai/status', 'http://127.0.0.1:52741'],
    ['http://127.0.0.1:52741/status', 'http://127.0.0.1:52741'],
    ['http://localhost:5273/v1', 'http://localhost:5273'],
    ['http://localhost:5273/v1/models', 'http://localhost:5273'],
    ['localhost:5273/v1/', 'http://localhost:5273'],
    ['  http://127.0.0.1:52741/  ', 'http://127.0.0.1:52741'],
    ['http://[::1]:5273/openai/status', 'http://[::1]:5273'],
    // A hosted endpoint keeps its own path; only the API path after it goes.
    ['https://my-endpoint.example.com/openai/v1', 'https://my-endpoint.example.com/openai'],
    ['52741', 'http://localhost:52741'],
  ])('%s → %s', (pasted, expected) => {
    expect(readGatewayAddress(pasted)).toEqual({ baseUrl: expected, source: 'url' });
  });
});

describe('pastes it cannot read', () => {
  it('says what it expected, for text without an address', () => {
    const error = (): unknown => readGatewayAddress('Model management service: unknown state');
    expect(error).toThrow(/Could not find an address in "Model management service: unknown state"/);
    expect(error).toThrow(/foundry service status/);
    expect(error).toThrow(/foundry status --output json/);
  });

  it('says Foundry is not running when the status says so', () => {
    expect(() => readGatewayAddress('🔴 Model management service is not running!')).toThrow(/not running\. Start it/);
    expect(() => readGatewayAddress('{"service":{"state":"Not running"}}')).toThrow(/foundry server start/);
  });

  it('names the fields it looked for in JSON without a URL', () => {
    expect(() => readGatewayAddress('{"modelCachePath":"/home/me/.foundry/cache","pid":811}')).toThrow(
      /no endpoint URL.*"endpoint".*"Endpoints"/,
    );
    expect(() => readGatewayAddress('{"endpoint": "http://127.0.0.1:52741"')).toThrow(/does not parse/);
  });

  it('keeps the URL reader’s advice for a URL that is wrong in a known way', () => {
    expect(() => readGatewayAddress('')).toThrow(/Enter the gateway address/);
    expect(() => readGatewayAddress('ftp://127.0.0.1:52741')).toThrow(/must start with http/);
    expect(() => readGatewayAddress('http://key:secret@localhost:5273')).toThrow(/key field/);
  });

  it('shortens a long paste in the message', () => {
    expect(() => readGatewayAddress(`no address here ${'x'.repeat(500)}`)).toThrow(/"no address here x+…"/);
  });
});
