// Every migration, in order. Listed explicitly so the same list works compiled and under Jest.
import { CreateCoreSchema1764000000000 } from './1764000000000-CreateCoreSchema';
import { CreateIncidentTables1764100000000 } from './1764100000000-CreateIncidentTables';
import { CreateSlateSuggestions1764200000000 } from './1764200000000-CreateSlateSuggestions';
import { AddTalkRankingWindowIndex1764300000000 } from './1764300000000-AddTalkRankingWindowIndex';
import { AddChangeNotifications1764400000000 } from './1764400000000-AddChangeNotifications';
import { AddRecordKeys1764500000000 } from './1764500000000-AddRecordKeys';
import { AddReportNoiseKey1764650000000 } from './1764650000000-AddReportNoiseKey';
import { AddUserDisabledAndAdminTokenMark1764700000000 } from './1764700000000-AddUserDisabledAndAdminTokenMark';

export const MIGRATIONS = [CreateCoreSchema1764000000000, CreateIncidentTables1764100000000, CreateSlateSuggestions1764200000000,
  AddTalkRankingWindowIndex1764300000000, AddChangeNotifications1764400000000, AddRecordKeys1764500000000,
  AddReportNoiseKey1764650000000, AddUserDisabledAndAdminTokenMark1764700000000,
];
