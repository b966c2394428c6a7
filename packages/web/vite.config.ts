import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|css|svg|json)$/;

/**
 * After the build: a gzip copy beside each script and stylesheet (the server sends it to browsers that take gzip, so
 * nothing is compressed per request), and the largest file's size printed, the figure the closing note quotes.
 */
function compressAndMeasure(): Plugin {
  let assets = '';
  return {
    name: 'compress-and-measure',
    apply: 'build',
    configResolved(config) {
      assets = join(resolve(config.root, config.build.outDir), config.build.assetsDir);
    },
    closeBundle() {
      const files = readdirSync(assets)
        .filter((name) => !name.endsWith('.gz'))
        .map((name) => ({ name, bytes: statSync(join(assets, name)).size, gzipped: 0 }));
      for (const file of files.filter((file) => COMPRESSIBLE.test(file.name))) {
        const gzipped = gzipSync(readFileSync(join(assets, file.name)), { level: constants.Z_BEST_COMPRESSION });
        writeFileSync(join(assets, `${file.name}.gz`), gzipped);
        file.gzipped = gzipped.length;
      }
      const largest = files.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
      console.log(`largest bundle: assets/${largest.name} ${kib(largest.bytes)} (${kib(largest.gzipped)} gzipped)`);
    },
  };
}

// Served by the API server under /app (packages/server/src/http/app-files.ts); `pnpm dev` proxies the API to it.
export default defineConfig({
  base: '/app/',
  plugins: [react(), compressAndMeasure()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // The libraries change less often than the app: apart, a new build of the app leaves them cached.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'graphql', test: /node_modules[\\/](@apollo|graphql|graphql-ws|rxjs|optimism|@wry|tslib)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/graphql': { target: 'http://localhost:4000', ws: true },
      '/groups': 'http://localhost:4000',
    },
  },
});
