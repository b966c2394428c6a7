import { useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { MERGE_PERSONS, type MergeData, type PersonOrder, PERSONS, type PersonsData } from '../queries.ts';
import { Link, paths } from '../router.tsx';
import { Cover, ErrorNote, MAX_PAGE, PAGE, personName, removePersonsFromCache, ShowMore, useAction } from '../ui.tsx';

/** Typing in the search waits this long before asking the API. */
const SEARCH_DELAY_MS = 250;

export function People({ groupId }: { groupId: string }) {
  const [search, setSearch] = useState('');
  const [searched, setSearched] = useState('');
  const [includeHidden, setIncludeHidden] = useState(false);
  const [minFaces, setMinFaces] = useState(1);
  const [orderBy, setOrderBy] = useState<PersonOrder>('PHOTOS');
  const [selected, setSelected] = useState<string[]>([]);
  const [targetId, setTargetId] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const action = useAction();

  useEffect(() => {
    const timer = setTimeout(() => setSearched(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const { data, loading, error } = useQuery<PersonsData>(PERSONS, {
    variables: { groupId, search: searched || null, includeHidden, minFaces: Math.max(1, minFaces), orderBy, first: limit },
    fetchPolicy: 'cache-and-network',
  });
  const persons = data?.group.persons.nodes ?? [];
  const chosen = persons.filter((person) => selected.includes(person.id));
  // The merge keeps the chosen target, by default the selected person with the most photos.
  const target = chosen.find((person) => person.id === targetId) ?? [...chosen].sort((a, b) => b.photoCount - a.photoCount)[0];

  const toggle = (id: string) => setSelected((now) => (now.includes(id) ? now.filter((x) => x !== id) : [...now, id]));

  const merge = () =>
    action.run(async (client) => {
      const sourceIds = chosen.filter((person) => person.id !== target.id).map((person) => person.id);
      const result = await client.mutate<MergeData>({ mutation: MERGE_PERSONS, variables: { targetId: target.id, sourceIds } });
      removePersonsFromCache(client, result.data!.mergePersons.removedPersonIds);
      setSelected([]);
      setTargetId('');
    });

  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">
        People <span className="muted count">{data ? data.group.persons.totalCount : ''}</span>
      </h2>
      <div className="filters">
        <label>
          Search by name
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </label>
        <label>
          Minimum faces
          <input
            type="number"
            min={1}
            value={minFaces}
            onChange={(event) => setMinFaces(Number(event.target.value) || 1)}
            className="narrow"
          />
        </label>
        <label>
          Order
          <select value={orderBy} onChange={(event) => setOrderBy(event.target.value as PersonOrder)}>
            <option value="PHOTOS">Most photos</option>
            <option value="NAME">Name</option>
            <option value="RECENT">Recent</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={includeHidden} onChange={(event) => setIncludeHidden(event.target.checked)} />
          Show hidden
        </label>
      </div>
      {chosen.length >= 2 && (
        <section className="actionbar" aria-label="Merge selected persons">
          <span>{chosen.length} selected.</span>
          <label>
            Keep
            <select value={target.id} onChange={(event) => setTargetId(event.target.value)}>
              {chosen.map((person) => (
                <option key={person.id} value={person.id}>
                  {personName(person)} ({person.photoCount} photos)
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="primary" onClick={merge} disabled={action.busy}>
            Merge {chosen.length} persons
          </button>
          <button type="button" onClick={() => setSelected([])}>
            Clear selection
          </button>
        </section>
      )}
      <ErrorNote error={action.error ?? error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && persons.length === 0 && (
        <p className="muted">
          {searched || minFaces > 1
            ? 'No person matches.'
            : 'No persons yet: upload photos, and they appear here as they are analysed.'}
        </p>
      )}
      <ul className="person-grid" aria-label="Persons">
        {persons.map((person) => (
          <li key={person.id} className={`person-card${person.hidden ? ' is-hidden' : ''}`} data-person-id={person.id}>
            <Link href={paths.person(groupId, person.id)} className="person-link">
              <Cover person={person} />
              <span className="person-name">{personName(person)}</span>
              <span className="muted">
                <span className="person-photos">{person.photoCount}</span> {person.photoCount === 1 ? 'photo' : 'photos'}
                {person.hidden && ' · hidden'}
              </span>
            </Link>
            <label className="check select">
              <input type="checkbox" checked={selected.includes(person.id)} onChange={() => toggle(person.id)} />
              Select <span className="visually-hidden">{personName(person)}</span>
            </label>
          </li>
        ))}
      </ul>
      {data && (
        <ShowMore
          shown={persons.length}
          total={data.group.persons.totalCount}
          onMore={() => setLimit((now) => Math.min(MAX_PAGE, now + PAGE))}
          narrow="Search by name or raise the minimum faces to find the others."
        />
      )}
    </section>
  );
}
