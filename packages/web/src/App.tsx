import { ApolloProvider, useQuery } from '@apollo/client/react';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { createApolloClient, type LiveStatus, storedKey, storeKey, watchLiveStatus } from './api.ts';
import { GROUP, type GroupData } from './queries.ts';
import { type GroupTab, Link, parseRoute, paths, useLocation } from './router.tsx';
import { Groups } from './screens/Groups.tsx';
import { useGroupEvents } from './screens/live.ts';
import { MapAndSheets } from './screens/MapAndSheets.tsx';
import { History } from './screens/History.tsx';
import { People } from './screens/People.tsx';
import { Person } from './screens/Person.tsx';
import { Photos } from './screens/Photos.tsx';
import { Review } from './screens/Review.tsx';
import { Unassigned } from './screens/Unassigned.tsx';
import { Upload } from './screens/Upload.tsx';
import { ViewerProvider } from './screens/Viewer.tsx';
import { ErrorNote } from './ui.tsx';

export function App() {
  const [key, setKey] = useState(storedKey);
  const client = useMemo(() => createApolloClient(key), [key]);
  useEffect(() => () => client.stop(), [client]);
  const changeKey = (next: string) => {
    storeKey(next);
    setKey(next);
  };
  return (
    <ApolloProvider client={client}>
      <header className="top">
        <Link href={paths.groups()} className="brand">
          People
        </Link>
        <KeyField apiKey={key} onChange={changeKey} />
      </header>
      <main id="main">
        <Screen />
      </main>
    </ApolloProvider>
  );
}

/** The owner's API key: typed in once, kept in localStorage, sent with every request. */
function KeyField({ apiKey, onChange }: { apiKey: string; onChange: (key: string) => void }) {
  const [draft, setDraft] = useState('');
  if (apiKey)
    return (
      <div className="key">
        <span className="muted">Signed in with {apiKey.slice(0, 7)}…</span>
        <button type="button" onClick={() => onChange('')}>
          Sign out
        </button>
      </div>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(draft.trim());
    setDraft('');
  };
  return (
    <form className="key" onSubmit={submit}>
      <label htmlFor="api-key">API key</label>
      <input
        id="api-key"
        type="password"
        autoComplete="off"
        placeholder="fg_…"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
      />
      <button type="submit" disabled={!draft.trim()}>
        Sign in
      </button>
    </form>
  );
}

function Screen() {
  const location = useLocation();
  const route = parseRoute(location.pathname);
  switch (route.screen) {
    case 'groups':
      return <Groups />;
    case 'group':
      return <GroupScreen groupId={route.groupId} tab={route.tab} search={location.searchParams} />;
    case 'person':
      return <GroupScreen groupId={route.groupId} personId={route.personId} search={location.searchParams} />;
    case 'missing':
      return (
        <section>
          <h1>Nothing here</h1>
          <p>
            <Link href={paths.groups()}>Back to the groups</Link>
          </p>
        </section>
      );
  }
}

const TAB_LABELS: [GroupTab, string][] = [
  ['people', 'People'],
  ['upload', 'Upload'],
  ['review', 'Review'],
  ['unassigned', 'Unassigned'],
  ['photos', 'Photos'],
  ['history', 'History'],
  ['map', 'Map & sheets'],
];

/** A group's screens under one header: its name and counts, the tabs, and live updates while it is open. */
function GroupScreen({
  groupId,
  tab,
  personId,
  search,
}: {
  groupId: string;
  tab?: GroupTab;
  personId?: string;
  search: URLSearchParams;
}) {
  const { data, error } = useQuery<GroupData>(GROUP, { variables: { groupId }, fetchPolicy: 'cache-and-network' });
  useGroupEvents(groupId);
  const group = data?.group;
  return (
    <ViewerProvider groupId={groupId}>
      <div className="group-head">
        <h1>{group?.name ?? 'Group'}</h1>
        {group && (
          <p className="muted counts">
            {group.counts.images} photos · {group.counts.faces} faces · {group.counts.persons} persons
            {group.counts.pendingImages > 0 && ` · ${group.counts.pendingImages} being analysed`}
          </p>
        )}
        <LiveSign />
      </div>
      <ErrorNote error={error} />
      <nav className="tabs" aria-label="Group">
        {TAB_LABELS.map(([id, label]) => (
          <Link key={id} href={paths.group(groupId, id)} aria-current={tab === id ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {personId ? (
        <Person groupId={groupId} personId={personId} />
      ) : (
        <GroupTabScreen groupId={groupId} tab={tab!} search={search} />
      )}
    </ViewerProvider>
  );
}

function GroupTabScreen({ groupId, tab, search }: { groupId: string; tab: GroupTab; search: URLSearchParams }) {
  switch (tab) {
    case 'people':
      return <People groupId={groupId} />;
    case 'upload':
      return <Upload groupId={groupId} />;
    case 'review':
      return <Review groupId={groupId} />;
    case 'unassigned':
      return <Unassigned groupId={groupId} />;
    case 'photos':
      return <Photos groupId={groupId} search={search} />;
    case 'history':
      return <History groupId={groupId} />;
    case 'map':
      return <MapAndSheets groupId={groupId} />;
  }
}

const LIVE_TEXT: Record<LiveStatus, string> = {
  idle: '',
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline: reconnecting',
};

function LiveSign() {
  const [status, setStatus] = useState<LiveStatus>('idle');
  useEffect(() => watchLiveStatus(setStatus), []);
  if (status === 'idle') return null;
  return (
    <span className={`live live-${status}`} role="status">
      {LIVE_TEXT[status]}
    </span>
  );
}
