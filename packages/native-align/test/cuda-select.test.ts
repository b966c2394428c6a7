import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// topK's GPU selection runs on machines this suite rarely has; its kernel's logic is also checked on the host.
describe("topK's CUDA selection kernel, emulated on the host", () => {
  it('selects what sorting every candidate selects: ties, -Infinity, NaN, -0, excludeSelf, padding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'na-select-'));
    try {
      const binary = join(dir, 'select-emulation');
      const source = fileURLToPath(new URL('./select-emulation.cc', import.meta.url));
      execFileSync('c++', ['-std=c++20', '-O1', '-pthread', source, '-o', binary]);
      const output = execFileSync(binary).toString();
      expect(output).toMatch(/^32 rows checked, 0 mismatches$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
