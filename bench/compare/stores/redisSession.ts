import type { AgentInputItem } from '@openai/agents';
import { closeSharedConnections, RedisSession } from '../../../dist/index.js';
import type { Conversation, Store } from './types.js';

export interface RedisSessionVariant {
  changeEvents: boolean;
  ttl: number | null;
}

/** This package, built from the repo (dist/), one session per conversation; sessions share one connection per URL. */
export function redisSessionStore(url: string, variant: RedisSessionVariant): Store {
  const sessions: RedisSession[] = [];
  const tags = [variant.changeEvents ? 'events on' : 'events off', ...(variant.ttl ? ['ttl'] : [])];
  return {
    name: `RedisSession (${tags.join(', ')})`,
    description:
      `agents-redis-session, changeEvents: ${variant.changeEvents}, ttl: ${variant.ttl ?? 'none'}` +
      (variant.changeEvents
        ? ' (writes: one EVALSHA that also stamps the info, versions and publishes)'
        : variant.ttl
          ? ' (writes: one EVALSHA that also stamps the info; reads: LRANGE + touch EVALSHA, pipelined)'
          : ' (writes: one EVALSHA that also stamps the info: updatedAt in the metadata hash; reads: LRANGE)'),
    usesRedis: true,
    conversation(id: string): Conversation {
      const session = new RedisSession({ redisUrl: url, keyPrefix: 'rs:', conversationId: id, ttl: variant.ttl, changeEvents: variant.changeEvents });
      sessions.push(session);
      return {
        append: (items: AgentInputItem[]) => session.addItems(items),
        last: (count) => session.getItems(count),
        pop: () => session.popItem(),
        clear: () => session.clearSession(),
        async fill(items) {
          for (let i = 0; i < items.length; i += 500) await session.addItems(items.slice(i, i + 500));
        },
      };
    },
    async close() {
      await Promise.allSettled(sessions.map((session) => session.close()));
      await closeSharedConnections();
    },
  };
}
