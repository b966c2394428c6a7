import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { IMAGES, type ImageCard, type ImagesData, type PersonMatch, PERSONS, type PersonsData } from '../queries.ts';
import { navigate, paths } from '../router.tsx';
import { Cover, ErrorNote, formatTaken, MAX_PAGE, PAGE, personName, ShowMore } from '../ui.tsx';
import { useViewer } from './Viewer.tsx';

/**
 * The group's photos; with persons chosen, the photos where they all appear together (or any of them). The choice
 * lives in the address (?with=<ids>&match=ANY), so a person's page can link to it.
 */
export function Photos({ groupId, search }: { groupId: string; search: URLSearchParams }) {
  const personIds = (search.get('with') ?? '').split(',').filter(Boolean);
  const match: PersonMatch = search.get('match') === 'ANY' ? 'ANY' : 'ALL';
  const [limit, setLimit] = useState(PAGE);
  const persons = useQuery<PersonsData>(PERSONS, {
    variables: { groupId, includeHidden: false, minFaces: 1, orderBy: 'PHOTOS', first: 500 },
    fetchPolicy: 'cache-and-network',
  });
  const images = useQuery<ImagesData>(IMAGES, {
    variables: {
      groupId,
      personIds: personIds.length ? personIds : null,
      match,
      orderBy: personIds.length ? 'TAKEN' : 'ADDED',
      first: limit,
    },
    fetchPolicy: 'cache-and-network',
  });

  const choose = (ids: string[], nextMatch: PersonMatch) => {
    const query = new URLSearchParams();
    if (ids.length) query.set('with', ids.join(','));
    if (nextMatch === 'ANY') query.set('match', 'ANY');
    const suffix = query.size ? `?${query}` : '';
    navigate(`${paths.group(groupId, 'photos')}${suffix}`, { replace: true });
  };
  const toggle = (id: string) => choose(personIds.includes(id) ? personIds.filter((x) => x !== id) : [...personIds, id], match);

  const list = images.data?.group.images;
  return (
    <section aria-labelledby="photos-title">
      <h2 id="photos-title">
        {personIds.length === 0
          ? 'All photos'
          : personIds.length === 1 || match === 'ANY'
            ? 'Photos with'
            : 'Photos with these persons together'}{' '}
        <span className="muted count">{list ? list.totalCount : ''}</span>
      </h2>
      <fieldset className="chooser">
        <legend>Persons</legend>
        <div className="row">
          <label className="check">
            <input type="radio" name="match" checked={match === 'ALL'} onChange={() => choose(personIds, 'ALL')} />
            All of them together
          </label>
          <label className="check">
            <input type="radio" name="match" checked={match === 'ANY'} onChange={() => choose(personIds, 'ANY')} />
            Any of them
          </label>
          {personIds.length > 0 && (
            <button type="button" onClick={() => choose([], match)}>
              Clear
            </button>
          )}
        </div>
        <ul className="chips" aria-label="Choose persons">
          {(persons.data?.group.persons.nodes ?? []).map((person) => (
            <li key={person.id} data-person-id={person.id}>
              <label className={`chip${personIds.includes(person.id) ? ' is-on' : ''}`}>
                <input type="checkbox" checked={personIds.includes(person.id)} onChange={() => toggle(person.id)} />
                <Cover person={person} size="small" />
                {personName(person)}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <ErrorNote error={images.error ?? persons.error} />
      {images.loading && !images.data && <p className="muted">Loading…</p>}
      {list && list.nodes.length === 0 && <p className="muted">No photos.</p>}
      {list && <PhotoGrid images={list.nodes} sequence={list.nodes.map((image) => image.id)} />}
      {list && (
        <ShowMore
          shown={list.nodes.length}
          total={list.totalCount}
          onMore={() => setLimit((now) => Math.min(MAX_PAGE, now + PAGE))}
          narrow="Choose persons to see fewer photos."
        />
      )}
    </section>
  );
}

/** Photos as buttons that open the viewer; `sequence` is what its arrow keys step through. */
export function PhotoGrid({ images, sequence }: { images: ImageCard[]; sequence: string[] }) {
  const openViewer = useViewer();
  return (
    <ul className="photo-grid">
      {images.map((image) => (
        <li key={image.id}>
          <button
            type="button"
            className="photo-button"
            onClick={() => openViewer(sequence, sequence.indexOf(image.id))}
            aria-label={`Open photo ${image.key}`}
            title={`${image.key}${image.takenAt ? `, taken ${formatTaken(image.takenAt, true)}` : ''}`}
          >
            <img src={image.thumbnailUrl} alt="" loading="lazy" />
          </button>
        </li>
      ))}
    </ul>
  );
}
