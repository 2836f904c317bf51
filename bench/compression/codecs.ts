/**
 * The codec comparison: every candidate of node:zlib (gzip and brotli at several levels, zstd where this Node has it)
 * on the same entries, and the package's own codec as sessions use it (src/serialization/itemCodec.ts): ratio and the
 * time to encode and decode one entry.
 */
import * as zlib from 'node:zlib';
import type { AgentInputItem } from '@openai/agents';
import { DEFAULT_COMPRESSION_MIN_BYTES } from '../../src/config/compression.js';
import { plainCodec } from '../../src/serialization/itemCodec.js';
import { summarize, type LatencySummary } from '../lib/stats.js';

/** One codec's result on the corpus's entries of at least minBytes. */
export interface CodecResult {
  name: string;
  /** JSON bytes / compressed bytes (raw, before base64). */
  ratio: number;
  encode: LatencySummary;
  decode: LatencySummary;
}

type Codec = { name: string; compress: (input: Buffer) => Buffer; decompress: (input: Buffer) => Buffer };

function brotli(quality: number): Codec {
  const { BROTLI_PARAM_QUALITY, BROTLI_PARAM_MODE, BROTLI_MODE_TEXT, BROTLI_PARAM_SIZE_HINT } = zlib.constants;
  return {
    name: `brotli ${quality}`,
    compress: (input) =>
      zlib.brotliCompressSync(input, { params: { [BROTLI_PARAM_QUALITY]: quality, [BROTLI_PARAM_MODE]: BROTLI_MODE_TEXT, [BROTLI_PARAM_SIZE_HINT]: input.length } }),
    decompress: (input) => zlib.brotliDecompressSync(input),
  };
}

function gzip(level: number): Codec {
  return { name: `gzip ${level}`, compress: (input) => zlib.gzipSync(input, { level }), decompress: (input) => zlib.gunzipSync(input) };
}

/** zstd, when this Node's zlib has it (22.15+, 24). */
function zstd(level: number): Codec | undefined {
  const z = zlib as unknown as Record<string, ((input: Buffer, options?: object) => Buffer) | undefined>;
  const compress = z.zstdCompressSync;
  const decompress = z.zstdDecompressSync;
  const parameter = (zlib.constants as unknown as Record<string, number | undefined>).ZSTD_c_compressionLevel;
  if (!compress || !decompress || parameter === undefined) return undefined;
  return { name: `zstd ${level}`, compress: (input) => compress(input, { params: { [parameter]: level } }), decompress: (input) => decompress(input) };
}

/** The candidates, in the order of the table. */
export function candidates(): Codec[] {
  return [gzip(1), gzip(6), gzip(9), brotli(1), brotli(4), brotli(5), brotli(6), brotli(9), brotli(11), zstd(3), zstd(9), zstd(19)].filter(
    (codec): codec is Codec => codec !== undefined,
  );
}

function time<T>(samples: number[], run: () => T): T {
  const start = process.hrtime.bigint();
  const result = run();
  samples.push(Number(process.hrtime.bigint() - start) / 1000);
  return result;
}

/** Each candidate on `entries` (JSON texts), `passes` times each (after one warm-up pass). */
export function compareCodecs(entries: readonly string[], passes: number): CodecResult[] {
  const inputs = entries.map((entry) => Buffer.from(entry, 'utf8'));
  const total = inputs.reduce((sum, input) => sum + input.length, 0);
  return candidates().map((codec) => {
    for (const input of inputs.slice(0, 20)) codec.decompress(codec.compress(input));
    const encode: number[] = [];
    const decode: number[] = [];
    let compressed = 0;
    // Slow levels (brotli 9 and 11, zstd 19) take milliseconds per entry: one pass is enough to rank them.
    const slow = /brotli (9|11)|zstd 19/.test(codec.name);
    for (let pass = 0; pass < (slow ? 1 : passes); pass++) {
      compressed = 0;
      for (const input of inputs) {
        const output = time(encode, () => codec.compress(input));
        compressed += output.length;
        time(decode, () => codec.decompress(output));
      }
    }
    return { name: codec.name, ratio: total / compressed, encode: summarize(encode), decode: summarize(decode) };
  });
}

