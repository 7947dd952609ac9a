/** `#/account`: register or sign in (the page starts as a guest), or sign out. */
import { h, mount } from "../dom.js";
import { identity, login, logout, register, guestLogin } from "../session.js";

export function accountPage(root: HTMLElement): () => void {
  const message = h("p", { class: "rejection", role: "alert", "data-testid": "account-message", hidden: true });
  const say = (t: string): void => {
    message.textContent = t;
    message.hidden = t === "";
  };
  const done = (): void => {
    window.location.hash = "#/lobby";
  };

  const field = (id: string, type: string, autocomplete: string): HTMLInputElement =>
    h("input", { id, name: id, type, autocomplete, required: true, "data-testid": id });

  const regName = field("register-username", "text", "username");
  const regEmail = field("register-email", "email", "email");
  const regPass = field("register-password", "password", "new-password");
  const logName = field("login-name", "text", "username");
  const logPass = field("login-password", "password", "current-password");

  const me = identity();
  mount(
    root,
    h(
      "div",
      { class: "account" },
      h(
        "section",
        { class: "panel" },
        h("h1", null, "Your account"),
        me ? h("p", null, `You play as `, h("strong", null, me.displayName), me.kind === "guest" ? " (guest)" : "", ".") : null,
        message,
        me
          ? h(
              "button",
              {
                type: "button",
                "data-testid": "logout",
                onclick: () =>
                  void logout().then(async () => {
                    await guestLogin();
                    done();
                  }),
              },
              "Sign out",
            )
          : null,
      ),
      h(
        "form",
        {
          class: "panel",
          "data-testid": "login-form",
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            void login(logName.value.trim(), logPass.value).then((r) => (r.ok ? done() : say(r.problem.message)));
          },
        },
        h("h2", null, "Sign in"),
        h("label", { for: "login-name" }, "Username or email", logName),
        h("label", { for: "login-password" }, "Password", logPass),
        h("button", { type: "submit", "data-testid": "login-submit" }, "Sign in"),
      ),
      h(
        "form",
        {
          class: "panel",
          "data-testid": "register-form",
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            void register(regName.value.trim(), regEmail.value.trim(), regPass.value).then((r) => (r.ok ? done() : say(r.problem.message)));
          },
        },
        h("h2", null, "Register"),
        h("label", { for: "register-username" }, "Username", regName),
        h("label", { for: "register-email" }, "Email", regEmail),
        h("label", { for: "register-password" }, "Password", regPass),
        h("button", { type: "submit", "data-testid": "register-submit" }, "Register"),
      ),
    ),
  );
  return () => undefined;
}
