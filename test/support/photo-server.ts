import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';

/**
 * Serves photos over HTTP on loopback, as object storage would: /photos/<name>, /redirect/<name> (a 302 to the
 * photo), and /not-an-image (text sent as image/jpeg).
 */
export async function startPhotoServer(folder: string) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith('/photos/')) {
      const bytes = await readFile(join(folder, basename(path))).catch(() => null);
      if (!bytes) return response.writeHead(404).end();
      return response.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes);
    }
    if (path.startsWith('/redirect/')) return response.writeHead(302, { location: `/photos/${basename(path)}` }).end();
    if (path === '/not-an-image')
      return response.writeHead(200, { 'content-type': 'image/jpeg' }).end('<html>no photo here</html>');
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
