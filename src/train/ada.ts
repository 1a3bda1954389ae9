// Adaptive discriminator augmentation (ADA, Karras et al. 2020, section 3): the probability p with which each
// augmentation is applied follows D's overfitting heuristic r_t = E[sign(D(x_real))] towards a target.

export interface AdaOptions {
  /** The r_t that p steers to (the paper's 0.6). */
  target?: number;
  /** Steps between adjustments (stylegan2-ada-pytorch's ada_interval: 4). */
  interval?: number;
  /**
   * Images over which p can move from 0 to 1: each adjustment moves p by sign(r_t - target) * (images seen
   * in the interval) / speedImages. The paper uses 500k images for runs of 25M; this project's runs see
   * 40k (npm start) to 300k images (5 Fashion-MNIST epochs), where 500k would let p reach at most 0.08 and
   * 0.6, so the default is 100k: p can cross its whole range in a third of a 5-epoch run, and one adjustment
   * (4 steps of 128 images) moves it by 0.005, far below the noise-free step of r_t it reacts to.
   */
  speedImages?: number;
  /** The starting p. */
  p?: number;
}

/** Everything ADA carries from step to step: what a checkpoint saves to resume it exactly. */
export interface AdaState {
  p: number;
  /** Sum of sign(D(x_real) - boundary) since the last adjustment, and how many outputs it sums. */
  signSum: number;
  signCount: number;
  /** Steps since the last adjustment. */
  steps: number;
  /** The r_t of the last adjustment (NaN before the first), for logs. */
  lastRt: number;
}

export class AdaptiveAugment {
  readonly target: number;
  readonly interval: number;
  readonly speedImages: number;
  private s: AdaState;

  constructor(options: AdaOptions = {}, state?: AdaState) {
    this.target = options.target ?? 0.6;
    this.interval = options.interval ?? 4;
    this.speedImages = options.speedImages ?? 100_000;
    if (!(this.target > -1 && this.target < 1)) throw new RangeError(`ADA target ${this.target}: must be in (-1, 1) (the paper's is 0.6)`);
    this.s = state ? { ...state } : { p: options.p ?? 0, signSum: 0, signCount: 0, steps: 0, lastRt: NaN };
  }

  /** The probability with which each augmentation is applied to each image now. */
  get p(): number {
    return this.s.p;
  }

  /** The r_t of the last adjustment (NaN before the first). */
  get rt(): number {
    return this.s.lastRt;
  }

  /**
   * Records one training step: `signSum` is the sum of sign(D(x) - boundary) over the `count` real images D saw
   * (D's outputs as logits: boundary 0). Every `interval` steps p moves one notch towards r_t = target and
   * is clipped to [0, 1]; returns true when p was adjusted.
   */
  step(signSum: number, count: number): boolean {
    const s = this.s;
    s.signSum += signSum;
    s.signCount += count;
    s.steps++;
    if (s.steps < this.interval) return false;
    const rt = s.signCount > 0 ? s.signSum / s.signCount : 0;
    // adjust = sign(r_t - target) * (batch * interval) / (ada_kimg * 1000), stylegan2-ada-pytorch training_loop.py
    const adjust = Math.sign(rt - this.target) * s.signCount / this.speedImages;
    s.p = Math.min(1, Math.max(0, s.p + adjust));
    s.lastRt = rt;
    s.signSum = 0;
    s.signCount = 0;
    s.steps = 0;
    return true;
  }

  /** A copy of the state, for a checkpoint (JSON-serialisable; NaN becomes null in JSON: see fromJSON). */
  state(): AdaState {
    return { ...this.s };
  }

  /** The state as JSON-safe values. */
  toJSON(): Omit<AdaState, 'lastRt'> & { lastRt: number | null } {
    return { ...this.s, lastRt: Number.isFinite(this.s.lastRt) ? this.s.lastRt : null };
  }

  /** Restores from toJSON()'s output. */
  static fromJSON(json: Omit<AdaState, 'lastRt'> & { lastRt: number | null }, options: AdaOptions = {}): AdaptiveAugment {
    return new AdaptiveAugment(options, { ...json, lastRt: json.lastRt ?? NaN });
  }
}
