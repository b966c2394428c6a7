import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** GraphiQL and React as UMD bundles from node_modules: the IDE works with no internet. */
export const IDE_ASSETS: Record<string, { file: string; type: string }> = {
  'react.production.min.js': { file: join(packageDir('react'), 'umd', 'react.production.min.js'), type: 'text/javascript' },
  'react-dom.production.min.js': {
    file: join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
    type: 'text/javascript',
  },
  'graphiql.min.js': { file: join(packageDir('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { file: join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
};

const FIRST_QUERY = `# Welcome to the face-grouping API. Try:
query Groups {
  groups {
    nodes {
      id
      name
      counts { images faces persons }
      persons(first: 10) { nodes { id name photoCount thumbnailUrl } }
    }
  }
}
`;

export function idePage(endpoint: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Face grouping · GraphiQL</title>
  <style>
    body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
    #key-bar { display: flex; gap: 8px; align-items: center; padding: 6px 12px; font-size: 14px; border-bottom: 1px solid #ddd; }
    #api-key { flex: 1; max-width: 480px; font-family: monospace; }
    #graphiql { flex: 1; min-height: 0; }
  </style>
  <link rel="stylesheet" href="/ide/graphiql.min.css">
</head>
<body>
  <div id="key-bar">
    <label for="api-key">API key</label>
    <input id="api-key" type="password" autocomplete="off" placeholder="fg_… (printed by the server on first start, or pnpm -s apikey create <owner>)">
  </div>
  <div id="graphiql">Loading…</div>
  <script src="/ide/react.production.min.js"></script>
  <script src="/ide/react-dom.production.min.js"></script>
  <script src="/ide/graphiql.min.js"></script>
  <script>
    // The key is kept in this browser's session only, and sent as a bearer token with each request.
    const keyInput = document.getElementById('api-key');
    keyInput.value = sessionStorage.getItem('facegroup-api-key') ?? '';
    keyInput.addEventListener('input', () => sessionStorage.setItem('facegroup-api-key', keyInput.value.trim()));
    const fetcher = GraphiQL.createFetcher({
      url: ${JSON.stringify(endpoint)},
      fetch: (url, init) => {
        const headers = new Headers(init?.headers);
        if (keyInput.value.trim()) headers.set('authorization', 'Bearer ' + keyInput.value.trim());
        return fetch(url, { ...init, headers });
      },
    });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(FIRST_QUERY)} }),
    );
  </script>
</body>
</html>`;
}
