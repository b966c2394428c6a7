import type { StageClock } from './clock.js';
import type { PipelineConfig } from './config.js';
import type { SessionOptions } from './models.js';
import { MtcnnDetector } from './mtcnn.js';
import { ScrfdDetector } from './scrfd.js';
import type { FaceDetector } from './types.js';

/** The detector named by configuration. */
export async function createDetector(config: PipelineConfig, session: SessionOptions, clock: StageClock): Promise<FaceDetector> {
  switch (config.detector) {
    case 'mtcnn':
      return MtcnnDetector.create(config.mtcnn, session, clock);
    case 'scrfd':
      return ScrfdDetector.create(config.scrfd, session, clock);
    default:
      throw new Error(`detector "${config.detector}" is not available`);
  }
}
