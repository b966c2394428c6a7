-- When a photo was taken (EXIF DateTimeOriginal), for sorting by date.
ALTER TABLE "images" ADD COLUMN "takenAt" DATETIME;
-- A cover face a user chose: refreshing the person keeps it.
ALTER TABLE "persons" ADD COLUMN "coverChosen" BOOLEAN NOT NULL DEFAULT false;
-- The sum of the person's face embeddings (float64 little-endian): a new face's average similarity to the person is
-- its dot product with this sum over faceCount, so incremental grouping need not read every face.
ALTER TABLE "persons" ADD COLUMN "embeddingSum" BLOB;
-- The last full regroup's merge suggestions, JSON [{ a, b, similarity }] of person ids, best first.
ALTER TABLE "groups" ADD COLUMN "mergeSuggestions" TEXT;
