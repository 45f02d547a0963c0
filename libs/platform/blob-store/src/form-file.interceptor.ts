import {
  Injectable,
  mixin,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { receiveMultipartForm, type FormFile } from './multipart-upload';

const MULTIPART_FORM = /^multipart\/form-data/i;

/**
 * `@UseInterceptors(FormFileInterceptor('file', maxBytes))`: a multipart request's file (in memory, see
 * `receiveMultipartForm`) becomes `@UploadedFile()` (`{ fieldName, originalname, buffer }`) and its text fields the
 * `@Body()`, before the handler's parameters are read (the idempotency fingerprint includes the file). Any other
 * request goes on untouched: its JSON body was parsed already, and it has no file.
 */
export function FormFileInterceptor(fileField: string, maxFileBytes: number): Type<NestInterceptor> {
  @Injectable()
  class FormFileIntake implements NestInterceptor {
    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      const request = context.switchToHttp().getRequest<FastifyRequest & { file?: FormFile }>();
      if (MULTIPART_FORM.test(request.headers['content-type'] ?? '')) {
        const form = await receiveMultipartForm(request.raw, { maxFileBytes, fileField });
        request.body = form.fields;
        request.file = form.file;
      }
      return next.handle();
    }
  }
  return mixin(FormFileIntake);
}
