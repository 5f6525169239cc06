import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ORT_VERSION } from '../../src/app/ort-version';
import { ROOT } from '../support/paths';

it('names the onnxruntime-web build that is installed and pinned', () => {
  const installed = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/onnxruntime-web/package.json'), 'utf8')) as {
    version: string;
  };
  const pinned = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  expect(ORT_VERSION).toBe(installed.version);
  expect(ORT_VERSION).toBe(pinned.dependencies['onnxruntime-web']);
});
