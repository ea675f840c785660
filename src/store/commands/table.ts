// Every command family, in one list.

import { configCommands } from './config.js';
import { connectionCommands } from './connection.js';
import { hashCommands } from './hashes.js';
import { infoCommands } from './info.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { memoryCommands } from './memory.js';
import { setCommands } from './sets.js';
import type { CommandSpec } from './spec.js';
import { stringCommands } from './strings.js';

export const allCommands: readonly CommandSpec[] = [
  ...connectionCommands,
  ...stringCommands,
  ...keyCommands,
  ...hashCommands,
  ...listCommands,
  ...setCommands,
  ...infoCommands,
  ...configCommands,
  ...memoryCommands,
];
