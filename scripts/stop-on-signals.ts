/**
 * The stop of a supervising entry (`npm start`, `npm run cluster`): SIGINT (Ctrl-C) or SIGTERM (a
 * service manager, a container) stops what it started and exits 0. It stops once: a second signal
 * while it stops changes nothing, for a second default exit would orphan the children not yet stopped.
 */
export function stopOnSignals(name: string, stop: () => Promise<void>): (code: number) => Promise<never> {
  let stopped: Promise<never> | undefined;
  const shutdown = (code: number): Promise<never> =>
    (stopped ??= (async () => {
      await stop();
      console.error(`[${name}] stopped`);
      return process.exit(code);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));
  return shutdown;
}
