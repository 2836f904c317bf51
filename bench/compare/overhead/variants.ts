/**
 * The variants of the overhead mode (issue 12 part 1): the session in a configuration against
 * hand-written node-redis commands doing the same writes and expiries, each pair measured in the same
 * interleaved run (../interleaved.ts).
 *
 * - Appends of one ~400 B user message to a history of 100 (trimmed back to 100 before each block,
 *   untimed): `changeEvents: false`, no ttl, against an RPUSH of its JSON; the default configuration
 *   (change events on) with `ttl: 3600` against MULTI { RPUSH, EXPIRE list, EXPIRE meta } EXEC.
 * - Reads of the last 20 of 100 (`getItems(20)`): `changeEvents: false`, no ttl, against LRANGE -20 -1
 *   and JSON.parse of each entry; the default configuration with `touch: 'always'` (the default: every
 *   read slides the expiry) against MULTI { LRANGE, EXPIRE, EXPIRE }; the default configuration with
 *   `touch: { intervalSeconds: 60 }` (a read slides at most once a minute) against the plain LRANGE.
 */
import type { AgentInputItem } from '@openai/agents';
import { createClient } from 'redis';
import { RedisSession, type RedisSessionOptions } from '../../../dist/index.js';
import type { RawCommandClient } from '../../../tools/commandStats.js';
import { conversationItem, conversationItems } from '../../lib/items.js';
import type { TimedVariant } from '../interleaved.js';

export const TTL_SECONDS = 3600;
export const HISTORY = 100;
export const WINDOW = 20;
const TOUCH_INTERVAL_SECONDS = 60;
/** One user message of about 400 B of JSON: the item of every append. */
export const APPEND_ITEM: AgentInputItem = conversationItem(100_000);

/** What the two sides of a pair are, and the target for session / hand-written. */
export interface PairSpec {
  readonly id: 'appendQuiet' | 'appendDefault' | 'readQuiet' | 'readAlways' | 'readInterval';
  readonly operation: 'append' | 'read';
  readonly label: string;
  readonly session: string;
  readonly hand: string;
  readonly target: number;
}

export const PAIRS: readonly PairSpec[] = [
  { id: 'appendQuiet', operation: 'append', label: 'append, events off', session: 'session, changeEvents: false', hand: 'RPUSH', target: 1.1 },
  { id: 'appendDefault', operation: 'append', label: 'append, default config', session: 'session, default (events on, ttl 3600)', hand: 'MULTI {RPUSH, EXPIRE, EXPIRE}', target: 1.2 },
  { id: 'readQuiet', operation: 'read', label: 'read 20, events off', session: 'session, changeEvents: false', hand: 'LRANGE + JSON.parse', target: 1.1 },
  { id: 'readAlways', operation: 'read', label: "read 20, default config (touch: 'always')", session: "session, default (ttl 3600, touch 'always')", hand: 'MULTI {LRANGE, EXPIRE, EXPIRE}', target: 1.2 },
  { id: 'readInterval', operation: 'read', label: 'read 20, default config, touch interval 60 s', session: 'session, default (ttl 3600, touch { intervalSeconds: 60 })', hand: 'LRANGE + JSON.parse', target: 1.1 },
];

/** The session options of a pair's session side. */
export function sessionOptionsOf(id: PairSpec['id']): Partial<RedisSessionOptions> {
  if (id === 'appendQuiet' || id === 'readQuiet') return { changeEvents: false };
  if (id === 'readInterval') return { ttl: TTL_SECONDS, touch: { intervalSeconds: TOUCH_INTERVAL_SECONDS } };
  return { ttl: TTL_SECONDS };
}

const expectLength = (length: number) => (result: unknown): void => {
  if (!Array.isArray(result) || result.length !== length) throw new Error(`expected ${length} items, got ${JSON.stringify(result)?.slice(0, 200)}`);
};

/** The variants of one server, and what closes them. */
export interface VariantSet {
  /** Appends: session quiet, RPUSH, session default, MULTI (in that order). */
  appends: TimedVariant[];
  /** Reads: session quiet, LRANGE, session 'always', MULTI, session interval (in that order). */
  reads: TimedVariant[];
  close(): Promise<void>;
}

