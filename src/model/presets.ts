// The founding systems as presets (../shared/docs/features.md): each is an ArchSpec built from a few knobs,
// plus the training settings its source used. Every preset cites its source on the line it comes from.
import { ArchError, type ArchSpec, type LayerSpec } from './spec.js';

export interface PresetKnobs {
  /** [height, width] of the images. */
  imageSize?: [number, number];
  /** 1 (grayscale) or 3 (colour). */
  channels?: number;
  nz?: number;
  /** Width of G (number of filters of its last hidden layer). */
  ngf?: number;
  /** Width of D (number of filters of its first layer). */
  ndf?: number;
}

/** Training settings a preset's source used; the run's config overrides them. */
export interface PresetTraining {
  batchSize: number;
  lr: number;
  beta1: number;
  /** 'separate': D sees a real and a fake batch in one update (pytorch/examples); 'concat': one batch of
   * [real; fake] (Keras MNIST); 'half': half a batch of each, as two updates (Keras Simpsons). */
  dBatch: 'separate' | 'concat' | 'half';
  optimizer: 'adam' | 'sgd-nesterov';
  /** Target for real images in D's loss (one-sided label smoothing: 0.9). */
  realLabel: number;
  /** Sample grid every N epochs in the source (informational; --sample-every sets ours). */
  epochs: number;
}

/** Architecture knobs a preset may or may not use; one it does not honour is an error when given. */
export type ArchKnob = 'nz' | 'ngf' | 'ndf';

export interface Preset {
  name: string;
  description: string;
  /** The architecture knobs its build() uses (image size and channels are checked by build() itself). */
  honours: readonly ArchKnob[];
  /** Image size and channels used when the user gives none. */
  defaultImage: { size: [number, number]; channels: number };
  /** Whether --image-size may change the resolution. */
  resizable: boolean;
  build(knobs: PresetKnobs): ArchSpec;
  training: PresetTraining;
}

const PYTORCH_TRAINING: PresetTraining = {
  batchSize: 64, lr: 2e-4, beta1: 0.5, dBatch: 'separate', optimizer: 'adam', realLabel: 1, epochs: 25,
};

function log2Int(n: number): number {
  const k = Math.log2(n);
  return Number.isInteger(k) ? k : NaN;
}

/**
 * pytorch/examples dcgan/main.py, generalised to any size whose shorter side is 4 * 2^k (32 to 256) and
 * non-square images (the first layer's kernel is the 4 x (4 * aspect) base grid).
 */
function dcgan64Arch(knobs: PresetKnobs, name: string, source: string): ArchSpec {
  const [h, w] = knobs.imageSize ?? [64, 64];
  const nc = knobs.channels ?? 3, nz = knobs.nz ?? 100, ngf = knobs.ngf ?? 64, ndf = knobs.ndf ?? 64;
  const m = log2Int(Math.min(h, w) / 4);
  if (!(m >= 3 && m <= 6)) {
    throw new ArchError(`${name}: image size ${h}x${w} is not supported: the shorter side must be 32, 64, 128 or 256`);
  }
  const h0 = h / 2 ** m, w0 = w / 2 ** m;
  if (!Number.isInteger(h0) || !Number.isInteger(w0)) {
    throw new ArchError(`${name}: image size ${h}x${w}: both sides must be multiples of ${2 ** m} (the shorter side / 4)`);
  }
  const g: LayerSpec[] = [
    { type: 'reshape', shape: [1, 1, nz] },
    // nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False): state size (ngf*8) x 4 x 4
    { type: 'convTranspose', filters: ngf * 2 ** (m - 1), kernel: [h0, w0], stride: 1, padding: 'valid', bias: false },
    { type: 'batchNorm' }, { type: 'relu' },
  ];
  for (let i = m - 2; i >= 0; i--) {
    // nn.ConvTranspose2d(c, c / 2, 4, 2, 1, bias=False): TF 'same' pads 1 on every side here, as PyTorch's p=1
    g.push({ type: 'convTranspose', filters: ngf * 2 ** i, kernel: 4, stride: 2, padding: 'same', bias: false }, { type: 'batchNorm' }, { type: 'relu' });
  }
  g.push({ type: 'convTranspose', filters: nc, kernel: 4, stride: 2, padding: 'same', bias: false }, { type: 'tanh' });
  // D mirrors G: nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), LeakyReLU(0.2) (no BatchNorm on the input layer)
  const d: LayerSpec[] = [{ type: 'conv', filters: ndf, kernel: 4, stride: 2, padding: 'same', bias: false }, { type: 'leakyRelu', alpha: 0.2 }];
  for (let i = 1; i < m; i++) {
    d.push({ type: 'conv', filters: ndf * 2 ** i, kernel: 4, stride: 2, padding: 'same', bias: false }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 });
  }
  // nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False): one logit (BCEWithLogitsLoss replaces Sigmoid + BCELoss)
  d.push({ type: 'conv', filters: 1, kernel: [h0, w0], stride: 1, padding: 'valid', bias: false }, { type: 'flatten' });
  return { name, source, nz, latent: 'normal', image: { height: h, width: w, channels: nc }, generator: g, discriminator: d, dOutput: 'logits' };
}

