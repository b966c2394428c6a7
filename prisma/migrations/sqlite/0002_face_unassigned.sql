-- Why a face is in no person (Face.unassigned), kept from the grouping run or the correction that left it out.
ALTER TABLE "faces" ADD COLUMN "unassigned" TEXT;
