/**
 * Table codes people share: the short code is the game id's first 8 characters, upper case
 * (`GET /api/tables/:code` resolves it while the game is not completed), and the link opens the
 * table by that code.
 */
const GAME_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGameId(code: string): boolean {
  return GAME_ID.test(code);
}

export function shortCode(gameId: string): string {
  return gameId.slice(0, 8).toUpperCase();
}

/** The link that opens a table (seat if free, else the page offers to watch). */
export function shareLink(gameId: string): string {
  return `${window.location.origin}${window.location.pathname}#/table/${shortCode(gameId)}`;
}
