// The SQL of allocations: invitations and their lifecycle, their answer links, the mail facts, the
// programme, and the balance counts (one query per dimension) that the preview is made of. Reads
// allocation, slot, conference, member, nomination, institute, institute_region, region, talk,
// app_user, invitation_link, invitation_link_key. Writes allocation, talk (a withdrawn talk's
// deletion), invitation_link and invitation_link_key.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AllocationStatus, CAREER_STAGES, DeclineCategory, TalkType } from '../common/enums';
import { StatementParts } from '../database/sql';
import { AllocationQuery, AllocationView } from './allocations.dto';
import { BalanceCounts, BalancePreview, balanceTable } from './balance-preview';
import { DEFAULT_TALK_MINUTES, ProgrammeConference } from './programme-export';

const ALLOCATION_SELECT = `
  SELECT a.id, a.slot_id AS "slotId", s.conference_id AS "conferenceId", a.member_id AS "memberId",
         m.name AS "memberName", a.nomination_id AS "nominationId", a.status, a.version,
         a.rank_at_allocation AS "rankAtAllocation", a.score_at_allocation AS "scoreAtAllocation",
         a.policy_version AS "policyVersion", a.rationale, a.decline_reason AS reason,
         a.allocated_by AS "allocatedBy", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
         a.responded_at AS "respondedAt", t.id AS "talkId",
         CASE WHEN a.status = 'invited' THEN a.respond_by END AS "respondBy"
  FROM allocation a
  JOIN slot s ON s.id = a.slot_id
  JOIN member m ON m.id = a.member_id
  LEFT JOIN talk t ON t.allocation_id = a.id`;

/**
 * Speakers are counted by the institute and stage recorded on their nomination (what the committee
 * saw when choosing); members by what they are today. Dimensions are fixed here, never user input.
 */
const DIMENSIONS = {
  region: {
    speaker: 'sr.region_code',
    speakerJoin: 'JOIN institute_region sr ON sr.institute_id = n.institute_id',
    member: 'mr.region_code',
    memberJoin: 'JOIN institute_region mr ON mr.institute_id = m.institute_id',
    order: 'LEFT JOIN region o ON o.code = v.value GROUP BY v.value, o.position ORDER BY o.position NULLS LAST, v.value',
  },
  careerStage: {
    speaker: 'n.career_stage',
    speakerJoin: '',
    member: 'm.career_stage',
    memberJoin: '',
    order: `GROUP BY v.value ORDER BY array_position(ARRAY['${CAREER_STAGES.join("','")}'], v.value), v.value`,
  },
} as const;

/**
 * The conference's speakers (invited and accepted allocations) now and as they were before this
 * allocation's change, next to the current membership. `heldSeatBefore` says whether the allocation
 * counted as a speaker before the change (false for a new invitation and for a plain read).
 */
async function balancePreview(
  manager: EntityManager,
  conferenceId: string,
  allocationId: string,
  heldSeatBefore: boolean,
): Promise<BalancePreview> {
  const counts = async (dimension: keyof typeof DIMENSIONS): Promise<BalanceCounts[]> => {
    const d = DIMENSIONS[dimension];
    return manager.query(
      `SELECT v.value,
              count(*) FILTER (WHERE v.speaker AND v.before)::int AS before,
              count(*) FILTER (WHERE v.speaker AND v.after)::int AS after,
              count(*) FILTER (WHERE NOT v.speaker)::int AS members
       FROM (
         SELECT ${d.speaker} AS value, true AS speaker,
                CASE WHEN a.id = $2 THEN $3::boolean ELSE a.status IN ('invited', 'accepted') END AS before,
                a.status IN ('invited', 'accepted') AS after
         FROM allocation a
         JOIN slot s ON s.id = a.slot_id
         JOIN nomination n ON n.id = a.nomination_id
         ${d.speakerJoin}
         WHERE s.conference_id = $1 AND (a.status IN ('invited', 'accepted') OR a.id = $2)
         UNION ALL
         SELECT ${d.member}, false, false, false
         FROM member m
         ${d.memberJoin}
         WHERE m.left_on IS NULL OR m.left_on > current_date
       ) v
       ${d.order}`,
      [conferenceId, allocationId, heldSeatBefore],
    );
  };
  const region = await counts('region');
  const careerStage = await counts('careerStage');
  return {
    conferenceId,
    region: balanceTable(region),
    careerStage: balanceTable(careerStage, CAREER_STAGES),
  };
}

