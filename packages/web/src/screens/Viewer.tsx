import { useQuery } from '@apollo/client/react';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { DELETE_IMAGES, type DeleteImagesData, VIEWER_IMAGE, type ViewerImage, type ViewerImageData } from '../queries.ts';
import { Link, paths } from '../router.tsx';
import { ConfirmButton, ErrorNote, formatTaken, personName, removePersonsFromCache, useAction } from '../ui.tsx';

type OpenViewer = (imageIds: string[], index: number) => void;
const ViewerContext = createContext<OpenViewer>(() => undefined);

/** Opens the photo viewer on one of a list of photos (the arrow keys step through the list). */
export const useViewer = () => useContext(ViewerContext);

export function ViewerProvider({ groupId, children }: { groupId: string; children: ReactNode }) {
  const [state, setState] = useState<{ ids: string[]; index: number } | null>(null);
  const open = useCallback<OpenViewer>((ids, index) => setState({ ids, index: Math.max(0, index) }), []);
  const deleted = (id: string) =>
    setState((now) => {
      if (!now) return now;
      const ids = now.ids.filter((x) => x !== id);
      return ids.length ? { ids, index: Math.min(now.index, ids.length - 1) } : null;
    });
  return (
    <ViewerContext.Provider value={open}>
      {children}
      {state && (
        <Viewer
          groupId={groupId}
          ids={state.ids}
          index={state.index}
          onIndex={(index) => setState({ ids: state.ids, index })}
          onDeleted={deleted}
          onClose={() => setState(null)}
        />
      )}
    </ViewerContext.Provider>
  );
}

/**
 * A photo at viewer size with its faces framed and named. A modal dialog: the page behind is inert, Escape closes,
 * the arrow keys go to the previous and next photo, and focus returns where it was.
 */
function Viewer({
  groupId,
  ids,
  index,
  onIndex,
  onDeleted,
  onClose,
}: {
  groupId: string;
  ids: string[];
  index: number;
  onIndex: (index: number) => void;
  onDeleted: (id: string) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  const id = ids[index];
  const { data, error } = useQuery<ViewerImageData>(VIEWER_IMAGE, { variables: { id } });
  const action = useAction();
  const hasPrevious = index > 0;
  const hasNext = index < ids.length - 1;

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const root = document.getElementById('root');
    root?.setAttribute('inert', '');
    dialog.current?.focus();
    return () => {
      root?.removeAttribute('inert');
      before?.focus();
    };
  }, []);

  useEffect(() => {
    const keydown = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
      else if (event.key === 'ArrowLeft' && hasPrevious) onIndex(index - 1);
      else if (event.key === 'ArrowRight' && hasNext) onIndex(index + 1);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', keydown);
    return () => window.removeEventListener('keydown', keydown);
  }, [index, hasPrevious, hasNext, onIndex, onClose]);

  const remove = () =>
    action.run(async (client) => {
      const result = await client.mutate<DeleteImagesData>({ mutation: DELETE_IMAGES, variables: { ids: [id] } });
      removePersonsFromCache(client, result.data!.deleteImages.removedPersonIds);
      client.cache.evict({ id: client.cache.identify({ __typename: 'Image', id }) });
      onDeleted(id);
    });

  const image = data?.node?.__typename === 'Image' ? (data.node as ViewerImage) : null;
  return createPortal(
    <div className="viewer-backdrop">
      <div
        className="viewer"
        role="dialog"
        aria-modal="true"
        aria-label="Photo viewer"
        tabIndex={-1}
        ref={dialog}
        data-image-id={id}
      >
        <div className="viewer-bar">
          <span className="viewer-title">
            {image ? image.key : ''} {image && <span className="muted">· {formatTaken(image.takenAt, true)}</span>}{' '}
            <span className="muted">
              ({index + 1} of {ids.length})
            </span>
          </span>
          <button type="button" onClick={() => onIndex(index - 1)} disabled={!hasPrevious} aria-label="Previous photo">
            ←
          </button>
          <button type="button" onClick={() => onIndex(index + 1)} disabled={!hasNext} aria-label="Next photo">
            →
          </button>
          <button type="button" onClick={onClose} className="primary">
            Close
          </button>
        </div>
        <ErrorNote error={error ?? action.error} />
        {data && !image && <p>This photo is not here any more.</p>}
        {image && (
          <>
            <figure className="viewer-figure">
              <div className="viewer-frame">
                <img src={image.viewerUrl} alt={image.key} />
                {image.width &&
                  image.height &&
                  image.faces.map((face) => (
                    <FaceBox
                      key={face.id}
                      face={face}
                      width={image.width!}
                      height={image.height!}
                      groupId={groupId}
                      onOpen={onClose}
                    />
                  ))}
              </div>
              <figcaption className="muted">
                {image.faces.length === 0
                  ? 'No faces.'
                  : image.faces.map((face) => (face.person ? personName(face.person) : 'unassigned')).join(', ')}
              </figcaption>
            </figure>
            <div className="row">
              <a href={image.originalUrl} target="_blank" rel="noreferrer" className="button">
                Original
              </a>
              <ConfirmButton
                label="Delete photo"
                confirmLabel="Delete photo"
                question="Delete this photo and its faces?"
                disabled={action.busy}
                onConfirm={remove}
              />
            </div>
          </>
        )}
      </div>
    </div>,
    document.body,
  );
}

/** A face's box over the photo, in percentages of the upright original, so it fits whatever size the photo is shown at. */
function FaceBox({
  face,
  width,
  height,
  groupId,
  onOpen,
}: {
  face: ViewerImage['faces'][number];
  width: number;
  height: number;
  groupId: string;
  onOpen: () => void;
}) {
  const style = {
    left: `${(face.box.x / width) * 100}%`,
    top: `${(face.box.y / height) * 100}%`,
    width: `${(face.box.width / width) * 100}%`,
    height: `${(face.box.height / height) * 100}%`,
  };
  if (!face.person)
    return (
      <span className="face-box is-unassigned" style={style}>
        <span className="face-label">Unassigned</span>
      </span>
    );
  return (
    <Link href={paths.person(groupId, face.person.id)} className="face-box" style={style} onClick={onOpen}>
      <span className="face-label">{personName(face.person)}</span>
    </Link>
  );
}
