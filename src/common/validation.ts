import { applyDecorators, BadRequestException, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, IS_OPTIONAL, IsOptional, ValidationError, ValidationTypes, ValidatorOptions } from 'class-validator';
import { ProblemFieldError } from './problem';

const NULLABLE = 'validation:nullable';
const NOT_ACCEPTED = 'is not an accepted field';
/** Keys Nest's ValidationPipe deletes before validating, because they could reach an object's prototype. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * May be left out, or null to clear what is stored. Any other optional field (`@IsOptional()`) may be
 * left out but is refused when null: IsOptional alone would let null through to the service and the
 * database, where a required column turns it into a 500.
 */
export function Nullable(): PropertyDecorator {
  return applyDecorators(IsOptional(), (target: object, property?: string | symbol) => {
    Reflect.defineMetadata(NULLABLE, true, target, property as string | symbol);
  });
}

/** whitelist + forbidNonWhitelisted + transform, with every failing field named in `errors`. */
export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => invalidInput(flatten(errors)),
  });
}

function invalidInput(fieldErrors: ProblemFieldError[]): BadRequestException {
  return new BadRequestException({
    detail: `Invalid input: ${fieldErrors.map((e) => e.field).join(', ')}`,
    errors: fieldErrors,
  });
}

/** Nest's pipe, with two gaps closed where it lets input through unchecked. */
class EdgeValidationPipe extends ValidationPipe {
  // The pipe deletes these keys without a word, so they were the only unknown fields accepted.
  protected stripProtoKeys(value: unknown): void {
    const found = prototypeKeyPaths(value);
    if (found.length > 0) throw invalidInput(found.map((field) => ({ field, message: NOT_ACCEPTED })));
    super.stripProtoKeys(value);
  }

  protected async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    return [...(await super.validate(object, options)), ...refusedNulls(object)];
  }
}

/** Where the value holds a prototype key, as field paths (`gender.constructor`, `seats.0.__proto__`). */
function prototypeKeyPaths(value: unknown): string[] {
  const found: string[] = [];
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const prototype = Object.getPrototypeOf(current);
    if (!Array.isArray(current) && prototype !== Object.prototype && prototype !== null) continue;
    for (const key of Object.keys(current)) {
      const field = path ? `${path}.${key}` : key;
      if (!Array.isArray(current) && PROTOTYPE_KEYS.includes(key)) found.push(field);
      else stack.push([(current as Record<string, unknown>)[key], field]);
    }
  }
  return found.sort();
}

/**
 * A ValidationError for every optional field of the instance (and of the instances nested in it) that
 * is null without being @Nullable(). Only IsOptional fields: class-validator skips every rule of those
 * when null, while it checks (and reports) null on any other field itself.
 */
function refusedNulls(instance: object): ValidationError[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(instance.constructor, '', true, false);
  const errors: ValidationError[] = [];
  const values = instance as Record<string, unknown>;
  const optional = new Set(metadatas.filter((m) => m.name === IS_OPTIONAL).map((m) => m.propertyName));
  for (const property of optional) {
    if (values[property] === null && !Reflect.getMetadata(NULLABLE, instance, property)) {
      errors.push(validationError(property, { isNotNull: `${property} must not be null` }));
    }
  }
  const nested = new Set(metadatas.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION).map((m) => m.propertyName));
  for (const property of nested) {
    const value = values[property];
    const children = Array.isArray(value)
      ? value.flatMap((item, i) => {
          const inner = isInstance(item) ? refusedNulls(item) : [];
          return inner.length ? [validationError(String(i), {}, inner)] : [];
        })
      : isInstance(value)
        ? refusedNulls(value)
        : [];
    if (children.length) errors.push(validationError(property, {}, children));
  }
  return errors;
}

/** An object built from a class by class-transformer, as opposed to a plain object or a primitive. */
function isInstance(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) !== Object.prototype && !Array.isArray(value);
}

function validationError(property: string, constraints: Record<string, string>, children: ValidationError[] = []): ValidationError {
  return Object.assign(new ValidationError(), { property, constraints, children });
}

export function flatten(errors: ValidationError[], prefix = ''): ProblemFieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property (\S+) should not exist$/, 'is not an accepted field'),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
