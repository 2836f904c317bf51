/** The printed tables and the docs/benchmarks.md section of the compression benchmark (bench/compression.ts). */
import { markdownTable, table } from '../lib/table.js';
import type { LatencySummary } from '../lib/stats.js';
import type { MachineInfo } from '../compare/machine.js';
import type { CodecResult, PackageCodecResult, SizeResult } from './codecs.js';
import type { MemoryResult } from './memory.js';

export interface CompressionResults {
  machine: MachineInfo;
  corpus: { pages: number; packageJsons: number; conversations: number; turns: number; items: number; large: number; meanLargeBytes: number };
  codecs: CodecResult[];
  packageCodec: PackageCodecResult;
  bySize: SizeResult[];
  memory: MemoryResult[];
  seconds: number;
}

const us = (value: number): string => (value >= 1000 ? value.toFixed(0) : value.toFixed(1));
const timing = (summary: LatencySummary): string => `${us(summary.meanUs)} / ${us(summary.medianUs)} / ${us(summary.p99Us)}`;
const bytes = (value: number): string => `${Math.round(value).toLocaleString('en-US')} B`;
const RIGHT = new Set([1, 2, 3]);

function codecRows(results: CompressionResults): [string[], string[][]] {
  return [
    ['codec', 'ratio', 'encode µs (mean / median / p99)', 'decode µs (mean / median / p99)'],
    results.codecs.map((codec) => [codec.name, `${codec.ratio.toFixed(2)}×`, timing(codec.encode), timing(codec.decode)]),
  ];
}

function packageRows(results: CompressionResults): [string[], string[][]] {
  const p = results.packageCodec;
  return [
    ['entry of ≥ 1 KiB', 'stored ratio', 'encode µs (mean / median / p99)', 'decode µs (mean / median / p99)'],
    [
      ['plain JSON', '1.00×', timing(p.encodePlain), timing(p.decodePlain)],
      ['compressed (brotli 5)', `${p.largeStoredRatio.toFixed(2)}×`, timing(p.encodeCompressed), timing(p.decodeCompressed)],
    ],
  ];
}

function sizeRows(results: CompressionResults): [string[], string[][]] {
  return [
    ['tool output', 'stored ratio', 'encode µs (median)', 'decode µs (median)'],
    results.bySize.map((row) => [`${(row.bytes / 1024).toLocaleString('en-US')} KiB`, `${row.storedRatio.toFixed(2)}×`, us(row.encodeUs), us(row.decodeUs)]),
  ];
}

function memoryRows(results: CompressionResults): [string[], string[][]] {
  const plain = results.memory[0]!;
  return [
    ['variant', 'used_memory per conversation', 'MEMORY USAGE of its items list', 'vs plain JSON'],
    results.memory.map((row) => [
      row.variant,
      bytes(row.usedMemoryPerConversation),
      bytes(row.itemsKeyPerConversation),
      `${(row.itemsKeyPerConversation / plain.itemsKeyPerConversation).toFixed(2)}×`,
    ]),
  ];
}

function corpusLine(results: CompressionResults): string {
  const c = results.corpus;
  return (
    `${c.conversations} conversations of ${c.turns} turns (${c.items} items): each turn a user message, a function call, its result ` +
    `and an assistant message; the results are ${c.pages} README/docs pages of the installed packages (fetched pages), ` +
    `${c.packageJsons} package.json files (file reads) and search-API-like JSON built from them. ` +
    `${c.large} items are of at least 1 KiB (mean ${bytes(c.meanLargeBytes)}).`
  );
}

export function renderConsole(results: CompressionResults): string {
  const p = results.packageCodec;
  return [
    `Corpus: ${corpusLine(results)}`,
    '',
    'Codecs on the entries of at least 1 KiB (ratio = JSON bytes / compressed bytes, before base64):',
    table(...codecRows(results), RIGHT),
    '',
    `The package's codec (plainCodec, compression: true): whole conversations stored ${p.storedRatio.toFixed(2)}× smaller; ${p.compressed} of ${p.large} large entries compressed.`,
    table(...packageRows(results), RIGHT),
    '',
    'By size of the tool output (one function_call_result of documentation text):',
    table(...sizeRows(results), RIGHT),
    '',
    'Redis memory per conversation:',
    table(...memoryRows(results), RIGHT),
  ].join('\n');
}

export function renderMarkdown(results: CompressionResults): string {
  const m = results.machine;
  const p = results.packageCodec;
  return [
    '## Compression at rest',
    '',
    `Measured by \`npm run build && npx tsx bench/compression.ts\`, offline, on its own \`redis-server\`: ${m.cpuModel}, ${m.cores} cores, ` +
      `Node ${m.node}, redis-server ${m.redis}, load average ${m.loadAverage}, this repo at ${m.commit}, ${m.date}, ${Math.round(results.seconds)} s. ` +
      'The option and the format: [compression.md](compression.md).',
    '',
    `Corpus: ${corpusLine(results)}`,
    '',
    '### Codecs',
    '',
    'Every candidate of `node:zlib` on the same entries of at least 1 KiB: ratio is JSON bytes over compressed bytes (before base64); times per entry, synchronous calls.',
    '',
    markdownTable(...codecRows(results), RIGHT),
    '',
    '### The package\'s codec',
    '',
    `What a session with \`compression: true\` stores for the entries of at least 1 KiB (base64 and the entry's fields included), ` +
      `and its cost per entry, against plain JSON. Over whole conversations (small items stored as they are), ${p.storedRatio.toFixed(2)}× fewer bytes are stored; ` +
      `${p.compressed} of ${p.large} large entries were compressed.`,
    '',
    markdownTable(...packageRows(results), RIGHT),
    '',
    'By size of the tool output (one `function_call_result` of documentation text): the synchronous call blocks the event loop this long.',
    '',
    markdownTable(...sizeRows(results), RIGHT),
    '',
    '### Redis memory',
    '',
    'The same conversations written one turn per `addItems` to a flushed server, by sessions of each variant.',
    '',
    markdownTable(...memoryRows(results), RIGHT),
  ].join('\n');
}
