import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from './support/fixtures.js';
import { gql } from './support/graphql.js';
import { startServer, type RunningServer } from './support/server.js';

// The IDE must work with no internet, so every non-local request is refused.
describe('GraphQL IDE in headless Chromium', () => {
  let work: string;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'facegroup-ide-'));
    server = await startServer({ DATA_DIR: join(work, 'data') });
    await gql(server, `mutation { createGroup(name: "Summer in Lisbon") { id } }`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('loads from the API address with no outside requests and runs a query', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === server.url || url.protocol === 'data:') return route.continue();
      outside.push(url.href);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${server.url}/`);
    // Without a key the API refuses; with the key pasted, the query runs.
    await page.locator('.graphiql-execute-button').click({ timeout: 30_000 });
    await expect.poll(() => page.locator('.result-window').innerText(), { timeout: 30_000 }).toContain('UNAUTHENTICATED');
    await page.fill('#api-key', server.key);
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => page.locator('.result-window').innerText(), { timeout: 30_000 }).toContain('Summer in Lisbon');
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
