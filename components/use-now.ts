"use client";

import { useEffect, useState } from "react";

/**
 * The current time, refreshed every `intervalMs` milliseconds (for ages that must tick).
 * `null` until mounted, so server and client render the same first frame.
 */
export function useNow(intervalMs = 10_000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [intervalMs]);
  return now;
}
