import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Which core each role runs on, or why processes are not pinned. */
export interface CpuPinning {
  /** The core for the process under test (the agent, or the baseline standing in for it). */
  subjectCpu: number | null;
  /** The core for its counterpart (the Graph emulator, feed clients, the file dropper). */
  peerCpu: number | null;
  /** How the processes were placed, in words for the report. */
  description: string;
}

/**
 * Decides where bench processes run: with `taskset` and at least two cores, the process under
 * test on core 0 and its counterpart on core 1 (the issue: agent and emulator in separate
 * processes, pinned to separate cores where the machine allows). Otherwise nothing is pinned
 * and the description says why.
 */
export function decideCpuPinning(): CpuPinning {
  const cores = os.availableParallelism();
  if (process.platform !== 'linux') {
    return { subjectCpu: null, peerCpu: null, description: `not pinned (${process.platform})` };
  }
  if (cores < 2) {
    return { subjectCpu: null, peerCpu: null, description: 'not pinned (one core)' };
  }
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  } catch {
    return { subjectCpu: null, peerCpu: null, description: 'not pinned (taskset unavailable)' };
  }
  return {
    subjectCpu: 0,
    peerCpu: 1,
    description: `taskset: process under test on core 0, its counterpart and the driver on core 1 (of ${cores})`,
  };
}

/** Pins the current process (the driver) to a core; a no-op without one. */
export function pinCurrentProcess(cpu: number | null): void {
  if (cpu === null) return;
  execFileSync('taskset', ['-pc', String(cpu), String(process.pid)], { stdio: 'ignore' });
}
