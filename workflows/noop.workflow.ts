/** A workflow that does nothing: the baseline of `npm run bench` (raw Temporal starts). */
export async function noopWorkflow(): Promise<void> {}
