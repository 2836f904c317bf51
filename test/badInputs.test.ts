/**
 * Every bad input of docs/bad-inputs.md, tried against real servers: each
 * gives its typed error (or documented skip), writes nothing, and prints no
 * secret. The doc's table is generated from the same list; run with
 * UPDATE_DOCS=1 to rewrite it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createClient, RESP_TYPES } from 'redis';
import { closeSharedConnections, RedisSession, type RedisSessionOptions } from 'agents-redis-session';
import { freePort, startRedisServer, type RedisServerHandle } from './harness/index.js';
import { BAD_INPUT_CASES, badInputTable, CASE_CONVERSATION, SECRET_PASSWORD, type BadInputContext } from './support/badInputCases.js';
import { generateCertificates, tlsServerArgs, type CertificateSet } from './support/certificates.js';

const DOC = new URL('../docs/bad-inputs.md', import.meta.url);
const TABLE = /<!-- table:start -->[\s\S]*<!-- table:end -->/;

describe('bad inputs (docs/bad-inputs.md)', () => {
  let plain: RedisServerHandle;
  let secured: RedisServerHandle;
  let tls: RedisServerHandle;
  let serverCerts: CertificateSet;
  let otherCerts: CertificateSet;
  let tlsPort = 0;
  let closedPort = 0;
  let redis: ReturnType<typeof createClient>;
  const sessions: RedisSession[] = [];

  before(async () => {
    serverCerts = generateCertificates('bad-input-server');
    otherCerts = generateCertificates('bad-input-other');
    tlsPort = await freePort();
    closedPort = await freePort();
    [plain, secured, tls] = await Promise.all([
      startRedisServer({ logName: 'bad-input' }),
      startRedisServer({ logName: 'bad-input-secured', password: SECRET_PASSWORD }),
      startRedisServer({ logName: 'bad-input-tls', password: SECRET_PASSWORD, args: tlsServerArgs(serverCerts, tlsPort) }),
    ]);
    redis = createClient({ url: plain.url });
    await redis.connect();
  });

  after(async () => {
    await Promise.all(sessions.map((session) => session.close()));
    await closeSharedConnections();
    redis?.destroy();
    await Promise.all([plain?.stop(), secured?.stop(), tls?.stop()]);
    serverCerts?.remove();
    otherCerts?.remove();
  });

  /** TYPE, DUMP and PTTL of the case conversation's keys, and the key count: what "nothing written" compares. */
  async function snapshot(): Promise<string> {
    const keys = [`conv:${CASE_CONVERSATION}`, `{conv:${CASE_CONVERSATION}}:meta`];
    const binary = redis.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    const parts = await Promise.all(
      keys.map(async (key) => [await redis.type(key), (await binary.dump(key))?.toString('base64') ?? null, await redis.pTTL(key)]),
    );
    return JSON.stringify([parts, await redis.dbSize()]);
  }

  for (const [index, badInput] of BAD_INPUT_CASES.entries()) {
    it(`${badInput.area}: ${badInput.input}`, async () => {
      await redis.flushDb();
      const context: BadInputContext = {
        url: plain.url,
        securedPort: secured.port,
        untrustedTlsPort: tlsPort,
        otherCa: otherCerts.ca,
        closedPort,
        session: (options: RedisSessionOptions = {}) => {
          const session = new RedisSession({ conversationId: CASE_CONVERSATION, redisUrl: plain.url, ...options });
          sessions.push(session);
          return session;
        },
        raw: (command) => redis.sendCommand(command),
      };
      // Values a case stores before it runs (raw) are part of "before".
      let before = await snapshot();
      const runCase = async () => {
        const result = badInput.run({ ...context, raw: async (command) => { const reply = await context.raw(command); before = await snapshot(); return reply; } });
        return result instanceof Promise ? await result : result;
      };
      if (badInput.outcome === 'skip' || badInput.outcome === 'result') {
        await runCase();
        if (badInput.outcome === 'result') assert.equal(await snapshot(), before, `case ${index} wrote something`);
        return;
      }
      const outcome = badInput.outcome;
      await assert.rejects(runCase(), (error: unknown) => {
        assert.ok(error instanceof outcome, `case ${index}: expected ${outcome.name}, got ${String(error)}`);
        const printed = JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack, cause: String((error as Error).cause) });
        assert.ok(!printed.includes(SECRET_PASSWORD), `case ${index} printed the password`);
        return true;
      });
      assert.equal(await snapshot(), before, `case ${index} wrote something`);
    });
  }

  it('docs/bad-inputs.md holds the table of exactly these cases', () => {
    const doc = readFileSync(DOC, 'utf8');
    const generated = `<!-- table:start -->\n${badInputTable()}\n<!-- table:end -->`;
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, doc.replace(TABLE, generated));
    assert.equal(readFileSync(DOC, 'utf8').match(TABLE)?.[0], generated, 'run UPDATE_DOCS=1 npm test -- to regenerate the table');
  });
});
