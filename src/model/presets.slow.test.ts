// The slow tier (npm run test:slow, not in npm test): the Keras Simpsons preset at its real size, whose D has a
// 655M-parameter dense layer updated twice per step (half-batch D): about a minute and 8 GB.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { buildAndTrainTwoSteps } from '../testing/preset-steps.js';

describe('presets (slow)', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('keras-simpsons: builds at 200x200x3 and trains 2 steps', { timeout: 900_000 }, async () => {
    const { dParams } = await buildAndTrainTwoSteps('keras-simpsons');
    expect(dParams).toBeGreaterThan(655_000_000);
  });
});
