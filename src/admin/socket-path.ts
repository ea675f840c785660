// Where the admin socket lives by default: shared by `tiermem serve` and the CLI commands.

import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** $TIERMEM_ADMIN_SOCKET, else $XDG_RUNTIME_DIR/tiermem.sock, else a per-user name in the temp dir. */
export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TIERMEM_ADMIN_SOCKET) return env.TIERMEM_ADMIN_SOCKET;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'tiermem.sock');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(tmpdir(), `tiermem-${uid}.sock`);
}
