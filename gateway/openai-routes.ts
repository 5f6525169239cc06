/**
 * The OpenAI surface: `GET /v1/models`, `GET /v1/models/{id}`, `POST /v1/chat/completions`
 * (JSON or SSE stream).
 */
import { randomUUID } from 'node:crypto';
import { parseChatRequest, type ChatRequest } from './chat-request';
import { runCompletion, type CompletionResult } from './completion';
import type { FinishReason, GatewayContext, Route, RouteRequest } from './gateway-context';
import { modelNotFound, modelNotLoaded, toApiError } from './api-error';
import { readJsonBody } from './body';
import { sendJson } from './http';
import type { GatewayModel } from './models';
import type { ServedModel } from './served-model';
import { SseWriter } from './sse';

/** OpenAI's model object. */
function modelObject(model: GatewayModel): { id: string; object: 'model'; created: number; owned_by: string } {
  return { id: model.id, object: 'model', created: model.created, owned_by: 'webgpu-inference-playground' };
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** For models that reason: how many of the completion tokens were reasoning, as OpenAI reports it. */
  completion_tokens_details?: { reasoning_tokens: number };
}

function usage(result: CompletionResult): Usage {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
    ...(result.reasoningTokens === null ? {} : { completion_tokens_details: { reasoning_tokens: result.reasoningTokens } }),
  };
}

/** Fields every chunk and completion of one request share. */
interface Envelope {
  id: string;
  created: number;
  model: string;
}

async function streamCompletion(
  ctx: GatewayContext,
  r: RouteRequest,
  slot: ServedModel,
  request: ChatRequest,
  base: Envelope,
): Promise<void> {
  const sse = new SseWriter(r.res);
  // With include_usage OpenAI sends `usage: null` on every chunk but the last.
  const usageField = request.includeUsage ? { usage: null } : {};
  // Reasoning goes in `reasoning_content`, the field vLLM, llama.cpp and the playground read.
  const chunk = (delta: { role?: 'assistant'; content?: string; reasoning_content?: string }, finish: FinishReason | null): object => ({
    id: base.id,
    object: 'chat.completion.chunk',
    created: base.created,
    model: base.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageField,
  });
  let result: CompletionResult;
  try {
    result = await runCompletion(
      ctx,
      slot,
      request,
      {
        start: () => sse.send(chunk({ role: 'assistant', content: '' }, null)),
        text: (text) => sse.send(chunk({ content: text }, null)),
        reasoning: (text) => sse.send(chunk({ reasoning_content: text }, null)),
      },
      r.signal,
    );
  } catch (error) {
    // Before the first event the status is still open: answer with a plain JSON error instead.
    if (!sse.started) throw error;
    sse.send(toApiError(error).toBody());
    sse.end();
    return;
  }
  if (result.finishReason === 'aborted') return;
  sse.send(chunk({}, result.finishReason));
  if (request.includeUsage) {
    sse.send({ id: base.id, object: 'chat.completion.chunk', created: base.created, model: base.model, choices: [], usage: usage(result) });
  }
  sse.done();
}

async function completeAtOnce(
  ctx: GatewayContext,
  r: RouteRequest,
  slot: ServedModel,
  request: ChatRequest,
  base: Envelope,
): Promise<void> {
  const parts: string[] = [];
  const thoughts: string[] = [];
  const result = await runCompletion(
    ctx,
    slot,
    request,
    { start: () => undefined, text: (text) => parts.push(text), reasoning: (text) => thoughts.push(text) },
    r.signal,
  );
  if (result.finishReason === 'aborted') return;
  sendJson(r.res, 200, {
    id: base.id,
    object: 'chat.completion',
    created: base.created,
    model: base.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: parts.join(''),
          refusal: null,
          ...(thoughts.length ? { reasoning_content: thoughts.join('') } : {}),
        },
        logprobs: null,
        finish_reason: result.finishReason,
      },
    ],
    usage: usage(result),
  });
}

async function chatCompletions(ctx: GatewayContext, r: RouteRequest): Promise<void> {
  const request = parseChatRequest(await readJsonBody(r.req, ctx.maxBodyBytes));
  const { slot, suggestion } = ctx.registry.find(request.model);
  if (!slot) throw modelNotFound(request.model, suggestion);
  // Like Foundry's newer server: a chat request never loads a model implicitly.
  if (!slot.loaded) throw modelNotLoaded(slot.model.id);
  const base: Envelope = {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: slot.model.id,
  };
  if (request.stream) await streamCompletion(ctx, r, slot, request, base);
  else await completeAtOnce(ctx, r, slot, request, base);
}

/** The `/v1` routes. */
export function openAiRoutes(ctx: GatewayContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/models\/?$/,
      handle: (r) => sendJson(r.res, 200, { object: 'list', data: ctx.registry.models.map(modelObject) }),
    },
    {
      method: 'GET',
      path: /^\/v1\/models\/([^/]+)$/,
      handle: (r) => {
        const name = r.params[0] ?? '';
        const { slot, suggestion } = ctx.registry.find(name);
        if (!slot) throw modelNotFound(name, suggestion);
        sendJson(r.res, 200, modelObject(slot.model));
      },
    },
    { method: 'POST', path: /^\/v1\/chat\/completions\/?$/, handle: (r) => chatCompletions(ctx, r) },
  ];
}
