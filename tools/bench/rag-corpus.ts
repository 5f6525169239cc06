/**
 * Made-up reference documents for the retrieval benchmark: each about one depot with a name no
 * other document uses, a heading per section and a few facts per paragraph, padded to a size, and
 * questions whose answer is in exactly one of them. Deterministic: the same seed, the same text.
 */

export interface RagDocument {
  name: string;
  text: string;
}

export interface RagQuestion {
  question: string;
  /** The document that answers it. */
  source: string;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tu', 'vos', 'zel', 'dar', 'qui', 'bra', 'fen', 'gol', 'hy', 'jor', 'nes', 'pra'];
const GOODS = ['copper wire', 'grain', 'salt', 'timber', 'glass', 'wool', 'paper', 'tea', 'rope', 'clay'];
const SECTIONS = ['Location', 'Stock', 'Staff', 'Hours', 'History', 'Safety'];

/** Distinct made-up names: `count` of them, each three syllables. */
function names(count: number, random: () => number): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    const word = Array.from({ length: 3 }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]!).join('');
    out.add(word[0]!.toUpperCase() + word.slice(1));
  }
  return [...out];
}

/** `count` documents of about `bytes` bytes each, and one question per document. */
export function ragCorpus(count: number, bytes: number, seed = 7): { documents: RagDocument[]; questions: RagQuestion[] } {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const depots = names(count, random);
  const documents: RagDocument[] = [];
  const questions: RagQuestion[] = [];
  depots.forEach((depot, i) => {
    const code = 100 + Math.floor(random() * 900);
    const parts = [`# Depot ${depot}`, '', `Depot ${depot} has the gate code ${code}.`];
    let s = 0;
    while (parts.join('\n').length < bytes) {
      parts.push('', `## ${SECTIONS[s % SECTIONS.length]} ${Math.floor(s / SECTIONS.length) + 1}`, '');
      const sentences = Array.from(
        { length: 4 },
        () =>
          `Hall ${1 + Math.floor(random() * 40)} of depot ${depot} keeps ${pick(GOODS)} for ${2 + Math.floor(random() * 30)} days, ` +
          `checked by shift ${1 + Math.floor(random() * 9)} before noon.`,
      );
      parts.push(sentences.join(' '));
      s++;
    }
    const name = `depot-${String(i + 1).padStart(3, '0')}.md`;
    documents.push({ name, text: parts.join('\n').slice(0, bytes) });
    questions.push({ question: `What is the gate code of depot ${depot}?`, source: name });
  });
  return { documents, questions };
}
