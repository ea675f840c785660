// One allocation-trace recording at a time, attached to the allocator as its trace sink.
// A recording stops itself after maxSeconds so a client that disappears cannot leave the
// allocator recording (and the trace growing) for ever. A recorder that takes a lease (as
// `tiermem record` does) must renew it: when it stops renewing (killed, disconnected), the
// recording is dropped after leaseSeconds and the next one can start.

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
  private lease: NodeJS.Timeout | null = null;
  /** A recording that hit maxSeconds, kept for one stop() call. */
  private expired: FinishedTrace | null = null;

  constructor(
    private readonly allocator: Allocator,
    private readonly create: (() => TraceRecorderPort) | null,
    private readonly log: (line: string) => void = () => {},
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

  /** Start recording; with leaseSeconds, renew() must be called at least that often. */
  start(maxSeconds: number, leaseSeconds?: number): void {
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
    if (leaseSeconds !== undefined) {
      this.lease = setTimeout(() => this.abandon(leaseSeconds), leaseSeconds * 1000);
      this.lease.unref();
    }
  }

  /** The recorder is still there: extend its lease. False when nothing is being recorded. */
  renew(): boolean {
    if (!this.recorder) return false;
    this.lease?.refresh();
    return true;
  }

  /** The recorder went away without stopping: drop the recording so tracing is free again. */
  private abandon(leaseSeconds: number): void {
    if (!this.recorder) return;
    const t = this.finish();
    this.log(
      `trace: recording of ${t.events} events dropped after ${t.seconds.toFixed(1)} s: its recorder stopped renewing its ${leaseSeconds} s lease`,
    );
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
    if (this.lease) clearTimeout(this.lease);
    this.lease = null;
    const seconds = (Date.now() - this.startedAt.getTime()) / 1000;
    this.recorder = null;
    this.startedAt = null;
    this.maxSeconds = null;
    this.timer = null;
    return { data: rec.finish(), events: rec.events, seconds };
  }
}
