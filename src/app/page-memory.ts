/**
 * The page's own memory, workers included, from `performance.measureUserAgentSpecificMemory()`.
 * Chromium offers it only to cross-origin isolated pages (this app is, when served with its
 * headers) and answers at its next garbage collection, within about 20 seconds; other browsers
 * do not have it. Where it is missing the reading says why instead of guessing.
 */

/** Bytes, or null and why there is no number. */
export type PageMemoryReading = { bytes: number; note: null } | { bytes: null; note: string };

interface MemoryMeasurement {
  bytes: number;
}

type MeasuringPerformance = Performance & { measureUserAgentSpecificMemory?: () => Promise<MemoryMeasurement> };

/** Past this the reading is given up: Chromium's own bound is 20 s. */
const GIVE_UP_MS = 30_000;

export async function measurePageMemory(
  scope: { performance?: MeasuringPerformance; crossOriginIsolated?: boolean } = globalThis,
): Promise<PageMemoryReading> {
  const perf = scope.performance;
  if (typeof perf?.measureUserAgentSpecificMemory !== 'function') {
    return { bytes: null, note: 'not available in this browser (performance.measureUserAgentSpecificMemory is Chromium-only)' };
  }
  if (!scope.crossOriginIsolated) return { bytes: null, note: 'not available: the page is not cross-origin isolated' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<PageMemoryReading>((resolve) => {
    timer = setTimeout(
      () => resolve({ bytes: null, note: `not available: the browser gave no reading within ${GIVE_UP_MS / 1000} s` }),
      GIVE_UP_MS,
    );
  });
  try {
    const reading = perf.measureUserAgentSpecificMemory().then(
      (m): PageMemoryReading => ({ bytes: m.bytes, note: null }),
      (error: unknown): PageMemoryReading => ({
        bytes: null,
        note: `not available: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
    return await Promise.race([reading, late]);
  } finally {
    clearTimeout(timer);
  }
}
