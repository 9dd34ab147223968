import 'reflect-metadata';
import { ConfigError, readConfig } from './platform/config';
import { createLogger } from './platform/logger';
import { openDatabase, startApp } from './platform/app';
import { printAppSchema } from './platform/schema';

/**
 * CLI entry: `serve` (default), `migrate`, `seed-demo`, `import <kind> FILE`,
 * `print-schema`. Configuration errors stop with one line on stderr and exit 2.
 */
async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...args] = argv;
  if (command === 'print-schema') {
    process.stdout.write(await printAppSchema());
    return 0;
  }
  const config = readConfig();
  const logger = createLogger(config.logLevel);

  switch (command) {
    case 'serve': {
      const app = await startApp(config, logger);
      logger.info({ url: app.url }, 'CallPulse ready');
      process.stderr.write(
        `\nCallPulse is ready: ${app.url}\n` +
          (app.apiKey ? `API key (ADMIN): ${app.apiKey}\n` : config.bootstrapApiKey ? 'API key: the BOOTSTRAP_API_KEY you set\n' : '') +
          `Try: curl -H "Authorization: Bearer <key>" -H "content-type: application/json" ` +
          `-d '{"query":"{ queues { key name } }"}' ${app.url}\n\n`,
      );
      await waitForSignal(logger);
      await app.stop();
      logger.info('stopped');
      return 0;
    }
    case 'migrate': {
      const { orm, embedded } = await openDatabase(config, logger);
      await orm.close(true);
      await embedded?.stop();
      return 0;
    }
    case 'seed-demo':
    case 'import': {
      const { runDataCommand } = await import('./contacts/import/cli');
      return runDataCommand(command, args, config, logger);
    }
    default:
      process.stderr.write(`unknown command "${command}": use serve, migrate, seed-demo, import or print-schema\n`);
      return 2;
  }
}

function waitForSignal(logger: ReturnType<typeof createLogger>): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`callpulse: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`callpulse: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
