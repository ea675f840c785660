// What every client command needs: where the service is (global options) and how to print.

import type { Command } from 'commander';
import { AdminClient } from '../admin/client.js';
import type { AdminTarget } from '../admin/client.js';
import { defaultSocketPath } from '../admin/socket-path.js';
import { CliError, EXIT } from './exit-codes.js';

export interface GlobalOptions {
  socket?: string;
  adminUrl?: string;
  tokenFile?: string;
  json?: boolean;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/** --admin-url + --token-file (loopback HTTP) or --socket (default). */
export function adminTarget(o: GlobalOptions): AdminTarget {
  const url = o.adminUrl ?? process.env.TIERMEM_ADMIN_URL;
  if (url) {
    const tokenFile = o.tokenFile ?? process.env.TIERMEM_ADMIN_TOKEN_FILE;
    if (!tokenFile)
      throw new CliError(EXIT.USAGE, '--admin-url needs --token-file FILE (the bearer token the service reads)');
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:') throw new Error('not http');
    } catch {
      throw new CliError(EXIT.USAGE, `--admin-url '${url}' is not an http:// URL, e.g. http://127.0.0.1:9478`);
    }
    return { url, tokenFile };
  }
  return { socketPath: o.socket ?? defaultSocketPath() };
}

export function client(cmd: Command): AdminClient {
  return new AdminClient(adminTarget(globals(cmd)), undefined, 'tiermem-cli');
}

/** Print a result: JSON for --json, else the human text. */
export function print(cmd: Command, result: unknown, human: () => string): void {
  process.stdout.write(globals(cmd).json ? JSON.stringify(result, null, 2) + '\n' : human() + '\n');
}
