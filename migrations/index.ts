// Every migration, in order. Listed explicitly so the same list works compiled and under Jest.
import { CreateCoreSchema1764000000000 } from './1764000000000-CreateCoreSchema';
import { CreateIncidentTables1764100000000 } from './1764100000000-CreateIncidentTables';
import { CreateSlateSuggestions1764200000000 } from './1764200000000-CreateSlateSuggestions';
import { AddTalkRankingWindowIndex1764300000000 } from './1764300000000-AddTalkRankingWindowIndex';
import { AddChangeNotifications1764400000000 } from './1764400000000-AddChangeNotifications';
import { AddRecordKeys1764500000000 } from './1764500000000-AddRecordKeys';
import { AddReportNoiseKey1764650000000 } from './1764650000000-AddReportNoiseKey';
import { AddUserDisabledAndAdminTokenMark1764700000000 } from './1764700000000-AddUserDisabledAndAdminTokenMark';
import { AddMemberSignIn1764800000000 } from './1764800000000-AddMemberSignIn';
import { RecordNominatorMember1764810000000 } from './1764810000000-RecordNominatorMember';
import { CreateDiversityOfficeBox1764820000000 } from './1764820000000-CreateDiversityOfficeBox';
import { AddNominationDisclosurePolicy1764830000000 } from './1764830000000-AddNominationDisclosurePolicy';
import { AddProgrammeTimesAndVenues1764900000000 } from './1764900000000-AddProgrammeTimesAndVenues';
import { AddInvitationDeadlines1764910000000 } from './1764910000000-AddInvitationDeadlines';
import { CreateMailOutbox1764920000000 } from './1764920000000-CreateMailOutbox';
import { AddDeclineCategoriesAndAuthorship1764930000000 } from './1764930000000-AddDeclineCategoriesAndAuthorship';
import { CreateMentorshipProgramme1765100000000 } from './1765100000000-CreateMentorshipProgramme';
import { CreateLeadershipPositions1765200000000 } from './1765200000000-CreateLeadershipPositions';
import { AddWithdrawalMail1765300000000 } from './1765300000000-AddWithdrawalMail';
import { IncludeTalkIdInMemberDateIndex1765350000000 } from './1765350000000-IncludeTalkIdInMemberDateIndex';
import { MaintainRankBasis1765400000000 } from './1765400000000-MaintainRankBasis';
import { MaintainTalkTally1765500000000 } from './1765500000000-MaintainTalkTally';
import { MaintainMemberTally1765600000000 } from './1765600000000-MaintainMemberTally';

export const MIGRATIONS = [
  CreateCoreSchema1764000000000,
  CreateIncidentTables1764100000000,
  CreateSlateSuggestions1764200000000,
  AddTalkRankingWindowIndex1764300000000,
  AddChangeNotifications1764400000000,
  AddRecordKeys1764500000000,
  AddReportNoiseKey1764650000000,
  AddUserDisabledAndAdminTokenMark1764700000000,
  AddMemberSignIn1764800000000,
  RecordNominatorMember1764810000000,
  CreateDiversityOfficeBox1764820000000,
  AddNominationDisclosurePolicy1764830000000,
  AddProgrammeTimesAndVenues1764900000000,
  AddInvitationDeadlines1764910000000,
  CreateMailOutbox1764920000000,
  AddDeclineCategoriesAndAuthorship1764930000000,
  CreateMentorshipProgramme1765100000000,
  CreateLeadershipPositions1765200000000,
  AddWithdrawalMail1765300000000,
  IncludeTalkIdInMemberDateIndex1765350000000,
  MaintainRankBasis1765400000000,
  MaintainTalkTally1765500000000,
  MaintainMemberTally1765600000000,
];
