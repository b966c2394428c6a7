import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

/** The app lives under /app/ (Vite's base); the server answers every path below it with index.html. */
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

export type Route =
  | { screen: 'groups' }
  | { screen: 'group'; groupId: string; tab: GroupTab }
  | { screen: 'person'; groupId: string; personId: string }
  | { screen: 'missing' };

export type GroupTab = 'people' | 'upload' | 'review' | 'unassigned' | 'photos' | 'history' | 'map';
const TABS: GroupTab[] = ['people', 'upload', 'review', 'unassigned', 'photos', 'history', 'map'];

export function parseRoute(pathname: string): Route {
  const parts = pathname.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { screen: 'groups' };
  if (parts[0] !== 'g' || !parts[1]) return { screen: 'missing' };
  if (parts.length === 2) return { screen: 'group', groupId: parts[1], tab: 'people' };
  if (parts[2] === 'p' && parts[3] && parts.length === 4) return { screen: 'person', groupId: parts[1], personId: parts[3] };
  const tab = parts[2] as GroupTab;
  if (parts.length === 3 && TABS.includes(tab)) return { screen: 'group', groupId: parts[1], tab };
  return { screen: 'missing' };
}

export const paths = {
  groups: () => `${BASE}/`,
  group: (groupId: string, tab: GroupTab = 'people') =>
    tab === 'people' ? `${BASE}/g/${encodeURIComponent(groupId)}` : `${BASE}/g/${encodeURIComponent(groupId)}/${tab}`,
  person: (groupId: string, personId: string) => `${BASE}/g/${encodeURIComponent(groupId)}/p/${encodeURIComponent(personId)}`,
};

const listeners = new Set<() => void>();

export function navigate(href: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  for (const listener of listeners) listener();
  if (!replace) window.scrollTo(0, 0);
}

/** The current location (path and query), re-rendering on navigation and on the browser's back and forward. */
export function useLocation(): URL {
  const [href, setHref] = useState(location.href);
  useEffect(() => {
    const update = () => setHref(location.href);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return new URL(href);
}

/** A real link (it opens in a new tab, shows its address), navigating in place on a plain click. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}
