/**
 * Closing a connection after an answer that left part of the request unread (a 413 sent before
 * the body, a malformed request line). Keeping it would mean reading the rest first (whatever
 * length the client declared, or without end if chunked) or, after a parse error, not knowing
 * where the next request starts; so it closes. But closing both directions while the client is
 * still sending makes the kernel answer its data with a reset, and the client's write fails
 * (EPIPE, ECONNRESET) before it reads the 413 waiting for it. RFC 9112 §9.6 describes the cure
 * used here: close our side, keep reading and discarding for a moment, then close the socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a closing connection still takes (and discards) what the client sends. */
export const LINGER_MS = 2000;

/** Ends our side of `socket` now (after what is queued), discards input, destroys it after `lingerMs`. */
export function lingeringClose(socket: Duplex, lingerMs = LINGER_MS): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end();
  // With allowHalfOpen (node:http's setting) the client's own close would not end the socket.
  socket.once('end', () => socket.destroy());
  socket.resume();
}

/**
 * Marks `res` as the connection's last answer (`Connection: close`) and has node:http close it the
 * lingering way. node:http ends a `Connection: close` answer with `socket.destroySoon()`, which
 * destroys the socket as soon as our side is written; this socket's destroySoon lingers instead.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse, lingerMs = LINGER_MS): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  const socket = req.socket;
  socket.destroySoon = (): void => {
    req.resume();
    lingeringClose(socket, lingerMs);
  };
}
