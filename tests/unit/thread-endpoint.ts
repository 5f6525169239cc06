/** comlink's Endpoint over a node:worker_threads MessagePort, for the cross-thread RPC tests. */
import type { Endpoint } from 'comlink';
import type { MessagePort as ThreadPort } from 'node:worker_threads';

/**
 * Node's port is an EventTarget like the DOM's, but its types differ (its transfer list takes
 * Node's own ports), so it is not an `Endpoint` to TypeScript. These tests transfer nothing.
 */
export function threadEndpoint(port: ThreadPort): Endpoint {
  return {
    postMessage: (message: unknown) => {
      port.postMessage(message);
    },
    addEventListener: (type, listener) => {
      port.addEventListener(type, listener);
    },
    removeEventListener: (type, listener) => {
      port.removeEventListener(type, listener);
    },
    start: () => {
      port.start();
    },
  };
}
