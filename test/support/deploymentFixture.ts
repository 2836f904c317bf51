import { after, before } from 'node:test';
import { closeSharedConnections } from 'agents-redis-session';
import type { RedisSentinelOptions } from '../harness/index.js';

/** Three sentinels that fail over about 1 s after the master stops answering. */
export const SENTINEL_SETUP: RedisSentinelOptions = { masterName: 'mymaster', sentinels: 3, quorum: 2, downAfterMs: 1000, failoverTimeoutMs: 5000 };

/**
 * Registers `before`/`after` hooks, in the calling file or `describe` block,
 * that start a deployment (a cluster, a Sentinel setup), hand it to `started`,
 * and at the end close every shared connection and stop it.
 */
export function useDeployment<T extends { stop(): Promise<unknown> }>(
  start: () => Promise<T>,
  startTimeoutMs: number,
  started: (deployment: T) => void,
): void {
  let deployment: T | undefined;
  before(async () => {
    deployment = await start();
    started(deployment);
  }, { timeout: startTimeoutMs });
  after(async () => {
    await closeSharedConnections();
    await deployment?.stop();
  });
}
