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

/** Polls until `done` says so; throws with `what` after `timeoutMs`. */
async function waitUntil(done: () => Promise<boolean>, what: () => string, timeoutMs: number, pollMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not done in ${timeoutMs} ms: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Waits until an ingest job is done (or, with `grouped`, its photos are analysed and in persons: GROUPING). */
export function waitForJob(api: Api, jobId: string, { timeoutMs = 180_000, pollMs = 250, grouped = false } = {}): Promise<void> {
  let status = '';
  const done = async () => {
    status = (await gql(api, 'query($j: ID!) { job(id: $j) { status } }', { j: jobId })).job.status;
    return status === 'DONE' || (grouped && status === 'GROUPING');
  };
  return waitUntil(done, () => `job ${jobId} is ${status}`, timeoutMs, pollMs);
}

/** Waits until every job of a group is done (photos become images only as their job reaches them). */
export function waitForGroupJobs(api: Api, groupId: string, { timeoutMs = 180_000, pollMs = 250 } = {}): Promise<void> {
  let jobs: { id: string; status: string }[] = [];
  const done = async () => {
    jobs = (await gql(api, 'query($g: ID!) { group(id: $g) { jobs(first: 500) { nodes { id status } } } }', { g: groupId })).group
      .jobs.nodes;
    return jobs.every((job) => job.status === 'DONE');
  };
  return waitUntil(done, () => `jobs of group ${groupId}: ${JSON.stringify(jobs)}`, timeoutMs, pollMs);
}
