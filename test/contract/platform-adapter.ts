/**
 * What a platform must provide to run the shared source contract suite
 * (test/contract/source-contract.ts). One adapter per platform, in
 * test/contract/<platform>.contract.test.ts; a fifth platform plugs in by writing one more.
 *
 * The adapter drives the platform's own emulator: it names exactly one stream in its source
 * YAML, appends entries to it, and scripts the faults. Every expectation is about bodies: the
 * adapter returns the record bodies the receiver must decode for what it appended.
 */

export interface ContractStream {
  /**
   * The YAML of one `sources:` item naming this one stream, indented as a list item
   * ("  - name: NAME\n    type: …\n"), secrets through `${env:…}` with values in `env`.
   * Polling platforms set a short poll interval (≤ 50ms).
   */
  sourceYaml(name: string): string;
  /** Variables the source YAML refers to. */
  env: Record<string, string>;
  /** Append `n` fresh, distinct entries (live to open connections); returns their record bodies, in order. */
  append(n: number): string[];
  /**
   * Append console lines exactly as given, on `stream` where the platform keeps one. Only
   * line-based platforms (their streams pass the processing stage, DESIGN §4.5) have it.
   */
  appendLines?(lines: { body: string; stream: 'stdout' | 'stderr' }[]): void;
  /**
   * Append one entry whose data is not what the platform documents (malformed JSON, a bad
   * frame); returns the record body the receiver must see and whether it must carry
   * `agent_log_exporter.parse_error=true`.
   */
  appendMalformed(): { body: string; parseError: boolean };
  /** Split everything sent from now on into small random pieces (across frame, line and UTF-8 boundaries). */
  splitChunks(seed: number): void;
  /**
   * Cut the connection (or the poll response) after `k` more entries on each of the next
   * connections; every new connection replays what the platform replays.
   */
  disconnectAfter(k: number[]): void;
  /** The next `times` stream requests answer `status` (with Retry-After seconds when given). */
  failNext(times: number, status: 401 | 404 | 429 | 500, retryAfterSeconds?: number): void;
  /**
   * The stream ends as the platform ends it (session deleted → 404, `event: end`, command exit,
   * sandbox terminated). Returns the bodies the end itself produces (e.g. Daytona's exit record).
   */
  end(): string[];
  /** Stream requests answered so far (connections or polls), successful or not. */
  requests(): number;
  close(): Promise<void>;
}

export interface ContractPlatform {
  /** Platform type as in the config (`foundry`, `hill90`, …). */
  type: string;
  /** Its streams are console lines (they pass the processing stage and `appendLines` exists). */
  lineBased: boolean;
  /** Start the emulator with one stream that has no entries yet. */
  start(): Promise<ContractStream>;
}
