import { Command } from 'commander';
import { EXIT } from '../cliError.js';
import { globalsOf, withConnection } from '../context.js';
import { runDoctor } from '../doctorChecks.js';
import { printJson, printLine } from '../output.js';

/** `doctor`: checks the server against production guidance; exit code 1 when anything needs attention. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check the server against production guidance (persistence, eviction, auth, dangerous commands, TLS); exit 1 on warnings')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      await withConnection(globals, async (connection) => {
        const checks = await runDoctor(connection);
        const warnings = checks.filter((check) => !check.ok);
        if (globals.json) printJson({ target: connection.target, ok: warnings.length === 0, checks });
        else {
          printLine(`Checked ${connection.target}`);
          for (const check of checks) {
            const mark = check.skipped ? 'SKIP' : check.ok ? 'ok  ' : check.severity === 'notice' ? 'NOTE' : 'WARN';
            printLine(`${mark}  ${check.id}${check.node ? ` (${check.node})` : ''}: ${check.message}`);
            if (!check.ok) printLine(`      fix: ${check.fix}`);
          }
          printLine(warnings.length === 0 ? 'No warnings.' : `${warnings.length} warning${warnings.length === 1 ? '' : 's'}.`);
        }
        if (warnings.length > 0) process.exitCode = EXIT.findings;
      });
    });
}
