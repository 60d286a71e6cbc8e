/**
 * Daytona's scripted activity in the demo: an agent in a sandbox runs the project's test suite
 * in a session — pytest's progress on stdout, the code's own log lines and warnings on stderr,
 * interleaved as they happen — and it fails (exit 1); the agent fixes the test and re-runs it
 * (exit 0), then goes round again. Every command is a stream of its own, ended by its exit code.
 */
import type { CommandHandle, DaytonaEmulator, SessionHandle } from '../daytona.ts';
import { runScript, type Activity, type Script } from '../demo/activity.ts';
import { startDaytonaEmulator } from '../daytona.ts';
import { quoted, type DemoScenario } from '../demo/scenario.ts';

export const DAYTONA_SANDBOX = { id: 'sbx-7c1f2d9e', name: 'agent-worker', labels: { app: 'agent-worker' } };
export const DAYTONA_SESSION = 'agent-shell';

const TESTS = [
  'tests/test_orders.py::test_lookup_order',
  'tests/test_orders.py::test_unknown_order_id',
  'tests/test_orders.py::test_order_status_shipped',
  'tests/test_refunds.py::test_full_refund',
  'tests/test_refunds.py::test_partial_refund',
  'tests/test_refunds.py::test_refund_window_closed',
  'tests/test_shipping.py::test_rates_norway',
  'tests/test_shipping.py::test_change_address',
  'tests/test_tools.py::test_search_docs',
  'tests/test_tools.py::test_create_ticket',
];
const FAILING = 'tests/test_refunds.py::test_partial_refund';

/** Lines the code under test logs to stderr while a test runs (pytest shows them live with -s). */
const STDERR_BY_TEST: Record<string, string[]> = {
  'tests/test_orders.py::test_unknown_order_id': ["ERROR: orders: lookup failed for order id 'A-0000' (404 from orders-api)"],
  'tests/test_refunds.py::test_partial_refund': ['WARNING: refunds: amount 12.50 exceeds the remaining balance 10.00; clamping'],
  'tests/test_shipping.py::test_rates_norway': ['WARNING: shipping: rates API slow (1.8s), using the cached table'],
};

async function run(script: Script, session: SessionHandle, command: string, body: (c: CommandHandle) => Promise<number | undefined>): Promise<boolean> {
  const c = session.addCommand({ command });
  const code = await body(c);
  if (code === undefined) return false;
  c.exit(code);
  return true;
}

async function testSuite(script: Script, c: CommandHandle, only?: string): Promise<number | undefined> {
  const tests = only ? [only] : TESTS;
  const write = (stream: 'stdout' | 'stderr', line: string): void => {
    c[stream](line);
    script.wrote(1);
  };
  write('stdout', '============================= test session starts ==============================');
  write('stdout', 'platform linux -- Python 3.12.7, pytest-8.3.4, pluggy-1.5.0');
  write('stdout', `collected ${tests.length} item${tests.length === 1 ? '' : 's'}`);
  const started = Date.now();
  let failed = 0;
  for (const [i, test] of tests.entries()) {
    if (!(await script.wait(70 + script.random() * 160))) return undefined;
    for (const line of STDERR_BY_TEST[test] ?? []) write('stderr', line);
    const fails = test === FAILING && !only;
    if (fails) failed += 1;
    write('stdout', `${test} ${fails ? 'FAILED' : 'PASSED'} [${String(Math.round(((i + 1) / tests.length) * 100)).padStart(3)}%]`);
  }
  if (failed > 0) {
    write('stderr', 'DeprecationWarning: datetime.datetime.utcnow() is deprecated; use timezone-aware objects');
    write('stdout', '=================================== FAILURES ===================================');
    write('stdout', '_____________________________ test_partial_refund ______________________________');
    write('stdout', '>       assert refund.amount == Decimal("12.50")');
    write('stdout', "E       AssertionError: assert Decimal('10.00') == Decimal('12.50')");
    write('stdout', `FAILED ${FAILING} - AssertionError`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(2);
  const passed = tests.length - failed;
  write('stdout', `========================= ${failed > 0 ? `${failed} failed, ` : ''}${passed} passed in ${seconds}s =========================`);
  return failed > 0 ? 1 : 0;
}

export function startDaytonaActivity(emulator: DaytonaEmulator): Activity {
  return runScript(3, async (script) => {
    const sandbox = emulator.addSandbox({ id: DAYTONA_SANDBOX.id, name: DAYTONA_SANDBOX.name, labels: DAYTONA_SANDBOX.labels });
    const session = sandbox.addSession(DAYTONA_SESSION);
    const installed = await run(script, session, 'pip install -q -r requirements.txt', async (c) => {
      c.stdout('Requirement already satisfied: httpx in /usr/local/lib/python3.12/site-packages (0.28.1)');
      c.stderr('WARNING: Running pip as the root user can result in broken permissions');
      script.wrote(2);
      return (await script.wait(300)) ? 0 : undefined;
    });
    if (!installed) return;
    for (;;) {
      if (!(await run(script, session, 'python -m pytest -v tests/', (c) => testSuite(script, c)))) return;
      if (!(await script.wait(500))) return;
      if (!(await run(script, session, `python -m pytest -v ${FAILING}`, (c) => testSuite(script, c, FAILING)))) return;
      if (!(await script.wait(700))) return;
    }
  });
}

export const demoScenario: DemoScenario = {
  source: 'daytona-ci',
  secret: 'DAYTONA_API_KEY',
  async start(apiKey) {
    const emulator = await startDaytonaEmulator({ apiKey });
    return {
      url: emulator.apiUrl,
      sourceYaml: (credential) => `  - name: daytona-ci
    type: daytona
    api_url: ${quoted(emulator.apiUrl)}
    api_key: ${credential}
    sandbox_labels: {app: agent-worker}
    entrypoint: false
    discover_interval: 500ms          # each command is a stream; new ones are found this often
`,
      startActivity: () => startDaytonaActivity(emulator),
      close: () => emulator.close(),
    };
  },
};
