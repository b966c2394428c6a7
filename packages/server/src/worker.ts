// `pnpm worker`: a process that analyses the photos queued in PostgreSQL (no HTTP). Start any number, on any
// machines sharing DATABASE_URL and the photo storage (DATA_DIR on a shared mount, or S3_BUCKET); each may have its
// own FACE_EXECUTION_PROVIDER and FACE_THREADS.
import { randomBytes } from 'node:crypto';
import { UrlSigner } from './auth/url-signer.js';
import { loadConfig } from './config.js';
import { openDatabase, providerOf } from './db/client.js';
import { migrate } from './db/migrate.js';
import { PipelineThread } from './jobs/pipeline-thread.js';
import { log, stackOf } from './log.js';
import { createServices } from './services/index.js';

const config = loadConfig();
if (providerOf(config.databaseUrl) !== 'postgresql') {
  log.error(
    'pnpm worker needs DATABASE_URL=postgresql://…: with the embedded SQLite database, pnpm start analyses the photos itself',
  );
  process.exit(2);
}
const database = await openDatabase(config.databaseUrl, config.logQueries);
await migrate(database);
const pipeline = await PipelineThread.start(config.pipeline);
// A worker serves no picture URLs: its signer is never used.
const services = createServices(database, pipeline, config, new UrlSigner(randomBytes(32), 1));
await services.queue.work(services.analysis!, services.grouping);
log.info(`worker analysing queued photos (${pipeline.config.executionProvider}, ${pipeline.config.threads ?? 'all'} threads)`, {
  pid: process.pid,
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info(`${signal}: finishing the task in progress, then stopping`);
    services.queue
      .stop()
      .then(() => pipeline.stop())
      .then(() => services.events.close())
      .then(() => database.db.$disconnect())
      .then(
        () => process.exit(0),
        (error) => {
          log.error('stopping failed', { error: stackOf(error) });
          process.exit(1);
        },
      );
  });
}
