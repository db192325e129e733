/**
 * What a start was prepared with: the parties resolved from the registry, the local policy fixed
 * for the procedure, the working calendar, the first state's deadlines and the recipients of its first notices. The
 * preparation activity returns it; the API computes the same (activities/prepare.ts) and puts it
 * in the start input, so the first workflow task needs no activity.
 */
import { z } from 'zod';
import { PartyRefSchema } from '../domain/parties.js';
import { PolicySchema } from '../domain/policy.js';
import { CalendarSnapshotSchema } from '../domain/calendar/schema.js';
import { ExtensionSchema, RuleSchema, SuspensionSchema } from '../domain/deadline/types.js';

// Refinements, not zod's string formats: those fail on the frozen shared schemas (domain/matching.ts).
const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO 8601 instant');

const DeadlineSchema = z.strictObject({
  rule: RuleSchema,
  n: z.number(),
  from: z.string(),
  basis: z.string().optional(),
  lastDay: z.string().optional(),
  nominalLastDay: z.string().optional(),
  fixedEnd: z.literal(true).optional(),
  dueAt: instant,
  startAt: instant,
  dueSoonAt: instant,
  reminders: z.array(z.strictObject({ key: z.string(), at: instant })),
  budget: z.number(),
  provisional: z.boolean(),
  calendarVersion: z.string(),
  extensions: z.array(ExtensionSchema),
  suspensions: z.array(SuspensionSchema),
});

/** A registry contact (domain/registry/schema.ts ContactSchema), as the registry gave it. */
const ContactSchema = z.strictObject({
  name: z.string(),
  email: z.string().optional(),
  webhook: z.string().optional(),
  webhookSecretRef: z.string().optional(),
});
const RecipientSchema = z.strictObject({ party: PartyRefSchema, contact: ContactSchema, role: z.string() });

export const PreparedSchema = z.strictObject({
  parties: z.record(z.string(), PartyRefSchema),
  region: z.string(),
  route: z.strictObject({ tier: z.enum(['national', 'provincial', 'superior']), basis: z.string(), reason: z.string() }).optional(),
  derived: z.record(z.string(), z.unknown()).optional(),
  policy: PolicySchema,
  registryVersion: z.string(),
  /** Delivery channels this deployment has (the dashboard inbox always). */
  channels: z.array(z.enum(['webhook', 'email'])),
  /**
   * The working calendar at the start (SPEC §2): the workflow computes later deadlines with it
   * where it covers their period (workflows/deadlines.ts). Absent from starts before it was recorded.
   */
  calendar: CalendarSnapshotSchema.optional(),
  /** The first state's deadlines, by their inputs (machines/deadline-requests.ts). */
  initialDeadlines: z.record(z.string(), DeadlineSchema).optional(),
  /** The recipients of the first state's notices, by `subject:party id` (workflows/deliveries.ts). */
  initialRecipients: z.record(z.string(), z.array(RecipientSchema)).optional(),
  /** Each party's registry contact at the start, by party id: the recipients of a notice to it (workflows/deliveries.ts). */
  contacts: z.record(z.string(), ContactSchema).optional(),
  /**
   * Each party's escalation ladder at the start (domain/ladder.ts), by party id, rung 1 first: an
   * alarm's reminder and escalation go to the recorded contacts without an activity (workflows/timers.ts).
   */
  ladders: z.record(z.string(), z.array(z.array(RecipientSchema))).optional(),
});

export type PrepareResult = z.infer<typeof PreparedSchema>;

/** Where a notice's recipients are kept in `initialRecipients`. */
export const noticeKey = (subject: string, to: { id: string }) => `${subject}:${to.id}`;
