import { createHash } from 'node:crypto';
import { protocol, type SessionHistoryTransactionArgs } from '@openai/agents';
import { RedisSessionInputError } from '../errors.js';
import { canonicalJson } from '../serialization/codec.js';
import { MAX_ITEM_DEPTH } from '../serialization/storable.js';
import type { ItemCodec } from '../serialization/itemCodec.js';

/** A history transaction, checked and serialized, ready for the `applyTransaction` script. */
export interface PreparedTransaction {
  /** The metadata field that records the operation id. */
  readonly operationField: string;
  /** SHA-256 of the transaction's canonical JSON: equal transactions have equal fingerprints. */
  readonly fingerprint: string;
  /** The items the history must end with (empty for an append), as the script compares them. */
  readonly expectedSuffix: string[];
  /** The items that replace that suffix (or are appended). */
  readonly replacement: string[];
}

function invalid(message: string): never {
  throw new RedisSessionInputError(`${message} Nothing was written.`);
}

function ownKeysAre(record: object, keys: string[]): boolean {
  const own = Object.keys(record);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}

function checkItems(items: unknown, field: string): unknown[] {
  if (!Array.isArray(items)) invalid(`Session history transaction ${field} must be an array.`);
  items.forEach((item, index) => {
    if (!protocol.ModelItem.safeParse(item).success) {
      invalid(`Session history transaction ${field}[${index}] is not a valid AgentInputItem.`);
    }
  });
  return items;
}

/**
 * Checks the arguments of `applyHistoryTransaction` the way the SDK's
 * `MemorySession` does, and serializes them. Every check runs before anything
 * is sent to Redis, so invalid input never records an operation id.
 * `codec` turns the items into what is stored (and compared).
 *
 * @throws {RedisSessionInputError} when the arguments are malformed or hold unsupported data.
 * @throws {RedisSessionLimitError} when a replacement item is larger than `maxItemBytes`.
 */
export function prepareTransaction(args: SessionHistoryTransactionArgs, codec: ItemCodec): PreparedTransaction {
  if (!args || typeof args !== 'object') invalid('Session history transaction arguments must be an object.');
  const { operationId, transaction } = args as Partial<SessionHistoryTransactionArgs>;
  if (typeof operationId !== 'string' || operationId.trim() === '') {
    invalid('Session history transaction operationId must be a non-empty string.');
  }
  if (!transaction || typeof transaction !== 'object') invalid('Session history transaction must be an object.');

  let expectedSuffix: unknown[];
  let replacement: unknown[];
  if (transaction.type === 'append_items') {
    if (!ownKeysAre(transaction, ['type', 'items'])) {
      invalid('Session history append transaction must have exactly the fields type and items.');
    }
    expectedSuffix = [];
    replacement = checkItems(transaction.items, 'items');
  } else if (transaction.type === 'replace_suffix') {
    if (!ownKeysAre(transaction, ['type', 'expectedSuffix', 'replacement'])) {
      invalid('Session history suffix transaction must have exactly the fields type, expectedSuffix and replacement.');
    }
    expectedSuffix = checkItems(transaction.expectedSuffix, 'expectedSuffix');
    replacement = checkItems(transaction.replacement, 'replacement');
  } else {
    invalid('Unsupported session history transaction type; expected "append_items" or "replace_suffix".');
  }

  // The items first, so that a refusal names the item; the transaction holds them two levels down.
  const expected = codec.expected(expectedSuffix, 'expectedSuffix item');
  const encoded = codec.encode(replacement, 'replacement item');
  const canonical = canonicalJson(transaction, 'Session history transaction', MAX_ITEM_DEPTH + 2);
  return {
    operationField: `op:${operationId}`,
    fingerprint: createHash('sha256').update(canonical).digest('hex'),
    expectedSuffix: expected,
    replacement: encoded,
  };
}
