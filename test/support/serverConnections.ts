/**
 * Counts the connections a redis-server of the test sees (CLIENT LIST), to
 * check what the package opens and closes from the outside: constructing a
 * session opens nothing, sessions on one URL share one connection, the last
 * session closes it, subscriptions share one pub/sub connection.
 */
import { waitUntil } from '../harness/index.js';

/** Who asks the server: a harness handle (a fresh connection per command) or a connected node-redis client. */
export type Observer = { command(args: readonly string[]): Promise<unknown> } | { sendCommand(args: string[]): Promise<unknown>; clientId(): Promise<number> };

/** The connections the server has open, other than the observer's own (and the `except` ones). */
export interface ServerConnections {
  /** Connections that send commands. */
  readonly commands: number;
  /** Connections in pub/sub mode (SUBSCRIBE or SSUBSCRIBE): `sub=`/`ssub=`/`psub=` above 0, or flag `P`. */
  readonly pubsub: number;
  /** Every one of them, as `field=value` pairs of CLIENT LIST. */
  readonly clients: readonly Readonly<Record<string, string>>[];
}

/** What {@link serverConnections} leaves out. */
export interface CountOptions {
  /** Ids (CLIENT ID) of the test's own connections, e.g. a raw client it inspects the data with. */
  readonly except?: readonly number[];
}

const parseLine = (line: string): Record<string, string> =>
  Object.fromEntries(line.trim().split(' ').map((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));

/**
 * A link of the deployment itself, not a client's: replication (flag `S` on a master, `M` on a replica)
 * or a Sentinel monitoring the server (named `sentinel-<id>-cmd` / `-pubsub`).
 */
const isDeploymentLink = (client: Readonly<Record<string, string>>): boolean =>
  /[SM]/.test(client.flags ?? '') || (client.name ?? '').startsWith('sentinel-');

const isPubSub = (client: Readonly<Record<string, string>>): boolean =>
  Number(client.sub ?? 0) > 0 || Number(client.ssub ?? 0) > 0 || Number(client.psub ?? 0) > 0 || (client.flags ?? '').includes('P');

/** The client connections of the server, without the observer's own one (nor the deployment's own links). */
export async function serverConnections(observer: Observer, options: CountOptions = {}): Promise<ServerConnections> {
  let reply: unknown;
  let own: (client: Readonly<Record<string, string>>) => boolean;
  if ('sendCommand' in observer) {
    const id = String(await observer.clientId());
    reply = await observer.sendCommand(['CLIENT', 'LIST']);
    own = (client) => client.id === id;
  } else {
    // A fresh connection per command: the one that asks is the one running CLIENT LIST.
    reply = await observer.command(['CLIENT', 'LIST']);
    own = (client) => client.cmd === 'client|list';
  }
  const except = new Set((options.except ?? []).map(String));
  const clients = String(reply)
    .split('\n')
    .filter((line) => line.startsWith('id='))
    .map(parseLine)
    .filter((client) => !own(client) && !except.has(client.id ?? '') && !isDeploymentLink(client));
  const pubsub = clients.filter(isPubSub).length;
  return { commands: clients.length - pubsub, pubsub, clients };
}

/**
 * Waits until the server sees `expected` connections (closing one is asynchronous on the server's side);
 * a count left out of `expected` is not checked. Fails with the last counts seen.
 */
export async function waitForServerConnections(
  observer: Observer,
  expected: { commands?: number; pubsub?: number },
  description: string,
  options: CountOptions & { timeoutMs?: number } = {},
): Promise<void> {
  let last: ServerConnections | undefined;
  try {
    await waitUntil(
      async () => {
        last = await serverConnections(observer, options);
        return (expected.commands === undefined || last.commands === expected.commands) && (expected.pubsub === undefined || last.pubsub === expected.pubsub);
      },
      { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 50, description },
    );
  } catch (error) {
    throw new Error(
      `${description}: expected ${JSON.stringify(expected)} connections, the server has ` +
        `${JSON.stringify({ commands: last?.commands, pubsub: last?.pubsub })}`,
      { cause: error },
    );
  }
}
