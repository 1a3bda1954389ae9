// Spectrally normalised dense, conv and transposed-conv layers (Miyato et al. 2018): the layer computes with
// W / sigma(W), sigma estimated by power iteration whose vectors u and v are non-trainable weights (so a
// checkpoint holds them and a resumed run continues the same estimate). One power iteration per training
// step: spectralNormStep(model), called once per step, moves u and v; the forward pass only reads them.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DcganNormal } from './initializer.js';

type LayerVariable = ReturnType<tfl.layers.Layer['addWeight']>;

/** Power iterations run when a layer is built, so that sigma is accurate from the first step (as PyTorch's
 * torch.nn.utils.parametrizations.spectral_norm does 15 when it is applied). */
const WARM_UP_ITERATIONS = 15;

/** Settings every spectrally normalised layer has. */
export interface SpectralNormArgs {
  name?: string;
  inputShape?: number[];
  /** Whether the layer adds a bias (not normalised). */
  useBias?: boolean;
  /** Seed of the kernel's N(0, 0.02) initialisation and of u's and v's random start. */
  seed?: number;
}

/** The L2-normalised vector (Miyato et al. 2018, Algorithm 1's l2 normalisation; 1e-12 guards a zero vector). */
function l2normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.add(tf.norm(x), 1e-12));
}

/**
 * What the three layers share: the kernel as a matrix K of [m, out] (the output channel last; the paper's W is
 * its transpose, PyTorch's reshaping with dim = the output channel), u of [out] and v of [m], sigma = v^T K u.
 */
abstract class SpectralNormalized extends tfl.layers.Layer {
  readonly useBias: boolean;
  protected readonly seed: number;
  protected kernel!: LayerVariable;
  protected bias?: LayerVariable;
  private u!: LayerVariable;
  private v!: LayerVariable;

  constructor(args: SpectralNormArgs) {
    super(args);
    this.useBias = args.useBias ?? true;
    this.seed = args.seed ?? 0;
  }

  /** The kernel's shape for an input of `inputShape`, and the number of output units. */
  protected abstract kernelShape(inputShape: tfl.Shape): { shape: number[]; out: number };

  /** K: the kernel with the output-channel axis last, as [m, out]. */
  protected abstract asMatrix(kernel: tf.Tensor): tf.Tensor2D;

  /** The layer's op with the normalised kernel (bias added by the caller). */
  protected abstract apply2(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor;

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const { shape: kshape, out } = this.kernelShape(shape);
    const m = kshape.reduce((a, b) => a * b, 1) / out;
    this.kernel = this.addWeight('kernel', kshape, 'float32', new DcganNormal({ mean: 0, stddev: 0.02, seed: this.seed }), undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [out], 'float32', tfl.initializers.zeros(), undefined, true);
    // u and v start random (normalised below), then follow the power iteration; never trained.
    this.u = this.addWeight('sn_u', [out], 'float32', new DcganNormal({ mean: 0, stddev: 1, seed: this.seed + 1 }), undefined, false);
    this.v = this.addWeight('sn_v', [m], 'float32', new DcganNormal({ mean: 0, stddev: 1, seed: this.seed + 2 }), undefined, false);
    tf.tidy(() => {
      this.u.write(l2normalize(this.u.read()));
    });
    for (let i = 0; i < WARM_UP_ITERATIONS; i++) this.powerIteration();
    this.built = true;
  }

  /**
   * One power iteration (Miyato et al. 2018, Algorithm 1): v <- W^T u / ||W^T u||, u <- W v / ||W v||, with
   * W = K^T. Not differentiated (the paper treats u and v as constants).
   */
  powerIteration(): void {
    tf.tidy(() => {
      const K = this.asMatrix(this.kernel.read());
      const v = l2normalize(tf.reshape(tf.matMul(K, tf.reshape(this.u.read(), [-1, 1])), [-1]));
      const u = l2normalize(tf.reshape(tf.matMul(K, tf.reshape(v, [-1, 1]), true), [-1]));
      this.v.write(v);
      this.u.write(u);
    });
  }

  /** sigma(W) = u^T W v (Algorithm 1), differentiable in the kernel: gradients flow through sigma as in the paper. */
  sigma(): tf.Scalar {
    return tf.tidy(() => {
      const K = this.asMatrix(this.kernel.read());
      return tf.sum(tf.mul(tf.reshape(this.v.read(), [-1, 1]), tf.matMul(K, tf.reshape(this.u.read(), [-1, 1])))) as tf.Scalar;
    });
  }

  /** W / sigma(W), the kernel the layer computes with (also what an export to stock layers would store). */
  normalizedKernel(): tf.Tensor {
    return tf.tidy(() => tf.div(this.kernel.read(), this.sigma()));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => {
      const y = this.apply2(x, this.normalizedKernel());
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), useBias: this.useBias, seed: this.seed };
  }
}

export interface SpectralDenseArgs extends SpectralNormArgs {
  /** Output units. */
  units: number;
}

/** A dense layer with a spectrally normalised kernel ([in, units]). */
export class SpectralDense extends SpectralNormalized {
  static className = 'SpectralDense';
  readonly units: number;

