import { escapeXml as e } from './text.js';

/** The report page, with every link relative to the report folder. */
export interface ReportPage {
  title: string;
  summary: string;
  overview: PageImage & { persons: PageArea[] };
  map: PageImage & { png: string };
  persons: PagePerson[];
  unassigned: PageImage & { faces: number };
  evaluation?: PageEvaluation;
}

export interface PageImage {
  src: string;
  width: number;
  height: number;
}

/** A clickable rectangle of the overview sheet, leading to a person's section. */
export interface PageArea {
  anchor: string;
  title: string;
  left: number;
  top: number;
  size: number;
}

export interface PageLink {
  text: string;
  href: string;
}

export interface PagePerson {
  anchor: string;
  title: string;
  counts: string;
  sheet: PageImage;
  photos: PageLink[];
}

export interface PageFace {
  src: string;
  /** Face id, shown on hover. */
  title: string;
  /** The photo the face is on. */
  href: string;
}

export interface PageFaceSet {
  heading: string;
  href?: string;
  faces: PageFace[];
}

/** One wrong merge (a person mixing identities) or split (an identity spread over persons). */
export interface PageFinding {
  heading: string;
  href?: string;
  sets: PageFaceSet[];
}

export interface PageEvaluation {
  figures: [string, string][];
  merges: PageFinding[];
  splits: PageFinding[];
  missed: PageLink[];
}

/** index.html: one self-contained page (inline style, no script, no external resources) that opens from disk. */
export function renderIndexHtml(page: ReportPage): string {
  const sections = [
    page.evaluation ? evaluationSection(page.evaluation) : '',
    overviewSection(page.overview),
    `<section id="map"><h2>Embedding map</h2>
<p>Each face at its place in a t-SNE projection of the embeddings, framed in its person's colour. <a href="${e(page.map.src)}">SVG</a> (face ids on hover) · <a href="${e(page.map.png)}">PNG</a></p>
${image(page.map, 'Embedding map of all faces')}</section>`,
    `<section id="persons"><h2>Persons</h2>${page.persons.map(personSection).join('\n')}</section>`,
    `<section id="unassigned"><h2>Unassigned faces (${page.unassigned.faces})</h2>${image(page.unassigned, 'Unassigned faces')}</section>`,
  ];
  const nav = [
    page.evaluation ? ['evaluation', 'Evaluation'] : null,
    ['overview', 'Overview'],
    ['map', 'Map'],
    ['persons', 'Persons'],
    ['unassigned', 'Unassigned'],
  ].filter((item): item is string[] => item !== null);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${e(page.title)}</h1><p>${e(page.summary)}</p>
<nav>${nav.map(([id, text]) => `<a href="#${id}">${text}</a>`).join(' · ')}</nav></header>
${sections.join('\n')}
</body>
</html>
`;
}

const STYLE = `
body { font: 15px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 0 16px 48px; max-width: 1240px; color: #222; }
header { border-bottom: 1px solid #ddd; margin-bottom: 8px; }
h2 { margin-top: 32px; border-bottom: 1px solid #eee; }
img { max-width: 100%; height: auto; }
article { margin: 24px 0; }
article h3 { margin-bottom: 0; }
.counts, .note { color: #555; margin-top: 2px; }
ul.photos { columns: 4 14em; padding-left: 1.2em; }
table { border-collapse: collapse; }
td, th { padding: 2px 12px 2px 0; text-align: left; }
td.value { font-variant-numeric: tabular-nums; }
.finding { margin: 16px 0; padding: 8px 12px; background: #fafafa; border-left: 4px solid #d62728; }
.set { margin: 6px 0; display: flex; gap: 12px; align-items: center; }
.set .heading { flex: 0 0 16em; }
.faces img { width: 64px; height: 64px; margin: 2px; vertical-align: top; }
`;

function image(img: PageImage, alt: string, extra = ''): string {
  return `<img src="${e(img.src)}" width="${img.width}" height="${img.height}" alt="${e(alt)}" loading="lazy"${extra}>`;
}

function overviewSection(overview: ReportPage['overview']): string {
  const areas = overview.persons.map(
    (area) =>
      `<area shape="rect" coords="${area.left},${area.top},${area.left + area.size},${area.top + area.size}" href="#${e(area.anchor)}" alt="${e(area.title)}" title="${e(area.title)}">`,
  );
  return `<section id="overview"><h2>Overview</h2><p class="note">Persons, largest first; click a face for the person.</p>
${image(overview, 'Overview of all persons', ' usemap="#persons-map"')}
<map name="persons-map">${areas.join('')}</map></section>`;
}

function personSection(person: PagePerson): string {
  return `<article id="${e(person.anchor)}"><h3>${e(person.title)}</h3><p class="counts">${e(person.counts)}</p>
${image(person.sheet, `Faces of ${person.title}`)}
<details><summary>Photos (${person.photos.length})</summary><ul class="photos">${person.photos.map((photo) => `<li>${link(photo)}</li>`).join('')}</ul></details></article>`;
}

function evaluationSection(evaluation: PageEvaluation): string {
  const rows = evaluation.figures.map(([name, value]) => `<tr><th>${e(name)}</th><td class="value">${e(value)}</td></tr>`);
  const missed = evaluation.missed.length ? evaluation.missed.map(link).join(', ') : 'none';
  return `<section id="evaluation"><h2>Evaluation against the labels</h2>
<table>${rows.join('')}</table>
<h3 id="merges">Wrong merges: persons mixing identities (${evaluation.merges.length})</h3>
<p class="note">Labels are per photo: a face on a group photo appears under every identity of that photo.</p>
${evaluation.merges.map(finding).join('\n') || '<p>none</p>'}
<h3 id="splits">Splits: identities spread over persons (${evaluation.splits.length})</h3>
${evaluation.splits.map(finding).join('\n') || '<p>none</p>'}
<h3 id="missed">Labelled photos in no person (${evaluation.missed.length})</h3><p>${missed}</p></section>`;
}

function finding(item: PageFinding): string {
  const sets = item.sets.map(
    (set) =>
      `<div class="set"><span class="heading">${set.href ? link({ text: set.heading, href: set.href }) : e(set.heading)}</span><div class="faces">${set.faces
        .map(
          (face) =>
            `<a href="${e(face.href)}"><img src="${e(face.src)}" alt="${e(face.title)}" title="${e(face.title)}" loading="lazy"></a>`,
        )
        .join('')}</div></div>`,
  );
  const heading = item.href ? link({ text: item.heading, href: item.href }) : e(item.heading);
  return `<div class="finding"><strong>${heading}</strong>${sets.join('')}</div>`;
}

const link = (l: PageLink) => `<a href="${e(l.href)}">${e(l.text)}</a>`;
