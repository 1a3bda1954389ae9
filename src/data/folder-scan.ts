// Finding the images of a folder: recursive, in a stable order, every file stamped (size, mtime) for the cache
// key, and the first-level sub-folder of each file for optional class labels.
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { UserError } from '../util/errors.js';
import type { FileStamp } from './cache-key.js';
import { SPEC_HELP } from './spec.js';

/** Extensions sharp decodes that datasets come in: JPEG, PNG, WebP, GIF (first frame), TIFF, AVIF. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

export interface FolderScan {
  root: string;
  /** Image files in sorted order of their path relative to root, with size and mtime. */
  files: FileStamp[];
  /** Files that are not images by their extension (not decoded, not counted as skipped). */
  otherFiles: number;
}

/** Lists every image under root (hidden files and folders excluded); errors name the path and the fix. */
export async function scanFolder(root: string): Promise<FolderScan> {
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch {
    throw new UserError(`${root}: no such file or folder; give a folder of images or one of: ${SPEC_HELP}`);
  }
  if (!rootStat.isDirectory()) {
    const ext = extname(root).toLowerCase();
    const hint = /ubyte|idx|\.gz$/i.test(root) ? `for an MNIST-format file write idx:${root}`
      : ext === '.bin' ? `for CIFAR-10 binary batches write cifar10:${root}`
      : IMAGE_EXTENSIONS.has(ext) ? 'give the folder that holds the images'
      : `give a folder of images or one of: ${SPEC_HELP}`;
    throw new UserError(`${root} is a file, not a folder of images; ${hint}`);
  }
  const files: FileStamp[] = [];
  let otherFiles = 0;
  const seen = new Set<string>();
  async function walk(dir: string): Promise<void> {
    const real = await realpath(dir);
    if (seen.has(real)) return; // a symlink loop
    seen.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new UserError(`${dir}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? 'error'}); make it readable or remove it from ${root}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      let isDir = e.isDirectory(), isFile = e.isFile();
      let s = null;
      if (e.isSymbolicLink()) {
        try {
          s = await stat(p);
        } catch {
          continue; // a dangling link
        }
        isDir = s.isDirectory();
        isFile = s.isFile();
      }
      if (isDir) await walk(p);
      else if (isFile && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) {
        s ??= await stat(p);
        files.push([p, s.size, Math.round(s.mtimeMs)]);
      } else if (isFile) otherFiles++;
    }
  }
  await walk(root);
  if (files.length === 0) {
    throw new UserError(`${root}: no images found (JPEG, PNG, WebP, GIF, TIFF, AVIF${otherFiles ? `; ${otherFiles} other files` : ''}); put image files in it (sub-folders are searched too)`);
  }
  // Directory-by-directory sorting already orders a/b.png before a.png's siblings consistently; sort by the
  // relative path once more so the order does not depend on how the tree was walked.
  const rel = (p: string) => relative(root, p).split(sep).join('/');
  files.sort((a, b) => {
    const x = rel(a[0]), y = rel(b[0]);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { root, files, otherFiles };
}

/**
 * Labels from the first-level sub-folder of each file: class names sorted, an index per file. A file directly in
 * root has no class: a UserError naming it.
 */
export function folderLabels(root: string, files: string[]): { classNames: string[]; labels: Int32Array } {
  const classOf = files.map((f) => {
    const parts = relative(root, f).split(sep);
    if (parts.length < 2) {
      throw new UserError(`${f} is directly in ${root}, but labels come from sub-folder names; move it into a class folder (${root}/CLASS/...) or drop --labels`);
    }
    return parts[0]!;
  });
  const classNames = [...new Set(classOf)].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  return { classNames, labels: Int32Array.from(classOf, (c) => index.get(c)!) };
}
