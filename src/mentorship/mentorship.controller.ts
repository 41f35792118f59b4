import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Created } from '../common/http';
import { ApiProblem, ApiProblems, ApiSecured } from '../common/openapi';
import { PageQuery } from '../common/pagination';
import {
  CreateRoundDto,
  CreateSignupDto,
  MatchingView,
  MentorshipReportQuery,
  MentorshipReportView,
  ReplacePairDto,
  RoundPage,
  MyMentorshipView,
  RoundView,
  SignupPage,
  SignupQuery,
  SignupView,
  UpdateSignupDto,
} from './mentorship.dto';
import { MentorshipService } from './mentorship.service';

/**
 * The mentorship programme: coordinators (role mentorship-coordinator) and admins run the rounds and
 * the matching; members sign themselves up and read only their own sign-up.
 */
@ApiTags('mentorship')
@ApiSecured()
@Controller('mentorship/rounds')
export class MentorshipController {
  constructor(private readonly mentorship: MentorshipService) {}

  @Post()
  @Roles('mentorship-coordinator', 'admin')
  @ApiOperation({ summary: 'Open a round: its year, sign-up window and matching day (one round open at a time)' })
  @Created(RoundView, (round) => `mentorship/rounds/${round.id}`)
  @ApiProblems(400, 413, 415)
  @ApiProblem(409, 'A round for that year exists already')
  @ApiProblem(422, 'Dates out of order, or another round is still open (not yet published)')
  create(@Body() dto: CreateRoundDto, @CurrentActor() actor: Actor): Promise<RoundView> {
    return this.mentorship.createRound(dto, actor);
  }

  @Get()
  @Roles('mentorship-coordinator', 'admin', 'member')
  @ApiOperation({ summary: 'The rounds, newest year first, with whether sign-up is open today' })
  @ApiOkResponse({ type: RoundPage })
  @ApiProblems(400)
  list(@Query() page: PageQuery): Promise<RoundPage> {
    return this.mentorship.listRounds(page.limit, page.offset);
  }