/** A session on conversation `id` holding a history of {@link HISTORY} items. */
async function filledSession(url: string, id: string, options: Partial<RedisSessionOptions>): Promise<RedisSession> {
  const session = new RedisSession({ redisUrl: url, keyPrefix: 'ovh:', conversationId: id, ...options });
  await session.clearSession();
  await session.addItems(conversationItems(HISTORY));
  return session;
}

export async function createVariants(url: string, admin: RawCommandClient): Promise<VariantSet> {
  const client = createClient({ url });
  client.on('error', (error) => console.error('hand-written client error:', error));
  await client.connect();
  const sessions: RedisSession[] = [];
  const session = async (id: string, options: Partial<RedisSessionOptions>): Promise<RedisSession> => {
    const created = await filledSession(url, id, options);
    sessions.push(created);
    return created;
  };
  /** A hand-written conversation: its list of HISTORY entries and a metadata hash, as the session keeps. */
  const handKeys = async (id: string): Promise<{ key: string; meta: string }> => {
    const key = `hand-ovh:${id}`;
    const meta = `{${key}}:meta`;
    await client.del([key, meta]);
    await client.rPush(key, conversationItems(HISTORY).map((item) => JSON.stringify(item)));
    await client.hSet(meta, 'c', String(Date.now()));
    return { key, meta };
  };
  const trim = (key: string) => async (): Promise<void> => void (await admin.sendCommand(['LTRIM', key, String(-HISTORY), '-1']));

  const appendQuiet = await session('append-quiet', sessionOptionsOf('appendQuiet'));
  const appendDefault = await session('append-default', sessionOptionsOf('appendDefault'));
  const rpush = await handKeys('append-rpush');
  const multi = await handKeys('append-multi');
  const appends: TimedVariant[] = [
    { name: PAIRS[0]!.session, run: () => appendQuiet.addItems([APPEND_ITEM]), check: () => {}, prepare: trim('ovh:append-quiet') },
    { name: PAIRS[0]!.hand, run: () => client.rPush(rpush.key, JSON.stringify(APPEND_ITEM)), check: () => {}, prepare: trim(rpush.key) },
    { name: PAIRS[1]!.session, run: () => appendDefault.addItems([APPEND_ITEM]), check: () => {}, prepare: trim('ovh:append-default') },
    {
      name: PAIRS[1]!.hand,
      run: () => client.multi().rPush(multi.key, JSON.stringify(APPEND_ITEM)).expire(multi.key, TTL_SECONDS).expire(multi.meta, TTL_SECONDS).exec(),
      check: () => {},
      prepare: trim(multi.key),
    },
  ];

  const readQuiet = await session('read-quiet', sessionOptionsOf('readQuiet'));
  const readAlways = await session('read-always', sessionOptionsOf('readAlways'));
  const readInterval = await session('read-interval', sessionOptionsOf('readInterval'));
  const lrange = await handKeys('read-lrange');
  const multiRead = await handKeys('read-multi');
  const parse = (entries: string[]): unknown[] => entries.map((entry) => JSON.parse(entry) as unknown);
  const reads: TimedVariant[] = [
    { name: PAIRS[2]!.session, run: () => readQuiet.getItems(WINDOW), check: expectLength(WINDOW) },
    { name: PAIRS[2]!.hand, run: async () => parse(await client.lRange(lrange.key, -WINDOW, -1)), check: expectLength(WINDOW) },
    { name: PAIRS[3]!.session, run: () => readAlways.getItems(WINDOW), check: expectLength(WINDOW) },
    {
      name: PAIRS[3]!.hand,
      run: async () => {
        const [entries] = await client.multi().lRange(multiRead.key, -WINDOW, -1).expire(multiRead.key, TTL_SECONDS).expire(multiRead.meta, TTL_SECONDS).exec();
        return parse(entries as unknown as string[]);
      },
      check: expectLength(WINDOW),
    },
    { name: PAIRS[4]!.session, run: () => readInterval.getItems(WINDOW), check: expectLength(WINDOW) },
  ];

  return {
    appends,
    reads,
    async close() {
      for (const each of sessions) await each.clearSession().catch(() => {});
      await Promise.allSettled(sessions.map((each) => each.close()));
      await client.close().catch(() => {});
    },
  };
}
