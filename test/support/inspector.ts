import WebSocket from 'ws';

/** What a process holds once garbage is collected: V8's heap and the memory outside it (buffers), in bytes. */
export interface LiveMemory {
  heapUsed: number;
  external: number;
}

/**
 * Collects the garbage of the process behind a V8 inspector URL (RunningServer.inspector), then reads its memory:
 * unlike RSS, what this says does not depend on when V8 last collected, so growth across rounds of requests is
 * what the process kept.
 */
export async function liveMemory(inspectorUrl: string): Promise<LiveMemory> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 0;
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<any>((resolve, reject) => {
      const id = ++nextId;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString());
        if (message.id !== id) return;
        socket.off('message', onMessage);
        if (message.error) reject(new Error(message.error.message));
        else resolve(message.result);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const { result } = await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const { heapUsed, external } = JSON.parse(result.value);
    return { heapUsed, external };
  } finally {
    socket.close();
  }
}
