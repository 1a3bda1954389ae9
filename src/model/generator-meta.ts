// The metadata an exported generator carries in model.json's userDefinedMetadata.dcgan. Types only (no
// imports), so the browser's explorer reads the same shape that `dcgan train` writes.

/** What a sampler needs to know about an exported generator, stored in model.json's userDefinedMetadata. */
export interface GeneratorMeta {
  preset: string;
  nz: number;
  latent: 'normal' | 'uniform';
  classes: number;
  classNames?: string[];
  image: { height: number; width: number; channels: number };
  step: number;
}
