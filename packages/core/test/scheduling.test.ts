import { describe, expect, it } from 'vitest';
import { InferenceQueue } from '../src/models.js';
import { FacePipeline } from '../src/pipeline.js';
import { CAST_PHOTO, devPhoto } from '../../../test/support/fixtures.js';

describe('inference scheduling', () => {
  it('runs two pipelines side by side, and in turns when they share a queue', async () => {
    // A queue held busy by a task of someone else's until released.
    const shared = new InferenceQueue();
    let release!: () => void;
    void shared.run(() => new Promise<void>((resolve) => (release = resolve)));

    const [waiting, own] = await Promise.all([FacePipeline.create({ inferenceQueue: shared }), FacePipeline.create()]);
    let waitingDone = false;
    const waitingRun = waiting.analyseAll([devPhoto(CAST_PHOTO)]).then((results) => {
      waitingDone = true;
      return results;
    });
    // The pipeline with its own queue finishes while the other waits for its turn on the held one.
    const [ownResult] = await own.analyseAll([devPhoto(CAST_PHOTO)]);
    expect(ownResult.faces).toHaveLength(6);
    expect(waitingDone).toBe(false);

    release();
    const [waitingResult] = await waitingRun;
    expect(waitingResult.faces.map((face) => face.box)).toEqual(ownResult.faces.map((face) => face.box));
  });
});
