/** The import-cycle check (tools/check-cycles.ts): loops found on small graphs and on real files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, loopThrough } from '../../tools/check-cycles';

const graph = (edges: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(edges));

describe('import cycles', () => {
  it('finds none in a tree or a diamond', () => {
    expect(cycles(graph({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }))).toEqual([]);
  });

  it('finds a loop of three, and the chain that closes it', () => {
    const g = graph({ a: ['b'], b: ['c'], c: ['a', 'd'], d: [] });
    const found = cycles(g);
    expect(found.map((c) => [...c].sort())).toEqual([['a', 'b', 'c']]);
    const loop = loopThrough(found[0]!, g);
    expect(loop[0]).toBe(loop[loop.length - 1]);
    expect(loop).toHaveLength(4);
  });

  it('finds two separate loops and a module importing itself', () => {
    const found = cycles(graph({ a: ['b'], b: ['a'], c: ['d'], d: ['c'], e: ['e'] }));
    expect(found.map((c) => [...c].sort()).sort()).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('follows type-only imports, re-exports and lazy imports in files, but not strings or packages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
    const file = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const a = file('a.ts', "import type { B } from './b';\nimport 'lit';\nexport const s = \"import './c'\";\n");
    const b = file('b.ts', "export * from './c';\nexport type B = 1;\n");
    const c = file('c.ts', "export const load = () => import('./a');\n");
    const d = file('d.ts', "// import './a'\nexport {};\n");
    const g = importGraph([a, b, c, d]);
    expect(g.get(a)).toEqual([b]);
    expect(g.get(b)).toEqual([c]);
    expect(g.get(c)).toEqual([a]);
    expect(g.get(d)).toEqual([]);
    expect(cycles(g)).toHaveLength(1);
  });
});
