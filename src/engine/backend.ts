// AtenBackend: a TensorFlow.js KernelBackend whose tensors live in libtorch (one native handle per dataId).
import {
  backend_util,
  buffer,
  DataStorage,
  engine,
  kernel_impls,
  KernelBackend,
  util,
  type BackendTimingInfo,
  type BackendValues,
  type DataId,
  type DataType,
  type Rank,
  type ShapeMap,
  type TensorBuffer,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { Handle, NativeAten, NativeDtype, NativeValues } from './native.js';

/** The backend's name in tf.registerBackend / tf.setBackend. */
export const ATEN = 'aten';

interface TensorEntry {
  /** Native handle, or -1 for string tensors, whose bytes stay in JavaScript. */
  handle: Handle;
  dtype: DataType;
  refCount: number;
  strings?: Uint8Array[];
}

function isNativeDtype(dtype: DataType): dtype is NativeDtype {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool' || dtype === 'complex64';
}

export class AtenBackend extends KernelBackend {
  readonly aten: NativeAten;
  private readonly data: DataStorage<TensorEntry>;
  /** Handles owned by this backend instance, released all at once by dispose(). */
  private readonly live = new Set<Handle>();

  constructor(aten: NativeAten) {
    super();
    this.aten = aten;
    this.data = new DataStorage<TensorEntry>(this, engine());
  }

  // ---- storage contract ----

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.data.set(dataId, this.entryFor(values, shape, dtype, 1));
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.data.set(dataId, this.entryFor(values, shape, dtype, refCount));
  }

  private entryFor(values: BackendValues, shape: number[], dtype: DataType, refCount: number): TensorEntry {
    if (dtype === 'string') {
      return { handle: -1, dtype, refCount, strings: (values ?? []) as Uint8Array[] };
    }
    if (!isNativeDtype(dtype)) {
      throw new Error(`The aten backend does not support dtype '${dtype}' (float32, int32, bool, complex64 and string are).`);
    }
    // complex64 values are interleaved real and imaginary parts (as tfjs-core's readSync returns them).
    const size = util.sizeFromShape(shape) * (dtype === 'complex64' ? 2 : 1);
    const native = values == null ? util.getTypedArrayFromDType(dtype === 'complex64' ? 'float32' : dtype, size) as NativeValues
      : toNativeValues(values as NativeValues, dtype);
    const handle = this.aten.upload(native, shape, dtype);
    this.live.add(handle);
    return { handle, dtype, refCount };
  }

  override readSync(dataId: DataId): BackendValues {
    const e = this.entry(dataId);
    if (e.strings) return e.strings;
    return this.aten.download(e.handle);
  }

  override read(dataId: DataId): Promise<BackendValues> {
    return Promise.resolve(this.readSync(dataId));
  }

  bufferSync<R extends Rank, D extends DataType>(t: TensorInfo): TensorBuffer<R, D> {
    const data = this.readSync(t.dataId);
    if (t.dtype === 'string') {
      const strings = (data as Uint8Array[]).map((d) => util.decodeString(d));
      return buffer(t.shape as ShapeMap[R], t.dtype as D, strings as never);
    }
    return buffer(t.shape as ShapeMap[R], t.dtype as D, data as never);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const e = this.data.get(dataId);
    e.refCount--;
    if (!force && e.refCount > 0) return false;
    if (e.handle >= 0) {
      this.aten.release(e.handle);
      this.live.delete(e.handle);
    }
    this.data.delete(dataId);
    return true;
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.entry(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override memory(): { unreliable: boolean; numBytesInNative: number; numNativeTensors: number } {
    return { unreliable: false, numBytesInNative: this.aten.liveBytes(), numNativeTensors: this.aten.liveTensors() };
  }

  override time(f: () => void): Promise<BackendTimingInfo> {
    const start = util.now();
    f();
    return Promise.resolve({ kernelMs: util.now() - start });
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  /** Used by tf.whereAsync. */
  where(condition: TensorInfo): ReturnType<typeof kernel_impls.whereImpl> {
    return kernel_impls.whereImpl(condition.shape, this.readSync(condition.dataId) as backend_util.TypedArray);
  }

  /** Releases every native tensor this instance still holds (the engine disposes backends on reset). */
  override dispose(): void {
    for (const h of this.live) this.aten.release(h);
    this.live.clear();
  }

  // ---- helpers for kernels ----

  /** The native handle of a tensor. Throws for string tensors, which have none. */
  handle(t: TensorInfo): Handle {
    const e = this.entry(t.dataId);
    if (e.handle < 0) throw new Error(`A '${t.dtype}' tensor has no native representation in the aten backend.`);
    return e.handle;
  }

  /** Wraps a handle a kernel got from the addon as the TensorInfo it returns. */
  output(handle: Handle, shape: number[], dtype: DataType): TensorInfo {
    const dataId = {};
    this.data.set(dataId, { handle, dtype, refCount: 1 });
    this.live.add(handle);
    return { dataId, shape, dtype };
  }

  /** Like output(), for a native result whose shape differs from the kernel's (same size): a view. */
  outputReshaped(handle: Handle, shape: number[], dtype: DataType): TensorInfo {
    const view = this.aten.reshape(handle, shape);
    this.aten.release(handle);
    return this.output(view, shape, dtype);
  }

  /** Converts a native result to `dtype`, releasing the original. */
  castAndRelease(handle: Handle, dtype: NativeDtype): Handle {
    const cast = this.aten.cast(handle, dtype);
    this.aten.release(handle);
    return cast;
  }

  nativeDtype(dtype: DataType): NativeDtype {
    if (!isNativeDtype(dtype)) throw new Error(`dtype '${dtype}' has no native representation in the aten backend`);
    return dtype;
  }

  /** Creates a tensor from JavaScript values (used by kernels computing small results in JS). */
  makeTensorInfo(shape: number[], dtype: DataType, values: BackendValues): TensorInfo {
    return { dataId: this.write(values, shape, dtype), shape, dtype };
  }

  disposeIntermediateTensorInfo(t: TensorInfo): void {
    this.disposeData(t.dataId);
  }

  /** The strings of a string tensor. */
  strings(t: TensorInfo): Uint8Array[] {
    const e = this.entry(t.dataId);
    if (!e.strings) throw new Error('Not a string tensor.');
    return e.strings;
  }

  private entry(dataId: DataId): TensorEntry {
    const e = this.data.get(dataId) as TensorEntry | undefined;
    if (e === undefined) throw new Error('The aten backend has no data for this tensor (was it disposed?).');
    return e;
  }
}

function toNativeValues(values: NativeValues, dtype: NativeDtype): NativeValues {
  if (dtype === 'float32' || dtype === 'complex64') return values instanceof Float32Array ? values : Float32Array.from(values);
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values);
  return values instanceof Uint8Array ? values : Uint8Array.from(values);
}
