import type { DatabaseKey } from './config';
import type { UserEntry } from '../../lib/model/types';

// No people: this fleet is reached by applications only (see services.ts).
export const users: readonly UserEntry<DatabaseKey>[] = [];
