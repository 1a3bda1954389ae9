// The TypeScript mirror of the dcgan_aten addon (native/*.cc): one typed function per export, tensors as
// integer handles. Argument checks live in native/binding.cc; errors come back as Error('<fn>: <reason>').
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** An index into the addon's table of live at::Tensor objects. */
export type Handle = number;
/** The dtypes with a native representation. Strings stay in JavaScript. complex64 crosses the boundary
 * as TF.js keeps it on the host: a Float32Array of interleaved real and imaginary parts. */
export type NativeDtype = 'float32' | 'int32' | 'bool' | 'complex64';
export type NativeValues = Float32Array | Int32Array | Uint8Array;
/** TF.js pads as [top, bottom, left, right]; 'same' puts the odd pixel at the bottom / right. */
export type Pads4 = readonly [number, number, number, number];
/** Fused activations of FusedConv2D / _FusedMatMul. */
export type Activation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'elu' | 'leakyrelu' | 'prelu';

export type UnaryOp =
  | 'Abs' | 'Acos' | 'Acosh' | 'Asin' | 'Asinh' | 'Atan' | 'Atanh' | 'Ceil' | 'Cos' | 'Cosh' | 'Elu' | 'Erf'
  | 'Exp' | 'Expm1' | 'Floor' | 'IsFinite' | 'IsInf' | 'IsNan' | 'Log' | 'Log1p' | 'LogicalNot' | 'Neg'
  | 'Reciprocal' | 'Relu' | 'Relu6' | 'Round' | 'Rsqrt' | 'Selu' | 'Sigmoid' | 'Sign' | 'Sin' | 'Sinh'
  | 'Softplus' | 'Sqrt' | 'Square' | 'Tan' | 'Tanh' | 'LeakyRelu' | 'Step' | 'ClipByValue' | 'OnesLike'
  | 'ZerosLike';
export type BinaryOp =
  | 'Add' | 'Sub' | 'Multiply' | 'RealDiv' | 'FloorDiv' | 'DivNoNan' | 'Maximum' | 'Minimum' | 'Mod' | 'Pow'
  | 'SquaredDifference' | 'Atan2' | 'Equal' | 'NotEqual' | 'Greater' | 'GreaterEqual' | 'Less' | 'LessEqual'
  | 'LogicalAnd' | 'LogicalOr' | 'LogicalXor' | 'BitwiseAnd' | 'Prelu' | 'EluGrad';
export type ReduceOp = 'Sum' | 'Mean' | 'Max' | 'Min' | 'Prod' | 'All' | 'Any';

export interface NativeInfo {
  torch: string;
  mkldnn: boolean;
  parallel: string;
  /** The instruction sets the math libraries use on this machine (see EngineInfo.cpu). */
  cpu: CpuCapability;
}

/** What ATen, oneDNN and OpenBLAS chose for this CPU: 'AVX512' / 'avx512_core' / 'SkylakeX', 'AVX2' / 'avx2' / 'Haswell' ... */
export interface CpuCapability {
  aten: string;
  onednn: string;
  openblas: string;
}

