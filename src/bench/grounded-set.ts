/**
 * The built-in grounded prompt set: short reference documents and questions about them, each
 * asked with passages retrieved from the documents (RAG on) and without (RAG off). It starts from
 * the workshop's three sentences about Foundry Local, RAG and small language models (worded as the
 * bundled models' held-out grounded items, tools/models/grounded.py) and adds documents on
 * neighbouring topics, so retrieval has to choose. Two questions have no answer in any document:
 * the right answer then says so.
 *
 * Facets are words any right answer holds, taken from the document, so a hub model's own wording
 * scores like a bundled model's copy of the sentence.
 */
import type { BenchDocument, BenchPrompt, PromptSet } from './bench-types';

const DOCUMENTS: readonly BenchDocument[] = [
  { name: 'foundry-local.md', text: 'Foundry Local runs AI models on your own device.' },
  { name: 'rag.md', text: 'RAG is a method that answers questions from your own documents.' },
  { name: 'small-models.md', text: 'Small language models are language models that run on a laptop or a phone.' },
  { name: 'webgpu.md', text: 'WebGPU lets a web page run compute shaders on the graphics card.' },
  { name: 'quantization.md', text: 'Quantization stores model weights in fewer bits, such as 4 or 8, to save memory.' },
  { name: 'kv-cache.md', text: 'The KV cache keeps the keys and values of earlier tokens, so they are not computed again.' },
];

/** What an answer that declines says, in the words models use for it. */
const DECLINES = {
  regex:
    "does(?: not|n't) say|not (?:say|state|mention|contain|in the context|provided)|no information|(?:do not|don't|cannot) know|unknown",
  flags: 'i',
};

function question(id: string, text: string, source: string | null, facets: BenchPrompt['facets']): BenchPrompt {
  return {
    id,
    messages: [{ role: 'user', content: text }],
    grounded: { source },
    ...(facets ? { facets } : {}),
    length: { maxChars: 400 },
  };
}

/** A fresh copy each call, like builtinPromptSet: an edit in the UI never changes the default. */
export function groundedPromptSet(): PromptSet {
  return {
    name: 'Grounded (workshop documents)',
    documents: DOCUMENTS.map((d) => ({ ...d })),
    prompts: [
      question('foundry', 'What does Foundry Local do?', 'foundry-local.md', ['your own device']),
      question('rag', 'What is RAG?', 'rag.md', ['your own documents']),
      question('slm', 'What are small language models?', 'small-models.md', [{ regex: 'laptop|phone', flags: 'i' }]),
      question('webgpu', 'What does WebGPU let a web page do?', 'webgpu.md', [{ regex: 'compute shaders|graphics card', flags: 'i' }]),
      question('quantization', 'How does quantization save memory?', 'quantization.md', ['fewer bits']),
      question('kv-cache', 'What does the KV cache keep?', 'kv-cache.md', ['keys and values']),
      question('who-made', 'Who made Foundry Local?', null, [DECLINES]),
      question('mars', 'What is the capital of Mars?', null, [DECLINES]),
    ],
  };
}
