import { useQuery } from '@apollo/client/react';
import { CORRECTIONS, type CorrectionsData, UNDO } from '../queries.ts';
import { Link, paths } from '../router.tsx';
import { ErrorNote, formatDate, personName, useAction } from '../ui.tsx';

/** The group's corrections, newest first. Undo goes last-first, so only the latest standing one offers it. */
export function History({ groupId }: { groupId: string }) {
  const { data, loading, error } = useQuery<CorrectionsData>(CORRECTIONS, {
    variables: { groupId },
    fetchPolicy: 'cache-and-network',
  });
  const action = useAction();
  const corrections = data?.group.corrections.nodes ?? [];
  const latestStanding = corrections.find((correction) => !correction.undoneAt);

  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">
        Corrections <span className="muted count">{data ? data.group.corrections.totalCount : ''}</span>
      </h2>
      <ErrorNote error={action.error ?? error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && corrections.length === 0 && <p className="muted">No corrections yet.</p>}
      <ol className="history">
        {corrections.map((correction) => (
          <li key={correction.id} className={`correction${correction.undoneAt ? ' is-undone' : ''}`} data-kind={correction.kind}>
            <div>
              <span className="badge">{correction.kind.toLowerCase().replaceAll('_', ' ')}</span>{' '}
              <span className="summary">{correction.summary}</span>
              {correction.person && (
                <>
                  {' '}
                  · <Link href={paths.person(groupId, correction.person.id)}>{personName(correction.person)}</Link>
                </>
              )}
              <div className="muted">
                {formatDate(correction.createdAt, true)}
                {correction.undoneAt && ` · undone ${formatDate(correction.undoneAt, true)}`}
              </div>
            </div>
            {correction === latestStanding && (
              <button
                type="button"
                onClick={() => action.run((client) => client.mutate({ mutation: UNDO, variables: { id: correction.id } }))}
                disabled={action.busy}
              >
                Undo
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
