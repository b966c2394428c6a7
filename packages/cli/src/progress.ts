import type { Progress } from '@facegroup/core';

/** A progress bar on a terminal, plain lines (every 10%) otherwise; on stderr. */
export function progressReporter(label: string): { update: (p: Progress) => void; end: () => void } {
  const tty = process.stderr.isTTY;
  const start = performance.now();
  let lastDecile = -1;
  return {
    update(p) {
      const seconds = (performance.now() - start) / 1000;
      const rate = p.done / Math.max(seconds, 1e-9);
      const stats = `${p.done}/${p.total} photos, ${p.faces} faces, ${p.failed} failed, ${rate.toFixed(1)} photos/s`;
      if (tty) {
        const width = 30;
        const filled = Math.round((p.done / p.total) * width);
        process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${stats}\x1b[K`);
      } else {
        const decile = Math.floor((p.done / p.total) * 10);
        if (decile !== lastDecile || p.done === p.total) {
          lastDecile = decile;
          process.stderr.write(`${label}: ${stats}\n`);
        }
      }
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}
