// One consistent reading per scrape. prom-client calls every metric's collect() synchronously,
// one after the other, inside a single registry.metrics() call; the first collect() takes the
// snapshot and a microtask drops it afterwards, so all metrics of one scrape see the same numbers
// and nothing is read between scrapes (the allocation path is never touched).

export class ScrapeSnapshot<T> {
  private current: T | null = null;
  private taken = false;

  constructor(private readonly take: () => T | null) {}

  get(): T | null {
    if (!this.taken) {
      this.taken = true;
      this.current = this.take();
      queueMicrotask(() => {
        this.taken = false;
        this.current = null;
      });
    }
    return this.current;
  }
}
