/**
 * How long the page's own main thread worked in each task, from a Chromium trace. A long task's
 * wall time (what a PerformanceObserver reports) also counts the time the OS gave the thread to
 * other processes; on this shared 2-core machine under load that alone turns a 30 ms task into a
 * 300 ms one. The trace's thread time (`tdur`) is the CPU time the page itself spent: what the page
 * can be held to, however busy the machine is.
 */
import type { BrowserContext, Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  tid: number;
  args?: { name?: string };
}

export interface MainThreadTask {
  /** Start, in epoch milliseconds (as `performance.timeOrigin + startTime`). */
  start: number;
  wallMs: number;
  cpuMs: number;
}

export interface MainThreadTrace {
  /** Stops tracing; the renderer main thread's tasks of 20 ms or more, wall time. */
  stop(): Promise<MainThreadTask[]>;
}

const SYNC_MARK = 'main-thread-trace-sync';

export async function traceMainThread(context: BrowserContext, page: Page): Promise<MainThreadTrace> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => {
    for (const e of value as unknown as TraceEvent[]) {
      if ((e.name === 'RunTask' && (e.dur ?? 0) >= 20_000) || e.name === 'thread_name' || e.name === SYNC_MARK) events.push(e);
    }
  });
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'disabled-by-default-devtools.timeline,blink.user_timing', transferMode: 'ReportEvents' });
  // One moment known on both clocks: the trace's and the page's epoch time.
  const syncEpoch = await page.evaluate((name) => performance.timeOrigin + performance.mark(name).startTime, SYNC_MARK);
  return {
    async stop() {
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
      const sync = events.find((e) => e.name === SYNC_MARK);
      if (main === undefined || !sync) throw new Error('the trace has no renderer main thread or no sync mark');
      return events
        .filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.tid === main)
        .map((e) => ({ start: syncEpoch + (e.ts - sync.ts) / 1000, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? e.dur ?? 0) / 1000 }));
    },
  };
}

/**
 * The traced task that is `longTask`: the one overlapping it most, if that covers at least half
 * of it (the observer and the trace draw a task's edges a few milliseconds apart).
 */
export function tracedTask(tasks: readonly MainThreadTask[], longTask: { start: number; duration: number }): MainThreadTask | undefined {
  let best: MainThreadTask | undefined;
  let bestOverlap = 0;
  for (const t of tasks) {
    const overlap = Math.min(t.start + t.wallMs, longTask.start + longTask.duration) - Math.max(t.start, longTask.start);
    if (overlap > bestOverlap) {
      best = t;
      bestOverlap = overlap;
    }
  }
  return bestOverlap >= longTask.duration / 2 ? best : undefined;
}
