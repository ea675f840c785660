// Who may connect and for how long, as redis-server decides it at accept time and in its client
// cron: protected mode, maxclients, tcp-keepalive, the idle timeout. Authentication and
// permissions are the engine's (native/store/acl.c); requirepass is pushed there.

import type net from 'node:net';

/** The connection parameters CONFIG GET/SET shows (Redis's names in config-params.ts). */
export interface StoreAccess {
  /** CONFIG GET requirepass shows it back, as Redis does; the engine keeps only its hash. */
  requirepass: string;
  protectedMode: boolean;
  maxClients: number;
  /** Seconds a client may stay idle before it is closed; 0 = never. */
  timeout: number;
  /** Seconds between TCP keepalive probes; 0 = off. */
  tcpKeepalive: number;
}

export const DEFAULT_ACCESS: Readonly<StoreAccess> = {
  requirepass: '',
  protectedMode: true,
  maxClients: 10000,
  timeout: 0,
  tcpKeepalive: 300,
};

/** Redis 7.0.15's refusal of a remote client in protected mode, byte for byte. */
export const DENIED =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set ' +
  'for the default user. In this mode connections are only accepted from the loopback interface. If you ' +
  'want to connect from external computers to Redis you may adopt one of the following solutions: 1) ' +
  "Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback " +
  'interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis ' +
  'is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change ' +
  'permanent. 2) Alternatively you can just disable the protected mode by editing the Redis ' +
  "configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
  "3) If you started the server manually just for testing, restart it with the '--protected-mode no' " +
  'option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one ' +
  'of the above things in order for the server to start accepting connections from the outside.\r\n';

export const MAX_CLIENTS_REACHED = '-ERR max number of clients reached\r\n';

/** Loopback peers (IPv4 127/8, ::1, and IPv4-mapped 127/8), as Redis's connIsLocal. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/**
 * The refusal to send a new connection before closing it, or null to accept it. `clients` is
 * the number already connected; `passwordless` whether the default user needs no password.
 */
export function admission(
  access: StoreAccess,
  clients: number,
  passwordless: boolean,
  remoteAddress: string | undefined,
): string | null {
  if (clients >= access.maxClients) return MAX_CLIENTS_REACHED;
  if (access.protectedMode && passwordless && !isLoopback(remoteAddress)) return DENIED;
  return null;
}

/** Send the refusal and close (Redis writes it and frees the client). */
export function refuse(socket: net.Socket, message: string): void {
  socket.on('error', () => {
    /* the peer may be gone already */
  });
  // Closed once written: the socket is paused (never read), so it would not see the peer's FIN.
  socket.end(message, () => socket.destroy());
}

/** tcp-keepalive for a new socket. */
export function applyKeepalive(socket: net.Socket, seconds: number): void {
  if (seconds > 0) socket.setKeepAlive(true, seconds * 1000);
}

/** One connection as the idle check sees it. */
export interface IdleCandidate {
  /** Date.now() of the last bytes read from or written to it. */
  readonly lastActive: number;
  /** Blocked in a blocking command or subscribed: Redis never times those out. */
  readonly exemptFromTimeout: boolean;
  close(): void;
}

/** Close the clients idle for more than `timeout` seconds; returns how many were closed. */
export function closeIdle(clients: Iterable<IdleCandidate>, timeoutSeconds: number, now: number): number {
  if (timeoutSeconds <= 0) return 0;
  const limit = timeoutSeconds * 1000;
  let n = 0;
  for (const c of clients) {
    if (c.exemptFromTimeout || now - c.lastActive <= limit) continue;
    c.close();
    n++;
  }
  return n;
}
