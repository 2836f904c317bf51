/**
 * Redis memory per conversation: the same conversations written by sessions of each variant (plain, compressed,
 * encrypted, encrypted and compressed) to a flushed server, `used_memory` before and after, and the `MEMORY USAGE`
 * of the items lists.
 */
import { randomBytes } from 'node:crypto';
import type { AgentInputItem } from '@openai/agents';
import type { RedisClientType } from 'redis';
import { RedisSession, type RedisSessionOptions } from '../../dist/index.js';

/** One variant's memory, per conversation. */
export interface MemoryResult {
  variant: string;
  usedMemoryPerConversation: number;
  itemsKeyPerConversation: number;
}

/** The commands the measurement sends: INFO, FLUSHALL and MEMORY USAGE. */
type Admin = Pick<RedisClientType, 'info' | 'sendCommand' | 'memoryUsage'>;

const VARIANTS: Array<[string, Partial<RedisSessionOptions>]> = [
  ['plain JSON', {}],
  ['compressed', { compression: true }],
  ['encrypted', { encryption: { keys: { k1: randomBytes(32) }, currentKeyId: 'k1' } }],
  ['encrypted + compressed', { encryption: { keys: { k1: randomBytes(32) }, currentKeyId: 'k1' }, compression: true }],
];

async function usedMemory(admin: Admin): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? Number.NaN);
}

/** Writes `conversations` (one array of turns each) with every variant, one turn per addItems call, and measures. */
export async function measureMemory(url: string, admin: Admin, conversations: readonly AgentInputItem[][][]): Promise<MemoryResult[]> {
  const results: MemoryResult[] = [];
  for (const [variant, options] of VARIANTS) {
    await admin.sendCommand(['FLUSHALL', 'SYNC']);
    const before = await usedMemory(admin);
    const keys: string[] = [];
    for (const [index, turns] of conversations.entries()) {
      const session = new RedisSession({ redisUrl: url, conversationId: `bench-${index}`, keyPrefix: 'zbench:', changeEvents: false, ...options });
      for (const turn of turns) await session.addItems(turn);
      keys.push(session.keys.items);
      await session.close();
    }
    const after = await usedMemory(admin);
    let itemsKeys = 0;
    for (const key of keys) itemsKeys += Number(await admin.memoryUsage(key, { SAMPLES: 0 }));
    results.push({ variant, usedMemoryPerConversation: (after - before) / conversations.length, itemsKeyPerConversation: itemsKeys / conversations.length });
  }
  await admin.sendCommand(['FLUSHALL', 'SYNC']);
  return results;
}
