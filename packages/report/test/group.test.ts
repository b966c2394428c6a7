import { describe, expect, it } from 'vitest';
import { fingerprint, personSheetLayout, renderPersonSheet, type ReportGroup } from '../src/index.js';
import { decode } from './fixtures.js';

/** A group of two persons on three photos that exist nowhere: drawing must not need them. */
function group(): ReportGroup {
  return {
    persons: [
      { id: 'p1', name: null },
      { id: 'p2', name: 'Ada' },
    ],
    faces: [
      { id: 'a.jpg#0', photo: 'a.jpg', box: [10, 10, 60, 70], personId: 'p1' },
      { id: 'b.jpg#0', photo: 'b.jpg', box: [5, 5, 40, 50], personId: 'p1' },
      { id: 'b.jpg#1', photo: 'b.jpg', box: [50, 5, 90, 50], personId: 'p2' },
      { id: 'c.jpg#0', photo: 'c.jpg', box: [0, 0, 30, 30], personId: 'p2' },
    ],
    readPhoto: async (photo) => {
      throw new Error(`${photo} is gone`);
    },
  };
}

describe('fingerprint', () => {
  it('changes when the grouping changes, not when the same group comes in another order', () => {
    const base = group();
    const reordered = { ...base, persons: [...base.persons].reverse(), faces: [...base.faces].reverse() };
    expect(fingerprint(reordered)).toBe(fingerprint(base));
    const moved = { ...base, faces: base.faces.map((f) => (f.id === 'c.jpg#0' ? { ...f, personId: 'p1' } : f)) };
    const renamed = { ...base, persons: base.persons.map((p) => (p.id === 'p1' ? { ...p, name: 'Bob' } : p)) };
    const reboxed = {
      ...base,
      faces: base.faces.map((f) => (f.id === 'a.jpg#0' ? { ...f, box: [11, 10, 60, 70] as const } : f)),
    };
    for (const changed of [moved, renamed, reboxed]) expect(fingerprint(changed as ReportGroup)).not.toBe(fingerprint(base));
  });

  it("of one person changes only with that person's faces and name", () => {
    const base = group();
    const renamed = { ...base, persons: base.persons.map((p) => (p.id === 'p2' ? { ...p, name: 'Eve' } : p)) };
    expect(fingerprint(renamed, 'p1')).toBe(fingerprint(base, 'p1'));
    expect(fingerprint(renamed, 'p2')).not.toBe(fingerprint(base, 'p2'));
  });
});

describe('photos that cannot be read', () => {
  it('show as blank tiles and do not stop the sheet', async () => {
    const sheet = await decode(await renderPersonSheet(group(), 'p2'));
    const layout = personSheetLayout(2);
    expect([sheet.info.width, sheet.info.height]).toEqual([layout.width, layout.height]);
    const { left, top } = layout.tile(1);
    const centre = ((top + 56) * sheet.info.width + left + 56) * sheet.info.channels;
    expect([...sheet.data.subarray(centre, centre + 3)].every((v) => Math.abs(v - 200) <= 2)).toBe(true);
  });
});
