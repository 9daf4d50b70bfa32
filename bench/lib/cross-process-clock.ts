/**
 * The one timestamp every bench process uses: epoch milliseconds on a monotonic base.
 *
 * `performance.timeOrigin` is the wall-clock instant at which this process started (read once,
 * sub-millisecond), and `performance.now()` is monotonic since then, so the sum never jumps
 * within a process and two processes on the same machine agree to within the error of reading
 * the system clock at their starts (microseconds), unless the clock is stepped between those
 * starts. The Graph emulator's request log uses the same expression, so its timestamps line up
 * with ours. `process.hrtime.bigint()` is not used: Node documents it as relative to an
 * arbitrary time in the past, so it is not promised to be comparable across processes.
 */
export function crossProcessNowMs(): number {
  return performance.timeOrigin + performance.now();
}
