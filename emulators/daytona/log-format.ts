// Which log format the daemon answers with (PLATFORMS.md §3.4), decided per request from
// `X-Daytona-SDK-Version` (header, or `X-Daytona-SDK-Version~v` in Sec-WebSocket-Protocol)
// and `X-Daytona-Split-Output`; and the two transforms: markers stripped, or the JSON snapshot.
import type { IncomingHttpHeaders } from 'node:http';

export type LogFormat = 'combined' | 'raw' | 'json';

function sdkVersion(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-daytona-sdk-version'];
  if (typeof header === 'string' && header !== '') return header;
  const protocols = headers['sec-websocket-protocol'];
  if (typeof protocols !== 'string') return undefined;
  for (const token of protocols.split(',')) {
    const [name, value] = token.trim().split('~');
    if (name?.toLowerCase() === 'x-daytona-sdk-version' && value) return value;
  }
  return undefined;
}

/** Compares dotted versions numerically; a missing part counts as 0. */
function atLeast(version: string, min: string): boolean {
  const a = version.replace(/^v/, '').split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) > b[i]!;
  return true;
}

/** `entrypoint`: its logs are never combined (no version → raw). */
export function logFormat(headers: IncomingHttpHeaders, websocket: boolean, entrypoint: boolean): LogFormat {
  const version = sdkVersion(headers);
  const dev = version?.includes('dev') ?? false;
  const split = headers['x-daytona-split-output'] === 'true';
  const combined = !entrypoint && ((version !== undefined && !dev && !atLeast(version, '0.27.0')) || (version === undefined && !split));
  if (combined) return 'combined';
  // The JSON form is for the HTTP snapshot only; the socket always carries raw bytes.
  if (!websocket && version !== undefined && (dev || atLeast(version, '0.167.0'))) return 'json';
  return 'raw';
}

/** Demux by the daemon's rule: bytes after a marker belong to that stream until the next marker. */
export function demux(log: Uint8Array): { stdout: Buffer; stderr: Buffer; merged: Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const merged: Buffer[] = [];
  let target: Buffer[] | undefined;
  let start = 0;
  const take = (end: number): void => {
    if (end > start) {
      const piece = Buffer.from(log.subarray(start, end));
      target?.push(piece);
      merged.push(piece);
    }
  };
  for (let i = 0; i + 2 < log.length; ) {
    const b = log[i];
    if ((b === 1 || b === 2) && log[i + 1] === b && log[i + 2] === b) {
      take(i);
      target = b === 1 ? out : err;
      i += 3;
      start = i;
    } else i++;
  }
  take(log.length);
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), merged: Buffer.concat(merged) };
}
