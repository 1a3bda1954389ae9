// Building blocks shared by the kernels in kernels/: the unary, binary and reduction patterns, and the
// access to the backend from a kernel's arguments.
import {
  backend_util,
  util,
  type NamedTensorInfoMap,
  type DataType,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { ATEN, type AtenBackend } from './backend.js';
import { cpuFallback } from './fallback.js';
import type { BinaryOp, NativeDtype, ReduceOp, UnaryOp } from './native.js';

export { ATEN };

/** The named inputs of a kernel, each checked present (TF.js types them all as optional). */
export function inputsOf<K extends string>(inputs: NamedTensorInfoMap, ...names: K[]): Record<K, TensorInfo> {
  const out = {} as Record<K, TensorInfo>;
  for (const n of names) {
    const t = inputs[n];
    if (t === undefined) throw new Error(`Kernel input '${n}' is missing.`);
    out[n] = t;
  }
  return out;
}

/** A kernel's config for this backend. */
export function aten(kernelName: string, kernelFunc: KernelFunc): KernelConfig {
  return { kernelName, backendName: ATEN, kernelFunc };
}

export function asNativeDtype(dtype: DataType): NativeDtype {
  if (dtype === 'float32' || dtype === 'int32' || dtype === 'bool' || dtype === 'complex64') return dtype;
  throw new Error(`dtype '${dtype}' has no native representation in the aten backend`);
}

/** Reads a number attribute, with a default. */
export function numAttr(attrs: NamedAttrMap | undefined, name: string, dflt: number): number {
  const v = attrs?.[name];
  return typeof v === 'number' ? v : dflt;
}

/**
 * A unary elementwise kernel. `outDtype` is fixed for kernels whose result type does not follow the input
 * (Exp is float32, IsNan bool); `params` maps attributes onto the native op's two scalar parameters.
 */
export function unaryKernel(
  name: UnaryOp,
  outDtype?: NativeDtype,
  params?: (attrs: NamedAttrMap) => [number, number],
): KernelConfig {
  return aten(name, (args) => {
    const { x } = inputsOf(args.inputs, 'x');
    if (x.dtype === 'string') return cpuFallback(name)(args);
    const b = args.backend as AtenBackend;
    const dtype = outDtype ?? asNativeDtype(x.dtype);
    const [p, q] = params ? params(args.attrs ?? {}) : [0, 0];
    return b.output(b.aten.unary(name, b.handle(x), p, q, dtype), [...x.shape], dtype);
  });
}

/** A binary elementwise kernel with numpy broadcasting. The result dtype is `outDtype` or a's dtype. */
export function binaryKernel(name: BinaryOp, outDtype?: NativeDtype): KernelConfig {
  return aten(name, (args) => {
    const { a, b: bb } = inputsOf(args.inputs, 'a', 'b');
    if (a.dtype === 'string') return cpuFallback(name)(args);
    const b = args.backend as AtenBackend;
    const shape = backend_util.assertAndGetBroadcastShape(a.shape, bb.shape);
    const dtype = outDtype ?? asNativeDtype(a.dtype);
    return b.output(b.aten.binary(name, b.handle(a), b.handle(bb), dtype), shape, dtype);
  });
}

/** The shape a reduction over `axes` leaves. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/**
 * A reduction kernel (Sum, Max, ...) over the axes in attribute `axisAttr` (Max calls it reductionIndices;
 * null means every axis), with attrs.keepDims.
 */
export function reduceKernel(name: ReduceOp, dtypeOf: (x: TensorInfo) => NativeDtype, axisAttr = 'axis'): KernelConfig {
  return aten(name, (args) => {
    const { x } = inputsOf(args.inputs, 'x');
    const b = args.backend as AtenBackend;
    const attrs = (args.attrs ?? {}) as NamedAttrMap;
    const keepDims = attrs.keepDims === true;
    const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
    const dtype = dtypeOf(x);
    const shape = reducedShape(x.shape, axes, keepDims);
    return b.output(b.aten.reduce(name, b.handle(x), axes, keepDims, dtype), shape, dtype);
  });
}
