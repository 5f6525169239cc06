/**
 * What `npm run catalog:verify` finds for each hub entry of a catalog, and the table it prints.
 * One row per entry: the hub's commit for the entry's revision, how many files were checked, and
 * either "ok" or every disagreement in words (hub/reconcile.ts says them the same way to users).
 */
import type { CatalogModel } from '../../src/catalog/schema';
import type { HubListing } from '../../src/hub/hub-listing';
import { reconcileWithHub } from '../../src/hub/reconcile';
import { errorMessage } from '../../src/errors/error-message';

export interface EntryReport {
  id: string;
  repo: string;
  revision: string;
  /** The commit the revision points to on the hub; null when the hub could not say. */
  commit: string | null;
  /** Files of the entry the hub listing was compared with (root files and every variant's). */
  files: number;
  /** Everything that disagrees, or why the entry could not be checked; empty: the entry is right. */
  problems: string[];
}

type ListingReader = (repo: string, revision: string) => Promise<HubListing>;

/** Checks every hub entry of `models` against the hub `read` reaches, one at a time (hubs rate-limit). */
export async function verifyCatalog(models: readonly CatalogModel[], read: ListingReader): Promise<EntryReport[]> {
  const reports: EntryReport[] = [];
  for (const model of models) {
    if (model.source.kind !== 'hub') continue;
    const { repo, revision } = model.source;
    const files = model.files.length + model.variants.reduce((n, v) => n + v.files.length, 0);
    const base = { id: model.id, repo, revision, files };
    try {
      const listing = await read(repo, revision);
      let problems: string[];
      try {
        problems = reconcileWithHub(model, listing).disagreements;
      } catch (error) {
        problems = [errorMessage(error)];
      }
      reports.push({ ...base, commit: listing.sha, problems });
    } catch (error) {
      reports.push({ ...base, commit: null, problems: [errorMessage(error)] });
    }
  }
  return reports;
}

/** The report as a plain-text table, then the problems of each entry that has some. */
export function formatReport(reports: readonly EntryReport[], hubUrl: string): string {
  const rows = reports.map((r) => [
    r.id,
    `${r.repo}@${r.revision.length > 12 ? r.revision.slice(0, 12) : r.revision}`,
    r.commit ? r.commit.slice(0, 12) : '-',
    String(r.files),
    r.problems.length ? `${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}` : 'ok',
  ]);
  const header = ['entry', 'repository@revision', 'commit', 'files', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [`Hub entries checked against ${hubUrl}`, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const r of reports) {
    if (!r.problems.length) continue;
    out.push('', `${r.id}:`, ...r.problems.map((p) => `  - ${p}`));
  }
  const bad = reports.filter((r) => r.problems.length).length;
  out.push(
    '',
    bad
      ? `${bad} of ${reports.length} hub entries disagree with the hub or could not be checked.`
      : `All ${reports.length} hub entries match the hub.`,
  );
  return out.join('\n');
}
