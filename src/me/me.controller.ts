import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Created, IfMatchHeader, precondition, underPrecondition } from '../common/http';
import { ApiProblem, ApiProblems, ApiSecured } from '../common/openapi';
import { PageQuery } from '../common/pagination';
import { EligibilityQuery, EligibilityView } from '../ranking/ranking.dto';
import {
  AcceptInvitationDto,
  DeclineInvitationDto,
  MyActivityPage,
  MyInvitationPage,
  MyInvitationView,
  MyNominationPage,
  MyRecordView,
  MyTalkPage,
  NominationDisclosurePolicyDto,
  NominationDisclosurePolicyView,
  UpdateMyRecordDto,
} from './me.dto';
import { MeService } from './me.service';

/**
 * A member's own data, for the person it is about (role member: signed in through the identity
 * provider and linked to their member record). Nothing here takes another member's id: every answer
 * is about the member of the request, and an invitation id that is not theirs is simply not found.
 */
@ApiTags('me')
@ApiSecured()
@Controller('me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @Roles('member')
  @ApiOperation({ summary: 'Your member record: institute, career stage and their histories, and your self-declared gender' })
  @ApiOkResponse({ type: MyRecordView })
  @ApiProblem(404, 'No member record is linked to your account')
  record(@CurrentActor() actor: Actor): Promise<MyRecordView> {
    return this.me.record(actor);
  }

  @Patch()
  @Roles('member')
  @ApiOperation({
    summary: 'Change your self-declared gender or contact e-mail',
    description:
      'Audited: the entry names the fields changed, never the gender itself, and is readable only by admins and ' +
      "by you (GET /me/activity). Everything else about your record is kept by the collaboration's admins.",
  })
  @IfMatchHeader()
  @ApiOkResponse({ type: MyRecordView })
  @ApiProblem(400, 'An unknown field (only gender and email can be changed here), or a malformed value')
  @ApiProblems(404, 412, 413, 415)
  @ApiProblem(409, "Your record changed since the body's version, or the e-mail cannot be used")
  update(
    @Body() dto: UpdateMyRecordDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<MyRecordView> {
    return underPrecondition(precondition(ifMatch, dto.version), (version) =>
      this.me.update(actor, dto, version === undefined ? [] : [version]),
    );
  }

  @Get('talks')
  @Roles('member')
  @ApiOperation({ summary: 'Your talk history, newest first: what your eligibility is computed from' })
  @ApiOkResponse({ type: MyTalkPage })
  @ApiProblems(400, 404)
  talks(@Query() page: PageQuery, @CurrentActor() actor: Actor): Promise<MyTalkPage> {
    return this.me.talks(actor, page.limit, page.offset);
  }

  @Get('eligibility')
  @Roles('member')
  @ApiOperation({
    summary: "Your eligibility score with its breakdown: each counted talk's age, decay and weight, your career bonus and the policy",
  })
  @ApiOkResponse({ type: EligibilityView })
  @ApiProblems(400, 404)
  @ApiProblem(422, 'The rank policy version asked for does not exist')
  eligibility(@Query() query: EligibilityQuery, @CurrentActor() actor: Actor): Promise<EligibilityView> {
    return this.me.eligibility(actor, query);
  }

  @Get('nominations')
  @Roles('member')
  @ApiOperation({
    summary: "Nominations of you and where they stand; who nominated you and why only if the committee's disclosure policy says so",
  })
  @ApiOkResponse({ type: MyNominationPage })
  @ApiProblems(400, 404)
  nominations(@Query() page: PageQuery, @CurrentActor() actor: Actor): Promise<MyNominationPage> {
    return this.me.nominations(actor, page.limit, page.offset);
  }

  @Get('invitations')
  @Roles('member')
  @ApiOperation({ summary: 'Your invitations to speak, newest first, with what you can answer now' })
  @ApiOkResponse({ type: MyInvitationPage })
  @ApiProblems(400, 404)
  invitations(@Query() page: PageQuery, @CurrentActor() actor: Actor): Promise<MyInvitationPage> {
    return this.me.invitations(actor, page.limit, page.offset);
  }

  @Get('invitations/:id')
  @Roles('member')
  @ApiOperation({ summary: 'One of your invitations, with what you can answer now' })
  @ApiOkResponse({ type: MyInvitationView })
  @ApiProblems(400)
  @ApiProblem(404, 'No such invitation of yours')
  invitation(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<MyInvitationView> {
    return this.me.invitation(actor, id);
  }

  @Post('invitations/:id/accept')
  @HttpCode(200)
  @Roles('member')
  @ApiOperation({ summary: 'Accept an invitation: the talk is recorded in your history' })
  @IfMatchHeader()
  @ApiOkResponse({ type: MyInvitationView })
  @ApiProblems(400, 412, 413, 415)
  @ApiProblem(404, 'No such invitation of yours')
  @ApiProblem(409, "Already answered, withdrawn or expired, or changed since the body's version")
  accept(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AcceptInvitationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<MyInvitationView> {
    return underPrecondition(precondition(ifMatch, dto?.version), (version) => this.me.answer(actor, id, 'accepted', {}, version));
  }

  @Post('invitations/:id/decline')
  @HttpCode(200)
  @Roles('member')
  @ApiOperation({ summary: 'Decline an invitation, with a reason if you wish: a decline never counts against you' })
  @IfMatchHeader()
  @ApiOkResponse({ type: MyInvitationView })
  @ApiProblems(400, 412, 413, 415)
  @ApiProblem(404, 'No such invitation of yours')
  @ApiProblem(409, "Already answered, withdrawn or expired, or changed since the body's version")
  decline(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DeclineInvitationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<MyInvitationView> {
    return underPrecondition(precondition(ifMatch, dto?.version), (version) => this.me.answer(actor, id, 'declined', dto ?? {}, version));
  }

  @Get('activity')
  @Roles('member')
  @ApiOperation({
    summary: "The audit log's entries about your record and account, and your own answers, newest first",
    description:
      'Includes changes of your self-declared gender (which fields changed, never the value): besides admins, only you see them.',
  })
  @ApiOkResponse({ type: MyActivityPage })
  @ApiProblems(400, 404)
  activity(@Query() page: PageQuery, @CurrentActor() actor: Actor): Promise<MyActivityPage> {
    return this.me.activity(actor, page.limit, page.offset);
  }
}

/** What members are told about nominations of them: the committee decides, every version is kept. */
@ApiTags('me')
@ApiSecured()
@Controller('nomination-disclosure-policy')
export class NominationDisclosureController {
  constructor(private readonly me: MeService) {}

  @Get()
  @Roles('committee', 'admin', 'member')
  @ApiOperation({ summary: 'Whether members see who nominated them and why (GET /me/nominations)' })
  @ApiOkResponse({ type: NominationDisclosurePolicyView })
  current(): Promise<NominationDisclosurePolicyView> {
    return this.me.disclosurePolicy();
  }

  @Put()
  @Roles('committee')
  @ApiOperation({ summary: 'A new version of the disclosure policy (audited); it applies to every answer from now on' })
  @Created(NominationDisclosurePolicyView, () => 'nomination-disclosure-policy', 'The new version, in force from now on')
  @ApiProblem(400, 'showNominator and showReason are required booleans')
  @ApiProblems(413, 415)
  @HttpCode(201)
  set(@Body() dto: NominationDisclosurePolicyDto, @CurrentActor() actor: Actor): Promise<NominationDisclosurePolicyView> {
    return this.me.setDisclosurePolicy(dto, actor);
  }
}
