// The programme's JSON answer as OpenAPI schemas; each class implements the interface the answer is
// built as, so the compiler holds the documentation to it.
import { ApiProperty } from '@nestjs/swagger';
import { ALLOCATION_STATUSES, AllocationStatus, CONFERENCE_TIERS, TALK_TYPES, TalkType } from '../common/enums';
import { ProgrammeConference } from './programme-export';
import { Programme, ProgrammeSlot, ProgrammeSpeaker } from './programme.service';

export class ProgrammeSpeakerView implements ProgrammeSpeaker {
  @ApiProperty() allocationId: string;
  @ApiProperty({ enum: ALLOCATION_STATUSES }) status: AllocationStatus;
  @ApiProperty() memberId: string;
  @ApiProperty() name: string;
  @ApiProperty() instituteId: string;
  @ApiProperty() instituteName: string;
  @ApiProperty() region: string;
  @ApiProperty() updatedAt: Date;
  @ApiProperty({ nullable: true, type: Date, description: "An open invitation's deadline" }) respondBy: Date | null;
}

export class ProgrammeSlotView implements ProgrammeSlot {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: TALK_TYPES }) talkType: TalkType;
  @ApiProperty({ nullable: true, type: String }) topic: string | null;
  @ApiProperty() seats: number;
  @ApiProperty({ description: 'Seats held by invited or accepted speakers' }) seatsTaken: number;
  @ApiProperty({ nullable: true, type: Date }) startsAt: Date | null;
  @ApiProperty({ nullable: true, type: Number }) durationMinutes: number | null;
  @ApiProperty({ nullable: true, type: Date }) endsAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) room: string | null;
  @ApiProperty({ nullable: true, type: String, description: "startsAt at the venue (the conference's time zone, else UTC)" })
  startsLocal: string | null;
  @ApiProperty({ type: [ProgrammeSpeakerView] }) allocations: ProgrammeSpeakerView[];
}

export class ProgrammeConferenceView implements ProgrammeConference {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: '2027-07-14' }) startDate: string;
  @ApiProperty({ example: '2027-07-21' }) endDate: string;
  @ApiProperty({ nullable: true, type: String }) country: string | null;
  @ApiProperty({ nullable: true, type: String }) city: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Asia/Tokyo' }) timeZone: string | null;
  @ApiProperty({ enum: CONFERENCE_TIERS }) tier: string;
}

export class ProgrammeView implements Programme {
  @ApiProperty({ type: ProgrammeConferenceView }) conference: ProgrammeConferenceView;
  @ApiProperty({ type: [ProgrammeSlotView] }) slots: ProgrammeSlotView[];
}
