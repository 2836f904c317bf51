import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { AgentInputItem } from '@openai/agents';
import { compress, CODEC_NAME, decompress } from '../compression/brotli.js';
import { decompressionLimit } from '../compression/compressedEntry.js';
import type { CompressionSettings } from '../config/compression.js';
import { RedisSessionIntegrityError } from '../errors.js';
import { clearFields } from '../serialization/clearFields.js';
import { canonicalJson, canonicalText, decodeItem } from '../serialization/codec.js';
import { decodePlainEntry, encodeWithinLimit, type ItemCodec } from '../serialization/itemCodec.js';
import type { Keyring, KeyringEntry } from './keyring.js';

/*
 * A stored entry of an encrypted conversation is one JSON object:
 *
 *   {"$enc":1,"kid":"<key id>","iv":"<12 bytes>","ct":"<ciphertext + 16-byte GCM tag>","fp":"<16 bytes>"
 *    [,"z":"br"][,"type":"function_call","callId":"<call id>"]}
 *
 * (bytes in base64). `ct` is AES-256-GCM of the item's JSON, with the
 * conversation id as additional data, so an entry copied into another
 * conversation fails authentication. `fp` is an HMAC-SHA256 of the item's
 * canonical JSON under the key's fingerprint subkey: the `applyTransaction`
 * script compares it to check a transaction's expected suffix without
 * decrypting. A function call's type and call id stay in clear text so that
 * the `mutateHistory` script can find it; reading checks they match the
 * decrypted item. With the `compression` option, a large item's JSON is
 * compressed, then encrypted: `z` names the codec (compression/brotli.ts),
 * and is authenticated with the ciphertext (added to the additional data).
 * The field order is fixed: the scripts match it.
 */

const VERSION_PREFIX = '{"$enc":1,';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FINGERPRINT_BYTES = 16;

interface Envelope {
  $enc: 1;
  kid: string;
  iv: string;
  ct: string;
  fp: string;
  z?: string;
  type?: string;
  callId?: string;
}

function fingerprint(key: KeyringEntry, canonical: string): string {
  return createHmac('sha256', key.fingerprintKey).update(canonical).digest().subarray(0, FINGERPRINT_BYTES).toString('base64');
}

/**
 * Items stored encrypted with AES-256-GCM (the `encryption` option), for the
 * conversation `conversationId`, whose items key `itemsKey` names it in errors;
 * with `compression`, large items are compressed before they are encrypted.
 */
export function encryptedCodec(
  keyring: Keyring,
  conversationId: string,
  itemsKey: string,
  maxItemBytes: number,
  compression?: CompressionSettings,
): ItemCodec {
  const maxBytes = decompressionLimit(maxItemBytes);
  const aad = Buffer.from(`agents-redis-session/v1\0${conversationId}`);
  // A compressed item's additional data also names the codec: removing or adding "z" fails authentication.
  const compressedAad = Buffer.concat([aad, Buffer.from(`\0${CODEC_NAME}`)]);
  const integrityError = (problem: string) =>
    new RedisSessionIntegrityError(
      `An entry of the encrypted conversation ${itemsKey} ${problem} Its content was not returned. ` +
        'Restore the conversation from a backup, or delete the entry (or the conversation).',
    );

  const encrypt = (item: unknown, position: string): string => {
    const json = encodeWithinLimit(item, position, maxItemBytes);
    let plaintext: Buffer = Buffer.from(json, 'utf8');
    let codec = '';
    if (compression !== undefined && plaintext.length >= compression.minBytes) {
      const compressed = compress(plaintext);
      if (compressed.length < plaintext.length) {
        plaintext = compressed;
        codec = `,"z":"${CODEC_NAME}"`;
      }
    }
    const key = keyring.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.encryptionKey, iv).setAAD(codec === '' ? aad : compressedAad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    // encodeWithinLimit checked the item: the same rule as plain items (serialization/storable.ts).
    const fp = fingerprint(key, canonicalText(item));
    return `${VERSION_PREFIX}"kid":${JSON.stringify(key.id)},"iv":"${iv.toString('base64')}","ct":"${ciphertext.toString('base64')}","fp":"${fp}"${codec}${clearFields(item)}}`;
  };

  const decrypt = (entry: string): AgentInputItem => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(entry) as Envelope;
    } catch {
      throw integrityError('is not valid JSON: it was modified.');
    }
    const { kid, iv, ct, fp, z } = envelope;
    if (typeof kid !== 'string' || typeof iv !== 'string' || typeof ct !== 'string' || typeof fp !== 'string') {
      throw integrityError('is missing encryption fields: it was modified.');
    }
    if (z !== undefined && z !== CODEC_NAME) {
      throw integrityError(`names a compression codec this version cannot read (${JSON.stringify(String(z)).slice(0, 20)}): upgrade agents-redis-session, or it was modified.`);
    }
    const key = keyring.byId.get(kid);
    if (!key) {
      throw integrityError(
        `is encrypted with key id "${kid}", which is not in encryption.keys. Add that key back (keep retired keys while their items remain).`,
      );
    }
    const ivBytes = Buffer.from(iv, 'base64');
    const sealed = Buffer.from(ct, 'base64');
    let plaintext: Buffer;
    let json: string;
    try {
      if (ivBytes.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new Error('malformed');
      const decipher = createDecipheriv('aes-256-gcm', key.encryptionKey, ivBytes).setAAD(z === undefined ? aad : compressedAad);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      plaintext = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw integrityError('failed authentication (AES-GCM): it was modified, or copied from another conversation.');
    }
    try {
      json = z === undefined ? plaintext.toString('utf8') : decompress(plaintext, maxBytes);
    } catch {
      throw integrityError(`does not decompress to at most ${maxBytes} bytes: it was written with a larger maxItemBytes. Raise maxItemBytes.`);
    }
    const item = decodeItem(json);
    if (!item || fingerprint(key, canonicalText(item)) !== fp || clearFields(item) !== clearFields(envelope)) {
      throw integrityError('has a fingerprint or clear-text fields that do not match its content: it was modified.');
    }
    return item;
  };

  return {
    encode: (items, what = 'item') => items.map((item, index) => encrypt(item, `${what} ${index}`)),
    expected: (items, what) =>
      items.map((item, index) => {
        const canonical = canonicalJson(item, `${what} ${index}`);
        return `\u0001${[...keyring.byId.values()].map((key) => `${key.id}=${fingerprint(key, canonical)}`).join('\u0001')}\u0001`;
      }),
    decode: (entry) => {
      if (entry.startsWith(VERSION_PREFIX)) return decrypt(entry);
      if (keyring.allowPlaintext) return decodePlainEntry(entry, maxBytes);
      throw integrityError('is not encrypted. Set encryption.allowPlaintext to read entries stored before encryption was turned on.');
    },
    eventsCarryItems: false,
  };
}
