// `dcgan train`'s flags, made from the knob table (run/knobs.ts): one flag per knob, its type, bounds, help
// and group from the knob, its default shown when it is a fixed value.
import { flagOf, KNOB_KEYS, knob } from '../run/knobs.js';
import type { Flag } from './flags.js';

function shown(value: unknown): string {
  return Array.isArray(value) ? value.join('x') : String(value);
}

/** One flag per knob, in the table's order. */
export function knobFlags(): Flag[] {
  return KNOB_KEYS.map((key) => {
    const k = knob(key);
    const fixed = k.default !== undefined && typeof k.default !== 'function' && k.kind !== 'boolean' && !/default/.test(k.help);
    return {
      name: flagOf(key), kind: k.kind, choices: k.choices, min: k.min, max: k.max, gt: k.gt, lt: k.lt,
      metavar: k.metavar, group: k.group, negatable: k.negatable,
      help: fixed ? `${k.help} (default ${shown(k.default)})` : k.help,
    };
  });
}
