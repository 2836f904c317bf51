import { after, before } from 'node:test';
import { closeSharedConnections } from 'agents-redis-session';
import { startBlackholeProxy, startRedisServer, type BlackholeProxy, type RedisServerHandle } from '../harness/index.js';
import { settlesWithin } from './faults.js';
import { started } from './started.js';

/** A throwaway redis-server with a black-hole proxy in front of it, for the partition tests of one file. */
export interface ProxiedServer {
  /** The server; sessions that connect to `server.url` go around the proxy. Available once `before` has run. */
  readonly server: RedisServerHandle;
  /** The proxy: `blackhole()` drops every byte both ways (no reset), `heal()` lets them through again. */
  readonly proxy: BlackholeProxy;
  /** `redis://` URL of the proxy: sessions on it are cut off by `proxy.blackhole()`. */
  readonly proxyUrl: string;
}

/**
 * Registers `before`/`after` hooks that start the server and the proxy for the calling test file, and at the end
 * close every shared connection (within `boundMs`: a connection left behind a partition must not hang the file),
 * then stop the proxy and the server.
 */
export function useProxiedServer(logName: string, boundMs: number): ProxiedServer {
  let server: RedisServerHandle | undefined;
  let proxy: BlackholeProxy | undefined;

  before(async () => {
    server = await startRedisServer({ logName });
    proxy = await startBlackholeProxy(server.port);
  });

  after(async () => {
    await settlesWithin(closeSharedConnections(), boundMs, 'closeSharedConnections');
    await proxy?.close();
    await server?.stop();
  });

  return {
    get server() {
      return started(server, 'proxiedServer');
    },
    get proxy() {
      return started(proxy, 'proxiedServer');
    },
    get proxyUrl() {
      return `redis://127.0.0.1:${started(proxy, 'proxiedServer').port}`;
    },
  };
}