export const PRESETS: Record<string, Preset> = {
  dcgan64: {
    name: 'dcgan64',
    description: 'pytorch/examples DCGAN (4x4 kernels, ngf=ndf=64), 32 to 256 px, non-square too',
    defaultImage: { size: [64, 64], channels: 3 },
    resizable: true,
    honours: ['nz', 'ngf', 'ndf'],
    build: (k) => dcgan64Arch(k, 'dcgan64', 'pytorch/examples dcgan/main.py; ../shared/bench/pytorch_reference.py dcgan64'),
    training: PYTORCH_TRAINING,
  },
  dcgan28: {
    name: 'dcgan28',
    description: '28x28 DCGAN for MNIST / Fashion-MNIST: dense 7x7x256 projection, 5x5 kernels (the benchmark net)',
    defaultImage: { size: [28, 28], channels: 1 },
    resizable: false,
    honours: ['nz'],
    build: (k) => {
      const nz = k.nz ?? 100, nc = k.channels ?? 1;
      const [h, w] = k.imageSize ?? [28, 28];
      if (h !== 28 || w !== 28) throw new ArchError(`dcgan28: makes 28x28 images only (got ${h}x${w}); use dcgan64 for other sizes`);
      return {
        name: 'dcgan28',
        source: '../shared/bench/pytorch_reference.py dcgan28 (TensorFlow DCGAN tutorial generator shape)',
        nz, latent: 'normal', image: { height: 28, width: 28, channels: nc },
        generator: [
          // Project: Linear(nz, 256*7*7, bias=False), BatchNorm1d, ReLU, view(256, 7, 7)
          { type: 'dense', units: 7 * 7 * 256, bias: false }, { type: 'batchNorm' }, { type: 'relu' },
          { type: 'reshape', shape: [7, 7, 256] },
          // ConvTranspose2d(256, 128, 5, 1, 2, bias=False): 7x7x128
          { type: 'convTranspose', filters: 128, kernel: 5, stride: 1, padding: 'same', bias: false }, { type: 'batchNorm' }, { type: 'relu' },
          // ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False): 14x14x64
          { type: 'convTranspose', filters: 64, kernel: 5, stride: 2, padding: 'same', bias: false }, { type: 'batchNorm' }, { type: 'relu' },
          // ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1), Tanh: 28x28x1
          { type: 'convTranspose', filters: nc, kernel: 5, stride: 2, padding: 'same' }, { type: 'tanh' },
        ],
        discriminator: [
          // Conv2d(1, 64, 5, 2, 2), LeakyReLU(0.2): 14x14x64
          { type: 'conv', filters: 64, kernel: 5, stride: 2, padding: 'same' }, { type: 'leakyRelu', alpha: 0.2 },
          // Conv2d(64, 128, 5, 2, 2, bias=False), BatchNorm2d, LeakyReLU(0.2): 7x7x128
          { type: 'conv', filters: 128, kernel: 5, stride: 2, padding: 'same', bias: false }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 },
          // Flatten, Linear(128*49, 1)
          { type: 'flatten' }, { type: 'dense', units: 1 },
        ],
        dOutput: 'logits',
      };
    },
    training: { ...PYTORCH_TRAINING, batchSize: 128, epochs: 50 },
  },
  'keras-mnist': {
    name: 'keras-mnist',
    description: 'Keras MNIST DCGAN (jacobgil/keras-dcgan): tanh, UpSampling2D, MaxPool, z ~ U(-1, 1)',
    defaultImage: { size: [28, 28], channels: 1 },
    resizable: false,
    honours: ['nz'],
    build: (k) => {
      const nz = k.nz ?? 100;
      const [h, w] = k.imageSize ?? [28, 28];
      if (h !== 28 || w !== 28) throw new ArchError(`keras-mnist: makes 28x28 images only (got ${h}x${w})`);
      return {
        name: 'keras-mnist', source: 'jacobgil/keras-dcgan dcgan.py (generator_model, discriminator_model)',
        nz, latent: 'uniform', image: { height: 28, width: 28, channels: k.channels ?? 1 },
        generator: [
          { type: 'dense', units: 1024 }, { type: 'tanh' },
          { type: 'dense', units: 128 * 7 * 7 }, { type: 'batchNorm' }, { type: 'tanh' },
          { type: 'reshape', shape: [7, 7, 128] },
          { type: 'upSample', size: 2 }, { type: 'conv', filters: 64, kernel: 5, padding: 'same' }, { type: 'tanh' },
          { type: 'upSample', size: 2 }, { type: 'conv', filters: k.channels ?? 1, kernel: 5, padding: 'same' }, { type: 'tanh' },
        ],
        discriminator: [
          { type: 'conv', filters: 64, kernel: 5, padding: 'same' }, { type: 'batchNorm' }, { type: 'tanh' }, { type: 'maxPool', size: 2 },
          { type: 'conv', filters: 128, kernel: 5, padding: 'valid' }, { type: 'tanh' }, { type: 'maxPool', size: 2 },
          { type: 'flatten' }, { type: 'dense', units: 1024 }, { type: 'tanh' },
          { type: 'dense', units: 1 }, { type: 'sigmoid' },
        ],
        dOutput: 'probability',
      };
    },
    // keras-dcgan: SGD(lr=0.0005, momentum=0.9, nesterov=True) for both, BATCH_SIZE 128, D on [real; fake]
    training: { batchSize: 128, lr: 5e-4, beta1: 0.9, dBatch: 'concat', optimizer: 'sgd-nesterov', realLabel: 1, epochs: 100 },
  },
  'tf-mnist64': {
    name: 'tf-mnist64',
    description: 'TensorFlow MNIST-64 DCGAN (carpedm20/DCGAN-tensorflow): 64x64x1, 5x5 stride-2 convs, dense 4x4x1024',
    defaultImage: { size: [64, 64], channels: 1 },
    resizable: false,
    honours: ['nz'],
    build: (k) => {
      const nz = k.nz ?? 100, nc = k.channels ?? 1;
      const [h, w] = k.imageSize ?? [64, 64];
      if (h !== 64 || w !== 64) throw new ArchError(`tf-mnist64: makes 64x64 images only (got ${h}x${w})`);
      return {
        name: 'tf-mnist64', source: 'carpedm20/DCGAN-tensorflow model.py (generator / discriminator, output_height 64)',
        nz, latent: 'normal', image: { height: 64, width: 64, channels: nc },
        generator: [
          { type: 'dense', units: 4 * 4 * 1024 }, { type: 'reshape', shape: [4, 4, 1024] }, { type: 'batchNorm' }, { type: 'relu' },
          { type: 'convTranspose', filters: 512, kernel: 5, stride: 2 }, { type: 'batchNorm' }, { type: 'relu' },
          { type: 'convTranspose', filters: 256, kernel: 5, stride: 2 }, { type: 'batchNorm' }, { type: 'relu' },
          { type: 'convTranspose', filters: 128, kernel: 5, stride: 2 }, { type: 'batchNorm' }, { type: 'relu' },
          { type: 'convTranspose', filters: nc, kernel: 5, stride: 2 }, { type: 'tanh' },
        ],
        discriminator: [
          // h0 = lrelu(conv2d(image, df_dim)): no batch norm on the input layer
          { type: 'conv', filters: 64, kernel: 5, stride: 2 }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'conv', filters: 128, kernel: 5, stride: 2 }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'conv', filters: 256, kernel: 5, stride: 2 }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'conv', filters: 512, kernel: 5, stride: 2 }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'flatten' }, { type: 'dense', units: 1 },
        ],
        dOutput: 'logits',
      };
    },
    // carpedm20: --learning_rate 0.0002 --beta1 0.5 --batch_size 64 --epoch 25
    training: { ...PYTORCH_TRAINING, batchSize: 64, epochs: 25 },
  },
  'paper-lsun': {
    name: 'paper-lsun',
    description: 'Radford et al. 2015 LSUN DCGAN: 64x64x3, z ~ U(-1, 1), 4x4x1024 projection, 5x5 fractionally-strided convs',
    defaultImage: { size: [64, 64], channels: 3 },
    resizable: false,
    honours: ['nz'],
    build: (k) => {
      const nz = k.nz ?? 100, nc = k.channels ?? 3;
      const [h, w] = k.imageSize ?? [64, 64];
      if (h !== 64 || w !== 64) throw new ArchError(`paper-lsun: makes 64x64 images only (got ${h}x${w}); use dcgan64 for other sizes`);
      return {
        name: 'paper-lsun', source: 'Radford, Metz & Chintala 2015, figure 1 and section 4; Newmu/dcgan_code lsun',
        nz, latent: 'uniform', image: { height: 64, width: 64, channels: nc },
        generator: [
          // "project and reshape" to 4x4x1024
          { type: 'dense', units: 4 * 4 * 1024, bias: false }, { type: 'reshape', shape: [4, 4, 1024] }, { type: 'batchNorm' }, { type: 'relu' },
          { type: 'convTranspose', filters: 512, kernel: 5, stride: 2, bias: false }, { type: 'batchNorm' }, { type: 'relu' },
          { type: 'convTranspose', filters: 256, kernel: 5, stride: 2, bias: false }, { type: 'batchNorm' }, { type: 'relu' },
          { type: 'convTranspose', filters: 128, kernel: 5, stride: 2, bias: false }, { type: 'batchNorm' }, { type: 'relu' },
          // no batch norm on the generator output; tanh
          { type: 'convTranspose', filters: nc, kernel: 5, stride: 2 }, { type: 'tanh' },
        ],
        discriminator: [
          // no batch norm on the discriminator input; LeakyReLU 0.2 throughout
          { type: 'conv', filters: 128, kernel: 5, stride: 2 }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'conv', filters: 256, kernel: 5, stride: 2, bias: false }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'conv', filters: 512, kernel: 5, stride: 2, bias: false }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'conv', filters: 1024, kernel: 5, stride: 2, bias: false }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'flatten' }, { type: 'dense', units: 1 },
        ],
        dOutput: 'logits',
      };
    },
    // Section 4: mini-batch 128, Adam lr 0.0002, beta1 0.5
    training: { ...PYTORCH_TRAINING, batchSize: 128, epochs: 5 },
  },
  'pytorch-celeba': {
    name: 'pytorch-celeba',
    description: 'PyTorch CelebA/LSUN DCGAN (pytorch/examples dcgan at 64x64, ngf=ndf=64, batch 64)',
    defaultImage: { size: [64, 64], channels: 3 },
    resizable: true,
    honours: ['nz', 'ngf', 'ndf'],
    build: (k) => dcgan64Arch(k, 'pytorch-celeba', 'pytorch/examples dcgan/main.py (--dataset celeba / lsun)'),
    training: PYTORCH_TRAINING,
  },
  'keras-simpsons': {
    name: 'keras-simpsons',
    description: 'Keras Simpsons-faces DCGAN: 200x200x3, 25x25x128 projection, Dense(8192) in D (655M parameters)',
    defaultImage: { size: [200, 200], channels: 3 },
    resizable: false,
    honours: ['nz'],
    build: (k) => {
      const nz = k.nz ?? 100, nc = k.channels ?? 3;
      const [h, w] = k.imageSize ?? [200, 200];
      if (h !== 200 || w !== 200) throw new ArchError(`keras-simpsons: makes 200x200 images only (got ${h}x${w})`);
      return {
        name: 'keras-simpsons', source: 'Keras Simpsons-faces DCGAN (../shared/docs/features.md)',
        nz, latent: 'normal', image: { height: 200, width: 200, channels: nc },
        generator: [
          { type: 'dense', units: 25 * 25 * 128 }, { type: 'reshape', shape: [25, 25, 128] }, { type: 'leakyRelu', alpha: 0.2 }, { type: 'batchNorm' },
          { type: 'convTranspose', filters: 64, kernel: 5, stride: 2 }, { type: 'leakyRelu', alpha: 0.2 }, { type: 'batchNorm' },
          { type: 'convTranspose', filters: 32, kernel: 5, stride: 2 }, { type: 'leakyRelu', alpha: 0.2 }, { type: 'batchNorm' },
          { type: 'convTranspose', filters: nc, kernel: 5, stride: 2 }, { type: 'tanh' },
        ],
        discriminator: [
          { type: 'conv', filters: 32, kernel: 5, stride: 2 }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'conv', filters: 64, kernel: 5, stride: 2 }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'conv', filters: 128, kernel: 5, stride: 2 }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'flatten' }, { type: 'dense', units: 8192 }, { type: 'leakyRelu', alpha: 0.2 },
          { type: 'dense', units: 1 }, { type: 'sigmoid' },
        ],
        dOutput: 'probability',
      };
    },
    // Adam(2e-4, 0.5), batch 256 with half-batches of real and fake for D, real labels 0.9, grid every 25 epochs
    training: { batchSize: 256, lr: 2e-4, beta1: 0.5, dBatch: 'half', optimizer: 'adam', realLabel: 0.9, epochs: 300 },
  },
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}

export function getPreset(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new ArchError(`unknown preset '${name}' (presets: ${presetNames().join(', ')})`);
  return p;
}
