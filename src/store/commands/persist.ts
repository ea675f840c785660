// SAVE, BGSAVE [SCHEDULE], BGREWRITEAOF, LASTSAVE and SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], with Redis
// 7.0.15's replies and errors (the work is in ../persistence.ts and the engine).

import type { JsCtx } from '../control.js';

export function save(c: JsCtx): void {
  const p = c.host.persistence;
  if (p === null) return c.out.error('ERR this store has no persistence configured');
  if (p.inProgress) return c.out.error('ERR Background save already in progress');
  // Redis saves beside its rewrite child; here the engine has one snapshot: the rewrite's base is
  // completed first (it ends on the next turn, as Redis reaps its child from the cron).
  c.host.aofRewrite?.finishBeforeSave();
  if (p.save() === null) c.out.ok();
  else c.out.error('ERR');
}

export function bgsave(c: JsCtx): void {
  const a = c.args;
  let schedule = false;
  // STAT_MEMORY is tiermem's extension (Redis 7.0.15 replies a syntax error): the save also
  // takes a memory profile (../memprofile.ts).
  let profile = false;
  for (let i = 1; i < a.argc; i++) {
    if (a.is(i, 'schedule') && !schedule) schedule = true;
    else if (a.is(i, 'stat_memory') && !profile) profile = true;
    else return c.out.error('ERR syntax error');
  }
  const p = c.host.persistence;
  if (p === null) return c.out.error('ERR this store has no persistence configured');
  if (p.inProgress) return c.out.error('ERR Background save already in progress');
  const inExec = c.host.engine.inExec();
  if (c.host.aofRewrite?.inProgress || inExec) {
    if (!schedule && !inExec)
      return c.out.error(
        "ERR Another child process is active (AOF?): can't BGSAVE right now. " +
          'Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.',
      );
    p.schedule();
    return c.out.simple('Background saving scheduled');
  }
  const r = p.bgsave(profile);
  if (r === 'started') c.out.simple('Background saving started');
  else c.out.error('ERR');
}

export function bgrewriteaof(c: JsCtx): void {
  const rw = c.host.aofRewrite;
  if (rw === null) return c.out.error('ERR this store has no persistence configured');
  const r = rw.command(c.host.engine.inExec());
  if ('status' in r) c.out.simple(r.status);
  else c.out.error(r.error);
}

export function lastsave(c: JsCtx): void {
  c.out.int(c.host.persistence?.lastSave ?? Math.floor(c.host.startedAt / 1000));
}

export function shutdown(c: JsCtx): void {
  const a = c.args;
  let nosave = false,
    saveFlag = false,
    force = false,
    abort = false,
    any = false;
  for (let i = 1; i < a.argc; i++) {
    if (a.is(i, 'nosave')) nosave = any = true;
    else if (a.is(i, 'save')) saveFlag = any = true;
    else if (a.is(i, 'now')) any = true;
    else if (a.is(i, 'force')) force = any = true;
    else if (a.is(i, 'abort')) abort = true;
    else return c.out.error('ERR syntax error');
  }
  if ((abort && any) || (nosave && saveFlag)) return c.out.error('ERR syntax error');
  // Shutdown never waits here (no replicas to catch up), so there is never one to abort.
  if (abort) return c.out.error('ERR No shutdown in progress.');
  c.host.aofRewrite?.kill('shutdown');
  const p = c.host.persistence;
  if (p !== null) {
    p.abortBgsave();
    const wantSave = saveFlag || (!nosave && p.savePoints.length > 0);
    if (wantSave && p.save() !== null && !force) {
      return c.out.error('ERR Errors trying to SHUTDOWN. Check logs.');
    }
  }
  c.host.requestShutdown();
  // No reply: the connection closes with the server, as Redis's does.
}
