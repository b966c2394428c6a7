import { startApp } from './app.js';
import { loadConfig } from './config.js';
import { providerOf } from './db/client.js';
import { log, stackOf } from './log.js';

const config = loadConfig();
const app = await startApp(config);
if (app.createdLocalKey) {
  // For a person, once: not a log line.
  process.stderr.write(
    `\nThe API key of the owner "local" (shown this once; also in ${config.dataDir}/local-api-key):\n  Authorization: Bearer ${app.createdLocalKey}\n\n`,
  );
}
if (config.authDisabled) log.warn('AUTH_DISABLED: every request acts as the owner "local", with no key');
log.info(`GraphQL API on ${app.url}/graphql (${providerOf(config.databaseUrl)} database), IDE at ${app.url}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info(`${signal}: finishing the current batch, then stopping`);
    app.close().then(
      () => process.exit(0),
      (error) => {
        log.error('stopping failed', { error: stackOf(error) });
        process.exit(1);
      },
    );
  });
}
