/** The text `npm run season:audit` prints (pure). */
import type { AuditCheck } from "./audit.js";

/** At most this many breaches are listed per check (the count is always exact). */
const SHOWN = 20;

/** Renders the checks: one line each, breaches indented under a failing one. */
export function formatAudit(checks: readonly AuditCheck[]): { ok: boolean; text: string } {
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${c.breaches.length === 0 ? "ok    " : "BREACH"} ${c.name} (${c.checked} checked${c.breaches.length === 0 ? "" : `, ${c.breaches.length} breach(es)`})`);
    for (const b of c.breaches.slice(0, SHOWN)) lines.push(`         - ${b}`);
    if (c.breaches.length > SHOWN) lines.push(`         - ... and ${c.breaches.length - SHOWN} more`);
  }
  const bad = checks.filter((c) => c.breaches.length > 0).length;
  lines.push(bad === 0 ? `all ${checks.length} checks passed` : `${bad} of ${checks.length} checks found breaches`);
  return { ok: bad === 0, text: lines.join("\n") };
}
