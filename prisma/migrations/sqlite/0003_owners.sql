-- Owners and their API keys; every group belongs to an owner. Groups made before owners existed go to "local",
-- the owner the server creates for the quick start.
CREATE TABLE "owners" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME,
    CONSTRAINT "api_keys_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "owners" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "forgotten_faces" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "groupId" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "x1" REAL NOT NULL,
    "y1" REAL NOT NULL,
    "x2" REAL NOT NULL,
    "y2" REAL NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "forgotten_faces_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "owners_name_key" ON "owners"("name");
CREATE UNIQUE INDEX "api_keys_keyHash_key" ON "api_keys"("keyHash");
CREATE INDEX "forgotten_faces_groupId_contentHash_idx" ON "forgotten_faces"("groupId", "contentHash");

INSERT INTO "owners" ("id", "name") SELECT '00000000-0000-4000-8000-000000000000', 'local' WHERE EXISTS (SELECT 1 FROM "groups");
ALTER TABLE "groups" ADD COLUMN "ownerId" TEXT REFERENCES "owners" ("id") ON DELETE CASCADE;
UPDATE "groups" SET "ownerId" = '00000000-0000-4000-8000-000000000000';
CREATE INDEX "groups_ownerId_createdAt_idx" ON "groups"("ownerId", "createdAt");
