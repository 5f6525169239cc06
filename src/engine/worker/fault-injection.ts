/**
 * Fault injection in the real inference worker, for end-to-end tests of recovery (and for trying
 * it by hand: `window.faults` in the page). See `WorkerFault` for what each fault does.
 */
import type { WorkerFault, WorkerHooks } from './api';
import type { DeviceWatch } from './device-watch';

/**
 * As if the browser had killed the worker: closed, and this thread blocked for good without
 * burning CPU. close() alone would let a generation in progress run on to its end, because
 * nothing in it waits for a task the closed event loop would refuse.
 */
function stopForGood(): never {
  self.close();
  if (typeof SharedArrayBuffer === 'function') for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  for (;;);
}

/** The worker API's fault hooks, acting on this worker and the device `devices` watches. */
export function faultHooks(devices: DeviceWatch): Required<Pick<WorkerHooks, 'injectFault' | 'triggerFault'>> {
  /** The fault, now. A hang never returns; after `exit` nothing more of this worker runs. */
  const triggerFault = (kind: WorkerFault): void => {
    if (kind === 'device-lost-next-load') devices.loseNextLoad();
    else if (kind === 'device-lost') devices.current?.destroy();
    else if (kind === 'exit') stopForGood();
    else for (;;);
  };
  const injectFault = (kind: WorkerFault): Promise<void> => {
    if (kind === 'device-lost' && !devices.current)
      return Promise.reject(new Error('No model runs on WebGPU in this worker: there is no device to lose.'));
    if (kind === 'hang' || kind === 'exit') {
      // After the reply has gone out, so the caller is not left waiting on a dead worker.
      setTimeout(() => triggerFault(kind), 0);
    } else {
      triggerFault(kind);
    }
    return Promise.resolve();
  };
  return { injectFault, triggerFault };
}
