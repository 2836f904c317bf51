import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as esm from 'agents-redis-session';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';
import { serverConnections, waitForServerConnections } from './support/serverConnections.js';

// The ESM and the CommonJS build of the package, loaded side by side in one process, as a dual-package app does.
const cjs = createRequire(import.meta.url)('agents-redis-session') as typeof esm;
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

let server: RedisServerHandle;

before(async () => {
  server = await startRedisServer({ logName: 'dual-copies' });
});

after(async () => {
  await esm.closeSharedConnections();
  await cjs.closeSharedConnections();
  await server?.stop();
});

describe('two copies of the package in one process (import and require)', () => {
  it('are two copies, sharing one registry: one connection, closed from either copy', async () => {
    assert.notEqual(cjs.RedisSession, esm.RedisSession, 'the test needs two distinct copies');
    const viaImport = new esm.RedisSession({ redisUrl: server.url, conversationId: 'dual-esm' });
    const viaRequire = new cjs.RedisSession({ redisUrl: server.url, conversationId: 'dual-cjs' });
    await viaImport.addItems([{ role: 'user', content: 'esm' }]);
    await viaRequire.addItems([{ role: 'user', content: 'cjs' }]);
    assert.equal((await serverConnections(server)).commands, 1, 'one command connection for both copies');
    const stopEsm = await viaImport.subscribe(() => {});
    const stopCjs = await viaRequire.subscribe(() => {});
    assert.deepEqual(
      await serverConnections(server).then(({ commands, pubsub }) => ({ commands, pubsub })),
      { commands: 1, pubsub: 1 },
      'one command and one subscriber connection for both copies',
    );

    await cjs.closeSharedConnections();
    await waitForServerConnections(server, { commands: 0, pubsub: 0 }, 'closeSharedConnections() of one copy to close the connections of both');
    await stopEsm();
    await stopCjs();
    await viaImport.close();
    await viaRequire.close();
  });

  it('lets the process exit by itself after closeSharedConnections() from the other copy', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const esm = await import(${JSON.stringify(path.join(DIST, 'index.js'))});
      const cjs = createRequire(import.meta.url)(${JSON.stringify(path.join(DIST, 'index.cjs'))});
      const url = ${JSON.stringify(server.url)};
      const a = new esm.RedisSession({ redisUrl: url, conversationId: 'exit-esm' });
      const b = new cjs.RedisSession({ redisUrl: url, conversationId: 'exit-cjs' });
      await a.getItems();
      await b.getItems();
      await a.subscribe(() => {});
      await b.subscribe(() => {});
      await cjs.closeSharedConnections();
      console.log('closed');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 30_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    assert.equal(code, 0, `the process did not exit by itself (open sockets?); output:\n${output}`);
    assert.match(output, /closed/);
  });
});
