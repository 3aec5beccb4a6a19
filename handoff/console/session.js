// @ts-check
/** Who is logged in; every view reads it, only main.js changes it. */

/** @typedef {import('./types.js').Agent} Agent */

export const session = {
  /** @type {Agent | null} */
  me: null,
  loggedIn: false,
};

/** The logged-in agent (views run only while someone is logged in). */
export function me() {
  if (!session.me) throw new Error('console: nobody is logged in');
  return session.me;
}

/** Leads and admins edit content and canned replies; agents do not. */
export function canEditContent() {
  return session.me?.role === 'lead' || session.me?.role === 'admin';
}