export interface NativeAten {
  // allocator.cc
  allocatorStats(): { mappedBytes: number; cachedBytes: number; peakMappedBytes: number; mallocBytes: number };
  // memory.cc
  upload(values: NativeValues, shape: readonly number[], dtype: NativeDtype): Handle;
  download(x: Handle): NativeValues;
  release(x: Handle): void;
  liveTensors(): number;
  liveBytes(): number;
  shapeOf(x: Handle): number[];
  dtypeOf(x: Handle): NativeDtype;
  setNumThreads(n: number): void;
  numThreads(): number;
  info(): NativeInfo;
  fill(shape: readonly number[], value: number, dtype: NativeDtype): Handle;
  range(start: number, step: number, count: number, dtype: NativeDtype): Handle;
  /** Seeded N(mean, stddev^2) float32 values (ATen's generator). */
  randomNormal(shape: readonly number[], mean: number, stddev: number, seed: number): Handle;
  /** Lazy elementwise evaluation (native/lazy.h) on or off; DCGAN_LAZY=0 at load turns it off. */
  setLazy(on: boolean): void;
  /** What lazy evaluation did since load, and how many live handles are unevaluated expressions. */
  /** An identity of the memory a tensor's values live in: equal for views of one tensor; 0 while lazy. */
  storageOf(x: Handle): number;
  /** Whether a handle is a lazy expression not evaluated yet. */
  isLazy(x: Handle): boolean;
  lazyStats(): {
    enabled: boolean; expressions: number; evaluated: number; dropped: number; reductions: number; reductionPasses: number; settled: number; pending: number;
    blocks: number; blockOps: number; slowOps: number; gathers: number; evaluateMs: number; settleMs: number;
  };
  // elementwise.cc
  unary(op: UnaryOp, x: Handle, a?: number, b?: number, dtype?: NativeDtype): Handle;
  binary(op: BinaryOp, a: Handle, b: Handle, dtype: NativeDtype): Handle;
  unaryOps(): string[];
  binaryOps(): string[];
  cast(x: Handle, dtype: NativeDtype): Handle;
  select(cond: Handle, a: Handle, b: Handle): Handle;
  addN(xs: readonly Handle[]): Handle;
  /** dy where x > 0, alpha * dy elsewhere. */
  leakyReluGrad(dy: Handle, x: Handle, alpha: number): Handle;
  // reduce.cc
  reduce(op: ReduceOp, x: Handle, axes: readonly number[], keepDims: boolean, dtype: NativeDtype): Handle;
  argReduce(op: 'ArgMax' | 'ArgMin', x: Handle, axis: number): Handle;
  cumulative(op: 'Cumsum' | 'Cumprod', x: Handle, axis: number, exclusive: boolean, reverse: boolean): Handle;
  softmax(logits: Handle, dim: number, log: boolean): Handle;
  // shape.cc
  reshape(x: Handle, shape: readonly number[]): Handle;
  transpose(x: Handle, perm: readonly number[]): Handle;
  slice(x: Handle, begin: readonly number[], size: readonly number[]): Handle;
  stridedSlice(x: Handle, begin: readonly number[], end: readonly number[], strides: readonly number[]): Handle;
  concat(xs: readonly Handle[], axis: number): Handle;
  stack(xs: readonly Handle[], axis: number): Handle;
  split(x: Handle, sizes: readonly number[], axis: number): Handle[];
  unstack(x: Handle, axis: number): Handle[];
  /** paddings: before0, after0, before1, after1, ... */
  pad(x: Handle, paddings: readonly number[], value: number): Handle;
  tile(x: Handle, reps: readonly number[]): Handle;
  broadcastTo(x: Handle, shape: readonly number[]): Handle;
  reverse(x: Handle, dims: readonly number[]): Handle;
  gather(x: Handle, indices: Handle, batchSize: number, outerSize: number, dimSize: number, sliceSize: number): Handle;
  indexSelect(x: Handle, axis: number, indices: Int32Array): Handle;
  indexAdd(src: Handle, axis: number, indices: Int32Array, size: number): Handle;
  oneHot(indices: Handle, depth: number, on: number, off: number, dtype: NativeDtype): Handle;
  // conv.cc (x, dy NHWC; filters HWIO)
  conv2d(x: Handle, filter: Handle, strides: readonly number[], pads: Pads4, dilations: readonly number[], groups: number,
    bias?: Handle, activation?: Activation, prelu?: Handle, leakyAlpha?: number): Handle;
  conv2dBackpropInput(dy: Handle, filter: Handle, inShape: readonly number[], strides: readonly number[], pads: Pads4,
    dilations: readonly number[], groups: number): Handle;
  conv2dBackpropFilter(x: Handle, dy: Handle, filterShape: readonly number[], strides: readonly number[], pads: Pads4,
    dilations: readonly number[], groups: number): Handle;
  // pool.cc (NHWC)
  maxPool(x: Handle, kernel: readonly number[], strides: readonly number[], pads: Pads4): Handle;
  maxPoolGrad(dy: Handle, x: Handle, kernel: readonly number[], strides: readonly number[], pads: Pads4): Handle;
  avgPool(x: Handle, kernel: readonly number[], strides: readonly number[], pads: Pads4): Handle;
  avgPoolGrad(dy: Handle, x: Handle, kernel: readonly number[], strides: readonly number[], pads: Pads4): Handle;
  // linalg.cc
  matMul(a: Handle, b: Handle, transposeA: boolean, transposeB: boolean, bias?: Handle, activation?: Activation,
    prelu?: Handle, leakyAlpha?: number): Handle;
  // image.cc: sampling positions computed by the kernel (lo/hi rows and the weight of hi)
  resizeBilinear(x: Handle, rowLo: Int32Array, rowHi: Int32Array, rowFrac: Float32Array,
    colLo: Int32Array, colHi: Int32Array, colFrac: Float32Array): Handle;
  resizeBilinearGrad(dy: Handle, inHeight: number, inWidth: number, rowLo: Int32Array, rowHi: Int32Array,
    rowFrac: Float32Array, colLo: Int32Array, colHi: Int32Array, colFrac: Float32Array): Handle;
  // spectral.cc (complex64)
  /** A complex64 tensor from float32 real and imaginary parts of one shape. */
  complex(real: Handle, imag: Handle): Handle;
  real(x: Handle): Handle;
  imag(x: Handle): Handle;
  /** The DFT (or, with inverse, the inverse DFT divided by n) of each row of the innermost dimension. */
  fft(x: Handle, inverse: boolean): Handle;
  // norm.cc
  /** One Adam step: [w', m', v'], or null when done in place (inPlace and w, m, v exclusively owned). */
  adamUpdate(w: Handle, m: Handle, v: Handle, g: Handle, lr: number, beta1: number, beta2: number, eps: number, step: number,
    inPlace?: boolean): [Handle, Handle, Handle] | null;
  batchNorm(x: Handle, mean: Handle, variance: Handle, offset: Handle | undefined, scale: Handle | undefined, eps: number): Handle;
  /** Training-mode batch norm of [N, C] or NHWC x over all axes but the last, then LeakyReLU(alpha) when
   * alpha is given (0: ReLU): [y, mean, invStd]. */
  batchNormTrain(x: Handle, gamma: Handle, beta: Handle, eps: number, alpha?: number): [Handle, Handle, Handle];
  /** Its gradient: [dx, dgamma, dbeta]; y and alpha when it had an activation. */
  batchNormTrainGrad(dy: Handle, x: Handle, gamma: Handle, mean: Handle, invStd: Handle, eps: number, y?: Handle,
    alpha?: number): [Handle, Handle, Handle];
}

