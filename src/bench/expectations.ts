/**
 * What a prompt of a scored set expects of its answer: a reference answer, facets (strings or
 * regular expressions that must appear), length limits and a task tag. All optional: a prompt
 * without them is timed but not scored. Validated here so an imported file with a bad regular
 * expression fails at import, naming the field, instead of at scoring time.
 */
import { z } from 'zod';
import { TASKS } from '../catalog/schema';

/** Flags that keep `RegExp.test` stateless and meaningful on one answer ("g" and "y" carry lastIndex). */
const REGEX_FLAGS = /^[imsu]*$/;

/** Why `source` is not a regular expression, or null when it is one. */
function compileError(source: string, flags: string): string | null {
  try {
    new RegExp(source, flags);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** `{ "regex": "\\b5\\b", "flags": "i" }`: a regular expression the answer must match. */
const regexFacet = z
  .strictObject({
    regex: z.string().min(1, 'must not be empty'),
    flags: z.string().regex(REGEX_FLAGS, 'may hold only the flags i, m, s and u').optional(),
  })
  .superRefine((facet, ctx) => {
    const problem = compileError(facet.regex, facet.flags ?? '');
    if (problem) ctx.addIssue({ code: 'custom', path: ['regex'], message: `not a valid regular expression (${problem})` });
  });

/** A facet: a plain string (found ignoring case and spacing) or a regular expression. */
export const facetSchema = z.union([z.string().refine((s) => s.trim() !== '', 'must not be empty'), regexFacet], {
  error: 'must be a string or {"regex": "...", "flags": "i"}',
});

const chars = z.number({ error: 'must be a number' }).int('must be a whole number').nonnegative('must not be negative');

/** Length limits of the answer in characters (after trimming); either bound may be left out. */
export const lengthSchema = z
  .strictObject({ minChars: chars.optional(), maxChars: chars.optional() })
  .refine((l) => l.minChars === undefined || l.maxChars === undefined || l.minChars <= l.maxChars, {
    message: 'minChars must not be greater than maxChars',
    path: ['maxChars'],
  });

/** The optional fields a scored prompt adds to a plain one (spread into benchPromptSchema). */
export const expectationFields = {
  /** Task tag, one of the catalog's (src/catalog/schema.ts TASKS): the recommendation is per task. */
  task: z.enum(TASKS, { error: `must be one of ${TASKS.join(', ')}` }).optional(),
  /** The answer a perfect model gives; compared ignoring case and spacing. */
  reference: z.string().min(1, 'must not be empty (leave it out instead)').optional(),
  facets: z.array(facetSchema).min(1, 'needs at least one facet (or leave it out)').optional(),
  length: lengthSchema.optional(),
};

export type Facet = z.infer<typeof facetSchema>;
export type LengthLimits = z.infer<typeof lengthSchema>;
