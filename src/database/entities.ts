// The tables read and written through TypeORM's repositories. The other tables are read and written
// with SQL (src/database/sql.ts); the schema itself is the reviewed SQL of migrations/, never generated
// from these classes, so they hold only what their repositories use.
import { AuditEvent } from '../audit/audit-event.entity';
import { User } from '../auth/user.entity';
import { Conference } from '../conferences/conference.entity';
import { Incident, IncidentEntry } from '../incidents/incident.entity';
import { RankPolicy } from '../ranking/rank-policy.entity';
import { SlateSuggestion } from '../slates/slate-suggestion.entity';

export const ENTITIES = [User, AuditEvent, Conference, RankPolicy, Incident, IncidentEntry, SlateSuggestion];
