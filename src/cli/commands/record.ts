// `tiermem record --seconds N -o FILE`: record an allocation trace from the running service.

import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import type { TraceResult, TraceStatus } from '../../admin/protocol.js';
import { formatBytes } from '../../units.js';
import { numberArg } from '../args.js';
import { client, print } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';

export function addRecordCommand(program: Command): void {
  program
    .command('record')
    .description('record an allocation trace from the running service for N seconds into FILE (Ctrl-C stops early)')
    .requiredOption('--seconds <n>', 'how long to record')
    .requiredOption('-o, --output <file>', 'trace file to write')
    .action(async (o: { seconds: string; output: string }, cmd: Command) => {
      const seconds = numberArg(o.seconds, '--seconds', 0.001, 86_400);
      // Open the output first: a bad path fails before the service starts recording.
      let fd: number;
      try {
        fd = openSync(o.output, 'w');
      } catch (e) {
        throw new CliError(
          EXIT.USAGE,
          `cannot write ${o.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      let written = false;
      try {
        const api = client(cmd);
        // The service stops on its own a minute after we should have, should this process die.
        await api.post<TraceStatus>('/trace/start', { maxSeconds: Math.ceil(seconds) + 60 });
        await new Promise<void>((resolve) => {
          const t = setTimeout(finish, seconds * 1000);
          function finish(): void {
            clearTimeout(t);
            process.off('SIGINT', finish);
            process.off('SIGTERM', finish);
            resolve();
          }
          process.on('SIGINT', finish);
          process.on('SIGTERM', finish);
        });
        const r = await api.post<TraceResult>('/trace/stop');
        const data = Buffer.from(r.trace, 'base64');
        writeSync(fd, data);
        written = true;
        const summary = { file: o.output, events: r.events, bytes: r.bytes, seconds: r.seconds };
        print(
          cmd,
          summary,
          () => `recorded ${r.events} events in ${r.seconds.toFixed(1)} s into ${o.output} (${formatBytes(r.bytes)})`,
        );
      } finally {
        closeSync(fd);
        if (!written) {
          try {
            unlinkSync(o.output);
          } catch {
            /* nothing to remove */
          }
        }
      }
    });
}
