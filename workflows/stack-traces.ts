/**
 * No stack traces in workflow code (issue 28). The SDK (1.24, worker/workflow/vm-shared) captures a
 * stack for every promise a workflow makes (an Error, each frame mapped through the bundle's source
 * map) so that the `__stack_trace` query can show where a workflow waits: in a deadline storm that
 * was some 40 % of the workflow thread's CPU. With `Error.stackTraceLimit` 0 in the workflows'
 * context the capture finds no frame and the hook stops at once. What is lost: the stack of an
 * error thrown in workflow code (its message and type stay) and the stack trace query's content.
 * Evaluated once per worker thread, before the SDK freezes the context's globals (shared-modules.ts).
 */
Error.stackTraceLimit = 0;
