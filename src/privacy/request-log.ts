/**
 * Every request the page and the inference worker make, as the browser's Resource Timing reports
 * them (so nothing that goes through fetch, XHR, imports or workers is missed), classified by
 * destination. The privacy meter renders it; conversations ask it whether an answer used the network.
 */
import { classifyRequest, type Destination, type Destinations } from './classify';

export interface RequestEntry {
  url: string;
  destination: Destination;
  /** Epoch milliseconds when the request started. */
  at: number;
  from: 'page' | 'worker';
}

const KEEP = 500;

export class RequestLog extends EventTarget {
  /** The most recent entries (at most 500), oldest first. */
  entries: RequestEntry[] = [];
  readonly counts: Record<Destination, number> = { app: 0, hub: 0, gateway: 0, other: 0 };

  constructor(private readonly where: () => Destinations) {
    super();
  }

  add(url: string, at: number, from: RequestEntry['from']): void {
    const destination = classifyRequest(url, this.where());
    if (!destination) return;
    this.counts[destination]++;
    this.entries.push({ url, destination, at, from });
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
    this.dispatchEvent(new Event('change'));
  }

  /** Requests that started in [from, to] (epoch ms). */
  between(from: number, to: number): RequestEntry[] {
    return this.entries.filter((e) => e.at >= from && e.at <= to);
  }

  /** Requests beyond the app's own origin. */
  get external(): number {
    return this.counts.hub + this.counts.gateway + this.counts.other;
  }
}

/** Feeds the log from this realm's Resource Timing, past entries included. */
export function observeResources(onEntry: (url: string, at: number) => void, perf: Performance = performance): () => void {
  const report = (list: PerformanceEntryList): void => {
    for (const e of list) onEntry(e.name, perf.timeOrigin + e.startTime);
  };
  const observer = new PerformanceObserver((list) => report(list.getEntries()));
  observer.observe({ type: 'resource', buffered: true });
  return () => observer.disconnect();
}