/** Where the addon is built: build/Release beside src/ or dist/ (DCGAN_ADDON overrides, for bundles). */
export const addonPath = process.env.DCGAN_ADDON ?? join(__dirname, '..', '..', 'build', 'Release', 'dcgan_aten.node');

export type NativeLoad = { ok: true; aten: NativeAten } | { ok: false; reason: string };

let cached: NativeLoad | undefined;

/** Loads the addon once. Never throws: a missing or broken build comes back as {ok: false, reason}. */
export function loadNative(): NativeLoad {
  if (cached) return cached;
  if (process.env.DCGAN_DISABLE_NATIVE === '1') {
    cached = { ok: false, reason: 'DCGAN_DISABLE_NATIVE=1 is set' };
  } else if (!existsSync(addonPath)) {
    cached = { ok: false, reason: `the native engine is not built (${addonPath} is missing; run \`npm run build:native\`)` };
  } else {
    try {
      // OpenMP threads that spin while waiting make ATen many times slower whenever another busy process
      // shares the cores (measured: dcgan28 on 2 loaded cores, 9 img/s spinning vs 52 sleeping). libgomp
      // reads this when the addon loads it; a user's own setting wins.
      process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
      const aten = require(addonPath) as NativeAten;
      cached = { ok: true, aten };
    } catch (e) {
      cached = { ok: false, reason: `the native engine does not load: ${(e as Error).message.split('\n')[0]}` };
    }
  }
  return cached;
}
