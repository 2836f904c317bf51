import { applicationAclRule } from './aclRules.js';
import type { CliConnection, ServerNode } from './connect.js';
import { attempt, configGet, field, infoAttempt, isLoopback } from './serverInfo.js';

/**
 * The result of one production check. `ok: false` is a warning, unless `skipped`: the check could not run (its outcome
 * is unknown, so it is not ok either, and `doctor` does not call the server healthy).
 */
export interface DoctorCheck {
  id: string;
  ok: boolean;
  /** `warning`, or `notice` for a softer warning; absent when ok. */
  severity?: 'warning' | 'notice';
  skipped?: boolean;
  message: string;
  fix: string;
  /** The server checked, when the connection has several (cluster masters). */
  node?: string;
}

const pass = (id: string, message: string): DoctorCheck => ({ id, ok: true, message, fix: '' });
const warn = (id: string, message: string, fix: string, severity: 'warning' | 'notice' = 'warning'): DoctorCheck => ({
  id,
  ok: false,
  severity,
  message,
  fix,
});
const skip = (id: string, message: string): DoctorCheck => ({ id, ok: false, skipped: true, message, fix: '' });

/** Runs every check against every server of the connection (each cluster master) and the URL. */
export async function runDoctor(connection: CliConnection, prefix: string): Promise<DoctorCheck[]> {
  const servers = await connection.servers();
  const checks: DoctorCheck[] = [];
  for (const server of servers) {
    const perServer = await checkServer(server, connection, prefix);
    checks.push(...perServer.map((check) => (servers.length > 1 ? { ...check, node: server.address } : check)));
  }
  checks.push(checkTls(connection));
  return checks;
}

async function checkServer(server: ServerNode, connection: CliConnection, prefix: string): Promise<DoctorCheck[]> {
  const configProbe = await configGet(server, 'appendonly');
  const configDisabled = configProbe.ok ? undefined : configProbe.error;
  const why = `CONFIG is disabled for this connection (${configDisabled}), which is itself good`;
  return [
    await checkPersistence(server, configDisabled === undefined, why),
    await checkEviction(server),
    await checkAuth(server, connection, configDisabled === undefined, why),
    await checkDangerousCommands(server, prefix),
  ];
}

async function checkPersistence(server: ServerNode, canConfig: boolean, why: string): Promise<DoctorCheck> {
  const id = 'persistence';
  const reply = await infoAttempt(server, 'persistence');
  if (!reply.ok) return skip(id, `INFO is denied for this user (${reply.error}); run doctor as an admin user to check persistence.`);
  const aof = reply.value.get('aof_enabled') === '1';
  if (aof) return pass(id, 'AOF persistence is on: conversations survive a restart.');
  if (!canConfig) return skip(id, `AOF is off and the RDB save points could not be read: ${why}. Check "save" in redis.conf.`);
  const save = await configGet(server, 'save');
  if (save.ok && save.value.trim() !== '') return pass(id, `RDB snapshots are on (save ${save.value}); AOF is off, so up to the last snapshot interval can be lost.`);
  return warn(
    id,
    'Persistence is off (no AOF, no RDB save points): a restart loses every conversation.',
    'Set "appendonly yes" and "appendfsync everysec" in redis.conf (at runtime: CONFIG SET appendonly yes, then CONFIG REWRITE).',
  );
}

async function checkEviction(server: ServerNode): Promise<DoctorCheck> {
  const id = 'eviction';
  const reply = await infoAttempt(server, 'memory');
  if (!reply.ok) return skip(id, `INFO is denied for this user (${reply.error}); run doctor as an admin user to check the eviction policy.`);
  const policy = reply.value.get('maxmemory_policy') ?? 'unknown';
  const fix = 'Set "maxmemory-policy noeviction" (writes fail loudly when memory is full) and size maxmemory for your conversations and TTLs.';
  if (policy.startsWith('allkeys-')) {
    return warn(id, `maxmemory-policy is ${policy}: when memory is full, Redis silently evicts live conversations.`, fix);
  }
  if (policy.startsWith('volatile-')) {
    return warn(id, `maxmemory-policy is ${policy}: when memory is full, conversations with a TTL can be evicted before they expire.`, fix, 'notice');
  }
  return pass(id, `maxmemory-policy is ${policy}: nothing is evicted; writes fail when memory is full.`);
}

