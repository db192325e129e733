import { ensureTemporalBinaries } from './temporal-binaries.js';

try {
  const bins = ensureTemporalBinaries();
  console.error(`[setup] temporal CLI: ${bins.cli}\n[setup] time-skipping test server: ${bins.testServer}`);
} catch (e) {
  console.error(`[setup] ${(e as Error).message}`);
  process.exit(1);
}
