import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

// The README is the front page and docs/ holds the details: every relative link between them must lead somewhere.

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** Markdown without fenced code blocks and inline code, whose `#` lines and brackets are not headings or links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()#]/g, ''));
}

/** The anchors GitHub gives the headings of a markdown file: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const fenced = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of fenced.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Every `[text](target)` link of a markdown file that is not an absolute URL. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('documentation links', () => {
  it('every relative link of the README, CONTRIBUTING.md and docs/ points at an existing file and heading', () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      for (const target of relativeLinks(readFileSync(join(ROOT, doc), 'utf8'))) {
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? join(ROOT, doc) : resolve(ROOT, dirname(doc), decodeURIComponent(path));
        if (!existsSync(file)) {
          broken.push(`${doc}: ${target} (no file ${relative(ROOT, file)})`);
        } else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
          broken.push(`${doc}: ${target} (no heading #${anchor} in ${relative(ROOT, file)})`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it('the anchors are computed as GitHub does', () => {
    const anchors = anchorsOf('# A title\n## `export [--match <glob>] [--out <file>|-]`\n## Durability (`WAIT`)\n```\n# not a heading\n```\n## A title\n');
    assert.deepEqual([...anchors], ['a-title', 'export---match-glob---out-file-', 'durability-wait', 'a-title-1']);
  });
});

describe('the README is a front page', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('is under 10 KB', () => {
    assert.ok(Buffer.byteLength(readme) < 10_000, `README.md is ${Buffer.byteLength(readme)} bytes: move details to docs/`);
  });

  it('shows the two quick-start commands as they are typed', () => {
    const quickStart = /^## Quick start\n+```sh\n([\s\S]*?)```/m.exec(readme)?.[1];
    assert.equal(quickStart, 'npm install && npm run demo\nnpm test\n');
  });
});
