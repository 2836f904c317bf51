/**
 * Test harness: throwaway redis-server processes, Redis Clusters and Sentinels on loopback.
 * Never touches the shared Redis on port 6379. The single servers come from tools/throwawayRedis.ts,
 * which the demo and the benchmark use too; the cluster and Sentinel builders here are built on it.
 */
export { CLUSTER_BUS_PORT_OFFSET, freePort, freePorts, isPortFree, reservePort, type FreePortsOptions } from '../../tools/freePort.js';
export { findBinary, requireBinary, REDIS_INSTALL_HINT } from '../../tools/findBinary.js';
export { parseInfo, respCommand, RespError, type RespCommandOptions, type RespValue } from '../../tools/resp.js';
export { runRedisCli, type RedisCliResult } from './redisCli.js';
export {
  isPidAlive,
  redisServerBinary,
  RedisStartError,
  startRedisServer,
  stopAllRedisServers,
  type RedisServerHandle,
  type RedisServerOptions,
  type StopOptions,
} from '../../tools/throwawayRedis.js';
export {
  busPublishMessages,
  failOverMasterOf,
  masterPortOf,
  moveSlot,
  parseClusterNodes,
  startRedisCluster,
  type ClusterNodeInfo,
  type RedisClusterHandle,
  type RedisClusterOptions,
} from './redisCluster.js';
export { killMasterAndAwaitPromotion, startRedisSentinel, type RedisSentinelHandle, type RedisSentinelOptions } from './redisSentinel.js';
export { sleep, StopWaiting, waitUntil, type WaitUntilOptions } from '../../tools/waitUntil.js';
export { startBlackholeProxy, type BlackholeProxy } from './blackholeProxy.js';
