import { useApolloClient } from '@apollo/client/react';
import { useEffect } from 'react';
import { GROUP_EVENTS, type GroupEventsData } from '../queries.ts';

/**
 * While a group is open, its changes (persons found, merged, renamed, removed; photos removed; job progress) refresh
 * whatever the page shows. Events come in bursts during analysis: refreshes are spaced at least 400 ms apart.
 */
export function useGroupEvents(groupId: string): void {
  const client = useApolloClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subscription = client.subscribe<GroupEventsData>({ query: GROUP_EVENTS, variables: { groupId } }).subscribe({
      next: ({ data }) => {
        const event = data?.groupEvents;
        if (!event) return;
        timer ??= setTimeout(() => {
          timer = undefined;
          client.refetchQueries({ include: 'active' });
        }, 400);
      },
      // The socket retries by itself; a refused subscription (an old server) leaves the page as it is.
      error: () => undefined,
    });
    return () => {
      subscription.unsubscribe();
      clearTimeout(timer);
    };
  }, [client, groupId]);
}
