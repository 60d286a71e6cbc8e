/**
 * Follows one Hill90 agent's events: one call of `connect` is one SSE connection
 * (`GET /agents/{id}/events?tail=N&follow=true`). Every connection replays the last `tail`
 * events, so each event passes the seen-id cursor before it is handed on.
 */
import { createPassThroughStage } from '../../processing/line-stage.ts';
import { outcomeOf } from '../shared/connection-end.ts';
import { createHandOff } from '../shared/hand-off.ts';
import { readSse } from '../shared/sse-reader.ts';
import { entryHash } from '../shared/timestamp-cursor.ts';
import type { StreamContext, StreamFollower, StreamOutcome } from '../types.ts';
import type { Hill90Client } from './client.ts';
import { parseHill90Frame } from './parser.ts';
import { ReplayWatch } from './replay-watch.ts';
import { familyOf, type Family, type SeenIds } from './seen-ids.ts';
import { TokenError } from './token-provider.ts';

/**
 * This route sends no heartbeats (PLATFORMS §2.5), so silence is normal for an idle agent; but a
 * connection dropped without a FIN would hang forever. Five quiet minutes cost one reconnect and a
 * replay of `tail` events, all skipped by id.
 */
const IDLE_TIMEOUT_MS = 300_000;

export interface Hill90StreamTarget {
  sourceName: string;
  agentId: string;
  tail: number;
}

export function createHill90Follower(client: Hill90Client, target: Hill90StreamTarget, ctx: StreamContext, cursor: SeenIds): StreamFollower {
  const { events, signal } = ctx;
  const source = target.sourceName;
  const key = ctx.descriptor.key;
  // Typed events, not lines: no processing stage (DESIGN §4.5).
  const handOff = createHandOff({ source, stream: key, sink: ctx.sink, events, stage: createPassThroughStage(), cursor });

  /** `event: error` is the daemon's own warning (DESIGN §4.4): logged and counted, never exported. */
  const platformError = (message: string): void => events.platformError(source, key, message);

  /**
   * A refused OIDC token is replaced once at once; only a fresh token refused again is an auth
   * failure. True while the previous connection ended in that one renewal.
   */
  let renewedLastTime = false;

  return {
    async connect(): Promise<StreamOutcome> {
      const mayRenew = !renewedLastTime;
      renewedLastTime = false;
      let token: string;
      try {
        token = await client.tokens.getToken(signal);
      } catch (error) {
        if (error instanceof TokenError && error.refused) return { kind: 'auth_failed', status: error.status ?? 401, reason: error.message };
        return { kind: 'retry', reason: (error as Error).message, delivered: false };
      }
      // `event: end` cuts the connection at once, even if the server keeps the socket open.
      const connection = new AbortController();
      const connSignal = AbortSignal.any([signal, connection.signal]);
      const watch = new ReplayWatch(target.tail, (family) => cursor.hasHistory(family));
      /**
       * Frames without an id (not JSON, or JSON without one) cannot be deduped by id. Rule: such a
       * frame is identified by a digest of its data and its occurrence number among identical frames
       * on this connection (`raw:<digest>#k`), in the container family (only the container log can
       * hold them). A replay brings them back in the same order, so they are skipped; identical frames
       * are still distinct records. Weak spot, accepted: once an earlier identical frame has left the
       * replay window, a new identical one takes its number and is skipped.
       */
      const rawSeen = new Map<string, number>();
      /**
       * The floor (old history evicted from the id set) only matters at the head of a replay, where
       * events older than the set come first. Once an event of a family is known by id or new, all
       * that follow are later in the platform's order, so the floor no longer applies: otherwise a
       * container clock stepped back would make new events look older than the floor and drop them.
       */
      const pastFloor: Record<Family, boolean> = { container: false, inference: false };
      let ended = false;
      let credentialExpired = false;
      let lastError: string | undefined;
      let delivered = false;

      const end = await readSse({
        url: client.eventsUrl(target.agentId, target.tail),
        headers: { authorization: `Bearer ${token}` },
        signal: connSignal,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        onOpen: () => ctx.setState('connected'),
        onOversized: () => events.oversizedEvent(source, key),
        gate: ctx.gate,
        onEvents: async (frames) => {
          // A stopped stream hands nothing more on: its successor resumes from what was handed.
          if (signal.aborted || ended) return;
          let received = 0;
          for (const frame of frames) {
            const parsed = parseHill90Frame(frame);
            if (parsed.kind === 'unknown_event') {
              events.unknownEvent(source, key, parsed.type);
              continue;
            }
            if (parsed.kind === 'error') {
              platformError(parsed.message);
              lastError = parsed.message;
              if (parsed.credentialExpired) credentialExpired = true;
              continue;
            }
            if (parsed.kind === 'end') {
              ended = true;
              connection.abort();
              break;
            }
            received++;
            let id = parsed.id;
            let family: Family;
            if (id === undefined) {
              const digest = entryHash('raw', parsed.data);
              const k = (rawSeen.get(digest) ?? 0) + 1;
              rawSeen.set(digest, k);
              id = `raw:${digest}#${k}`;
              family = 'container';
            } else family = familyOf(id);
            const eventId = id;
            const full = handOff.take(parsed.entry, () => {
              const verdict = cursor.classify(eventId, family, parsed.timeMs, !pastFloor[family]);
              if (verdict !== 'old') pastFloor[family] = true;
              if (verdict !== 'new') {
                watch.known(family);
                return false;
              }
              if (watch.fresh(family)) {
                events.gap(source, key, `reconnected and none of the ${target.tail} replayed ${family} events was handed off before: events in between may be lost (raise tail, max 5000)`);
              }
              return true;
            });
            if (full) {
              if (await handOff.handOn()) delivered = true;
              if (signal.aborted) break;
            }
          }
          events.recordsReceived(source, received);
          if (!signal.aborted && (await handOff.handOn())) delivered = true;
        },
      });
      if (ended) return { kind: 'finished', reason: 'the agent event stream ended (event: end)' };
      if (credentialExpired) {
        // Not an auth failure: the token simply lived its life. Reconnect with a fresh one; the
        // connection was healthy until then, so the backoff starts over (delivered: true).
        client.tokens.invalidate(token);
        return { kind: 'retry', reason: 'credential expired; reconnecting with a fresh token', delivered: true };
      }
      if (lastError !== undefined && end.kind !== 'http_error') {
        return { kind: 'retry', reason: `server reported an error and closed the stream: ${lastError}`, delivered };
      }
      if (end.kind === 'http_error' && end.status === 401) {
        client.tokens.invalidate(token);
        if (client.tokens.renewable && mayRenew) {
          renewedLastTime = true;
          return { kind: 'retry', delayMs: 0, reason: 'token refused (HTTP 401); retrying once with a fresh one', delivered };
        }
      }
      return outcomeOf(end, delivered);
    },
  };
}
