/**
 * One agent server of the multi-instance demo (a child process of
 * examples/03_multi_instance_demo.ts). An HTTP server on a free loopback port
 * with its own RedisSession per conversation; it tells its parent the port
 * over IPC and exits when the parent goes away.
 *
 * Routes: `GET /` (the page), `GET /history`, `GET /events` (server-sent
 * events from the change feed), `POST /chat` `{conversationId, message}` (runs
 * one agent turn), `POST /watch` `{conversationId}` (subscribe and print the
 * other instances' updates), `GET /seen` (what the subscription has seen).
 *
 * Environment: INSTANCE_NAME (A, B, ...), REDIS_URL.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from '@openai/agents';
import { closeSharedConnections, RedisSession, RedisSessionConfigError, type ChangeEvent } from 'agents-redis-session';
import { createAgent } from './agent.js';
import { MULTI_PREFIX, MULTI_TTL_SECONDS } from './instances.js';
import { OwnWritesSession } from './ownWrites.js';
import { conversationPage } from './page.js';
import { streamConversation } from './sse.js';

/** How long a turn waits for the change feed to echo its own writes before answering. */
const ECHO_TIMEOUT_MS = 2000;

const name = process.env.INSTANCE_NAME ?? '?';
const tag = `[instance ${name}]`;
const agent = createAgent();

/** A conversation as this instance holds it: its session and what its subscription has seen. */
interface Conversation {
  session: OwnWritesSession;
  watching?: Promise<() => Promise<void>>;
  lastVersion: number;
  fromOthers: number[];
}
const conversations = new Map<string, Conversation>();
const streams = new Set<() => Promise<void>>();

function conversation(id: string): Conversation {
  let found = conversations.get(id);
  if (!found) {
    const redis = new RedisSession({ conversationId: id, keyPrefix: MULTI_PREFIX, ttl: MULTI_TTL_SECONDS });
    found = { session: new OwnWritesSession(redis), lastVersion: 0, fromOthers: [] };
    conversations.set(id, found);
  }
  return found;
}

/** Subscribes once to the conversation's change feed and prints every update made by another instance. */
function watch(id: string): Promise<() => Promise<void>> {
  const conv = conversation(id);
  conv.watching ??= conv.session.redis
    .subscribe((event) => {
      conv.lastVersion = event.version;
      if (conv.session.claim(event)) return;
      conv.fromOthers.push(event.version);
      console.log(`${tag} saw ${event.type} v${event.version} from another instance${preview(event)}`);
    })
    .catch((error: unknown) => {
      conv.watching = undefined; // the next request tries again
      throw error;
    });
  return conv.watching;
}

/** A short description of the items of an event. */
function preview(event: ChangeEvent): string {
  const texts = (event.items ?? []).map((item) =>
    'role' in item ? `${item.role}: ${JSON.stringify(typeof item.content === 'string' ? item.content : (item.content[0] as { text?: string })?.text ?? '')}` : item.type,
  );
  return texts.length > 0 ? ` (${texts.join(', ')})` : ` (${event.count} items)`;
}

/** Runs one agent turn on this instance and answers once the change feed has echoed its writes. */
async function chat(id: string, message: string): Promise<Record<string, unknown>> {
  const conv = conversation(id);
  await watch(id);
  const result = await run(agent, message, { session: conv.session });
  await conv.session.settled(ECHO_TIMEOUT_MS);
  console.log(`${tag} ran a turn: "${message}" → "${result.finalOutput}" (now v${conv.lastVersion})`);
  return { instance: name, pid: process.pid, reply: result.finalOutput, version: conv.lastVersion };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) body += chunk;
  const parsed: unknown = JSON.parse(body || '{}');
  return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /favicon.ico') return void res.writeHead(204).end();
  if (route === 'GET /' && !url.searchParams.get('conversationId')) {
    return void res.writeHead(302, { location: `/?conversationId=web-${Date.now()}` }).end();
  }
  if (route === 'GET /') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(conversationPage(name));

  const body = req.method === 'POST' ? await readJson(req) : {};
  const id = String(body.conversationId ?? url.searchParams.get('conversationId') ?? '');
  if (!id) return sendJson(res, 400, { error: 'conversationId is required' });
  switch (route) {
    case 'GET /history':
      return sendJson(res, 200, { instance: name, items: await conversation(id).session.getItems() });
    case 'GET /events': {
      const end = await streamConversation(res, conversation(id).session.redis, name);
      streams.add(end);
      res.once('close', () => streams.delete(end));
      return;
    }
    case 'POST /chat':
      if (typeof body.message !== 'string' || body.message.trim() === '') return sendJson(res, 400, { error: 'message is required' });
      return sendJson(res, 200, await chat(id, body.message));
    case 'POST /watch':
      await watch(id);
      return sendJson(res, 200, { instance: name, watching: id });
    case 'GET /seen': {
      const conv = conversation(id);
      return sendJson(res, 200, { instance: name, lastVersion: conv.lastVersion, fromOthers: conv.fromOthers });
    }
    default:
      return sendJson(res, 404, { error: `no route ${route}` });
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    const status = error instanceof RedisSessionConfigError || error instanceof SyntaxError ? 400 : 500;
    if (status === 500) console.error(`${tag} ${req.method} ${req.url} failed:`, error);
    if (!res.headersSent) sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
    else res.end();
  });
});

let stopping = false;
/** Ends the streams and subscriptions, closes the sessions and the server, then exits. */
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 3000).unref(); // never hang on the way out
  server.close();
  server.closeAllConnections();
  await Promise.allSettled([...streams].map((end) => end()));
  // close() also ends the session's subscriptions.
  await Promise.allSettled([...conversations.values()].map((conv) => conv.session.redis.close()));
  await closeSharedConnections();
  process.exit(0);
}
// `on`, not `once`: the Agents SDK exits on a signal by itself unless another listener remains.
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
process.once('disconnect', () => void shutdown()); // the parent is gone

server.listen({ host: '127.0.0.1', port: 0 }, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`${tag} pid ${process.pid} listening on http://127.0.0.1:${port}`);
  process.send?.({ type: 'listening', port });
});
