/**
 * A light structural reader for this repository's own docker-compose files:
 * enough to check what they reference and pass, with no YAML dependency. It
 * understands only the shapes those files use (a block or flow `command:`
 * list, `- item` lists), not YAML in general.
 */

/** Removes one level of YAML double or single quotes. */
function unquote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length >= 2 && (trimmed[0] === '"' || trimmed[0] === "'") && trimmed.endsWith(trimmed[0])) {
    return trimmed.slice(1, -1);
  }
  return trimmed;
}

/** The items of the block list under `key:` (indented `- item` lines), or of its flow list `key: [..]`. */
export function composeList(text: string, key: string): string[] {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => new RegExp(`^\\s*${key}:`).test(line));
  if (index < 0) throw new Error(`no "${key}:" in the compose file`);
  const line = lines[index]!;
  const inline = line.slice(line.indexOf(':') + 1).trim();
  if (inline.startsWith('[')) return (JSON.parse(inline) as unknown[]).map(String);
  const items: string[] = [];
  for (const next of lines.slice(index + 1)) {
    if (/^\s*#/.test(next) || next.trim() === '') continue;
    const item = /^\s*- (.*)$/.exec(next);
    if (!item) break;
    items.push(unquote(item[1]!));
  }
  return items;
}

/**
 * Replaces `${NAME}`, `${NAME:-default}` and `${NAME:?message}` as Compose does,
 * from `env`; a missing `:?` variable throws with its message.
 */
export function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind: string | undefined, rest: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (kind === '?') throw new Error(`compose variable ${name} is required: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}
