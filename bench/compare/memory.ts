/**
 * Redis memory per stored item: each store writes one conversation of 1,000
 * items into an otherwise empty database; every key it created is summed with
 * `MEMORY USAGE key SAMPLES 0` (all elements, not an estimate) and divided by
 * the item count. Compared with the items' own JSON size (the SDK items as
 * JSON.stringify writes them).
 */
import { conversationItems } from '../lib/items.js';
import type { RawCommandClient } from '../../tools/commandStats.js';
import type { Store } from './stores/types.js';

export const MEMORY_ITEMS = 1000;

export interface MemoryResult {
  store: string;
  bytesPerItem: number;
  /** bytesPerItem / the SDK item's JSON size. */
  ratio: number;
  keys: number;
  /** Key types and encodings, for example "list/quicklist ×1, hash/listpack ×1". */
  layout: string;
}

/** Average JSON size in bytes of the items the memory test stores. */
export function itemJsonBytes(): number {
  const items = conversationItems(MEMORY_ITEMS);
  return items.reduce((sum, item) => sum + Buffer.byteLength(JSON.stringify(item)), 0) / items.length;
}

async function allKeys(admin: RawCommandClient): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = (await admin.sendCommand(['SCAN', cursor, 'COUNT', '1000'])) as [string, string[]];
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Measures each store in turn. FLUSHALLs the benchmark's own server before each. */
export async function measureMemory(stores: Store[], admin: RawCommandClient): Promise<MemoryResult[]> {
  const jsonBytes = itemJsonBytes();
  const results: MemoryResult[] = [];
  for (const store of stores.filter((candidate) => candidate.usesRedis)) {
    await admin.sendCommand(['FLUSHALL', 'SYNC']);
    const conversation = store.conversation('memory');
    await conversation.fill(conversationItems(MEMORY_ITEMS));
    const keys = await allKeys(admin);
    let bytes = 0;
    const layout = new Map<string, number>();
    for (const key of keys) {
      bytes += Number(await admin.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
      const shape = `${String(await admin.sendCommand(['TYPE', key]))}/${String(await admin.sendCommand(['OBJECT', 'ENCODING', key]))}`;
      layout.set(shape, (layout.get(shape) ?? 0) + 1);
    }
    await conversation.clear();
    results.push({
      store: store.name,
      bytesPerItem: bytes / MEMORY_ITEMS,
      ratio: bytes / MEMORY_ITEMS / jsonBytes,
      keys: keys.length,
      layout: [...layout].map(([shape, count]) => `${shape} ×${count}`).join(', '),
    });
  }
  await admin.sendCommand(['FLUSHALL', 'SYNC']);
  return results;
}
