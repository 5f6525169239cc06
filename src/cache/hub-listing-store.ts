/**
 * The hub listings downloads were checked against (src/hub/hub-listing.ts), in IndexedDB, one per
 * hub address, repository and revision. Kept so that a model downloaded once loads again offline
 * with the same files and checks, and so that "main" keeps meaning the commit its files came from.
 * Records are checked on read: one that does not parse is skipped (and read from the hub again).
 */
import { entries, set, type UseStore } from 'idb-keyval';
import { openStore } from './open-store';
import { treeEntry, type HubListing, type HubTreeEntry } from '../hub/hub-listing';

/** A listing and the hub it came from. */
export interface StoredListing extends HubListing {
  /** The hub's address, normalised without a trailing slash. */
  hubUrl: string;
  checkedAt: number;
}

/** The key of a listing: a mirror's listing never stands in for the real hub's. */
export function listingKey(hubUrl: string, repo: string, revision: string): string {
  return `${hubUrl.replace(/\/+$/, '')}|${repo}@${revision}`;
}

function parseListing(value: unknown): StoredListing | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const { hubUrl, repo, revision, sha, checkedAt, files } = v;
  if (typeof hubUrl !== 'string' || typeof repo !== 'string' || typeof revision !== 'string' || typeof sha !== 'string') return null;
  if (!Array.isArray(files)) return null;
  const parsed = files.map(treeEntry);
  if (parsed.some((f) => f === null)) return null;
  return { hubUrl, repo, revision, sha, files: parsed as HubTreeEntry[], checkedAt: typeof checkedAt === 'number' ? checkedAt : 0 };
}

export class HubListingStore {
  private readonly store: UseStore;

  constructor(store?: UseStore) {
    this.store = store ?? openStore('playground-hub-listings', 'listings');
  }

  /** Every readable listing, by key. */
  async list(): Promise<Map<string, StoredListing>> {
    const all = await entries<IDBValidKey, unknown>(this.store);
    const out = new Map<string, StoredListing>();
    for (const [, value] of all) {
      const listing = parseListing(value);
      if (listing) out.set(listingKey(listing.hubUrl, listing.repo, listing.revision), listing);
    }
    return out;
  }

  async save(listing: StoredListing): Promise<void> {
    await set(listingKey(listing.hubUrl, listing.repo, listing.revision), listing, this.store);
  }
}