/** What the package's codec stores and costs, with compression and without, per entry of at least minBytes. */
export interface PackageCodecResult {
  /** Every item's JSON bytes / what is stored for it, over whole conversations (small items included). */
  storedRatio: number;
  /** The same over the entries of at least minBytes: base64 and the entry's fields included. */
  largeStoredRatio: number;
  /** How many of the corpus's items are at least minBytes, and how many of them were stored compressed. */
  large: number;
  compressed: number;
  encodeCompressed: LatencySummary;
  encodePlain: LatencySummary;
  decodeCompressed: LatencySummary;
  decodePlain: LatencySummary;
}

/** The package's codec on `items`: plainCodec with the default compression against plainCodec without. */
export function measurePackageCodec(items: readonly AgentInputItem[], passes: number): PackageCodecResult {
  const minBytes = DEFAULT_COMPRESSION_MIN_BYTES;
  const compressing = plainCodec(16 * 1024 * 1024, { minBytes });
  const plain = plainCodec(16 * 1024 * 1024);
  const large = items.filter((item) => Buffer.byteLength(JSON.stringify(item)) >= minBytes);
  let json = 0;
  let stored = 0;
  for (const item of items) {
    json += Buffer.byteLength(plain.encode([item])[0]!);
    stored += Buffer.byteLength(compressing.encode([item])[0]!);
  }
  const timings = { encodeCompressed: [] as number[], encodePlain: [] as number[], decodeCompressed: [] as number[], decodePlain: [] as number[] };
  let largeJson = 0;
  let largeStored = 0;
  let compressedCount = 0;
  for (const item of large.slice(0, 20)) compressing.decode(compressing.encode([item])[0]!);
  for (let pass = 0; pass < passes; pass++) {
    largeJson = 0;
    largeStored = 0;
    compressedCount = 0;
    for (const item of large) {
      const [z] = time(timings.encodeCompressed, () => compressing.encode([item]));
      const [p] = time(timings.encodePlain, () => plain.encode([item]));
      time(timings.decodeCompressed, () => compressing.decode(z!));
      time(timings.decodePlain, () => plain.decode(p!));
      largeJson += Buffer.byteLength(p!);
      largeStored += Buffer.byteLength(z!);
      if (z !== p) compressedCount++;
    }
  }
  return {
    storedRatio: json / stored,
    largeStoredRatio: largeJson / largeStored,
    large: large.length,
    compressed: compressedCount,
    encodeCompressed: summarize(timings.encodeCompressed),
    encodePlain: summarize(timings.encodePlain),
    decodeCompressed: summarize(timings.decodeCompressed),
    decodePlain: summarize(timings.decodePlain),
  };
}

/** The package codec's cost for one item whose tool output is `bytes` long: median µs to encode and decode. */
export interface SizeResult {
  bytes: number;
  storedRatio: number;
  encodeUs: number;
  decodeUs: number;
}

/** One tool result of each size (at most all pages), cut from the pages laid end to end, encoded and decoded `runs` times each. */
export function measureBySize(pages: readonly string[], sizes: readonly number[], runs: number): SizeResult[] {
  const text = pages.join('\n\n');
  const compressing = plainCodec(16 * 1024 * 1024, { minBytes: DEFAULT_COMPRESSION_MIN_BYTES });
  return sizes.map((bytes) => {
    const output = text.slice(0, bytes);
    const item = { type: 'function_call_result', callId: 'call_1', name: 'fetch_page', status: 'completed', output: { type: 'text', text: output } };
    const encode: number[] = [];
    const decode: number[] = [];
    let entry = '';
    for (let run = 0; run < runs + 2; run++) {
      const e: number[] = run < 2 ? [] : encode;
      const d: number[] = run < 2 ? [] : decode;
      [entry] = time(e, () => compressing.encode([item])) as [string];
      time(d, () => compressing.decode(entry));
    }
    return { bytes, storedRatio: Buffer.byteLength(JSON.stringify(item)) / Buffer.byteLength(entry), encodeUs: summarize(encode).medianUs, decodeUs: summarize(decode).medianUs };
  });
}
