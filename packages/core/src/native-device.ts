import { backend } from '@facegroup/native-align';
import type { ExecutionProvider } from './config.js';

export type NativeDevice = 'cpu' | 'cuda';

/**
 * Where native-align runs the face warps and the k-nearest-neighbour search: on its CUDA kernels when CUDA is
 * the configured provider and the addon was built with CUDA and sees a device, else on the CPU (as ONNX Runtime
 * falls back to it).
 */
export function nativeDevice(provider: ExecutionProvider): NativeDevice {
  return provider === 'cuda' && backend().cuda ? 'cuda' : 'cpu';
}
