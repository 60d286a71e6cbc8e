/**
 * Storage errors name the file they are about (issue 11 item 5): a `state.db` that is not a
 * database stops `run` and `checkpoints list` with exit 1, the file's path and what to do, and
 * no stack trace.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TOKEN, startRig, writeConfig, type Rig } from '../helpers/harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('a state.db that is not a database', () => {
  it('run and checkpoints list name the file and say what to do', async () => {
    rig = await startRig();
    writeConfig(rig, { session: { agent: 'a', version: '1', id: 's' } });
    const storage = join(rig.dir, 'data');
    mkdirSync(storage, { recursive: true });
    writeFileSync(join(storage, 'state.db'), 'not a database, just some text that is long enough to have a header');
    for (const args of [['run'], ['checkpoints', 'list']]) {
      const r = runCli([...args, '--config', rig.configPath], { FOUNDRY_TOKEN: TOKEN });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`${join(storage, 'state.db')}: file is not a database`);
      expect(r.stderr).toContain('move it away or point storage.dir elsewhere');
      expect(r.stderr).not.toContain('    at ');
    }
  });
});
