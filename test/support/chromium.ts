import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; CI installs it (`apt-get install -y chromium`). No browser is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where browser tests save their screenshots. */
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

/**
 * Launches headless Chromium for a browser test suite (call from `before`). Without Chromium
 * the suite is skipped with the reason printed, except under `CI`, where it fails.
 */
export async function launchChromium(suite: Mocha.Context): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    if (process.env.CI)
      throw new Error(`${CHROMIUM} is missing: the CI must install Debian's chromium package`);
    console.log(
      `    (skipped: ${CHROMIUM} is not installed; apt-get install -y chromium to run the browser tests)`,
    );
    suite.skip();
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
