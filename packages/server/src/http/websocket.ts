import type { IncomingMessage, Server } from 'node:http';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Context as SocketContext } from 'graphql-ws';
// graphql-ws names it like a React hook; it is not one.
import { useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createLoaders } from '../graphql/loaders.js';
import type { Context } from '../graphql/resolvers.js';
import type { Services } from '../services/index.js';

/** Operations at once on one connection (subscriptions, and queries still running). */
export const MAX_OPERATIONS_PER_CONNECTION = 20;
/** graphql-ws's close code for a connection without a valid key. */
const UNAUTHORIZED = 4401;

export interface WebSocketOptions {
  schema: GraphQLSchema;
  services: Services;
  config: ServerConfig;
  /** The HTTP API's validation rules (limits of depth, aliases, directives and cost). */
  validationRules: ValidationRule[];
  /** How errors reach clients, as over HTTP. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Where the client reached this API, for picture URLs. */
  baseUrl: (request: IncomingMessage) => string;
}

type ConnectionParams = { authorization?: unknown; Authorization?: unknown };
type Extra = { socket: WebSocket; request: IncomingMessage };

/**
 * GraphQL over WebSocket (graphql-ws) on the HTTP server's /graphql: the connection is accepted for a valid API key
 * in its connection parameters (`{ authorization: "Bearer <key>" }`; else closed with 4401), and every operation is
 * checked again for the key (a revoked key starts nothing more), parsed and validated within the same limits as
 * over HTTP, and run with a context like an HTTP request's. Messages are limited to MAX_REQUEST_BYTES.
 */
export function attachWebSocket(server: Server, options: WebSocketOptions): { close(): Promise<void> } {
  const { schema, services, config } = options;
  const rules = [
    ...specifiedRules,
    ...options.validationRules,
    ...(config.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const sockets = new WebSocketServer({ server, path: '/graphql', maxPayload: config.maxRequestBytes });
  const format = (error: GraphQLError) => options.formatError(hideSuggestions(error.toJSON()), error);

  const graphqlWs = serveGraphqlWs<ConnectionParams, Extra>(
    {
      schema,
      onConnect: async (ctx) => {
        try {
          await ownerOf(ctx);
          return true;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          ctx.extra.socket.close(UNAUTHORIZED, error.message.slice(0, 120));
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        // The one being subscribed is counted already.
        if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_CONNECTION) {
          return [
            new AppError('LIMIT_EXCEEDED', `at most ${MAX_OPERATIONS_PER_CONNECTION} operations at once on one connection`),
          ];
        }
        let owner: string;
        let document: DocumentNode;
        try {
          owner = await ownerOf(ctx);
          document = parse(payload.query, { maxTokens: config.graphql.maxTokens });
        } catch (error) {
          if (error instanceof AppError) return [error];
          if (error instanceof GraphQLError) return [coded(error, 'GRAPHQL_PARSE_FAILED')];
          throw error;
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors.map((error) => coded(error, 'GRAPHQL_VALIDATION_FAILED'));
        const contextValue: Context = {
          services,
          owner,
          baseUrl: options.baseUrl(ctx.extra.request),
          loaders: createLoaders(services.queries.read),
          pictureGroups: new Map(),
        };
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      // GraphQL's own errors of a result are about the request (its variables); the others, a resolver's.
      onNext: (_ctx, _id, _payload, _args, result) => ({
        ...result,
        errors: result.errors?.map((error) => format(coded(error, 'BAD_USER_INPUT'))),
      }),
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => format(coded(error, 'GRAPHQL_VALIDATION_FAILED'))),
    },
    sockets,
  );

  function ownerOf(ctx: SocketContext<ConnectionParams, Extra>): Promise<string> {
    const params = ctx.connectionParams ?? {};
    const authorization = params.authorization ?? params.Authorization;
    return services.auth.ownerOf(typeof authorization === 'string' ? authorization : undefined);
  }

  return {
    /** Closes every connection (1001, going away), completing their subscriptions. */
    close: async () => {
      await graphqlWs.dispose();
    },
  };
}

/**
 * GraphQL's own error (no code, no error of ours or of a resolver behind it) with the code Apollo gives it over HTTP;
 * other errors as they are.
 */
function coded(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions.code !== undefined || error.originalError) return error;
  const { nodes, source, positions, path } = error;
  return new GraphQLError(error.message, { nodes, source, positions, path, extensions: { ...error.extensions, code } });
}

/** As over HTTP (graphql-armor): field suggestions are not shown, so that they don't reveal the schema. */
function hideSuggestions(error: GraphQLFormattedError): GraphQLFormattedError {
  return { ...error, message: error.message.replace(/Did you mean ".+"/g, '[Suggestion hidden]') };
}
