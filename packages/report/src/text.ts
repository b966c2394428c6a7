/** Text drawn into SVG (sheets, map) and HTML. librsvg finds DejaVu Sans through fontconfig (fonts-dejavu-core). */
export const FONT_FAMILY = "'DejaVu Sans', sans-serif";

/** DejaVu Sans averages about 0.6 em per character; enough to keep captions inside their cells. */
const AVERAGE_CHARACTER_EM = 0.6;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Cuts text to fit `width` pixels at `fontSize`, ending it with "…" when cut. */
export function fitText(text: string, width: number, fontSize: number): string {
  const fits = Math.max(1, Math.floor(width / (fontSize * AVERAGE_CHARACTER_EM)));
  return text.length <= fits ? text : `${text.slice(0, fits - 1)}…`;
}

export interface TextStyle {
  size: number;
  bold?: boolean;
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
  /** A light outline under the letters, to keep them readable over pictures. */
  halo?: boolean;
}

/** An SVG <text> element (escaped), baseline at y. */
export function svgText(x: number, y: number, text: string, style: TextStyle): string {
  const attributes =
    `x="${round1(x)}" y="${round1(y)}" font-family="${FONT_FAMILY}" font-size="${style.size}"` +
    `${style.bold ? ' font-weight="bold"' : ''} text-anchor="${style.anchor ?? 'start'}"`;
  const body = escapeXml(text);
  // Drawn twice rather than with paint-order, which older librsvg ignores.
  const halo = style.halo
    ? `<text ${attributes} fill="none" stroke="#fff" stroke-width="3" stroke-linejoin="round">${body}</text>`
    : '';
  return `${halo}<text ${attributes} fill="${style.fill ?? '#222'}">${body}</text>`;
}

export const round1 = (v: number) => Math.round(v * 10) / 10;

/** "1 face", "3 faces". */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
