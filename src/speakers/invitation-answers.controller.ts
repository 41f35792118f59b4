import { Body, Controller, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/actor';
import { ApiProblem, ApiPublic } from '../common/openapi';
import { DeclineReasonDto, InvitationLinkView } from './invitation-answers.dto';
import { InvitationAnswers } from './invitation-answers.service';

const TOKEN_HEADER = 'invitation-token';

/**
 * The answer link of an invitation mail. Its token is a credential, so it travels in a header (the
 * answer page reads it from the link's fragment), never in a URL that logs and proxies keep.
 */
@ApiTags('invitations')
@ApiHeader({ name: 'Invitation-Token', required: true, description: 'The token after # in the link of the invitation or reminder mail' })
// No bearer token: the link's token is the credential.
@ApiPublic()
@ApiProblem(404, 'The token is not one the service issued')
@ApiProblem(410, "The link expired with the invitation's deadline")
@Controller('invitation-link')
export class InvitationAnswersController {
  constructor(private readonly answers: InvitationAnswers) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The invitation the link is for: slot, conference, times, place and the answer deadline' })
  @ApiOkResponse({ type: InvitationLinkView })
  @ApiProblem(400, 'No Invitation-Token header')
  read(@Headers(TOKEN_HEADER) token: string | undefined, @Res({ passthrough: true }) res: Response): Promise<InvitationLinkView> {
    res.setHeader('Cache-Control', 'no-store');
    return this.answers.read(token);
  }

  @Post('accept')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept the invitation (uses the link up)' })
  @ApiOkResponse({ type: InvitationLinkView })
  @ApiProblem(400, 'No Invitation-Token header')
  @ApiProblem(409, 'The link was used already, or the invitation is no longer open')
  accept(@Headers(TOKEN_HEADER) token: string | undefined, @Res({ passthrough: true }) res: Response): Promise<InvitationLinkView> {
    res.setHeader('Cache-Control', 'no-store');
    return this.answers.answer(token, 'accepted');
  }

  @Post('decline')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline the invitation, optionally saying why (uses the link up; never counts against the speaker)' })
  @ApiOkResponse({ type: InvitationLinkView })
  @ApiProblem(400, 'No token, an unknown field or a reason that is not text')
  @ApiProblem(413)
  @ApiProblem(415)
  @ApiProblem(422, 'A reason that breaks a rule of the lifecycle')
  @ApiProblem(409, 'The link was used already, or the invitation is no longer open')
  decline(
    @Headers(TOKEN_HEADER) token: string | undefined,
    @Body() dto: DeclineReasonDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<InvitationLinkView> {
    res.setHeader('Cache-Control', 'no-store');
    return this.answers.answer(token, 'declined', dto.reason, dto.category);
  }
}
