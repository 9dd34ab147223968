import type { Config } from '../../platform/config';
import type { Logger } from '../../platform/logger';

export async function runDataCommand(command: string, _args: string[], _config: Config, _logger: Logger): Promise<number> {
  process.stderr.write(`${command}: not available yet\n`);
  return 2;
}
