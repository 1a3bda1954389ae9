// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60,000 train and 10,000 test 28x28 grayscale articles in IDX
// files, as Debian's dataset-fashion-mnist installs them (or any folder given as dataDir).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The images and labels files of a split in dir, gzipped or not; missing ones are a UserError with the fix. */
export function fashionMnistFiles(dir: string, split: 'train' | 'test'): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  const find = (name: string) => [name, `${name}.gz`].map((n) => join(dir, n)).find((p) => existsSync(p));
  const imagesName = `${prefix}-images-idx3-ubyte`, labelsName = `${prefix}-labels-idx1-ubyte`;
  const images = find(imagesName), labels = find(labelsName);
  if (!images || !labels) {
    const missing = !images ? imagesName : labelsName;
    throw new UserError(`fashion-mnist: no ${missing}(.gz) in ${dir}; install it (apt-get install dataset-fashion-mnist) or pass --data-dir DIR holding the IDX files from https://github.com/zalandoresearch/fashion-mnist`);
  }
  return { images, labels };
}
