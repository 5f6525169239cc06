/**
 * Fails (exit 1) when modules of the page import each other in a loop, naming every loop found.
 *
 *   tsx tools/check-cycles.ts [dir ...]      (default: src)
 *
 * Every import counts: `import type` too (a type-only loop still means two modules that cannot be
 * read, tested or moved apart), re-exports, and lazy `import()`. Only relative imports are
 * followed; packages cannot import us back. TypeScript's own pre-processor finds the imports, so
 * strings and comments that look like imports are not mistaken for them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file a relative specifier names, or null when it leaves the scanned files (assets, JSON, packages). */
function resolveImport(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier.replace(/\?.*$/, ''));
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) if (known.has(candidate)) return candidate;
  return null;
}

/** Module -> the modules it imports. */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.map((f) => resolveImport(file, f.fileName, known)).filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected components with more than one module (or a module importing itself): Tarjan's algorithm. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.reverse());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** One shortest loop through the first module of `component`, as the chain of imports that closes it. */
export function loopThrough(component: readonly string[], graph: ReadonlyMap<string, readonly string[]>): string[] {
  const start = component[0]!;
  const inside = new Set(component);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

function main(): void {
  const dirs = process.argv.slice(2);
  const files = (dirs.length ? dirs : ['src']).flatMap((d) => sourceFiles(resolve(root, d)));
  const graph = importGraph(files);
  const loops = cycles(graph);
  const name = (f: string): string => relative(root, f);
  if (loops.length) {
    console.error(`${loops.length} group(s) of modules import each other in a loop:`);
    for (const loop of loops) {
      console.error(`  ${loop.map(name).join(', ')}`);
      console.error(`    e.g. ${loopThrough(loop, graph).map(name).join(' -> ')}`);
    }
    process.exit(1);
  }
  console.log(`No import cycles among ${files.length} modules.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
