import net from 'node:net';

/** Offset between a Redis Cluster node's client port and its cluster bus port. */
export const CLUSTER_BUS_PORT_OFFSET = 10000;

/** The port of the machine's shared Redis: never handed out, never used by a throwaway server. */
export const SHARED_REDIS_PORT = 6379;

/** Ports that must never be handed out (the shared Redis and its would-be bus port). */
const FORBIDDEN_PORTS = new Set<number>([SHARED_REDIS_PORT, SHARED_REDIS_PORT + CLUSTER_BUS_PORT_OFFSET]);

/**
 * Ports already handed out by this process. Never handed out twice, so two
 * concurrent callers in one process cannot race each other for the same port.
 */
const handedOut = new Set<number>();

/**
 * Resolves with `true` when `port` can be bound on 127.0.0.1 right now.
 */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** Asks the OS for an unused ephemeral port on 127.0.0.1. */
function osAssignedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a listening socket'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Returns a TCP port on 127.0.0.1 that is free right now (listen on port 0,
 * read the port, close). Never returns a port this process already handed out.
 * There is an unavoidable window between this check and the real bind; callers
 * that spawn servers should retry on "address in use".
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await osAssignedPort();
    if (!handedOut.has(port) && !FORBIDDEN_PORTS.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('freePort: could not find a free port in 50 attempts');
}

/** Options for {@link freePorts}. */
export interface FreePortsOptions {
  /**
   * Also require `port + 10000` (the Redis Cluster bus port) to be below 65536,
   * free, and distinct from every other returned port and bus port.
   */
  clusterBus?: boolean;
}

/** Lowest candidate port when cluster bus ports are needed (below the Linux ephemeral range). */
const CLUSTER_PORT_MIN = 11000;
/** Highest candidate port (exclusive); its bus port then stays below 32768. */
const CLUSTER_PORT_MAX = 22000;

/**
 * Returns `count` distinct free ports on 127.0.0.1.
 *
 * With `clusterBus: true`, ports are drawn at random from [11000, 22000) so the
 * bus ports land in [21000, 32000), below the Linux ephemeral range (where the
 * OS-assigned ports of {@link freePort} live). Each port and its bus port are
 * checked free, and no returned port equals another's bus port.
 */
export async function freePorts(count: number, options: FreePortsOptions = {}): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`freePorts: count must be a non-negative integer, got ${count}`);
  }
  if (!options.clusterBus) {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await freePort());
    return ports;
  }

  const ports: number[] = [];
  const taken = new Set<number>(); // ports and bus ports chosen in this call
  const maxAttempts = 200 + count * 50;
  for (let attempt = 0; attempt < maxAttempts && ports.length < count; attempt++) {
    const port = CLUSTER_PORT_MIN + Math.floor(Math.random() * (CLUSTER_PORT_MAX - CLUSTER_PORT_MIN));
    const bus = port + CLUSTER_BUS_PORT_OFFSET;
    if (bus >= 65536) continue;
    if ([port, bus].some((p) => taken.has(p) || handedOut.has(p) || FORBIDDEN_PORTS.has(p))) continue;
    if (!(await isPortFree(port)) || !(await isPortFree(bus))) continue;
    ports.push(port);
    taken.add(port);
    taken.add(bus);
  }
  if (ports.length < count) {
    throw new Error(`freePorts: found only ${ports.length} of ${count} free port pairs after ${maxAttempts} attempts`);
  }
  for (const p of taken) handedOut.add(p);
  return ports;
}

/**
 * Marks `port` (and, for cluster nodes, its bus port) as used by this process,
 * so later {@link freePort}/{@link freePorts} calls never return it.
 */
export function reservePort(port: number): void {
  handedOut.add(port);
}
