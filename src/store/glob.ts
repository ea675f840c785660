// Redis's glob-style matching (stringmatchlen: * ? [abc] [^a-z] and \ escapes) for CONFIG GET,
// without exponential backtracking: on a mismatch only the most recent '*' is retried one
// character further, which is complete for glob patterns and bounds the work at
// O(pattern x subject). KEYS and SCAN match in the engine (native/store/glob.c), the same way.

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Match one non-star pattern element at p[pi] against s[si]; the pattern index after it, or -1. */
function matchOne(p: string, pi: number, ch: number, nocase: boolean): number {
  const plen = p.length;
  const c = p.charCodeAt(pi);
  if (c === 63 /* ? */) return pi + 1;
  if (c === 91 /* [ */) {
    let i = pi + 1;
    const not = i < plen && p.charCodeAt(i) === 94; /* ^ */
    if (not) i++;
    let hit = false;
    for (;;) {
      if (i >= plen) {
        i--; // unterminated class: Redis treats the end as its close
        break;
      }
      const k = p.charCodeAt(i);
      if (k === 93 /* ] */) break;
      if (k === 92 /* \ */ && i + 2 < plen) {
        i++;
        if (p.charCodeAt(i) === ch) hit = true;
      } else if (i + 2 < plen && p.charCodeAt(i + 1) === 45 /* - */) {
        let start = k;
        let end = p.charCodeAt(i + 2);
        if (start > end) [start, end] = [end, start];
        const x = nocase ? lower(ch) : ch;
        if (nocase) {
          start = lower(start);
          end = lower(end);
        }
        i += 2;
        if (x >= start && x <= end) hit = true;
      } else if (nocase ? lower(k) === lower(ch) : k === ch) {
        hit = true;
      }
      i++;
    }
    if (not) hit = !hit;
    return hit ? i + 1 : -1;
  }
  let lit = c;
  let next = pi + 1;
  if (c === 92 /* \ */ && pi + 1 < plen) {
    lit = p.charCodeAt(pi + 1);
    next = pi + 2;
  }
  return (nocase ? lower(lit) === lower(ch) : lit === ch) ? next : -1;
}

export function globMatch(p: string, s: string, nocase = false): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length && p.charCodeAt(pi) === 42 /* * */) {
      while (pi < p.length && p.charCodeAt(pi) === 42) pi++;
      if (pi === p.length) return true;
      starP = pi;
      starS = si;
      continue;
    }
    const next = pi < p.length ? matchOne(p, pi, s.charCodeAt(si), nocase) : -1;
    if (next >= 0) {
      pi = next;
      si++;
    } else if (starP >= 0) {
      pi = starP;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < p.length && p.charCodeAt(pi) === 42) pi++;
  return pi === p.length;
}
