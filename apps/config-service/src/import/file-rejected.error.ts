import { DomainError } from '@atp/platform-http';

/** The file cannot be read as a whole (not a spreadsheet, over a limit): nothing of it is imported. */
export class FileRejectedError extends DomainError {
  constructor(code: string, message: string, status = 422) {
    super(status, code, message, { rejected: true });
  }
}
