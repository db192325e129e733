/** Percentile of a sample (nearest rank), in the sample's unit. */
export function percentile(sample: number[], p: number): number {
  if (!sample.length) return NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `total` tasks with at most `concurrency` in flight; returns each task's latency in ms. */
export async function runConcurrent(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  progress?: (done: number) => void,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const i = next++;
        const s = performance.now();
        await task(i);
        latencies.push(performance.now() - s);
        if (progress && latencies.length % 500 === 0) progress(latencies.length);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Open loop: starts task i at i / rate seconds whether or not the earlier ones have finished (a
 * steady arrival rate, as users send it); returns each task's latency in ms.
 */
export async function runOpenLoop(total: number, perSecond: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: total }, async (_, i) => {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / perSecond - performance.now())));
      const s = performance.now();
      await task(i);
      latencies.push(performance.now() - s);
    }),
  );
  return latencies;
}
