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

/**
 * Barack Obama (4 photos, one with Joe Biden), Joe Biden (3), Leonardo DiCaprio (4), Brad Pitt (2 group photos with
 * bystanders), Jeff Bezos (2) and John Lennon (2). At the default threshold, grouping keeps them apart but suggests
 * DiCaprio / Pitt and Bezos / Lennon as possibly one person: "different" is the true answer for both.
 */
export const SUGGESTING_PHOTOS = [
  'afr_2de116a8.jpg',
  'afr_48f25a2b.jpg',
  'afr_6627630a.jpg',
  'afr_c4dfaedc.jpg',
  'afr_1911e47a.jpg',
  'afr_ef7047b9.jpg',
  'dfc_0407d22f.jpg',
  'dfc_730ceaac.jpg',
  'dfc_93bcae4a.jpg',
  'dfc_f1ccc98c.jpg',
  'dfc_597f1ff8.jpg',
  'dfc_cc3f4e6b.jpg',
  'dfc_30a0b676.jpg',
  'dfc_f808573a.jpg',
  'ofc_60883f25.jpg',
  'ofc_c7780bff.jpg',
];

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
