/**
 * The native baseline: transformers.js on onnxruntime-node in the driver's process, on the same
 * files as the browser paths, with the same loop (timed-round.ts), profile and sweep. Its
 * `session.run` copies and kernels are both native, so its profile has no kernel column.
 *
 * Node-only; never bundled.
 */
import path from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import type { BareRequest, RoundTimes } from './bench-types';
import type { SweepPlan } from './context-plan';
import type { ModelFolder } from './model-folders';
import { decoderSession, SessionTimer, summarizeSteps, type StepProfile } from './step-profile';
import { fillerTokens, runSweep, type SweepPoint } from './sweep-run';
import { chatInputs, timedRound } from './timed-round';

export interface NodePath {
  round(): Promise<RoundTimes>;
  profile(): Promise<StepProfile | null>;
  sweep(plan: SweepPlan): Promise<SweepPoint[]>;
  close(): Promise<void>;
}

export async function openNode(folder: ModelFolder, request: BareRequest): Promise<NodePath> {
  const { dtype, prompt, tokens } = request;
  env.localModelPath = path.dirname(folder.dir) + path.sep;
  env.allowRemoteModels = false;
  env.useFSCache = false;
  const name = path.basename(folder.dir);
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const model = await AutoModelForCausalLM.from_pretrained(name, {
    dtype,
    device: 'cpu',
    ...(request.externalData ? { use_external_data_format: request.externalData } : {}),
  });
  const inputs = chatInputs(tokenizer, prompt);
  const timer = new SessionTimer(decoderSession(model), false);
  return {
    round: () => timedRound(model, tokenizer, inputs, tokens),
    async profile() {
      timer.reset();
      timer.enabled = true;
      try {
        await timedRound(model, tokenizer, inputs, tokens);
      } finally {
        timer.enabled = false;
      }
      return summarizeSteps(timer.records);
    },
    sweep: (plan) => runSweep(model, tokenizer, plan, fillerTokens(tokenizer, prompt), timer),
    close: async () => {
      await model.dispose();
    },
  };
}
