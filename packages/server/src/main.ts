import { loadConfig } from './config.js';
import { providerOf } from './db/client.js';
import { startApp } from './app.js';

const config = loadConfig();
const app = await startApp(config);
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
