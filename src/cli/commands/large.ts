// dcgan large: an image larger than the training size from a spatially tiled z (as soumith/dcgan.torch).
import { large } from '../../sample/explore.js';
import { upscale } from '../../sample/annotate.js';
import { writePng } from '../../sample/grid.js';
import { flag, num, parse, str } from '../args.js';
import type { Command } from '../main.js';
import { openCommon, SOURCE_HELP, SOURCE_OPTIONS } from '../sample-common.js';

const USAGE = `usage: dcgan large SOURCE [--tiles T] [--same-z] [--out FILE] [flags]

Feeds a T x T grid of z vectors (one per position, or --same-z) through a fully convolutional generator
(dcgan64, pytorch-celeba): the output grows with T (64-px training, T=4: 112 px).
  --tiles T   (default 4)   --out FILE (default large.png)
${SOURCE_HELP}`;

export const command: Command = {
  async run(argv) {
    const p = parse('large', argv, { ...SOURCE_OPTIONS, tiles: { type: 'string' }, 'same-z': { type: 'boolean' } }, true);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const tiles = num(p, 'tiles', { integer: true, min: 1, max: 64 }) ?? 4;
    const c = await openCommon(p, 'large');
    const img = await large(c.g, { tiles, seed: c.seed, sameZ: flag(p, 'same-z'), bn: c.bn });
    const out = str(p, 'out') ?? 'large.png';
    await writePng(out, upscale(img, c.scale));
    console.log(`${img.width}x${img.height} image from a ${tiles}x${tiles} z grid (trained at ${c.g.meta.image.width}x${c.g.meta.image.height}): ${out}`);
    return 0;
  },
};
