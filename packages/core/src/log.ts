/** Minimal leveled logger on stderr, so stdout stays free for results. FACE_LOG=silent|warn|info|debug. */
type Level = 'debug' | 'info' | 'warn';
const order = { debug: 0, info: 1, warn: 2, silent: 3 } as const;

function enabled(level: Level): boolean {
  const wanted = (process.env.FACE_LOG ?? 'info') as keyof typeof order;
  return order[level] >= (order[wanted] ?? order.info);
}

function write(level: Level, message: string): void {
  if (enabled(level)) process.stderr.write(`[facegroup] ${level === 'info' ? '' : `${level}: `}${message}\n`);
}

export const log = {
  debug: (message: string) => write('debug', message),
  info: (message: string) => write('info', message),
  warn: (message: string) => write('warn', message),
};
