/**
 * `npm run gateway`: serves the bundled models over Foundry Local's REST surface.
 *
 *   npm run gateway -- [--port 5273] [--host 127.0.0.1] [--allow-origin URL]... [--allow-host NAME]... [--dtype q4]
 */
import { parseArgs } from 'node:util';
import { DTYPES, type Dtype } from '../src/catalog/schema';
import { InvalidOriginError, ORIGIN_FORM, parseOrigin } from './origin';
import { quote } from './quote';
import { DEFAULT_ALLOWED_ORIGINS } from './security';
import { DEFAULT_HOST, DEFAULT_PORT, startGateway } from './server';
import { errorMessage } from '../src/errors/error-message';

const USAGE = `Usage: npm run gateway -- [options]

  --port N             port to listen on (default ${DEFAULT_PORT}, or the PORT environment variable)
  --host ADDRESS       address to bind (default ${DEFAULT_HOST}: this machine only)
  --allow-origin URL   let the web page origin URL (http(s)://host[:port]) call the gateway
                       (repeatable); always allowed:
                       ${DEFAULT_ALLOWED_ORIGINS.join(', ')}
  --allow-host NAME    accept this name in the Host header besides localhost/127.0.0.1/[::1] (repeatable)
  --dtype NAME         ONNX variant to run: ${DTYPES.join(', ')} (default q4)
  --pace N             deliver at most N tokens per second, to imitate a slow server (default: off)
  -h, --help           show this help`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) fail(`Invalid ${source} '${value}': expected a port number from 0 to 65535.`);
  return port;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        dtype: { type: 'string' },
        pace: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(errorMessage(error));
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const envPort = process.env['PORT'];
  const port = parsed.port !== undefined ? parsePort(parsed.port, '--port') : envPort ? parsePort(envPort, 'PORT') : DEFAULT_PORT;
  const dtype = parsed.dtype ?? 'q4';
  if (!(DTYPES as readonly string[]).includes(dtype)) fail(`Invalid --dtype '${dtype}'.`);
  const pace = parsed.pace === undefined ? 0 : Number(parsed.pace);
  if (!Number.isFinite(pace) || pace < 0) fail(`Invalid --pace '${String(parsed.pace)}': expected tokens per second, e.g. 10.`);
  const allowOrigins = (parsed['allow-origin'] ?? []).map((origin) => {
    try {
      return parseOrigin(origin);
    } catch (error) {
      if (!(error instanceof InvalidOriginError)) throw error;
      return fail(`Invalid --allow-origin ${quote(origin)}: ${error.reason}; ${ORIGIN_FORM}.`);
    }
  });

  const gateway = await startGateway({
    port,
    host: parsed.host ?? DEFAULT_HOST,
    allowOrigins,
    allowHosts: parsed['allow-host'] ?? [],
    dtype: dtype as Dtype,
    paceTokensPerSec: pace,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });

  const shutdown = (): void => {
    console.log('Shutting down…');
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // Printed only once the signal handlers are in place: whoever waits for this line may stop us.
  console.log(`Gateway listening on ${gateway.url} (OpenAI base URL ${gateway.url}/v1)`);
  console.log(`Models: ${gateway.models.join(', ') || '(none built yet: npm run models:build)'}`);
  if (gateway.models[0]) console.log(`Load one before chatting, e.g.: curl ${gateway.url}/models/load/${gateway.models[0]}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
