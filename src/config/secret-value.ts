/**
 * A secret as the code that sends it sees it: written inline in the config, or read from a file
 * (`token_file:`…) that is checked again on every use. A rotated file — a Kubernetes Secret or a
 * projected service-account token, both swapped in atomically by the kubelet — is picked up by
 * the next request without a restart. The check is one stat(); the file is read only when its
 * identity, size or modification time changed.
 */
import { readFileSync, statSync } from 'node:fs';
import { learnSecret } from './redact-text.ts';

export interface SecretValue {
  /** The secret now. A file that cannot be read (or is empty) keeps its last good value. */
  current(): string;
}

/** The file's content without one trailing newline (`echo token > file`, `kubectl create secret --from-file`). */
export function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
}

interface Watched {
  stamp: string;
  value: string;
}

const files = new Map<string, Watched>();

/** The secret in `path` now (shared by every user of the same file). Throws when it was never readable. */
export function currentSecretFile(path: string): string {
  let stamp: string | undefined;
  try {
    const st = statSync(path, { bigint: true });
    stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch (error) {
    const known = files.get(path);
    if (known) return known.value;
    throw error;
  }
  const known = files.get(path);
  if (known?.stamp === stamp) return known.value;
  let value: string;
  try {
    value = readSecretFile(path);
  } catch (error) {
    if (known) return known.value;
    throw error;
  }
  if (value === '' && known) return known.value; // caught between truncate and write
  learnSecret(value);
  files.set(path, { stamp, value });
  return value;
}

/** The secret `key` of a config object: inline `key`, else the file `key_file`. */
export function secretOf<K extends string>(config: { [P in K]?: string | undefined } & { [P in `${K}_file`]?: string | undefined }, key: K): SecretValue {
  const inline = config[key];
  if (inline !== undefined) return { current: () => inline };
  const file = (config as Record<string, string | undefined>)[`${key}_file`];
  if (file === undefined) throw new Error(`config has neither ${key} nor ${key}_file`);
  return { current: () => currentSecretFile(file) };
}
