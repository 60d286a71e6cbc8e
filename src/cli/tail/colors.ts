/**
 * Terminal colours for the human views (`tail`, `demo`): on only for a terminal, off with
 * NO_COLOR (any non-empty value, no-color.org), forced with FORCE_COLOR (anything but 0/false).
 */

export interface Palette {
  /** A severity name in its colour (red ERROR+, yellow WARN, green INFO, blue DEBUG/TRACE). */
  severity(text: string, number: number): string;
  dim(text: string): string;
  bold(text: string): string;
  cyan(text: string): string;
}

export function colorEnabled(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY === true;
}

const sgr = (code: string) => (text: string): string => `\x1b[${code}m${text}\x1b[0m`;
const plain = (text: string): string => text;

/** The SGR colour of a severity number (OTLP ranges), or undefined for UNSPECIFIED. */
export function severityColorCode(number: number): string | undefined {
  if (number >= 17) return '31'; // ERROR, FATAL: red
  if (number >= 13) return '33'; // WARN: yellow
  if (number >= 9) return '32'; // INFO: green
  if (number >= 1) return '34'; // DEBUG, TRACE: blue
  return undefined;
}

export function createPalette(enabled: boolean): Palette {
  if (!enabled) return { severity: plain, dim: plain, bold: plain, cyan: plain };
  return {
    severity(text, number) {
      const code = severityColorCode(number);
      return code === undefined ? text : sgr(number >= 21 ? `1;${code}` : code)(text);
    },
    dim: sgr('2'),
    bold: sgr('1'),
    cyan: sgr('36'),
  };
}
