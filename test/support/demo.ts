import { loadRegistry } from '../../activities/deps.js';

/** The embedded demo registry, as the worker loads it. */
export const demoRegistry = loadRegistry();
