import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { isCountryCode } from '../common/countries';
import { isIsoDate } from './member-import';

/** An ISO 3166-1 alpha-2 code that is really assigned (not just two letters). */
export function IsCountryCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCountryCode',
      validator: {
        validate: (value) => isCountryCode(value),
        defaultMessage: (args) => `${args?.property} must be an ISO 3166-1 alpha-2 country code, e.g. CH`,
      },
    },
    options,
  );
}

/** A calendar date written YYYY-MM-DD (2026-02-30 is refused). */
export function IsDateOnly(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDateOnly',
      validator: {
        validate: (value) => typeof value === 'string' && isIsoDate(value),
        defaultMessage: (args) => `${args?.property} must be a date YYYY-MM-DD`,
      },
    },
    options,
  );
}

/** Country codes are accepted in any case and stored upper-case. */
export const UpperCaseTrimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value));

export const Trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** Query strings carry 'true'/'false'. */
export const QueryBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export const REGION_CODE = /^[A-Z][A-Z0-9_]{0,31}$/;
