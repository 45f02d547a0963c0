import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isCalendarDate } from '@atp/approval-routing';

/** A real calendar day `YYYY-MM-DD`: `2026-02-30` and `2025-13-45` are refused (a 400, never a 500 later). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be a calendar date YYYY-MM-DD', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value) },
    });
}
