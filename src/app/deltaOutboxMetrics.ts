/**
 * Metrics and log lines of the ladder-delta outbox (rooms/presenceBus.ts): failed publishes are
 * counted in `pzo_ladder_delta_publish_failures_total`, the deltas waiting in
 * `pzo_ladder_delta_outbox`; the log says once per outage that deltas are held, and how many were
 * sent when it ended.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { Logger } from "../platform/logger.js";
import type { DeltaBusHooks } from "../../rooms/presenceBus.js";

/** The outbox hooks over `registry` and `logger`. */
export function deltaOutboxHooks(registry: Registry, logger: Logger): Omit<DeltaBusHooks, "onInvalid"> {
  const failures = new Counter({ name: "pzo_ladder_delta_publish_failures_total", help: "Ladder delta publishes that failed (presence/Redis down); the delta stays in the outbox.", registers: [registry] });
  const dropped = new Counter({ name: "pzo_ladder_delta_outbox_dropped_total", help: "Ladder deltas dropped because the outbox was full.", registers: [registry] });
  const size = new Gauge({ name: "pzo_ladder_delta_outbox", help: "Ladder deltas waiting to be published (held while presence/Redis is down).", registers: [registry] });
  let held = false;
  return {
    onPublishFailed(err, outbox) {
      failures.inc();
      if (held) return;
      held = true;
      logger.warn({ error: err instanceof Error ? err.message : String(err), outbox }, "ladder deltas held: presence unavailable; they are sent when it returns");
    },
    onFlushed(sent) {
      held = false;
      logger.info({ sent }, "ladder deltas held during the outage sent");
    },
    onDropped: (count) => dropped.inc(count),
    onOutboxSize: (n) => size.set(n),
  };
}