export interface SpeakerClash {
  kind: 'same-conference' | 'overlapping-times';
  allocationId: string;
  slotId: string;
  slotTitle: string;
  conferenceName: string;
  status: 'invited' | 'accepted';
  message: string;
}

/** A slot's length in SQL: its own, else the usual length of its talk type (as in the calendar export). */
const SLOT_MINUTES = (s: string) =>
  `COALESCE(${s}.duration_minutes, CASE ${s}.talk_type ${Object.entries(DEFAULT_TALK_MINUTES)
    .map(([type, minutes]) => `WHEN '${type}' THEN ${minutes}`)
    .join(' ')} ELSE 30 END)`;
const SLOT_SPAN = (s: string) => `tstzrange(${s}.starts_at, ${s}.starts_at + make_interval(mins => ${SLOT_MINUTES(s)}))`;

/**
 * The speaker's other invited or accepted talks that this allocation clashes with: another talk at the
 * same conference, or one whose time overlaps (at any conference). Warnings, not refusals: the
 * committee may mean it.
 */
async function speakerClashes(manager: EntityManager, allocationId: string): Promise<SpeakerClash[]> {
  const rows: Array<Omit<SpeakerClash, 'kind' | 'message'> & { sameConference: boolean; overlaps: boolean }> = await manager.query(
    `SELECT o.id AS "allocationId", o.slot_id AS "slotId", os.title AS "slotTitle", oc.name AS "conferenceName", o.status,
            os.conference_id = s.conference_id AS "sameConference",
            COALESCE(s.starts_at IS NOT NULL AND os.starts_at IS NOT NULL AND ${SLOT_SPAN('s')} && ${SLOT_SPAN('os')}, false) AS overlaps
     FROM allocation a
     JOIN slot s ON s.id = a.slot_id
     JOIN allocation o ON o.member_id = a.member_id AND o.id <> a.id AND o.status IN ('invited', 'accepted')
     JOIN slot os ON os.id = o.slot_id
     JOIN conference oc ON oc.id = os.conference_id
     WHERE a.id = $1
     ORDER BY os.starts_at NULLS LAST, o.created_at, o.id`,
    [allocationId],
  );
  return rows.flatMap(({ sameConference, overlaps, ...other }) => [
    ...(overlaps
      ? [
          {
            ...other,
            kind: 'overlapping-times' as const,
            message: `The speaker is ${other.status} for "${other.slotTitle}" (${other.conferenceName}) at an overlapping time`,
          },
        ]
      : []),
    ...(sameConference && !overlaps
      ? [
          {
            ...other,
            kind: 'same-conference' as const,
            message: `The speaker is also ${other.status} for "${other.slotTitle}" at ${other.conferenceName}`,
          },
        ]
      : []),
  ]);
}

/** An invitation with everything its mails say. */
export interface InvitationRow {
  id: string;
  status: string;
  nominationId: string;
  memberName: string;
  email: string | null;
  institute: string | null;
  respondBy: Date | null;
  updatedAt: Date;
  slotId: string;
  slotTitle: string;
  talkType: string;
  startsAt: Date | null;
  durationMinutes: number | null;
  room: string | null;
  slotDays: number | null;
  conference: ProgrammeConference & { respondWithinDays: number | null };
}

const INVITATION = `
  SELECT a.id, a.status, a.nomination_id AS "nominationId", m.name AS "memberName", m.email, i.name AS institute,
         a.respond_by AS "respondBy", a.updated_at AS "updatedAt",
         s.id AS "slotId", s.title AS "slotTitle", s.talk_type AS "talkType", s.starts_at AS "startsAt",
         s.duration_minutes AS "durationMinutes", s.room, s.respond_within_days AS "slotDays",
         json_build_object('id', c.id, 'name', c.name, 'startDate', c.start_date, 'endDate', c.end_date, 'country', c.country,
                           'city', c.city, 'timeZone', c.time_zone, 'respondWithinDays', c.respond_within_days) AS conference
  FROM allocation a
  JOIN member m ON m.id = a.member_id
  LEFT JOIN institute i ON i.id = m.institute_id
  JOIN slot s ON s.id = a.slot_id
  JOIN conference c ON c.id = s.conference_id
  WHERE a.id = $1`;

