/**
 * Matchmaking listings of dead processes (issue 19, item 3). Colyseus removes a process's room
 * listings only when a request to it times out; a process killed with `kill -9` otherwise stays
 * listed for good, and every lobby keeps offering its tables. With Redis, every live process is
 * subscribed to its own IPC channel (`p:<processId>`), and a killed process's subscription goes
 * with its connection. Each sweep here looks for processes in Colyseus's process list whose
 * channel nobody listens to, confirms with Colyseus's own health check (which then removes the
 * process and its listings), and tells every lobby that its rooms are gone.
 */
import { matchMaker } from "@colyseus/core";

/** Colyseus's lobby channel and its "removed" message (`<roomId>,1`, see its matchmaker/Lobby.ts). */
const LOBBY_CHANNEL = "$lobby";

/** How long after finding a dead process or adopting a table every sweep mends this process's missing listings. */
const RELIST_WINDOW_MS = 30_000;
/** Outside that window, how often (a stalled old host's clean-up may remove a listing of ours later). */
const RELIST_EVERY_MS = 10_000;

/** Sweeps the listings of dead processes; one instance per server. */
export class DeadProcessSweep {
  private relistUntil = 0;
  private lastRelist = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Removes the listings of processes found dead; returns how many listings went. */
  async sweep(): Promise<number> {
    const listening = new Set((await matchMaker.presence.channels("p:*")).map((c) => c.slice(2)));
    const silent = (await matchMaker.stats.fetchAll()).map((s) => s.processId).filter((id) => id !== matchMaker.processId && !listening.has(id));
    const removed = await Promise.all(silent.map((id) => this.removeIfDead(id)));
    // A peer's clean-up may race a listing this process wrote for an adopted table, and a stalled
    // old host that lost the table removes its listing when its room goes: mend them (HMGET of
    // this process's room ids, then HSET of the missing ones).
    if (this.now() < this.relistUntil || this.now() - this.lastRelist >= RELIST_EVERY_MS) {
      this.lastRelist = this.now();
      await matchMaker.restoreMissingRoomCaches();
    }
    return removed.reduce((a, b) => a + b, 0);
  }

  /** This process adopted a table: watch its listing for a while (see {@link sweep}). */
  adopted(): void {
    this.relistUntil = this.now() + RELIST_WINDOW_MS;
  }

  private async removeIfDead(processId: string): Promise<number> {
    const rooms = await matchMaker.driver.query({ processId });
    if (await matchMaker.healthCheckProcessId(processId)) return 0;
    this.adopted();
    for (const room of rooms) if (room.roomId !== undefined) await matchMaker.presence.publish(LOBBY_CHANNEL, `${room.roomId},1`);
    return rooms.length;
  }
}
