import { resolve } from 'node:path';

/** Paths the tests, measurement scripts and the benchmark share (one place, so no package guesses another's layout). */
export const checkoutRoot = resolve(import.meta.dirname, '..', '..');
/** The workplace's shared folder beside the checkout: models and labelled evaluation photos (never committed). */
export const shared = resolve(checkoutRoot, '..', 'shared');
export const modelsDir = resolve(shared, 'models');
export const evalDir = resolve(shared, 'eval');
export const devPhotos = resolve(evalDir, 'dev', 'photos');
export const devPhoto = (name: string) => resolve(devPhotos, name);
export const orientationPhoto = (name: string) => resolve(evalDir, 'orientation', 'photos', name);

/** The Friends cast photo (6 faces) of facenet-pytorch, in the dev set. */
export const CAST_PHOTO = 'fnp_61efd65f.jpg';
/** A mountain landscape: no face. */
export const NO_FACE_PHOTO = 'dsf_9813b0ac.jpg';

/** Debian's chromium package (CHROMIUM_PATH elsewhere), and the switches of a quiet headless run with no network of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