/** One slot of a programme with one of its allocations (none: the allocation's columns are null). */
export interface ProgrammeRow {
  slotId: string;
  title: string;
  talkType: TalkType;
  topic: string | null;
  seats: number;
  startsAt: Date | null;
  durationMinutes: number | null;
  room: string | null;
  allocationId: string | null;
  status: AllocationStatus | null;
  memberId: string;
  name: string;
  instituteId: string;
  instituteName: string;
  region: string;
  updatedAt: Date;
  respondBy: Date | null;
}

/** The allocation as its status change reads it, locked. */
export interface LockedAllocation {
  id: string;
  slotId: string;
  memberId: string;
  nominationId: string;
  status: AllocationStatus;
  version: number;
}

export interface RemovedTalk {
  id: string;
  memberId: string;
  conferenceId: string;
  talkType: string;
  date: string;
  allocationId: string;
}

/** A nomination whose nominator hears the outcome of a slot. */
export interface NominationOutcome {
  id: string;
  nominee: string;
  nominator: string;
  email: string | null;
  selected: boolean;
}

/** What an invitation is created with: the nomination it answers, the committee's reasons, who made it. */
export interface AllocationRecord {
  slotId: string;
  memberId: string;
  nominationId: string;
  rationale: string | null;
  rankAtAllocation: number | null;
  scoreAtAllocation: number | null;
  policyVersion: number;
  allocatedBy: string;
}

