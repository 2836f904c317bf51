/**
 * `addItems` with an `owner` against the same call without one: one item of about 400 B per call,
 * sequential, in interleaved blocks, for the default session configuration (change events on) and
 * for `changeEvents: false`. With an owner, the write also records the owner (field `o` of the
 * metadata hash, in the same script) and adds the conversation to its owner's index (on this single
 * server a ZADD inside the same script; on a cluster a ZADD pipelined beside it: one round trip either way).
 */
import type { AgentInputItem } from '@openai/agents';
import { RedisSession } from '../../../dist/index.js';
import type { RawCommandClient } from '../../../tools/commandStats.js';
import { conversationItem, conversationItems } from '../../lib/items.js';
import { compareLatency, measureInterleaved, type InterleaveOptions, type LatencyComparison, type MeasuredVariant } from '../interleaved.js';

/** The session configurations compared. */
export const WRITE_CONFIGS = [
  { label: 'default config', changeEvents: true },
  { label: 'changeEvents: false', changeEvents: false },
] as const;

export interface OwnerWriteResult {
  config: string;
  withOwner: MeasuredVariant;
  withoutOwner: MeasuredVariant;
  ratio: LatencyComparison;
}

/** One user message of about 400 B of JSON: the item of every measured call. */
export const WRITE_ITEM: AgentInputItem = conversationItem(100_000);
const HISTORY = 100;

export async function measureOwnerWrites(url: string, admin: RawCommandClient, options: InterleaveOptions): Promise<OwnerWriteResult[]> {
  const sessions: RedisSession[] = [];
  try {
    const variants = [];
    for (const config of WRITE_CONFIGS) {
      for (const owner of [undefined, 'bench-writer']) {
        const tag = `${config.changeEvents ? 'events' : 'quiet'}-${owner ? 'owner' : 'none'}`;
        const session = new RedisSession({ redisUrl: url, keyPrefix: 'bench:', conversationId: `writes-${tag}`, changeEvents: config.changeEvents, ...(owner ? { owner } : {}) });
        sessions.push(session);
        await session.clearSession();
        // A history to append to (the first write creates the conversation: stamps createdAt and the owner).
        for (let i = 0; i < HISTORY; i += 10) await session.addItems(conversationItems(10, i));
        variants.push({
          name: `${config.label}, ${owner ? 'with owner' : 'no owner'}`,
          run: () => session.addItems([WRITE_ITEM]),
          check: () => {},
        });
      }
    }
    const measured = await measureInterleaved(url, admin, variants, options);
    for (const session of sessions) await session.clearSession();
    return WRITE_CONFIGS.map((config, index) => {
      const withoutOwner = measured[index * 2]!;
      const withOwner = measured[index * 2 + 1]!;
      return { config: config.label, withOwner, withoutOwner, ratio: compareLatency(withOwner, withoutOwner, options.block) };
    });
  } finally {
    await Promise.allSettled(sessions.map((session) => session.close()));
  }
}
