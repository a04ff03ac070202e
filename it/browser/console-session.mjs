// What every browser test of the console starts with: Chromium as these machines have it (Debian's, headless,
// software rendering), and a user logged in on Keycloak's own page with a workspace selected.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A new browser context logged in as `user`, on the console with `workspace` selected. Script errors in its pages
 * are added to `pageErrors` (e.g. a route whose components are missing from the production bundle), for the test to
 * fail on.
 */
export async function logIn(browser, { base, user, password, workspace, pageErrors, log, contextOptions }) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    pageErrors.push(`${user} at ${page.url()}: ${e.message}`);
    log(`[${user} pageerror at ${page.url()}]`, e.message);
  });
  await page.goto(`${base}/`);
  await page.waitForSelector('#kc-login', { timeout: 60_000 });
  assert.ok(page.url().includes('/realms/steward/'), `redirected to Keycloak, at ${page.url()}`);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#kc-login');
  await page.waitForSelector('#current-user', { timeout: 60_000 });
  assert.equal((await page.locator('#current-user').textContent()).trim(), user);
  const selected = await page.locator('#workspace-switcher input').inputValue();
  if (!selected.includes(`(${workspace})`)) {
    await page.click('#workspace-switcher input');
    await page.fill('#workspace-switcher input', workspace);
    await page.locator('vaadin-combo-box-item', { hasText: `(${workspace})` }).first().click();
    await page.waitForFunction((ws) => document.querySelector('#workspace-switcher input')?.value.includes(`(${ws})`), workspace);
  }
  return page;
}

/** Visible rows of a Vaadin grid as "cell|cell|…" lines. */
export async function rows(page, selector) {
  return page.evaluate((sel) => {
    const grid = document.querySelector(sel);
    if (!grid || !grid.shadowRoot) return '';
    return [...grid.shadowRoot.querySelectorAll('tbody#items tr')].filter((r) => !r.hidden)
      .map((r) => [...r.querySelectorAll('td')]
        .map((td) => td.querySelector('slot')?.assignedElements()[0]?.textContent ?? '').join('|'))
      .join('\n');
  }, selector);
}

/** Waits until the predicate holds for a value read from the page; fails with the last value. */
export async function until(read, predicate, what, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let value;
  while (Date.now() < deadline) {
    value = await read();
    if (predicate(value)) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}
