import { decompressEntry, isCompressed } from '../compression/compressedEntry.js';
import { DEFAULT_MAX_ITEM_BYTES } from '../config/limits.js';
import { preview } from './output.js';

/** How `show` presents one stored entry. */
export interface EntryView {
  /** The role (`user`, `assistant`), else the item type (`function_call`), or `(corrupt)` / `(encrypted)`. */
  kind: string;
  /** A one-line preview of the text. */
  preview: string;
  status: 'ok' | 'corrupt' | 'encrypted';
  /** The parsed item, when it is one. */
  value?: Record<string, unknown>;
}

/**
 * Describes a raw stored entry; a compressed one (the `compression` option) is decompressed first. Entries that are
 * not JSON objects, or compressed ones that do not decompress, are reported as corrupt, never thrown.
 */
export function describeEntry(raw: string): EntryView {
  let text = raw;
  if (isCompressed(raw)) {
    const json = decompressEntry(raw, DEFAULT_MAX_ITEM_BYTES);
    if (json === undefined) {
      return { kind: '(corrupt)', preview: `compressed, does not decompress (to at most ${DEFAULT_MAX_ITEM_BYTES} bytes)`, status: 'corrupt' };
    }
    text = json;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: '(corrupt)', preview: `not JSON: ${preview(raw, 40)}`, status: 'corrupt' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: '(corrupt)', preview: `not an object: ${preview(raw, 40)}`, status: 'corrupt' };
  }
  const item = value as Record<string, unknown>;
  if ('$enc' in item) return { kind: '(encrypted)', preview: '', status: 'encrypted' };
  const type = typeof item.type === 'string' ? item.type : undefined;
  const role = typeof item.role === 'string' ? item.role : undefined;
  const kind = role ?? (type === 'function_call' && typeof item.name === 'string' ? `function_call ${item.name}` : type) ?? '?';
  return { kind, preview: preview(textOf(item)), status: 'ok', value: item };
}

/** The readable text of an item: its content, a call's arguments, or a call result's output. */
function textOf(item: Record<string, unknown>): string {
  if (item.type === 'function_call') return String(item.arguments ?? '');
  if ('output' in item) return partsText(item.output);
  return partsText(item.content ?? item.summary ?? '');
}

function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(partsText).filter((text) => text !== '').join(' ');
  if (content !== null && typeof content === 'object') {
    const part = content as Record<string, unknown>;
    if (typeof part.text === 'string') return part.text;
    if (typeof part.refusal === 'string') return part.refusal;
    if (typeof part.type === 'string') return `[${part.type}]`;
  }
  return '';
}
