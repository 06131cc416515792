import { z } from 'zod';

/**
 * Metron's profiler config (`ProfilerConfig`, `ProfileConfig`): a list of profiles, each a small
 * Stellar program run per entity and period, and the field that carries event time.
 *
 * `init` and `update` values are Stellar expressions. Metron's README asks for strings, but a
 * bare number (`"count": 0`) is accepted by Metron's tests and here: it is the literal.
 */

const expression = z.string().min(1, 'a Stellar expression is required');
const assignments = z
  .record(
    z.string().regex(/^[A-Za-z_$][\w$.:]*$/, 'a variable name: letters, digits, _ . : or $'),
    z.union([expression, z.number().transform(String), z.boolean().transform(String)]),
  )
  .describe('variable → Stellar expression, run in the order written');

const resultSchema = z.union([
  expression.transform((profile) => ({ profile, triage: {} as Record<string, string> })),
  z
    .object({
      profile: expression.describe('the value stored for the period'),
      triage: z
        .record(z.string().min(1), expression)
        .default({})
        .describe('values sent back into the stream at each flush'),
    })
    .strict(),
]);

export const profileConfigSchema = z
  .object({
    profile: z
      .string()
      .regex(/^[^\0]+$/, 'a profile name without NUL characters')
      .describe('the name, unique within the config'),
    foreach: expression.describe('Stellar giving the entity a message belongs to'),
    onlyif: z.string().default('true').describe('Stellar predicate: apply the message or not'),
    init: assignments.default({}).describe('run once per entity and period, before the first update'),
    update: assignments.describe('run for every message'),
    groupBy: z.array(expression).default([]).describe('Stellar giving the groups of a measurement'),
    result: resultSchema,
    expires: z.number().positive().optional().describe('days a measurement is kept'),
  })
  .strict();

export const profilerConfigSchema = z
  .object({
    profiles: z.array(profileConfigSchema),
    timestampField: z
      .string()
      .min(1)
      .optional()
      .describe('the field with event time (epoch ms); absent means processing time'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.profiles.forEach((p, i) => {
      if (seen.has(p.profile))
        ctx.addIssue({
          code: 'custom',
          path: ['profiles', i, 'profile'],
          message: `profile '${p.profile}' is defined twice`,
        });
      seen.add(p.profile);
    });
  });

/** One validated profile definition (`result` always in its object form). */
export type ProfileConfig = z.output<typeof profileConfigSchema>;
/** A validated profiler config. */
export type ProfilerConfig = z.output<typeof profilerConfigSchema>;
