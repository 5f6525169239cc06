/**
 * OpenAI-shaped API errors. Every failure the gateway answers with is an `ApiError`, sent as
 * `{"error":{"message","type","param","code"}}` so OpenAI clients (and Foundry's) raise their
 * usual typed errors and can show the message as is.
 */
import { ContextLengthError, EngineError, GenerationError, ModelLoadError, ModelNotLoadedError } from '../src/engine/errors';
import { quote } from './quote';
import { errorMessage } from '../src/errors/error-message';

/** OpenAI's error `type` values that the gateway uses. */
export type ApiErrorType = 'invalid_request_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'server_error';

/** The JSON body of an error answer (also sent as an SSE event when a stream fails after its start). */
export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType; param: string | null; code: string | null };
}

/** An error with its HTTP status; `message` is written for the person reading the client's output. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly type: ApiErrorType;
  readonly param: string | null;
  readonly code: string | null;
  /** Extra response headers (`Allow` for 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    message: string,
    options: { type?: ApiErrorType; param?: string | null; code?: string | null; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.type = options.type ?? defaultType(status);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  toBody(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/**
 * The client went away (closed the connection, or was cut off by a timeout) before its answer was
 * complete. Nobody is left to read an answer, so it is not answered and not logged as a failure.
 */
export class ClientGoneError extends Error {
  override name = 'ClientGoneError';
  constructor(message = 'The client disconnected.') {
    super(message);
  }
}

function defaultType(status: number): ApiErrorType {
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  // OpenAI itself answers 404 for an unknown model with `invalid_request_error`.
  return 'invalid_request_error';
}

/** 400 for a request field: `param` names the field, and so does the message. */
export function invalidParam(param: string, message: string, code = 'invalid_value'): ApiError {
  return new ApiError(400, message, { param, code });
}

/** 400 for a required field that is absent. */
export function missingParam(param: string): ApiError {
  return new ApiError(400, `Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });
}

/** 404 for a model id the gateway does not serve (Foundry's newer server answers the same). */
export function modelNotFound(id: string, suggestion?: string): ApiError {
  const hint = suggestion
    ? ` ${quote(id)} is an alias: use the model id '${suggestion}' (like Foundry Local, the gateway does not resolve aliases).`
    : ' GET /v1/models lists the model ids.';
  return new ApiError(404, `No model matching ${quote(id)}.${hint}`, { param: 'model', code: 'model_not_found' });
}

/** 400 for a known model that is not loaded; Foundry's newer server answers chat requests the same way. */
export function modelNotLoaded(id: string): ApiError {
  return new ApiError(400, `Model not loaded: '${id}'. Load it first with GET /models/load/${id} (or /openai/load/${id}).`, {
    param: 'model',
    code: 'model_not_loaded',
  });
}

/**
 * Maps an engine error to its HTTP answer: the caller's mistakes (a conversation too long for the
 * context window, one the chat template refuses) are 400; everything else is the server's fault.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ContextLengthError) {
    const prompt = Number(error.details['promptTokens']);
    const context = Number(error.details['contextLength']);
    return new ApiError(
      400,
      `This model's maximum context length is ${context} tokens, but the messages use ${prompt} tokens ` +
        '(the answer needs at least 1 more). Shorten or remove earlier messages.',
      { param: 'messages', code: 'context_length_exceeded' },
    );
  }
  if (error instanceof ModelNotLoadedError) return new ApiError(400, 'Model not loaded.', { param: 'model', code: 'model_not_loaded' });
  if (error instanceof GenerationError || error instanceof ModelLoadError) return new ApiError(500, error.message);
  // The runner's remaining EngineError is the chat template refusing the conversation.
  if (error instanceof EngineError) return new ApiError(400, error.message, { param: 'messages', code: 'invalid_value' });
  return new ApiError(500, `Internal error: ${errorMessage(error)}`);
}
