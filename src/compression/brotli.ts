import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/**
 * The compression codec, chosen by measurement (bench/compression.ts, docs/compression.md): brotli at quality 5,
 * text mode. On agent turns whose tool outputs are documents and JSON it stores them about 8% smaller than gzip at
 * its default level for about the same decoding time, and it is in `node:zlib` on every supported Node version
 * (zstd is not on Node 20). Entries name their codec, so another one can be added without breaking readers.
 */
export const CODEC_NAME = 'br';

/** Brotli's quality (0..11): past 5 the ratio barely improves, and from 9 on encoding is 10x slower. */
export const BROTLI_QUALITY = 5;

/** `text` compressed. Synchronous: tens to a few hundred microseconds for a typical entry (docs/compression.md). */
export function compress(text: string | Buffer): Buffer {
  const input = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return brotliCompressSync(input, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: input.length,
    },
  });
}

/**
 * `bytes` decompressed, as UTF-8 text, never more than `maxBytes` of it: a guard against a decompression bomb (a
 * small entry that would expand to gigabytes).
 *
 * @throws {Error} when `bytes` is not brotli data or expands past `maxBytes`.
 */
export function decompress(bytes: Buffer, maxBytes: number): string {
  return brotliDecompressSync(bytes, { maxOutputLength: maxBytes }).toString('utf8');
}
