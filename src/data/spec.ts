// Dataset specs (the `--data` value): which kind of data a string names, and the path or shape it carries.
import { UserError } from '../util/errors.js';

export type ParsedSpec =
  | { kind: 'mnist' }
  | { kind: 'fashion-mnist' }
  | { kind: 'emoji' }
  | { kind: 'cifar10'; path: string }
  | { kind: 'idx'; path: string }
  | { kind: 'folder'; path: string }
  | { kind: 'fake'; shape?: [number, number, 1 | 3] };

export const SPEC_HELP =
  'mnist, fashion-mnist, emoji, cifar10:PATH, idx:PATH[,LABELS], fake[:HxW[xC]], or a folder of images';

/** Reads a spec string; a malformed one is a UserError naming the spec and the accepted forms. */
export function parseSpec(spec: string): ParsedSpec {
  const s = spec.trim();
  if (!s) throw new UserError(`empty dataset spec; give one of: ${SPEC_HELP}`);
  const lower = s.toLowerCase();
  if (lower === 'mnist' || lower === 'fashion-mnist' || lower === 'emoji') return { kind: lower } as ParsedSpec;
  if (lower === 'fake') return { kind: 'fake' };
  if (lower === 'cifar10' || lower === 'idx') {
    throw new UserError(`dataset '${s}' needs a path: ${lower}:PATH (${lower === 'cifar10' ? 'the folder of the CIFAR-10 binary batches' : 'an MNIST-format images file'})`);
  }
  const colon = s.indexOf(':');
  const prefix = colon > 0 ? lower.slice(0, colon) : '';
  const rest = s.slice(colon + 1);
  if (prefix === 'fake') return { kind: 'fake', shape: parseFakeShape(s, rest) };
  if (prefix === 'cifar10' || prefix === 'cifar-10' || prefix === 'idx' || prefix === 'folder') {
    if (!rest) throw new UserError(`dataset '${s}' has no path after '${prefix}:'; write ${prefix}:PATH`);
    if (prefix === 'idx') return { kind: 'idx', path: rest };
    return prefix === 'folder' ? { kind: 'folder', path: rest } : { kind: 'cifar10', path: rest };
  }
  return { kind: 'folder', path: s };
}

function parseFakeShape(spec: string, rest: string): [number, number, 1 | 3] {
  const m = /^(\d+)x(\d+)(?:x(\d+))?$/i.exec(rest);
  const h = Number(m?.[1]), w = Number(m?.[2]), c = m?.[3] === undefined ? 3 : Number(m[3]);
  if (!m || !(h >= 1 && h <= 4096 && w >= 1 && w <= 4096) || (c !== 1 && c !== 3)) {
    throw new UserError(`dataset '${spec}': the fake shape must be HxW or HxWxC with sizes 1..4096 and C 1 or 3, e.g. fake:64x64x3`);
  }
  return [h, w, c];
}

/** A short name for file names: 'mnist', 'cifar10-batches', 'my-photos'. */
export function specSlug(spec: string): string {
  if (/^fake(:|$)/i.test(spec)) return spec.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const base = spec.replace(/[\\/]+$/, '').split(/[\\/:,]/).filter(Boolean).pop() ?? 'data';
  return base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'data';
}
