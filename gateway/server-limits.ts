/**
 * Time limits and the connection cap of the gateway's HTTP server: a client that opens
 * connections and sends nothing, or trickles its headers or body a byte at a time, must not hold
 * a connection slot for long. node:http enforces all of them; this file only picks the values.
 */
import type { Server } from 'node:http';

export interface ServerLimits {
  /** The request line and headers must arrive within this time (from the connection's first byte, or its opening). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this time (answering may take longer). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many are closed as soon as they open. */
  maxConnections: number;
}

/**
 * - headers 10 s: a real client sends them in one packet; 10 s still covers a slow LAN peer.
 * - request 20 s: the largest body (1 MiB) takes 8 s at 1 Mbit/s, a poor Wi-Fi link with
 *   `--host` on a LAN; on loopback it takes milliseconds. A client trickling its body loses the
 *   connection within 20 s. Generation time does not count: the limit ends when the request has
 *   arrived, and a streamed answer can run for minutes.
 * - keep-alive 5 s: Node's default, made explicit.
 * - 64 connections: one generation runs at a time and 16 may wait (maxQueue); browsers keep at
 *   most 6 connections per host; 64 leaves room for a few tabs, a benchmark and tools while
 *   bounding what a flood of connections can take.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 64,
};

/** `DEFAULT_LIMITS` with `overrides`; throws naming the option for an impossible value. */
export function resolveLimits(overrides: Partial<ServerLimits>): ServerLimits {
  const pick = (name: keyof ServerLimits): number => overrides[name] ?? DEFAULT_LIMITS[name];
  const limits: ServerLimits = {
    headersTimeoutMs: pick('headersTimeoutMs'),
    requestTimeoutMs: pick('requestTimeoutMs'),
    keepAliveTimeoutMs: pick('keepAliveTimeoutMs'),
    maxConnections: pick('maxConnections'),
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`Invalid ${name} ${value}: expected a whole number above 0.`);
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(
      `Invalid headersTimeoutMs ${limits.headersTimeoutMs}: it must not exceed requestTimeoutMs (${limits.requestTimeoutMs}).`,
    );
  }
  return limits;
}

/** The `createServer` options that carry the limits. */
export function serverOptions(limits: ServerLimits): {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks both timeouts only this often (default every 30 s, which would let a 10 s limit
    // run to 40 s); a quarter of the shorter one, at most a second, keeps the overshoot small.
    connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** Applies the connection cap, which node:http takes as a property rather than an option. */
export function applyConnectionCap(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.maxConnections;
}
