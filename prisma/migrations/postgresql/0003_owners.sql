-- Owners and their API keys; every group belongs to an owner. Groups made before owners existed go to "local",
-- the owner the server creates for the quick start.
CREATE TABLE "owners" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "owners_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "forgotten_faces" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "x1" DOUBLE PRECISION NOT NULL,
    "y1" DOUBLE PRECISION NOT NULL,
    "x2" DOUBLE PRECISION NOT NULL,
    "y2" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "forgotten_faces_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "owners_name_key" ON "owners"("name");
CREATE UNIQUE INDEX "api_keys_keyHash_key" ON "api_keys"("keyHash");
CREATE INDEX "forgotten_faces_groupId_contentHash_idx" ON "forgotten_faces"("groupId", "contentHash");
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "owners"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "forgotten_faces" ADD CONSTRAINT "forgotten_faces_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "owners" ("id", "name") SELECT '00000000-0000-4000-8000-000000000000', 'local' WHERE EXISTS (SELECT 1 FROM "groups");
ALTER TABLE "groups" ADD COLUMN "ownerId" TEXT;
UPDATE "groups" SET "ownerId" = '00000000-0000-4000-8000-000000000000';
ALTER TABLE "groups" ALTER COLUMN "ownerId" SET NOT NULL;
ALTER TABLE "groups" ADD CONSTRAINT "groups_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "owners"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "groups_ownerId_createdAt_idx" ON "groups"("ownerId", "createdAt");
