// One clock for the bench's threads: epoch milliseconds with sub-millisecond
// precision (timeOrigin + now() agrees across worker threads).
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
