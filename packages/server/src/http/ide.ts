import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** GraphiQL and React as UMD bundles from node_modules: the IDE works with no internet. */
export const IDE_ASSETS: Record<string, { file: string; type: string }> = {
  'react.production.min.js': { file: join(packageDir('react'), 'umd', 'react.production.min.js'), type: 'text/javascript' },
  'react-dom.production.min.js': { file: join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.min.js': { file: join(packageDir('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { file: join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
};

const FIRST_QUERY = `# Welcome to the face-grouping API. Try:
query Groups {
  groups {
    id
    name
    counts { images faces persons }
    persons(first: 10) { nodes { id name photoCount thumbnailUrl } }
  }
}
`;

export function idePage(endpoint: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Face grouping · GraphiQL</title>
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="/ide/graphiql.min.css">
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/ide/react.production.min.js"></script>
  <script src="/ide/react-dom.production.min.js"></script>
  <script src="/ide/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(FIRST_QUERY)} }),
    );
  </script>
</body>
</html>`;
}
