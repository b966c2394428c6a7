import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Prints the largest file of the build, the figure the README and the closing note quote. */
function largestBundle(): Plugin {
  let outDir = '';
  return {
    name: 'largest-bundle',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const assets = join(outDir, 'assets');
      const sizes = readdirSync(assets).map((name) => ({ name, bytes: statSync(join(assets, name)).size }));
      const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      const gzipped = gzipSync(readFileSync(join(assets, largest.name))).length;
      console.log(
        `largest bundle: assets/${largest.name} ${(largest.bytes / 1024).toFixed(1)} KiB (${(gzipped / 1024).toFixed(1)} KiB gzipped)`,
      );
    },
  };
}

// Served by the API server under /app (packages/server/src/http/app-files.ts); `pnpm dev` proxies the API to it.
export default defineConfig({
  base: '/app/',
  plugins: [react(), largestBundle()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      '/graphql': { target: 'http://localhost:4000', ws: true },
      '/groups': 'http://localhost:4000',
    },
  },
});
