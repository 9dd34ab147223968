import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's `chromium` through playwright-core, for the browser tests: the
 * binary is `CHROMIUM_PATH` or `/usr/bin/chromium`; `.ci/run` installs
 * Debian's package when it is missing. Without it a browser test fails (never
 * skips): a skipped browser test proves nothing.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails with how to fix it when the browser is missing or does not start. */
export async function launchChromium(what: string): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. This test drives ${what} in Debian's chromium: ` +
        `install it with \`apt-get install -y chromium\` (as root; .ci/run does this when it is missing), ` +
        `or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
    );
  }
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
  } catch (error) {
    throw new Error(
      `Chromium at ${CHROMIUM_PATH} did not start (${(error as Error).message.split('\n')[0]}). ` +
        `Reinstall it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`,
      { cause: error },
    );
  }
}
