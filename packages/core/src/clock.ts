/** Seconds spent per named stage, summed over calls (calls of concurrent photos overlap in wall time). */
export class StageClock {
  readonly seconds: Record<string, number> = {};

  async time<T>(stage: string, work: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.seconds[stage] = (this.seconds[stage] ?? 0) + (performance.now() - start) / 1000;
    }
  }
}
