// First: refuses an unsupported Node.js before any dependency loads.
import './platform/node-check';
import 'reflect-metadata';
import { ConfigError, readConfig } from './platform/config';
import { createLogger } from './platform/logger';
// before the app's modules: it tells their signal handlers from the outside world's
import { waitForStopSignal, watchParent } from './platform/stop-request';

/**
 * CLI entry: `serve` (default), `migrate`, `seed-demo`, `import <kind> FILE`, `rebuild`,
 * `org create|list`, `print-schema`. Configuration errors stop with one line on stderr and exit 2.
 */
async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...args] = argv;
  if (command === 'print-schema') {
    const { printAppSchema } = await import('./app/schema');
    process.stdout.write(await printAppSchema());
    return 0;
  }
  const config = readConfig();
  const logger = createLogger(config.logLevel);

  switch (command) {
    case 'serve': {
      watchParent(logger);
      const { startApp } = await import('./app/app');
      const app = await startApp(config, logger);
      logger.info({ url: app.url }, 'CallPulse ready');
      process.stderr.write(
        `\nCallPulse is ready: ${app.url}\n` +
          (app.apiKey ? `API key (ADMIN): ${app.apiKey}\n` : config.bootstrapApiKey ? 'API key: the BOOTSTRAP_API_KEY you set\n' : '') +
          `Try: curl -H "Authorization: Bearer <key>" -H "content-type: application/json" ` +
          `-d '{"query":"{ queues { key name } }"}' ${app.url}\n\n`,
      );
      await waitForStopSignal(logger);
      await app.stop();
      logger.info('stopped');
      return 0;
    }
    case 'migrate': {
      const { openDatabase } = await import('./app/app');
      const { orm, embedded } = await openDatabase(config, logger);
      await orm.close(true);
      await embedded?.stop();
      return 0;
    }
    case 'seed-demo':
    case 'import':
    case 'rebuild': {
      const { runDataCommand } = await import('./app/data-cli');
      return runDataCommand(command, args, config, logger);
    }
    case 'org': {
      const { runOrgCommand } = await import('./app/org-cli');
      return runOrgCommand(args, config, logger);
    }
    default:
      process.stderr.write(`unknown command "${command}": use serve, migrate, seed-demo, import, rebuild, org or print-schema\n`);
      return 2;
  }
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
