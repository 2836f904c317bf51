import { RedisSessionConfigError } from '../errors.js';
import { describe } from './describeValue.js';

/** Default largest item, as serialized JSON: 16 MiB, room for inline images and files. */
export const DEFAULT_MAX_ITEM_BYTES = 16 * 1024 * 1024;
/** Redis refuses a single value over 512 MB (`proto-max-bulk-len`); no item limit may exceed it. */
const REDIS_MAX_BULK_BYTES = 512 * 1024 * 1024;
/** Largest `maxItems` accepted. */
const MAX_MAX_ITEMS = 10_000_000;

/** What a write does when it would make the history longer than `maxItems`. */
export type OverflowPolicy = 'trim' | 'reject';

/** The checked limits of a session. */
export interface HistoryLimits {
  /** Largest serialized item, in bytes of UTF-8 JSON. */
  readonly maxItemBytes: number;
  /** Longest history, in items; 0 for no limit. */
  readonly maxItems: number;
  readonly overflow: OverflowPolicy;
}

/**
 * Checks the `maxItemBytes`, `maxItems` and `overflow` options.
 *
 * @throws {RedisSessionConfigError} when one is out of range.
 */
export function validateLimits(options: { maxItemBytes?: unknown; maxItems?: unknown; overflow?: unknown }): HistoryLimits {
  const { maxItemBytes = DEFAULT_MAX_ITEM_BYTES, maxItems, overflow = 'trim' } = options;
  if (typeof maxItemBytes !== 'number' || !Number.isInteger(maxItemBytes) || maxItemBytes < 1 || maxItemBytes > REDIS_MAX_BULK_BYTES) {
    throw new RedisSessionConfigError(
      `maxItemBytes must be a whole number of bytes from 1 to ${REDIS_MAX_BULK_BYTES} (Redis's largest value); got ${describe(maxItemBytes)}.`,
    );
  }
  if (maxItems !== undefined && maxItems !== null && (typeof maxItems !== 'number' || !Number.isInteger(maxItems) || maxItems < 1 || maxItems > MAX_MAX_ITEMS)) {
    throw new RedisSessionConfigError(
      `maxItems must be a whole number of items from 1 to ${MAX_MAX_ITEMS}, or undefined for no limit; got ${describe(maxItems)}.`,
    );
  }
  if (overflow !== 'trim' && overflow !== 'reject') {
    throw new RedisSessionConfigError(`overflow must be "trim" (drop the oldest items) or "reject" (refuse the write); got ${describe(overflow)}.`);
  }
  return { maxItemBytes, maxItems: typeof maxItems === 'number' ? maxItems : 0, overflow };
}
