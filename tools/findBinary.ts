import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Returns the absolute path of executable `name` found on `PATH`, or
 * `undefined` when there is none. A `name` containing a slash is checked as is.
 */
export function findBinary(name: string): string | undefined {
  const candidates = name.includes('/')
    ? [path.resolve(name)]
    : (process.env['PATH'] ?? '')
        .split(path.delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * Like {@link findBinary}, but throws when the binary is missing, with the message
 * `<name> was not found on PATH. Install it with: <installHint>`.
 *
 * @example requireBinary('redis-server', 'apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS).')
 */
export function requireBinary(name: string, installHint: string): string {
  const found = findBinary(name);
  if (found === undefined) {
    throw new Error(`${name} was not found on PATH. Install it with: ${installHint}`);
  }
  return found;
}

/** Install hint for `redis-server` / `redis-cli`. */
export const REDIS_INSTALL_HINT = 'apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS).';
