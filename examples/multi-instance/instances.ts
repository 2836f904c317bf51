import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Key prefix of the multi-instance demo's conversations. */
export const MULTI_PREFIX = 'demo:multi:conv:';
/** Sliding expiry of the demo's conversations, in seconds. */
export const MULTI_TTL_SECONDS = 300;
/** tsx compiles each instance on start, which takes a while on a busy machine. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5000;

/** A running agent server process (examples/multi-instance/instance.ts). */
export interface Instance {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** SIGTERM by PID, SIGKILL after 5 s; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts one agent server process named `name` and resolves once it listens.
 * Its output goes to this process's stdout/stderr. It exits by itself if this
 * process goes away (the IPC channel closes).
 */
export function startInstance(name: string, redisUrl: string): Promise<Instance> {
  const script = fileURLToPath(new URL('./instance.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, INSTANCE_NAME: name, REDIS_URL: redisUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`instance ${name} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      void stop().then(() => reject(error));
    };
    const onExit = (code: number | null) => fail(new Error(`instance ${name} exited with code ${code} before listening`));
    child.once('error', fail);
    child.once('exit', onExit);
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({ name, pid: child.pid!, url: `http://127.0.0.1:${message.port}`, stop });
    });
  });
}
