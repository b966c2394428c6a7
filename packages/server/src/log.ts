/**
 * The server's log: one JSON object a line on stderr (`time`, `level`, `msg`, and fields such as `requestId`), for
 * log collectors to parse. The key printed on first start is the one line meant for a person as well.
 */
type Level = 'info' | 'warn' | 'error';

function write(level: Level, msg: string, fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

export const log = {
  info: (msg: string, fields: Record<string, unknown> = {}) => write('info', msg, fields),
  warn: (msg: string, fields: Record<string, unknown> = {}) => write('warn', msg, fields),
  error: (msg: string, fields: Record<string, unknown> = {}) => write('error', msg, fields),
};

/** An error's stack (or text) for a log field. */
export const stackOf = (error: unknown) => (error as Error)?.stack ?? String(error);
