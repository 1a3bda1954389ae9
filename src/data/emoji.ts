// The built-in `emoji`: Twitter's Twemoji as packaged by npm emoji-datasource-twitter, 64x64 RGBA PNGs (about
// 3,800 with skin-tone variants), with the emoji categories of its emoji.json as optional labels.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const EMOJI_SIDE = 64;

/** The folder of the 64x64 PNGs. */
export function emojiFolder(): string {
  return join(dirname(require.resolve('emoji-datasource-twitter/package.json')), 'img', 'twitter', '64');
}

interface EmojiEntry {
  image: string;
  category: string;
  skin_variations?: Record<string, { image: string }>;
}

/** The category of each file (skin-tone variants share their emoji's): class names sorted, an index per file. */
export function emojiLabels(files: string[]): { classNames: string[]; labels: Int32Array } {
  const entries = JSON.parse(readFileSync(join(dirname(require.resolve('emoji-datasource-twitter/package.json')), 'emoji.json'), 'utf8')) as EmojiEntry[];
  const category = new Map<string, string>();
  for (const e of entries) {
    category.set(e.image, e.category);
    for (const v of Object.values(e.skin_variations ?? {})) category.set(v.image, e.category);
  }
  const of = files.map((f) => category.get(basename(f)) ?? 'Other');
  const classNames = [...new Set(of)].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  return { classNames, labels: Int32Array.from(of, (c) => index.get(c)!) };
}
