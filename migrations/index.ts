// Every migration, in order. Listed explicitly so the same list works compiled and under Jest.
import { CreateCoreSchema1764000000000 } from './1764000000000-CreateCoreSchema';

export const MIGRATIONS = [CreateCoreSchema1764000000000];
