import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { startBlackholeProxy, startRedisServer, type BlackholeProxy, type RedisServerHandle } from './harness/index.js';
import { runBin } from './support/cli.js';

/**
 * The CLI against a server that stops answering after the connection is made
 * (the proxy drops everything from the first command after the handshake on):
 * every command must end with exit code 4 and one clear line, never hang.
 */
describe('the CLI against a server that stops answering', () => {
  let server: RedisServerHandle;
  let proxy: BlackholeProxy;

  before(async () => {
    server = await startRedisServer({ logName: 'cli-frozen' });
    const redis = createClient({ url: server.url });
    await redis.connect();
    await redis.rPush('conv:ada', ['{"role":"user","content":"hi"}']);
    redis.destroy();
    proxy = await startBlackholeProxy(server.port);
  });

  after(async () => {
    await proxy?.close();
    await server?.stop();
  });

  for (const [command, firstCommand] of [
    // The command name as a whole RESP argument (the handshake has arguments such as moving-endpoint-type).
    [['show', 'ada'], /\$4\r\nTYPE\r\n/i],
    [['list'], /\$4\r\nSCAN\r\n/i],
    [['stats'], /\$4\r\nSCAN\r\n/i],
  ] as const) {
    it(`${command[0]} exits 4 with one line when the server goes silent`, async () => {
      proxy.heal();
      proxy.blackholeWhen((bytes) => firstCommand.test(bytes.toString('latin1')));
      try {
        // runBin kills the CLI after 60 s: a hang fails the test. The CLI's command timeout is 5 s.
        const result = await runBin([...command, '--url', `redis://127.0.0.1:${proxy.port}`, '--connect-timeout', '1000'], { timeoutMs: 60_000 });
        assert.equal(result.code, 4, `exit code ${result.code}; stderr: ${result.stderr}`);
        assert.match(result.stderr, /did not answer within \d+ ms/);
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      } finally {
        proxy.heal();
      }
    });
  }
});
