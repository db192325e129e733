/**
 * The machines, their zod schemas and the libraries, evaluated once per worker thread and shared
 * by every workflow (the bundler's preloadModules) instead of once per workflow: each workflow
 * used to rebuild all five machines, which cost ~12 ms of CPU per start and several MB per cached
 * workflow. They hold no per-workflow state.
 *
 * The SDK deep-freezes shared modules. zod 4 materialises some members of a schema, and of its
 * error class, on first use; so every schema is used here once, before the freeze, on valid and
 * invalid input alike. test/workflows and the API fuzz test run on this bundle.
 */
// First: no promise of the modules below pays for a stack trace (stack-traces.ts).
import './stack-traces.js';
import { PROCEDURES } from '../machines/index.js';
import { PeriodRequestSchema } from '../domain/deadline/types.js';
import { PreparedSchema } from './prepared.js';
// The calendars rebuilt from start snapshots, shared by every workflow of the thread (calendars.ts).
import './calendars.js';

const PROBES: unknown[] = [undefined, null, {}, [], '', 'x', 0, 1.5, true, '2025-01-01', { kind: 'years', years: 1 }];

/** Reads every member along an object's prototype chain, materialising the lazy ones. */
function touch(target: object): void {
  for (
    let proto: object | null = target;
    proto && proto !== Object.prototype && proto !== Function.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor' || key === 'caller' || key === 'callee' || key === 'arguments') continue;
      try {
        void (target as Record<PropertyKey, unknown>)[key];
      } catch {
        // a member that cannot be read on this kind of schema: nothing to materialise
      }
    }
  }
}

type Schema = { _zod: object; safeParse(v: unknown): { error?: object } };
const isSchema = (v: object): v is Schema => '_zod' in v && typeof (v as Partial<Schema>).safeParse === 'function';

/** Visits every schema reachable from `value` (shapes, options, inner types …) and primes it. */
function prime(value: unknown, seen: WeakSet<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (isSchema(value)) {
    touch(value);
    touch(value._zod);
    for (const probe of PROBES) {
      try {
        const { error } = value.safeParse(probe);
        if (error) touch(error);
      } catch {
        // a refinement that assumes its type, met with a probe of another: nothing more to prime
      }
    }
  }
  for (const child of Object.values(value)) prime(child, seen);
}

const seen = new WeakSet<object>();
for (const def of Object.values(PROCEDURES)) {
  prime(def.input, seen);
  for (const event of Object.values(def.events)) prime(event.schema, seen);
}
prime(PreparedSchema, seen);
// The deadline engine parses a request with extensions or suspensions (workflows/deadlines.ts).
prime(PeriodRequestSchema, seen);

export { PROCEDURES };
