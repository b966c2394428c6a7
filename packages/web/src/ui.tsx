import type { ApolloClient } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { type ReactNode, useCallback, useState } from 'react';
import { errorText, isUnauthenticated } from './api.ts';
import type { PersonCard } from './queries.ts';

export const personName = (person: { name: string | null } | null | undefined) => person?.name || 'Unnamed';

/** When something happened on this server (added, corrected), in the reader's locale and time zone. */
export function formatDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return 'No date';
  const date = new Date(iso);
  return withTime ? date.toLocaleString() : date.toLocaleDateString();
}

/**
 * When a photo was taken, as its camera's clock said: the API reads an EXIF time without an offset as UTC, so it is
 * shown in UTC, not moved into the reader's time zone (which could change its day).
 */
export function formatTaken(iso: string | null | undefined, withTime = false): string {
  if (!iso) return 'No date taken';
  const date = new Date(iso);
  return withTime ? date.toLocaleString(undefined, { timeZone: 'UTC' }) : date.toLocaleDateString(undefined, { timeZone: 'UTC' });
}

/** A person's cover at 1× and 2× (the API's 160 px and 320 px thumbnails). */
export function Cover({ person, size = 'card' }: { person: PersonCard; size?: 'card' | 'small' }) {
  if (!person.thumbnailUrl) return <span className={`cover cover-${size} cover-none`} aria-hidden="true" />;
  const srcSet = person.thumbnailUrl2x ? `${person.thumbnailUrl} 1x, ${person.thumbnailUrl2x} 2x` : undefined;
  return <img className={`cover cover-${size}`} src={person.thumbnailUrl} srcSet={srcSet} alt="" loading="lazy" />;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {isUnauthenticated(error)
        ? 'The API needs your key: paste it into “API key” at the top (the server prints it on its first start).'
        : typeof error === 'string'
          ? error
          : errorText(error)}
    </p>
  );
}

export function removePersonsFromCache(client: ApolloClient, ids: string[]): void {
  for (const id of ids) client.cache.evict({ id: client.cache.identify({ __typename: 'Person', id }) });
  client.cache.gc();
}

/**
 * Runs a change against the API, then refreshes what the page shows: `busy` while it runs, `error` when it failed.
 */
export function useAction() {
  const client = useApolloClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (change: (client: ApolloClient) => Promise<unknown>): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        await change(client);
        await client.refetchQueries({ include: 'active' });
        return true;
      } catch (caught) {
        setError(errorText(caught));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [client],
  );
  return { busy, error, run, client };
}

/** Lists come in pages of this many; "Show more" asks for the next (the API gives at most 500 at once). */
export const PAGE = 100;
export const MAX_PAGE = 500;

/** Under a list cut at `shown` of `total`: a button for more, or, past the API's page limit, how to narrow it. */
export function ShowMore({ shown, total, onMore, narrow }: { shown: number; total: number; onMore: () => void; narrow: string }) {
  if (shown >= total) return null;
  return (
    <p className="row more">
      <span className="muted">
        Showing {shown} of {total}.
      </span>
      {shown < MAX_PAGE ? (
        <button type="button" onClick={onMore}>
          Show more
        </button>
      ) : (
        <span className="muted">{narrow}</span>
      )}
    </p>
  );
}

/** A destructive button that asks once more in place (no dialog box, so it stays keyboard- and test-friendly). */
export function ConfirmButton({
  label,
  confirmLabel,
  question,
  onConfirm,
  disabled,
}: {
  label: ReactNode;
  confirmLabel: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)} disabled={disabled}>
        {label}
      </button>
    );
  return (
    <span className="confirm">
      <span>{question}</span>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        // biome-ignore lint/a11y/noAutofocus: the question just appeared where the user clicked; focus follows it
        autoFocus
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
