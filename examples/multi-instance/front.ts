import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running round-robin front: every request goes to the next backend in turn. */
export interface Front {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a tiny round-robin HTTP proxy on a free loopback port in front of
 * `backends` (base URLs such as `http://127.0.0.1:4000`). Responses are piped
 * as they come, so server-sent events stream through it.
 */
export function startFront(backends: readonly string[]): Promise<Front> {
  let next = 0;
  const server: Server = http.createServer((req, res) => {
    const target = new URL(req.url ?? '/', backends[next++ % backends.length]);
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.once('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('backend unavailable');
    });
    res.once('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
