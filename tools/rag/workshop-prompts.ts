/**
 * Writes tools/models/golden/grounded-prompts.json: the workshop demo's prompts as the app builds
 * them for each bundled chat model (workshop-demo.ts), for tools/models/golden.py.
 *
 *   npx tsx tools/rag/workshop-prompts.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEmbeddingModel, parseCatalog } from '../../src/catalog/schema';
import { NO_ANSWER, WORKSHOP_QUESTIONS, WORKSHOP_TEXT, workshopPrompts } from './workshop-demo';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const publicModels = path.join(root, 'public', 'models');
const catalog = parseCatalog(JSON.parse(fs.readFileSync(path.join(publicModels, 'models.json'), 'utf8'))).models;
const chatModels = catalog.filter((m) => m.source.kind === 'bundled' && !isEmbeddingModel(m));

const models: Record<string, unknown[]> = {};
for (const model of chatModels) {
  const prompts = await workshopPrompts(publicModels, catalog, model.id);
  models[model.id] = prompts.map((p, i) => {
    const sentence = WORKSHOP_QUESTIONS[i]!.answers;
    const n = sentence === null ? -1 : p.passages.findIndex((text) => text.includes(sentence)) + 1;
    if (n === 0) throw new Error(`no passage of the prompt for ${p.question} holds its answer`);
    return { ...p, expected: sentence === null ? NO_ANSWER : `${sentence.slice(0, -1)} [${n}].` };
  });
}
const out = path.join(root, 'tools', 'models', 'golden', 'grounded-prompts.json');
fs.writeFileSync(out, `${JSON.stringify({ text: WORKSHOP_TEXT, models }, null, 2)}\n`);
console.log(`wrote ${path.relative(root, out)}`);
