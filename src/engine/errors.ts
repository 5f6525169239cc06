/**
 * Named errors with messages that tell the user what to do next. They cross the worker boundary
 * intact (see `serializeError` / `reviveError`): class, message and details.
 */

/** Base class: the class name says what failed (for programs), `message` what to do (for people). */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    message: string,
    readonly details: Record<string, string | number | boolean | null> = {},
  ) {
    super(message);
  }
}

/** The conversation does not fit the model's context window. */
export class ContextLengthError extends EngineError {
  override name = 'ContextLengthError';
  constructor(promptTokens: number, contextLength: number) {
    super(
      `This conversation is ${promptTokens} tokens long, but the model reads at most ${contextLength}. ` +
        'Start a new chat, shorten the system prompt, or delete earlier messages.',
      { promptTokens, contextLength },
    );
  }
}

/** A model could not be loaded (missing file, bad ONNX, out of memory, unsupported operator...). */
export class ModelLoadError extends EngineError {
  override name = 'ModelLoadError';
}

/** `chat()` was called before `load()` finished, or after `unload()`. */
export class ModelNotLoadedError extends EngineError {
  override name = 'ModelNotLoadedError';
  constructor() {
    super('No model is loaded yet. Pick a model and wait for it to finish loading.');
  }
}

/** The chosen device cannot run at all (no WebGPU adapter, no shader-f16 for an f16 model...). */
export class DeviceUnavailableError extends EngineError {
  override name = 'DeviceUnavailableError';
}

/** Generation failed after it started. Any text produced so far is kept by the caller. */
export class GenerationError extends EngineError {
  override name = 'GenerationError';
}

/** The worker stopped answering or crashed; it has been restarted. */
export class WorkerCrashedError extends EngineError {
  override name = 'WorkerCrashedError';
}

/**
 * The device under a loaded model failed: the WebGPU device was lost (driver reset, destroyed,
 * another tab took the GPU) or memory ran out. The model cannot run in this worker any more: the
 * worker is restarted, and the user picks WASM, a smaller variant or the gateway.
 * `details.cause` is 'device-lost' or 'out-of-memory'.
 */
export class DeviceFaultError extends EngineError {
  override name = 'DeviceFaultError';
}

/** Invalid generation settings; `details.field` names the bad one. */
export class InvalidSettingsError extends EngineError {
  override name = 'InvalidSettingsError';
}

const CLASSES = {
  EngineError,
  ModelLoadError,
  DeviceUnavailableError,
  GenerationError,
  WorkerCrashedError,
  DeviceFaultError,
  InvalidSettingsError,
} as const;

/** The plain-data form of an error, safe for structured clone. */
export interface SerializedError {
  name: string;
  message: string;
  details: Record<string, string | number | boolean | null>;
  stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof EngineError) {
    return { name: error.name, message: error.message, details: { ...error.details }, ...(error.stack ? { stack: error.stack } : {}) };
  }
  if (error instanceof Error) {
    return { name: error.name, message: error.message, details: {}, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: 'Error', message: String(error), details: {} };
}

/** Rebuilds the original error class from its serialized form (unknown names become `Error`). */
export function reviveError(data: SerializedError): Error {
  let error: Error;
  if (data.name === 'ContextLengthError') {
    error = new ContextLengthError(Number(data.details['promptTokens']), Number(data.details['contextLength']));
  } else if (data.name === 'ModelNotLoadedError') {
    error = new ModelNotLoadedError();
  } else if (data.name in CLASSES) {
    const Cls = CLASSES[data.name as keyof typeof CLASSES];
    error = new Cls(data.message, data.details);
  } else {
    error = new Error(data.message);
    error.name = data.name;
  }
  error.message = data.message;
  if (data.stack) error.stack = data.stack;
  return error;
}

/**
 * True for a model file that could not be downloaded or failed its check (src/cache/integrity.ts:
 * IntegrityError, DownloadError), by name, so the runner needs no cache code to tell.
 */
export function isDownloadFailure(error: unknown): boolean {
  return error instanceof Error && (error.name === 'IntegrityError' || error.name === 'DownloadError');
}

/** True for the error `AbortSignal` produces, whatever realm it came from. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
