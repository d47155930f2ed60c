/** A problem with the training data or the build's inputs, for the user to fix (no stack trace needed). */
export class ReferenceBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceBuildError';
  }
}
