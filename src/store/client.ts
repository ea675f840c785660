// One connection's state.

import type { Socket } from 'node:net';
import { RequestParser, type ParserLimits } from './resp/parser.js';

export class Client {
  readonly parser: RequestParser;
  name = '';
  /** Set by QUIT and protocol errors: close once the replies so far are written. */
  closeAfterReply = false;
  closed = false;
  readonly createdAt = Date.now();
  lastCommandAt = Date.now();
  lastCommand = 'NULL';
  /** Reading paused because the socket's output backlog is too large. */
  paused = false;

  constructor(readonly id: number, readonly socket: Socket, limits: ParserLimits) {
    this.parser = new RequestParser(limits);
  }

  /** host:port of the peer, as CLIENT LIST shows it. */
  get addr(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? 0}`;
  }
}
