/**
 * Micro-bench: the Hill90 seen-id checkpoint is serialized on every hand-off, so at tail 5000
 * (two full families of 5064 ids) one serialize after every 10 new ids must stay cheap. The JSON
 * form it replaced took ~2 ms per call; the compact form should take well under 1 ms even on a
 * loaded machine. Speed is measured here, never asserted in `npm test`.
 *
 *   node bench/seen-ids.ts [--rounds 400]
 */
import { parseArgs } from 'node:util';
import { capacityFor, familyOf, SeenIds } from '../src/sources/hill90/seen-ids.ts';
import { generateEvents } from '../emulators/hill90.ts';

export interface SeenIdsBench {
  rounds: number;
  ms_total: number;
  ms_per_serialize: number;
  serialized_chars: number;
}

export function benchSeenIds(rounds = 400): SeenIdsBench {
  const seen = SeenIds.parse(undefined, capacityFor(5000));
  const events = generateEvents(20_000 + rounds * 10, { inferenceEvery: 2 });
  for (const e of events.slice(0, 20_000)) seen.admit(e.id, familyOf(e.id), Date.parse(e.timestamp));
  let i = 20_000;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < 10; k++, i++) seen.admit(events[i]!.id, familyOf(events[i]!.id), Date.parse(events[i]!.timestamp));
    seen.serialize();
  }
  const total = performance.now() - started;
  return { rounds, ms_total: Math.round(total), ms_per_serialize: Number((total / rounds).toFixed(3)), serialized_chars: seen.serialize().length };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '400' } } });
  const result = benchSeenIds(Number(values.rounds));
  console.log(`Hill90 seen-ids at tail 5000: ${result.ms_per_serialize} ms per serialize (${result.rounds} rounds, ${result.ms_total} ms), ${result.serialized_chars} characters`);
}
