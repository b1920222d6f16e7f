/**
 * A real headless Chromium for browser tests, driven by playwright-core (which never downloads a
 * browser): the system Chromium (Debian's `chromium` package, or CHROMIUM_PATH). Without it
 * browser tests are skipped, unless `REQUIRE_SERVICES=1` (CI), in which case they fail loudly.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const required = process.env.REQUIRE_SERVICES === '1';

/** The Chromium executable to use: CHROMIUM_PATH, else /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** True when Chromium is installed; throws under REQUIRE_SERVICES=1 when it is not. */
export function chromiumAvailable(): boolean {
  const path = chromiumPath();
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch (error) {
    if (required) {
      throw new Error(`Chromium is required (REQUIRE_SERVICES=1) but ${path} is not executable; run .ci/browser-deps.sh`, { cause: error });
    }
    return false;
  }
}

/** Launch headless Chromium with no network chatter of its own (this machine may be offline). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
