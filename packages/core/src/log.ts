/** Warnings on stderr, so stdout stays free for results; FACE_LOG=silent turns them off. */
export const log = {
  warn(message: string): void {
    if (process.env.FACE_LOG !== 'silent') process.stderr.write(`[facegroup] warning: ${message}\n`);
  },
};
