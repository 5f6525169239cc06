/**
 * Runs one chat completion on a loaded model: waits for its turn in the queue, streams text
 * through the stop-sequence filter to a sink, stops when the client disconnects, and counts
 * tokens the way OpenAI reports them.
 */
import type { StopReason } from '../src/engine/engine-types';
import type { ChatRequest } from './chat-request';
import type { FinishReason, GatewayContext } from './gateway-context';
import { ApiError } from './api-error';
import type { ServedModel } from './served-model';
import { pacedSink } from './paced-sink';
import { StopMatcher } from './stop-sequences';

/** Where the answer goes: an SSE stream or a buffer for the JSON answer. */
export interface CompletionSink {
  /** The prompt is templated and fits; generation is about to start. */
  start(): void;
  text(delta: string): void;
  /** Reasoning text (gpt-oss' analysis channel), sent as `reasoning_content`. */
  reasoning(delta: string): void;
}

export interface CompletionResult {
  /** `aborted`: the client disconnected; nothing more should be sent. */
  finishReason: FinishReason | 'aborted';
  promptTokens: number;
  /**
   * Generated tokens without a final end-of-turn (EOS) token, like OpenAI's completion_tokens:
   * the EOS token produces no text, so only tokens that can show up in the answer are counted.
   */
  completionTokens: number;
  /** Of the completion tokens, those spent reasoning (OpenAI's `completion_tokens_details.reasoning_tokens`); null when the model did not reason. */
  reasoningTokens: number | null;
}

/** Unique across the gateway, so a stop request for one generation can never hit another. */
let nextRequestId = 1;

/** Runs `request` on `slot`; resolves when the model has stopped. */
export async function runCompletion(
  ctx: GatewayContext,
  slot: ServedModel,
  request: ChatRequest,
  directSink: CompletionSink,
  signal: AbortSignal,
): Promise<CompletionResult> {
  const paced = ctx.paceTokensPerSec > 0 ? pacedSink(directSink, ctx.paceTokensPerSec, signal) : null;
  const sink: CompletionSink = paced ?? directSink;
  const requestId = nextRequestId++;
  const stop = (): void => slot.stop(requestId);
  signal.addEventListener('abort', stop, { once: true });
  const matcher = new StopMatcher(request.stop);
  // Filled in by the runner's callbacks (an object, so TypeScript does not narrow the fields).
  const state: { promptTokens: number; reason: StopReason; generated: number; reasoning: number | null } = {
    promptTokens: 0,
    reason: 'length',
    generated: 0,
    reasoning: null,
  };
  const report = (outcome: FinishReason | 'aborted' | 'error', completionTokens: number): void =>
    ctx.hooks.onGenerationEnd?.({ model: slot.model.id, outcome, promptTokens: state.promptTokens, completionTokens });
  try {
    await ctx.queue.run(
      () =>
        slot.generate(requestId, request.messages, request.params, (event) => {
          if (event.type === 'start') {
            ctx.hooks.onGenerationStart?.(slot.model.id);
            sink.start();
          } else if (event.type === 'token') {
            // Stop sequences end the answer; reasoning is not matched (nor is it after a match).
            const text = matcher.push(event.text);
            if (text) sink.text(text);
            if (matcher.stopped) stop();
          } else if (event.type === 'reasoning') {
            if (event.text && !matcher.stopped) sink.reasoning(event.text);
          } else {
            state.reason = event.reason;
            state.promptTokens = event.trace.promptTokens;
            state.generated = event.trace.tokenTimes.length;
            state.reasoning = event.trace.reasoning?.tokens ?? (event.trace.answerAt === undefined ? null : 0);
          }
        }),
      signal,
    );
  } catch (error) {
    if (!signal.aborted) report('error', state.generated);
    throw error;
  } finally {
    signal.removeEventListener('abort', stop);
  }

  const completionTokens = state.generated - (state.reason === 'eos' ? 1 : 0);
  let finishReason: CompletionResult['finishReason'];
  if (signal.aborted) finishReason = 'aborted';
  else if (matcher.stopped || state.reason === 'eos') finishReason = 'stop';
  else if (state.reason === 'length') finishReason = 'length';
  else {
    report('error', completionTokens);
    // Stopped by neither the client nor a stop sequence: a forced unload.
    throw new ApiError(503, `The model '${slot.model.id}' was unloaded while it was answering.`, { code: 'model_unloaded' });
  }
  if (finishReason !== 'aborted' && !matcher.stopped) {
    const rest = matcher.flush();
    if (rest) sink.text(rest);
  }
  await paced?.drained();
  report(finishReason, completionTokens);
  return { finishReason, promptTokens: state.promptTokens, completionTokens, reasoningTokens: state.reasoning };
}