  constructor(args: SpectralDenseArgs) {
    super(args);
    this.units = args.units;
  }

  protected kernelShape(s: tfl.Shape): { shape: number[]; out: number } {
    const d = s[s.length - 1];
    if (d == null) throw new Error(`${this.name}: the input's last dimension must be known`);
    return { shape: [d, this.units], out: this.units };
  }

  protected asMatrix(kernel: tf.Tensor): tf.Tensor2D {
    return kernel as tf.Tensor2D;
  }

  protected apply2(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
  }

  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(s[0]) ? s[0] : s) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

export interface SpectralConvArgs extends SpectralNormArgs {
  /** Output channels. */
  filters: number;
  /** Kernel height and width (one number: square). */
  kernelSize: number | [number, number];
  /** Stride in both directions. */
  strides?: number;
  /** TF.js padding: 'same' puts the odd row / column at the bottom / right. */
  padding?: 'same' | 'valid';
}

function pair(k: number | [number, number]): [number, number] {
  return typeof k === 'number' ? [k, k] : k;
}

/** A 2-D convolution (NHWC, HWIO kernel) with a spectrally normalised kernel. */
export class SpectralConv2D extends SpectralNormalized {
  static className = 'SpectralConv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: number;
  readonly padding: 'same' | 'valid';

  constructor(args: SpectralConvArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = pair(args.kernelSize);
    this.strides = args.strides ?? 1;
    this.padding = args.padding ?? 'same';
  }

  protected kernelShape(s: tfl.Shape): { shape: number[]; out: number } {
    const c = s[s.length - 1];
    if (c == null) throw new Error(`${this.name}: the channel (last) dimension must be known`);
    return { shape: [...this.kernelSize, c, this.filters], out: this.filters };
  }

  protected asMatrix(kernel: tf.Tensor): tf.Tensor2D {
    return tf.reshape(kernel, [-1, this.filters]) as tf.Tensor2D;
  }

  protected apply2(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, this.strides, this.padding);
  }

  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [n, h, w] = (Array.isArray(s[0]) ? s[0] : s) as tfl.Shape;
    const len = (d: number | null, k: number) => d == null ? null
      : this.padding === 'same' ? Math.ceil(d / this.strides) : Math.ceil((d - k + 1) / this.strides);
    return [n ?? null, len(h ?? null, this.kernelSize[0]), len(w ?? null, this.kernelSize[1]), this.filters];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding };
  }
}

/** A transposed 2-D convolution (kernel [h, w, filters, in], as TF.js's) with a spectrally normalised kernel. */
export class SpectralConv2DTranspose extends SpectralConv2D {
  static override className = 'SpectralConv2DTranspose';

  protected override kernelShape(s: tfl.Shape): { shape: number[]; out: number } {
    const c = s[s.length - 1];
    if (c == null) throw new Error(`${this.name}: the channel (last) dimension must be known`);
    return { shape: [...this.kernelSize, this.filters, c], out: this.filters };
  }

  protected override asMatrix(kernel: tf.Tensor): tf.Tensor2D {
    // [h, w, filters, in] -> [h, w, in, filters]: the output channel last, as for a convolution.
    return tf.reshape(tf.transpose(kernel, [0, 1, 3, 2]), [-1, this.filters]) as tf.Tensor2D;
  }

  protected override apply2(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    const [n, h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = [this.outLength(h, this.kernelSize[0]), this.outLength(w, this.kernelSize[1])];
    return tf.conv2dTranspose(x as tf.Tensor4D, kernel as tf.Tensor4D, [n, oh, ow, this.filters], this.strides, this.padding);
  }

  /** tfjs-layers' deconvLength: in * stride, plus max(kernel - stride, 0) with 'valid' padding. */
  private outLength(d: number, k: number): number {
    return d * this.strides + (this.padding === 'valid' ? Math.max(k - this.strides, 0) : 0);
  }

  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [n, h, w] = (Array.isArray(s[0]) ? s[0] : s) as tfl.Shape;
    const len = (d: number | null | undefined, k: number) => d == null ? null : this.outLength(d, k);
    return [n ?? null, len(h, this.kernelSize[0]), len(w, this.kernelSize[1]), this.filters];
  }
}

/** One power iteration of every spectrally normalised layer of `model`: call once per training step. */
export function spectralNormStep(model: tfl.LayersModel): void {
  for (const l of model.layers) if (l instanceof SpectralNormalized) l.powerIteration();
}

/** The spectrally normalised layers of a model, with their current sigma estimates (for logs). */
export function spectralNorms(model: tfl.LayersModel): { layer: string; sigma: number }[] {
  return model.layers.filter((l): l is SpectralNormalized => l instanceof SpectralNormalized).map((l) => {
    const s = l.sigma();
    const sigma = s.dataSync()[0]!;
    s.dispose();
    return { layer: l.name, sigma };
  });
}

tf.serialization.registerClass(SpectralDense);
tf.serialization.registerClass(SpectralConv2D);
tf.serialization.registerClass(SpectralConv2DTranspose);
