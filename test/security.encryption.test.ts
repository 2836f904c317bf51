/**
 * Encryption at rest (the `encryption` option) against a real Redis: the
 * session API is unchanged, nothing readable is stored or published, keys
 * rotate with old items still readable, and tampering is detected.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  deriveTenantKey,
  RedisSession,
  RedisSessionConfigError,
  RedisSessionConflictError,
  RedisSessionIntegrityError,
  type ChangeEvent,
  type EncryptionOptions,
} from 'agents-redis-session';
import { waitUntil } from './harness/index.js';
import { exerciseSession } from './support/exerciseSession.js';
import { useSessionFixture } from './support/sessionFixture.js';
import { userMessage } from './support/items.js';

const fixture = useSessionFixture();
const SECRET = 'my card number is 4111-1111';
const k1 = randomBytes(32);
const k2 = randomBytes(32);
const only = (id: string, key: Uint8Array | string): EncryptionOptions => ({ keys: { [id]: key }, currentKeyId: id });

async function rawEntries(session: RedisSession): Promise<string[]> {
  return fixture.redis.lRange(session.keys.items, 0, -1);
}

function assertIntegrityError(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RedisSessionIntegrityError, String(error));
    assert.equal(error.code, 'ERR_REDIS_SESSION_INTEGRITY');
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes(SECRET));
    return true;
  };
}

describe('encryption at rest', () => {
  it('runs every session operation unchanged, storing and publishing no plaintext', async () => {
    await exerciseSession(fixture.session({ encryption: only('k1', k1) }), fixture.server.url);
    const session = fixture.session({ encryption: only('k1', k1), ttl: 600 });
    const events: ChangeEvent[] = [];
    const stop = await session.subscribe((event) => void events.push(event));
    await session.addItems([userMessage(SECRET), userMessage('second'), { type: 'function_call', callId: 'call-9', name: 'pay', arguments: SECRET }]);
    assert.deepEqual((await session.getItems()).map((item) => JSON.stringify(item)).join(), [
      userMessage(SECRET), userMessage('second'), { type: 'function_call', callId: 'call-9', name: 'pay', arguments: SECRET },
    ].map((item) => JSON.stringify(item)).join());
    const raw = await rawEntries(session);
    assert.ok(raw.every((entry) => entry.startsWith('{"$enc":1,"kid":"k1"') && !entry.includes(SECRET) && !entry.includes('second')));
    await waitUntil(() => events.length === 1, { timeoutMs: 30_000, description: 'the add event' });
    assert.equal(events[0]!.count, 3);
    assert.equal(events[0]!.items, undefined, 'events of an encrypted conversation carry no items');
    assert.deepEqual(await session.popItem(), { type: 'function_call', callId: 'call-9', name: 'pay', arguments: SECRET });
    await stop();
  });

  it('keeps old items readable after a key rotation, including for suffix transactions', async () => {
    const id = fixture.uniqueId('rotation');
    const before = fixture.session({ conversationId: id, encryption: only('2026-10', k1) });
    await before.addItems([userMessage('old one'), userMessage('old two')]);
    const rotated = fixture.session({ conversationId: id, encryption: { keys: { '2026-10': k1, '2026-11': k2.toString('base64') }, currentKeyId: '2026-11' } });
    await rotated.addItems([userMessage('new')]);
    assert.deepEqual(await rotated.getItems(), [userMessage('old one'), userMessage('old two'), userMessage('new')]);
    assert.deepEqual((await rawEntries(rotated)).map((entry) => JSON.parse(entry).kid), ['2026-10', '2026-10', '2026-11']);
    // The expected suffix spans items under both keys; a wrong one is still a conflict.
    await assert.rejects(
      rotated.applyHistoryTransaction({
        operationId: 'stale',
        transaction: { type: 'replace_suffix', expectedSuffix: [userMessage('old one'), userMessage('new')], replacement: [] },
      }),
      RedisSessionConflictError,
    );
    await rotated.applyHistoryTransaction({
      operationId: 'rewrite',
      transaction: { type: 'replace_suffix', expectedSuffix: [userMessage('old two'), userMessage('new')], replacement: [userMessage('merged')] },
    });
    assert.deepEqual(await rotated.getItems(), [userMessage('old one'), userMessage('merged')]);
    // A session that no longer has the old key says which key is missing.
    const withoutOld = fixture.session({ conversationId: id, encryption: only('2026-11', k2) });
    await assert.rejects(withoutOld.getItems(), assertIntegrityError(/encrypted with key id "2026-10", which is not in encryption\.keys/));
  });

  it('detects a modified ciphertext, fingerprint or clear-text field, and entries copied from another conversation', async () => {
    const session = fixture.session({ encryption: only('k1', k1) });
    await session.addItems([userMessage(SECRET), { type: 'function_call', callId: 'c1', name: 'f', arguments: '{}' }]);
    const [first, second] = await rawEntries(session);
    const envelope = JSON.parse(first!);
    const flipped = Buffer.from(envelope.ct, 'base64');
    flipped[3]! ^= 1;
    const tampered = [
      JSON.stringify({ ...envelope, ct: flipped.toString('base64') }),
      JSON.stringify({ ...envelope, fp: JSON.parse(second!).fp }),
      second!.replace('"callId":"c1"', '"callId":"c2"'),
      '{"$enc":1,"kid":"k1"',
      JSON.stringify(userMessage('injected plaintext')),
    ];
    for (const [index, entry] of tampered.entries()) {
      const victim = fixture.session({ encryption: only('k1', k1) });
      await victim.addItems([userMessage('genuine')]);
      await fixture.redis.lSet(victim.keys.items, 0, entry);
      await assert.rejects(victim.getItems(), assertIntegrityError(/./), `case ${index}`);
    }
    // A genuine entry of another conversation, copied in, fails authentication.
    const other = fixture.session({ encryption: only('k1', k1) });
    await fixture.redis.rPush(other.keys.items, first!);
    await assert.rejects(other.getItems(), assertIntegrityError(/failed authentication .*copied from another conversation/));
    await assert.rejects(other.popItem(), RedisSessionIntegrityError);
  });

  it('reads entries stored before encryption was turned on only when allowPlaintext is set', async () => {
    const id = fixture.uniqueId('migration');
    await fixture.session({ conversationId: id }).addItems([userMessage('from before')]);
    const strict = fixture.session({ conversationId: id, encryption: only('k1', k1) });
    await assert.rejects(strict.getItems(), assertIntegrityError(/is not encrypted\. Set encryption\.allowPlaintext/));
    const migrating = fixture.session({ conversationId: id, encryption: { ...only('k1', k1), allowPlaintext: true } });
    await migrating.addItems([userMessage('after')]);
    assert.deepEqual(await migrating.getItems(), [userMessage('from before'), userMessage('after')]);
  });

  it('gives each tenant its own key: one tenant cannot read another tenant’s items', async () => {
    const master = randomBytes(32);
    const keyA = deriveTenantKey(master, 'tenant_a');
    const keyB = deriveTenantKey(master, 'tenant_b');
    assert.notDeepEqual(Buffer.from(keyA), Buffer.from(keyB));
    assert.deepEqual(Buffer.from(deriveTenantKey(master, 'tenant_a')), Buffer.from(keyA), 'derivation is stable');
    const id = fixture.uniqueId('tenant');
    const a = fixture.session({ conversationId: id, keyPrefix: 'tenant_a:', encryption: only('t', keyA) });
    await a.addItems([userMessage(SECRET)]);
    const b = fixture.session({ conversationId: id, keyPrefix: 'tenant_b:', encryption: only('t', keyB) });
    await fixture.redis.rPush(b.keys.items, await rawEntries(a));
    await assert.rejects(b.getItems(), assertIntegrityError(/failed authentication/));
  });

  it('rejects malformed keys without printing them', () => {
    const key = randomBytes(32).toString('base64');
    const cases: [unknown, RegExp][] = [
      [{ keys: { k1: randomBytes(16) }, currentKeyId: 'k1' }, /must be 32 bytes/],
      [{ keys: { k1: key.slice(0, 20) }, currentKeyId: 'k1' }, /must be 32 bytes/],
      [{ keys: { k1: key }, currentKeyId: 'k2' }, /currentKeyId must name one of the keys \(k1\)/],
      [{ keys: { 'bad id!': key }, currentKeyId: 'bad id!' }, /ids must be/],
      [{ keys: {}, currentKeyId: 'k1' }, /at least one key/],
      [{ keys: { k1: key }, currentKeyId: 'k1', allowPlaintext: 'yes' }, /allowPlaintext must be true or false/],
      ['secret', /encryption must be an object/],
    ];
    for (const [encryption, message] of cases) {
      assert.throws(() => new RedisSession({ encryption: encryption as EncryptionOptions }), (error: unknown) => {
        assert.ok(error instanceof RedisSessionConfigError);
        assert.match(error.message, message);
        assert.ok(!error.message.includes(key) && !error.message.includes(key.slice(0, 20)));
        return true;
      });
    }
  });
});
