import type { Db } from '../db/client.js';

/**
 * Whether this process can serve: its database answers, and where it analyses, its models are loaded (they are
 * before it listens; an API with WORKERS=0 needs none).
 */
export class HealthService {
  constructor(
    private readonly db: Db,
    private readonly modelsReady: boolean,
  ) {}

  async ready(): Promise<{ database: boolean; models: boolean }> {
    const database = await this.db.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    return { database, models: this.modelsReady };
  }
}