  @Get(':id')
  @Roles('mentorship-coordinator', 'admin', 'member')
  @ApiOperation({ summary: 'One round' })
  @ApiOkResponse({ type: RoundView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<RoundView> {
    return this.mentorship.getRound(id);
  }

  @Post(':id/signups')
  @Roles('member', 'mentorship-coordinator', 'admin')
  @ApiOperation({
    summary: 'Sign up as mentor, mentee or both (a member themself; a coordinator or admin for someone, by memberId)',
    description:
      'Identity groups are consented for matching only: stored encrypted and shown to nobody but the person, in ' +
      'their own sign-up; only the person can give them. The audit entry never holds them.',
  })
  @Created(SignupView, (s) => `mentorship/rounds/${s.roundId}/signups/${s.id}`)
  @ApiProblems(400, 404, 413, 415)
  @ApiProblem(403, 'A member naming someone else in memberId')
  @ApiProblem(409, 'Already signed up for this round')
  @ApiProblem(422, 'Outside the sign-up window, a sign-up that does not fit its role, identity groups given for someone else')
  @ApiProblem(503, 'Identity groups given but the encryption key is not configured, or the database is unavailable')
  signUp(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateSignupDto, @CurrentActor() actor: Actor): Promise<SignupView> {
    return this.mentorship.createSignup(id, dto, actor);
  }

  @Get(':id/signups')
  @Roles('member', 'mentorship-coordinator', 'admin')
  @ApiOperation({ summary: "The round's sign-ups (a member: only their own), never anyone else's identity groups" })
  @ApiOkResponse({ type: SignupPage })
  @ApiProblems(400, 404)
  signups(@Param('id', ParseUUIDPipe) id: string, @Query() query: SignupQuery, @CurrentActor() actor: Actor): Promise<SignupPage> {
    return this.mentorship.listSignups(id, query, actor);
  }

  @Get(':id/signups/:signupId')
  @Roles('member', 'mentorship-coordinator', 'admin')
  @ApiOperation({ summary: 'One sign-up; a member reads only their own (with their identity groups)' })
  @ApiOkResponse({ type: SignupView })
  @ApiProblems(400)
  @ApiProblem(404, 'No such sign-up (of yours)')
  signup(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('signupId', ParseUUIDPipe) signupId: string,
    @CurrentActor() actor: Actor,
  ): Promise<SignupView> {
    return this.mentorship.getSignup(id, signupId, actor);
  }

  @Patch(':id/signups/:signupId')
  @Roles('member', 'mentorship-coordinator', 'admin')
  @ApiOperation({ summary: 'Change a sign-up while sign-up is open (identity groups: only the person themself)' })
  @ApiOkResponse({ type: SignupView })
  @ApiProblems(400, 413, 415)
  @ApiProblem(404, 'No such sign-up (of yours)')
  @ApiProblem(409, "Changed since the body's version")
  @ApiProblem(422, 'Outside the sign-up window, or a sign-up that does not fit its role')
  @ApiProblem(503, 'Identity groups given but the encryption key is not configured, or the database is unavailable')
  updateSignup(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('signupId', ParseUUIDPipe) signupId: string,
    @Body() dto: UpdateSignupDto,
    @CurrentActor() actor: Actor,
  ): Promise<SignupView> {
    return this.mentorship.updateSignup(id, signupId, dto, actor);
  }

  @Post(':id/matching')
  @Roles('mentorship-coordinator', 'admin')
  @ApiOperation({
    summary: 'Solve the matching exactly (HiGHS) after sign-up closed; replaces an unpublished proposal',
    description: "Each pair comes with its score's components; who could not be matched is named with the reason.",
  })
  @Created(MatchingView, (m) => `mentorship/rounds/${m.roundId}/matching`)
  @ApiProblems(400, 404)
  @ApiProblem(409, 'The pairs are published already')
  @ApiProblem(422, 'Sign-up has not closed yet')
  solve(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<MatchingView> {
    return this.mentorship.solve(id, actor);
  }

  @Get(':id/matching')
  @Roles('mentorship-coordinator', 'admin')
  @ApiOperation({ summary: "The round's matching: pairs with explained scores, who is unmatched and why, continuations" })
  @ApiOkResponse({ type: MatchingView })
  @ApiProblems(400, 404)
  matching(@Param('id', ParseUUIDPipe) id: string): Promise<MatchingView> {
    return this.mentorship.matching(id);
  }

  @Put(':id/matching/pairs/:pairId')
  @Roles('mentorship-coordinator', 'admin')
  @ApiOperation({ summary: 'Replace a pair with another mentor and mentee, checked against the same rules as the optimiser' })
  @ApiOkResponse({ type: MatchingView })
  @ApiProblems(400, 404, 413, 415)
  @ApiProblem(409, 'The pairs are published already')
  @ApiProblem(422, 'The new pair breaks a rule: same institute, career stage, no common kind, mentor at capacity, mentee paired elsewhere')
  replacePair(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('pairId', ParseUUIDPipe) pairId: string,
    @Body() dto: ReplacePairDto,
    @CurrentActor() actor: Actor,
  ): Promise<MatchingView> {
    return this.mentorship.replacePair(id, pairId, dto, actor);
  }

  @Post(':id/matching/publish')
  @HttpCode(200)
  @Roles('mentorship-coordinator', 'admin')
  @ApiOperation({ summary: 'Publish the pairs: the round closes and each pair is introduced by mail (outbox, same transaction)' })
  @ApiOkResponse({ type: MatchingView })
  @ApiProblems(400, 404)
  @ApiProblem(409, 'Published already')
  @ApiProblem(422, 'No matching to publish yet')
  publish(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<MatchingView> {
    return this.mentorship.publish(id, actor);
  }
}

@ApiTags('mentorship')
@ApiSecured()
@Controller('reports/mentorship')
export class MentorshipReportController {
  constructor(private readonly mentorship: MentorshipService) {}

  @Get()
  @Roles('mentorship-coordinator', 'admin', 'monitor', 'committee')
  @ApiOperation({
    summary: "A round's participants by career stage, region and gender, matched and unmatched, continuation",
    description:
      'Gender counts as in the other reports: noisy for everyone but admins (once sign-up closed), small cells ' +
      'hidden. Identity groups are never reported.',
  })
  @ApiOkResponse({ type: MentorshipReportView })
  @ApiProblems(400, 404)
  report(@Query() query: MentorshipReportQuery, @CurrentActor() actor: Actor): Promise<MentorshipReportView> {
    return this.mentorship.report(query.roundId, actor);
  }
}

/** A member's own pairings, once their round is published: who, from where, for what. */
@ApiTags('mentorship')
@ApiSecured()
@Controller('me/mentorship')
export class MyMentorshipController {
  constructor(private readonly mentorship: MentorshipService) {}

  @Get()
  @Roles('member')
  @ApiOperation({ summary: 'Your mentors and mentees in published rounds (nothing before the coordinators publish)' })
  @ApiOkResponse({ type: MyMentorshipView })
  @ApiProblem(404, 'No member record is linked to your account')
  mine(@CurrentActor() actor: Actor): Promise<MyMentorshipView> {
    return this.mentorship.myPairs(actor);
  }
}
