import { DomainError } from '@atp/platform-http';

/** A file over its limit (api-contract: 413). Thrown by the stores while streaming. */
export class FileTooLargeError extends DomainError {
  constructor(readonly maxBytes: number) {
    super(413, 'FILE_TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes`, { maxBytes });
  }
}

/** A file whose content is not one of the accepted types (api-contract: 415). */
export class UnsupportedFileTypeError extends DomainError {
  constructor(detected: string | null, accepted: readonly string[]) {
    super(
      415,
      'UNSUPPORTED_FILE_TYPE',
      detected
        ? `The file's content is ${detected}, which is not accepted`
        : 'The file content is not of an accepted type (decided from the content, not the name)',
      { detected, accepted },
    );
  }
}

export class EmptyFileError extends DomainError {
  constructor() {
    super(422, 'EMPTY_FILE', 'The file is empty');
  }
}

/** A key that could escape the store's namespace or that no backend can hold. A programming error. */
export class InvalidBlobKeyError extends Error {
  constructor(readonly key: string) {
    super(`Invalid blob key "${key}"`);
    this.name = 'InvalidBlobKeyError';
  }
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No blob under key "${key}"`);
    this.name = 'BlobNotFoundError';
  }
}
