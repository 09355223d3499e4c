// The only module that imports onnxruntime-node: session creation with thread and execution
// provider choice, and runs with plain typed arrays in and out.
import os from 'node:os';
import ort from 'onnxruntime-node';
import { UnavailableError } from '../errors.js';

export type ExecutionProvider = 'cpu' | 'webgpu' | 'cuda';
export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'webgpu', 'cuda'];

export interface RuntimeOptions {
  /** Intra-op threads; default: all cores (os.availableParallelism()). */
  readonly threads?: number;
  /** Default 'cpu'. */
  readonly provider?: ExecutionProvider;
  /** Let idle worker threads spin (ORT default, fastest on a quiet machine); false yields the CPU. */
  readonly spinning?: boolean;
}

/** A tensor crossing the runtime boundary (Uint16Array = float16 bits, for models stored in float16). */
export interface TensorData {
  readonly data: Float32Array | BigInt64Array | Float64Array | Uint16Array;
  readonly dims: readonly number[];
}

function providerCheck(p: ExecutionProvider): void {
  if (p === 'cpu') return;
  const backends = ort.listSupportedBackends();
  const entry = backends.find((e) => e.name === p);
  if (!entry) throw new UnavailableError(`execution provider ${p} is not in this onnxruntime-node build (it has: ${backends.map((e) => e.name).join(', ')})`);
  if (p === 'cuda' && !entry.bundled) {
    throw new UnavailableError('execution provider cuda needs the CUDA provider libraries (libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so) plus CUDA 12 and cuDNN 9, which onnxruntime-node\'s install script downloads; they are not installed here. Use --device cpu, or reinstall onnxruntime-node with its install script enabled on a machine with an NVIDIA GPU');
  }
}

/** A compiled ONNX Runtime session. */
export class Session {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: ExecutionProvider,
  ) {}

  /**
   * Creates a session from model bytes or an .onnx path.
   * @throws UnavailableError when the provider is missing on this machine (naming what is missing).
   */
  static async create(model: Uint8Array | string, o: RuntimeOptions = {}): Promise<Session> {
    const provider = o.provider ?? 'cpu';
    providerCheck(provider);
    const threads = o.threads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
    const opts: ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      ...(o.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    };
    try {
      const s = typeof model === 'string' ? await ort.InferenceSession.create(model, opts) : await ort.InferenceSession.create(model, opts);
      return new Session(s, provider);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (provider === 'webgpu') {
        throw new UnavailableError(`execution provider webgpu could not start: no usable GPU adapter (it needs a GPU with a Vulkan driver on Linux). ONNX Runtime said: ${msg.split('\n')[0]}`);
      }
      if (provider === 'cuda') throw new UnavailableError(`execution provider cuda could not start: ${msg.split('\n')[0]}`);
      throw err;
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs the graph; returns the requested (default: all) outputs as typed arrays with dims. */
  async run(feeds: Readonly<Record<string, TensorData>>, outputs?: readonly string[]): Promise<Record<string, TensorData>> {
    const t: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) {
      const d = v.data;
      t[k] = d instanceof BigInt64Array ? new ort.Tensor('int64', d, [...v.dims])
        : d instanceof Float64Array ? new ort.Tensor('float64', d, [...v.dims])
          : d instanceof Uint16Array ? new ort.Tensor('float16', d, [...v.dims]) : new ort.Tensor('float32', d, [...v.dims]);
    }
    const res = outputs ? await this.session.run(t, [...outputs]) : await this.session.run(t);
    const out: Record<string, TensorData> = {};
    for (const [k, v] of Object.entries(res)) {
      const data = v.data;
      if (data instanceof Float32Array || data instanceof BigInt64Array) out[k] = { data, dims: [...v.dims] };
      else if (data instanceof Uint8Array) out[k] = { data: Float32Array.from(data), dims: [...v.dims] };
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Which providers this build lists, with whether their libraries ship in the package. */
export function listProviders(): { name: string; bundled: boolean }[] {
  return ort.listSupportedBackends().map((e) => ({ name: e.name, bundled: e.bundled }));
}
