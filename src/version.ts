// tiermem's version, read from package.json: the one place the JS side writes it down. (The C
// core carries the same string as TM_VERSION in native/include/tiermem.h, which C builds see
// without Node; test/native-core.test.ts checks that the two agree.)

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The package's version ('0.1.0'). src/version.ts and dist/version.js both sit one level below the root. */
export function packageVersion(): string {
  if (cached === undefined) {
    const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
    cached = (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  }
  return cached;
}
