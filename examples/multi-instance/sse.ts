import type { ServerResponse } from 'node:http';
import type { ChangeEvent, RedisSession } from 'agents-redis-session';

/** How often a snapshot is re-read when changes keep arriving while it is read. */
const SNAPSHOT_ATTEMPTS = 5;
/** A comment line every so often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * Serves one server-sent-events stream for a conversation, fed by this
 * instance's change feed (`session.subscribe`):
 *
 * - `snapshot` `{ instance, items, version }` first: the history, read after
 *   subscribing. If changes arrive while it is read, it is read again, so it
 *   includes every change received before it; `version` is the last such
 *   change's version (null when none arrived).
 * - then `change` with each {@link ChangeEvent} as it arrives, and `gap`
 *   `{ expected, received }` when the feed reports missed versions (the page
 *   then reloads the history).
 *
 * Unsubscribes when the client goes away. Returns the function that ends the stream.
 */
export async function streamConversation(
  res: ServerResponse,
  session: RedisSession,
  instance: string,
): Promise<() => Promise<void>> {
  let gone = false;
  res.once('close', () => (gone = true));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  let buffered: ChangeEvent[] | undefined = [];
  const unsubscribe = await session.subscribe(
    (event) => (buffered ? buffered.push(event) : send('change', event)),
    { onGap: (info) => send('gap', info) },
  );

  // Changes received before a read started are in what it returns; if more arrive meanwhile, read again.
  let included = buffered.length;
  let items = await session.getItems();
  for (let attempt = 1; attempt < SNAPSHOT_ATTEMPTS && buffered.length > included; attempt++) {
    included = buffered.length;
    items = await session.getItems();
  }
  const version = included > 0 ? buffered[included - 1]!.version : null;
  send('snapshot', { instance, items, version });
  for (const event of buffered.slice(included)) send('change', event);
  buffered = undefined;

  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    clearInterval(keepalive);
    await unsubscribe();
    res.end();
  };
  if (gone) await end();
  else res.once('close', () => void end());
  return end;
}
