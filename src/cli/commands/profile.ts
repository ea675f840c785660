// `tiermem profile`: the store's memory per data type x tier and its buffers, from the last
// BGSAVE STAT_MEMORY (a tiermem extension of BGSAVE); --now takes a new one first.

import type { Command } from 'commander';
import type { ProfileReport } from '../../service/ports.js';
import { numberArg } from '../args.js';
import { client, print } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { formatProfile } from '../format-profile.js';

const POLL_MS = 200;

export function addProfileCommand(program: Command): void {
  program
    .command('profile')
    .description('memory per data type x tier (values, keys, metadata) and buffers, from the last BGSAVE STAT_MEMORY')
    .option('--now', 'take a new profile first: a BGSAVE STAT_MEMORY (it writes dump.rdb, as BGSAVE does)')
    .option('--timeout <seconds>', 'with --now: how long to wait for the save', '600')
    .action(async (o: { now?: boolean; timeout: string }, cmd: Command) => {
      const c = client(cmd);
      let r: ProfileReport;
      if (o.now) {
        const timeoutMs = numberArg(o.timeout, '--timeout', 1, 86_400) * 1000;
        const start = await c.post<ProfileReport>('/profile');
        const before = start.profile?.cutMs ?? null;
        const deadline = Date.now() + timeoutMs;
        for (r = start; r.running; r = await c.get<ProfileReport>('/profile')) {
          if (Date.now() > deadline)
            throw new CliError(EXIT.REJECTED, `the profile is still being taken after ${o.timeout} s; read it later`);
          await new Promise((res) => setTimeout(res, POLL_MS));
        }
        if (!r.profile || r.profile.cutMs === before)
          throw new CliError(EXIT.REJECTED, 'the BGSAVE STAT_MEMORY failed; the service log says why');
      } else {
        r = await c.get<ProfileReport>('/profile');
      }
      print(cmd, r, () => formatProfile(r));
    });
}
