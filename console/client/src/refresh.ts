// The wall display's loop: fetch, wait, fetch again; after a failure wait longer each time (up to a cap) and show it,
// then return to the normal interval once an answer comes. One timer and one request in flight at any time.
export interface RefresherOptions<T> {
  load: (signal: AbortSignal) => Promise<T>;
  onData: (data: T) => void;
  onError: (error: unknown, retryInMs: number) => void;
  intervalMs: number;
  maxBackoffMs: number;
}

export function startRefresher<T>(o: RefresherOptions<T>): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let failures = 0;
  let stopped = false;
  const tick = async () => {
    controller = new AbortController();
    // A hung request must not stall the loop for days: give up after the interval.
    const abort = setTimeout(() => controller?.abort(), Math.max(5_000, o.intervalMs));
    try {
      const data = await o.load(controller.signal);
      failures = 0;
      if (!stopped) o.onData(data);
    } catch (error) {
      failures++;
      if (!stopped) o.onError(error, delay());
    } finally {
      clearTimeout(abort);
    }
    if (!stopped) timer = setTimeout(tick, delay());
  };
  const delay = () => (failures === 0 ? o.intervalMs : Math.min(o.maxBackoffMs, o.intervalMs * 2 ** Math.min(failures - 1, 10) / 4));
  void tick();
  return () => { stopped = true; clearTimeout(timer); controller?.abort(); };
}
