import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ALLOCATION_STATUSES, AllocationStatus, DECLINE_CATEGORIES, DeclineCategory } from '../common/enums';
import { Trimmed } from '../members/validators';

/** The optional free-text reason of a decline or withdrawal: read by the committee only. */
export function DeclineReasonField(description: string): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ maxLength: 4000, description }), IsOptional(), Trimmed(), IsString(), Length(1, 4000));
}

/** The optional kind of reason of a decline, counted in the declines report. */
export function DeclineCategoryField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      enum: DECLINE_CATEGORIES,
      description:
        'What kind of reason a decline had (funding, travel (incl. visa), schedule, family, other): counted in the declines report; the free-text reason stays with the committee',
    }),
    IsOptional(),
    IsIn(DECLINE_CATEGORIES, { message: `category must be one of: ${DECLINE_CATEGORIES.join(', ')}` }),
  );
}

/** A decline's optional reason and category: the whole body through the answer link, and part of a member's own decline (me.dto). */
export class DeclineReasonDto {
  @DeclineReasonField(
    'Why, if the speaker wishes to say: read by the committee only, never counted against them, never audited, mailed or reported',
  )
  reason?: string;

  @DeclineCategoryField()
  category?: DeclineCategory;
}

export class InvitationSlotView {
  @ApiProperty() title: string;
  @ApiProperty() talkType: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-07-16T07:30:00.000Z' }) startsAt: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Thursday, 16 July 2026, 09:30 (Europe/Prague)' }) startsLocal: string | null;
  @ApiProperty({ description: "The slot's length, or the usual length of its talk type" }) durationMinutes: number;
  @ApiProperty({ nullable: true, type: String }) room: string | null;
}

export class InvitationConferenceView {
  @ApiProperty() name: string;
  @ApiProperty({ example: '2026-07-15' }) startDate: string;
  @ApiProperty({ example: '2026-07-22' }) endDate: string;
  @ApiProperty({ nullable: true, type: String, example: 'Prague, Czechia' }) location: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Europe/Prague' }) timeZone: string | null;
}

/** What the speaker sees through the answer link: their own invitation, nothing of anyone else's. */
export class InvitationLinkView {
  @ApiProperty({ format: 'uuid' }) allocationId: string;
  @ApiProperty() speakerName: string;
  @ApiProperty({ enum: ALLOCATION_STATUSES }) status: AllocationStatus;
  @ApiProperty({ nullable: true, type: Date }) respondBy: Date | null;
  @ApiProperty({ description: 'Whether this link can still accept or decline' }) canAnswer: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['accepted', 'declined'],
    description: 'The answer given with this link, if it was used',
  })
  answeredWithThisLink: 'accepted' | 'declined' | null;
  @ApiProperty({ type: InvitationSlotView }) slot: InvitationSlotView;
  @ApiProperty({ type: InvitationConferenceView }) conference: InvitationConferenceView;
}
