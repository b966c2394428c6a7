import type { AnalysedImage, ConfigOverrides, PipelineConfig } from '@facegroup/core';
import { startModuleWorker } from '@facegroup/core';
import type { Worker } from 'node:worker_threads';
import { log } from '../log.js';

export type PipelineRequest = { id: number; sources: { key: string; buffer: Buffer }[] };
export type PipelineReply =
  | { ready: PipelineConfig }
  | { failed: string }
  | { warning: string }
  | { id: number; results: AnalysedImage[] }
  | { id: number; error: string };

/** What analysis needs of a pipeline: FacePipeline itself, or one on its own thread. */
export interface Analyser {
  readonly config: Pick<PipelineConfig, 'batchPhotos' | 'executionProvider' | 'threads'>;
  analyseAll(sources: { key: string; buffer: Buffer }[]): Promise<AnalysedImage[]>;
}

/**
 * The face pipeline on a worker thread with its own models: analysis never holds up the event loop of the process
 * that serves requests (ONNX Runtime's inference runs synchronously on the thread that calls it). Photos and
 * results are copied between the threads.
 */
export class PipelineThread implements Analyser {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (results: AnalysedImage[]) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly thread: Worker,
    readonly config: PipelineConfig,
  ) {
    thread.on('message', (reply: PipelineReply) => {
      if ('warning' in reply) log.warn(reply.warning);
      if (!('id' in reply)) return;
      const request = this.pending.get(reply.id)!;
      this.pending.delete(reply.id);
      if ('error' in reply) request.reject(new Error(`analysis failed: ${reply.error}`));
      else request.resolve(reply.results);
    });
    const fail = (error: Error) => {
      for (const request of this.pending.values()) request.reject(error);
      this.pending.clear();
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`the analysis thread exited with code ${code}`)));
  }

  /** Starts the thread and waits for its models; a missing or altered model file fails here, with its message. */
  static start(options: ConfigOverrides): Promise<PipelineThread> {
    const thread = startModuleWorker(
      new URL(`./pipeline-thread.worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
      {
        workerData: options,
      },
    );
    return new Promise((resolve, reject) => {
      const onReply = (reply: PipelineReply) => {
        if ('warning' in reply) return;
        thread.off('message', onReply);
        if ('ready' in reply) resolve(new PipelineThread(thread, reply.ready));
        else if ('failed' in reply) reject(new Error(reply.failed));
      };
      thread.on('message', onReply);
      thread.once('error', reject);
    });
  }

  analyseAll(sources: { key: string; buffer: Buffer }[]): Promise<AnalysedImage[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread.postMessage({ id, sources } satisfies PipelineRequest);
    });
  }

  async stop(): Promise<void> {
    await this.thread.terminate();
  }
}
