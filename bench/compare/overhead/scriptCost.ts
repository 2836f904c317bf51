/**
 * Where the write script's server time goes: EVALSHA of the append script (lua/pushItems-2.lua with its
 * libraries, as src/scripts/index.ts assembles it) against cut-down versions of it, on one server, in
 * interleaved rounds. Each row is `INFO commandstats` usec per EVALSHA (a script's time includes the
 * commands it ran), median over the rounds.
 */
import { readFileSync } from 'node:fs';
import { createClient } from 'redis';

/** The libraries of the append script, in the order src/scripts/index.ts sends them. */
const LIBRARIES = ['guards', 'sessionArgs', 'ownerIndexType', 'info', 'changeEvents', 'expiry', 'historyLimit', 'chunks'];
const LUA = new URL('../../../src/scripts/lua/', import.meta.url);
const withoutHeader = (text: string): string => text.replace(/^\s*--\[\[[\s\S]*?\n\]\][^\n]*\n?/, '');
const lua = (file: string): string => withoutHeader(readFileSync(new URL(file, LUA), 'utf8'));

export interface ScriptCostRow {
  readonly label: string;
  readonly usPerCall: number;
}

const KEYS = ['bench:cost', '{bench:cost}:meta'];
const ITEM = JSON.stringify({ role: 'user', content: 'x'.repeat(360) });
/** ARGV of the session's append (lib/sessionArgs.lua), then "append" and the item. */
const args = (ttl: number, events: boolean): string[] => [
  String(ttl), events ? '1' : '0', events ? '"conversationId":"cost","keyPrefix":"bench:"' : '', events ? 'bench:__events__' : '',
  '0', 'trim', '', '', '', '', 'cost', '0', ITEM,
];

export async function measureScriptCost(url: string, options: { rounds: number; calls: number }): Promise<ScriptCostRow[]> {
  const libraries = LIBRARIES.map((name) => lua(`lib/${name}.lua`)).join('\n');
  const body = lua('pushItems-2.lua');
  const variants = [
    { label: 'return 1 (the cost of any EVALSHA)', source: 'return 1', args: args(0, false) },
    { label: "redis.call('RPUSH') alone", source: "return redis.call('RPUSH', KEYS[1], ARGV[13])", args: args(0, false) },
    { label: 'the libraries, then return 1 (defining their functions on every call)', source: `${libraries}\nreturn 1`, args: args(0, false) },
    { label: 'the append script, changeEvents: false, no ttl', source: `${libraries}\n${body}`, args: args(0, false) },
    { label: 'the append script, default config (events on, ttl 3600)', source: `${libraries}\n${body}`, args: args(3600, true) },
  ];
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  try {
    const shas = await Promise.all(variants.map((variant) => client.scriptLoad(variant.source)));
    const samples = variants.map(() => [] as number[]);
    for (let round = 0; round < options.rounds; round++) {
      const order = variants.map((_, i) => i);
      if (round % 2 === 1) order.reverse();
      for (const i of order) {
        await client.del(KEYS);
        await client.configResetStat();
        for (let call = 0; call < options.calls; call++) {
          await client.evalSha(shas[i]!, { keys: KEYS, arguments: variants[i]!.args });
          if (call % 500 === 499) await client.lTrim(KEYS[0]!, -100, -1);
        }
        const stats = await client.info('commandstats');
        samples[i]!.push(Number(/cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(stats)?.[1] ?? NaN) / options.calls);
      }
    }
    await client.del(KEYS);
    return variants.map((variant, i) => ({ label: variant.label, usPerCall: median(samples[i]!) }));
  } finally {
    await client.close().catch(() => {});
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
