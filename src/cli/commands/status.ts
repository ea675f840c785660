// `tiermem status` and `tiermem watch`.

import type { Command } from 'commander';
import type { StatusReport } from '../../admin/protocol.js';
import { numberArg } from '../args.js';
import { client, globals, print } from '../context.js';
import { formatStatus } from '../format-status.js';
import { watch } from '../watch.js';

export function addStatusCommands(program: Command): void {
  program
    .command('status')
    .description(
      'backend (emulated or real, nodes), bytes per tier and category, DRAM share vs target, threshold, controller status',
    )
    .action(async (_o: unknown, cmd: Command) => {
      const s = await client(cmd).get<StatusReport>('/status');
      print(cmd, s, () => formatStatus(s));
    });

  program
    .command('watch')
    .description('live view refreshed every second with charts of the DRAM share and the threshold (q or Ctrl-C quits)')
    .option('--interval <ms>', 'refresh interval in milliseconds', '1000')
    .option('--count <n>', 'stop after n refreshes (0: run until quit)', '0')
    .action(async (o: { interval: string; count: string }, cmd: Command) => {
      await watch(client(cmd), {
        intervalMs: numberArg(o.interval, '--interval', 100, 3_600_000),
        count: Math.floor(numberArg(o.count, '--count', 0, 1e9)),
        json: globals(cmd).json === true,
        out: process.stdout,
      });
    });
}
