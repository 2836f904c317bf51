/**
 * No CLI output depends on the password. Messages are built from redacted targets; the
 * last line of defence redacts URL-shaped credentials by structure. It used to replace every occurrence of the password
 * text, so a one-letter password was revealed by which letters of the output got starred.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';
import { runBin, type CliResult } from './support/cli.js';

const COMMANDS = [['show', 'banana'], ['ttl', 'banana'], ['list'], ['--json', 'list'], ['doctor'], ['--json', 'show', 'nope']];

describe('CLI output does not depend on the password', () => {
  let server: RedisServerHandle;
  const host = () => `127.0.0.1:${server.port}`;
  const setPassword = (password: string) => server.command(['ACL', 'SETUSER', 'op', 'on', 'resetpass', `>${password}`, '~*', '&*', '+@all']);
  const run = async (url: string): Promise<CliResult[]> => {
    const results: CliResult[] = [];
    for (const args of COMMANDS) results.push(await runBin(['--url', url, '--connect-timeout', '20000', ...args]));
    return results;
  };
  const shown = (results: CliResult[]) => results.map((result) => `[exit ${result.code}]\n${result.stdout}\n${result.stderr}`).join('\n---\n');

  before(async () => {
    server = await startRedisServer({ logName: 'cli-redaction' });
    const session = new RedisSession({ redisUrl: server.url, conversationId: 'banana' });
    await session.addItems([{ role: 'user', content: 'a banana and a papaya' }]);
    await session.close();
  });

  after(async () => {
    await closeSharedConnections();
    await server.stop();
  });

  it('a one-character password: the same output as with another password, and no letter starred', async () => {
    await setPassword('a');
    const withA = await run(`redis://op:a@${host()}`);
    await setPassword('z');
    const withZ = await run(`redis://op:z@${host()}`);
    assert.equal(shown(withA), shown(withZ));
    assert.equal(withA[0]!.code, 0, withA[0]!.stderr);
    assert.match(withA[0]!.stdout, /1 item/);
    assert.match(withA[4]!.stdout, new RegExp(`Checked redis://op:\\*\\*\\*@${host()}`));
    assert.ok(!shown(withA).includes(':a@'), shown(withA));
    assert.match(withA[2]!.stdout, /1 conversation under "conv:"/, 'no letter of the output is starred');
  });

  it('a wrong one-character password: the same error whatever the password', async () => {
    await setPassword('the-right-one');
    const [a, b] = [await runBin(['--url', `redis://op:a@${host()}`, 'list']), await runBin(['--url', `redis://op:b@${host()}`, 'list'])];
    assert.equal(a.code, 4);
    assert.match(a.stderr, /WRONGPASS/);
    assert.equal(a.stderr, b.stderr);
    assert.match(a.stderr, /conversations?|redis:\/\/op:\*\*\*@/);
  });

  it('a password with "/": percent-encoded it works, written raw it is refused; neither form is ever shown', async () => {
    const results: Record<string, string> = {};
    for (const password of ['p/w', 'q/x']) {
      await setPassword(password);
      const encoded = `redis://op:${encodeURIComponent(password)}@${host()}`;
      const all = await run(encoded);
      assert.equal(all[0]!.code, 0, all[0]!.stderr);
      // Written raw, "/" ends the host part: the URL is refused, and the message must not quote any part of it.
      for (const url of [`redis://op:${password}@${host()}`, `redis://:${password}@${host()}`]) {
        for (const args of [['list'], ['--json', 'list']]) all.push(await runBin(['--url', url, ...args]));
      }
      results[password] = shown(all);
      for (const secret of [password, encodeURIComponent(password)]) assert.ok(!results[password]!.includes(secret), results[password]);
    }
    assert.equal(results['p/w'], results['q/x']);
  });
});
