import { useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { CREATE_GROUP, DELETE_GROUP, GROUPS, type GroupsData } from '../queries.ts';
import { Link, navigate, paths } from '../router.tsx';
import { ConfirmButton, ErrorNote, formatDate, useAction } from '../ui.tsx';

export function Groups() {
  const { data, loading, error } = useQuery<GroupsData>(GROUPS, { fetchPolicy: 'cache-and-network' });
  const action = useAction();
  const [name, setName] = useState('');

  const create = async (event: FormEvent) => {
    event.preventDefault();
    let id = '';
    const done = await action.run(async (client) => {
      const result = await client.mutate<{ createGroup: { id: string } }>({
        mutation: CREATE_GROUP,
        variables: { name: name.trim() },
      });
      id = result.data!.createGroup.id;
    });
    if (done) {
      setName('');
      navigate(paths.group(id, 'upload'));
    }
  };

  const groups = data?.groups.nodes ?? [];
  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">Groups</h1>
      <form className="row" onSubmit={create}>
        <label htmlFor="group-name">New group</label>
        <input
          id="group-name"
          value={name}
          maxLength={200}
          placeholder="Lisbon trip"
          onChange={(event) => setName(event.target.value)}
        />
        <button type="submit" disabled={!name.trim() || action.busy}>
          Create group
        </button>
      </form>
      <ErrorNote error={action.error ?? error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && groups.length === 0 && <p className="muted">No groups yet: create one, then upload photos to it.</p>}
      <ul className="group-list">
        {groups.map((group) => (
          <li key={group.id} className="group-item">
            <Link href={paths.group(group.id)} className="group-link">
              <strong className="group-name">{group.name}</strong>
              <span className="muted">
                {group.counts.images} photos · {group.counts.persons} persons · created {formatDate(group.createdAt)}
              </span>
            </Link>
            <ConfirmButton
              label="Delete"
              confirmLabel="Delete group"
              question={`Delete “${group.name}” with all its photos?`}
              disabled={action.busy}
              onConfirm={() => action.run((client) => client.mutate({ mutation: DELETE_GROUP, variables: { id: group.id } }))}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
