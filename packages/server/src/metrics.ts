import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one process (GET /metrics): the analysis queue, photos analysed and failed, analysis time,
 * GraphQL request durations, and Node's own (memory, event-loop lag). Counts only; nothing of any owner's data.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly photosAnalysed = new Counter({
    name: 'facegroup_photos_analysed_total',
    help: 'Photos analysed',
    registers: [this.registry],
  });
  readonly photosFailed = new Counter({
    name: 'facegroup_photos_failed_total',
    help: 'Photos that failed (unreadable, refused, …)',
    registers: [this.registry],
  });
  readonly analysisSeconds = new Histogram({
    name: 'facegroup_analysis_seconds',
    help: 'Time to analyse one batch of photos (load, detect, align, embed, store)',
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  readonly graphqlSeconds = new Histogram({
    name: 'facegroup_graphql_request_seconds',
    help: 'GraphQL request durations, by HTTP status',
    labelNames: ['status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(queueDepth: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'facegroup_queue_depth',
      help: 'Photos waiting to be analysed',
      registers: [this.registry],
      async collect() {
        this.set(await queueDepth());
      },
    });
  }
}
