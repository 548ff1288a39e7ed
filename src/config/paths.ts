// Config paths as operators read them: `interfaces.lan0.ra.prefixes[1].preferredLifetime`.
// Map keys are dotted segments; a key that is not a plain word (e.g. the VLAN name `eth0.100`)
// is written `interfaces["eth0.100"]` so the path stays unambiguous.

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string' && PLAIN_KEY.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out;
}
