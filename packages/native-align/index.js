// ESM wrapper over the CommonJS-style addon (a .node file can only be loaded with require).
import { createRequire } from 'node:module';

const binding = createRequire(import.meta.url)('./build/Release/native_align.node');

export const {
  estimateSimilarity,
  warpFaces,
  warpFacesAsync,
  resizeArea,
  resizeAreaAsync,
  cosineMatrix,
  cosineMatrixAsync,
  topK,
  topKAsync,
  backend,
  peakGflops,
} = binding;
