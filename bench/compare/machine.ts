import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What the numbers were measured on, for the doc. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  redis: string;
  loadAverage: string;
  date: string;
  commit: string;
  packages: Record<string, string>;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((entry) => entry.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    // Not Linux: fall back to Node's view.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function packageVersion(name: string): string {
  for (const base of [new URL('../node_modules/', import.meta.url), new URL('../../node_modules/', import.meta.url)]) {
    try {
      return (JSON.parse(readFileSync(new URL(`${name}/package.json`, base), 'utf8')) as { version: string }).version;
    } catch {
      // Try the next node_modules.
    }
  }
  return 'not installed';
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? ' (with uncommitted changes in src/)' : ''}`;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(redisVersion: string): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    redis: redisVersion,
    loadAverage: os.loadavg().map((value) => value.toFixed(2)).join(' '),
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    commit: commit(),
    packages: Object.fromEntries(
      ['redis', '@openai/agents', '@langchain/redis', '@langchain/core', '@mastra/redis', '@mastra/core'].map((name) => [name, packageVersion(name)]),
    ),
  };
}
