import type { AgentInputItem } from '@openai/agents';
import { createClient } from 'redis';
import {
  RedisConversations,
  RedisSession,
  RedisSessionCommandError,
  RedisSessionConfigError,
  RedisSessionConflictError,
  RedisSessionConnectionError,
  RedisSessionCursorError,
  RedisSessionInputError,
  RedisSessionIntegrityError,
  RedisSessionLimitError,
  type RedisSessionOptions,
} from 'agents-redis-session';
import { userMessage } from './items.js';

/** What a bad-input case needs from the test: servers, and a way to open sessions that the test closes. */
export interface BadInputContext {
  /** `redis://127.0.0.1:<port>` of a server without a password. */
  readonly url: string;
  /** Port of a server that requires {@link SECRET_PASSWORD}. */
  readonly securedPort: number;
  /** Port of a TLS server whose certificate no trusted CA signed. */
  readonly untrustedTlsPort: number;
  /** PEM of a CA that did not sign that certificate. */
  readonly otherCa: string;
  /** A port where nothing listens. */
  readonly closedPort: number;
  /** A session for the case's conversation (`conv:bad-input`) on `url` unless the options say otherwise. */
  session(options?: RedisSessionOptions): RedisSession;
  /** Stores raw values before the case runs: a list entry, or a key of another type. */
  raw(command: string[]): Promise<unknown>;
}

/** The password of the secured server; no error may contain it. */
export const SECRET_PASSWORD = 'S3cret-Never-Printed';
/** The conversation every case works on; its keys must be unchanged by a failed case. */
export const CASE_CONVERSATION = 'bad-input';

type ErrorClass = abstract new (...args: never[]) => Error;

/** One bad input tried, and what must happen. */
export interface BadInputCase {
  readonly area: 'URL' | 'Password / TLS' | 'Conversation id / prefix' | 'TTL' | 'Limits' | 'Items' | 'Transactions' | 'Stored data' | 'Key types' | 'Encryption' | 'Options' | 'Owner, title, metadata' | 'Listing, pages, forks';
  /** The input, as shown in the docs table. */
  readonly input: string;
  /**
   * The error the case must throw; `'skip'` for a documented skip that returns what it can; `'result'` for an input that
   * is not an error (it returns what the note says, and writes nothing).
   */
  readonly outcome: ErrorClass | 'skip' | 'result';
  /** How the outcome shows, when it is a skip or a result, or needs explaining. */
  readonly note?: string;
  /** Runs the case; with an error outcome it must throw. */
  run(context: BadInputContext): unknown;
}

const FAST = { connectTimeoutMs: 400, commandTimeoutMs: 400 } as const;
const cycle = (): AgentInputItem => {
  const item = userMessage('loop') as AgentInputItem & { self?: unknown };
  item.self = item;
  return item;
};
const construct = (options: RedisSessionOptions) => () => new RedisSession(options);
/** Tries every value but the last (each must throw), then returns the last one's outcome: several inputs, one row. */
const each = <T>(values: readonly T[], attempt: (value: T) => unknown) => () => {
  for (const value of values.slice(0, -1)) {
    try {
      attempt(value);
    } catch {
      continue;
    }
    throw new Error(`${String(value)} was accepted`);
  }
  return attempt(values.at(-1)!);
};
/** An object that holds itself. */
const cycleObject = (): Record<string, unknown> => {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
};
/** Stores a conversation of owner `ada` with one item, as a session with that owner would. */
const adasConversation = async (c: BadInputContext) => {
  await c.raw(['RPUSH', `conv:${CASE_CONVERSATION}`, JSON.stringify(userMessage('kept'))]);
  await c.raw(['HSET', `{conv:${CASE_CONVERSATION}}:meta`, 'o', 'ada', 'c', '1700000000000', 'u', '1700000000000']);
};
const add = (items: unknown, options?: RedisSessionOptions) => (context: BadInputContext) =>
  context.session(options).addItems(items as AgentInputItem[]);