async function checkAuth(server: ServerNode, connection: CliConnection, canConfig: boolean, why: string): Promise<DoctorCheck> {
  const id = 'auth';
  const fix = 'Set a password ("requirepass <long random secret>", or ACL users with "user default off"), and bind only the interfaces clients need.';
  const user = await attempt(server, ['ACL', 'GETUSER', 'default']);
  let open: boolean | undefined;
  if (user.ok) {
    const flagsReply = field(user.value, 'flags');
    const flags = Array.isArray(flagsReply) ? flagsReply.map(String) : [];
    open = flags.includes('on') && flags.includes('nopass');
  } else if (canConfig) {
    const requirepass = await configGet(server, 'requirepass');
    if (requirepass.ok) open = requirepass.value === '';
  }
  if (open === undefined) return skip(id, `Could not tell whether clients must authenticate: ACL GETUSER was refused (${user.ok ? '' : user.error}) and ${why}.`);
  if (!open) return pass(id, 'Clients must authenticate (the default user has a password or is disabled).');
  const bind = canConfig ? await configGet(server, 'bind') : undefined;
  const addresses = bind?.ok ? bind.value.split(/\s+/).filter((address) => address !== '') : [];
  const exposed = addresses.some((address) => !isLoopback(address)) || connection.hosts.some((host) => !isLoopback(host));
  if (!exposed && bind?.ok) return pass(id, `No password, but Redis listens only on loopback (bind ${bind.value}): only this machine can connect.`);
  if (!exposed) return skip(id, `No password; the bind addresses could not be read (${why}).`);
  const protectedMode = canConfig ? await configGet(server, 'protected-mode') : undefined;
  const mode = protectedMode?.ok ? ` protected-mode is ${protectedMode.value}.` : '';
  return warn(id, `No password, and Redis is reachable over the network (bind ${bind?.ok ? bind.value : 'unknown'}).${mode}`, fix);
}

/** The dangerous commands and the arguments DRYRUN checks them with. */
const DANGEROUS: readonly (readonly string[])[] = [['FLUSHALL'], ['FLUSHDB'], ['CONFIG', 'SET', 'maxmemory', '0']];

async function checkDangerousCommands(server: ServerNode, prefix: string): Promise<DoctorCheck> {
  const id = 'dangerous-commands';
  const whoami = await attempt(server, ['ACL', 'WHOAMI']);
  const enabled: string[] = [];
  const unknown: string[] = [];
  for (const args of DANGEROUS) {
    const name = args[0]!;
    const info = await attempt(server, ['COMMAND', 'INFO', name]);
    if (!info.ok) {
      unknown.push(name);
      continue;
    }
    // Renamed away (rename-command NAME ""): COMMAND INFO answers nil.
    if (!Array.isArray(info.value) || info.value[0] === null || info.value[0] === undefined) continue;
    if (!whoami.ok) {
      unknown.push(name);
      continue;
    }
    const dryrun = await attempt(server, ['ACL', 'DRYRUN', String(whoami.value), ...args]);
    if (dryrun.ok && String(dryrun.value) === 'OK') enabled.push(name);
    else if (!dryrun.ok && !dryrun.error.startsWith('NOPERM')) unknown.push(name);
    // Otherwise the ACL denies it to this user.
  }
  if (enabled.length > 0) {
    return warn(
      id,
      `${enabled.join(', ')} ${enabled.length === 1 ? 'is' : 'are'} enabled for this user: one mistaken command wipes or reconfigures every conversation.`,
      `Give the application its own user with only what the package uses (docs/security.md): ${applicationAclRule(prefix)} ` +
        '— or rename them away in redis.conf ("rename-command FLUSHALL \\"\\"", likewise FLUSHDB and CONFIG).',
    );
  }
  if (unknown.length > 0) return skip(id, `Could not check ${unknown.join(', ')} (COMMAND INFO or ACL DRYRUN refused).`);
  return pass(id, 'FLUSHALL, FLUSHDB and CONFIG are disabled or denied to this user.');
}

function checkTls(connection: CliConnection): DoctorCheck {
  const id = 'tls';
  if (connection.tls) return pass(id, 'The connection uses TLS (rediss://).');
  const remote = connection.hosts.filter((host) => !isLoopback(host));
  if (remote.length === 0) return pass(id, 'No TLS, but the server is on this machine (loopback), so nothing crosses a network.');
  return warn(
    id,
    `No TLS to ${remote.join(', ')}: passwords and conversations cross the network in clear text.`,
    'Enable TLS on the server (tls-port, tls-cert-file, tls-key-file, tls-ca-cert-file) and connect with a rediss:// URL.',
  );
}
