import { Allocation } from '../allocations/allocation.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { User } from '../auth/user.entity';
import { Conference, Slot } from '../conferences/conference.entity';
import { Incident, IncidentEntry } from '../incidents/incident.entity';
import { Institute } from '../members/institute.entity';
import { Member, MemberAffiliation, MemberCareerStage } from '../members/member.entity';
import { Region, RegionCountry } from '../members/region.entity';
import { Nomination } from '../nominations/nomination.entity';
import { RankPolicy } from '../ranking/rank-policy.entity';
import { SlateSuggestion } from '../slates/slate-suggestion.entity';
import { Talk } from '../talks/talk.entity';

export const ENTITIES = [
  User, AuditEvent, Region, RegionCountry, Institute, Member, MemberCareerStage, MemberAffiliation,
  Conference, Slot, Talk, Nomination, RankPolicy, Allocation,
  Incident, IncidentEntry, SlateSuggestion,
];
