/**
 * A real small filesystem for storage tests: a tmpfs mounted by the test. Needs root (and a
 * kernel that lets this process mount); otherwise the reason is returned and printed, and the
 * test is skipped rather than faked.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export type Tmpfs = { ok: true; unmount(): void } | { ok: false; reason: string };

/** Mount a tmpfs of `size` (mount's syntax: `2m`) at `dir` (created). */
export function mountTmpfs(dir: string, size: string): Tmpfs {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not running as root: cannot mount a tmpfs' };
  mkdirSync(dir, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) return { ok: false, reason: `mount -t tmpfs failed: ${(mounted.stderr || mounted.error?.message || '').trim()}` };
  return {
    ok: true,
    unmount() {
      spawnSync('umount', ['-l', dir]);
    },
  };
}

/** Whether this process may mount a tmpfs at all (probed once, on a throwaway directory). */
export function tmpfsAvailable(probeDir: string): { ok: boolean; reason: string } {
  const probe = mountTmpfs(probeDir, '64k');
  if (!probe.ok) return { ok: false, reason: probe.reason };
  probe.unmount();
  return { ok: true, reason: '' };
}
