/**
 * Debian's Chromium (never a downloaded browser build) driven through playwright-core, for the
 * browser end-to-end tests.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** `/usr/bin/chromium` (`apt-get install chromium`), or `CHROMIUM_PATH`. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const isCI = () => process.env['CI'] === 'true' || process.env['CI'] === '1';

/**
 * Why the browser tests cannot run on this machine, or `false`. Under `CI` a missing browser is no
 * reason to skip: the tests run, and `launchChromium` fails them.
 */
export function chromiumSkipReason(): string | false {
  if (existsSync(CHROMIUM_PATH) || isCI()) return false;
  return `no Chromium at ${CHROMIUM_PATH}: install it with "apt-get install chromium" (or set CHROMIUM_PATH) to run the browser tests`;
}

export interface RunningChromium {
  context: BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

// Headless, and quiet: no sync, updates or other background requests that a test did not make.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium with a fresh profile (its own user-data-dir, so no cookie survives a run). */
export async function launchChromium(): Promise<RunningChromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`the browser tests need Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'latchkey-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
