/**
 * Which context positions the decode-speed sweep visits, and how the context grows between them.
 *
 * The sweep is one conversation that grows: at each position it prefills filler tokens up to that
 * position (reusing the KV cache of everything before, so the whole sweep prefills the window once
 * rather than once per point), then decodes a few tokens and times them. Position 0 is a one-token
 * prompt (a step needs an input token).
 */

export interface SweepPlan {
  /** Context length when each point's decoding starts: 1, step, 2 step, ... */
  positions: number[];
  /** Tokens decoded (and timed) at each point. */
  decodeTokens: number;
}

export class SweepPlanError extends Error {
  override readonly name = 'SweepPlanError';
}

/**
 * Positions 0, step, 2 step, ... while a point's decoding still fits in `min(window, cap)`, and a
 * last one as close to that limit as a point can start (its answer ends at the limit). `decodeTokens`
 * must be below `step`: each point's answer stays in the context the next point extends, so it
 * has to end before the next position.
 */
export function planSweep(window: number, cap: number, step: number, decodeTokens: number): SweepPlan {
  if (!(step > 0 && Number.isInteger(step))) throw new SweepPlanError(`--context-step must be a positive whole number (got ${step})`);
  if (!(decodeTokens >= 2 && Number.isInteger(decodeTokens)))
    throw new SweepPlanError(`--context-tokens must be a whole number of at least 2: a rate needs two tokens (got ${decodeTokens})`);
  if (decodeTokens >= step)
    throw new SweepPlanError(
      `--context-tokens (${decodeTokens}) must be below --context-step (${step}): each point's answer must end before the next position`,
    );
  const limit = Math.min(window, cap);
  const positions: number[] = [];
  for (let p = 0; Math.max(p, 1) + decodeTokens <= limit; p += step) positions.push(Math.max(p, 1));
  const last = positions.at(-1);
  const end = limit - decodeTokens;
  if (last !== undefined && end > last + decodeTokens) positions.push(end);
  return { positions, decodeTokens };
}

/**
 * The filler to append before decoding at `position`, given the conversation so far: token ids
 * taken round-robin from `filler`, so the prompt reads like text rather than one repeated id.
 */
export function extendTo(sequence: readonly number[], position: number, filler: readonly number[]): number[] {
  if (sequence.length > position) throw new SweepPlanError(`the context is already ${sequence.length} tokens, past position ${position}`);
  if (!filler.length) throw new SweepPlanError('no filler tokens to extend the context with');
  const out = [...sequence];
  while (out.length < position) out.push(filler[out.length % filler.length]!);
  return out;
}
