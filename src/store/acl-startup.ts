// ACL users at start-up, as redis-server's ACLLoadUsersAtStartup: after the whole configuration
// (requirepass included) and before any client connects, the users of the configuration's `user`
// lines are defined (src/store/conf-users.ts), or the aclfile's users replace the default ones;
// both at once, or a bad file, stops start-up with Redis's log text.

import { TiermemError } from '../errors.js';
import { defineConfiguredUsers } from './conf-users.js';
import type { StoreHost } from './host.js';

export function loadUsersAtStartup(host: StoreHost, users: readonly (readonly string[])[] = []): void {
  defineConfiguredUsers(host, users);
  if (host.aclfile === '') return;
  const errors = host.loadAclFile();
  if (errors !== null)
    throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `Aborting Redis startup because of ACL errors: ${errors}`);
}
