// `tiermem controller pause|resume`.

import type { Command } from 'commander';
import type { ControllerStatusReport } from '../../admin/protocol.js';
import { client, print } from '../context.js';

export function addControllerCommands(program: Command): void {
  const ctl = program.command('controller').description('pause or resume the threshold controller');
  for (const action of ['pause', 'resume'] as const) {
    ctl
      .command(action)
      .description(
        action === 'pause'
          ? 'stop moving the threshold (it stays where it is)'
          : 'hand the threshold back to the controller',
      )
      .action(async (_o: unknown, cmd: Command) => {
        const r = await client(cmd).post<ControllerStatusReport>(`/controller/${action}`);
        print(cmd, r, () => `controller ${r.status}`);
      });
  }
}
