import { execFile } from 'node:child_process';
import { REDIS_INSTALL_HINT, requireBinary } from '../../tools/findBinary.js';

/** Result of {@link runRedisCli}. */
export interface RedisCliResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs `redis-cli <args>` to completion and resolves with its output. Rejects
 * (with the output in the message) on a non-zero exit, or after `timeoutMs`
 * (default 60000), in which case redis-cli is SIGKILLed.
 */
export function runRedisCli(args: readonly string[], timeoutMs = 60_000): Promise<RedisCliResult> {
  const binary = requireBinary('redis-cli', REDIS_INSTALL_HINT);
  const env = { ...process.env };
  delete env['REDISCLI_AUTH']; // never pick up a password meant for another server
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      [...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`redis-cli ${args.join(' ')} failed: ${error.message}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}
