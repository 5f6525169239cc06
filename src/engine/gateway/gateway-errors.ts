/**
 * Gateway failures in plain words. A browser reports every network failure as the same
 * "Failed to fetch"; `explainFetchFailure` in probe.ts tells the cases apart where it can (see there for
 * how "refused" and "CORS blocked" are distinguished).
 */
import { EngineError } from '../errors';

export type GatewayFailure =
  /** Nothing listens at the address. */
  | 'refused'
  /** A server answered, but without CORS headers for this page. */
  | 'cors'
  /** Chrome's Local Network Access permission blocked a public page from calling loopback. */
  | 'local-network'
  /** Something answered, but not an OpenAI-compatible API. */
  | 'not-openai'
  | 'auth'
  | 'unknown-model'
  | 'load'
  /** An HTTP error status on a chat request. */
  | 'http'
  /** The answer stream broke off or carried an error event. */
  | 'stream';

export class GatewayError extends EngineError {
  override name = 'GatewayError';
  constructor(
    readonly kind: GatewayFailure,
    message: string,
    details: Record<string, string | number | boolean | null> = {},
  ) {
    super(message, { ...details, kind });
  }
}

export function startCommandsHint(): string {
  return (
    'Start Foundry Local (foundry service start; CLI 0.10 and newer: foundry server start) or the bundled gateway (npm run gateway), ' +
    'then try again. Foundry Local chooses its port when it starts: foundry service status (or foundry status) prints the address.'
  );
}
