import net from 'node:net';

/** A TCP proxy on loopback that can stop forwarding (a network partition that drops packets without a reset). */
export interface BlackholeProxy {
  /** Port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** Stops forwarding bytes in both directions; sockets stay open and new connections are accepted but hear nothing. */
  blackhole(): void;
  /**
   * Black-holes (as {@link blackhole}) from the first client chunk that `matches`, which is dropped too: for
   * example from the first command after a connection's handshake, to freeze a server mid-session.
   */
  blackholeWhen(matches: (clientBytes: Buffer) => boolean): void;
  /** Forwards again (bytes dropped meanwhile are lost, as in a partition). */
  heal(): void;
  /** How many client connections are open through the proxy. */
  readonly connections: number;
  /** Closes every socket and the listener. */
  close(): Promise<void>;
}

/**
 * Starts a proxy from a free loopback port to `127.0.0.1:targetPort`. While
 * black-holed it drops every byte and never closes a socket, so a client sees
 * a silent peer, as behind a partition or a firewall dropping packets.
 */
export async function startBlackholeProxy(targetPort: number): Promise<BlackholeProxy> {
  let dropping = false;
  let trigger: ((clientBytes: Buffer) => boolean) | undefined;
  const sockets = new Set<net.Socket>();
  let open = 0;
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(client);
    track(upstream);
    open++;
    client.on('close', () => {
      open--;
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      if (trigger?.(chunk)) {
        trigger = undefined;
        dropping = true;
      }
      if (!dropping) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!dropping) client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    blackhole: () => {
      dropping = true;
    },
    blackholeWhen: (matches) => {
      trigger = matches;
    },
    heal: () => {
      trigger = undefined;
      dropping = false;
    },
    get connections() {
      return open;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
