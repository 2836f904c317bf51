import { validateConversationId } from '../config/keys.js';
import { MAX_TTL_SECONDS, validateTtl } from '../config/options.js';
import { CliError, EXIT } from './cliError.js';

/** When an imported conversation expires. */
export type ImportExpiry =
  | { kind: 'none' }
  /** Absolute, ms since the epoch on the server's clock (`expiresAt`, written by export since format 1.1). */
  | { kind: 'at'; at: number }
  /** Seconds left at export time (`ttl` of older files, which have no `expiresAt`); 0 means it had expired. */
  | { kind: 'ttl'; seconds: number };

/** One checked line of an export file. */
export interface ImportLine {
  id: string;
  key: string;
  expiry: ImportExpiry;
  /** The raw stored entries, oldest first. */
  items: string[];
  /** The metadata hash. */
  meta: Record<string, string>;
}

/** Most line errors listed before giving up. */
const MAX_REPORTED_ERRORS = 10;

/** The largest version `v` accepted: the session's scripts add 1 to it with HINCRBY, which must not overflow 2^63-1. */
const MAX_VERSION = 2n ** 63n - 2n;

/** Latest date a JavaScript Date can hold, in ms: the bound for `expiresAt`. */
const MAX_EXPIRES_AT = 8.64e15;

/** Parses and checks every line before anything is written; throws with the line numbers of the bad ones. */
export function parseJsonl(text: string, source: string): ImportLine[] {
  const conversations: ImportLine[] = [];
  const errors: string[] = [];
  const seen = new Map<string, number>();
  // A byte order mark (written by some Windows editors) is not part of the first line's JSON.
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '' || errors.length >= MAX_REPORTED_ERRORS) return;
    const number = index + 1;
    try {
      const conversation = checkLine(line);
      const earlier = seen.get(conversation.id);
      if (earlier !== undefined) throw new Error(`conversation "${conversation.id}" appears again (first on line ${earlier})`);
      seen.set(conversation.id, number);
      conversations.push(conversation);
    } catch (error) {
      errors.push(`line ${number}: ${(error as Error).message}`);
    }
  });
  if (errors.length > 0) {
    throw new CliError(`${source} is not valid export JSONL; nothing was written:\n  ${errors.join('\n  ')}`, EXIT.usage);
  }
  return conversations;
}

const SHAPE = 'expected {id, key, ttl, expiresAt, items, meta}';

function checkLine(line: string): ImportLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`expected a JSON object (${SHAPE})`);
  const record = value as Record<string, unknown>;
  for (const field of ['id', 'items', 'meta']) {
    if (!(field in record)) throw new Error(`missing field "${field}" (${SHAPE})`);
  }
  if (!('ttl' in record) && !('expiresAt' in record)) throw new Error(`missing field "ttl" or "expiresAt" (${SHAPE})`);
  const id = validateConversationId(record.id);
  if (record.key !== undefined && typeof record.key !== 'string') throw new Error('"key" must be a string');
  if (!Array.isArray(record.items) || !record.items.every((item) => typeof item === 'string')) {
    throw new Error('"items" must be an array of strings (the raw stored entries)');
  }
  const meta = record.meta;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta) || !Object.values(meta).every((v) => typeof v === 'string')) {
    throw new Error('"meta" must be an object of string values (the metadata hash)');
  }
  checkVersion(meta as Record<string, string>);
  return {
    id,
    key: typeof record.key === 'string' ? record.key : id,
    expiry: checkExpiry(record),
    items: record.items as string[],
    meta: meta as Record<string, string>,
  };
}

/** `expiresAt` (absolute ms, null for never) when present, else the older `ttl` (seconds, 0 meaning already expired). */
function checkExpiry(record: Record<string, unknown>): ImportExpiry {
  if ('expiresAt' in record) {
    const at = record.expiresAt;
    if (at === null) return { kind: 'none' };
    if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0 || at > MAX_EXPIRES_AT) {
      throw new Error(`"expiresAt" must be null or a whole number of milliseconds since the epoch; got ${JSON.stringify(at)}`);
    }
    return { kind: 'at', at };
  }
  const ttl = record.ttl;
  if (ttl === null) return { kind: 'none' };
  if (ttl === 0) return { kind: 'ttl', seconds: 0 };
  try {
    return { kind: 'ttl', seconds: validateTtl(ttl) };
  } catch {
    throw new Error(`ttl must be null or a whole number of seconds from 0 to ${MAX_TTL_SECONDS}; got ${JSON.stringify(ttl)}`);
  }
}

/** The metadata's version `v` is incremented by the session's scripts (HINCRBY): it must be a canonical integer that can grow. */
function checkVersion(meta: Record<string, string>): void {
  if (!('v' in meta)) return;
  const v = meta.v!;
  if (!/^(0|[1-9]\d{0,18})$/.test(v) || BigInt(v) > MAX_VERSION) {
    throw new Error(`"meta.v" is the conversation's version and must be a whole number from 0 to ${MAX_VERSION}; got ${JSON.stringify(v)}`);
  }
}
