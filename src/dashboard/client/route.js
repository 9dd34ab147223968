/**
 * Views are hash routes, so every view and its choices is a URL to bookmark:
 * `/dashboard#/explore?metric=serviceLevel&granularity=DAY`. The server serves
 * one page; the hash never reaches it.
 */

export const VIEWS = [
  { id: 'wallboard', title: 'Wallboard' },
  { id: 'sla', title: 'SLA review' },
  { id: 'explore', title: 'Explore' },
  { id: 'staffing', title: 'Staffing' },
  { id: 'voice', title: 'Voice of the customer' },
];

/** Reached from links on other views (the contacts behind a figure), not from the bar. */
const INNER_VIEWS = ['contacts'];

/** `#/view?a=1` → { view, params }; an unknown or empty view is the wallboard. */
export function parseHash(hash) {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = INNER_VIEWS.includes(path) || VIEWS.some((v) => v.id === path) ? path : 'wallboard';
  return { view, params: Object.fromEntries(new URLSearchParams(search)) };
}

/** The hash of a view with its params; empty values are left out. */
export function formatHash(view, params = {}) {
  const kept = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  const search = new URLSearchParams(kept).toString();
  return `#/${view}${search ? `?${search}` : ''}`;
}
