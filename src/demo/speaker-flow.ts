// The speaker's side in the demo: venues and time zones for the next conferences, a timed programme
// with rooms, invitations with answer deadlines (and their mails in the outbox), some answered through
// the link in the mail, and the committee's digest. Made through the service's own code, so every
// row, mail and audit entry is what real use would leave.
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AllocationsService } from '../allocations/allocations.service';
import { Actor } from '../auth/actor';
import { ConferencesService } from '../conferences/conferences.service';
import { SlotsService } from '../conferences/slots.service';
import { ProblemException } from '../common/problem';
import { DEFAULT_TALK_MINUTES } from '../allocations/programme-export';
import { RankingService } from '../ranking/ranking.service';
import { CommitteeDigest } from '../speakers/committee-digest';
import { InvitationAnswers } from '../speakers/invitation-answers.service';

/** Where the demo's hosts hold their conferences. */
const VENUES: Record<string, { city: string; timeZone: string }> = {
  US: { city: 'Chicago', timeZone: 'America/Chicago' },
  CH: { city: 'Geneva', timeZone: 'Europe/Zurich' },
  DE: { city: 'Hamburg', timeZone: 'Europe/Berlin' },
  IT: { city: 'Frascati', timeZone: 'Europe/Rome' },
  FR: { city: 'Paris', timeZone: 'Europe/Paris' },
  GB: { city: 'Oxford', timeZone: 'Europe/London' },
  JP: { city: 'Tsukuba', timeZone: 'Asia/Tokyo' },
  CN: { city: 'Beijing', timeZone: 'Asia/Shanghai' },
  ES: { city: 'Valencia', timeZone: 'Europe/Madrid' },
  CZ: { city: 'Prague', timeZone: 'Europe/Prague' },
  KR: { city: 'Daejeon', timeZone: 'Asia/Seoul' },
  IN: { city: 'Mumbai', timeZone: 'Asia/Kolkata' },
  RU: { city: 'Dubna', timeZone: 'Europe/Moscow' },
  BR: { city: 'São Paulo', timeZone: 'America/Sao_Paulo' },
};
const DEFAULT_VENUE = { city: 'Geneva', timeZone: 'Europe/Zurich' };
const ROOMS = ['Main Auditorium', 'Room B', 'Room C'];
const TALKS_PER_DAY = 6;

export interface SpeakerFlowResult {
  conferences: number;
  invitations: number;
  answered: number;
  mails: number;
}

/** Runs once on a demo database (nothing happens when the outbox already holds mail). */
export async function demoSpeakerFlow(app: INestApplication, committeeEmail = 'committee@demo.example'): Promise<SpeakerFlowResult | null> {
  const db = app.get(DataSource);
  if ((await db.query(`SELECT 1 FROM mail_outbox LIMIT 1`)).length) return null;
  const [user] = await db.query(`SELECT id, name, roles FROM app_user WHERE lower(email) = $1`, [committeeEmail]);
  if (!user) return null;
  const actor: Actor = { id: user.id, name: user.name, roles: user.roles, requestId: 'demo' };
  const conferences: Array<{ id: string; country: string | null; startDate: string }> = await db.query(
    `SELECT c.id, c.country, c.start_date AS "startDate" FROM conference c
     WHERE c.start_date > current_date
       AND EXISTS (SELECT 1 FROM slot s JOIN nomination n ON n.slot_id = s.id WHERE s.conference_id = c.id AND n.status IN ('submitted', 'shortlisted'))
     ORDER BY c.start_date, c.id LIMIT 2`,
  );
  let invitations = 0;
  for (const conference of conferences) {
    await app
      .get(ConferencesService)
      .update(conference.id, { ...(VENUES[conference.country ?? ''] ?? DEFAULT_VENUE), respondWithinDays: 10 }, actor);
    const slots: Array<{ id: string; talkType: string }> = await db.query(
      `SELECT id, talk_type AS "talkType" FROM slot WHERE conference_id = $1 ORDER BY talk_type, title, id`,
      [conference.id],
    );
    for (const [k, slot] of slots.entries()) {
      const day = new Date(`${conference.startDate}T00:00:00Z`);
      day.setUTCDate(day.getUTCDate() + Math.floor(k / TALKS_PER_DAY));
      const minutes = 9 * 60 + (k % TALKS_PER_DAY) * 45;
      const startsAt = `${day.toISOString().slice(0, 10)}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      await app.get(SlotsService).update(
        slot.id,
        {
          startsAt,
          durationMinutes: Math.min(40, DEFAULT_TALK_MINUTES[slot.talkType] ?? 30),
          room: ROOMS[k % ROOMS.length],
        },
        actor,
      );
    }
    // The committee invites the best-ranked available nominee of the first slots that have a free seat.
    for (const slot of slots.slice(0, 8)) {
      const ranked = await app.get(RankingService).candidatesForSlot(slot.id);
      const best = ranked.find((c) => c.nominationStatus === 'submitted' || c.nominationStatus === 'shortlisted');
      if (!best) continue;
      try {
        await app
          .get(AllocationsService)
          .allocate(slot.id, { memberId: best.memberId, rationale: 'Best-ranked nominee still available' }, actor);
        invitations += 1;
      } catch (error) {
        if (!(error instanceof ProblemException)) throw error;
      }
    }
  }
  // Some speakers answer through the link in their mail: three accept, one declines.
  const mails: Array<{ body: string }> = await db.query(
    `SELECT body FROM mail_outbox WHERE kind = 'invitation' ORDER BY created_at, id LIMIT 4`,
  );
  let answered = 0;
  for (const [i, mail] of mails.entries()) {
    const token = /#(\S+)/.exec(mail.body)?.[1];
    if (!token) continue;
    await app.get(InvitationAnswers).answer(token, i < 3 ? 'accepted' : 'declined', i < 3 ? undefined : 'Teaching that week');
    answered += 1;
  }
  await app.get(CommitteeDigest).send();
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM mail_outbox`);
  return { conferences: conferences.length, invitations, answered, mails: n };
}
