/** Hash routes: `#/lobby`, `#/rules`, `#/verify/:gameId`, `#/table/:roomId[?spectate=1][&invite=…]`, `#/replay/:gameId[?at=N]`, `#/profile/:playerId`, `#/account`. */

export type Route =
  | { readonly name: "lobby" }
  | { readonly name: "table"; readonly roomId: string; readonly spectate: boolean; readonly invite: string | null }
  | { readonly name: "replay"; readonly gameId: string; readonly at: number | null }
  | { readonly name: "profile"; readonly playerId: string }
  | { readonly name: "verify"; readonly gameId: string }
  | { readonly name: "rules" }
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
  if (head === "account") return { name: "account" };
  return { name: "lobby" };
}
