import type { Db } from '../db/client.js';

/** Whether this process can serve: its database answers, and the models it analyses with are loaded. */
export class HealthService {
  constructor(
    private readonly db: Db,
    private readonly modelsLoaded: () => boolean,
  ) {}

  async ready(): Promise<{ database: boolean; models: boolean }> {
    const database = await this.db.$queryRaw`SELECT 1`.then(() => true, () => false);
    return { database, models: this.modelsLoaded() };
  }
}
