// dcgan large: an image larger than the training size from a spatially tiled z (as soumith/dcgan.torch).
import { upscale } from '../../sample/annotate.js';
import { large } from '../../sample/explore.js';
import { writePng } from '../../sample/grid.js';
import { defineCommand } from '../command.js';
import { openCommon, outFlag, SOURCE_ARG, SOURCE_FLAGS, SOURCE_NOTE } from '../sample-common.js';

export const command = defineCommand({
  name: 'large',
  synopsis: 'SOURCE [--tiles T] [--same-z] [--out FILE] [flags]',
  about: 'Feeds a T x T grid of z vectors (one per position, or --same-z) through a fully convolutional generator (dcgan64, ' +
    'pytorch-celeba): the output grows with T (64-px training, T=4: 112 px).',
  positionals: SOURCE_ARG,
  flags: [
    { name: 'tiles', kind: 'int', min: 1, max: 64, metavar: 'T', group: 'tiling', help: 'z positions per side (default 4)' },
    { name: 'same-z', kind: 'boolean', group: 'tiling', help: 'the same z at every position' },
    outFlag('FILE', 'the image (default large.png)'),
    ...SOURCE_FLAGS,
  ],
  notes: SOURCE_NOTE,
}, async ({ values: v, positionals }) => {
  const tiles = v.tiles ?? 4;
  const c = await openCommon(positionals[0]!, v);
  const img = await large(c.g, { tiles, seed: c.seed, sameZ: Boolean(v.sameZ), bn: c.bn });
  const out = v.out ?? 'large.png';
  await writePng(out, upscale(img, c.scale));
  console.log(`${img.width}x${img.height} image from a ${tiles}x${tiles} z grid of ${c.g.source} (trained at ${c.g.meta.image.width}x${c.g.meta.image.height}): ${out}`);
  return 0;
});
