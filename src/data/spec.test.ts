// Dataset specs and option text: every accepted form parses to what it names, every malformed one is a
// UserError that names the input and the accepted forms.
import { describe, expect, it } from 'vitest';
import { UserError } from '../util/errors.js';
import { checkLoadOptions, parseBackground, parseSize } from './options.js';
import { parseSpec, specSlug } from './spec.js';

describe('parseSpec', () => {
  it('reads the built-ins, case-insensitively', () => {
    expect(parseSpec('mnist')).toEqual({ kind: 'mnist' });
    expect(parseSpec('Fashion-MNIST')).toEqual({ kind: 'fashion-mnist' });
    expect(parseSpec(' emoji ')).toEqual({ kind: 'emoji' });
  });

  it('reads prefixed paths and keeps colons and commas inside them', () => {
    expect(parseSpec('cifar10:/data/cifar')).toEqual({ kind: 'cifar10', path: '/data/cifar' });
    expect(parseSpec('idx:/d/a.gz,/d/b.gz')).toEqual({ kind: 'idx', path: '/d/a.gz,/d/b.gz' });
    expect(parseSpec('folder:/x:y')).toEqual({ kind: 'folder', path: '/x:y' });
    expect(parseSpec('/photos/celeba')).toEqual({ kind: 'folder', path: '/photos/celeba' });
    expect(parseSpec('relative/dir')).toEqual({ kind: 'folder', path: 'relative/dir' });
  });

  it('reads fake shapes, defaulting to 3 channels', () => {
    expect(parseSpec('fake')).toEqual({ kind: 'fake' });
    expect(parseSpec('fake:64x48')).toEqual({ kind: 'fake', shape: [64, 48, 3] });
    expect(parseSpec('fake:28x28x1')).toEqual({ kind: 'fake', shape: [28, 28, 1] });
  });

  it('rejects malformed specs with the accepted forms', () => {
    for (const bad of ['', 'fake:64', 'fake:64x64x2', 'fake:0x4', 'cifar10', 'idx', 'idx:']) {
      expect(() => parseSpec(bad), bad).toThrow(UserError);
    }
    expect(() => parseSpec('cifar10')).toThrow(/cifar10:PATH/);
    expect(() => parseSpec('fake:64x64x2')).toThrow(/fake:64x64x3/);
  });

  it('makes file-name slugs', () => {
    expect(specSlug('mnist')).toBe('mnist');
    expect(specSlug('/a/b/My Photos/')).toBe('My-Photos');
    expect(specSlug('fake:64x64x3')).toBe('fake-64x64x3');
    expect(specSlug('idx:/d/train-images-idx3-ubyte.gz')).toBe('train-images-idx3-ubyte-gz');
  });
});

describe('option text', () => {
  it('parses sizes as height x width', () => {
    expect(parseSize('64')).toEqual([64, 64]);
    expect(parseSize('64x48')).toEqual([64, 48]);
    expect(parseSize('32X16')).toEqual([32, 16]);
    for (const bad of ['0', '64x', 'x64', '-3', '5000', 'big']) expect(() => parseSize(bad), bad).toThrow(/--image-size must be N or HxW/);
  });

  it('parses background colours', () => {
    expect(parseBackground('white')).toEqual([255, 255, 255]);
    expect(parseBackground('black')).toEqual([0, 0, 0]);
    expect(parseBackground('#ff8000')).toEqual([255, 128, 0]);
    expect(parseBackground('#0f0')).toEqual([0, 255, 0]);
    expect(parseBackground('10, 20,30')).toEqual([10, 20, 30]);
    for (const bad of ['purple', '#12345', '1,2', '1,2,256']) expect(() => parseBackground(bad), bad).toThrow(/--background must be/);
  });

  it('checks options given from code, naming the key', () => {
    expect(() => checkLoadOptions({ size: [64, 0] })).toThrow(/'size'/);
    expect(() => checkLoadOptions({ channels: 2 as 1 })).toThrow(/'channels' must be 1 or 3/);
    expect(() => checkLoadOptions({ background: [0, 0, 300] })).toThrow(/'background'/);
    expect(() => checkLoadOptions({ split: 'val' as 'test' })).toThrow(/'split'/);
    expect(() => checkLoadOptions({ count: 0 })).toThrow(/'count'/);
    expect(() => checkLoadOptions({ size: [64, 32], channels: 3, background: [1, 2, 3], count: 5, seed: 3 })).not.toThrow();
  });
});
