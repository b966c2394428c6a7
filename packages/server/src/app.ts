import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { FacePipeline } from '@facegroup/core';
import type { ServerConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { resolvers, type Context } from './graphql/resolvers.js';
import { createHttpServer } from './http/server.js';
import { createServices } from './services/index.js';

const typeDefs = readFileSync(new URL('./graphql/schema.graphql', import.meta.url), 'utf8');

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/** Opens the database (migrating it), loads the models, resumes unfinished jobs and listens. */
export async function startApp(config: ServerConfig): Promise<RunningApp> {
  const database = await openDatabase(config.databaseUrl);
  const applied = await migrate(database);
  if (applied.length > 0) console.error(`[facegroup] database migrated: ${applied.join(', ')}`);
  const pipeline = await FacePipeline.create();
  const services = createServices(database.db, pipeline, config);

  // The IDE is served from local files; Apollo's own landing page would load from a CDN.
  const apollo = new ApolloServer<Context>({
    typeDefs,
    resolvers,
    plugins: [ApolloServerPluginLandingPageDisabled()],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  const server = createHttpServer(apollo, services, config);
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  await services.queue.resume();
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://localhost:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await services.queue.stop();
      await apollo.stop();
      await database.db.$disconnect();
    },
  };
}
