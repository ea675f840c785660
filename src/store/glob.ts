// Redis's glob-style matching (stringmatchlen): * ? [abc] [^a-z] and \ escapes, used by KEYS,
// SCAN MATCH and CONFIG GET. Works on binary-safe strings (one char per byte).

export function globMatch(pattern: string, s: string, nocase = false): boolean {
  return match(pattern, 0, s, 0, nocase, 0);
}

function eq(a: number, b: number, nocase: boolean): boolean {
  if (a === b) return true;
  if (!nocase) return false;
  const la = a >= 65 && a <= 90 ? a + 32 : a;
  const lb = b >= 65 && b <= 90 ? b + 32 : b;
  return la === lb;
}

function match(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  if (depth > 1000) return false; // Redis caps recursion the same way
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si <= slen) {
    const c = p.charCodeAt(pi);
    if (c === 42 /* * */) {
      while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
      if (pi + 1 === plen) return true;
      for (let k = si; k <= slen; k++) {
        if (match(p, pi + 1, s, k, nocase, depth + 1)) return true;
      }
      return false;
    }
    if (si >= slen) return false;
    if (c === 63 /* ? */) {
      si++;
      pi++;
      continue;
    }
    if (c === 91 /* [ */) {
      pi++;
      const not = p.charCodeAt(pi) === 94;
      if (not) pi++;
      let found = false;
      const sc = s.charCodeAt(si);
      for (;;) {
        if (pi >= plen) {
          pi--; // unterminated: treat as ending here, as Redis does
          break;
        }
        const pc = p.charCodeAt(pi);
        if (pc === 92 && pi + 2 < plen) {
          pi++;
          if (eq(p.charCodeAt(pi), sc, nocase)) found = true;
        } else if (pc === 93) {
          break;
        } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 45) {
          let lo = pc;
          let hi = p.charCodeAt(pi + 2);
          if (lo > hi) [lo, hi] = [hi, lo];
          let x = sc;
          if (nocase) {
            lo = lo >= 65 && lo <= 90 ? lo + 32 : lo;
            hi = hi >= 65 && hi <= 90 ? hi + 32 : hi;
            x = x >= 65 && x <= 90 ? x + 32 : x;
          }
          if (x >= lo && x <= hi) found = true;
          pi += 2;
        } else if (eq(pc, sc, nocase)) {
          found = true;
        }
        pi++;
      }
      if (not) found = !found;
      if (!found) return false;
      si++;
      pi++;
      continue;
    }
    if (c === 92 /* \ */ && pi + 1 < plen) {
      pi++;
    }
    if (!eq(p.charCodeAt(pi), s.charCodeAt(si), nocase)) return false;
    si++;
    pi++;
  }
  while (pi < plen && p.charCodeAt(pi) === 42) pi++;
  return pi === plen && si === slen;
}
