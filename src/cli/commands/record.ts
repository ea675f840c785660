// `tiermem record --seconds N -o FILE`: record an allocation trace from the running service, with
// progress on stderr. The recording holds a lease the command renews every second, so a recorder
// that is killed frees tracing within seconds. `tiermem record --stop` stops whatever recording
// is running (one left by another user or shell), writing it to -o FILE if given.

import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import type { AdminClient } from '../../admin/client.js';
import type { TraceResult, TraceStatus } from '../../admin/protocol.js';
import { formatBytes } from '../../units.js';
import { numberArg } from '../args.js';
import { client, print } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';

/** How often the command renews its lease, and how long the service waits without a renewal. */
const RENEW_MS = 1000;
const LEASE_SECONDS = 5;

interface Flags {
  seconds?: string;
  output?: string;
  stop?: boolean;
}

function openOutput(file: string): number {
  try {
    return openSync(file, 'w');
  } catch (e) {
    throw new CliError(
      EXIT.USAGE,
      `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

/** Write the trace into fd; on any failure before that, remove the half-made file. */
async function intoFile(file: string, fd: number, work: () => Promise<Uint8Array | null>): Promise<void> {
  let written = false;
  try {
    const data = await work();
    if (data !== null) {
      writeSync(fd, data);
      written = true;
    }
  } finally {
    closeSync(fd);
    if (!written) {
      try {
        unlinkSync(file);
      } catch {
        /* nothing to remove */
      }
    }
  }
}

/** Wait `seconds` (or until SIGINT/SIGTERM), renewing the lease and showing progress. */
async function recordFor(api: AdminClient, seconds: number): Promise<void> {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  const progress = (events: number): void => {
    const done = Math.min(seconds, (Date.now() - started) / 1000);
    const line = `recording ${done.toFixed(0)}/${seconds} s: ${events} events`;
    process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  };
  let stop = false;
  let wake: (() => void) | null = null;
  const finish = (): void => {
    stop = true;
    wake?.();
  };
  process.on('SIGINT', finish);
  process.on('SIGTERM', finish);
  try {
    while (!stop) {
      const left = started + seconds * 1000 - Date.now();
      if (left <= 0) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(RENEW_MS, left));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
      if (stop || Date.now() >= started + seconds * 1000) break;
      let s: TraceStatus;
      try {
        s = await api.post<TraceStatus>('/trace/renew');
      } catch (e) {
        if (e instanceof Error && /no trace is being recorded/.test(e.message)) {
          throw new CliError(EXIT.REJECTED, 'the recording was stopped by someone else (tiermem record --stop)');
        }
        throw e;
      }
      progress(s.events);
    }
  } finally {
    process.off('SIGINT', finish);
    process.off('SIGTERM', finish);
    if (tty) process.stderr.write('\r\x1b[K');
  }
}

export function addRecordCommand(program: Command): void {
  program
    .command('record')
    .description(
      'record an allocation trace from the running service for N seconds into FILE (Ctrl-C stops early); ' +
        '--stop ends a recording left running by another recorder',
    )
    .option('--seconds <n>', 'how long to record')
    .option('-o, --output <file>', 'trace file to write')
    .option('--stop', 'stop the recording in progress (its trace goes to -o FILE if given, else it is dropped)')
    .action(async (o: Flags, cmd: Command) => {
      if (o.stop) {
        if (o.seconds !== undefined) throw new CliError(EXIT.USAGE, '--stop takes no --seconds');
        const api = client(cmd);
        const stopOnly = async (): Promise<TraceResult> => api.post<TraceResult>('/trace/stop');
        let r: TraceResult | null = null;
        if (o.output !== undefined) {
          const file = o.output;
          await intoFile(file, openOutput(file), async () => {
            r = await stopOnly();
            return Buffer.from(r.trace, 'base64');
          });
        } else {
          r = await stopOnly();
        }
        const done = r!;
        const summary = {
          stopped: true,
          file: o.output ?? null,
          events: done.events,
          bytes: done.bytes,
          seconds: done.seconds,
        };
        print(
          cmd,
          summary,
          () =>
            `stopped a recording of ${done.events} events after ${done.seconds.toFixed(1)} s` +
            (o.output !== undefined
              ? `; written to ${o.output} (${formatBytes(done.bytes)})`
              : '; its trace was dropped'),
        );
        return;
      }
      if (o.seconds === undefined) throw new CliError(EXIT.USAGE, "required option '--seconds <n>' not specified");
      if (o.output === undefined) throw new CliError(EXIT.USAGE, "required option '-o, --output <file>' not specified");
      const seconds = numberArg(o.seconds, '--seconds', 0.001, 86_400);
      const file = o.output;
      // Open the output first: a bad path fails before the service starts recording.
      const fd = openOutput(file);
      let r: TraceResult | null = null;
      await intoFile(file, fd, async () => {
        const api = client(cmd);
        // The service also stops on its own a minute after we should have.
        await api.post<TraceStatus>('/trace/start', {
          maxSeconds: Math.ceil(seconds) + 60,
          leaseSeconds: LEASE_SECONDS,
        });
        await recordFor(api, seconds);
        r = await api.post<TraceResult>('/trace/stop');
        return Buffer.from(r.trace, 'base64');
      });
      const done = r!;
      const summary = { file, events: done.events, bytes: done.bytes, seconds: done.seconds };
      print(
        cmd,
        summary,
        () =>
          `recorded ${done.events} events in ${done.seconds.toFixed(1)} s into ${file} (${formatBytes(done.bytes)})`,
      );
    });
}
