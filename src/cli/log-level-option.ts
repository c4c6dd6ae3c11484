/** `--log-level`, the same for every long-running command (serve, relay). */
import { Option } from 'commander';

export const logLevelOption = (): Option =>
  new Option('--log-level <level>', 'log level (default info)').choices([
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'silent',
  ]);
