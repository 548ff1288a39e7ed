// Imported before Ink. Ink decides once, when it loads, whether it runs in CI (the CI or
// CONTINUOUS_INTEGRATION variables) and then draws only the final frame, for logs. The TUI on a
// real terminal is interactive whatever the environment says, so there the variables are
// dropped for this process before Ink reads them.
import { env, stdout } from 'node:process';

if (stdout.isTTY === true) {
  delete env['CI'];
  delete env['CONTINUOUS_INTEGRATION'];
}
