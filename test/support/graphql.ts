export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Where requests go, and as whom: an API's URL and one of its owners' keys. */
export interface Api {
  url: string;
  key: string;
}

export const authorization = (api: Api) => ({ authorization: `Bearer ${api.key}` });

export async function request<T = any>(
  api: Api,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization(api) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/** Runs a query that must succeed and returns its data. */
export async function gql<T = any>(api: Api, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await request<T>(api, query, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data!;
}

/** Runs a query that must fail and returns the first error's code and message. */
export async function gqlError(api: Api, query: string, variables: Record<string, unknown> = {}) {
  const result = await request(api, query, variables);
  if (!result.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
  return { code: result.errors[0].extensions?.code, message: result.errors[0].message };
}
