// `tiermem set ratio|threshold|bounds|limit|policy|period|gains|param`: retune a running service.
// Controller values are checked against their rows in CONTROLLER_PARAMS before anything is sent.

import type { Command } from 'commander';
import { CONTROLLER_PARAM_NAMES } from '../../controller/params.js';
import type { ControllerStatusReport } from '../../admin/protocol.js';
import { POLICIES } from '../../types.js';
import type { ExhaustionPolicy, Tier } from '../../types.js';
import { formatBytes, shareToRatio } from '../../units.js';
import { choiceArg, paramArg, ratioArg, sizeArg, tierArg } from '../args.js';
import { client, print } from '../context.js';
import { pct } from '../format-status.js';

export function addSetCommands(program: Command): void {
  const set = program.command('set').description('change a setting of the running service');

  set
    .command('ratio <dram:pmem>')
    .description('target DRAM:PMem ratio of live bytes, e.g. 1:4 (DRAM share 20%)')
    .action(async (text: string, _o: unknown, cmd: Command) => {
      const share = ratioArg(text);
      const r = await client(cmd).post<ControllerStatusReport>('/ratio', { ratio: text });
      print(
        cmd,
        r,
        () =>
          `target DRAM:PMem ${shareToRatio(share)} (DRAM share ${pct(r.params.targetShare)}); controller ${r.status}`,
      );
    });

  set
    .command('threshold <size>')
    .allowUnknownOption() // so that '-8GiB' reaches the size check instead of reading as an option
    .description(
      'fix the size threshold (allocations smaller go to DRAM); pauses the controller until `controller resume`',
    )
    .action(async (text: string, _o: unknown, cmd: Command) => {
      const bytes = sizeArg(text, 'threshold');
      const r = await client(cmd).post<{ threshold: number; controller: ControllerStatusReport | null }>('/threshold', {
        bytes,
      });
      print(
        cmd,
        r,
        () =>
          `threshold ${formatBytes(r.threshold)} (${r.threshold} B)${r.controller ? '; controller paused (`tiermem controller resume` hands control back)' : ''}`,
      );
    });

  set
    .command('bounds <min> <max>')
    .allowUnknownOption() // so that '-8GiB' reaches the size check instead of reading as an option
    .description('bounds the controller keeps the threshold within, e.g. 64 1MiB')
    .action(async (minText: string, maxText: string, _o: unknown, cmd: Command) => {
      const min = sizeArg(minText, 'min');
      const max = sizeArg(maxText, 'max');
      const r = await client(cmd).post<ControllerStatusReport>('/bounds', { min, max });
      print(
        cmd,
        r,
        () => `threshold bounds ${formatBytes(r.params.minThreshold)} - ${formatBytes(r.params.maxThreshold)}`,
      );
    });

  set
    .command('limit <tier> <size>')
    .allowUnknownOption() // so that '-8GiB' reaches the size check instead of reading as an option
    .option('--force', 'set it even below what the tier already holds (new allocations then spill or fail)')
    .description(
      'byte limit on live bytes of a tier (dram or pmem), e.g. pmem 8GiB; 0 removes it. A limit below the ' +
        "tier's live bytes is refused without --force",
    )
    .action(async (tierText: string, sizeText: string, o: { force?: boolean }, cmd: Command) => {
      const tier = tierArg(tierText);
      const bytes = sizeArg(sizeText, 'limit');
      const body = o.force ? { tier, bytes, force: true } : { tier, bytes };
      const r = await client(cmd).post<Record<Tier, { limit: number; liveBytes: number }>>('/limit', body);
      const { limit, liveBytes } = r[tier];
      if (limit !== 0 && liveBytes > limit) {
        process.stderr.write(
          `tiermem: warning: ${tier} holds ${formatBytes(liveBytes)} live, above its new ${formatBytes(limit)} limit: ` +
            `new ${tier} allocations spill or fail until that much is freed\n`,
        );
      }
      print(cmd, r, () => `${tier} limit ${limit ? formatBytes(limit) : 'none'} (live ${formatBytes(liveBytes)})`);
    });

  set
    .command('policy <policy>')
    .description('what happens when a tier is full or at its limit: spill (use the other tier) or strict (fail)')
    .action(async (text: string, _o: unknown, cmd: Command) => {
      const policy = choiceArg(text, 'policy', POLICIES);
      const r = await client(cmd).post<{ policy: ExhaustionPolicy }>('/policy', { policy });
      print(cmd, r, () => `exhaustion policy ${r.policy}`);
    });

  set
    .command('period <ms>')
    .description('controller tick period in milliseconds')
    .action(async (text: string, _o: unknown, cmd: Command) => {
      const periodMs = paramArg('periodMs', text, 'period');
      const r = await client(cmd).post<ControllerStatusReport>('/controller', { periodMs });
      print(cmd, r, () => `controller period ${r.params.periodMs} ms`);
    });

  set
    .command('gains <kp> <ki> [trimKp] [trimKi]')
    .description(
      'controller gains: out of the band (pull fraction, map-bias learning), and optionally inside it (trim PI)',
    )
    .action(
      async (
        kpText: string,
        kiText: string,
        trimKpText: string | undefined,
        trimKiText: string | undefined,
        _o: unknown,
        cmd: Command,
      ) => {
        const body: Record<string, number> = { kp: paramArg('kp', kpText), ki: paramArg('ki', kiText) };
        if (trimKpText !== undefined) body.trimKp = paramArg('trimKp', trimKpText);
        if (trimKiText !== undefined) body.trimKi = paramArg('trimKi', trimKiText);
        const r = await client(cmd).post<ControllerStatusReport>('/controller', body);
        print(
          cmd,
          r,
          () =>
            `controller gains kp ${r.params.kp} ki ${r.params.ki} trimKp ${r.params.trimKp} trimKi ${r.params.trimKi}`,
        );
      },
    );

  set
    .command('param <name> <value>')
    .allowUnknownOption() // so that '-5' reaches the range check instead of reading as an option
    .description(
      `any controller parameter: ${CONTROLLER_PARAM_NAMES.join(', ')} (sizes take units, targetShare a D:P ratio)`,
    )
    .action(async (name: string, text: string, _o: unknown, cmd: Command) => {
      const value = paramArg(name, text);
      const r = await client(cmd).post<ControllerStatusReport>('/controller', { [name]: value });
      print(cmd, r, () => `controller ${name} ${String(r.params[name as keyof typeof r.params])}`);
    });
}
