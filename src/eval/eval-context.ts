// What every evaluation of a run needs before it looks at generated images: the feature network (the
// dataset family's classifier, or the user's model) and the real reference of the run's data at the run's
// image size (cached statistics).
import { loadDataset, type ImageDataset } from '../data/index.js';
import { UserError } from '../util/errors.js';
import { classifierFamily, datasetFeatureNetwork } from './classifier-cache.js';
import { userNetwork, type FeatureNetwork } from './feature-network.js';
import { realReference, type RealReference } from './real-stats.js';

export interface EvalDataOptions {
  /** The real data (a dataset spec) and how the run loaded it. */
  data: string;
  dataDir?: string;
  /** [height, width] and channels of the run's images; default the data's own. */
  size?: [number, number];
  channels?: 1 | 3;
  /** The real split the statistics come from (default 'train'). */
  split?: 'train' | 'test';
  /** A TF.js layers model (model.json) as the feature network instead of the built-in classifier. */
  features?: string;
  featuresLayer?: string;
  /** The pixel range the --features model expects (default [-1, 1]). */
  featuresRange?: [number, number];
  /** Real feature vectors kept for KID and precision/recall (default 10,000). */
  realSubset?: number;
  /** At most this many real images for the statistics (default all). */
  realLimit?: number;
  cacheDir?: string;
  /** The number of images `fake` data has (dry runs). */
  count?: number;
  onMessage?(line: string): void;
}

export interface EvalContext {
  net: FeatureNetwork;
  ref: RealReference;
  /** The real split at the run's image size. */
  real: ImageDataset;
  dispose(): void;
}

/** Throws the UserError a user would hit later when no feature network can be had for the data. */
export function checkFeatureSource(data: string, features?: string, flag = '--features'): void {
  if (!features && !classifierFamily(data)) {
    throw new UserError(`${data} has no built-in feature network (mnist, fashion-mnist and cifar10 have one); pass ${flag} model.json, a TF.js layers model such as a converted InceptionV3`);
  }
}

/** The feature network for the options: the user's model, else the data family's classifier. */
export async function featureNetworkFor(o: EvalDataOptions): Promise<FeatureNetwork> {
  checkFeatureSource(o.data, o.features);
  if (o.features) return userNetwork(o.features, { layer: o.featuresLayer, range: o.featuresRange });
  return (await datasetFeatureNetwork(o.data, { dataDir: o.dataDir, cacheDir: o.cacheDir, onMessage: o.onMessage }))!;
}

/** Opens the feature network and the real reference (computed and cached on first use). */
export async function openEvalContext(o: EvalDataOptions): Promise<EvalContext> {
  const net = await featureNetworkFor(o);
  const split = o.split ?? 'train';
  let real: ImageDataset | undefined;
  try {
    real = await loadDataset(o.data, { size: o.size, channels: o.channels, dataDir: o.dataDir, split, cacheDir: o.cacheDir, labels: false, count: o.count });
    const ref = await realReference(real, net, { split, subset: o.realSubset, limit: o.realLimit, cacheDir: o.cacheDir, onMessage: o.onMessage });
    const ds = real;
    return { net, ref, real: ds, dispose: () => { net.dispose(); ds.close(); } };
  } catch (e) {
    net.dispose();
    real?.close();
    throw e;
  }
}
