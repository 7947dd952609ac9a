/**
 * Table codes people share: the short code is the game id's first 8 characters, upper case
 * (`GET /api/tables/:code` resolves it while the game is not completed), and the link opens the
 * table by that code. A private table's link also carries its invitation (`?invite=`), which
 * its seated players get in `welcome.invite`: whoever has the link may sit or watch.
 */
const GAME_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGameId(code: string): boolean {
  return GAME_ID.test(code);
}

export function shortCode(gameId: string): string {
  return gameId.slice(0, 8).toUpperCase();
}

/** The link that opens a table (seat if free, else the page offers to watch); a private table's carries its invitation. */
export function shareLink(gameId: string, invite: string | null = null): string {
  const query = invite === null ? "" : `?invite=${encodeURIComponent(invite)}`;
  return `${window.location.origin}${window.location.pathname}#/table/${shortCode(gameId)}${query}`;
}
