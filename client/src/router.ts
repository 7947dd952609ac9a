/** Hash routes: `#/lobby`, `#/rules`, `#/season`, `#/verify/:gameId`, `#/table/:roomId[?spectate=1][&invite=…]`, `#/replay/:gameId[?at=N]`, `#/profile/:playerId`, `#/account`. */

export type Route =
  | { readonly name: "lobby" }
  | { readonly name: "table"; readonly roomId: string; readonly spectate: boolean; readonly invite: string | null }
  | { readonly name: "replay"; readonly gameId: string; readonly at: number | null }
  | { readonly name: "profile"; readonly playerId: string }
  | { readonly name: "verify"; readonly gameId: string }
  | { readonly name: "rules" }
  | { readonly name: "season" }
  | { readonly name: "account" };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter((p) => p !== "").map((p) => decodeURIComponent(p));
  const [head, arg] = parts;
  if (head === "table" && arg !== undefined) {
    const invite = params.get("invite");
    return { name: "table", roomId: arg, spectate: params.get("spectate") === "1" || params.get("spectate") === "true", invite: invite === null || invite === "" ? null : invite };
  }
  if (head === "replay" && arg !== undefined) {
    const at = Number(params.get("at"));
    return { name: "replay", gameId: arg, at: params.has("at") && Number.isInteger(at) ? at : null };
  }
  if (head === "profile" && arg !== undefined) return { name: "profile", playerId: arg };
  if (head === "verify" && arg !== undefined) return { name: "verify", gameId: arg };
  if (head === "rules") return { name: "rules" };
  if (head === "season") return { name: "season" };
  if (head === "account") return { name: "account" };
  return { name: "lobby" };
}

/**
 * What someone typed or pasted in the lobby's code field: a short code, a game id, or a whole
 * table link (`…#/table/CODE?invite=…`), as the hash route to open.
 */
export function tableRouteOf(input: string, spectate: boolean): string | null {
  const text = input.trim();
  if (text === "") return null;
  const link = /#\/table\/([^?#\s]+)(?:\?([^#\s]*))?/.exec(text);
  const code = link?.[1] ?? text;
  const invite = new URLSearchParams(link?.[2] ?? "").get("invite");
  const query = new URLSearchParams();
  if (spectate) query.set("spectate", "1");
  if (invite !== null && invite !== "") query.set("invite", invite);
  const q = query.toString();
  return `#/table/${encodeURIComponent(safeDecode(code))}${q === "" ? "" : `?${q}`}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
