/**
 * The PZO page: signs in (a guest by default), draws the top bar and mounts the page for the
 * current hash route; each page returns its cleanup, run before the next one mounts.
 */
import "./style.css";
import { h, mount } from "./dom.js";
import { accountPage } from "./pages/account.js";
import { fairnessPage } from "./pages/fairness.js";
import { lobbyPage } from "./pages/lobby.js";
import { profilePage } from "./pages/profile.js";
import { replayPage } from "./pages/replay.js";
import { rulesPage } from "./pages/rules.js";
import { seasonPage } from "./pages/season.js";
import { tablePage } from "./pages/table.js";
import { parseRoute, type Route } from "./router.js";
import { ensureSession, identity, onIdentity } from "./session.js";

const app = document.getElementById("app");
if (!app) throw new Error("index.html has no #app");

const nav = h("nav", { class: "top", "aria-label": "Main" });
const main = h("main", { id: "main", tabindex: "-1" });
mount(app, h("a", { href: "#main", class: "skip" }, "Skip to content"), nav, main);

function drawNav(): void {
  const me = identity();
  mount(
    nav,
    h("a", { href: "#/lobby", class: "brand", "data-testid": "nav-lobby" }, "PZO"),
    h("a", { href: "#/lobby" }, "Lobby"),
    h("a", { href: "#/rules", "data-testid": "nav-rules" }, "Rules"),
    h("a", { href: "#/season", "data-testid": "nav-season" }, "Season 0"),
    me ? h("a", { href: `#/profile/${me.playerId}`, "data-testid": "nav-profile" }, "Profile") : null,
    h("span", { class: "spacer" }),
    me
      ? h("a", { href: "#/account", class: "who", "data-testid": "nav-identity", "data-player-id": me.playerId },
          me.displayName, me.kind === "guest" ? h("span", { class: "muted" }, " (guest)") : null)
      : h("a", { href: "#/account" }, "Sign in"),
  );
}

let cleanup: (() => void) | null = null;

function show(route: Route): void {
  cleanup?.();
  cleanup = null;
  document.body.dataset["route"] = route.name;
  switch (route.name) {
    case "lobby":
      document.title = "PZO · Lobby";
      cleanup = lobbyPage(main);
      break;
    case "table":
      document.title = route.spectate ? "PZO · Watching" : "PZO · Table";
      cleanup = tablePage(main, route.roomId, route.spectate, route.invite);
      break;
    case "replay":
      document.title = "PZO · Replay";
      cleanup = replayPage(main, route.gameId, route.at);
      break;
    case "profile":
      document.title = "PZO · Profile";
      cleanup = profilePage(main, route.playerId);
      break;
    case "verify":
      document.title = "PZO · Fairness check";
      cleanup = fairnessPage(main, route.gameId);
      break;
    case "rules":
      document.title = "PZO · Rules";
      cleanup = rulesPage(main);
      break;
    case "season":
      document.title = "PZO · Season 0";
      cleanup = seasonPage(main);
      break;
    case "account":
      document.title = "PZO · Account";
      cleanup = accountPage(main);
      break;
    default: {
      const never: never = route;
      throw new Error(`unknown route ${JSON.stringify(never)}`);
    }
  }
}

async function boot(): Promise<void> {
  drawNav();
  onIdentity(drawNav);
  mount(main, h("p", { class: "muted" }, "Signing in…"));
  const who = await ensureSession();
  if ("code" in who) {
    mount(
      main,
      h("div", { class: "panel", role: "alert", "data-testid": "boot-error" },
        h("p", null, `Cannot sign in: ${who.message}`),
        h("button", { type: "button", onclick: () => window.location.reload() }, "Try again")),
    );
    return;
  }
  drawNav();
  window.addEventListener("hashchange", () => show(parseRoute(window.location.hash)));
  if (window.location.hash === "" || window.location.hash === "#" || window.location.hash === "#/") {
    window.history.replaceState(null, "", "#/lobby");
  }
  show(parseRoute(window.location.hash));
}

void boot();
