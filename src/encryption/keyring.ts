import { hkdfSync } from 'node:crypto';
import { RedisSessionConfigError } from '../errors.js';

/** A 256-bit key: 32 bytes, or their base64 text. */
export type EncryptionKey = Uint8Array | string;

/**
 * Encryption at rest (the `encryption` option): every item is stored as
 * AES-256-GCM ciphertext, bound to its conversation, under one of several
 * keys so that keys can be rotated while old items stay readable.
 */
export interface EncryptionOptions {
  /**
   * The keys, by key id (letters, digits, `.`, `_`, `-`; up to 64 characters):
   * 32 random bytes each, e.g. `crypto.randomBytes(32)` or its base64 text.
   * Keep a retired key here as long as items encrypted with it remain.
   * For one key per tenant, pass each tenant's session its own keys
   * (see {@link deriveTenantKey}).
   */
  keys: Record<string, EncryptionKey>;
  /** The id of the key that encrypts new items. Rotate by adding a key and pointing this at it. */
  currentKeyId: string;
  /**
   * Also read entries stored as plain JSON before encryption was turned on.
   * Default `false`: an unencrypted entry is reported as an integrity failure,
   * so that nobody with write access to Redis can slip items in.
   */
  allowPlaintext?: boolean;
}

/** One configured key, split into its two purposes (HKDF): encrypting, and fingerprinting items. */
export interface KeyringEntry {
  readonly id: string;
  readonly encryptionKey: Buffer;
  readonly fingerprintKey: Buffer;
}

/** The checked `encryption` option. */
export interface Keyring {
  readonly current: KeyringEntry;
  readonly byId: ReadonlyMap<string, KeyringEntry>;
  readonly allowPlaintext: boolean;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

function subkey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `agents-redis-session/v1/${purpose}`, KEY_BYTES));
}

function keyBytes(id: string, key: unknown): Buffer {
  const bytes =
    key instanceof Uint8Array
      ? Buffer.from(key.buffer, key.byteOffset, key.byteLength)
      : typeof key === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(key.trim())
        ? Buffer.from(key.trim(), 'base64')
        : undefined;
  if (!bytes || bytes.length !== KEY_BYTES) {
    // Never echo the key: say only what shape was expected.
    throw new RedisSessionConfigError(
      `encryption.keys["${id}"] must be ${KEY_BYTES} bytes (a Uint8Array, or its base64 text), ` +
        'for example crypto.randomBytes(32).toString("base64"). The value given is not shown.',
    );
  }
  return bytes;
}

/**
 * Checks the `encryption` option and derives the working keys.
 *
 * @throws {RedisSessionConfigError} when a key id or key is malformed, or `currentKeyId` names no key.
 */
export function validateEncryption(options: unknown): Keyring {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new RedisSessionConfigError('encryption must be an object: { keys: { k1: <32 bytes> }, currentKeyId: "k1" }.');
  }
  const { keys, currentKeyId, allowPlaintext = false } = options as EncryptionOptions;
  if (keys === null || typeof keys !== 'object' || Object.keys(keys).length === 0) {
    throw new RedisSessionConfigError('encryption.keys must hold at least one key, for example { k1: crypto.randomBytes(32) }.');
  }
  const byId = new Map<string, KeyringEntry>();
  for (const [id, key] of Object.entries(keys)) {
    if (!KEY_ID.test(id)) {
      throw new RedisSessionConfigError('encryption.keys ids must be 1 to 64 letters, digits, ".", "_" or "-", such as "2026-11".');
    }
    const bytes = keyBytes(id, key);
    byId.set(id, { id, encryptionKey: subkey(bytes, 'encrypt'), fingerprintKey: subkey(bytes, 'fingerprint') });
  }
  const current = typeof currentKeyId === 'string' ? byId.get(currentKeyId) : undefined;
  if (!current) {
    throw new RedisSessionConfigError(
      `encryption.currentKeyId must name one of the keys (${[...byId.keys()].join(', ')}); got ${typeof currentKeyId === 'string' ? `"${currentKeyId}"` : String(currentKeyId)}.`,
    );
  }
  if (typeof allowPlaintext !== 'boolean') {
    throw new RedisSessionConfigError('encryption.allowPlaintext must be true or false.');
  }
  return { current, byId, allowPlaintext };
}

/**
 * Derives a tenant's own 32-byte key from one master secret (HKDF-SHA256), so
 * that each tenant's conversations are encrypted under a different key while
 * you store only the master secret. Pass the result in `encryption.keys`.
 *
 * @param masterKey - At least 32 random bytes, kept in your secret store.
 * @param tenant - The tenant's stable name, such as its key prefix.
 */
export function deriveTenantKey(masterKey: Uint8Array, tenant: string): Uint8Array {
  if (!(masterKey instanceof Uint8Array) || masterKey.byteLength < KEY_BYTES) {
    throw new RedisSessionConfigError(`deriveTenantKey needs a master key of at least ${KEY_BYTES} random bytes.`);
  }
  if (typeof tenant !== 'string' || tenant === '') {
    throw new RedisSessionConfigError('deriveTenantKey needs a non-empty tenant name.');
  }
  return new Uint8Array(hkdfSync('sha256', masterKey, Buffer.alloc(0), `agents-redis-session/v1/tenant/${tenant}`, KEY_BYTES));
}
