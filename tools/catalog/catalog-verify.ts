/**
 * `npm run catalog:verify [-- --hub URL] [--catalog FILE]`: checks every hub entry of the model
 * catalog against a hub (huggingface.co by default, or a mirror): the revision exists, every
 * listed file is there with its size (estimates within 10%) and SHA-256, every listed dtype is
 * there, and no external-data chunk is missing. Prints a table; exits 1 when any entry disagrees
 * or cannot be checked, 2 on bad arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCatalog } from '../../src/catalog/schema';
import { DEFAULT_HUB_URL, readHubListing } from '../../src/hub/hub-client';
import { errorMessage } from '../../src/errors/error-message';
import { formatReport, verifyCatalog } from './verify-report';

const USAGE = 'usage: npm run catalog:verify -- [--hub URL] [--catalog public/models/models.json]';

async function main(): Promise<number> {
  let values: { hub?: string | undefined; catalog?: string | undefined };
  try {
    ({ values } = parseArgs({ options: { hub: { type: 'string' }, catalog: { type: 'string' } }, strict: true }));
  } catch (error) {
    console.error(`${errorMessage(error)}\n${USAGE}`);
    return 2;
  }
  const hubUrl = values.hub ?? DEFAULT_HUB_URL;
  if (!/^https?:\/\//.test(hubUrl)) {
    console.error(`--hub must be an http(s) address, got "${hubUrl}".\n${USAGE}`);
    return 2;
  }
  const file = path.resolve(values.catalog ?? 'public/models/models.json');
  let catalog;
  try {
    catalog = parseCatalog(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  } catch (error) {
    console.error(`Cannot read the catalog: ${errorMessage(error)}`);
    return 2;
  }
  const reports = await verifyCatalog(catalog.models, (repo, revision) => readHubListing({ hubUrl, repo, revision }));
  console.log(formatReport(reports, hubUrl));
  return reports.some((r) => r.problems.length) ? 1 : 0;
}

process.exitCode = await main();
