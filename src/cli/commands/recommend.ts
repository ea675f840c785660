// `tiermem recommend --trace FILE --ratio 1:4`: replay a recorded trace offline through the
// controller and print the threshold that reaches the ratio, the predicted split and the sizes.
// (placeholder until src/trace exports recommend())

import type { Command } from 'commander';

export function addRecommendCommand(program: Command): void {
  program.command('recommend')
    .description('replay a recorded trace offline and print the threshold that reaches a ratio')
    .requiredOption('--trace <file>', 'trace file written by `tiermem record`')
    .requiredOption('--ratio <dram:pmem>', 'wanted DRAM:PMem ratio, e.g. 1:4');
}
