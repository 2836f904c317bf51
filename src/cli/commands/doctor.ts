import { Command } from 'commander';
import { EXIT } from '../cliError.js';
import { globalsOf, withConnection } from '../context.js';
import { runDoctor } from '../doctorChecks.js';
import { printJson, printLine } from '../output.js';
import { setExitCode } from '../streams.js';

/**
 * `doctor`: checks the server against production guidance. Exit 1 when anything needs attention; exit 5 when nothing
 * did but some checks could not run (a restricted user), so that a script never takes an unchecked server for a good one.
 */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      'check the server against production guidance (persistence, eviction, auth, dangerous commands, TLS); ' +
        'exit 1 on warnings, 5 when some checks could not run',
    )
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      await withConnection(globals, async (connection) => {
        const checks = await runDoctor(connection, globals.prefix);
        const warnings = checks.filter((check) => !check.ok && !check.skipped);
        const skipped = checks.filter((check) => check.skipped);
        const complete = skipped.length === 0;
        if (globals.json) printJson({ target: connection.target, ok: warnings.length === 0 && complete, complete, checks });
        else {
          printLine(`Checked ${connection.target}`);
          for (const check of checks) {
            const mark = check.skipped ? 'SKIP' : check.ok ? 'ok  ' : check.severity === 'notice' ? 'NOTE' : 'WARN';
            printLine(`${mark}  ${check.id}${check.node ? ` (${check.node})` : ''}: ${check.message}`);
            if (!check.ok && !check.skipped) printLine(`      fix: ${check.fix}`);
          }
          const counted = `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
          if (complete) printLine(warnings.length === 0 ? 'No warnings.' : `${counted}.`);
          else {
            printLine(
              `${warnings.length === 0 ? 'No warnings' : counted} from the checks that ran, but ${skipped.length} of ${checks.length} ` +
                'could not run (SKIP above): this user may not see enough. Run doctor as an admin user to check everything.',
            );
          }
        }
        if (warnings.length > 0) setExitCode(EXIT.findings);
        else if (!complete) setExitCode(EXIT.incomplete);
      });
    });
}
