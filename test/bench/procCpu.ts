/**
 * CPU time of processes on this machine, from /proc (Linux): for benches that report CPU per
 * request beside latency, because wall-clock figures on a shared machine move with its load.
 */
import { readFileSync } from "node:fs";
import postgres from "postgres";

/** CPU seconds (user + system) a process has used, from /proc; null where /proc is missing. */
export function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by every PostgreSQL backend connected to database `name` (through
 * the admin URL), pid -> seconds; null when PostgreSQL is not on this machine or /proc cannot be
 * read. Compare two snapshots with {@link backendCpuDelta}: backends present in both count.
 */
export async function backendCpu(adminUrl: string, name: string): Promise<Map<number, number> | null> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${name} and backend_type = 'client backend'`;
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      const s = cpuSecondsOf(pid);
      if (s === null) return null;
      out.set(pid, s);
    }
    return out;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** CPU seconds the backends used between two {@link backendCpu} snapshots (a backend that appeared in between counts whole; one that ended is missed). */
export function backendCpuDelta(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (before === null || after === null) return null;
  let s = 0;
  for (const [pid, a] of after) s += a - (before.get(pid) ?? 0);
  return s;
}
