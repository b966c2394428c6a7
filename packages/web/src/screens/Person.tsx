import { useQuery } from '@apollo/client/react';
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import {
  FORGET_PERSON,
  type ImageCard,
  MOVE_FACES,
  type MoveData,
  NOT_THIS_PERSON,
  PERSON,
  type PersonData,
  type PersonDetail,
  PERSONS,
  type PersonsData,
  RENAME_PERSON,
  SET_COVER,
  SET_HIDDEN,
} from '../queries.ts';
import { Link, navigate, paths } from '../router.tsx';
import { ConfirmButton, Cover, ErrorNote, formatTaken, personName, removePersonsFromCache, useAction } from '../ui.tsx';
import { PhotoGrid } from './Photos.tsx';

export function Person({ groupId, personId }: { groupId: string; personId: string }) {
  const { data, loading, error } = useQuery<PersonData>(PERSON, { variables: { personId }, fetchPolicy: 'cache-and-network' });
  if (error) return <ErrorNote error={error} />;
  if (loading && !data) return <p className="muted">Loading…</p>;
  const node = data?.node;
  if (node?.__typename !== 'Person')
    return (
      <section>
        <h2>This person is not here any more</h2>
        <p>
          They were merged into someone else, forgotten, or lost their last face.{' '}
          <Link href={paths.group(groupId)}>Back to the people</Link>
        </p>
      </section>
    );
  return <PersonPage groupId={groupId} person={node as PersonDetail} />;
}

function PersonPage({ groupId, person }: { groupId: string; person: PersonDetail }) {
  const action = useAction();
  const [selectedFaces, setSelectedFaces] = useState<string[]>([]);
  const faces = person.faces.nodes;
  const toggleFace = (id: string) => setSelectedFaces((now) => (now.includes(id) ? now.filter((x) => x !== id) : [...now, id]));

  const forget = async () => {
    const done = await action.run(async (client) => {
      await client.mutate({ mutation: FORGET_PERSON, variables: { id: person.id } });
      removePersonsFromCache(client, [person.id]);
    });
    if (done) navigate(paths.group(groupId));
  };

  return (
    <section aria-labelledby="person-title" className="person-page">
      <div className="person-head">
        <Cover person={person} />
        <div>
          <NameEditor person={person} action={action} />
          <p className="muted">
            {person.faceCount} {person.faceCount === 1 ? 'face' : 'faces'} · {person.photoCount}{' '}
            {person.photoCount === 1 ? 'photo' : 'photos'}
            {person.hidden && ' · hidden'}
          </p>
          <div className="row">
            <button
              type="button"
              disabled={action.busy}
              onClick={() =>
                action.run((client) =>
                  client.mutate({ mutation: SET_HIDDEN, variables: { personId: person.id, hidden: !person.hidden } }),
                )
              }
            >
              {person.hidden ? 'Show again' : 'Hide'}
            </button>
            <Link href={`${paths.group(groupId, 'photos')}?with=${encodeURIComponent(person.id)}`} className="button">
              Photos with…
            </Link>
            <a href={person.sheetUrl} target="_blank" rel="noreferrer" className="button">
              Contact sheet
            </a>
            <ConfirmButton
              label="Forget"
              confirmLabel="Forget person"
              question="Forget this person and their faces? Their photos stay."
              disabled={action.busy}
              onConfirm={forget}
            />
          </div>
        </div>
      </div>
      <ErrorNote error={action.error} />

      <h3>Faces</h3>
      {selectedFaces.length > 0 && (
        <FaceActions
          groupId={groupId}
          person={person}
          faceIds={selectedFaces}
          action={action}
          onDone={() => setSelectedFaces([])}
        />
      )}
      <ul className="face-grid" aria-label="Faces">
        {faces.map((face) => {
          const isCover = person.coverFace?.id === face.id;
          return (
            <li key={face.id} className={`face-card${isCover ? ' is-cover' : ''}`}>
              <img src={face.thumbnailUrl} srcSet={`${face.thumbnailUrl} 1x, ${face.thumbnailUrl2x} 2x`} alt="" loading="lazy" />
              <label className="check">
                <input type="checkbox" checked={selectedFaces.includes(face.id)} onChange={() => toggleFace(face.id)} />
                Select
              </label>
              {isCover ? (
                <span className="badge">Cover</span>
              ) : (
                <button
                  type="button"
                  className="small"
                  disabled={action.busy}
                  onClick={() =>
                    action.run((client) =>
                      client.mutate({ mutation: SET_COVER, variables: { personId: person.id, faceId: face.id } }),
                    )
                  }
                >
                  Make cover
                </button>
              )}
            </li>
          );
        })}
      </ul>

      <h3>Photos by date taken</h3>
      <PhotosByDate images={person.images.nodes} />
    </section>
  );
}