/** Every bad input the package is tested with. docs/bad-inputs.md is generated from this list. */
export const BAD_INPUT_CASES: readonly BadInputCase[] = [
  { area: 'URL', input: '`http://localhost:6379` (wrong scheme)', outcome: RedisSessionConfigError, run: construct({ redisUrl: 'http://localhost:6379' }) },
  { area: 'URL', input: '`redis://:S3cret@localhost:99999` (port out of range)', outcome: RedisSessionConfigError, run: construct({ redisUrl: `redis://:${SECRET_PASSWORD}@localhost:99999` }) },
  { area: 'URL', input: 'not a URL, containing the password', outcome: RedisSessionConfigError, note: 'the value is not echoed', run: construct({ redisUrl: `::${SECRET_PASSWORD}::` }) },
  { area: 'URL', input: '`redis://localhost/abc` (database not a number)', outcome: RedisSessionConfigError, run: construct({ redisUrl: 'redis://localhost/abc' }) },
  { area: 'URL', input: '`?max_connections=0`, `?pool=5` (bad or unknown query option)', outcome: RedisSessionConfigError, run: () => { construct({ redisUrl: 'redis://localhost?pool=5' })(); return construct({ redisUrl: 'redis://localhost?max_connections=0' })(); } },
  { area: 'URL', input: '`redis+cluster://10.0.0.1` (host without port)', outcome: RedisSessionConfigError, run: construct({ redisUrl: 'redis+cluster://10.0.0.1' }) },
  { area: 'URL', input: '`""` (empty)', outcome: RedisSessionConfigError, run: construct({ redisUrl: '' }) },
  { area: 'URL', input: 'nothing listening at the address', outcome: RedisSessionConnectionError, note: 'after `connectTimeoutMs`', run: (c) => c.session({ redisUrl: `redis://127.0.0.1:${c.closedPort}`, ...FAST }).addItems([userMessage('x')]) },
  { area: 'URL', input: '`tls` option with a `redis://` URL', outcome: RedisSessionConfigError, run: (c) => new RedisSession({ redisUrl: c.url, tls: { ca: c.otherCa } }) },
  { area: 'URL', input: 'password with an unencoded `/` (`redis://:S3cret/x@host:6379`)', outcome: RedisSessionConfigError, note: 'no part of the password is echoed; says to percent-encode it', run: (c) => new RedisSession({ redisUrl: `redis://:${SECRET_PASSWORD.slice(0, 6)}/${SECRET_PASSWORD.slice(6)}@127.0.0.1:${c.securedPort}` }) },
  { area: 'URL', input: 'password with an unencoded `?` or `#`, or `user:6379/0@host`', outcome: RedisSessionConfigError, note: 'no part of the password is echoed', run: (c) => { for (const url of [`redis://:${SECRET_PASSWORD}?x@127.0.0.1:${c.securedPort}`, `redis://:${SECRET_PASSWORD}#x@127.0.0.1:${c.securedPort}`]) { try { new RedisSession({ redisUrl: url }); } catch { continue; } } return new RedisSession({ redisUrl: `redis://app:6379/${SECRET_PASSWORD}@127.0.0.1:${c.securedPort}` }); } },
  { area: 'URL', input: '`redis+cluster://:pa/ss@h:1,h:2` (unencoded `/` in a cluster URL password)', outcome: RedisSessionConfigError, note: 'no part of the password is echoed', run: construct({ redisUrl: `redis+cluster://:${SECRET_PASSWORD.slice(0, 6)}/${SECRET_PASSWORD.slice(6)}@127.0.0.1:7000,127.0.0.1:7001` }) },
  { area: 'Password / TLS', input: 'wrong password', outcome: RedisSessionConnectionError, run: (c) => c.session({ redisUrl: `redis://:wrong-${SECRET_PASSWORD}@127.0.0.1:${c.securedPort}`, ...FAST }).addItems([userMessage('x')]) },
  { area: 'Password / TLS', input: 'no password for a server that requires one', outcome: RedisSessionConnectionError, run: (c) => c.session({ redisUrl: `redis://127.0.0.1:${c.securedPort}`, ...FAST }).addItems([userMessage('x')]) },
  { area: 'Password / TLS', input: 'wrong user name with the right password', outcome: RedisSessionConnectionError, run: (c) => c.session({ redisUrl: `redis://mallory:${SECRET_PASSWORD}@127.0.0.1:${c.securedPort}`, ...FAST }).addItems([userMessage('x')]) },
  { area: 'Password / TLS', input: 'server certificate not signed by the configured CA', outcome: RedisSessionConnectionError, run: (c) => c.session({ redisUrl: `rediss://:${SECRET_PASSWORD}@127.0.0.1:${c.untrustedTlsPort}`, tls: { ca: c.otherCa }, ...FAST }).addItems([userMessage('x')]) },
  { area: 'Password / TLS', input: 'server certificate with no CA configured (self-signed)', outcome: RedisSessionConnectionError, run: (c) => c.session({ redisUrl: `rediss://127.0.0.1:${c.untrustedTlsPort}`, ...FAST }).addItems([userMessage('x')]) },
  { area: 'Password / TLS', input: '`tls: { ca: 42 }`, `tls: { cert }` without `key`', outcome: RedisSessionConfigError, run: (c) => { try { new RedisSession({ redisUrl: 'rediss://localhost', tls: { cert: c.otherCa } }); } catch { /* the next one must throw too */ } return new RedisSession({ redisUrl: 'rediss://localhost', tls: { ca: 42 as never } }); } },
  { area: 'Password / TLS', input: 'Redis user lacking one command a write runs (`-expire`, with a ttl)', outcome: RedisSessionCommandError, note: 'NOPERM naming EXPIRE and the key, checked before the first write', run: async (c) => { await c.raw(['ACL', 'SETUSER', 'bad-input-noexpire', 'on', '>pw', '~*', '&*', '+@all', '-expire']); return c.session({ redisUrl: c.url.replace('redis://', 'redis://bad-input-noexpire:pw@'), ttl: 60 }).addItems([userMessage('x')]); } },
  { area: 'Conversation id / prefix', input: '`""`, `null`, `42` as id', outcome: RedisSessionConfigError, run: () => { for (const id of ['', null]) { try { new RedisSession({ conversationId: id as string }); } catch { continue; } } return new RedisSession({ conversationId: 42 as never }); } },
  { area: 'Conversation id / prefix', input: 'id with `{` `}` (would split cluster slots)', outcome: RedisSessionConfigError, run: construct({ conversationId: 'user-{1}' }) },
  { area: 'Conversation id / prefix', input: 'id with a control character (`\\n`, `\\t`, `\\0`)', outcome: RedisSessionConfigError, run: construct({ conversationId: 'line\nbreak' }) },
  { area: 'Conversation id / prefix', input: 'id of 1,025 characters', outcome: RedisSessionConfigError, run: construct({ conversationId: 'x'.repeat(1025) }) },
  { area: 'Conversation id / prefix', input: 'key prefix `tenant{a}:` or `null`', outcome: RedisSessionConfigError, run: construct({ keyPrefix: 'tenant{a}:' }) },
  { area: 'Conversation id / prefix', input: 'id or prefix with a lone surrogate (`\'user-\\ud800\'`)', outcome: RedisSessionConfigError, note: '`user-\\ud800` and `user-\\udfff` would be one key in UTF-8', run: () => { try { new RedisSession({ keyPrefix: 'conv-\udfff:' }); } catch { /* the next one must throw too */ } return new RedisSession({ conversationId: 'user-\ud800' }); } },
  { area: 'TTL', input: '`0`, `-1`, `1.5`, `"60"`, `NaN`, `Infinity`', outcome: RedisSessionConfigError, run: () => { for (const ttl of [0, -1, 1.5, '60', Number.NaN]) { try { new RedisSession({ ttl: ttl as number }); } catch { continue; } } return new RedisSession({ ttl: Number.POSITIVE_INFINITY }); } },
  { area: 'TTL', input: '11 years (milliseconds passed as seconds)', outcome: RedisSessionConfigError, run: construct({ ttl: 11 * 365 * 24 * 3600 }) },
  { area: 'TTL', input: '`touch: true`, `300`, `null`, `"never"`', outcome: RedisSessionConfigError, note: 'touch is "always", "write" or { intervalSeconds }', run: each([true, 300, null, 'never'], (touch) => new RedisSession({ ttl: 60, touch: touch as never })) },
  { area: 'TTL', input: '`touch: { intervalSeconds: 0 }`, `1.5`, or `60` with `ttl: 60` (not below the ttl)', outcome: RedisSessionConfigError, note: 'a read could come too late to keep the conversation', run: each([0, 1.5, 60], (intervalSeconds) => new RedisSession({ ttl: 60, touch: { intervalSeconds } })) },
  { area: 'TTL', input: '`touch: { intervalSeconds: 30 }` without a ttl', outcome: RedisSessionConfigError, note: 'nothing expires; "always" and "write" are accepted', run: construct({ touch: { intervalSeconds: 30 } }) },
  { area: 'TTL', input: '`touch: { interval: 30 }`', outcome: RedisSessionConfigError, note: 'did you mean "intervalSeconds"', run: construct({ ttl: 60, touch: { interval: 30 } as never }) },
  { area: 'Limits', input: '`limit: "ten"`, `getItems(1.5)`', outcome: RedisSessionConfigError, run: (c) => c.session().getItems(1.5) },
  { area: 'Limits', input: '`maxItems: 0`, `overflow: "drop"`, `maxItemBytes: 0`', outcome: RedisSessionConfigError, run: construct({ overflow: 'drop' as never }) },
  { area: 'Limits', input: 'item larger than `maxItemBytes` (counted in UTF-8 bytes)', outcome: RedisSessionLimitError, run: add([userMessage('é'.repeat(600))], { maxItemBytes: 1000 }) },
  { area: 'Limits', input: 'append past `maxItems` with `overflow: "reject"`', outcome: RedisSessionLimitError, run: add([userMessage('a'), userMessage('b'), userMessage('c')], { maxItems: 2, overflow: 'reject' }) },
  { area: 'Items', input: '`addItems("hello")` (not an array)', outcome: RedisSessionInputError, run: add('hello') },
  { area: 'Items', input: '`[null]`, `[[1]]`, `["text"]`', outcome: RedisSessionInputError, run: add([userMessage('ok'), null]) },
  { area: 'Items', input: 'item holding a function, a symbol, a `BigInt`', outcome: RedisSessionInputError, run: add([{ ...userMessage('x'), n: 10n }]) },
  { area: 'Items', input: 'item holding `NaN` or `Infinity`', outcome: RedisSessionInputError, run: add([{ ...userMessage('x'), score: Number.NaN }]) },
  { area: 'Items', input: 'item holding a `Map` or `Set`', outcome: RedisSessionInputError, run: add([{ ...userMessage('x'), tags: new Set(['a']) }]) },
  { area: 'Items', input: 'item with a reference cycle', outcome: RedisSessionInputError, run: add([cycle()]) },
  { area: 'Items', input: 'item holding a `Date` (JSON would turn it into a string)', outcome: RedisSessionInputError, note: 'store `date.toISOString()`', run: add([{ ...userMessage('x'), providerData: { at: new Date(0) } }]) },
  { area: 'Items', input: 'item holding a `Float32Array`, other typed array, `ArrayBuffer` or `DataView`', outcome: RedisSessionInputError, note: 'only `Uint8Array`/`Buffer` are stored as bytes', run: add([{ ...userMessage('x'), providerData: { v: new Float32Array([1.5]) } }]) },
  { area: 'Items', input: 'item holding a `RegExp`, a boxed primitive (`new String("x")`) or a class instance', outcome: RedisSessionInputError, run: add([{ ...userMessage('x'), providerData: { s: Object('x') } }]) },
  { area: 'Items', input: 'item holding `-0` (JSON writes 0)', outcome: RedisSessionInputError, run: add([{ ...userMessage('x'), providerData: { n: -0 } }]) },
  { area: 'Items', input: 'item holding `undefined` or a hole in an array (JSON writes null)', outcome: RedisSessionInputError, note: '`undefined` object properties are dropped, as documented', run: add([{ ...userMessage('x'), providerData: { list: [1, undefined] } }]) },
  { area: 'Items', input: 'plain object `{"__bytes_b64__": "..."}` (how bytes are stored)', outcome: RedisSessionInputError, note: 'it would come back as a `Uint8Array`', run: add([{ ...userMessage('x'), providerData: { __bytes_b64__: 'AAAA' } }]) },
  { area: 'Items', input: 'item whose first key is `"$z"` with a string value (how compressed entries start)', outcome: RedisSessionInputError, note: 'it would be read back as a compressed entry', run: add([{ $z: 'br', ...userMessage('x') } as never]) },
  { area: 'Items', input: 'item nested 1,001 levels deep', outcome: RedisSessionInputError, note: "cjson in Redis's Lua decodes at most 1,000 levels", run: add([{ ...userMessage('x'), providerData: { deep: JSON.parse(`${'['.repeat(999)}${']'.repeat(999)}`) } }]) },
  { area: 'Transactions', input: 'empty `operationId`', outcome: RedisSessionInputError, run: (c) => c.session().applyHistoryTransaction({ operationId: '', transaction: { type: 'append_items', items: [userMessage('x')] } }) },
  { area: 'Transactions', input: 'unknown transaction type, or an extra field', outcome: RedisSessionInputError, run: (c) => c.session().applyHistoryTransaction({ operationId: 'op', transaction: { type: 'truncate' } as never }) },
  { area: 'Transactions', input: 'item that is not an `AgentInputItem`', outcome: RedisSessionInputError, run: (c) => c.session().applyHistoryTransaction({ operationId: 'op', transaction: { type: 'append_items', items: [{ hello: 1 } as never] } }) },
  { area: 'Transactions', input: 'unknown mutation type', outcome: RedisSessionInputError, run: (c) => c.session().applyHistoryMutations({ mutations: [{ type: 'delete_everything' } as never] }) },
  { area: 'Transactions', input: '`expectedSuffix` item nested 1,001 levels deep', outcome: RedisSessionInputError, run: (c) => c.session().applyHistoryTransaction({ operationId: 'op', transaction: { type: 'replace_suffix', expectedSuffix: [{ ...userMessage('x'), providerData: { deep: JSON.parse(`${'['.repeat(999)}${']'.repeat(999)}`) } }], replacement: [userMessage('y')] } }) },
  { area: 'Stored data', input: 'entries that are not JSON objects (`not json`, `42`, `[1]`, `""`)', outcome: 'skip', note: 'skipped with a warning; the valid items are returned; `popItem` drops them', run: async (c) => { await c.raw(['RPUSH', `conv:${CASE_CONVERSATION}`, 'not json', '42', '[1]', '', JSON.stringify(userMessage('valid'))]); const items = await c.session().getItems(); if (items.length !== 1) throw new Error(`expected 1 valid item, got ${items.length}`); } },
  { area: 'Stored data', input: 'compressed entry that is corrupt (not brotli, unknown codec, clear fields not its own) or expands past the reader\'s `maxItemBytes` (at least 16 MiB)', outcome: 'skip', note: 'skipped with a warning like any corrupt entry; the valid items are returned', run: async (c) => { await c.raw(['RPUSH', `conv:${CASE_CONVERSATION}`, '{"$z":"br","fp":"AAAA","z":"bm90IGJyb3RsaQ=="}', '{"$z":"xz","fp":"AAAA","z":""}', JSON.stringify(userMessage('valid'))]); const items = await c.session({ compression: true }).getItems(); if (items.length !== 1) throw new Error(`expected 1 valid item, got ${items.length}`); } },
  { area: 'Stored data', input: 'encrypted entry modified, copied from another conversation, or not encrypted', outcome: RedisSessionIntegrityError, run: async (c) => { await c.raw(['RPUSH', `conv:${CASE_CONVERSATION}`, JSON.stringify(userMessage('slipped in'))]); return c.session({ encryption: { keys: { k: Buffer.alloc(32, 7) }, currentKeyId: 'k' } }).getItems(); } },
  { area: 'Stored data', input: 'metadata field `v` that HINCRBY cannot increment (`abc`, `1.5`, `007`, 2^63−1)', outcome: RedisSessionCommandError, note: 'refused before writing (pop, append, transaction, mutation); the message names the key and the repair `HDEL <key> v`', run: async (c) => { await c.raw(['RPUSH', `conv:${CASE_CONVERSATION}`, JSON.stringify(userMessage('kept'))]); await c.raw(['HSET', `{conv:${CASE_CONVERSATION}}:meta`, 'v', '9223372036854775807']); const session = c.session(); await session.popItem().then(() => { throw new Error('the pop was not refused'); }, () => undefined); return session.addItems([userMessage('x')]); } },
  { area: 'Key types', input: 'items key holds a string (written by another program)', outcome: RedisSessionCommandError, note: 'WRONGTYPE; the string is not touched', run: async (c) => { await c.raw(['SET', `conv:${CASE_CONVERSATION}`, 'someone else']); return c.session({ ttl: 60 }).addItems([userMessage('x')]); } },
  { area: 'Key types', input: 'metadata key holds a string (append)', outcome: RedisSessionCommandError, note: 'WRONGTYPE, refused before the items are written', run: async (c) => { await c.raw(['SET', `{conv:${CASE_CONVERSATION}}:meta`, 'someone else']); return c.session().addItems([userMessage('x')]); } },
  { area: 'Key types', input: 'metadata key holds a string (pop, mutation)', outcome: RedisSessionCommandError, note: 'WRONGTYPE, refused before the item is removed', run: async (c) => { await c.raw(['RPUSH', `conv:${CASE_CONVERSATION}`, JSON.stringify(userMessage('kept'))]); await c.raw(['SET', `{conv:${CASE_CONVERSATION}}:meta`, 'someone else']); const session = c.session(); await session.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'c', replacement: { type: 'function_call', callId: 'c', name: 'f', arguments: '{}' } }] }).then(() => { throw new Error('the mutation was not refused'); }, () => undefined); return session.popItem(); } },
  { area: 'Key types', input: 'metadata key holds a string (clearSession, change events off)', outcome: RedisSessionCommandError, note: 'WRONGTYPE naming `{conv:bad-input}:meta`; neither key is deleted', run: async (c) => { await c.raw(['RPUSH', `conv:${CASE_CONVERSATION}`, JSON.stringify(userMessage('kept'))]); await c.raw(['SET', `{conv:${CASE_CONVERSATION}}:meta`, 'someone else']); return c.session({ changeEvents: false }).clearSession(); } },
  { area: 'Key types', input: 'metadata key holds a string (getItems with a ttl)', outcome: RedisSessionCommandError, note: 'WRONGTYPE naming the key; no expiry is set on either key', run: async (c) => { await c.raw(['RPUSH', `conv:${CASE_CONVERSATION}`, JSON.stringify(userMessage('kept'))]); await c.raw(['SET', `{conv:${CASE_CONVERSATION}}:meta`, 'someone else']); return c.session({ ttl: 60 }).getItems(); } },
  { area: 'Key types', input: 'metadata key holds a string (getItems with a ttl and `touch: "write"`)', outcome: 'result', note: 'the items, and the string is not touched: a read that slides nothing is one LRANGE, which checks the list only', run: async (c) => { await c.raw(['RPUSH', `conv:${CASE_CONVERSATION}`, JSON.stringify(userMessage('kept'))]); await c.raw(['SET', `{conv:${CASE_CONVERSATION}}:meta`, 'someone else']); const items = await c.session({ ttl: 60, touch: 'write' }).getItems(); if (items.length !== 1) throw new Error(`expected the one item, got ${items.length}`); } },
  { area: 'Owner, title, metadata', input: 'owner with `{` `}`, a control character, `""` or 257 characters', outcome: RedisSessionConfigError, note: 'the owner is the hash tag of its index key', run: each(['ada{1}', 'line\nbreak', '', 'x'.repeat(257)], (owner) => new RedisSession({ owner })) },
  { area: 'Owner, title, metadata', input: '`title` option of 1,001 characters, with a newline, or `""`', outcome: RedisSessionConfigError, run: each(['x'.repeat(1001), 'two\nlines', ''], (title) => new RedisSession({ title })) },
  { area: 'Owner, title, metadata', input: '`metadata` option that is not a plain object (`\'{"a":1}\'`, `[1]`, `null`)', outcome: RedisSessionConfigError, run: each<unknown>(['{"a":1}', [1], null], (metadata) => new RedisSession({ metadata: metadata as never })) },
  { area: 'Owner, title, metadata', input: '`metadata` of more than 8 KiB of JSON', outcome: RedisSessionConfigError, run: construct({ metadata: { notes: 'x'.repeat(8200) } }) },
  { area: 'Owner, title, metadata', input: '`metadata` that JSON cannot carry (`BigInt`, `Date`, `NaN`, a cycle)', outcome: RedisSessionConfigError, run: each<unknown>([10n, new Date(0), cycleObject(), Number.NaN], (value) => new RedisSession({ metadata: { value } })) },
  { area: 'Owner, title, metadata', input: '`update({ title: "two\\nlines" })`, `update({ title: "" })`, `update({})`, `update({ colour: "red" })`', outcome: RedisSessionInputError, run: async (c) => { await adasConversation(c); const session = c.session({ owner: 'ada' }); for (const changes of [{ title: '' }, {}, { colour: 'red' }]) await session.update(changes as never).then(() => { throw new Error(`${JSON.stringify(changes)} was accepted`); }, () => undefined); return session.update({ title: 'two\nlines' }); } },
  { area: 'Owner, title, metadata', input: '`update({ metadata })` whose merge exceeds 8 KiB, or holding a `BigInt`', outcome: RedisSessionInputError, note: 'checked once merged with the stored metadata', run: async (c) => { await adasConversation(c); const session = c.session({ owner: 'ada' }); await session.update({ metadata: { n: 10n } }).then(() => { throw new Error('a BigInt was accepted'); }, () => undefined); return session.update({ metadata: { notes: 'x'.repeat(8200) } }); } },
  { area: 'Owner, title, metadata', input: "write to another owner's conversation, or with no owner to an owned one", outcome: RedisSessionConflictError, note: 'refused by the script before its first write; the message does not name the owner', run: async (c) => { await adasConversation(c); await c.session().addItems([userMessage('x')]).then(() => { throw new Error('a session without an owner wrote it'); }, () => undefined); return c.session({ owner: 'bob' }).addItems([userMessage('x')]); } },
  { area: 'Listing, pages, forks', input: 'an owner with no conversations', outcome: 'result', note: 'an empty page `{ conversations: [], cursor: null }` and a count of 0, not an error', run: async (c) => { const list = new RedisConversations({ redisUrl: c.url }); try { const page = await list.list({ owner: 'nobody' }); const count = await list.count({ owner: 'nobody' }); if (page.conversations.length !== 0 || page.cursor !== null || count !== 0) throw new Error(`expected an empty page, got ${JSON.stringify(page)}, ${count}`); } finally { await list.close(); } } },
  { area: 'Listing, pages, forks', input: 'list with an owner with `{` `}` or a control character', outcome: RedisSessionConfigError, run: async (c) => { const list = new RedisConversations({ redisUrl: c.url }); try { await list.list({ owner: 'ada\n' }).then(() => { throw new Error('a control character was accepted'); }, () => undefined); return await list.list({ owner: 'a{b}' }); } finally { await list.close(); } } },
  { area: 'Listing, pages, forks', input: 'list with `limit` 0, 1.5 or 1,001', outcome: RedisSessionInputError, run: async (c) => { const list = new RedisConversations({ redisUrl: c.url }); try { for (const limit of [0, 1.5]) await list.list({ owner: 'ada', limit }).then(() => { throw new Error(`limit ${limit} was accepted`); }, () => undefined); return await list.list({ owner: 'ada', limit: 1001 }); } finally { await list.close(); } } },
  { area: 'Listing, pages, forks', input: 'list with a cursor it did not make (`"garbage"`)', outcome: RedisSessionCursorError, run: async (c) => { const list = new RedisConversations({ redisUrl: c.url }); try { return await list.list({ owner: 'ada', cursor: 'garbage' }); } finally { await list.close(); } } },
  { area: 'Listing, pages, forks', input: "the owner's index key holds another type (a string)", outcome: RedisSessionCommandError, note: 'WRONGTYPE naming the key; the string is not touched', run: async (c) => { await c.raw(['SET', 'conv:__owner__:{ada}', 'someone else']); const list = new RedisConversations({ redisUrl: c.url }); try { return await list.list({ owner: 'ada' }); } finally { await list.close(); } } },
  { area: 'Listing, pages, forks', input: '`getPage({ before })` with a cursor it did not make (`"garbage"`)', outcome: RedisSessionCursorError, note: 'never wrong items', run: async (c) => { await adasConversation(c); return c.session({ owner: 'ada' }).getPage({ before: 'garbage' }); } },
  { area: 'Listing, pages, forks', input: '`getPage({ limit: 0 })`, `limit: 1.5`', outcome: RedisSessionInputError, run: async (c) => { await adasConversation(c); return c.session({ owner: 'ada' }).getPage({ limit: 0 }); } },
  { area: 'Listing, pages, forks', input: '`fork({ upTo })` past the end of the history, negative or not a whole number', outcome: RedisSessionInputError, note: 'nothing copied, the source unchanged', run: async (c) => { await adasConversation(c); const session = c.session({ owner: 'ada' }); for (const upTo of [-1, 0.5]) await session.fork({ upTo }).then(() => { throw new Error(`upTo ${upTo} was accepted`); }, () => undefined); return session.fork({ upTo: 2 }); } },
  { area: 'Listing, pages, forks', input: '`fork({ conversationId })` with `{` `}`', outcome: RedisSessionInputError, run: async (c) => { await adasConversation(c); return c.session({ owner: 'ada' }).fork({ conversationId: 'copy{1}' }); } },
  { area: 'Encryption', input: 'key of 16 bytes, bad base64, `currentKeyId` naming no key', outcome: RedisSessionConfigError, note: 'the key is not echoed', run: construct({ encryption: { keys: { k: Buffer.alloc(16) }, currentKeyId: 'k' } }) },
  { area: 'Options', input: '`{ url, prefix, sessionTTL }` (other libraries\' option names)', outcome: RedisSessionConfigError, note: 'refused with "did you mean redisUrl / keyPrefix / ttl"', run: (c) => new RedisSession({ url: c.url, prefix: 'conv:', sessionTTL: 60 } as RedisSessionOptions) },
  { area: 'Options', input: '`compression` that is not `true`, `false` or `{ minBytes }` (`"yes"`, `{ minBytes: 0 }`, `{ minBytes: "1k" }`)', outcome: RedisSessionConfigError, run: each<unknown>(['yes', { minBytes: 0 }, { minBytes: '1k' }], (compression) => new RedisSession({ compression: compression as never })) },
  { area: 'Options', input: 'misspelled nested option (`tls: { rejectUnauthorised: false }`)', outcome: RedisSessionConfigError, note: 'did you mean "rejectUnauthorized"', run: () => new RedisSession({ redisUrl: 'rediss://127.0.0.1', tls: { rejectUnauthorised: false } as never }) },
  { area: 'Options', input: '`client` that was never connected', outcome: RedisSessionConfigError, note: 'at the first operation: "call await client.connect() first"', run: (c) => c.session({ client: createClient({ url: c.url }), redisUrl: undefined }).addItems([userMessage('x')]) },
];

/** The markdown table of docs/bad-inputs.md, generated from {@link BAD_INPUT_CASES}. */
export function badInputTable(): string {
  const rows = BAD_INPUT_CASES.map((c) => {
    const outcome =
      c.outcome === 'skip'
        ? `documented skip: ${c.note}`
        : c.outcome === 'result'
          ? `not an error: ${c.note}; nothing written`
          : `\`${c.outcome.name}\`${c.note ? ` (${c.note})` : ''}; nothing written`;
    return `| ${c.area} | ${c.input} | ${outcome} |`;
  });
  return ['| area | bad input | outcome |', '| --- | --- | --- |', ...rows].join('\n');
}
