/**
 * Redis memory per conversation for its info (metadata hash fields c/u/o) and its owner index entry,
 * beyond its items: `INFO memory` used_memory before and after writing N conversations of one item
 * (about 400 B) into an empty database, divided by N, for each way of writing them:
 *
 * - items only: a bare list (RPUSH of the exact bytes the package stores), what a session with
 *   `changeEvents: false` wrote before this issue;
 * - the previous release, default config (optional: BENCH_PREVIOUS_DIST=<its dist/ folder>);
 * - this build without an owner (`changeEvents: false`, and the default config);
 * - this build with an owner: one owner of N conversations (the index is one big sorted set, a
 *   skiplist) and N/10 owners of 10 (small sorted sets, listpack-encoded).
 *
 * used_memory covers everything the keys cost: the main dictionary's entries and buckets, key names,
 * object headers, allocator size classes. MEMORY USAGE of sample keys breaks it down.
 */
import { pathToFileURL } from 'node:url';
import type { AgentInputItem } from '@openai/agents';
import { RedisSession, DEFAULT_KEY_PREFIX } from '../../../dist/index.js';
import type { RawCommandClient } from '../../../tools/commandStats.js';
import { conversationItem } from '../../lib/items.js';
import { metaKey, ownerIndexKey } from './conversationsApi.js';
import { inPool, uuidLike } from './pool.js';

const CONCURRENCY = 64;
export const OWNER_GROUP = 10;

export type MemoryScenarioName = 'bare' | 'previous' | 'quiet' | 'default' | 'oneOwner' | 'manyOwners';

export interface MemoryScenario {
  name: MemoryScenarioName;
  label: string;
  conversations: number;
  /** used_memory delta / conversations. */
  bytesPerConversation: number;
  /** Keys in the database afterwards. */
  keys: number;
  /** The metadata hash of one conversation: its field names and MEMORY USAGE (null: no hash). */
  meta: { fields: string[]; bytes: number; encoding: string } | null;
  /** MEMORY USAGE of one conversation's items list. */
  itemsBytes: number;
  /**
   * The owner index keys: how many, their MEMORY USAGE summed per conversation, their encodings, and who
   * wrote them: the package.
   */
  index: { keys: number; bytesPerConversation: number; encodings: string } | null;
}

interface WritingSession {
  addItems(items: AgentInputItem[]): Promise<void>;
  close(): Promise<void>;
}
type SessionFactory = (options: { redisUrl: string; conversationId: string; changeEvents?: boolean; owner?: string }) => WritingSession;

