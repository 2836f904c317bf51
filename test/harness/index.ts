/**
 * Test harness: throwaway redis-server processes and Redis Clusters on loopback.
 * Never touches the shared Redis on port 6379.
 */
export { CLUSTER_BUS_PORT_OFFSET, freePort, freePorts, isPortFree, reservePort, type FreePortsOptions } from './freePort.js';
export { findBinary, requireBinary, REDIS_INSTALL_HINT } from './requireBinary.js';
export { parseInfo, respCommand, RespError, type RespCommandOptions, type RespValue } from './resp.js';
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
} from './redisServer.js';
export {
  masterPortOf,
  parseClusterNodes,
  startRedisCluster,
  type ClusterNodeInfo,
  type RedisClusterHandle,
  type RedisClusterOptions,
} from './redisCluster.js';
export { killMasterAndAwaitPromotion, startRedisSentinel, type RedisSentinelHandle, type RedisSentinelOptions } from './redisSentinel.js';
export { sleep, StopWaiting, waitUntil, type WaitUntilOptions } from './waitUntil.js';
export { startBlackholeProxy, type BlackholeProxy } from './blackholeProxy.js';
