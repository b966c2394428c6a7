import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLFormattedError } from 'graphql';
import { signingSecret, UrlSigner } from './auth/url-signer.js';
import type { ServerConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { AppError, internalError } from './errors.js';
import { log } from './log.js';
import { graphqlLimits } from './graphql/limits.js';
import { resolvers, type Context } from './graphql/resolvers.js';
import { subscriptionResolvers, subscriptionsOverWebSocketOnly } from './graphql/subscription-resolvers.js';
import { PipelineThread } from './jobs/pipeline-thread.js';
import { baseUrl, createHttpServer } from './http/server.js';
import { attachWebSocket } from './http/websocket.js';
import { createServices } from './services/index.js';

const typeDefs = ['schema.graphql', 'subscription.graphql'].map((file) =>
  readFileSync(new URL(`./graphql/${file}`, import.meta.url), 'utf8'),
);
/** One schema for HTTP (Apollo) and WebSocket (graphql-ws). */
const schema = makeExecutableSchema({ typeDefs, resolvers: [resolvers, subscriptionResolvers] });

export interface RunningApp {
  url: string;
  /** The local owner's key when this start created it (the quick start), to be shown once. */
  createdLocalKey: string | null;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), removes files a crash left behind, loads the models unless WORKERS=0,
 * queues again what unfinished jobs left, analyses in this process unless WORKERS=0, and listens.
 */
export async function startApp(config: ServerConfig): Promise<RunningApp> {
  const database = await openDatabase(config.databaseUrl, config.logQueries);
  const applied = await migrate(database);
  if (applied.length > 0) log.info('database migrated', { migrations: applied });
  // Analysis on a thread of its own, so that inference never holds up requests.
  const pipeline = config.workers > 0 ? await PipelineThread.start(config.pipeline) : null;
  const signer = new UrlSigner(await signingSecret(config.signingSecret, config.dataDir), config.signedUrlSeconds);
  const services = createServices(database, pipeline, config, signer);
  const swept = await services.erasure.sweep();
  if (swept > 0) log.info(`removed ${swept} files of deleted photos, persons or groups`, { files: swept });
  const createdLocalKey = config.authDisabled ? null : await services.auth.ensureLocalKey(config.dataDir);

  const limits = graphqlLimits(config.graphql);
  // The IDE is served from local files; Apollo's own landing page would load from a CDN.
  const apollo = new ApolloServer<Context>({
    schema,
    plugins: [ApolloServerPluginLandingPageDisabled(), ...limits.plugins],
    validationRules: [...limits.validationRules, subscriptionsOverWebSocketOnly],
    introspection: config.introspection,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError: clientError,
  });
  await apollo.start();
  const server = createHttpServer(apollo, services, config);
  server.requestTimeout = 120_000;
  server.headersTimeout = 20_000;
  // Idle connections stay open longer than clients keep them (undici 4 s, load balancers 60 s), so a client never
  // sends on a connection the server is closing.
  server.keepAliveTimeout = 65_000;
  const webSocket = attachWebSocket(server, {
    schema,
    services,
    config,
    validationRules: limits.validationRules,
    formatError: clientError,
    baseUrl: (request) => baseUrl(request, config),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  await services.queue.resume();
  if (services.analysis) await services.queue.work(services.analysis, services.grouping);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://localhost:${port}`,
    createdLocalKey,
    async close() {
      // Upgraded sockets would keep the server open: they close first, completing their subscriptions.
      await webSocket.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await services.queue.stop();
      await pipeline?.stop();
      await services.events.close();
      await apollo.stop();
      await database.db.$disconnect();
    },
  };
}

/**
 * What a client sees of an error: ours (typed, with their codes) and GraphQL's own (parse, validation, limits) as
 * they are; anything else as INTERNAL_SERVER_ERROR with an id that leads to the full error in the log.
 */
function clientError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return { ...formatted, message: original.message, extensions: { code: original.code } };
  const code = formatted.extensions?.code;
  const fromGraphQL = typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' && original === error;
  if (fromGraphQL) return { message: formatted.message, locations: formatted.locations, extensions: { code } };
  const { message, errorId } = internalError(original, `graphql ${formatted.path?.join('.') ?? ''}`);
  return { message, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } };
}
