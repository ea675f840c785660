// One description of each fact about the allocator's surface: the README's API table and the
// allocator agree, the facade's name lists match the C enums' sizes, and the version written in
// package.json is the one the C core was built with (TM_VERSION).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { native } from '../src/native.js';
import { PMEM_SOURCES } from '../src/pmem-backend.js';
import { CATEGORIES, DRAM_KINDS, POLICIES, TIERS } from '../src/types.js';
import { packageVersion } from '../src/version.js';
import { open } from './helpers.js';

const root = join(import.meta.dirname, '..');

/** The names in the first column of the README's "| method | what it does |" table. */
function readmeMethods(): string[] {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const start = text.indexOf('| method | what it does |');
  expect(start, 'README.md has no "| method | what it does |" table').toBeGreaterThan(0);
  const rows = text.slice(start).split('\n').slice(2);
  const names: string[] = [];
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const first = row.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([A-Za-z]+)/g)) names.push(m[1]!);
  }
  return names;
}

describe('the allocator surface', () => {
  it("has exactly the README's API table", () => {
    const a = open();
    try {
      const documented = readmeMethods();
      expect(documented.length).toBeGreaterThan(20);
      for (const name of documented)
        expect(name in a, `README names ${name}, the allocator has no such member`).toBe(true);
      const members = Object.getOwnPropertyNames(Object.getPrototypeOf(a)).filter((n) => n !== 'constructor');
      for (const name of members) expect(documented, `${name} is not in the README's API table`).toContain(name);
    } finally {
      a.close();
    }
  });

  it("names every value of the core's enums, in lists as long as the C *_COUNT constants", () => {
    const l = native().layout;
    expect(TIERS.length).toBe(l.tiers);
    expect(CATEGORIES.length).toBe(l.categories);
    expect(POLICIES.length).toBe(l.policies);
    expect(DRAM_KINDS.length).toBe(l.dramKinds);
    expect(PMEM_SOURCES.length).toBe(l.pmemSources);
  });

  it("reports package.json's version, the one the C core carries as TM_VERSION", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(packageVersion()).toBe(pkg.version);
    expect(native().version).toBe(pkg.version);
    const a = open();
    expect(a.info().version).toBe(pkg.version);
    a.close();
  });
});
