// Every preset builds at its real size, makes images of its size, and trains a few steps without leaking
// tensors (the Simpsons preset's 655M-parameter dense layer in the slow tier); sizes and bad specs fail by name.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { buildAndTrainTwoSteps } from '../testing/preset-steps.js';
import { buildDiscriminator, buildGenerator } from './build.js';
import { PRESETS } from './presets.js';
import { ArchError, checkArch } from './spec.js';

describe('presets', () => {
  beforeAll(async () => {
    await initEngine();
  });

  // keras-simpsons (655M parameters, about a minute) is in the slow tier: presets.slow.test.ts.
  for (const name of Object.keys(PRESETS).filter((n) => n !== 'keras-simpsons')) {
    const size = PRESETS[name]!.defaultImage;
    it(`${name}: builds at ${size.size.join('x')}x${size.channels} and trains 2 steps`, async () => {
      await buildAndTrainTwoSteps(name);
    });
  }

  it('dcgan64 is resolution-parametric (32 to 256, non-square) and rejects other sizes by name', () => {
    for (const size of [[32, 32], [128, 128], [256, 256], [64, 128]] as [number, number][]) {
      const arch = PRESETS.dcgan64!.build({ imageSize: size, ngf: 8, ndf: 8 });
      const G = buildGenerator(arch);
      expect(G.outputs[0]!.shape).toEqual([null, size[0], size[1], 3]);
      const D = buildDiscriminator(arch);
      expect(D.outputs[0]!.shape).toEqual([null, 1]);
      G.dispose();
      D.dispose();
    }
    expect(() => PRESETS.dcgan64!.build({ imageSize: [48, 48] })).toThrow(ArchError);
    expect(() => PRESETS.dcgan64!.build({ imageSize: [48, 48] })).toThrow(/48x48/);
  });

  it('checkArch names the offending key of a bad architecture', () => {
    const good = PRESETS.dcgan28!.build({});
    expect(() => checkArch({ ...good, nz: -1 })).toThrow(/architecture\.nz: must be a positive integer/);
    expect(() => checkArch({ ...good, generator: [{ type: 'conv', filters: 8, kernel: 3, strides: 2 }] })).toThrow(/generator\[0\]\.strides: is not a setting/);
    expect(() => checkArch({ ...good, discriminator: [{ type: 'wobble' }] })).toThrow(/unknown layer type "wobble"/);
  });
});
