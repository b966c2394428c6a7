-- A person's faces, found without scanning its group's (refreshing persons, a person's faces and photos).
CREATE INDEX "faces_personId_idx" ON "faces"("personId");