@Injectable()
export class AllocationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Allocations as the committee reads them.

  async allocation(manager: EntityManager, id: string): Promise<AllocationView | undefined> {
    const [row] = await manager.query(`${ALLOCATION_SELECT} WHERE a.id = $1`, [id]);
    return row;
  }

  /** A page of allocations, with the total of the whole filtered list when the page has rows. */
  async allocations(q: AllocationQuery): Promise<Array<AllocationView & { total: number }>> {
    const p = new StatementParts();
    const query = p.query(`SELECT x.*, count(*) OVER ()::int AS total FROM (${ALLOCATION_SELECT}
         WHERE ${allocationFilter(p, q)}) x
       ORDER BY x."createdAt", x.id
       LIMIT ${p.add(q.limit, 'int')} OFFSET ${p.add(q.offset, 'int')}`);
    return this.dataSource.query(query.text, query.values);
  }

  async countAllocations(q: AllocationQuery): Promise<number> {
    const p = new StatementParts();
    const query = p.query(`SELECT count(*)::int AS n FROM allocation a JOIN slot s ON s.id = a.slot_id WHERE ${allocationFilter(p, q)}`);
    const [row] = await this.dataSource.query(query.text, query.values);
    return row.n;
  }

  balancePreview(manager: EntityManager, conferenceId: string, allocationId: string, heldSeatBefore: boolean): Promise<BalancePreview> {
    return balancePreview(manager, conferenceId, allocationId, heldSeatBefore);
  }

  speakerClashes(manager: EntityManager, allocationId: string): Promise<SpeakerClash[]> {
    return speakerClashes(manager, allocationId);
  }

  // Slots and seats.

  async slotExists(slotId: string): Promise<boolean> {
    const [slot] = await this.dataSource.query(`SELECT 1 FROM slot WHERE id = $1`, [slotId]);
    return slot !== undefined;
  }

  /** The slot's seats, the slot locked so that invitations to it queue behind each other. */
  async lockSlot(manager: EntityManager, slotId: string): Promise<{ id: string; seats: number } | undefined> {
    const [slot] = await manager.query(`SELECT id, seats FROM slot WHERE id = $1 FOR UPDATE`, [slotId]);
    return slot;
  }

  /** The seats of the slot held by invited or accepted speakers. */
  async seatsTaken(manager: EntityManager, slotId: string): Promise<number> {
    const [{ taken }] = await manager.query(
      `SELECT count(*)::int AS taken FROM allocation WHERE slot_id = $1 AND status IN ('invited', 'accepted')`,
      [slotId],
    );
    return taken;
  }

  /** Everyone who already had an allocation of any status in the slot. */
  async membersAllocatedInSlot(manager: EntityManager, slotId: string): Promise<Set<string>> {
    const rows: Array<{ memberId: string }> = await manager.query(
      `SELECT DISTINCT member_id AS "memberId" FROM allocation WHERE slot_id = $1`,
      [slotId],
    );
    return new Set(rows.map((r) => r.memberId));
  }

  /** The member's nominations for the slot, newest first, locked against a parallel withdrawal. */
  lockNominationsForSeat(manager: EntityManager, slotId: string, memberId: string): Promise<Array<{ id: string; status: string }>> {
    return manager.query(`SELECT id, status FROM nomination WHERE slot_id = $1 AND member_id = $2 ORDER BY created_at DESC FOR UPDATE`, [
      slotId,
      memberId,
    ]);
  }

  // The lifecycle's writes.

  async insertAllocation(manager: EntityManager, a: AllocationRecord): Promise<string> {
    const [created] = await manager.query(
      `INSERT INTO allocation (slot_id, member_id, nomination_id, status, rationale, rank_at_allocation,
                               score_at_allocation, policy_version, allocated_by)
       VALUES ($1, $2, $3, 'invited', $4, $5, $6, $7, $8) RETURNING id`,
      [a.slotId, a.memberId, a.nominationId, a.rationale, a.rankAtAllocation, a.scoreAtAllocation, a.policyVersion, a.allocatedBy],
    );
    return created.id;
  }

  async lockAllocation(manager: EntityManager, id: string): Promise<LockedAllocation | undefined> {
    const [current] = await manager.query(
      `SELECT a.id, a.slot_id AS "slotId", a.member_id AS "memberId", a.nomination_id AS "nominationId", a.status, a.version
       FROM allocation a WHERE a.id = $1 FOR UPDATE`,
      [id],
    );
    return current;
  }

  /** The new status, with the reason of a decline or withdrawal and the time of an answer. */
  async updateAllocationStatus(
    manager: EntityManager,
    id: string,
    change: {
      to: AllocationStatus;
      reason: string | null;
      category: DeclineCategory | null;
    },
  ): Promise<void> {
    await manager.query(
      `UPDATE allocation
       SET status = $2, decline_reason = COALESCE($3, decline_reason), decline_category = $4,
           version = version + 1, updated_at = now(),
           responded_at = CASE WHEN $2 IN ('accepted', 'declined') THEN now() ELSE responded_at END
       WHERE id = $1`,
      [id, change.to, change.reason, change.category],
    );
  }

  /** Deletes the talk an accepted allocation recorded, and returns it. */
  deleteTalkOf(manager: EntityManager, allocationId: string): Promise<RemovedTalk[]> {
    // As a CTE so the driver hands back the deleted rows themselves.
    return manager.query(
      `WITH removed AS (
         DELETE FROM talk WHERE allocation_id = $1
         RETURNING id, member_id AS "memberId", conference_id AS "conferenceId", talk_type AS "talkType", date,
                   allocation_id AS "allocationId")
       SELECT * FROM removed`,
      [allocationId],
    );
  }

  /** The nomination's status, the nomination locked. */
  async lockNominationStatus(manager: EntityManager, nominationId: string): Promise<string | undefined> {
    const [nomination] = await manager.query(`SELECT status FROM nomination WHERE id = $1 FOR UPDATE`, [nominationId]);
    return nomination?.status;
  }

  // Deadlines and mail.

  async invitation(manager: EntityManager, allocationId: string): Promise<InvitationRow> {
    const [row] = await manager.query(INVITATION, [allocationId]);
    return row;
  }

  async setRespondBy(manager: EntityManager, allocationId: string, respondBy: Date): Promise<void> {
    await manager.query(`UPDATE allocation SET respond_by = $2 WHERE id = $1`, [allocationId, respondBy]);
  }

  async setRemindedAt(manager: EntityManager, allocationId: string, at: Date): Promise<void> {
    await manager.query(`UPDATE allocation SET reminded_at = $2 WHERE id = $1`, [allocationId, at]);
  }

  /**
   * The nominations whose nominators hear the outcome of `nominationId`'s acceptance: that one, and once
   * every seat of the slot is accepted, everyone else still nominated.
   */
  nominationsToTell(manager: EntityManager, slotId: string, nominationId: string): Promise<NominationOutcome[]> {
    return manager.query(
      `SELECT n.id, m.name AS nominee, u.name AS nominator, u.email, n.id = $2 AS selected
       FROM nomination n JOIN member m ON m.id = n.member_id JOIN app_user u ON u.id = n.nominator_id
       WHERE n.slot_id = $1 AND (n.id = $2 OR (
         n.status IN ('submitted', 'shortlisted', 'rejected')
         AND (SELECT count(*) FROM allocation a WHERE a.slot_id = $1 AND a.status = 'accepted')
             >= (SELECT seats FROM slot WHERE id = $1)))`,
      [slotId, nominationId],
    );
  }

  /** The committee's addresses: every enabled account holding the committee role. */
  async committeeAddresses(manager: EntityManager): Promise<string[]> {
    const rows: Array<{ email: string }> = await manager.query(
      `SELECT email FROM app_user WHERE 'committee' = ANY (roles) AND NOT disabled AND email IS NOT NULL ORDER BY email`,
    );
    return rows.map((r) => r.email);
  }

  // Answer links.

  async insertLink(manager: EntityManager, link: { id: string; allocationId: string; expiresAt: Date }): Promise<void> {
    await manager.query(`INSERT INTO invitation_link (id, allocation_id, expires_at) VALUES ($1, $2, $3)`, [
      link.id,
      link.allocationId,
      link.expiresAt,
    ]);
  }

  /** Marks the link used for `answer` unless it was used or had expired by `at`; whether it was. */
  async useLink(manager: EntityManager, link: { id: string; allocationId: string }, at: Date, answer: string): Promise<boolean> {
    const used = await manager.query(
      `WITH used AS (
         UPDATE invitation_link SET used_at = $3, answer = $4
         WHERE id = $1 AND allocation_id = $2 AND used_at IS NULL AND expires_at > $3
         RETURNING id)
       SELECT id FROM used`,
      [link.id, link.allocationId, at, answer],
    );
    return used.length > 0;
  }

  async linkUsage(link: { id: string; allocationId: string }): Promise<{ usedAt: Date; answer: string } | null> {
    const [row] = await this.dataSource.query(
      `SELECT used_at AS "usedAt", answer FROM invitation_link WHERE id = $1 AND allocation_id = $2 AND used_at IS NOT NULL`,
      [link.id, link.allocationId],
    );
    return row ?? null;
  }

  /** The links' signing secret, stored by the first instance to ask (`candidate`) outside any caller's transaction. */
  async linkSecret(candidate: Buffer): Promise<Buffer> {
    await this.dataSource.query(`INSERT INTO invitation_link_key (secret) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [candidate]);
    const [row] = await this.dataSource.query(`SELECT secret FROM invitation_link_key`);
    return row.secret as Buffer;
  }

  // The programme.

  async programmeConference(conferenceId: string): Promise<(ProgrammeConference & { tier: string }) | undefined> {
    const [conference] = await this.dataSource.query(
      `SELECT id, name, start_date AS "startDate", end_date AS "endDate", country, city, time_zone AS "timeZone", tier
       FROM conference WHERE id = $1`,
      [conferenceId],
    );
    return conference;
  }

  /** Every slot of the conference with each of its allocations; the institute is the talk's snapshot once accepted, else the speaker's current one. */
  programmeRows(conferenceId: string): Promise<ProgrammeRow[]> {
    return this.dataSource.query(
      `SELECT s.id AS "slotId", s.title, s.talk_type AS "talkType", s.topic, s.seats, s.starts_at AS "startsAt",
              s.duration_minutes AS "durationMinutes", s.room,
              a.id AS "allocationId", a.status, a.member_id AS "memberId", m.name,
              i.id AS "instituteId", i.name AS "instituteName", ir.region_code AS region, a.updated_at AS "updatedAt",
              CASE WHEN a.status = 'invited' THEN a.respond_by END AS "respondBy"
       FROM slot s
       LEFT JOIN allocation a ON a.slot_id = s.id
       LEFT JOIN member m ON m.id = a.member_id
       LEFT JOIN talk t ON t.allocation_id = a.id
       LEFT JOIN institute i ON i.id = COALESCE(t.institute_id, m.institute_id)
       LEFT JOIN institute_region ir ON ir.institute_id = i.id
       WHERE s.conference_id = $1
       ORDER BY s.starts_at NULLS LAST, s.title, s.id, a.created_at, a.id`,
      [conferenceId],
    );
  }
}

/** The list's optional filters (allocation a, slot s). */
function allocationFilter(p: StatementParts, q: AllocationQuery): string {
  const [conference, slot, member, status] = [
    p.add(q.conferenceId ?? null, 'uuid'),
    p.add(q.slotId ?? null, 'uuid'),
    p.add(q.memberId ?? null, 'uuid'),
    p.add(q.status ?? null, 'text'),
  ];
  return `(${conference} IS NULL OR s.conference_id = ${conference}) AND (${slot} IS NULL OR a.slot_id = ${slot})
           AND (${member} IS NULL OR a.member_id = ${member}) AND (${status} IS NULL OR a.status = ${status})`;
}
