import { configFromEnvironment, type PipelineOptions } from '@facegroup/core';
import { modelsDir } from '../test/support/fixtures.js';

/** The benchmark's pipeline, configured as the CLI's: FACE_* variables, models beside the checkout by default. */
export const pipelineOptions = (): PipelineOptions => ({ modelsDir, ...configFromEnvironment(process.env) });
