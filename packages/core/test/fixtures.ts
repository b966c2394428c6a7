import { resolve } from 'node:path';
import { repoRoot } from '../src/models.js';

/** The workplace's shared folder beside the checkout: models and labelled evaluation photos (never committed). */
export const shared = resolve(repoRoot, '..', 'shared');
export const devPhotos = resolve(shared, 'eval', 'dev', 'photos');
export const devPhoto = (name: string) => resolve(devPhotos, name);
export const orientationPhoto = (name: string) => resolve(shared, 'eval', 'orientation', 'photos', name);

/** The Friends cast photo (6 faces) of facenet-pytorch, in the dev set. */
export const CAST_PHOTO = 'fnp_61efd65f.jpg';
/** A mountain landscape: no face. */
export const NO_FACE_PHOTO = 'dsf_9813b0ac.jpg';
