/**
 * Which lines belong together (DESIGN §4.5 step 1). A rule says whether a line begins a group,
 * and the group it opens judges each next line of the same log.iostream:
 * - `join`: the line belongs to the group (and so does any line held tentatively before it);
 * - `end`: it belongs to the group and is its last line;
 * - `maybe`: it belongs only if a later line joins (a blank line after a Python exception is
 *   part of the record only when a chained traceback follows);
 * - `close`: it does not belong; the group is complete without it.
 */

export type Verdict = 'join' | 'end' | 'maybe' | 'close';

export interface OpenGroup {
  next(line: string): Verdict;
}

export interface GroupingRule {
  /** Whether `line` begins a group. Pure. */
  starts(line: string): boolean;
  /** The group a starting line opens. */
  open(line: string): OpenGroup;
}

const PYTHON_START = /^\s*(?:\+ )?(?:Exception Group )?Traceback \(most recent call last\):\s*$/;
const PYTHON_CHAIN = /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)\s*$/;
const INDENTED = /^\s/;
const BLANK = /^\s*$/;

/** Python: header, indented frames, the exception line; chained tracebacks after a blank line and the chaining sentence. */
function pythonGroup(first: string): OpenGroup {
  // An exception group is printed indented throughout, with no exception line at column 0.
  let state: 'frames' | 'group' | 'exception' | 'blank' | 'chain' = first.trimStart().startsWith('+') ? 'group' : 'frames';
  return {
    next(line) {
      switch (state) {
        case 'group':
          return INDENTED.test(line) && !BLANK.test(line) ? 'join' : 'close';
        case 'frames':
          if (BLANK.test(line)) return 'close';
          if (!INDENTED.test(line)) state = 'exception';
          return 'join';
        case 'exception':
          if (BLANK.test(line)) {
            state = 'blank';
            return 'maybe';
          }
          return 'close';
        case 'blank':
          if (PYTHON_CHAIN.test(line)) {
            state = 'chain';
            return 'join';
          }
          return 'close';
        case 'chain':
          if (BLANK.test(line)) return 'join';
          if (PYTHON_START.test(line)) {
            state = line.trimStart().startsWith('+') ? 'group' : 'frames';
            return 'join';
          }
          return 'close';
      }
    },
  };
}

// JVM and Node.js/V8: an exception or error line (`java.lang.IllegalStateException: x`,
// `Exception in thread "main" …`, `TypeError: x`, `Error [ERR_X]: x`, `Uncaught Error: x`), then frames.
const STACK_START = /^(?:Exception in thread "[^"]*" |Uncaught )?(?:[A-Za-z_$][\w$]*\.)*(?:[A-Z][\w$]*)?(?:Error|Exception|Throwable)(?: \[[\w-]+\])?(?::.*)?$/;
const STACK_LINE =
  /^(?:\s+at\s|\s*\.\.\. \d+ (?:more|common frames omitted)|\s*Caused by: |\s*Suppressed: |\s+\[cause\]: |\s+\[errors\]: |\s+\.\.\. \d+ lines matching cause stack trace \.\.\.)/;
/** An object printed after the frames (`    at f (x.js:1:2) {` … `  code: 'E'` … `}`). */
const OBJECT_OPEN = /\{\s*$/;
const OBJECT_CLOSE = /^\s*\}\s*$/;

function stackGroup(): OpenGroup {
  let depth = 0;
  return {
    next(line) {
      if (depth > 0) {
        if (OBJECT_CLOSE.test(line)) depth--;
        else if (OBJECT_OPEN.test(line)) depth++;
        return 'join';
      }
      if (!STACK_LINE.test(line)) return 'close';
      if (OBJECT_OPEN.test(line)) depth++;
      return 'join';
    },
  };
}

// Go: `panic: …` (or the runtime's `fatal error: …`), then goroutine headers and their frames.
const GO_START = /^(?:panic: |fatal error: )/;
const GO_GOROUTINE = /^goroutine \d+ \[[^\]]*\]:\s*$/;
const GO_HEAD_LINE = /^(?:\[signal |\s|panic: |\s*$)/;
const GO_FRAME = /^(?:[\w.\-/*()[\]{}]+\(.*\)(?: \.\.\.)?|created by .*|\.\.\.additional frames elided\.\.\.|\s.*)$/;

function goGroup(): OpenGroup {
  let state: 'head' | 'frames' | 'blank' = 'head';
  return {
    next(line) {
      if (GO_GOROUTINE.test(line)) {
        state = 'frames';
        return 'join';
      }
      if (state === 'head') return GO_HEAD_LINE.test(line) ? 'join' : 'close';
      if (state === 'blank') return 'close';
      if (BLANK.test(line)) {
        state = 'blank';
        return 'maybe';
      }
      return GO_FRAME.test(line) ? 'join' : 'close';
    },
  };
}

// A PEM private key printed over several lines: kept together so redaction sees the whole block.
const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;

function pemGroup(): OpenGroup {
  return { next: (line) => (PEM_END.test(line) ? 'end' : 'join') };
}

/** Cheap test first: most lines start with none of these. */
const ANY_START = /^(?:\s*(?:\+ )?(?:Exception Group )?Traceback \(|panic: |fatal error: )|Error|Exception|Throwable|-----BEGIN /;

/** The built-in rules of `multiline: auto`. */
export const autoRule: GroupingRule = {
  starts(line) {
    if (!ANY_START.test(line)) return false;
    return PYTHON_START.test(line) || GO_START.test(line) || STACK_START.test(line) || (PEM_BEGIN.test(line) && !PEM_END.test(line));
  },
  open(line) {
    if (PYTHON_START.test(line)) return pythonGroup(line);
    if (GO_START.test(line)) return goGroup();
    if (STACK_START.test(line)) return stackGroup();
    return pemGroup();
  },
};

/** `{start: REGEX}`: a matching line begins a record, every other line joins the open one. */
export function startRule(start: RegExp): GroupingRule {
  const group: OpenGroup = { next: (line) => (start.test(line) ? 'close' : 'join') };
  return { starts: (line) => start.test(line), open: () => group };
}
