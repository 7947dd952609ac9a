/**
 * Who may enter one table (rooms/privateAccess.ts decides): public or private, the public table's
 * join code, the private table's invitation, and whether its creator's first join is still to come
 * (that join needs no invitation).
 */
import type { GameState } from "../../src/game/types.js";
import type { WelcomeMessage } from "../../src/shared/protocol.js";
import type { Identity } from "../ports.js";
import { decidePrivateAccess } from "../privateAccess.js";
import { joinError } from "./clients.js";

export class TableAccess {
  private awaitingCreator: boolean;

  private constructor(
    /** The public table's code in the room directory, or null (private or restored tables). */
    readonly joinCode: string | null,
    /** A private table's invitation secret, null for a public one. */
    readonly inviteCode: string | null,
    hasCreator: boolean,
    /** Opened by the ranked queue (rooms/table/ranked.ts). */
    readonly ranked: boolean = false,
  ) {
    this.awaitingCreator = hasCreator;
  }

  /** A new table's access, from its create options (rooms/table/lifecycle.ts). */
  static created(table: { readonly joinCode: string | null; readonly inviteCode: string | null; readonly hasCreator: boolean; readonly ranked: unknown }): TableAccess {
    return new TableAccess(table.joinCode, table.inviteCode, table.hasCreator, table.ranked !== null);
  }

  /** A table rebuilt from its log: no join code, no creator to wait for; invitation and ranked mark from its row. */
  static restored(row: { readonly inviteCode: string | null; readonly ranked: boolean }): TableAccess {
    return new TableAccess(null, row.inviteCode, false, row.ranked);
  }

  get isPublic(): boolean {
    return this.inviteCode === null;
  }

  /** Lets `identity` in, or throws `table/invitation_required`; the creator's first join is used up. */
  admit(game: GameState, identity: Identity, presented: string | undefined): void {
    const isCreator = this.awaitingCreator && !identity.isBot;
    const seatedHere = game.seats.some((s) => s.occupant?.playerId === identity.playerId);
    const access = decidePrivateAccess({ inviteCode: this.inviteCode, identity, seatedHere, isCreator, presented });
    if (!access.ok) throw joinError("table/invitation_required", access.detail);
    if (isCreator) this.awaitingCreator = false;
  }

  /** The access fields of a `welcome`: a seated player gets the invitation to pass on. */
  welcomeFields(seated: boolean): Pick<WelcomeMessage, "joinCode" | "invite" | "ranked"> {
    return { joinCode: this.joinCode, invite: seated ? this.inviteCode : null, ranked: this.ranked };
  }
}
