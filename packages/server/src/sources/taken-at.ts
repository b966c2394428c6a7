import exifr from 'exifr';

const DATE_TIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * When a photo was taken: its EXIF DateTimeOriginal, at its OffsetTimeOriginal when it has one, else read as UTC
 * (cameras write local time with no zone). Null when the photo has no such date or its EXIF cannot be read.
 */
export async function takenAtOf(bytes: Buffer): Promise<Date | null> {
  try {
    // Raw strings: exifr's own dates would be read in this server's time zone.
    const tags = await exifr.parse(bytes, { pick: ['DateTimeOriginal', 'OffsetTimeOriginal'], reviveValues: false });
    return dateOf(tags?.DateTimeOriginal, tags?.OffsetTimeOriginal);
  } catch {
    return null;
  }
}

function dateOf(dateTime: unknown, offset: unknown): Date | null {
  const match = typeof dateTime === 'string' ? DATE_TIME.exec(dateTime.trim()) : null;
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const millisecond = match[7] ? Number(match[7].padEnd(3, '0')) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // "0000:00:00 00:00:00" and other impossible dates: Date.UTC would roll them over into another date.
  const date = new Date(utc);
  if (Number.isNaN(utc) || year < 1800 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const zone = typeof offset === 'string' ? OFFSET.exec(offset.trim()) : null;
  if (!zone) return date;
  const minutes = (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3]));
  return new Date(utc - minutes * 60_000);
}
