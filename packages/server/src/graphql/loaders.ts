import DataLoader from 'dataloader';
import { append } from '../repositories/maps.js';
import type { ImageOrder, Page, PageOf, ReadRepository } from '../repositories/read.repository.js';
import { checked, jobProgress } from '../services/query.service.js';

/**
 * One request's loaders: what resolvers read below a list (a person's faces, a face's photo, a job's progress) is
 * gathered over the whole list and read in one batch, and read once per request.
 */
export function createLoaders(read: ReadRepository) {
  const byId = <T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>) =>
    new DataLoader<string, T | null>(async (ids) => {
      const rows = new Map((await load(ids)).map((row) => [row.id, row]));
      return ids.map((id) => rows.get(id) ?? null);
    });
  /** Pages of a list per owner id, one loader per order, page size and offset. */
  const paged = <T, O extends string = never>(load: (ids: readonly string[], page: Page, order: O) => Promise<PageOf<T>[]>) => {
    const loaders = new Map<string, DataLoader<string, PageOf<T>>>();
    return (id: string, page: Page, order?: O) => {
      const key = `${order}:${page.first}:${page.offset}`;
      let loader = loaders.get(key);
      if (!loader) {
        loader = new DataLoader((ids) => load(ids, checked(page), order as O));
        loaders.set(key, loader);
      }
      return loader.load(id);
    };
  };
  const facesOfImages = new DataLoader(async (imageIds: readonly string[]) => {
    const facesOf = new Map<string, Awaited<ReturnType<ReadRepository['facesOfImages']>>>();
    for (const face of await read.facesOfImages(imageIds)) append(facesOf, face.imageId, face);
    return imageIds.map((id) => facesOf.get(id) ?? []);
  });
  const faceCounts = new DataLoader(async (imageIds: readonly string[]) => {
    const counts = await read.faceCountsOfImages(imageIds);
    return imageIds.map((id) => counts.get(id) ?? 0);
  });
  const jobProgresses = new DataLoader(async (jobIds: readonly string[]) => (await read.jobItems(jobIds)).map(jobProgress));
  return {
    group: byId(read.groupsByIds),
    person: byId(read.personsByIds),
    image: byId(read.imagesByIds),
    face: byId(read.facesByIds),
    user: byId(read.usersByIds),
    facesOfImage: (imageId: string) => facesOfImages.load(imageId),
    faceCountOfImage: (imageId: string) => faceCounts.load(imageId),
    facesOfPerson: paged((ids, page) => read.facesOfPersons(ids, page)),
    imagesOfPerson: paged<Awaited<ReturnType<ReadRepository['imagesByIds']>>[number], ImageOrder>((ids, page, order) =>
      read.imagesOfPersons(ids, order, page),
    ),
    jobProgress: (jobId: string) => jobProgresses.load(jobId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
