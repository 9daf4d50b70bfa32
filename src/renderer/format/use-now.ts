import { useEffect, useState } from 'react';

/** The current time (epoch ms), refreshed every `intervalMs`, for "in 40 seconds" texts. */
export function useNow(intervalMs: number): number {
  const [nowMs, setNowMs] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return nowMs;
}
