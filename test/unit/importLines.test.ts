/**
 * Unit tests (no Redis): reading an export file for `import` (src/cli/importLines.ts). Every line is checked before
 * anything is written; a bad file is refused as a whole, with the numbers of its bad lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError, EXIT } from '../../src/cli/cliError.js';
import { parseJsonl } from '../../src/cli/importLines.js';

const ENTRY = '{"role":"user","content":"hi"}';

/** One export line, with `fields` replacing (or, as undefined, removing) the defaults. */
function line(fields: Record<string, unknown> = {}): string {
  const record: Record<string, unknown> = { id: 'ada', key: 'conv:ada', ttl: 60, expiresAt: 1_800_000_000_000, items: [ENTRY], meta: { v: '1' }, ...fields };
  for (const [name, value] of Object.entries(fields)) if (value === undefined) delete record[name];
  return JSON.stringify(record);
}

/** The message of the usage error that `text` is refused with (fails if it is accepted). */
function refusal(text: string): string {
  try {
    parseJsonl(text, 'backup.jsonl');
  } catch (error) {
    assert.ok(error instanceof CliError, String(error));
    assert.equal(error.exitCode, EXIT.usage);
    assert.match(error.message, /^backup\.jsonl is not valid export JSONL; nothing was written:/);
    return error.message;
  }
  assert.fail(`accepted: ${text}`);
}

describe('parseJsonl', () => {
  it('reads each conversation: id, key, items, meta, and its expiry', () => {
    assert.deepEqual(parseJsonl(`${line()}\n`, 'stdin'), [
      { id: 'ada', key: 'conv:ada', expiry: { kind: 'at', at: 1_800_000_000_000 }, items: [ENTRY], meta: { v: '1' } },
    ]);
  });

  it('takes expiresAt over ttl; without expiresAt (files before format 1.1), the ttl in seconds', () => {
    const expiry = (fields: Record<string, unknown>) => parseJsonl(line(fields), 'f')[0]!.expiry;
    assert.deepEqual(expiry({ expiresAt: null }), { kind: 'none' });
    assert.deepEqual(expiry({ expiresAt: undefined, ttl: 60 }), { kind: 'ttl', seconds: 60 });
    assert.deepEqual(expiry({ expiresAt: undefined, ttl: null }), { kind: 'none' });
    assert.deepEqual(expiry({ expiresAt: undefined, ttl: 0 }), { kind: 'ttl', seconds: 0 }, 'expired at export time');
    assert.deepEqual(expiry({ ttl: undefined }), { kind: 'at', at: 1_800_000_000_000 });
  });

  it('skips blank lines, a byte order mark and a missing key (the id stands in)', () => {
    const lines = parseJsonl(`\uFEFF${line({ key: undefined })}\n\n  \n${line({ id: 'bob' })}`, 'f');
    assert.deepEqual(lines.map(({ id, key }) => [id, key]), [['ada', 'ada'], ['bob', 'conv:ada']]);
    assert.deepEqual(parseJsonl('', 'f'), []);
  });

  it('refuses each kind of bad line, naming the line and what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['{not json', /line 1: not valid JSON/],
      ['[1,2]', /line 1: expected a JSON object/],
      ['null', /line 1: expected a JSON object/],
      [line({ items: undefined }), /missing field "items"/],
      [line({ meta: undefined }), /missing field "meta"/],
      [line({ id: undefined }), /missing field "id"/],
      [line({ ttl: undefined, expiresAt: undefined }), /missing field "ttl" or "expiresAt"/],
      [line({ id: 'a{b}' }), /must not contain "\{" or "\}"/],
      [line({ key: 7 }), /"key" must be a string/],
      [line({ items: [ENTRY, 3] }), /"items" must be an array of strings/],
      [line({ meta: { v: 1 } }), /"meta" must be an object of string values/],
      [line({ meta: [] }), /"meta" must be an object of string values/],
      [line({ meta: { v: '01' } }), /"meta\.v" is the conversation's version/],
      [line({ meta: { v: '9223372036854775807' } }), /"meta\.v"/],
      [line({ expiresAt: -1 }), /"expiresAt" must be null or a whole number of milliseconds/],
      [line({ expiresAt: 1.5 }), /"expiresAt"/],
      [line({ expiresAt: 8.64e15 + 1 }), /"expiresAt"/],
      [line({ expiresAt: undefined, ttl: -5 }), /ttl must be null or a whole number of seconds from 0 to 315360000/],
      [line({ expiresAt: undefined, ttl: '60' }), /ttl must be null/],
    ];
    for (const [text, message] of cases) assert.match(refusal(text), message, text);
  });

  it('accepts the largest version the scripts can still increment', () => {
    assert.equal(parseJsonl(line({ meta: { v: '9223372036854775806' } }), 'f').length, 1);
  });

  it('refuses a conversation that appears twice, naming both lines', () => {
    assert.match(refusal(`${line()}\n${line()}`), /line 2: conversation "ada" appears again \(first on line 1\)/);
  });

  it('lists every bad line, up to ten', () => {
    const message = refusal(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 'bad' : line({ id: `ok-${i}` }))).join('\n'));
    assert.deepEqual(message.match(/line \d+/g), ['line 1', 'line 3', 'line 5', 'line 7', 'line 9', 'line 11']);
    const many = refusal(Array.from({ length: 15 }, () => 'bad').join('\n'));
    assert.equal(many.match(/line \d+/g)?.length, 10);
  });
});
