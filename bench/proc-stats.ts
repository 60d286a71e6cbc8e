// CPU seconds and memory of a live process, from /proc (Linux): what the process
// itself used, worker threads included, nothing of the bench.
import { readFileSync } from 'node:fs';

export interface ProcStats {
  cpuSeconds: number;
  /** Peak resident set (VmHWM); these "MB" are MiB (kB / 1024). */
  peakRssMb: number;
  /** Resident set now (VmRSS) = anonymous (heaps, buffers) + file-backed (the node binary, shared libraries). */
  rssMb: number;
  anonMb: number;
  fileMb: number;
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const TICKS_PER_SECOND = 100;

export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuSeconds: ticks / TICKS_PER_SECOND, peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024 };
}
