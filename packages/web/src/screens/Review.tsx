import { useQuery } from '@apollo/client/react';
import { MARK_DIFFERENT, MERGE_PERSONS, type MergeData, type PersonCard, SUGGESTIONS, type SuggestionsData } from '../queries.ts';
import { Link, paths } from '../router.tsx';
import { Cover, ErrorNote, personName, removePersonsFromCache, useAction } from '../ui.tsx';

/** Pairs of persons that are probably one, best first: "same" merges them, "different" keeps them apart for good. */
export function Review({ groupId }: { groupId: string }) {
  const { data, loading, error } = useQuery<SuggestionsData>(SUGGESTIONS, {
    variables: { groupId },
    fetchPolicy: 'cache-and-network',
  });
  const action = useAction();
  const suggestions = data?.group.mergeSuggestions ?? [];

  const same = (a: PersonCard, b: PersonCard) =>
    action.run(async (client) => {
      // The person with more photos stays (and keeps its name unless it has none).
      const [target, source] = b.photoCount > a.photoCount ? [b, a] : [a, b];
      const result = await client.mutate<MergeData>({
        mutation: MERGE_PERSONS,
        variables: { targetId: target.id, sourceIds: [source.id] },
      });
      removePersonsFromCache(client, result.data!.mergePersons.removedPersonIds);
    });
  const different = (a: PersonCard, b: PersonCard) =>
    action.run((client) => client.mutate({ mutation: MARK_DIFFERENT, variables: { a: a.id, b: b.id } }));

  return (
    <section aria-labelledby="review-title">
      <h2 id="review-title">
        Same person? <span className="muted count">{data ? suggestions.length : ''}</span>
      </h2>
      <ErrorNote error={action.error ?? error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && suggestions.length === 0 && <p className="muted">Nothing to review: no two persons look like one.</p>}
      <ul className="suggestions">
        {suggestions.map(({ a, b, similarity }) => (
          <li key={`${a.id}-${b.id}`} className="suggestion" data-a={a.id} data-b={b.id}>
            <div className="pair">
              {[a, b].map((person) => (
                <Link key={person.id} href={paths.person(groupId, person.id)} className="pair-person">
                  <Cover person={person} />
                  <span className="person-name">{personName(person)}</span>
                  <span className="muted">{person.photoCount} photos</span>
                </Link>
              ))}
            </div>
            <p className="muted">Similarity {(similarity * 100).toFixed(0)}%</p>
            <div className="row">
              <button type="button" className="primary" onClick={() => same(a, b)} disabled={action.busy}>
                Same person
              </button>
              <button type="button" onClick={() => different(a, b)} disabled={action.busy}>
                Different people
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
