-- The schema of prisma/schema.postgresql.prisma, as `prisma migrate diff` writes it for PostgreSQL.
CREATE TABLE "groups" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "groups_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "group_users" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "group_users_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "images" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "userId" TEXT,
    "sourceKind" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "analysedAt" TIMESTAMP(3),
    CONSTRAINT "images_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "faces" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "personId" TEXT,
    "x1" DOUBLE PRECISION NOT NULL,
    "y1" DOUBLE PRECISION NOT NULL,
    "x2" DOUBLE PRECISION NOT NULL,
    "y2" DOUBLE PRECISION NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "landmarks" TEXT NOT NULL,
    "embedding" BYTEA NOT NULL,
    "quality" TEXT NOT NULL,
    CONSTRAINT "faces_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "persons" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "name" TEXT,
    "hidden" BOOLEAN NOT NULL DEFAULT false,
    "curated" BOOLEAN NOT NULL DEFAULT false,
    "coverFaceId" TEXT,
    "faceCount" INTEGER NOT NULL DEFAULT 0,
    "photoCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "persons_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "corrections" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "personId" TEXT,
    "payload" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "undoneAt" TIMESTAMP(3),
    CONSTRAINT "corrections_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "jobs" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "job_items" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "sourceKind" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "userId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "errorCode" TEXT,
    "error" TEXT,
    "imageId" TEXT,
    CONSTRAINT "job_items_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "group_users_groupId_name_key" ON "group_users"("groupId", "name");
CREATE INDEX "images_groupId_status_idx" ON "images"("groupId", "status");
CREATE UNIQUE INDEX "images_groupId_contentHash_key" ON "images"("groupId", "contentHash");
CREATE INDEX "faces_groupId_personId_idx" ON "faces"("groupId", "personId");
CREATE INDEX "faces_imageId_idx" ON "faces"("imageId");
CREATE UNIQUE INDEX "persons_coverFaceId_key" ON "persons"("coverFaceId");
CREATE INDEX "persons_groupId_photoCount_idx" ON "persons"("groupId", "photoCount");
CREATE UNIQUE INDEX "corrections_groupId_sequence_key" ON "corrections"("groupId", "sequence");
CREATE INDEX "jobs_status_createdAt_idx" ON "jobs"("status", "createdAt");
CREATE INDEX "job_items_jobId_status_position_idx" ON "job_items"("jobId", "status", "position");

ALTER TABLE "group_users" ADD CONSTRAINT "group_users_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "images" ADD CONSTRAINT "images_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "images" ADD CONSTRAINT "images_userId_fkey" FOREIGN KEY ("userId") REFERENCES "group_users" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "faces" ADD CONSTRAINT "faces_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "faces" ADD CONSTRAINT "faces_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "images" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "faces" ADD CONSTRAINT "faces_personId_fkey" FOREIGN KEY ("personId") REFERENCES "persons" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "persons" ADD CONSTRAINT "persons_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "persons" ADD CONSTRAINT "persons_coverFaceId_fkey" FOREIGN KEY ("coverFaceId") REFERENCES "faces" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "corrections" ADD CONSTRAINT "corrections_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "job_items" ADD CONSTRAINT "job_items_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "job_items" ADD CONSTRAINT "job_items_userId_fkey" FOREIGN KEY ("userId") REFERENCES "group_users" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "job_items" ADD CONSTRAINT "job_items_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "images" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
