/**
 * An offline corpus of agent turns whose tool outputs are real documents: the README and docs (*.md) files of the
 * installed packages stand in for fetched pages, their package.json files for file reads, and API-like JSON responses
 * (a search API's page of results) are synthesized from those package.json files. Deterministic for one node_modules.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AgentInputItem } from '@openai/agents';

/** Documents smaller than this are skipped (badges-only READMEs); larger ones are cut, as a fetch tool would. */
const MIN_DOCUMENT_BYTES = 400;
const MAX_DOCUMENT_BYTES = 64 * 1024;

/** The documents a corpus is built from. */
export interface Documents {
  pages: string[];
  packageJsons: string[];
}

/** Every *.md file and package.json under `root` (node_modules), at most `limit` of each, in a stable order. */
export function findDocuments(root: string, limit = 400): Documents {
  const pages: string[] = [];
  const packageJsons: string[] = [];
  const visit = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (pages.length >= limit && packageJsons.length >= limit) return;
      const file = path.join(dir, name);
      let stat;
      try {
        stat = statSync(file);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (depth < 6 && name !== '.bin' && name !== 'test' && name !== 'tests') visit(file, depth + 1);
      } else if (/\.md$/i.test(name) && stat.size >= MIN_DOCUMENT_BYTES && pages.length < limit) {
        pages.push(readFileSync(file, 'utf8').slice(0, MAX_DOCUMENT_BYTES));
      } else if (name === 'package.json' && packageJsons.length < limit) {
        packageJsons.push(readFileSync(file, 'utf8'));
      }
    }
  };
  visit(root, 0);
  return { pages, packageJsons };
}

/** A search API's page of results, as JSON APIs answer: ids, urls, timestamps, nested owners, built from package.json files. */
function apiResponse(packageJsons: string[], seed: number): string {
  const results = [];
  for (let i = 0; i < 8; i++) {
    const pkg = JSON.parse(packageJsons[(seed * 8 + i) % packageJsons.length]!) as Record<string, unknown>;
    const name = String(pkg.name ?? `package-${i}`);
    results.push({
      id: 100_000 + seed * 8 + i,
      node_id: Buffer.from(`R_${name}_${seed}`).toString('base64'),
      name,
      full_name: `${name}/${name}`,
      description: pkg.description ?? null,
      version: pkg.version ?? null,
      license: pkg.license ?? null,
      keywords: pkg.keywords ?? [],
      owner: { login: name.split('/')[0], id: 5000 + i, type: 'Organization', url: `https://api.example.com/users/${name.split('/')[0]}` },
      html_url: `https://example.com/${name}`,
      url: `https://api.example.com/repos/${name}`,
      created_at: new Date(Date.UTC(2020, i % 12, 1 + (seed % 28))).toISOString(),
      updated_at: new Date(Date.UTC(2026, seed % 12, 1 + (i % 28))).toISOString(),
      stargazers_count: (seed * 7919 + i * 104729) % 50_000,
      open_issues_count: (seed * 31 + i) % 400,
      dependencies: pkg.dependencies ?? {},
      score: 1 - i / 10,
    });
  }
  return JSON.stringify({ total_count: 1000 + seed, incomplete_results: false, items: results }, null, 2);
}

/** What one tool call of a turn fetched. */
function toolOutput(documents: Documents, turn: number): { name: string; args: string; output: string } {
  switch (turn % 3) {
    case 0:
      return { name: 'fetch_page', args: JSON.stringify({ url: `https://docs.example.com/page/${turn}` }), output: documents.pages[turn % documents.pages.length]! };
    case 1:
      return { name: 'search_api', args: JSON.stringify({ q: `topic ${turn}`, per_page: 8 }), output: apiResponse(documents.packageJsons, turn) };
    default:
      return { name: 'read_file', args: JSON.stringify({ path: `node_modules/pkg-${turn}/package.json` }), output: documents.packageJsons[turn % documents.packageJsons.length]! };
  }
}

/** One agent turn: the user's question, the tool call, its result (the document) and the assistant's answer. */
export function agentTurn(documents: Documents, turn: number): AgentInputItem[] {
  const { name, args, output } = toolOutput(documents, turn);
  const callId = `call_${turn.toString(36).padStart(8, '0')}`;
  const firstLine = output.split('\n').find((line) => line.trim().length > 20)?.trim() ?? 'the document';
  return [
    { role: 'user', content: `Question ${turn}: what does this say about the configuration? Summarize the key points.` },
    { type: 'function_call', callId, name, arguments: args, status: 'completed' },
    { type: 'function_call_result', callId, name, status: 'completed', output: { type: 'text', text: output } },
    {
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: `Here is what I found. ${firstLine.slice(0, 200)} The rest covers installation, usage and options.` }],
    },
  ] as AgentInputItem[];
}

/** `turns` turns starting at turn number `first`. */
export function conversation(documents: Documents, first: number, turns: number): AgentInputItem[] {
  const items: AgentInputItem[] = [];
  for (let turn = first; turn < first + turns; turn++) items.push(...agentTurn(documents, turn));
  return items;
}
