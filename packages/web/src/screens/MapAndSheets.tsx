import { useQuery } from '@apollo/client/react';
import { PICTURES, type PicturesData } from '../queries.ts';
import { ErrorNote } from '../ui.tsx';

/** The pictures the API draws: the embedding map (t-SNE of every face) and the contact sheets. */
export function MapAndSheets({ groupId }: { groupId: string }) {
  const { data, loading, error } = useQuery<PicturesData>(PICTURES, { variables: { groupId }, fetchPolicy: 'cache-and-network' });
  const group = data?.group;
  return (
    <section aria-labelledby="map-title">
      <h2 id="map-title">Embedding map</h2>
      <ErrorNote error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {group && (
        <>
          <p className="muted">
            Every face placed by likeness (t-SNE), framed in its person's colour.{' '}
            <a href={group.embeddingMapSvgUrl} target="_blank" rel="noreferrer">
              SVG
            </a>
          </p>
          <a href={group.embeddingMapUrl} target="_blank" rel="noreferrer" className="picture-link">
            <img src={group.embeddingMapUrl} alt="Embedding map of the group's faces" className="picture" loading="lazy" />
          </a>
          <h2>Contact sheets</h2>
          <h3>Persons</h3>
          <a href={group.overviewSheetUrl} target="_blank" rel="noreferrer" className="picture-link">
            <img
              src={group.overviewSheetUrl}
              alt="Contact sheet: a cover face of each person"
              className="picture"
              loading="lazy"
            />
          </a>
          <h3>Unassigned and single faces</h3>
          <a href={group.unassignedSheetUrl} target="_blank" rel="noreferrer" className="picture-link">
            <img
              src={group.unassignedSheetUrl}
              alt="Contact sheet: faces in no person or alone"
              className="picture"
              loading="lazy"
            />
          </a>
        </>
      )}
    </section>
  );
}
