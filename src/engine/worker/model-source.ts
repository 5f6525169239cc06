/**
 * Where a model's files come from, as transformers.js needs to be told: a local folder (bundled
 * models, imported folders, Node) or a hub repository at a pinned revision (huggingface.co or a
 * mirror).
 *
 * What transformers.js takes per call is passed per load (the folder as the model's path, the
 * revision, `local_files_only`). What it only reads from its process-wide `env` (local files
 * allowed, remote files allowed, the hub's address) is set by `withFileSource` for the duration of
 * the load's file fetching, and two loads that need different values never overlap there. The
 * gateway loads several models at once in one process; the worker has one runner, but nothing
 * should depend on that.
 */
import { env, type PretrainedModelOptions } from '@huggingface/transformers';
import type { ModelRef } from '../engine-types';
import { KeyedSections } from './keyed-sections';

/** The file settings transformers.js only has as globals of its `env`. */
export interface FileSourceEnv {
  allowLocalModels: boolean;
  allowRemoteModels: boolean;
  /** The hub's (or mirror's) address; only for remote models. */
  remoteHost?: string;
}

/** A model as transformers.js loads it. */
export interface ModelSource {
  /** What `from_pretrained` gets: a folder path, or a hub repository id. */
  name: string;
  /** Per-call options: the revision, or local files only. */
  options: Pick<PretrainedModelOptions, 'revision' | 'local_files_only'>;
  /** The full URL (or path) of one of the model's files, as the catalog names them. */
  fileUrl: (path: string) => string;
  env: FileSourceEnv;
  /** Files transformers.js asks for under `from` are the files under `to` (see ModelRunner). */
  alias?: { from: string; to: string };
}

/** "http://host:1/models/" -> "/models/"; file paths are returned unchanged. */
function originRelative(location: string): string {
  return /^https?:\/\//.test(location) ? new URL(location).pathname : location;
}

/** How transformers.js is to find the files of `ref`. */
export function modelSource(ref: ModelRef): ModelSource {
  const location = ref.location.replace(/\/+$/, '');
  if (ref.hub) {
    const { repo, revision } = ref.hub;
    const repoUrl = `${location}/${repo}/resolve/`;
    const pinned = `${repoUrl}${encodeURIComponent(revision)}/`;
    return {
      name: repo,
      options: { revision },
      fileUrl: (path) => `${pinned}${path}`,
      env: { allowLocalModels: false, allowRemoteModels: true, remoteHost: ref.location },
      // transformers.js probes some files at "main" whatever the revision (4.3: the tokenizer's).
      ...(revision !== 'main' ? { alias: { from: `${repoUrl}main/`, to: pinned } } : {}),
    };
  }
  return {
    // A path that is not a hub id ("/models/x", "/abs/folder/x") is read as a folder, so no
    // global `env.localModelPath` is needed. transformers.js skips its local-file probe for
    // absolute URLs (and then asks the hub), so a same-origin folder is given origin-relative.
    name: originRelative(location),
    options: { local_files_only: true },
    fileUrl: (path) => `${location}/${path}`,
    // Bundled models never touch the hub, even for metadata probes.
    env: { allowLocalModels: true, allowRemoteModels: false },
  };
}

const sections = new KeyedSections<FileSourceEnv>(
  (source) => {
    env.allowLocalModels = source.allowLocalModels;
    env.allowRemoteModels = source.allowRemoteModels;
    if (source.remoteHost !== undefined) env.remoteHost = source.remoteHost;
  },
  (source) => JSON.stringify([source.allowLocalModels, source.allowRemoteModels, source.remoteHost ?? null]),
);

/**
 * Runs `fetchFiles` (the `from_pretrained` calls of one load) with transformers.js' global file
 * settings set to `source`; loads with equal settings share the time, others wait their turn.
 */
export function withFileSource<T>(source: FileSourceEnv, fetchFiles: () => Promise<T>): Promise<T> {
  return sections.run(source, fetchFiles);
}