function NameEditor({ person, action }: { person: PersonDetail; action: ReturnType<typeof useAction> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const done = await action.run((client) =>
      client.mutate({ mutation: RENAME_PERSON, variables: { personId: person.id, name: draft.trim() || null } }),
    );
    if (done) setEditing(false);
  };
  const cancelOnEscape = (event: KeyboardEvent) => {
    if (event.key === 'Escape') setEditing(false);
  };
  if (!editing)
    return (
      <div className="row name-row">
        <h2 id="person-title" className="person-title">
          {personName(person)}
        </h2>
        <button
          type="button"
          onClick={() => {
            setDraft(person.name ?? '');
            setEditing(true);
          }}
        >
          Rename
        </button>
      </div>
    );
  return (
    <form className="row name-row" onSubmit={save} onKeyDown={cancelOnEscape}>
      <h2 id="person-title" className="visually-hidden">
        {personName(person)}
      </h2>
      <label htmlFor="person-name" className="visually-hidden">
        Name
      </label>
      <input
        id="person-name"
        value={draft}
        maxLength={200}
        placeholder="Name"
        onChange={(event) => setDraft(event.target.value)}
        // biome-ignore lint/a11y/noAutofocus: the field replaces the name the user chose to edit
        autoFocus
      />
      <button type="submit" className="primary" disabled={action.busy}>
        Save
      </button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  );
}

/** Selected faces: out of this person ("not this person"), or moved to another person or a new one. */
function FaceActions({
  groupId,
  person,
  faceIds,
  action,
  onDone,
}: {
  groupId: string;
  person: PersonDetail;
  faceIds: string[];
  action: ReturnType<typeof useAction>;
  onDone: () => void;
}) {
  const [destination, setDestination] = useState('');
  const { data } = useQuery<PersonsData>(PERSONS, {
    variables: { groupId, includeHidden: true, minFaces: 1, orderBy: 'NAME', first: 500 },
  });
  const others = (data?.group.persons.nodes ?? []).filter((other) => other.id !== person.id);

  const notThisPerson = async () => {
    const done = await action.run(async (client) => {
      for (const faceId of faceIds) await client.mutate({ mutation: NOT_THIS_PERSON, variables: { faceId } });
    });
    if (done) onDone();
  };
  const move = async () => {
    const done = await action.run(async (client) => {
      const result = await client.mutate<MoveData>({
        mutation: MOVE_FACES,
        variables: { faceIds, personId: destination === 'new' ? null : destination },
      });
      removePersonsFromCache(client, result.data!.moveFaces.removedPersonIds);
    });
    if (done) onDone();
  };

  return (
    <section className="actionbar" aria-label="Selected faces">
      <span>
        {faceIds.length} {faceIds.length === 1 ? 'face' : 'faces'} selected.
      </span>
      <button type="button" onClick={notThisPerson} disabled={action.busy}>
        Not this person
      </button>
      <label>
        Move to
        <select value={destination} onChange={(event) => setDestination(event.target.value)}>
          <option value="">Choose…</option>
          <option value="new">A new person</option>
          {others.map((other) => (
            <option key={other.id} value={other.id}>
              {personName(other)} ({other.faceCount} faces)
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="primary" onClick={move} disabled={!destination || action.busy}>
        Move
      </button>
      <button type="button" onClick={onDone}>
        Clear selection
      </button>
    </section>
  );
}

/** A person's photos under the day they were taken, newest first (the API's order), undated ones last. */
function PhotosByDate({ images }: { images: ImageCard[] }) {
  const days = new Map<string, ImageCard[]>();
  for (const image of images) {
    const label = formatTaken(image.takenAt);
    days.set(label, [...(days.get(label) ?? []), image]);
  }
  const all = images.map((image) => image.id);
  return (
    <div className="days">
      {[...days].map(([label, dayImages]) => (
        <div key={label}>
          <h4>{label}</h4>
          <PhotoGrid images={dayImages} sequence={all} />
        </div>
      ))}
    </div>
  );
}
