import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache, ServerError } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';

const KEY_STORAGE = 'facegroup.apiKey';

/** The owner's API key, typed in once and kept in this browser. */
export const storedKey = (): string => localStorage.getItem(KEY_STORAGE) ?? '';
export function storeKey(key: string): void {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

const authorization = (key: string): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});

/**
 * One client per key: queries and mutations over HTTP, subscriptions over graphql-ws on the same path. Signing in
 * with another key makes a new client, so nothing cached for one owner is shown to another.
 */
export function createApolloClient(key: string): ApolloClient {
  const http = new HttpLink({ uri: '/graphql', headers: authorization(key) });
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const ws = new GraphQLWsLink(
    createClient({
      url: wsUrl,
      connectionParams: authorization(key),
      // Connected while a page listens (a group's events, an upload's jobs); retried for as long as it does.
      lazy: true,
      retryAttempts: Number.POSITIVE_INFINITY,
      on: {
        connecting: () => setLiveStatus('connecting'),
        connected: () => setLiveStatus('live'),
        closed: (event) => setLiveStatus((event as CloseEvent | undefined)?.code === 1000 ? 'idle' : 'offline'),
      },
    }),
  );
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    ws,
    http,
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

export type LiveStatus = 'idle' | 'connecting' | 'live' | 'offline';
let liveStatus: LiveStatus = 'idle';
const liveListeners = new Set<(status: LiveStatus) => void>();
function setLiveStatus(status: LiveStatus): void {
  liveStatus = status;
  for (const listener of liveListeners) listener(status);
}
/** The subscription socket's state, for the page's "live" sign. */
export function watchLiveStatus(listener: (status: LiveStatus) => void): () => void {
  liveListeners.add(listener);
  listener(liveStatus);
  return () => liveListeners.delete(listener);
}

/** Whether an error means "no valid key": the API answers those with HTTP 401 and the code UNAUTHENTICATED. */
export function isUnauthenticated(error: unknown): boolean {
  if (ServerError.is(error)) return error.statusCode === 401;
  if (CombinedGraphQLErrors.is(error)) return error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  return false;
}

/** An error as one short line for the page. */
export function errorText(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => e.message).join('; ');
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText);
      const message = body.errors?.[0]?.message ?? body.error?.message;
      if (message) return message;
    } catch {
      // Not JSON: the status line says enough.
    }
    return `the server answered ${error.statusCode}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface UploadProgress {
  /** Bytes sent of each file, in the order given. */
  sent: number[];
}

export interface UploadAnswer {
  job: { id: string; status: string };
}

/**
 * Uploads files in one multipart request to POST /groups/<id>/uploads (XMLHttpRequest: fetch reports no upload
 * progress). The parts go in order, so the bytes sent so far say how far each file is.
 */
export function uploadFiles(
  key: string,
  groupId: string,
  files: File[],
  user: string,
  onProgress: (progress: UploadProgress) => void,
): Promise<UploadAnswer> {
  const form = new FormData();
  if (user) form.append('user', user);
  for (const file of files) form.append('photo', file, file.name);
  const fileBytes = files.reduce((sum, file) => sum + file.size, 0);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/groups/${encodeURIComponent(groupId)}/uploads`);
    for (const [name, value] of Object.entries(authorization(key))) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (!event.lengthComputable) return;
      // The multipart headers add a little to the total: scale what was sent to the files' own bytes.
      let position = (event.loaded / event.total) * fileBytes;
      onProgress({
        sent: files.map((file) => {
          const sent = Math.max(0, Math.min(file.size, position));
          position -= file.size;
          return sent;
        }),
      });
    };
    request.onload = () => {
      let body: { job?: UploadAnswer['job']; error?: { message?: string } } = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // An answer that is not JSON (a proxy's error page): the status says what happened.
      }
      if (request.status === 202 && body.job) return resolve({ job: body.job });
      reject(new Error(body.error?.message ?? `the upload was refused (HTTP ${request.status})`));
    };
    request.onerror = () => reject(new Error('the upload could not reach the server'));
    request.send(form);
  });
}
