// One allocation-trace recording at a time, attached to the allocator as its trace sink.
// A recording stops itself after maxSeconds so a client that disappears cannot leave the
// allocator recording (and the trace growing) for ever.

import type { Allocator } from '../types.js';
import type { TraceRecorderPort } from '../service/ports.js';
import type { TraceStatus } from './protocol.js';

export interface FinishedTrace {
  data: Uint8Array;
  events: number;
  seconds: number;
}

export class TraceSession {
  private recorder: TraceRecorderPort | null = null;
  private startedAt: Date | null = null;
  private maxSeconds: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** A recording that hit maxSeconds, kept for one stop() call. */
  private expired: FinishedTrace | null = null;

  constructor(
    private readonly allocator: Allocator,
    private readonly create: (() => TraceRecorderPort) | null,
  ) {}

  get available(): boolean {
    return this.create !== null;
  }
  get recording(): boolean {
    return this.recorder !== null;
  }

  status(): TraceStatus {
    return {
      recording: this.recorder !== null,
      events: this.recorder?.events ?? 0,
      startedAt: this.startedAt?.toISOString() ?? null,
      maxSeconds: this.maxSeconds,
    };
  }

  start(maxSeconds: number): void {
    if (!this.create) throw new Error('trace recording is not available in this build');
    const rec = this.create();
    this.allocator.setTraceSink(rec);
    this.recorder = rec;
    this.startedAt = new Date();
    this.maxSeconds = maxSeconds;
    this.expired = null;
    this.timer = setTimeout(() => {
      this.expired = this.finish();
    }, maxSeconds * 1000);
    this.timer.unref();
  }

  /** Stop and return the trace; null when nothing was being recorded. */
  stop(): FinishedTrace | null {
    if (this.recorder) return this.finish();
    const e = this.expired;
    this.expired = null;
    return e;
  }

  private finish(): FinishedTrace {
    const rec = this.recorder;
    if (!rec || !this.startedAt) throw new Error('no trace is being recorded');
    if (!this.allocator.closed) this.allocator.setTraceSink(null);
    if (this.timer) clearTimeout(this.timer);
    const seconds = (Date.now() - this.startedAt.getTime()) / 1000;
    this.recorder = null;
    this.startedAt = null;
    this.maxSeconds = null;
    this.timer = null;
    return { data: rec.finish(), events: rec.events, seconds };
  }
}
