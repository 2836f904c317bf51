import { RedisSessionConfigError } from '../errors.js';
import { describe } from './describeValue.js';

/** Default `compression.minBytes`: smaller items (messages, tool calls) gain little, and are stored as they are. */
export const DEFAULT_COMPRESSION_MIN_BYTES = 1024;
/** Redis's largest value: a larger `minBytes` would never compress anything. */
const MAX_MIN_BYTES = 512 * 1024 * 1024;

/** The `compression` option: compress large items at rest (docs/compression.md). */
export interface CompressionOptions {
  /**
   * Items whose JSON is at least this many UTF-8 bytes are compressed, and stored so only when that makes them
   * smaller. Default 1024.
   */
  minBytes?: number;
}

/** The checked `compression` option. */
export interface CompressionSettings {
  /** Items whose JSON is smaller than this many UTF-8 bytes are stored as they are. */
  readonly minBytes: number;
}

/**
 * Checks the `compression` option: `true` (the defaults), an object of {@link CompressionOptions}, or
 * `false`/`undefined` for none (entries already compressed are still read).
 *
 * @throws {RedisSessionConfigError} when it is anything else.
 */
export function validateCompression(option: unknown): CompressionSettings | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { minBytes: DEFAULT_COMPRESSION_MIN_BYTES };
  if (option === null || typeof option !== 'object' || Array.isArray(option)) {
    throw new RedisSessionConfigError(`compression must be true, false or an object such as { minBytes: 1024 }; got ${describe(option)}.`);
  }
  const { minBytes = DEFAULT_COMPRESSION_MIN_BYTES } = option as CompressionOptions;
  if (typeof minBytes !== 'number' || !Number.isInteger(minBytes) || minBytes < 1 || minBytes > MAX_MIN_BYTES) {
    throw new RedisSessionConfigError(
      `compression.minBytes must be a whole number of bytes from 1 to ${MAX_MIN_BYTES}; got ${describe(minBytes)}. ` +
        'Items whose JSON is smaller are stored uncompressed (default 1024).',
    );
  }
  return { minBytes };
}
