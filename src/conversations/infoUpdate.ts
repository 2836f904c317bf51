import { serializeMetadata, validateTitle, type ConversationMetadata } from '../config/conversationInfo.js';
import { RedisSessionInputError } from '../errors.js';
import { parseMetadata } from './info.js';

/** What `update()` changes: a title (`null` removes it) and metadata keys (a key set to `null` is removed; `metadata: null` removes all). */
export interface ConversationUpdate {
  title?: string | null;
  metadata?: ConversationMetadata | null;
}

/** Checks the argument of `update()`; the metadata patch is checked once merged. */
export function checkUpdate(changes: unknown): { title: string | null | undefined; metadata: ConversationMetadata | null | undefined } {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
    throw new RedisSessionInputError('update expects an object such as { title: "Trip to Rome" } or { metadata: { pinned: true } }. Nothing was written.');
  }
  const unknown = Object.keys(changes).filter((key) => key !== 'title' && key !== 'metadata');
  if (unknown.length > 0) {
    throw new RedisSessionInputError(`update takes title and metadata; got ${unknown.map((key) => JSON.stringify(key)).join(', ')}. Nothing was written.`);
  }
  const { title, metadata } = changes as ConversationUpdate;
  if (title === undefined && metadata === undefined) {
    throw new RedisSessionInputError('update needs a title or metadata to change. Nothing was written.');
  }
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new RedisSessionInputError('update: metadata must be a plain object of the keys to change (a key set to null is removed), or null to remove all of it. Nothing was written.');
  }
  return { title: title === undefined || title === null ? title : validateTitle(title, 'input'), metadata };
}

/** The stored metadata JSON with `patch` merged in (keys set to null removed), as JSON; `null` when empty or `patch` is null. */
export function mergeMetadata(stored: string | null, patch: ConversationMetadata | null): string | null {
  if (patch === null) return null;
  // No prototype: a key named __proto__ is data, as in the JSON it came from.
  const merged: ConversationMetadata = Object.assign(Object.create(null) as ConversationMetadata, parseMetadata(stored ?? undefined));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return Object.keys(merged).length === 0 ? null : serializeMetadata(merged, 'input');
}