const ITEM = conversationItem(0);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function usedMemory(admin: RawCommandClient): Promise<number> {
  const info = String(await admin.sendCommand(['INFO', 'memory']));
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

/** The session class of a previous build (BENCH_PREVIOUS_DIST), or undefined. */
async function previousRelease(): Promise<{ factory: SessionFactory; close: () => Promise<void> } | undefined> {
  const dist = process.env.BENCH_PREVIOUS_DIST;
  if (!dist) return undefined;
  const module = (await import(pathToFileURL(`${dist.replace(/\/$/, '')}/index.js`).href)) as {
    RedisSession: new (options: Record<string, unknown>) => WritingSession;
    closeSharedConnections: () => Promise<void>;
  };
  return { factory: (options) => new module.RedisSession(options), close: () => module.closeSharedConnections() };
}

const thisBuild: SessionFactory = (options) => new RedisSession(options);

async function memoryUsage(admin: RawCommandClient, key: string): Promise<number> {
  return Number(await admin.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
}

/** Measures one way of writing `count` conversations, from an empty database. */
async function scenario(
  admin: RawCommandClient,
  name: MemoryScenarioName,
  label: string,
  count: number,
  write: (conversationId: string, index: number) => Promise<void>,
  owners: (index: number) => string | undefined,
): Promise<MemoryScenario> {
  await admin.sendCommand(['FLUSHALL', 'SYNC']);
  await sleep(300);
  const ids = Array.from({ length: count }, (_, index) => uuidLike(7, index));
  const before = await usedMemory(admin);
  await inPool(count, CONCURRENCY, (index) => write(ids[index]!, index));
  const firstOwner = owners(0);
  if (firstOwner !== undefined) await assertIndexes(admin, ids, owners);
  // Let the server shrink query buffers and finish rehashing its dictionaries before reading.
  await sleep(500);
  const after = await usedMemory(admin);
  const keys = Number(await admin.sendCommand(['DBSIZE']));
  const sample = ids[0]!;
  const meta = metaKey(DEFAULT_KEY_PREFIX, sample);
  const hasMeta = Number(await admin.sendCommand(['EXISTS', meta])) === 1;
  const indexKeys = [...new Set(ids.map((_, index) => owners(index)).filter((owner): owner is string => owner !== undefined))].map((owner) =>
    ownerIndexKey(DEFAULT_KEY_PREFIX, owner),
  );
  let index: MemoryScenario['index'] = null;
  const existing = [];
  for (const key of indexKeys) if (Number(await admin.sendCommand(['EXISTS', key])) === 1) existing.push(key);
  if (existing.length > 0) {
    let bytes = 0;
    const encodings = new Map<string, number>();
    for (const key of existing) {
      bytes += await memoryUsage(admin, key);
      const encoding = String(await admin.sendCommand(['OBJECT', 'ENCODING', key]));
      encodings.set(encoding, (encodings.get(encoding) ?? 0) + 1);
    }
    index = {
      keys: existing.length,
      bytesPerConversation: bytes / count,
      encodings: [...encodings].map(([encoding, n]) => `zset/${encoding} ×${n}`).join(', '),
    };
  }
  return {
    name,
    label,
    conversations: count,
    bytesPerConversation: (after - before) / count,
    keys,
    meta: hasMeta
      ? {
          fields: ((await admin.sendCommand(['HKEYS', meta])) as string[]).sort(),
          bytes: await memoryUsage(admin, meta),
          encoding: String(await admin.sendCommand(['OBJECT', 'ENCODING', meta])),
        }
      : null,
    itemsBytes: await memoryUsage(admin, DEFAULT_KEY_PREFIX + sample),
    index,
  };
}

/** Checks that the package wrote the owner index of every owner (the memory rows count it). */
async function assertIndexes(admin: RawCommandClient, ids: string[], owners: (index: number) => string | undefined): Promise<void> {
  for (const owner of new Set(ids.map((_, index) => owners(index)))) {
    if (owner === undefined) continue;
    if (Number(await admin.sendCommand(['EXISTS', ownerIndexKey(DEFAULT_KEY_PREFIX, owner)])) !== 1) {
      throw new Error(`the package wrote no owner index for ${owner}`);
    }
  }
}

/** A write through a session made by `factory`: one item, then close. */
function sessionWrite(url: string, factory: SessionFactory, options: { changeEvents?: boolean }, owners: (index: number) => string | undefined) {
  return async (conversationId: string, index: number): Promise<void> => {
    const owner = owners(index);
    const session = factory({ redisUrl: url, conversationId, ...options, ...(owner ? { owner } : {}) });
    try {
      await session.addItems([ITEM]);
    } finally {
      await session.close();
    }
  };
}

export async function measureInfoMemory(url: string, admin: RawCommandClient, count: number): Promise<MemoryScenario[]> {
  const none = (): undefined => undefined;
  const oneOwner = (): string => 'user-000001';
  const manyOwners = (index: number): string => `user-${String(Math.floor(index / OWNER_GROUP)).padStart(6, '0')}`;

  // The exact bytes the package stores for the item, for the bare list.
  await admin.sendCommand(['FLUSHALL', 'SYNC']);
  await sessionWrite(url, thisBuild, { changeEvents: false }, none)('probe', 0);
  const [entry] = (await admin.sendCommand(['LRANGE', `${DEFAULT_KEY_PREFIX}probe`, '0', '0'])) as string[];

  const results: MemoryScenario[] = [];
  results.push(
    await scenario(admin, 'bare', 'items only (a bare list: before this issue with changeEvents: false)', count, (id) => admin.sendCommand(['RPUSH', DEFAULT_KEY_PREFIX + id, entry!]).then(() => {}), none),
  );
  const previous = await previousRelease();
  if (previous) {
    try {
      results.push(await scenario(admin, 'previous', 'previous release, default config', count, sessionWrite(url, previous.factory, {}, none), none));
    } finally {
      await previous.close();
    }
  }
  results.push(await scenario(admin, 'quiet', 'this build, changeEvents: false, no owner', count, sessionWrite(url, thisBuild, { changeEvents: false }, none), none));
  results.push(await scenario(admin, 'default', 'this build, default config, no owner', count, sessionWrite(url, thisBuild, {}, none), none));
  results.push(await scenario(admin, 'oneOwner', `this build, default config, one owner of ${count.toLocaleString('en-US')}`, count, sessionWrite(url, thisBuild, {}, oneOwner), oneOwner));
  results.push(
    await scenario(
      admin,
      'manyOwners',
      `this build, default config, ${(count / OWNER_GROUP).toLocaleString('en-US')} owners of ${OWNER_GROUP}`,
      count,
      sessionWrite(url, thisBuild, {}, manyOwners),
      manyOwners,
    ),
  );
  await admin.sendCommand(['FLUSHALL', 'SYNC']);
  return results;
}
