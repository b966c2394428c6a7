import { useQuery } from '@apollo/client/react';
import { MOVE_FACES, UNASSIGNED, type UnassignedData } from '../queries.ts';
import { Link, paths } from '../router.tsx';
import { Cover, ErrorNote, personName, useAction } from '../ui.tsx';
import { useViewer } from './Viewer.tsx';

/** Faces in no person, with why (blurred, hard to recognise, no close person, not this person) and who was nearest. */
export function Unassigned({ groupId }: { groupId: string }) {
  const { data, loading, error } = useQuery<UnassignedData>(UNASSIGNED, {
    variables: { groupId },
    fetchPolicy: 'cache-and-network',
  });
  const action = useAction();
  const openViewer = useViewer();
  const faces = data?.group.unassignedFaces.nodes ?? [];
  const imageIds = [...new Set(faces.map((face) => face.image.id))];
  const moveTo = (faceId: string, personId: string | null) =>
    action.run((client) => client.mutate({ mutation: MOVE_FACES, variables: { faceIds: [faceId], personId } }));

  return (
    <section aria-labelledby="unassigned-title">
      <h2 id="unassigned-title">
        Unassigned faces <span className="muted count">{data ? data.group.unassignedFaces.totalCount : ''}</span>
      </h2>
      <ErrorNote error={action.error ?? error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && faces.length === 0 && <p className="muted">Every face is in a person.</p>}
      <ul className="unassigned-list">
        {faces.map((face) => {
          const nearest = face.unassigned?.nearestPerson;
          return (
            <li key={face.id} className="unassigned">
              <button
                type="button"
                className="photo-button"
                onClick={() => openViewer(imageIds, imageIds.indexOf(face.image.id))}
                aria-label="Open its photo"
              >
                <img
                  src={face.thumbnailUrl}
                  srcSet={`${face.thumbnailUrl} 1x, ${face.thumbnailUrl2x} 2x`}
                  alt=""
                  loading="lazy"
                />
              </button>
              <div>
                <ul className="reasons" aria-label="Reasons">
                  {(face.unassigned?.reasons ?? []).map((reason) => (
                    <li key={reason} className="badge">
                      {reason}
                    </li>
                  ))}
                </ul>
                {nearest ? (
                  <p className="nearest">
                    Nearest:{' '}
                    <Link href={paths.person(groupId, nearest.id)}>
                      <Cover person={nearest} size="small" /> {personName(nearest)}
                    </Link>{' '}
                    <span className="muted">
                      {face.unassigned?.similarity != null && `similarity ${face.unassigned.similarity.toFixed(2)}`}, needs{' '}
                      {face.unassigned?.threshold.toFixed(2)}
                    </span>
                  </p>
                ) : (
                  <p className="muted">No person near.</p>
                )}
                <div className="row">
                  {nearest && (
                    <button type="button" onClick={() => moveTo(face.id, nearest.id)} disabled={action.busy}>
                      Add to {personName(nearest)}
                    </button>
                  )}
                  <button type="button" onClick={() => moveTo(face.id, null)} disabled={action.busy}>
                    New person
                  </button>
                </div>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
