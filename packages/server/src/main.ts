import { startApp } from './app.js';
import { loadConfig } from './config.js';
import { providerOf } from './db/client.js';

const config = loadConfig();
const app = await startApp(config);
if (app.createdLocalKey) {
  console.error(`[facegroup] created the API key of the owner "local" (shown once; also in ${config.dataDir}/local-api-key):`);
  console.error(`[facegroup]   Authorization: Bearer ${app.createdLocalKey}`);
}
if (config.authDisabled) console.error('[facegroup] AUTH_DISABLED: every request acts as the owner "local", with no key');
console.error(`[facegroup] GraphQL API on ${app.url}/graphql (${providerOf(config.databaseUrl)} database), IDE at ${app.url}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[facegroup] ${signal}: finishing the current batch, then stopping`);
    app.close().then(() => process.exit(0), (error) => {
      console.error(error);
      process.exit(1);
    });
  });
}
