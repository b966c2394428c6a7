import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { takenAtOf } from '../src/sources/taken-at.js';
import { devPhoto } from '../../../test/support/fixtures.js';

const withDate = (exif: Record<string, string>) =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: 'grey' } })
    .jpeg()
    .withExif({ IFD2: exif })
    .toBuffer();

describe('takenAtOf', () => {
  it('reads DateTimeOriginal at its OffsetTimeOriginal', async () => {
    const bytes = await withDate({ DateTimeOriginal: '2021:07:04 09:30:15', OffsetTimeOriginal: '+02:00' });
    expect((await takenAtOf(bytes))?.toISOString()).toBe('2021-07-04T07:30:15.000Z');
    const west = await withDate({ DateTimeOriginal: '2021:07:04 22:30:15', OffsetTimeOriginal: '-05:30' });
    expect((await takenAtOf(west))?.toISOString()).toBe('2021-07-05T04:00:15.000Z');
  });

  it('reads a date with no offset as UTC', async () => {
    const bytes = await withDate({ DateTimeOriginal: '2019:12:31 23:59:59' });
    expect((await takenAtOf(bytes))?.toISOString()).toBe('2019-12-31T23:59:59.000Z');
    // A dev photo from a camera.
    expect((await takenAtOf(await readFile(devPhoto('jpd_0d54927c.jpg'))))?.toISOString()).toBe('2010-02-04T22:12:50.000Z');
  });

  it('gives null for photos without a date, impossible dates and bytes that are no photo', async () => {
    expect(await takenAtOf(await withDate({}))).toBeNull();
    expect(await takenAtOf(await withDate({ DateTimeOriginal: '0000:00:00 00:00:00' }))).toBeNull();
    expect(await takenAtOf(await withDate({ DateTimeOriginal: '2021:02:30 10:00:00' }))).toBeNull();
    expect(await takenAtOf(await withDate({ DateTimeOriginal: 'yesterday' }))).toBeNull();
    expect(await takenAtOf(Buffer.from('not a photo'))).toBeNull();
    expect(await takenAtOf(Buffer.alloc(0))).toBeNull();
  });
});
