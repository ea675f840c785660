// A ring buffer deque: O(1) push/pop at both ends and O(1) indexing (LINDEX, LRANGE), which a JS
// array with unshift/shift does not give.

export class Deque<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(8);
  private head = 0;
  length = 0;

  private grow(): void {
    const old = this.items;
    const n = old.length;
    const next = new Array<T | undefined>(n * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & (n - 1)];
    this.items = next;
    this.head = 0;
  }

  pushBack(v: T): void {
    if (this.length === this.items.length) this.grow();
    this.items[(this.head + this.length) & (this.items.length - 1)] = v;
    this.length++;
  }

  pushFront(v: T): void {
    if (this.length === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = v;
    this.length++;
  }

  popFront(): T | undefined {
    if (this.length === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.length--;
    return v;
  }

  popBack(): T | undefined {
    if (this.length === 0) return undefined;
    const i = (this.head + this.length - 1) & (this.items.length - 1);
    const v = this.items[i];
    this.items[i] = undefined;
    this.length--;
    return v;
  }

  /** Element i from the front, 0 <= i < length. */
  at(i: number): T {
    return this.items[(this.head + i) & (this.items.length - 1)] as T;
  }
}
